"""Question texts that were not answered, kept without any user identifier, and the suggestion
a citizen then pressed for one (learning from citizens)."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from bot.storage.database import Database

# The stored copy of a question never holds more than the matcher reads (the core cuts questions
# to MAX_QUESTION_CHARS before matching); kept here too so that storage is safe on its own.
MAX_STORED_CHARS = 500
# held question texts beyond which a batch is written before the hour is up (memory bound:
# about 6 MB)
MAX_HELD_TEXTS = 10_000

# a `questions` row without its id: day, lang, status, text, nearest, score, ref
HeldRow = tuple[str, str | None, str, str, str | None, float, str | None]


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


def safe_text(text: str, limit: int = MAX_STORED_CHARS) -> str:
    """A question as it may be stored: one line, no control characters or lone surrogates
    (not storable as UTF-8), cut to `limit` characters (the matcher reads no more)."""
    cleaned = "".join("?" if unicodedata.category(c) == "Cs" else
                      " " if unicodedata.category(c)[0] in "CZ" else c for c in text[:limit])
    return " ".join(cleaned.split())


class Questions(Database):
    """The `questions` and `choices` tables, and the texts held in memory for the next batch."""

    hold_texts: bool
    # texts (and the suggestions pressed for them) waiting for the next batch
    _held: list[HeldRow]
    _held_choices: dict[str, tuple[str, str]]

    def _start_texts(self, hold_texts: bool) -> None:
        """With `hold_texts`, texts wait in memory until `flush_texts` writes them."""
        self.hold_texts = hold_texts
        self._held = []
        self._held_choices = {}

    def _keep(self, row: HeldRow) -> bool:
        """Write a text, or hold it for the next batch (the caller holds `_lock`); True when
        the held texts are due to be written early."""
        if not self.hold_texts:
            self._insert_questions([row])
            return False
        self._held.append(row)
        return len(self._held) >= MAX_HELD_TEXTS

    def _insert_questions(self, rows: list[HeldRow]) -> None:
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
