"""The end-to-end harness: the real python-telegram-bot Application against the fake Bot API.

`running(api, db, conversation)` starts the bot the way `electionbot run` does (polling) and stops
it cleanly; `ask` sends a message and waits for the reply, `press` presses a button and waits for
the edit; `user`, `buttons`, `routes` and `button_for` build and read what they exchange. The
`api` and `db` fixtures live in conftest.py. Test modules that use these are marked `e2e`
(conftest.py marks every test that uses the `api` fixture).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.conversation import Conversation
from bot.service.config import Settings
from bot.storage import Storage
from bot.telegram import build_application, post_init, post_shutdown, start_polling

from .conftest import TOKEN
from .fakebotapi import Call, FakeBotAPI
from .helpers import free_port

__all__ = ["ADMIN", "NOT_ADMIN", "ask", "bot_with", "button_for", "buttons", "free_port", "press",
           "routes", "running", "settings_for", "user"]

ADMIN = 4242
NOT_ADMIN = 5151


def settings_for(api: FakeBotAPI, db: Path, **extra: Any) -> Settings:
    return Settings(token=TOKEN, base_url=api.base_url, db_path=db,
                    admins=frozenset({ADMIN}), **extra)


@asynccontextmanager
async def running(api: FakeBotAPI, db: Path, conversation: Conversation | None = None,
                  **extra: Any) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Start the bot the way `run_polling` does, and stop it cleanly afterwards."""
    async with bot_with(api, settings_for(api, db, **extra), conversation=conversation) as app:
        yield app


@asynccontextmanager
async def bot_with(api: FakeBotAPI, settings: Settings, storage: Storage | None = None,
                   conversation: Conversation | None = None,
                   ) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """`running` with these settings (and this storage, which a test may inspect)."""
    app = build_application(settings, conversation, storage)
    await app.initialize()
    await post_init(app)
    await app.start()
    await start_polling(app, poll_interval=0.0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await post_shutdown(app)
        await app.shutdown()


def user(uid: int = 1001, lang: str | None = "en") -> dict[str, Any]:
    return FakeBotAPI.user(uid, first_name="Citizen", language_code=lang)


def buttons(call: Call) -> list[str]:
    """The signed callback data of a message's buttons."""
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def routes(call: Call) -> list[str]:
    """The buttons as "lang|kind:value" (their data without the reference and signature)."""
    return ["|".join(b.split("|")[:2]) for b in buttons(call)]


def button_for(call: Call, prefix: str) -> str:
    """The data of the first button whose route starts with `prefix` (fails when none does)."""
    found = [b for b in buttons(call) if b.split("|", 1)[1].startswith(prefix)]
    assert found, f"no button {prefix!r} among {routes(call)}"
    return found[0]


async def ask(api: FakeBotAPI, who: dict[str, Any], text: str, **kw: Any) -> Call:
    """Send a message and wait for the bot's (successful) reply to it."""
    update = api.send_text(who, text, **kw)
    return await api.wait_for("sendMessage", lambda c: update.matches(c) and c.ok)


async def press(api: FakeBotAPI, who: dict[str, Any], message: Call, data: str) -> Call:
    """Press a button under a bot message and wait for the message's edit."""
    update = api.press_button(who, message, data)
    await api.wait_for("answerCallbackQuery",
                       lambda c: c.params.get("callback_query_id") == update.callback_query_id)
    return await api.wait_for("editMessageText", update.matches)
