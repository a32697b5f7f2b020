"""The tables, and the migrations that bring an older database file up to them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

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


def migrate(db: sqlite3.Connection, path: str, load_key: Callable[[], object]) -> bool:
    """Bring `db` up to SCHEMA_VERSION; True when the data it had must be scrubbed (VACUUM).

    The caller holds the writer's lock. `load_key` reads the user key, which a migration from
    before `_SCRUBBED_FROM` needs: called first, so a key problem shows as itself, not as an SQL
    error.
    """
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.execute("SELECT version FROM schema_version").fetchone()
    version = row[0] if row else 0
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"database {path} has schema {version}, newer than this "
                           f"program's {SCHEMA_VERSION}: upgrade electionbot")
    if 0 < version < _SCRUBBED_FROM:
        load_key()
    for i in range(version, SCHEMA_VERSION):
        # one transaction per step: a crash never leaves a half-migrated database
        try:
            db.executescript(f"BEGIN; {_MIGRATIONS[i]}; DELETE FROM schema_version;"
                             f" INSERT INTO schema_version VALUES ({i + 1}); "
                             f"COMMIT;")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    # the raw user ids and the old question rows must not survive in free pages
    return 0 < version < _SCRUBBED_FROM
