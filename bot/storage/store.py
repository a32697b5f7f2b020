"""`Storage`: the kinds of record (one module each) put together over one SQLite database.

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

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from bot.storage.counters import Counters
from bot.storage.database import utc_today
from bot.storage.generated_keys import GeneratedKeys
from bot.storage.questions import safe_text
from bot.storage.retention import DEFAULT_LANGUAGE_DAYS, DEFAULT_RETENTION_DAYS, Retention

log = logging.getLogger(__name__)


class _Same:
    """`record`'s default text language: the same as the reply's (see there)."""


SAME = _Same()


class Storage(Retention, Counters, GeneratedKeys):
    """A small SQLite database in WAL mode; safe to share between asyncio tasks.

    Each kind of record is a base class with its own module: `Languages` (per user),
    `Counters` (aggregates, feedback), `Questions` (texts, pressed suggestions), `Retention`
    (expiry, /forget), `GeneratedKeys`; `Database` holds the connections they share.
    """

    def __init__(self, path: Path | str, today: Callable[[], str] = utc_today,
                 retention_days: int = DEFAULT_RETENTION_DAYS,
                 user_key: bytes | None = None, key_file: Path | None = None,
                 language_days: int = DEFAULT_LANGUAGE_DAYS, hold_texts: bool = False) -> None:
        """`user_key` keys the language choices; without it the key is read from `key_file`
        (default: `key_file_for(path)`), generated there on first use. With `hold_texts`,
        question texts wait in memory until `flush_texts` writes them in a shuffled batch."""
        self._start_retention(retention_days, language_days)
        self._start_texts(hold_texts)
        super().__init__(path, today, user_key, key_file)

    def close(self) -> None:
        """Write the held texts and close the database."""
        try:
            self.flush_texts()
        except sqlite3.Error as exc:
            log.warning("storage: could not write the held question texts: %s", exc)
        super().close()

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
            self._count(day, lang, status)
            if text is None or status == "answer":
                return
            full = self._keep(row)
        if full:  # memory stays bounded: an early batch, still shuffled
            self.flush_texts()
