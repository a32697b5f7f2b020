"""Issue 20's promises through the real bot and the fake Bot API, on the tests' own base.

/forget in a group deletes the choice of the user who pressed it (not of the chat) and the next
reply comes in the user's Telegram language, in the same run and after a restart; unsigned button
data is refused; a partial answer keeps its caveat on Telegram; three questions get two messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation import Conversation
from bot.storage import Storage

from .e2e import ask, button_for, press, running, user
from .fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

CAVEAT = "My sources don't answer exactly that. Here is the closest answer they give:"


async def test_forget_in_a_group_deletes_the_users_choice(api: FakeBotAPI, db: Path,
                                                          own_conversation: Conversation
                                                          ) -> None:
    group = FakeBotAPI.group(id=-1009876543210)
    who, other = user(uid=3003, lang="be"), user(uid=3004, lang="be")
    mention = f"@{api.bot_username}"
    # a deep link is answered in the user's language alone (a typed question in its own)
    deep_link = f"/start{mention} faq_enemo-about"
    async with running(api, db, own_conversation) as app:
        menu = await ask(api, who, f"/language{mention}", chat=group)
        await press(api, who, menu, button_for(menu, "setlang:ru"))
        chosen = await ask(api, who, deep_link, chat=group)
        # another member's choice is theirs alone, and stays
        menu = await ask(api, other, f"/language{mention}", chat=group)
        await press(api, other, menu, button_for(menu, "setlang:en"))
        question = await ask(api, who, f"/forget{mention}", chat=group)
        await press(api, who, question, button_for(question, "forget:yes"))
        after = await ask(api, who, deep_link, chat=group)
        others = await ask(api, other, deep_link, chat=group)
        storage: Storage = app.bot_data["services"].store.storage
        stored = await app.bot_data["services"].store.call(
            lambda: (storage.language(3003), storage.language(3004)))
    assert chosen.params["text"].startswith("<b>Что такое ENEMO?</b>\n\nENEMO — сеть")
    assert after.params["text"].startswith("<b>Што такое ENEMO?</b>\n\nENEMO — сетка")
    assert others.params["text"].startswith("<b>What is ENEMO?</b>\n\nENEMO is a network")
    assert stored == (None, "en")
    async with running(api, db, own_conversation):  # nothing of the choice is left on disk
        restarted = await ask(api, who, deep_link, chat=group)
    assert restarted.params["text"].startswith("<b>Што такое ENEMO?</b>")


async def test_forget_in_a_private_chat_applies_at_once(api: FakeBotAPI, db: Path,
                                                        own_conversation: Conversation) -> None:
    who = user(uid=3005, lang="en")
    async with running(api, db, own_conversation):
        menu = await ask(api, who, "/language")
        await press(api, who, menu, button_for(menu, "setlang:ru"))
        assert (await ask(api, who, "/start faq_enemo-about")).params["text"].startswith(
            "<b>Что такое ENEMO?</b>")
        question = await ask(api, who, "/forget")
        done = await press(api, who, question, button_for(question, "forget:yes"))
        after = await ask(api, who, "/start faq_enemo-about")
    assert done.params["text"].startswith("Done")
    assert after.params["text"].startswith("<b>What is ENEMO?</b>")


@pytest.mark.parametrize("data", ["en|e:enemo-about", "en|e:enemo-about||",
                                  "en|e:enemo-countries|ref|", "en|fb:up:enemo-about||"])
async def test_unsigned_data_for_a_real_entry_is_refused(api: FakeBotAPI, db: Path,
                                                         own_conversation: Conversation,
                                                         data: str) -> None:
    who = user()
    async with running(api, db, own_conversation):
        start = await ask(api, who, "/start")
        update = api.press_button(who, start, data, check=False)
        answered = await api.wait_for("answerCallbackQuery", lambda c: c.params.get(
            "callback_query_id") == update.callback_query_id)
        await api.assert_no_call("editMessageText", update.matches, within=0.5)
    assert answered.params["text"] == "This button no longer works. Please ask again."


async def test_partial_answer_and_three_questions_on_telegram(
        api: FakeBotAPI, db: Path, own_conversation: Conversation) -> None:
    who = user()
    async with running(api, db, own_conversation):
        partial = await ask(api, who, "When was ACEEEO founded?")
        api.send_text(who, "What is ENEMO and what is the OSCE and what is ACEEEO?")
        first = await api.wait_for("sendMessage")
        second = await api.wait_for("sendMessage")
        await api.assert_no_call("sendMessage", within=1.0)
    assert partial.params["text"] == (
        f"<i>{CAVEAT}</i>\n\n<b>What is ACEEEO?</b>\n\n"
        "ACEEEO is an association of election officials in Europe.\n\n"
        "<b>Source:</b>\n• Fixture source on ACEEEO")
    assert [first.params["text"].split("\n")[0], second.params["text"].split("\n")[0]] == [
        "<b>What is ENEMO?</b>", "<b>What is the OSCE?</b>"]
