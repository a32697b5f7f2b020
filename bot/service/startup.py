"""Pre-flight checks for `electionbot run`: knowledge, database, then Telegram, in that order.

Each check turns a low-level failure into an `ElectionbotError` with its exit code. Nothing here
writes to the database or creates it: a start that fails leaves the disk as it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from bot.conversation import Conversation
from bot.errors import (
    DatabaseLocked,
    DatabaseUnusable,
    KnowledgeUnavailable,
    TelegramRefused,
    TelegramUnreachable,
)
from bot.knowledge.base import KnowledgeError
from bot.knowledge.catalogs import I18nError
from bot.knowledge.paths import resolve_data_dir
from bot.service.config import Settings
from bot.storage import SCHEMA_VERSION, Storage, UserKeyError

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
LOCK_WAIT = 5.0  # seconds a lock held by another process may delay the start
TELEGRAM_DEFAULT = "https://api.telegram.org/bot"


def load_conversation(settings: Settings) -> Conversation:
    """The knowledge base and catalogs, or a one-line reason why they cannot be used."""
    try:
        return Conversation.load(settings.kb_dir, settings.locales_dir)
    except KnowledgeError as exc:
        problems = exc.problems
        where = settings.kb_dir or resolve_data_dir("knowledge").path
        first = str(problems[0]) if problems else str(exc)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise KnowledgeUnavailable(
            f"the knowledge base in {where} cannot be loaded: {first}{more}",
            "run `electionbot kb check` for every problem; ELECTIONBOT_KB sets the directory"
        ) from exc
    except I18nError as exc:
        where = settings.locales_dir or resolve_data_dir("locales").path
        raise KnowledgeUnavailable(
            f"the catalogs in {where} cannot be loaded: {exc}",
            "run `electionbot locales check`; ELECTIONBOT_LOCALES sets the directory") from exc
    except OSError as exc:
        raise KnowledgeUnavailable(
            f"cannot read the knowledge base or catalogs: {exc.strerror}: {exc.filename}",
            "check ELECTIONBOT_KB / ELECTIONBOT_LOCALES and the files' permissions") from exc


# --- database ------------------------------------------------------------------------------------

def _unusable(path: Path, why: str, fix: str) -> DatabaseUnusable:
    return DatabaseUnusable(f"the database {path} cannot be used: {why}", fix)


def _locked(path: Path) -> DatabaseLocked:
    return DatabaseLocked(
        f"the database {path} is locked by another process (another electionbot, or an sqlite3 "
        f"shell with an open transaction?)",
        "stop that process, or give this bot its own file with ELECTIONBOT_DB")


def _nearest_existing(path: Path) -> Path:
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path("/")


def _probe_creatable(path: Path) -> None:
    """Prove that `path` could be created, without creating it."""
    ancestor = _nearest_existing(path)
    fix = "choose a writable place with ELECTIONBOT_DB (in Docker: the /data volume)"
    if not ancestor.is_dir():
        raise _unusable(path, f"{ancestor} is not a directory", fix)
    try:
        # a real creation attempt: os.access() says yes to root even where nothing can be made
        probe = tempfile.mkdtemp(prefix=".electionbot-probe-", dir=ancestor)
    except OSError as exc:
        raise _unusable(path, f"cannot create files in {ancestor} ({exc.strerror})", fix) from exc
    os.rmdir(probe)


def check_database(path: Path, lock_wait: float | None = None) -> None:
    """Raise DatabaseUnusable / DatabaseLocked unless the bot can open and write `path`."""
    lock_wait = LOCK_WAIT if lock_wait is None else lock_wait
    fix_path = "point ELECTIONBOT_DB at a file (in Docker: under the /data volume)"
    if path.is_dir():
        raise _unusable(path, "it is a directory", fix_path)
    if not path.exists():
        _probe_creatable(path)
        return
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise _unusable(path, f"cannot read it ({exc.strerror})",
                        "fix the file's permissions or owner") from exc
    restore = "it was left untouched; restore a backup or move it away to start afresh"
    if head and head != SQLITE_MAGIC:
        raise _unusable(path, "it is not an SQLite database", restore)
    if not os.access(path.parent, os.W_OK):
        raise _unusable(path, f"its directory {path.parent} is not writable (SQLite keeps a "
                        f"journal next to the file)", "fix the permissions or the mount")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=lock_wait,
                             isolation_level=None)
    except sqlite3.Error as exc:
        raise _unusable(path, f"cannot open it ({exc})", "fix the file's permissions") from exc
    try:
        _check_open_database(db, path, restore)
    finally:
        db.close()


def _check_open_database(db: sqlite3.Connection, path: Path, restore: str) -> None:
    try:
        verdict = db.execute("PRAGMA quick_check(1)").fetchone()[0]
        if verdict != "ok":  # e.g. "*** in database main ***\nPage 2: btreeInitPage() ..."
            detail = " ".join(str(verdict).replace("*** in database main ***", "").split())
            raise _unusable(path, f"it is corrupt ({detail[:160]})", restore)
        has_version = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                 "name = 'schema_version'").fetchone()
        row = db.execute("SELECT version FROM schema_version").fetchone() if has_version else None
        if row and int(row[0]) > SCHEMA_VERSION:
            raise _unusable(path, f"it has schema version {row[0]}, newer than this "
                            f"program's {SCHEMA_VERSION}",
                            "upgrade electionbot (the file was left untouched)")
        # the write lock the bot will need; rolled back at once, nothing is written
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise _locked(path) from exc
        if "readonly" in text or "read-only" in text:
            raise _unusable(path, "it is read-only", "fix the permissions or the mount") from exc
        raise _unusable(path, str(exc), restore) from exc
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed", ...
        raise _unusable(path, f"it is corrupt ({exc})", restore) from exc


def lock_instance(path: Path) -> int | None:
    """An exclusive lock on `<database>.lock`, held until the process ends (the descriptor
    returned): a second bot on the same database would poll against the first (Telegram
    refuses that) or answer webhook updates twice."""
    if str(path) == ":memory:":
        return None
    lock_path = path.with_name(path.name + ".lock")
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise _unusable(path, f"cannot create its lock file {lock_path} ({exc.strerror})",
                        "fix the permissions of the database's folder") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise DatabaseLocked(
            f"another electionbot is running with the database {path} (it holds {lock_path})",
            "stop it first, or give this bot its own file with ELECTIONBOT_DB") from exc
    return fd


def open_storage(settings: Settings) -> Storage:
    """Open (creating and migrating if needed) the database that check_database accepted."""
    path = settings.db_path
    try:
        storage = Storage(path, retention_days=settings.retention_days,
                          user_key=settings.user_key.encode() or None,
                          key_file=settings.user_key_file, language_days=settings.language_days,
                          hold_texts=True)
        try:
            storage.load_key()
        except BaseException:
            storage.close()
            raise
        return storage
    except UserKeyError as exc:
        raise _unusable(path, str(exc), "set ELECTIONBOT_USER_KEY_FILE to a readable file "
                        "(see docs/operating.md, section Privacy)") from exc
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower():
            raise _locked(path) from exc
        raise _unusable(path, str(exc), "see docs/operating.md, section Database") from exc
    except (sqlite3.Error, OSError, RuntimeError) as exc:
        raise _unusable(path, str(exc), "see docs/operating.md, section Database") from exc


# --- Telegram -------------------------------------------------------------------------------------

def api_address(settings: Settings) -> str:
    """The Bot API server as operators know it (no token; the /bot suffix dropped)."""
    base = settings.base_url or TELEGRAM_DEFAULT
    return base.removesuffix("/bot")


async def check_telegram(settings: Settings, attempt_timeout: float = 10.0) -> str:
    """Call getMe until it answers or `settings.connect_timeout` runs out; the bot's @username."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.service.http import AiohttpRequest

    where = api_address(settings)
    setting = "TELEGRAM_BASE_URL" if settings.base_url else "the network"
    deadline = time.monotonic() + settings.connect_timeout
    delay, reason = 0.5, "no answer"
    while True:
        left = deadline - time.monotonic()
        timeout = max(0.1, min(attempt_timeout, left))
        # the same client as the running bot: what passes here (proxies, TLS) works there
        request = AiohttpRequest(connect_timeout=timeout, read_timeout=timeout,
                                 write_timeout=timeout, pool_timeout=timeout)
        bot = Bot(settings.token, base_url=settings.base_url or TELEGRAM_DEFAULT,
                  request=request, get_updates_request=request)
        try:
            async with bot:  # initialize() calls getMe
                return f"@{bot.username}"
        except InvalidToken as exc:
            raise TelegramRefused(
                "Telegram rejected TELEGRAM_BOT_TOKEN (Unauthorized): the token is wrong or was "
                "revoked", "get the current token from @BotFather (/mybots → your bot → API "
                "Token)") from exc
        except NetworkError as exc:
            reason = describe_error(exc, settings.token)
        except TelegramError as exc:  # an answer, but not a usable one
            reason = describe_error(exc, settings.token)
        finally:
            with contextlib.suppress(Exception):
                await request.shutdown()
        if time.monotonic() + delay >= deadline:
            raise TelegramUnreachable(
                f"cannot reach the Telegram Bot API at {where} within "
                f"{settings.connect_timeout:g} s: {reason}",
                f"check {setting} (DNS, firewall, HTTPS_PROXY); "
                f"ELECTIONBOT_CONNECT_TIMEOUT sets the wait")
        log.warning("Bot API at %s not reachable yet (%s); retrying", where, reason)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 5.0)


def describe_error(exc: Exception, token: str) -> str:
    """One line about a failed Bot API call, token removed."""
    text = str(exc).removeprefix("aiohttp.").strip() or type(exc).__name__
    text = text.replace(token, "[REDACTED]")
    return text.splitlines()[0][:200]
