"""Anonymous aggregates: questions counted per day, reply language and status, and the 👍/👎
per entry; what /stats shows."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.database import Database


@dataclass(frozen=True)
class Stats:
    """What /stats shows."""

    users_per_language: dict[str, int]
    questions: dict[str, int]
    feedback: dict[str, tuple[int, int]]


class Counters(Database):
    """The `counters` and `feedback` tables."""

    def _count(self, day: str, lang: str, status: str) -> None:
        """Count one question (the caller holds `_lock`)."""
        self._db.execute("INSERT INTO counters (day, lang, status, n) VALUES (?, ?, ?, 1) "
                         "ON CONFLICT(day, lang, status) DO UPDATE SET n = n + 1",
                         (day, lang, status))

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
