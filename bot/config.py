"""Settings for the Telegram bot, read from the environment."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.storage import DEFAULT_RETENTION_DAYS

TOKEN_HELP = """\
electionbot run needs a Telegram bot token, and TELEGRAM_BOT_TOKEN is not set.
To get one, open a chat with @BotFather in Telegram, send /newbot and follow its questions; it
replies with a token like 123456789:AA... Then start the bot with
    TELEGRAM_BOT_TOKEN=123456789:AA... electionbot run
(or put the variable in your environment; .env.example lists every setting).
No token? `electionbot chat` runs the same bot in this terminal, without Telegram or network."""


class ConfigError(Exception):
    """A setting is missing or malformed."""


def default_db() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "electionbot" / "electionbot.sqlite3"


def db_path(env: Mapping[str, str]) -> Path:
    """ELECTIONBOT_DB if set, else the default database path."""
    return Path(env["ELECTIONBOT_DB"]) if env.get("ELECTIONBOT_DB") else default_db()


@dataclass(frozen=True)
class Settings:
    """Everything `electionbot run` needs; secrets are kept out of repr()."""

    token: str = field(repr=False)
    base_url: str | None = None
    db_path: Path = field(default_factory=default_db)
    kb_dir: Path | None = None
    locales_dir: Path | None = None
    admins: frozenset[int] = frozenset()
    log_level: str = "INFO"
    webhook_secret: str = field(default="", repr=False)
    retention_days: int = DEFAULT_RETENTION_DAYS
    # reload the knowledge base and catalogs when their files change
    watch: bool = True
    # how long a Bot API request that certainly did not arrive is retried (seconds), and the
    # first pause between attempts; tests shorten them
    delivery_deadline: float = 60.0
    delivery_backoff: float = 0.5

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise ConfigError(TOKEN_HELP)
        admins: set[int] = set()
        for part in env.get("ELECTIONBOT_ADMINS", "").replace(" ", "").split(","):
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ConfigError(f"ELECTIONBOT_ADMINS must be comma-separated Telegram user ids, "
                                  f"got {part!r}")
            admins.add(int(part))
        level = env.get("ELECTIONBOT_LOG_LEVEL", "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ConfigError(f"ELECTIONBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, "
                              f"got {level!r}")
        retention = env.get("ELECTIONBOT_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))
        if not retention.isdigit() or int(retention) < 1:
            raise ConfigError(f"ELECTIONBOT_RETENTION_DAYS must be a whole number of days, "
                              f"got {retention!r}")
        secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
        if (secret and not all(c.isalnum() or c in "_-" for c in secret)) or len(secret) > 256:
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and -, "
                              "at most 256 characters")
        return cls(
            token=token,
            base_url=env.get("TELEGRAM_BASE_URL") or None,
            db_path=db_path(env),
            kb_dir=Path(env["ELECTIONBOT_KB"]) if env.get("ELECTIONBOT_KB") else None,
            locales_dir=Path(env["ELECTIONBOT_LOCALES"]) if env.get("ELECTIONBOT_LOCALES")
            else None,
            admins=frozenset(admins),
            log_level=level,
            webhook_secret=secret or secrets.token_urlsafe(32),
            retention_days=int(retention),
        )
