"""A pronoun in a follow-up stands for what the last answer named, on a base of the tests' own."""

from __future__ import annotations

import pytest

from bot.answering.dialogue import Context, context_after, understand
from bot.answering.matcher import Matcher

from .helpers import shipped_lexicon_matcher

LEAGUE = """\
    topic: league
    title: "The league"
    entries:
      - id: league-about
        questions:
          en: ["What is the Vote League?"]
          ru: ["Что такое Лига голосов?"]
          be: ["Што такое Ліга галасоў?"]
        answer: "According to its charter, the Vote League is an association of election bodies."
        sources: [{title: "The charter"}]
      - id: league-membership
        subject: ["vote league"]
        questions:
          en: ["Is the PKM a member of the Vote League?", "Since when is the PKM in the league?"]
          ru: ["Состоит ли ПКМ в Лиге голосов?"]
          be: ["Ці ўваходзіць ПКМ у Лігу галасоў?"]
        answer: "According to the PKM, it has been a member of the Vote League since 2001."
        sources: [{title: "The PKM"}]
      - id: pkm-observers
        questions:
          en: ["Where have PKM members observed elections?", "Did PKM members observe abroad?"]
          ru: ["Где наблюдали члены ПКМ?"]
          be: ["Дзе назіралі члены ПКМ?"]
        answer: "According to the PKM, its members have observed elections in Norway and Chile."
        sources: [{title: "The PKM"}]
    """
NAMES = """\
  - key: vote-league
    kind: name
    terms: ["vote league", "лига голосов", "ліга галасоў"]
  - key: pkm
    kind: name
    terms: [pkm, пкм]
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("pronouns"),
                                   {"league.yaml": LEAGUE}, NAMES)


def _play(matcher: Matcher, turns: list[str]) -> list[str | None]:
    context: Context | None = None
    seen = []
    for text in turns:
        found = understand(matcher, text, context)
        context = context_after(matcher, found, context)
        seen.append(found[0].entry_id if found[0].status == "answer" else None)
    return seen


@pytest.mark.parametrize(("opening", "follow_up", "alone"), [
    ("What is the Vote League?", "and is the PKM a member of it?", "is the PKM a member?"),
    ("Что такое Лига голосов?", "а ПКМ в ней состоит?", "а ПКМ состоит?"),
    ("Што такое Ліга галасоў?", "а ПКМ у яе ўваходзіць?", "а ПКМ уваходзіць?"),
])
def test_a_pronoun_is_not_lost_to_a_reading_of_the_message_alone(
        matcher: Matcher, opening: str, follow_up: str, alone: str) -> None:
    # alone, the message is about PKM members (who observe); with "it", about the league
    assert matcher.match(alone).entry_id == "pkm-observers"
    assert _play(matcher, [opening, follow_up]) == ["league-about", "league-membership"]


def test_a_message_that_reads_well_alone_is_still_answered_alone(matcher: Matcher) -> None:
    assert _play(matcher, ["What is the Vote League?",
                           "Where have PKM members observed elections?"]) == [
        "league-about", "pkm-observers"]



@pytest.mark.parametrize(("opening", "follow_up"), [
    ("What is the Vote League?", "and since what year have PKM members been there?"),
    ("Что такое Лига голосов?", "А с какого года члены ПКМ туда входят?"),
    ("Што такое Ліга галасоў?", "А з якога года члены ПКМ туды ўваходзяць?"),
])
def test_a_pro_adverb_beside_a_name_points_back_when_the_name_alone_finds_no_answer(
        matcher: Matcher, opening: str, follow_up: str) -> None:
    # alone, the message asks for a date the PKM observers' answer lacks
    assert matcher.match(follow_up).status != "answer"
    assert _play(matcher, [opening, follow_up]) == ["league-about", "league-membership"]
