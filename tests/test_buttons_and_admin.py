"""Issue 18, items 7 and 8: a vote replayed under another message or after a restart does not
count again; admin output stays in private chats and speaks the admin's language."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.conversation import Conversation
from bot.telegram.sending import chat_key, keyboard

from .e2e import ADMIN, ask, buttons, running, user
from .fakebotapi import FakeBotAPI


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


def vote_data(reply: object) -> str:
    return next(b for b in buttons(reply) if b.split("|")[1].startswith("fb:up:"))  # type: ignore[arg-type]


async def feedback(app: object) -> dict[str, tuple[int, int]]:
    store = app.bot_data["services"].store  # type: ignore[attr-defined]
    stats = await store.call(store.storage.stats)
    return stats.feedback  # type: ignore[no-any-return]


async def test_a_vote_replayed_under_another_message_is_refused(api: FakeBotAPI,
                                                               db: Path) -> None:
    who = user(63_000_001)
    async with running(api, db) as app:
        first = await ask(api, who, "What is ENEMO?")
        other = await ask(api, who, "What is ACEEEO?")  # another answer, with its own votes
        data = vote_data(first)
        assert data not in buttons(other)
        replay = api.press_button(who, other, data, check=False)
        refused = await api.wait_for("answerCallbackQuery", lambda c: c.params.get(
            "callback_query_id") == replay.callback_query_id)
        assert "no longer works" in refused.params["text"]
        assert await feedback(app) == {}
        pressed = api.press_button(who, first, data)  # where it belongs it counts, once
        await api.wait_for("answerCallbackQuery", lambda c: c.params.get(
            "callback_query_id") == pressed.callback_query_id)
        assert await feedback(app) == {"enemo-about": (1, 0)}


async def test_a_vote_replayed_after_a_restart_is_refused(api: FakeBotAPI, db: Path) -> None:
    who = user(63_000_002)
    async with running(api, db) as app:
        reply = await ask(api, who, "What is ENEMO?")
        data = vote_data(reply)
        pressed = api.press_button(who, reply, data)
        await api.wait_for("answerCallbackQuery", lambda c: c.params.get(
            "callback_query_id") == pressed.callback_query_id)
        await api.wait_for("editMessageReplyMarkup")  # the vote row goes
        assert await feedback(app) == {"enemo-about": (1, 0)}
    async with running(api, db) as app:  # the bot's memory of votes is gone
        replay = api.press_button(who, reply, data, check=False)
        refused = await api.wait_for("answerCallbackQuery", lambda c: c.params.get(
            "callback_query_id") == replay.callback_query_id)
        assert "no longer works" in refused.params["text"]
        assert await feedback(app) == {"enemo-about": (1, 0)}


def test_buttons_are_signed_for_their_chat(conversation: Conversation) -> None:
    answer = conversation.ask("What is ENEMO?", fallback="en")
    key = b"k" * 32
    here, there = keyboard(answer, chat_key(key, 1)), keyboard(answer, chat_key(key, 2))
    assert here is not None and there is not None
    data_here = [b.callback_data for row in here.inline_keyboard for b in row]
    data_there = [b.callback_data for row in there.inline_keyboard for b in row]
    assert not set(data_here) & set(data_there)


async def test_admin_commands_work_in_private_chats_only(api: FakeBotAPI, db: Path) -> None:
    admin = user(ADMIN, "ru")
    group = api.group(-100_777, "Observers")
    async with running(api, db) as app:
        api.send_text(admin, f"/stats@{api.bot_username}", chat=group)
        in_group = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == group["id"])
        api.send_text(admin, f"/reload@{api.bot_username}", chat=group)
        reload_in_group = await api.wait_for(
            "sendMessage", lambda c: c.params["chat_id"] == group["id"]
            and c is not in_group)
        await ask(api, user(63_000_003, "en"), "Как приготовить борщ?")
        store = app.bot_data["services"].store
        for _ in range(100):  # the count is written just after the reply is sent
            if (await store.call(store.storage.stats)).questions:
                break
            await asyncio.sleep(0.02)
        private = await ask(api, admin, "/stats")
    for refused in (in_group, reload_in_group):  # an unknown command there, no figures
        assert "Задано вопросов" not in refused.params["text"]
        assert "Questions" not in refused.params["text"]
        assert "Reloaded" not in refused.params["text"]
    text = private.params["text"]
    assert "Задано вопросов: 1" in text and "без ответа: 1" in text
    assert "none" not in text and "Questions" not in text  # words, in the admin's language
