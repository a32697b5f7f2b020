"""What the bot keeps on disk (SQLite), for how long, and how it is deleted.

One module per kind of record: `languages` (the only per-user one), `counters` (aggregates and
feedback), `questions` (unanswered texts and the suggestions pressed for them), `retention`
(expiry and /forget), `generated_keys`; under them `database` (connections, scrub), `schema`
(tables, migrations) and `user_key`; `store` puts them together as `Storage`, `background`
runs its calls off the event loop.
"""

from bot.storage.background import BackgroundStorage
from bot.storage.questions import MAX_STORED_CHARS, StoredChoice, StoredQuestion, safe_text
from bot.storage.retention import DEFAULT_LANGUAGE_DAYS, DEFAULT_RETENTION_DAYS
from bot.storage.schema import SCHEMA_VERSION
from bot.storage.store import Storage
from bot.storage.user_key import MIN_KEY_CHARS, UserKeyError, key_file_for

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
