"""The conversation core: replies, buttons, languages and translation fallbacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from bot.conversation import Conversation, parse_action
from bot.conversation.render import html_messages, plain_text
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.catalogs import load_catalogs

from .conftest import ROOT


def actions(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.action for row in reply.buttons for b in row]


def test_answer_has_heading_sources_related_and_navigation(conversation: Conversation) -> None:
    reply = conversation.ask("What is ENEMO?")
    assert reply.kind == "answer" and reply.entry_id == "enemo-about" and reply.lang == "en"
    assert reply.heading == "What is ENEMO?"
    assert reply.sources and reply.sources_label == "Source"
    entry = conversation.kb.entries["enemo-about"]
    assert [f"e:{r}" for r in entry.related] == actions(reply)[: len(entry.related)]
    assert "t:enemo" in actions(reply) and "topics" in actions(reply)
    assert "network of non-governmental organizations" in plain_text(reply)


def test_reply_language_follows_the_question_unless_chosen(conversation: Conversation) -> None:
    be = conversation.ask("Што такое ENEMO?")
    assert be.lang == "be" and be.heading == conversation.kb.entries["enemo-about"].question("be")
    assert be.note is None, "Belarusian answers are translated"
    assert conversation.ask("Што такое ENEMO?", chosen="en").lang == "en"
    # an undetectable question falls back to the transport's guess
    assert conversation.ask("ENEMO", fallback="ru").lang == "ru"


def test_suggest_and_none(conversation: Conversation) -> None:
    reply = conversation.ask("ENEMO Belarus")
    assert reply.kind == "suggest" and reply.entry_id is None
    # each suggestion carries the reply's random reference, so a press can teach a phrasing
    assert reply.ref and len(reply.ref) == 8 and conversation.ask("ENEMO Belarus").ref != reply.ref
    offered = [b for row in reply.buttons for b in row][: len(reply.suggestions)]
    assert [b.action for b in offered] == [f"e:{s}" for s in reply.suggestions]
    assert {b.ref for b in offered} == {reply.ref}
    chosen = conversation.press(offered[0].action, "en", offered[0].ref)
    assert chosen is not None and chosen.entry_id == reply.suggestions[0]
    assert chosen.chosen == (reply.ref, reply.suggestions[0])
    plain = conversation.press(f"e:{reply.suggestions[0]}", "en")
    assert plain is not None and plain.chosen is None and plain.ref is None
    forged = conversation.press(f"e:{reply.suggestions[0]}", "en", "not-a-ref!")
    assert forged is not None and forged.chosen is None
    none = conversation.ask("Как приготовить борщ?")
    assert none.kind == "none" and none.lang == "ru" and actions(none) == ["topics", "lang"]
    assert none.body != conversation.ask("How do I cook borscht?").body  # translated


def test_greetings_and_thanks_are_small_talk(conversation: Conversation) -> None:
    hello = conversation.ask("Прывітанне!")
    assert hello.kind == "smalltalk" and hello.lang == "be" and "ENEMO" in hello.body
    thanks = conversation.ask("спасибо")
    assert thanks.kind == "smalltalk" and thanks.lang == "ru" and thanks.reason == "thanks"


def test_buttons_round_trip_and_forged_data_is_refused(conversation: Conversation) -> None:
    topics = conversation.topics("ru")
    first_topic = topics.buttons[0][0].action
    assert parse_action(first_topic)[0] == "t"
    topic = conversation.press(first_topic, "ru")
    assert topic is not None and actions(topic)[-1] == "topics"
    entry = conversation.press(topic.buttons[0][0].action, "ru")
    assert entry is not None and entry.kind == "answer" and entry.lang == "ru"
    chosen = conversation.press("setlang:be", "ru")
    assert chosen is not None and chosen.set_language == "be" and chosen.lang == "be"
    for forged in ("e:no-such-entry", "t:nope", "setlang:xx", "lang:extra", "", "zzz", "e:",
                   "e:../../etc", "topics:1"):
        assert conversation.press(forged, "en") is None, forged


def test_long_questions_are_cut_not_refused(conversation: Conversation) -> None:
    reply = conversation.ask("What is ENEMO? " + "x" * 5000)
    assert reply.kind in ("answer", "suggest", "none")


def test_untranslated_and_stale_answers_say_so(tmp_path: Path, kb: KnowledgeBase) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    po = locales / "be" / "LC_MESSAGES" / "knowledge.po"
    with po.open("rb") as fp:
        catalog = read_po(fp, locale="be")
    catalog.get(kb.entries["enemo-about"].answer, context="enemo-about").flags.add("fuzzy")
    catalog.get(kb.entries["enemo-countries"].answer, context="enemo-countries").string = ""
    with po.open("wb") as fp:
        write_po(fp, catalog)
    conv = Conversation(kb, load_catalogs(locales))
    stale = conv.entry("enemo-about", "be")
    assert stale.body == kb.entries["enemo-about"].answer  # the English original, not the old text
    assert stale.note and stale.note != conv.entry("enemo-countries", "be").note
    missing = conv.entry("enemo-countries", "be")
    assert missing.body == kb.entries["enemo-countries"].answer and missing.note
    assert conv.entry("enemo-belarus-members", "be").note is None


def test_html_is_escaped_and_split(conversation: Conversation) -> None:
    reply = conversation.entry("enemo-about", "en")
    html = html_messages(reply)
    assert html[0].startswith("<b>What is ENEMO?</b>")
    # quotes need no escape in text
    assert "“Viasna”" in reply.body and "“Viasna”" in html[0] and "&quot;" not in html[0]
    from dataclasses import replace

    huge = replace(reply, body="<script> & " * 1000, heading="a < b")
    parts = html_messages(huge)
    assert len(parts) >= 3 and all(len(p) <= 4096 for p in parts)
    assert "<script>" not in "".join(parts) and "a &lt; b" in parts[0]


@pytest.mark.parametrize("unrelated", [
    # the weather, cooking, sport, films: messages of another kind altogether, in each language
    "What's the weather like tomorrow?", "Как приготовить борщ?", "Хто выйграў футбольны матч?",
    "Recommend a good film",
    # a result asked of something else than an election: no election result declined
    "Who won the ice hockey world championship?", "Кто победил в конкурсе Евровидение?",
    # a place is no sign of the subject by itself
    "What's the weather like in Minsk tomorrow?", "Какая погода в Минске?",
    "Якое надвор'е ў Мінску?",
])
def test_a_message_about_something_else_is_not_asked_to_be_rephrased(
        own_conversation: Conversation, unrelated: str) -> None:
    on_topic = own_conversation.ask("When was the referendum?", chosen="en")
    reply = own_conversation.ask(unrelated, chosen="en")
    assert reply.kind == on_topic.kind == "none"
    assert "rephras" in on_topic.body and "rephras" not in reply.body
    assert "not something I can help with" in reply.body


@pytest.mark.parametrize("judgement", [
    # a result or judgement asked of the elections, or of what was just said, is an opinion
    "Who won the election?", "Is that fair, in your opinion?", "Who will win?",
])
def test_a_judgement_of_the_subject_gets_the_opinion_reply(own_conversation: Conversation,
                                                          judgement: str) -> None:
    reply = own_conversation.ask(judgement, chosen="en")
    assert (reply.kind, reply.reason) == ("none", "opinion")


def test_a_follow_up_about_a_place_is_not_a_message_about_something_else(
        own_conversation: Conversation) -> None:
    # (an opener or a pronoun says it continues the conversation: "try rephrasing" helps)
    assert "rephras" in own_conversation.ask("And in Belarus, when was that?", chosen="en").body


def test_a_bare_year_is_not_a_message_about_something_else(
        own_conversation: Conversation) -> None:
    assert "rephras" in own_conversation.ask("1998", chosen="en").body
