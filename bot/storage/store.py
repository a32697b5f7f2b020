"""SQLite storage: language choices, aggregate counters, feedback, unanswered question texts.

Privacy by design, for a database (or a backup of it) taken by force:

- the only per-user data is the language a user chose, kept under HMAC-SHA256 of the Telegram
  user id with a key that lives outside the database (`user_key`), so the file alone names
  nobody; a choice unused for `language_days` expires;
- question texts are kept without any user identifier, with the day only (no time), the language
  the text is written in (not the asker's), under random row ids, and - in the bot - written in
  shuffled batches, so neither order nor time of asking can be read back;
- deletions (/forget, retention) are followed by VACUUM and a checked checkpoint, so deleted
  values do not survive in free pages, b-tree separator keys or the write-ahead log.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import random
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
    # learning from citizens (bot/authoring/learning.py): an unsure reply's question text is kept
    # under a random reference, and the suggestion a citizen then pressed under the same reference
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
    # issue 18: (1) language choices keyed by HMAC of the user id (user_key() is the Storage's
    # key, registered as an SQL function) with the month last used; the raw ids are dropped.
    # (2, 4) question texts keep the language they are written in, unknown for the old rows
    # (theirs was the reply's language, which could point at the asker), and row ids that carry
    # no order. Storage VACUUMs after this step, so the old pages are gone from the file.
    """
    CREATE TABLE languages (
        key BLOB PRIMARY KEY,
        lang TEXT NOT NULL,
        seen TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO languages (key, lang, seen) SELECT user_key(user_id), lang, this_month()
        FROM users;
    DROP TABLE users;
    CREATE TABLE questions_v4 (
        id INTEGER PRIMARY KEY,
        day TEXT NOT NULL,
        lang TEXT,
        status TEXT NOT NULL,
        text TEXT NOT NULL,
        nearest TEXT,
        score REAL NOT NULL DEFAULT 0,
        ref TEXT
    );
    INSERT INTO questions_v4 (id, day, lang, status, text, nearest, score, ref)
        SELECT random(), day, NULL, status, text, nearest, score, ref FROM questions
        ORDER BY random();
    DROP TABLE questions;
    ALTER TABLE questions_v4 RENAME TO questions;
    CREATE INDEX questions_day ON questions (day);
    CREATE UNIQUE INDEX questions_ref ON questions (ref) WHERE ref IS NOT NULL;
    """,
)
# the first schema whose user data needs the VACUUM above when migrated to
_SCRUBBED_FROM = 4

SCHEMA_VERSION = len(_MIGRATIONS)
DEFAULT_RETENTION_DAYS = 90
# a language choice nobody used for this long is deleted (counted in whole months)
DEFAULT_LANGUAGE_DAYS = 365
# the user key: this many random bytes, written as hex; a key given by the operator must be
# at least MIN_KEY_CHARS long
KEY_BYTES = 32
MIN_KEY_CHARS = 32
# held question texts beyond which a batch is written before the hour is up (memory bound:
# about 6 MB)
MAX_HELD_TEXTS = 10_000
# how often a checkpoint that readers hold up is tried again before giving up (with a warning)
CHECKPOINT_ATTEMPTS = 6


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
    lang: str | None  # the language the text is written in, when known
    status: str
    text: str
    entry_id: str


@dataclass(frozen=True)
class StoredQuestion:
    day: str
    lang: str | None  # the language the text is written in, when known
    status: str
    text: str
    nearest: str | None
    score: float


class _Same:
    """`record`'s default text language: the same as the reply's (see there)."""


SAME = _Same()


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


def _month(day: str) -> str:
    """The month of an ISO day: how precisely a language choice's last use is kept."""
    return day[:7]


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
                 retention_days: int = DEFAULT_RETENTION_DAYS,
                 user_key: bytes | None = None, key_file: Path | None = None,
                 language_days: int = DEFAULT_LANGUAGE_DAYS, hold_texts: bool = False) -> None:
        """`user_key` keys the language choices; without it the key is read from `key_file`
        (default: `key_file_for(path)`), generated there on first use. With `hold_texts`,
        question texts wait in memory until `flush_texts` writes them in a shuffled batch."""
        self.path = str(path)
        self.retention_days = retention_days
        self.language_days = language_days
        self.hold_texts = hold_texts
        self._expired_on = ""
        memory = self.path == ":memory:"
        self._user_key = user_key or (secrets.token_bytes(KEY_BYTES) if memory else None)
        self._key_file = key_file or (None if memory else key_file_for(self.path))
        # texts (and the suggestions pressed for them) waiting for the next batch
        self._held: list[tuple[str, str | None, str, str, str | None, float, str | None]] = []
        self._held_choices: dict[str, tuple[str, str]] = {}
        # set when deleted data may still sit in the write-ahead log (a checkpoint failed)
        self.unscrubbed = False
        if not memory:
            _private_file(Path(self.path))
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._today = today
        # for migrations: the user key as SQL (the key is read only when a migration needs it)
        self._db.create_function("user_key", 1, self._key_of, deterministic=True)
        self._db.create_function("this_month", 0, lambda: _month(self._today()))
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
            if 0 < version < _SCRUBBED_FROM:
                self._user_key_bytes()  # a key problem as itself, not as an SQL error
            for i in range(version, SCHEMA_VERSION):
                # one transaction per step: a crash never leaves a half-migrated database
                try:
                    self._db.executescript(f"BEGIN; {_MIGRATIONS[i]}; DELETE FROM schema_version;"
                                           f" INSERT INTO schema_version VALUES ({i + 1}); "
                                           f"COMMIT;")
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
        if 0 < version < _SCRUBBED_FROM:
            # the raw user ids and the old question rows must not survive in free pages
            self.scrub()

    def load_key(self) -> None:
        """Read (or generate) the user key now, so that a problem with it shows at start."""
        self._user_key_bytes()

    def _user_key_bytes(self) -> bytes:
        if self._user_key is None:
            assert self._key_file is not None
            self._user_key = load_user_key(self._key_file)
        return self._user_key

    def _key_of(self, user_id: int) -> bytes:
        """What a user's choice is stored under: HMAC-SHA256 of the id, under the user key."""
        return hmac.new(self._user_key_bytes(), str(int(user_id)).encode(),
                        hashlib.sha256).digest()

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
        """Write the held texts and close the database."""
        try:
            self.flush_texts()
        except sqlite3.Error as exc:
            log.warning("storage: could not write the held question texts: %s", exc)
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

    # --- per-user: the chosen language only, under a keyed hash of the id ------------------

    def _this_month(self) -> str:
        return _month(self._today())

    def language(self, user_id: int) -> str | None:
        key = self._key_of(user_id)
        with self._ro_lock:
            row = self._ro.execute("SELECT lang FROM languages WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_language(self, user_id: int, lang: str) -> None:
        key = self._key_of(user_id)
        with self._lock:
            self._db.execute("INSERT INTO languages (key, lang, seen) VALUES (?, ?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET lang = excluded.lang, "
                             "seen = excluded.seen", (key, lang, self._this_month()))

    def touch(self, user_id: int) -> None:
        """Note that a user's choice is still in use this month (it expires when unused)."""
        key, month = self._key_of(user_id), self._this_month()
        with self._lock:
            self._db.execute("UPDATE languages SET seen = ? WHERE key = ? AND seen <> ?",
                             (month, key, month))

    def delete_user(self, user_id: int) -> bool:
        """Delete a user's choice without scrubbing (see BackgroundStorage.forget, which scrubs
        once for a batch of these); True when there was one."""
        key = self._key_of(user_id)
        with self._lock:
            cur = self._db.execute("DELETE FROM languages WHERE key = ?", (key,))
        return cur.rowcount > 0

    def forget(self, user_id: int) -> bool:
        """Delete everything stored about a user; True when there was something.

        The deletion is followed by `scrub`: VACUUM drops the free pages and the b-tree keys
        that held the row, the checked checkpoint empties the write-ahead log.
        """
        deleted = self.delete_user(user_id)
        if deleted or self.unscrubbed:  # nothing deleted, nothing to scrub: no VACUUM to spend
            self.scrub()
        return deleted

    # --- anonymous aggregates ------------------------------------------------------------------

    def record(self, lang: str, status: str, text: str | None = None,
               nearest: str | None = None, score: float = 0.0, ref: str | None = None,
               text_lang: str | _Same | None = SAME) -> None:
        """Count a question under its reply's language `lang`; keep its text (never who asked)
        when it was not answered, with `text_lang`, the language the text is written in (None:
        unknown). The reply's language can be the asker's choice, so it is never stored with
        the text; callers that do not pass `text_lang` say the two are the same.

        `ref` is the unsure reply's random reference (learning.py): a later press of one of its
        suggestions is recorded against it by `record_choice`.
        """
        day = self._today()
        if day != self._expired_on:  # retention also runs on a timer (see bot.telegram.app)
            self.expire()
        written = lang if isinstance(text_lang, _Same) else text_lang
        row = (day, written, status, safe_text(text or ""), nearest, score, ref)
        with self._lock:
            self._db.execute("INSERT INTO counters (day, lang, status, n) VALUES (?, ?, ?, 1) "
                             "ON CONFLICT(day, lang, status) DO UPDATE SET n = n + 1",
                             (day, lang, status))
            if text is None or status == "answer":
                return
            if not self.hold_texts:
                self._insert_questions([row])
                return
            self._held.append(row)
            full = len(self._held) >= MAX_HELD_TEXTS
        if full:  # memory stays bounded: an early batch, still shuffled
            self.flush_texts()

    def _insert_questions(self, rows: list[tuple[str, str | None, str, str, str | None, float,
                                                 str | None]]) -> None:
        # random row ids: the order of the rows says nothing about the order of asking
        self._db.executemany("INSERT OR IGNORE INTO questions (id, day, lang, status, text, "
                             "nearest, score, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             [(random.getrandbits(63), *row) for row in rows])

    def flush_texts(self) -> int:
        """Write the held question texts (and their pressed suggestions) in a shuffled batch;
        returns how many texts."""
        with self._lock:
            rows, self._held = self._held, []
            choices, self._held_choices = self._held_choices, {}
            if not rows and not choices:
                return 0
            random.SystemRandom().shuffle(rows)
            try:
                self._db.execute("BEGIN")
                self._insert_questions(rows)
                self._db.executemany(
                    "INSERT OR IGNORE INTO choices (ref, entry_id, day) VALUES (?, ?, ?)",
                    [(ref, entry_id, day) for ref, (entry_id, day) in choices.items()])
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                self._held[:0] = rows  # tried again with the next batch
                self._held_choices = {**choices, **self._held_choices}
                raise
        return len(rows)

    def record_choice(self, ref: str, entry_id: str) -> bool:
        """Record once which suggestion was pressed for a stored question; False if not new."""
        with self._lock:
            if any(row[6] == ref for row in self._held):
                if ref in self._held_choices:
                    return False
                self._held_choices[ref] = (entry_id, self._today())
                return True
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
        since = args[0] if args else ""
        with self._lock:
            rows = self._db.execute(query + " ORDER BY q.day, q.id", args).fetchall()
            # those still held in memory (this process's own, not yet written)
            rows += [(day, lang, status, text, self._held_choices[ref][0])
                     for day, lang, status, text, _, _, ref in self._held
                     if ref in self._held_choices and day >= since]
        return [StoredChoice(*row) for row in sorted(rows, key=lambda row: row[0])]

    def feedback(self, entry_id: str, up: bool) -> None:
        column = "up" if up else "down"
        with self._lock:
            self._db.execute(f"INSERT INTO feedback (entry_id, {column}) VALUES (?, 1) "
                             f"ON CONFLICT(entry_id) DO UPDATE SET {column} = {column} + 1",
                             (entry_id,))

    def stats(self) -> Stats:
        with self._ro_lock:
            users = dict(self._ro.execute(
                "SELECT lang, COUNT(*) FROM languages GROUP BY lang ORDER BY lang").fetchall())
            questions = dict(self._ro.execute(
                "SELECT status, SUM(n) FROM counters GROUP BY status ORDER BY status").fetchall())
            feedback = {eid: (up, down) for eid, up, down in self._ro.execute(
                "SELECT entry_id, up, down FROM feedback ORDER BY entry_id")}
        return Stats(users, questions, feedback)

    def questions(self, since_days: int | None = None,
                  unresolved: bool = False) -> list[StoredQuestion]:
        """Stored unanswered / suggested question texts, oldest day first (in no order within a
        day: row ids are random).

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
        since = args[0] if args else ""
        with self._ro_lock:
            rows = self._ro.execute(query + " ORDER BY day, id", args).fetchall()
        with self._lock:  # and those still held in memory (this process's own)
            rows += [row[:6] for row in self._held if row[0] >= since
                     and not (unresolved and row[6] in self._held_choices)]
        return [StoredQuestion(*row) for row in sorted(rows, key=lambda row: row[0])]

    def expire(self) -> int:
        """Delete question texts older than the retention period and language choices unused
        for `language_days`, then scrub the file if anything went; returns how many texts."""
        today = self._today()
        cutoff = self._days_ago(self.retention_days)
        unused = _month(self._days_ago(self.language_days))
        with self._lock:
            self._held = [row for row in self._held if row[0] >= cutoff]
            refs = {row[6] for row in self._held}
            self._held_choices = {ref: choice for ref, choice in self._held_choices.items()
                                  if ref in refs}
            cur = self._db.execute("DELETE FROM questions WHERE day < ?", (cutoff,))
            texts = cur.rowcount
            gone = texts + self._db.execute(
                "DELETE FROM choices WHERE day < ? OR ref NOT IN "
                "(SELECT ref FROM questions WHERE ref IS NOT NULL)", (cutoff,)).rowcount
            gone += self._db.execute("DELETE FROM languages WHERE seen < ?", (unused,)).rowcount
            if gone or self.unscrubbed:
                self._scrub()
        self._expired_on = today
        return texts


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
        # futures of deletions waiting for the scrub that ends the writer's current batch
        self._scrub_waiting: list[Future[bool]] = []

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
            self._scrub_for_batch()

    def _scrub_for_batch(self) -> None:
        """One VACUUM and checkpoint for every deletion of the batch that asked for it."""
        waiting, self._scrub_waiting = self._scrub_waiting, []
        if not waiting:
            return
        try:
            done = self.storage.scrub()
        except Exception as exc:
            self._failed("scrub", exc)
            done = False
        for future in waiting:
            if future.set_running_or_notify_cancel():
                future.set_result(done)

    async def forget(self, user_id: int) -> bool:
        """`Storage.forget`, with one scrub for all the deletions the writer runs together;
        True when there was something to delete. Raises when the deletion fails."""
        deleted = self._after_writes(self.storage.delete_user, user_id)
        scrubbed: Future[bool] = Future()

        def ask_for_scrub() -> None:  # queued behind the deletion: the batch's scrub follows it
            if (deleted.done() and deleted.exception() is None and deleted.result()) \
                    or self.storage.unscrubbed:
                self._scrub_waiting.append(scrubbed)
            else:  # nothing was deleted: no VACUUM (a cheap /forget must not cost one)
                scrubbed.set_result(True)

        self._enqueue(ask_for_scrub, linger=False)
        result = await asyncio.wrap_future(deleted)
        await asyncio.wrap_future(scrubbed)  # False was logged (without ids) by scrub
        return result

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
