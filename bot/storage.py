"""SQLite storage: language choices, aggregate counters, feedback, unanswered question texts.

Privacy by design: the only per-user data is the language a user chose. Question texts are kept
without any user identifier and with the day only (no time), so they cannot be joined back to a
person; counters and feedback are aggregates.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

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
class StoredQuestion:
    day: str
    lang: str
    status: str
    text: str
    nearest: str | None
    score: float


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


class Storage:
    """A small SQLite database in WAL mode; safe to share between asyncio tasks."""

    def __init__(self, path: Path | str, today: Callable[[], str] = _today,
                 retention_days: int = DEFAULT_RETENTION_DAYS) -> None:
        self.path = str(path)
        self.retention_days = retention_days
        self._expired_on = ""
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._today = today
        self._db.execute("PRAGMA journal_mode=WAL")
        # issue 9: WAL's recommended level; no fsync per commit on the event loop (a power cut
        # may lose the last counters, never corrupts the file)
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

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
        with self._lock:
            self._db.close()

    # --- per-user: the chosen language only ---------------------------------------------------

    def language(self, user_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT lang FROM users WHERE user_id = ?",
                                   (user_id,)).fetchone()
        return row[0] if row else None

    def set_language(self, user_id: int, lang: str) -> None:
        with self._lock:
            self._db.execute("INSERT INTO users (user_id, lang) VALUES (?, ?) "
                             "ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang",
                             (user_id, lang))

    def forget(self, user_id: int) -> bool:
        """Delete everything stored about a user; True when there was something."""
        with self._lock:
            cur = self._db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        return cur.rowcount > 0

    # --- anonymous aggregates ------------------------------------------------------------------

    def record(self, lang: str, status: str, text: str | None = None,
               nearest: str | None = None, score: float = 0.0) -> None:
        """Count a question; keep its text (never who asked) when it was not answered."""
        day = self._today()
        if day != self._expired_on:  # old texts go at the first question of each day
            self.expire()
        with self._lock:
            self._db.execute("INSERT INTO counters (day, lang, status, n) VALUES (?, ?, ?, 1) "
                             "ON CONFLICT(day, lang, status) DO UPDATE SET n = n + 1",
                             (day, lang, status))
            if text is not None and status != "answer":
                self._db.execute("INSERT INTO questions (day, lang, status, text, nearest, score) "
                                 "VALUES (?, ?, ?, ?, ?, ?)",
                                 (day, lang, status, text, nearest, score))

    def feedback(self, entry_id: str, up: bool) -> None:
        column = "up" if up else "down"
        with self._lock:
            self._db.execute(f"INSERT INTO feedback (entry_id, {column}) VALUES (?, 1) "
                             f"ON CONFLICT(entry_id) DO UPDATE SET {column} = {column} + 1",
                             (entry_id,))

    def stats(self) -> Stats:
        with self._lock:
            users = dict(self._db.execute(
                "SELECT lang, COUNT(*) FROM users GROUP BY lang ORDER BY lang").fetchall())
            questions = dict(self._db.execute(
                "SELECT status, SUM(n) FROM counters GROUP BY status ORDER BY status").fetchall())
            feedback = {eid: (up, down) for eid, up, down in self._db.execute(
                "SELECT entry_id, up, down FROM feedback ORDER BY entry_id")}
        return Stats(users, questions, feedback)

    def questions(self, since_days: int | None = None) -> list[StoredQuestion]:
        """Stored unanswered / suggested question texts, oldest first."""
        query = "SELECT day, lang, status, text, nearest, score FROM questions"
        args: tuple[str, ...] = ()
        if since_days is not None:
            query += " WHERE day >= ?"
            args = ((date.fromisoformat(self._today()) - timedelta(days=since_days)).isoformat(),)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [StoredQuestion(*row) for row in rows]

    def expire(self) -> int:
        """Delete question texts older than the retention period; returns how many."""
        today = self._today()
        cutoff = (date.fromisoformat(today) - timedelta(days=self.retention_days)).isoformat()
        with self._lock:
            cur = self._db.execute("DELETE FROM questions WHERE day < ?", (cutoff,))
        self._expired_on = today
        return cur.rowcount
