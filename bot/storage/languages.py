"""The only per-user record: the language a user chose, under a keyed hash of the id, with the
month it was last used."""

from __future__ import annotations

from bot.storage.database import Database, month


class Languages(Database):
    """The `languages` table (its expiry is `Retention.expire`)."""

    def _this_month(self) -> str:
        return month(self._today())

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
        key, seen = self._key_of(user_id), self._this_month()
        with self._lock:
            self._db.execute("UPDATE languages SET seen = ? WHERE key = ? AND seen <> ?",
                             (seen, key, seen))

    def delete_user(self, user_id: int) -> bool:
        """Delete a user's choice without scrubbing (see BackgroundStorage.forget, which scrubs
        once for a batch of these); True when there was one."""
        key = self._key_of(user_id)
        with self._lock:
            cur = self._db.execute("DELETE FROM languages WHERE key = ?", (key,))
        return cur.rowcount > 0
