"""The database file and its connections: owner-only, WAL, one writer and one reader, and the
scrub (VACUUM, checked checkpoint) that follows deletions."""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import stat
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.storage.schema import migrate
from bot.storage.user_key import KEY_BYTES, UserKey, key_file_for

log = logging.getLogger(__name__)

# how often a checkpoint that readers hold up is tried again before giving up (with a warning)
CHECKPOINT_ATTEMPTS = 6


def utc_today() -> str:
    """Today's date in UTC, as the tables store days."""
    return datetime.now(UTC).date().isoformat()


def month(day: str) -> str:
    """The month of an ISO day: how precisely a language choice's last use is kept."""
    return day[:7]


def _private_file(path: Path) -> None:
    """Create the database file (and its folder) readable by the owner only."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    # SQLite gives -wal and -shm the database file's mode, so this covers them too
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(0o600)


class Database:
    """What every kind of record shares (see `Storage`): the writer connection `_db` (under
    `_lock`), the reader connection `_ro` (under `_ro_lock`), the user key and the clock."""

    def __init__(self, path: Path | str, today: Callable[[], str], user_key: bytes | None,
                 key_file: Path | None) -> None:
        self.path = str(path)
        memory = self.path == ":memory:"
        self._key = UserKey(user_key or (secrets.token_bytes(KEY_BYTES) if memory else None),
                            key_file or (None if memory else key_file_for(self.path)))
        # set when deleted data may still sit in the write-ahead log (a checkpoint failed)
        self.unscrubbed = False
        if not memory:
            _private_file(Path(self.path))
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._today = today
        # for migrations: the user key as SQL (the key is read only when a migration needs it)
        self._db.create_function("user_key", 1, self._key_of, deterministic=True)
        self._db.create_function("this_month", 0, lambda: month(self._today()))
        self._db.execute("PRAGMA journal_mode=WAL")
        # issue 9: WAL's recommended level; no fsync per commit on the event loop (a power cut
        # may lose the last counters, never corrupts the file)
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        # deleted rows are overwritten, not just unlinked (see forget())
        self._db.execute("PRAGMA secure_delete=ON")
        self._migrate()
        # Reads get their own connection: in WAL mode they never wait for a writer, so a slow or
        # locked write does not hold up the lookups every reply needs.
        self._ro = self._db if memory else sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=1.0)
        self._ro_lock = self._lock if memory else threading.Lock()

    def _migrate(self) -> None:
        with self._lock:
            old_data = migrate(self._db, self.path, self._key.load)
        if old_data:
            self.scrub()

    def load_key(self) -> None:
        """Read (or generate) the user key now, so that a problem with it shows at start."""
        self._key.load()

    def _key_of(self, user_id: int) -> bytes:
        """What a user's choice is stored under: HMAC-SHA256 of the id, under the user key."""
        return self._key.of(user_id)

    def _days_ago(self, days: int) -> str:
        """The date `days` before today, as the tables store days."""
        return (date.fromisoformat(self._today()) - timedelta(days=days)).isoformat()

    def scrub(self) -> bool:
        """Rewrite the database without its free pages (VACUUM) and empty the write-ahead log,
        checking that the checkpoint completed; False (and a warning) when readers held it up
        through every attempt. Runs on the writer: callers batch deletions before it."""
        with self._lock:
            return self._scrub()

    def _scrub(self) -> bool:
        if self.path == ":memory:":
            return True
        try:
            self._db.execute("VACUUM")
        except sqlite3.OperationalError as exc:
            log.warning("storage: VACUUM after a deletion failed (%s); deleted data may remain "
                        "in free pages until the next try", exc)
            self.unscrubbed = True
            return False
        pause = 0.05
        for _ in range(CHECKPOINT_ATTEMPTS):
            busy, frames, done = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            # busy = 0: every frame was copied back and the log truncated to 0 bytes
            if busy == 0 and frames in (0, done):
                self.unscrubbed = False
                return True
            time.sleep(pause)
            pause *= 2
        log.warning("storage: another reader of the database (a backup, kb gaps, a shell?) held "
                    "up the checkpoint; deleted data stays in the -wal file until it is retried")
        self.unscrubbed = True
        return False

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("SELECT version FROM schema_version").fetchone()[0])

    def close(self) -> None:
        """Close both connections."""
        with self._ro_lock:
            if self._ro is not self._db:
                self._ro.close()
        with self._lock:
            self._db.close()
