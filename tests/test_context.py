"""The conversation context (bot/answering/dialogue.py) on the tests' own base: what a reply leaves
for the next message, how a follow-up reads with it, and the store that keeps it per chat."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.answering.dialogue import Context, ContextStore, entry_context, split_questions
from bot.conversation import Conversation

from .conftest import FIXTURE_KB, FIXTURE_LOCALES


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def ctx(entry_id: str) -> Context:
    return Context(entry_id, (), (), 0.0)


# --- the store --------------------------------------------------------------------------------

def test_putting_no_context_drops_the_chats() -> None:
    store = ContextStore(clock=Clock())
    store.put("a", ctx("x"))
    store.put("b", ctx("y"))
    store.put("a", None)
    assert store.get("a") is None and store.get("b") == ctx("y")
    store.put("never-seen", None)  # nothing to drop: no error
    store.forget("never-seen")
    store.forget("b")
    assert len(store) == 0


def test_the_least_recently_active_chats_go_first() -> None:
    clock = Clock()
    store = ContextStore(limit=2, clock=clock)
    store.put("a", ctx("x"))
    store.put("b", ctx("y"))
    store.put("a", ctx("z"))  # a is active again: b is now the oldest
    store.put("c", ctx("w"))
    assert (store.get("a"), store.get("b"), store.get("c")) == (ctx("z"), None, ctx("w"))
    assert len(store) == 2


def test_a_context_is_stamped_when_it_is_stored() -> None:
    clock = Clock()
    clock.now = 42.0
    store = ContextStore(ttl=10.0, clock=clock)
    store.put("a", Context("x", ("@n",), ("@t",), at=-1e9))  # its own stamp is not trusted
    assert store.get("a") == Context("x", ("@n",), ("@t",), 42.0)
    clock.now = 52.0
    assert store.get("a") == Context("x", ("@n",), ("@t",), 42.0)
    clock.now = 52.001
    assert store.get("a") is None


# --- what a reply leaves ----------------------------------------------------------------------

@pytest.mark.parametrize(("entry_id", "names", "topic"), [
    ("enemo-about", ("@enemo",), ()),
    ("enemo-countries", ("@enemo",), ("@country", "@observer")),
    ("osce-about", ("@osce",), ()),
])
def test_an_entry_opened_with_a_button(own_conversation: Conversation, entry_id: str,
                                       names: tuple[str, ...], topic: tuple[str, ...]) -> None:
    context = entry_context(own_conversation.matcher, entry_id)
    assert (context.entry_id, context.names, context.topic) == (entry_id, names, topic)


def test_an_entry_opened_with_a_button_is_the_context_of_a_follow_up(
        own_conversation: Conversation) -> None:
    context = entry_context(own_conversation.matcher, "enemo-countries")
    turn = own_conversation.respond("what is it?", context=context)
    assert [(m.status, m.entry_id, m.followup) for m in turn.matches] == [
        ("answer", "enemo-about", True)]


@pytest.mark.parametrize(("question", "entry_id", "names", "topic"), [
    ("What is ENEMO?", "enemo-about", ("@enemo",), ()),
    ("Where does ENEMO observe elections?", "enemo-countries", ("@enemo",),
     ("@country", "@observer")),
    ("When was ACEEEO founded?", "aceeeo-about", ("@aceeeo",), ()),  # a partial answer too
])
def test_the_context_a_reply_leaves(own_conversation: Conversation, question: str,
                                    entry_id: str, names: tuple[str, ...],
                                    topic: tuple[str, ...]) -> None:
    context = own_conversation.respond(question).context
    assert context is not None
    assert (context.entry_id, context.names, context.topic) == (entry_id, names, topic)


@pytest.mark.parametrize("question", ["hello", "How do I cook borscht?",
                                      "Who will win the election?"])
def test_a_reply_without_an_answer_keeps_the_context(own_conversation: Conversation,
                                                     question: str) -> None:
    before = own_conversation.respond("Where does ENEMO observe elections?").context
    assert own_conversation.respond(question).context is None
    # (its subject stays for a follow-up; "is that all?" would now be about this reply)
    assert before is not None and before.fresh
    assert own_conversation.respond(question, context=before).context == replace(
        before, fresh=False)


def test_two_answers_leave_the_last_as_context(own_conversation: Conversation) -> None:
    turn = own_conversation.respond("What is the OSCE and what is ACEEEO?")
    assert turn.context is not None and turn.context.entry_id == "aceeeo-about"
    assert turn.context.names == ("@aceeeo",)


# --- follow-ups -------------------------------------------------------------------------------

@pytest.mark.parametrize(("first", "follow_up", "expected"), [
    ("What is ENEMO?", "and where does it observe?", ("answer", "enemo-countries", True)),
    ("What is ENEMO?", "where do they observe?", ("answer", "enemo-countries", True)),
    ("What is ENEMO?", "in which countries?", ("answer", "enemo-countries", True)),
    ("What is ENEMO?", "what about the OSCE?", ("answer", "osce-about", True)),
    ("What is ENEMO?", "and ACEEEO?", ("answer", "aceeeo-about", True)),
    ("When was ACEEEO founded?", "and what is it?", ("answer", "aceeeo-about", True)),
    ("When was ACEEEO founded?", "а ОБСЕ?", ("answer", "osce-about", True)),
    # the last answer covers it exactly, though it asks nothing new
    ("Where does ENEMO observe elections?", "and in Georgia?",
     ("answer", "enemo-countries", True)),
    ("Where does ENEMO observe elections?", "and in Moldova?",
     ("answer", "enemo-countries", True)),
    # honest: not in the last answer, nor anywhere
    ("Where does ENEMO observe elections?", "and in France?", ("none", None, False)),
    ("Where does ENEMO observe elections?", "how many countries?",
     ("partial", "enemo-countries", True)),
    # a switch of subject that asks something: the last question's topic, about the new name
    ("Where does ENEMO observe elections?", "what about the OSCE, where?",
     ("partial", "osce-about", True)),
    ("What is ENEMO?", "how about ACEEEO, what is?", ("answer", "aceeeo-about", True)),
    # chat that is not about the subject is not a follow-up, nor is a message without words
    ("What is ENEMO?", "tell me a joke", ("none", None, False)),
    ("What is ENEMO?", "hello", ("smalltalk", None, False)),
    ("What is ENEMO?", "???", ("none", None, False)),
    ("What is ENEMO?", "...", ("none", None, False)),
])
def test_follow_ups(own_conversation: Conversation, first: str, follow_up: str,
                    expected: tuple[str, str | None, bool]) -> None:
    context = own_conversation.respond(first).context
    [match] = own_conversation.respond(follow_up, context=context).matches
    assert (match.status, match.entry_id, match.followup) == expected


def test_a_follow_up_needs_its_context(own_conversation: Conversation) -> None:
    for text in ("and where does it observe?", "and in Georgia?", "what is it?"):
        [match] = own_conversation.respond(text).matches
        assert (match.status, match.followup) == ("none", False), text


# --- several questions in one message ---------------------------------------------------------

@pytest.mark.parametrize(("text", "parts"), [
    ("What is ENEMO and where does it observe?", ["What is ENEMO", "where does it observe?"]),
    ("What is ENEMO, and what is the OSCE?", ["What is ENEMO", "what is the OSCE?"]),
    ("What is ENEMO и что такое ОБСЕ?", ["What is ENEMO", "что такое ОБСЕ?"]),
    ("What is ENEMO? And what is the OSCE?", ["What is ENEMO?", "And what is the OSCE?"]),
    ("Tell me about ENEMO. What is the OSCE?", ["What is the OSCE?"]),
    ("Tell me about ENEMO. Tell me about the OSCE.", ["Tell me about the OSCE."]),
    ("ENEMO and the OSCE", ["ENEMO and the OSCE"]),
    ("Is it ENEMO and is it the OSCE?", ["Is it ENEMO", "is it the OSCE?"]),
    ("Observers, and which countries?", ["Observers", "which countries?"]),
])
def test_split_questions(own_conversation: Conversation, text: str, parts: list[str]) -> None:
    assert split_questions(own_conversation.matcher, text) == parts


@pytest.mark.parametrize(("text", "expected"), [
    ("What is ENEMO and where does it observe?", ["enemo-about", "enemo-countries"]),
    ("What is ENEMO, and what is the OSCE?", ["enemo-about", "osce-about"]),
    ("What is ENEMO? And what is the OSCE?", ["enemo-about", "osce-about"]),
    # the same entry twice is one answer; a question without one adds none
    ("What is ENEMO and who are ENEMO?", ["enemo-about"]),
    ("What is ENEMO and how do I cook borscht?", ["enemo-about"]),
    ("How do I cook borscht and what is ENEMO?", ["enemo-about"]),
])
def test_each_question_gets_its_answer(own_conversation: Conversation, text: str,
                                       expected: list[str]) -> None:
    turn = own_conversation.respond(text)
    assert [r.entry_id for r in turn.replies] == expected
    assert all(r.kind == "answer" for r in turn.replies)


@pytest.mark.parametrize(("text", "expected"), [
    # a partial answer beside a confident one: both, the partial with its caveat
    ("What is ENEMO and when was ACEEEO founded?",
     [("answer", "enemo-about"), ("partial", "aceeeo-about")]),
    ("When was ACEEEO founded and what is ENEMO?",
     [("partial", "aceeeo-about"), ("answer", "enemo-about")]),
    # two partial answers and no confident one: the message is read as a whole
    ("When was ACEEEO founded and when was the OSCE founded?", [("partial", "osce-about")]),
    # two questions on one entry: one reply, read as a whole
    ("What is ENEMO and when was ENEMO founded?", [("partial", "enemo-about")]),
])
def test_confident_and_partial_answers_in_one_message(
        own_conversation: Conversation, text: str, expected: list[tuple[str, str]]) -> None:
    turn = own_conversation.respond(text)
    assert [(r.kind, r.entry_id) for r in turn.replies] == expected
    assert [bool(r.caveat) for r in turn.replies] == [k == "partial" for k, _ in expected]


def test_a_lexicon_without_follow_up_words(tmp_path: Path) -> None:
    """followups.yaml is optional: without it a follow-up still reads with the context's names
    ("it"), and a switch of subject is read as a question of its own."""
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    (kb / "lexicon" / "followups.yaml").unlink()
    conversation = Conversation.load(kb, FIXTURE_LOCALES)
    context = conversation.respond("What is ENEMO?").context
    seen = [(m.status, m.entry_id, m.followup) for text in (
        "and where does it observe?", "what about the OSCE?", "and in Georgia?")
        for m in conversation.respond(text, context=context).matches]
    assert seen == [("answer", "enemo-countries", True), ("answer", "osce-about", False),
                    ("none", None, False)]


def test_a_follow_up_the_last_answer_covers_says_so(own_conversation: Conversation) -> None:
    context = own_conversation.respond("Where does ENEMO observe elections?").context
    [match] = own_conversation.respond("and in Georgia?", context=context).matches
    assert (match.status, match.entry_id, match.followup) == ("answer", "enemo-countries", True)
    assert match.reason == "a follow-up that the last answer covers exactly"
    assert match.ranked == (("enemo-countries", 0.0),)
    assert [v.entry_id for v in match.verdicts] == ["enemo-countries"]


# --- subjects of more than one name, or of none (the tests' base and two more entries) ---------

MORE_ENTRIES = """\
topic: more
title: "More"
entries:
  - id: enemo-georgia
    subject: [ENEMO, Georgia]
    questions:
      be: ["Ці назірае ENEMO за выбарамі ў Грузіі?"]
      ru: ["Наблюдает ли ENEMO за выборами в Грузии?"]
      en: ["Does ENEMO observe elections in Georgia?"]
    answer: "ENEMO has observed every election in Georgia since 2003."
    sources:
      - title: "Fixture source"

  - id: observer-invitations
    subject: [observer]
    questions:
      be: ["Хто запрашае міжнародных назіральнікаў?"]
      ru: ["Кто приглашает международных наблюдателей?"]
      en: ["Who invites international observers?", "Who sends invitations to observers?"]
    answer: "The country holding the election invites international observers."
    sources:
      - title: "Fixture source"
"""


@pytest.fixture(scope="module")
def more(tmp_path_factory: pytest.TempPathFactory) -> Conversation:
    """The tests' base with an entry about a name in a place (ENEMO in Georgia) and one whose
    subject names nobody (who invites observers)."""
    kb = tmp_path_factory.mktemp("more") / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    (kb / "more.yaml").write_text(MORE_ENTRIES, encoding="utf-8")
    return Conversation.load(kb, FIXTURE_LOCALES)


@pytest.mark.parametrize(("entry_id", "names", "topic"), [
    # the name, not the place; a subject without a name is kept whole
    ("enemo-georgia", ("@enemo",), ("@elections", "@observer")),
    ("observer-invitations", ("@observer",), ("@international", "@invite")),
])
def test_an_entry_opened_with_a_button_is_about_its_names(
        more: Conversation, entry_id: str, names: tuple[str, ...],
        topic: tuple[str, ...]) -> None:
    context = entry_context(more.matcher, entry_id)
    assert (context.entry_id, context.names, context.topic) == (entry_id, names, topic)


@pytest.mark.parametrize(("turns", "left"), [
    # what the question named: the organisation, not the place it asked about
    (["Does ENEMO observe elections in Georgia?"],
     ("enemo-georgia", ("@enemo",), ("@elections", "@observer"))),
    (["What is ENEMO?", "and in Georgia?"],
     ("enemo-georgia", ("@enemo",), ("@elections", "@observer"))),
    # no name at all: the words of the subject the question used, and what it asked
    (["Who invites international observers?"],
     ("observer-invitations", ("@observer",), ("@observer", "@international", "@invite"))),
    (["Who invites international observers?", "and in Georgia?"],
     ("enemo-georgia", ("@georgia",), ("@elections", "@observer"))),
    # a switch leaves the new name only
    (["Where does ENEMO observe elections?", "what about the OSCE?"],
     ("osce-about", ("@osce",), ())),
])
def test_the_context_names_what_the_question_named(
        more: Conversation, turns: list[str],
        left: tuple[str, tuple[str, ...], tuple[str, ...]]) -> None:
    context = None
    for text in turns:
        context = more.respond(text, context=context).context
    assert context is not None
    assert (context.entry_id, context.names, context.topic) == left


@pytest.mark.parametrize("follow_up", ["since when?", "how many?"])
def test_a_follow_up_that_asks_nothing_new_stays_on_the_last_answer(
        more: Conversation, follow_up: str) -> None:
    context = more.respond("Does ENEMO observe elections in Georgia?").context
    [match] = more.respond(follow_up, context=context).matches
    assert (match.status, match.entry_id, match.followup) == ("answer", "enemo-georgia", True)
    # decided by the context, not by a ranking: its score is the ranking's 0.0
    assert (match.score, match.ranked) == (0.0, (("enemo-georgia", 0.0),))


def test_a_question_that_reads_well_alone_keeps_its_own_reading(more: Conversation) -> None:
    """No name of its own, but a confident answer on its own: the context's ENEMO is not
    added to it."""
    context = more.respond("What is ENEMO?").context
    [match] = more.respond("Who invites international observers?", context=context).matches
    assert (match.status, match.entry_id, match.followup, match.score) == (
        "answer", "observer-invitations", False, 1.0)


@pytest.mark.parametrize(("first", "follow_up", "expected"), [
    # "how" asks nothing the switch would lose: the last question again, about ACEEEO
    ("What is ENEMO?", "and how is the OSCE?", ("answer", "osce-about", True)),
    ("Where does ENEMO observe elections?", "how ACEEEO?", ("answer", "aceeeo-about", True)),
    # a name and several words of its own is a question of its own, not a switch
    ("What is ENEMO?", "how does ACEEEO observe elections?", ("partial", "aceeeo-about", False)),
    # a place is not a word of its own: the OSCE's observers in Georgia is still a switch
    ("What is ENEMO?", "and the OSCE observers in Georgia?", ("partial", "osce-about", True)),
    # its own words exactly half covered by the entry the switch leads to: enough
    ("What is ENEMO?", "and ACEEEO, where does it observe?", ("partial", "aceeeo-about", True)),
])
def test_switches_of_subject(own_conversation: Conversation, first: str, follow_up: str,
                             expected: tuple[str, str, bool]) -> None:
    context = own_conversation.respond(first).context
    [match] = own_conversation.respond(follow_up, context=context).matches
    assert (match.status, match.entry_id, match.followup) == expected


def test_what_the_context_supplies_is_marked_as_carried_over(
        own_conversation: Conversation) -> None:
    """The terms the context adds to a follow-up are marked as carried (the message did not
    say them): here the last answer's ENEMO, tried after its topic did not fit."""
    context = own_conversation.respond("Where does ENEMO observe elections?").context
    [match] = own_conversation.respond("how ACEEEO?", context=context).matches
    assert (match.status, match.entry_id, match.followup) == ("answer", "aceeeo-about", True)
    assert match.analysis.carried == ("@enemo",)


def test_a_question_between_two_is_skipped_and_the_context_carries_over(
        own_conversation: Conversation) -> None:
    turn = own_conversation.respond(
        "What is ENEMO and how do I cook borscht and where does it observe?")
    assert [(m.status, m.entry_id, m.followup) for m in turn.matches] == [
        ("answer", "enemo-about", False), ("answer", "enemo-countries", True)]


def test_of_two_questions_on_one_entry_the_first_is_answered(
        own_conversation: Conversation) -> None:
    turn = own_conversation.respond(
        "What is ENEMO and what is the OSCE and when was ENEMO founded?")
    assert [(r.kind, r.entry_id) for r in turn.replies] == [
        ("answer", "enemo-about"), ("answer", "osce-about")]
    turn = own_conversation.respond(
        "When was ENEMO founded and what is the OSCE and what is ENEMO?")
    assert [(r.kind, r.entry_id) for r in turn.replies] == [
        ("partial", "enemo-about"), ("answer", "osce-about")]


def test_a_follow_up_the_last_answer_already_answers_says_so(
        own_conversation: Conversation) -> None:
    first = own_conversation.respond("Where does ENEMO observe elections?")
    assert first.replies[0].caveat is None
    again = own_conversation.respond("and in which countries exactly?", context=first.context)
    assert [r.entry_id for r in again.replies] == ["enemo-countries"]
    assert again.replies[0].caveat == "Here is my previous answer again, in case it covers this:"
    # another entry after it, or the same one with no context, comes without that line
    other = own_conversation.respond("What is the OSCE?", context=first.context)
    assert other.replies[0].caveat is None
    assert own_conversation.respond("In which countries does ENEMO observe?").replies[
        0].caveat is None


@pytest.mark.parametrize("message", [
    "Where does ENEMO observe elections?", "В каких странах ENEMO наблюдает за выборами?",
])
def test_a_question_that_reads_on_its_own_is_not_said_to_be_answered_already(
        own_conversation: Conversation, message: str) -> None:
    # the same question again, read on its own, lands on the last entry: it is answered
    # again, not told that the last answer already said it
    first = own_conversation.respond("Where does ENEMO observe elections?")
    again = own_conversation.respond(message, context=first.context)
    assert [r.entry_id for r in again.replies] == ["enemo-countries"]
    assert again.replies[0].caveat is None


@pytest.mark.parametrize("follow_up", ["and in what year?", "а в каком году?", "when?"])
def test_the_closest_answer_to_a_follow_up_is_the_last_answer(
        own_conversation: Conversation, follow_up: str) -> None:
    # neither ENEMO entry gives a year: the one just shown, not its neighbour, is the closest
    first = own_conversation.respond("Where does ENEMO observe elections?")
    turn = own_conversation.respond(follow_up, context=first.context)
    assert [(m.status, m.entry_id) for m in turn.matches] == [("partial", "enemo-countries")]
