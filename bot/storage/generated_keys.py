"""Keys the program generates once and keeps, e.g. the one that signs inline buttons."""

from __future__ import annotations

import secrets

from bot.storage.database import Database

BUTTON_KEY = "button-hmac"


class GeneratedKeys(Database):
    """The `secrets` table."""

    def secret(self, name: str = BUTTON_KEY) -> bytes:
        """A random key generated on first use and kept, so that it survives restarts."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)",
                             (name, secrets.token_bytes(32)))
            row = self._db.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()
        return bytes(row[0])
