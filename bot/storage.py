"""SQLite storage: language choices, aggregate counters, feedback, unanswered question texts.

Privacy by design: the only per-user data is the language a user chose. Question texts are kept
without any user identifier and with the day only (no time), so they cannot be joined back to a
person; counters and feedback are aggregates.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sqlite3
import stat
import threading
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import ParamSpec, TypeVar

from bot.logs import Throttle

log = logging.getLogger(__name__)
_P = ParamSpec("_P")
_T = TypeVar("_T")

# Each migration takes the schema from version i to i + 1; append, never edit.
_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE users (
        user_id INTEGER PRIMARY KEY,
        lang TEXT NOT NULL
    );
    CREATE TABLE counters (
        day TEXT NOT NULL,
        lang TEXT NOT NULL,
        status TEXT NOT NULL,
        n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, lang, status)
    );
    CREATE TABLE feedback (
        entry_id TEXT PRIMARY KEY,
        up INTEGER NOT NULL DEFAULT 0,
        down INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        day TEXT NOT NULL,
        lang TEXT NOT NULL,
        status TEXT NOT NULL,
        text TEXT NOT NULL,
        nearest TEXT,
        score REAL NOT NULL DEFAULT 0
    );
    CREATE INDEX questions_day ON questions (day);
    """,
    # learning from citizens (bot/learning.py): an unsure reply's question text is kept under a
    # random reference, and the suggestion a citizen then pressed under the same reference
    """
    ALTER TABLE questions ADD COLUMN ref TEXT;
    CREATE UNIQUE INDEX questions_ref ON questions (ref) WHERE ref IS NOT NULL;
    CREATE TABLE choices (
        ref TEXT PRIMARY KEY,
        entry_id TEXT NOT NULL,
        day TEXT NOT NULL
    );
    """,
    # keys the program generates once and keeps, e.g. the one that signs inline buttons
    """
    CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    """,
)

SCHEMA_VERSION = len(_MIGRATIONS)
DEFAULT_RETENTION_DAYS = 90


@dataclass(frozen=True)
class Stats:
    """What /stats shows."""

    users_per_language: dict[str, int]
    questions: dict[str, int]
    feedback: dict[str, tuple[int, int]]


@dataclass(frozen=True)
class StoredChoice:
    """A suggestion a citizen pressed, with the question it answered (no one's identity)."""

    day: str
    lang: str
    status: str
    text: str
    entry_id: str


@dataclass(frozen=True)
class StoredQuestion:
    day: str
    lang: str
    status: str
    text: str
    nearest: str | None
    score: float


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


# The stored copy of a question never holds more than the matcher reads (the core cuts questions
# to MAX_QUESTION_CHARS before matching); kept here too so that storage is safe on its own.
MAX_STORED_CHARS = 500
BUTTON_KEY = "button-hmac"


def safe_text(text: str, limit: int = MAX_STORED_CHARS) -> str:
    """A question as it may be stored: one line, no control characters or lone surrogates
    (not storable as UTF-8), cut to `limit` characters (the matcher reads no more)."""
    cleaned = "".join("?" if unicodedata.category(c) == "Cs" else
                      " " if unicodedata.category(c)[0] in "CZ" else c for c in text[:limit])
    return " ".join(cleaned.split())


def _private_file(path: Path) -> None:
    """Create the database file (and its folder) readable by the owner only."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    # SQLite gives -wal and -shm the database file's mode, so this covers them too
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(0o600)


class Storage:
    """A small SQLite database in WAL mode; safe to share between asyncio tasks."""

    def __init__(self, path: Path | str, today: Callable[[], str] = _today,
                 retention_days: int = DEFAULT_RETENTION_DAYS) -> None:
        self.path = str(path)
        self.retention_days = retention_days
        self._expired_on = ""
        memory = self.path == ":memory:"
        if not memory:
            _private_file(Path(self.path))
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._today = today
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
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._db.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"database {self.path} has schema {version}, newer than this "
                                   f"program's {SCHEMA_VERSION}: upgrade electionbot")
            for i in range(version, SCHEMA_VERSION):
                # one transaction per step: a crash never leaves a half-migrated database
                self._db.executescript(f"BEGIN; {_MIGRATIONS[i]}; DELETE FROM schema_version; "
                                       f"INSERT INTO schema_version VALUES ({i + 1}); COMMIT;")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("SELECT version FROM schema_version").fetchone()[0])

    def close(self) -> None:
        with self._ro_lock:
            if self._ro is not self._db:
                self._ro.close()
        with self._lock:
            self._db.close()

    def secret(self, name: str = BUTTON_KEY) -> bytes:
        """A random key generated on first use and kept, so that it survives restarts."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)",
                             (name, secrets.token_bytes(32)))
            row = self._db.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()
        return bytes(row[0])

    # --- per-user: the chosen language only ---------------------------------------------------

    def language(self, user_id: int) -> str | None:
        with self._ro_lock:
            row = self._ro.execute("SELECT lang FROM users WHERE user_id = ?",
                                   (user_id,)).fetchone()
        return row[0] if row else None

    def set_language(self, user_id: int, lang: str) -> None:
        with self._lock:
            self._db.execute("INSERT INTO users (user_id, lang) VALUES (?, ?) "
                             "ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang",
                             (user_id, lang))

    def forget(self, user_id: int) -> bool:
        """Delete everything stored about a user; True when there was something.

        With secure_delete the row is overwritten in the database file, and the checkpoint
        empties the write-ahead log, which would otherwise keep older copies of the page.
        """
        with self._lock:
            cur = self._db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cur.rowcount > 0

    # --- anonymous aggregates ------------------------------------------------------------------

    def record(self, lang: str, status: str, text: str | None = None,
               nearest: str | None = None, score: float = 0.0, ref: str | None = None) -> None:
        """Count a question; keep its text (never who asked) when it was not answered.

        `ref` is the unsure reply's random reference (learning.py): a later press of one of its
        suggestions is recorded against it by `record_choice`.
        """
        day = self._today()
        if day != self._expired_on:  # old texts go at the first question of each day
            self.expire()
        with self._lock:
            self._db.execute("INSERT INTO counters (day, lang, status, n) VALUES (?, ?, ?, 1) "
                             "ON CONFLICT(day, lang, status) DO UPDATE SET n = n + 1",
                             (day, lang, status))
            if text is not None and status != "answer":
                self._db.execute("INSERT OR IGNORE INTO questions (day, lang, status, text, "
                                 "nearest, score, ref) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 (day, lang, status, safe_text(text), nearest, score, ref))

    def record_choice(self, ref: str, entry_id: str) -> bool:
        """Record once which suggestion was pressed for a stored question; False if not new."""
        with self._lock:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO choices (ref, entry_id, day) SELECT ?, ?, ? "
                "WHERE EXISTS (SELECT 1 FROM questions WHERE ref = ?)",
                (ref, entry_id, self._today(), ref))
        return cur.rowcount == 1

    def _days_ago(self, days: int) -> str:
        """The date `days` before today, as the tables store days."""
        return (date.fromisoformat(self._today()) - timedelta(days=days)).isoformat()

    def choices(self, since_days: int | None = None) -> list[StoredChoice]:
        """Pressed suggestions with their question texts, oldest first."""
        query = ("SELECT q.day, q.lang, q.status, q.text, c.entry_id FROM choices c "
                 "JOIN questions q ON q.ref = c.ref")
        args: tuple[str, ...] = ()
        if since_days is not None:
            query += " WHERE q.day >= ?"
            args = (self._days_ago(since_days),)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY q.id", args).fetchall()
        return [StoredChoice(*row) for row in rows]

    def feedback(self, entry_id: str, up: bool) -> None:
        column = "up" if up else "down"
        with self._lock:
            self._db.execute(f"INSERT INTO feedback (entry_id, {column}) VALUES (?, 1) "
                             f"ON CONFLICT(entry_id) DO UPDATE SET {column} = {column} + 1",
                             (entry_id,))

    def stats(self) -> Stats:
        with self._ro_lock:
            users = dict(self._ro.execute(
                "SELECT lang, COUNT(*) FROM users GROUP BY lang ORDER BY lang").fetchall())
            questions = dict(self._ro.execute(
                "SELECT status, SUM(n) FROM counters GROUP BY status ORDER BY status").fetchall())
            feedback = {eid: (up, down) for eid, up, down in self._ro.execute(
                "SELECT entry_id, up, down FROM feedback ORDER BY entry_id")}
        return Stats(users, questions, feedback)

    def questions(self, since_days: int | None = None,
                  unresolved: bool = False) -> list[StoredQuestion]:
        """Stored unanswered / suggested question texts, oldest first.

        With `unresolved`, questions whose asker then pressed a suggestion are left out: those
        are `choices()`, phrasings learned rather than gaps.
        """
        query = "SELECT day, lang, status, text, nearest, score FROM questions WHERE 1"
        if unresolved:
            query += " AND (ref IS NULL OR ref NOT IN (SELECT ref FROM choices))"
        args: tuple[str, ...] = ()
        if since_days is not None:
            query += " AND day >= ?"
            args = (self._days_ago(since_days),)
        with self._ro_lock:
            rows = self._ro.execute(query + " ORDER BY id", args).fetchall()
        return [StoredQuestion(*row) for row in rows]

    def expire(self) -> int:
        """Delete question texts older than the retention period; returns how many."""
        today = self._today()
        cutoff = self._days_ago(self.retention_days)
        with self._lock:
            cur = self._db.execute("DELETE FROM questions WHERE day < ?", (cutoff,))
            self._db.execute("DELETE FROM choices WHERE day < ? OR ref NOT IN "
                             "(SELECT ref FROM questions WHERE ref IS NOT NULL)", (cutoff,))
        self._expired_on = today
        return cur.rowcount


class BackgroundStorage:
    """Runs Storage calls off the event loop: writes in order on one thread, reads bounded.

    A failing or locked database must never cost an answer: writes are queued and their
    failures logged (at most once a minute per kind), reads give up after `read_timeout` and the
    caller carries on without the stored value. Writes wait `linger` seconds and then run
    together: waking a thread for each of them made the event loop wait for the interpreter lock
    about as long as the writes took.
    """

    def __init__(self, storage: Storage, read_timeout: float = 0.5,
                 log_every: float = 60.0, linger: float = 0.02) -> None:
        self.storage = storage
        self.read_timeout = read_timeout
        self.linger = linger
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="storage-write")
        self._reader = ThreadPoolExecutor(2, thread_name_prefix="storage-read")
        self._queued: list[Callable[[], None]] = []
        self._queue_lock = threading.Lock()
        self._draining = False
        self._throttle = Throttle(log_every)
        self.failures = 0

    def _failed(self, what: str, exc: BaseException) -> None:
        self.failures += 1
        skipped = self._throttle.allow(what)
        if skipped is None:
            return
        # the exception text names the database problem, never stored values
        log.warning("storage %s failed: %s: %s%s", what, type(exc).__name__, exc,
                    f" ({skipped} more failures since the last message)" if skipped else "")

    def _enqueue(self, job: Callable[[], None], linger: bool = True) -> None:
        with self._queue_lock:
            self._queued.append(job)
            if self._draining:
                return
            self._draining = True
        self._writer.submit(self._drain, self.linger if linger else 0.0)

    def _drain(self, linger: float) -> None:
        if linger:
            time.sleep(linger)
        while True:
            with self._queue_lock:
                jobs, self._queued = self._queued, []
                if not jobs:
                    self._draining = False
                    return
            for job in jobs:
                job()

    def write(self, fn: Callable[_P, object], *args: _P.args, **kwargs: _P.kwargs) -> None:
        """Queue a write and return at once."""
        def run() -> None:
            try:
                fn(*args, **kwargs)
            except Exception as exc:
                self._failed(f"write ({getattr(fn, '__name__', 'call')})", exc)
        self._enqueue(run)

    def _after_writes(self, fn: Callable[_P, _T], *args: _P.args,
                      **kwargs: _P.kwargs) -> Future[_T]:
        future: Future[_T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)
        self._enqueue(run, linger=False)
        return future

    async def call(self, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """Run `fn` in order after the queued writes and wait for it (raises on failure)."""
        return await asyncio.wrap_future(self._after_writes(fn, *args, **kwargs))

    async def call_within(self, timeout: float, fn: Callable[_P, _T], *args: _P.args,
                          **kwargs: _P.kwargs) -> _T | None:
        """`call`, or None (logged) when it fails or takes longer than `timeout` seconds."""
        try:
            return await asyncio.wait_for(self.call(fn, *args, **kwargs), timeout)
        except TimeoutError as exc:
            self._failed("call (timed out)", exc)
        except Exception as exc:
            self._failed(f"call ({getattr(fn, '__name__', 'call')})", exc)
        return None

    async def lookup(self, fn: Callable[_P, _T], *args: _P.args,
                     **kwargs: _P.kwargs) -> tuple[bool, _T | None]:
        """(True, the value) or, when the database fails or is slower than `read_timeout`,
        (False, None)."""
        future = self._reader.submit(fn, *args, **kwargs)
        try:
            return True, await asyncio.wait_for(asyncio.wrap_future(future), self.read_timeout)
        except TimeoutError as exc:
            self._failed("read (timed out)", exc)
        except Exception as exc:
            self._failed(f"read ({getattr(fn, '__name__', 'call')})", exc)
        return False, None

    async def read(self, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | None:
        """A read, or None when the database fails or is slower than `read_timeout`."""
        return (await self.lookup(fn, *args, **kwargs))[1]

    def close(self, timeout: float = 5.0) -> None:
        """Let queued writes finish (up to `timeout` seconds), then close the database."""
        done = threading.Event()
        self._enqueue(done.set, linger=False)
        self._writer.shutdown(wait=False)
        if not done.wait(timeout):
            log.warning("storage: queued writes did not finish within %.0f s", timeout)
        self._reader.shutdown(wait=False)
        try:
            self.storage.close()
        except sqlite3.Error as exc:
            log.warning("storage close failed: %s", exc)
