"""Kept for imports written before the Telegram layer became the `bot.telegram` package."""

from bot.telegram import build_application, post_init, post_shutdown, run

__all__ = ["build_application", "post_init", "post_shutdown", "run"]
