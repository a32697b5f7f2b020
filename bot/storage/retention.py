"""What is deleted, and when: question texts after the retention period, language choices
unused for a year, everything about a user on /forget; each deletion is scrubbed from the file."""

from __future__ import annotations

from bot.storage.database import month
from bot.storage.languages import Languages
from bot.storage.questions import Questions

DEFAULT_RETENTION_DAYS = 90
# a language choice nobody used for this long is deleted (counted in whole months)
DEFAULT_LANGUAGE_DAYS = 365


class Retention(Questions, Languages):
    """Expiry and /forget, across the tables that hold texts and choices."""

    retention_days: int
    language_days: int
    # the day `expire` last ran (it runs with the first question of each day)
    _expired_on: str

    def _start_retention(self, retention_days: int, language_days: int) -> None:
        self.retention_days = retention_days
        self.language_days = language_days
        self._expired_on = ""

    def forget(self, user_id: int) -> bool:
        """Delete everything stored about a user; True when there was something.

        The deletion is followed by `scrub`: VACUUM drops the free pages and the b-tree keys
        that held the row, the checked checkpoint empties the write-ahead log.
        """
        deleted = self.delete_user(user_id)
        if deleted or self.unscrubbed:  # nothing deleted, nothing to scrub: no VACUUM to spend
            self.scrub()
        return deleted

    def expire(self) -> int:
        """Delete question texts older than the retention period and language choices unused
        for `language_days`, then scrub the file if anything went; returns how many texts."""
        today = self._today()
        cutoff = self._days_ago(self.retention_days)
        unused = month(self._days_ago(self.language_days))
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
