"""Operator-facing failures: each kind carries its exit code, like click's exception hierarchy.

The CLI prints `electionbot: <message>` (one or two lines: what, where, how to fix) to stderr and
exits with `exit_code`. The codes are documented in README.md and docs/operating.md; keep the
table there in step with this module.
"""

from __future__ import annotations

import signal

OK = 0
INTERNAL = 1  # a bug; also `kb check` / `locales check` reporting problems
USAGE = 2  # a bad flag or setting (TELEGRAM_BOT_TOKEN missing or malformed, ...)
KNOWLEDGE = 3  # the knowledge base or the catalogs cannot be loaded
DATABASE = 4  # the database cannot be used (path, permissions, not SQLite, corrupt, too new)
DATABASE_LOCKED = 5  # another process holds a write lock on the database
TELEGRAM_REFUSED = 6  # Telegram rejected the token or the webhook URL
TELEGRAM_UNREACHABLE = 7  # no answer from the Bot API within the start-up wait
LISTEN = 8  # the webhook or health/metrics address cannot be listened on
INTERRUPTED_BASE = 128  # 128 + signal number when stopped during start-up (130 = Ctrl-C)


class ElectionbotError(Exception):
    """A failure the operator can fix; `str()` is the whole message (no secrets)."""

    exit_code = INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def format_message(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  {self.hint}"

    def __str__(self) -> str:
        return self.format_message()


class UsageError(ElectionbotError):
    """A bad flag or setting."""

    exit_code = USAGE


class KnowledgeUnavailable(ElectionbotError):
    exit_code = KNOWLEDGE


class DatabaseUnusable(ElectionbotError):
    exit_code = DATABASE


class DatabaseLocked(ElectionbotError):
    exit_code = DATABASE_LOCKED


class TelegramRefused(ElectionbotError):
    exit_code = TELEGRAM_REFUSED


class TelegramUnreachable(ElectionbotError):
    exit_code = TELEGRAM_UNREACHABLE


class CannotListen(ElectionbotError):
    exit_code = LISTEN


class Interrupted(ElectionbotError):
    """A stop signal arrived before the bot was running."""

    def __init__(self, signum: int) -> None:
        name = signal.Signals(signum).name
        super().__init__(f"interrupted by {name} during start-up; stopped cleanly, "
                         f"nothing was changed")
        self.exit_code = INTERRUPTED_BASE + signum
