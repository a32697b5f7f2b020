"""The user key: language choices are stored under HMAC of the user id with it, kept in a file
beside the database, never inside it."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

# the user key: this many random bytes, written as hex; a key given by the operator must be
# at least MIN_KEY_CHARS long
KEY_BYTES = 32
MIN_KEY_CHARS = 32


def key_file_for(db: Path | str) -> Path:
    """Where the user key is kept by default: beside the database file, never inside it (so a
    copy of the database, e.g. `electionbot backup`, does not hold it)."""
    db = Path(db)
    return db.with_name(db.name + ".key")


class UserKeyError(ValueError):
    """The user key cannot be read, or is too short."""


def load_user_key(path: Path) -> bytes:
    """The key in `path`, generated (owner-only, 0600) when the file does not exist yet."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        text = secrets.token_hex(KEY_BYTES)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile: use theirs
            return load_user_key(path)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(text + "\n")
            out.flush()
            os.fsync(out.fileno())
    except (OSError, UnicodeDecodeError) as exc:
        raise UserKeyError(f"cannot read the user key {path}: {exc}") from exc
    if len(text) < MIN_KEY_CHARS:
        raise UserKeyError(f"the user key in {path} is shorter than {MIN_KEY_CHARS} characters")
    return text.encode("ascii")


class UserKey:
    """The key itself when given, else read from (or generated in) its file on first use."""

    def __init__(self, key: bytes | None, file: Path | None) -> None:
        self._key = key
        self._file = file

    def load(self) -> bytes:
        """The key, read now if it was not yet."""
        if self._key is None:
            assert self._file is not None
            self._key = load_user_key(self._file)
        return self._key

    def of(self, user_id: int) -> bytes:
        """What a user's choice is stored under: HMAC-SHA256 of the id, under the user key."""
        return hmac.new(self.load(), str(int(user_id)).encode(), hashlib.sha256).digest()
