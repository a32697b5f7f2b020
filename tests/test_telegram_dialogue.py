"""Conversations over Telegram, end to end: context per chat, two answers for two questions."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from bot.conversation import Conversation

from .e2e import ask, button_for, press, running, user
from .fakebotapi import Call, FakeBotAPI

pytestmark = pytest.mark.e2e


def heading(conversation: Conversation, entry_id: str, lang: str) -> str:
    return f"<b>{html.escape(conversation.kb.entries[entry_id].question(lang), quote=False)}</b>"


@pytest.mark.parametrize(("lang", "turns"), [
    ("be", [("Чаму ENEMO не запрашаюць на выбары ў Беларусь?", "enemo-not-invited"),
            ("а ў якіх краінах яна назірае?", "enemo-countries"),
            ("а хто з Беларусі ў яе ўваходзіць?", "enemo-belarus-members")]),
    ("ru", [("С какого года ЦИК Беларуси состоит в ACEEEO?", "aceeeo-membership"),
            ("а чем она занимается?", "aceeeo-about"),
            ("а ОБСЕ?", "osce-observers")]),
    ("en", [("Which countries have CEC members observed elections in?", "cec-observers-abroad"),
            ("And in Georgia?", "cec-observers-abroad"),
            ("what about the OSCE?", "osce-observers")]),
])
async def test_a_three_turn_conversation(api: FakeBotAPI, db: Path,
                                         conversation: Conversation, lang: str,
                                         turns: list[tuple[str, str]]) -> None:
    who = user(uid=5000 + len(lang), lang=lang)
    last = None
    async with running(api, db):
        for text, entry_id in turns:
            reply = await ask(api, who, text)
            # (the answer just shown again comes after a line that says so)
            shown = reply.params["text"].split("\n\n", 1)[1] if entry_id == last else (
                reply.params["text"])
            assert shown.startswith(heading(conversation, entry_id, lang)), text
            last = entry_id


async def test_each_chat_keeps_its_own_context(api: FakeBotAPI, db: Path,
                                               conversation: Conversation) -> None:
    alice, bob = user(uid=6001, lang="ru"), user(uid=6002, lang="ru")
    async with running(api, db):
        await ask(api, alice, "Что такое ENEMO?")
        await ask(api, bob, "Что такое ACEEEO?")
        reply = await ask(api, alice, "а где они наблюдают?")
        assert reply.params["text"].startswith(heading(conversation, "enemo-countries", "ru"))
        other = await ask(api, bob, "а где они наблюдают?")
        assert not other.params["text"].startswith(heading(conversation, "enemo-countries", "ru"))


async def test_two_questions_get_two_answers(api: FakeBotAPI, db: Path,
                                            conversation: Conversation) -> None:
    who = user(uid=6101, lang="en")
    async with running(api, db):
        update = api.send_text(who, "What is ENEMO and why isn't it invited to Belarus?")
        first = await api.wait_for("sendMessage", lambda c: update.matches(c) and c.ok)
        second = await api.wait_for("sendMessage", lambda c: update.matches(c) and c.ok
                                    and c is not first)
    texts = [first.params["text"], second.params["text"]]
    assert texts[0].startswith(heading(conversation, "enemo-about", "en"))
    assert texts[1].startswith(heading(conversation, "enemo-not-invited", "en"))
    assert all(len(t) <= 4096 for t in texts)


async def test_forget_drops_the_context(api: FakeBotAPI, db: Path,
                                       conversation: Conversation) -> None:
    who = user(uid=6201, lang="ru")
    countries = heading(conversation, "enemo-countries", "ru")
    async with running(api, db):
        await ask(api, who, "Что такое ENEMO?")
        question: Call = await ask(api, who, "/forget")
        await press(api, who, question, button_for(question, "forget:yes"))
        reply = await ask(api, who, "а где они наблюдают?")
    assert not reply.params["text"].startswith(countries)
