"""Logging set-up that never lets a secret (bot token, webhook secret) reach the output."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from datetime import UTC, datetime

REDACTED = "[REDACTED]"


class Throttle:
    """Lets each kind of a repeated log line through at most once every `every` seconds, and
    counts the ones held back, so that a failure that repeats is one line a minute."""

    def __init__(self, every: float) -> None:
        self.every = every
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def allow(self, kind: str = "") -> int | None:
        """None: hold this line back; else how many of its kind were held back since the last."""
        now = time.monotonic()
        if now - self._last.get(kind, -self.every) < self.every:
            self._held[kind] = self._held.get(kind, 0) + 1
            return None
        self._last[kind] = now
        return self._held.pop(kind, 0)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then blanks out every secret, tracebacks included."""

    def __init__(self, secrets: Iterable[str], fmt: str | None = None) -> None:
        super().__init__(fmt)
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


class WithholdReceivedData(logging.Filter):
    """Strips the payload python-telegram-bot attaches when it cannot parse an update.

    Its CRITICAL "Received data was ..." records (polling and webhook) carry the whole update —
    message text and sender together — in their arguments and traceback. The bot skips such
    updates itself before the library sees them; this filter is the second line of defence.
    """

    MARK = "Received data was"
    # its record of a batch that could not be read: the bot reads it again update by update and
    # names what it skips (delivery.py)
    BATCH = "Error while parsing updates"

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and str(record.msg).startswith(self.BATCH):
            return False
        if record.name.startswith("telegram") and self.MARK in str(record.msg):
            record.msg = str(record.msg).split(self.MARK)[0] + "(received data withheld)"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


_WITHHOLD = WithholdReceivedData()
_LIBRARY_LOGGERS_WITH_PAYLOADS = ("telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Updater")


class JsonLinesFormatter(RedactingFormatter):
    """One JSON object per line, for log shippers; secrets redacted as in plain logs."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        entry = {"time": when, "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        text = json.dumps(entry, ensure_ascii=False)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure_logging(level: str, secrets: Iterable[str], fmt: str = "plain") -> None:
    """Log to stderr (plain lines or JSON lines) with secrets redacted; quiet chatty libraries."""
    handler = logging.StreamHandler()
    handler.addFilter(_WITHHOLD)
    secrets = tuple(secrets)
    handler.setFormatter(JsonLinesFormatter(secrets) if fmt == "json" else
                         RedactingFormatter(secrets, "%(asctime)s %(levelname)s %(name)s: "
                                            "%(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_third_party_loggers()


def quiet_third_party_loggers() -> None:
    """Keep libraries from logging message texts, user ids or the token, whatever the level.

    At DEBUG, python-telegram-bot logs whole updates (text and sender together) and every API
    response, and httpx and aiohttp log request URLs, which contain the bot token. Our own loggers
    still follow ELECTIONBOT_LOG_LEVEL; these stay at INFO / WARNING.
    """
    for name, floor in (("telegram", logging.INFO), ("httpx", logging.WARNING),
                        ("httpcore", logging.WARNING), ("aiohttp", logging.WARNING)):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < floor:
            logger.setLevel(floor)
    for name in _LIBRARY_LOGGERS_WITH_PAYLOADS:
        logger = logging.getLogger(name)
        if _WITHHOLD not in logger.filters:
            logger.addFilter(_WITHHOLD)
