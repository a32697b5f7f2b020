"""What the bot keeps on disk (SQLite), for how long, and how it is deleted."""

from bot.storage.store import (
    DEFAULT_LANGUAGE_DAYS,
    DEFAULT_RETENTION_DAYS,
    MAX_STORED_CHARS,
    MIN_KEY_CHARS,
    SCHEMA_VERSION,
    BackgroundStorage,
    Storage,
    StoredChoice,
    StoredQuestion,
    UserKeyError,
    key_file_for,
    safe_text,
)

__all__ = [
    "DEFAULT_LANGUAGE_DAYS",
    "DEFAULT_RETENTION_DAYS",
    "MAX_STORED_CHARS",
    "MIN_KEY_CHARS",
    "SCHEMA_VERSION",
    "BackgroundStorage",
    "Storage",
    "StoredChoice",
    "StoredQuestion",
    "UserKeyError",
    "key_file_for",
    "safe_text",
]
