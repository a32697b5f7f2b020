"""The Telegram transport: python-telegram-bot handlers over the conversation core.

app.py builds the Application (bot/telegram/runner.py runs it); handlers.py holds the thin
handlers; context.py the services and the per-update context; sending.py turns core replies into
messages; delivery.py the retry rules and update intake; webhook.py the webhook HTTP server;
reload.py the live reload of knowledge and catalogs.
"""

from bot.telegram.app import build_application, post_init, post_shutdown, start_polling

__all__ = ["build_application", "post_init", "post_shutdown", "start_polling"]
