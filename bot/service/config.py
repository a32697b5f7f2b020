"""Settings for the Telegram bot, read from the environment."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import UsageError
from bot.storage import DEFAULT_LANGUAGE_DAYS, DEFAULT_RETENTION_DAYS, MIN_KEY_CHARS

TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather in Telegram (/newbot) and start "
    "with TELEGRAM_BOT_TOKEN=123456789:AA... electionbot run",
    "no token? `electionbot chat` runs the same bot in this terminal; "
    "`electionbot run --help` lists every setting")
# What @BotFather hands out: the bot's numeric id, a colon, then 35 URL-safe characters.
TOKEN_RE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{30,100}")
DEFAULT_CONCURRENCY = 16
DEFAULT_CONNECT_TIMEOUT = 30.0
# floods (issue 18): a chat may send a burst of this many messages, then this many a minute
DEFAULT_FLOOD_BURST = 10
DEFAULT_FLOOD_PER_MINUTE = 4.0
# updates waiting to be handled beyond which new ones are dropped, and the age (seconds) past
# which a message is not answered any more (after an outage, or queued behind a flood)
DEFAULT_MAX_PENDING = 2000
DEFAULT_MAX_AGE = 600.0
LOG_FORMATS = ("plain", "json")
MIN_WEBHOOK_SECRET = 32


class ConfigError(UsageError):
    """A setting is missing or malformed."""


def check_base_url(url: str) -> None:
    """TELEGRAM_BASE_URL in python-telegram-bot's form: the token is appended to it (".../bot")
    or put where it says {token}; anything else fails later with a misleading error."""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError:
        address = False
    else:
        address = parts.scheme in ("http", "https") and bool(parts.netloc)
    if not address or not (url.endswith("/bot") or "{token}" in url):
        raise ConfigError(f"TELEGRAM_BASE_URL must be an http(s) address ending in /bot, like "
                          f"https://api.telegram.org/bot or http://127.0.0.1:8081/bot; got "
                          f"{url!r}")


def parse_address(value: str, setting: str) -> tuple[str, int]:
    """`PORT`, `HOST:PORT` or `[IPv6]:PORT`; a bare port means loopback only."""
    host, sep, port = value.strip().rpartition(":")
    if not sep:
        host = "127.0.0.1"
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"{setting} must be PORT or HOST:PORT (e.g. 127.0.0.1:9090), "
                          f"got {value!r}")
    return host, int(port)


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
    # /healthz, /readyz and /metrics on their own small server (off when None)
    metrics_addr: tuple[str, int] | None = None
    # updates handled at once (each chat's updates still strictly in order)
    concurrency: int = DEFAULT_CONCURRENCY
    # how long start-up waits for the Bot API before giving up
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    log_format: str = "plain"
    # Telegram's flood limits (~30 messages/s); off only for benchmarks against a fake Bot API
    rate_limit: bool = True
    # the key of the language choices' keyed hashes (issue 18): given, or read from (and
    # generated in) user_key_file, by default beside the database (see storage.key_file_for)
    user_key: str = field(default="", repr=False)
    user_key_file: Path | None = None
    language_days: int = DEFAULT_LANGUAGE_DAYS
    # per-chat token bucket against floods, and the bounds of pending work
    flood_burst: int = DEFAULT_FLOOD_BURST
    flood_per_minute: float = DEFAULT_FLOOD_PER_MINUTE
    max_pending: int = DEFAULT_MAX_PENDING
    max_age: float = DEFAULT_MAX_AGE
    # how often held question texts are written (in a shuffled batch) and retention runs
    batch_every: float = 3600.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        token_file = env.get("TELEGRAM_BOT_TOKEN_FILE", "").strip()
        if token_file and not token:
            # Docker secrets and the like: the token need not sit in the environment
            try:
                token = Path(token_file).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"TELEGRAM_BOT_TOKEN_FILE {token_file} cannot be read: "
                                  f"{getattr(exc, 'strerror', None) or exc}",
                                  "check the path and that the bot's user may read it") from exc
        if not token:
            raise ConfigError(*TOKEN_HELP)
        if not TOKEN_RE.fullmatch(token):
            # never echo the value: it may be a real token pasted with a typo
            raise ConfigError(
                f"TELEGRAM_BOT_TOKEN does not look like a bot token ({len(token)} characters; "
                f"expected digits, a colon and about 35 letters, digits, _ or -)",
                "copy it again from @BotFather (/mybots → your bot → API Token)")
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
        if secret and len(secret) < MIN_WEBHOOK_SECRET:
            # anyone who can reach the port may guess at it: long enough that guessing fails
            raise ConfigError(f"TELEGRAM_WEBHOOK_SECRET must be at least {MIN_WEBHOOK_SECRET} "
                              f"characters (got {len(secret)}); e.g. the output of "
                              f"openssl rand -hex 32")
        metrics = env.get("ELECTIONBOT_METRICS_ADDR", "").strip()
        concurrency = env.get("ELECTIONBOT_CONCURRENCY", str(DEFAULT_CONCURRENCY)).strip()
        if not concurrency.isdigit() or not 1 <= int(concurrency) <= 1024:
            raise ConfigError(f"ELECTIONBOT_CONCURRENCY must be a whole number from 1 to 1024, "
                              f"got {concurrency!r}")
        wait = env.get("ELECTIONBOT_CONNECT_TIMEOUT", str(DEFAULT_CONNECT_TIMEOUT)).strip()
        try:
            connect_timeout = float(wait)
        except ValueError:
            connect_timeout = -1.0
        if not 0 < connect_timeout <= 3600:
            raise ConfigError(f"ELECTIONBOT_CONNECT_TIMEOUT must be a number of seconds "
                              f"(0 < s <= 3600), got {wait!r}")
        base_url = env.get("TELEGRAM_BASE_URL", "").strip() or None
        if base_url is not None:
            check_base_url(base_url)
        user_key = env.get("ELECTIONBOT_USER_KEY", "").strip()
        if user_key and len(user_key) < MIN_KEY_CHARS:
            raise ConfigError(f"ELECTIONBOT_USER_KEY must be at least {MIN_KEY_CHARS} characters "
                              f"(e.g. the output of: openssl rand -hex 32)")
        key_file = env.get("ELECTIONBOT_USER_KEY_FILE", "").strip()
        language_days = _whole(env, "ELECTIONBOT_LANGUAGE_DAYS", DEFAULT_LANGUAGE_DAYS, 1, 36500)
        burst = _whole(env, "ELECTIONBOT_FLOOD_BURST", DEFAULT_FLOOD_BURST, 1, 10_000)
        per_minute = _number(env, "ELECTIONBOT_FLOOD_PER_MINUTE", DEFAULT_FLOOD_PER_MINUTE,
                             0.0, 10_000.0)
        max_pending = _whole(env, "ELECTIONBOT_MAX_PENDING", DEFAULT_MAX_PENDING, 10, 1_000_000)
        max_age = _number(env, "ELECTIONBOT_MAX_AGE", DEFAULT_MAX_AGE, 1.0, 7 * 86400.0)
        log_format = env.get("ELECTIONBOT_LOG_FORMAT", "plain").strip().lower() or "plain"
        if log_format not in LOG_FORMATS:
            raise ConfigError(f"ELECTIONBOT_LOG_FORMAT must be plain or json, got {log_format!r}")
        return cls(
            token=token,
            base_url=base_url,
            db_path=db_path(env),
            kb_dir=Path(env["ELECTIONBOT_KB"]) if env.get("ELECTIONBOT_KB") else None,
            locales_dir=Path(env["ELECTIONBOT_LOCALES"]) if env.get("ELECTIONBOT_LOCALES")
            else None,
            admins=frozenset(admins),
            log_level=level,
            webhook_secret=secret or secrets.token_urlsafe(32),
            retention_days=int(retention),
            metrics_addr=parse_address(metrics, "ELECTIONBOT_METRICS_ADDR") if metrics else None,
            concurrency=int(concurrency),
            connect_timeout=connect_timeout,
            log_format=log_format,
            user_key=user_key,
            user_key_file=Path(key_file) if key_file else None,
            language_days=language_days,
            flood_burst=burst,
            flood_per_minute=per_minute,
            max_pending=max_pending,
            max_age=max_age,
        )


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = env.get(name, "").strip() or str(default)
    if not value.isdigit() or not low <= int(value) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def _number(env: Mapping[str, str], name: str, default: float, low: float,
            high: float) -> float:
    value = env.get(name, "").strip() or str(default)
    try:
        number = float(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise ConfigError(f"{name} must be a number from {low:g} to {high:g}, got {value!r}")
    return number
