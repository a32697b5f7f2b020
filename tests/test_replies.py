"""Each kind of reply as the core builds it, on the tests' own base: its kind, language, exact
text, buttons, score and reference (what every transport then shows)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.conversation import Button, Conversation

NAV = (Button("📚 Topics", "topics"), Button("🌐 Language", "lang"))


def test_an_answer(own_conversation: Conversation) -> None:
    match = own_conversation.matcher.match("ENEMO observers")  # not word for word a phrasing
    reply = own_conversation.reply(match)
    assert (reply.kind, reply.lang, reply.entry_id, reply.caveat, reply.ref) == (
        "answer", "en", "enemo-countries", None, None)
    assert reply.score == match.score and 0.5 < reply.score < 1.0
    assert reply.body == "ENEMO observes elections in Georgia, Moldova and Ukraine."
    assert reply.buttons == ((Button("What is ENEMO?", "e:enemo-about"),),
                             (Button("⬅ Observer networks", "t:observers"),), NAV)


def test_a_partial_answer_is_a_label_for_the_question(own_conversation: Conversation) -> None:
    match = own_conversation.matcher.match("When was ENEMO founded?")
    reply = own_conversation.reply(match)
    assert (reply.kind, reply.entry_id) == ("partial", "enemo-about")
    assert reply.score == match.score > 0
    assert reply.caveat == ("My sources don't answer exactly that. Here is the closest answer "
                            "they give:")
    # a related question pressed under it ties back to the question asked (learning.py)
    assert reply.ref and len(reply.ref) <= 12
    assert reply.buttons[0] == (Button("Where does ENEMO observe elections?",
                                       "e:enemo-countries", reply.ref),)
    assert own_conversation.reply(match).ref != reply.ref  # a new reference each time


@pytest.mark.parametrize(("text", "reason", "body"), [
    ("hello", "greetings", "Hello! I answer questions about the international cooperation of "
                           "Belarus's Central Election Commission (CEC) and about election "
                           "observation, using two published sources."),
    ("thanks", "thanks", "Glad to help. If you have more questions about the international "
                         "cooperation of Belarus's Central Election Commission or about "
                         "election observation, just ask."),
    ("bye", "farewells", "Goodbye! Come back any time with questions about the international "
                         "cooperation of Belarus's Central Election Commission or about "
                         "election observation."),
    ("who are you?", "bot", "I'm a bot: I answer questions about the international cooperation "
                            "of Belarus's Central Election Commission and about election "
                            "observation"),
    ("you are stupid", "insults", "Sorry if I haven't been able to help."),
])
def test_small_talk(own_conversation: Conversation, text: str, reason: str, body: str) -> None:
    reply = own_conversation.ask(text)
    assert (reply.kind, reply.reason, reply.lang, reply.entry_id) == ("smalltalk", reason, "en",
                                                                      None)
    assert reply.body.startswith(body)
    assert reply.buttons == (NAV,)


def test_no_answer_keeps_its_score(own_conversation: Conversation) -> None:
    match = own_conversation.matcher.match("observers")
    reply = own_conversation.reply(match)
    assert (reply.kind, reply.reason, reply.entry_id) == ("none", None, None)
    assert reply.score == match.score > 0  # what `ask --json` reports, for the gaps report
    assert reply.buttons == (NAV,)
    assert reply.body.startswith("Sorry, my sources don't answer that.")


def test_which_language_a_reply_is_in(own_conversation: Conversation) -> None:
    conv = own_conversation
    ru = conv.matcher.match("Что такое ENEMO?")
    assert conv.reply_language(ru, None, "be") == "ru"  # the question's language
    assert conv.reply_language(ru, "be", "en") == "be"  # a choice wins
    assert conv.reply_language(ru, "de", "en") == "ru"  # not a language the bot has
    assert conv.reply_language(None, None, "be") == "be"  # nothing asked: the fallback
    assert conv.reply_language(None, None, "de") == "en"  # ...if the bot has it
    unknown = replace(ru, analysis=replace(ru.analysis, lang="pl"))
    assert conv.reply_language(unknown, None, "be") == "be"
    assert conv.reply(ru, fallback="en").lang == "ru"
    assert conv.ask("What is ENEMO?", chosen="de").lang == "en"
    assert conv.ask("What is ENEMO?", fallback="ru").lang == "en"


def test_a_turn_keeps_what_the_matcher_read(own_conversation: Conversation) -> None:
    turn = own_conversation.respond("What is ENEMO and what is the OSCE?")
    assert [(m.status, m.entry_id) for m in turn.matches] == [("answer", "enemo-about"),
                                                              ("answer", "osce-about")]
    before = turn.context
    after = own_conversation.respond("How do I cook borscht?", context=before)
    assert before is not None and after.matches[0].status == "none"
    assert after.context == replace(before, fresh=False)  # (its subject kept for a follow-up)


def test_did_you_mean(own_conversation: Conversation) -> None:
    match = own_conversation.matcher.match("ENEMO citizen groups")
    reply = own_conversation.reply(match, fallback="ru")
    assert (reply.kind, reply.lang, reply.entry_id, reply.suggestions) == (
        "suggest", "en", None, ("enemo-about",))
    assert reply.score == match.score > 0
    assert reply.body == "Did you mean this?"
    # each choice carries the reply's reference: a press is a label for the question (learning)
    assert reply.ref and len(reply.ref) <= 12
    assert reply.buttons == ((Button("What is ENEMO?", "e:enemo-about", reply.ref),), NAV)


def test_a_reply_in_the_fallback_language(own_conversation: Conversation) -> None:
    ru = own_conversation.matcher.match("Что такое ENEMO?")
    unknown = replace(ru, analysis=replace(ru.analysis, lang="pl"))
    assert own_conversation.reply(unknown, fallback="be").lang == "be"
    assert own_conversation.reply(unknown, fallback="be").heading == "Што такое ENEMO?"
