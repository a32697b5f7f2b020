"""Matching: cross-lingual, noisy input, honest about what it does not know."""

from __future__ import annotations

import pytest

from bot.answering.matcher import Matcher
from bot.knowledge.base import KnowledgeBase


def answer(matcher: Matcher, question: str) -> str | None:
    match = matcher.match(question)
    return match.entry_id if match.status == "answer" else None


@pytest.mark.parametrize(("question", "entry_id"), [
    ("What is ENEMO?", "enemo-about"),
    ("Что такое ENEMO?", "enemo-about"),
    ("Што такое ENEMO?", "enemo-about"),
    ("Кто входит в ENEMO из Беларуси?", "enemo-belarus-members"),
    ("Дзе назірае ENEMO?", "enemo-countries"),
    ("When did Belarus join ACEEEO?", "aceeeo-membership"),
    ("Протокол между ЦИК Беларуси и ЦИК России", "russia-cec-protocol"),
    ("Хто запрашае міжнародных назіральнікаў?", "observer-invitations"),
])
def test_plain_questions_in_each_language(matcher: Matcher, question: str, entry_id: str) -> None:
    assert answer(matcher, question) == entry_id


@pytest.mark.parametrize(("question", "entry_id"), [
    ("WHAT IS ENEMO", "enemo-about"),                      # case, no punctuation
    ("🤔 what is enemo??? 🙏", "enemo-about"),              # emoji
    ("ENEMO what is", "enemo-about"),                       # word order
    ("Что такое ЕНЕМО?", "enemo-about"),                    # Cyrillic spelling of a name
    ("что ещё за ENEMO?", "enemo-about"),                   # ё and filler
    ("kto takie enemo", "enemo-about"),                     # Russian transliteration
    ("shto takoe enemo", "enemo-about"),                    # Belarusian transliteration
    ("xnj nfrjt ENEMO", "enemo-about"),                     # Russian typed on an English layout
    ("rnj nfrbt ENEMO", "enemo-about"),
    ("inj nfrjt wdr", "cec-about"),                         # Belarusian on an English layout
    ("[nj pfghfift yfpbhfkmybrfo", "observer-invitations"),  # ...with х on [ and і on b
    ("obse v belarusi", "osce-observers"),
    ("Ці запрашаюць назіральнікаў АБСЕ?", "osce-observers"),
    ("наблюдатели обсе на выборах", "osce-observers"),
    ("ENEMO obsrvers in wich contries", "enemo-countries"),  # typos
])
def test_noisy_input(matcher: Matcher, question: str, entry_id: str) -> None:
    assert answer(matcher, question) == entry_id


@pytest.mark.parametrize("question", [
    "What time is it?", "Как приготовить борщ?", "Колькі каштуе хлеб?", "Who will win?",
    "Where is my polling station?", "hello", "добры дзень", "what can you do?",
    "asdf qwer zxcv", "", "???", "🙂🙂🙂", "1234",
    "Чем занимается ООН?", "What does NATO do?", "Is the EU invited to observe?",  # other names
])
def test_out_of_scope_gets_no_answer(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status != "answer"


def test_rare_words_weigh_more_than_common_ones(matcher: Matcher) -> None:
    # "elections" and "Belarus" are everywhere; ENEMO is specific
    common = matcher.ranker.weight("@elections")
    rare = matcher.ranker.weight("@enemo")
    assert rare > 2 * common
    assert matcher.match("elections in Belarus").status != "answer"


@pytest.mark.parametrize(("question", "lang"), [
    ("Што такое ЦВК?", "be"), ("Что такое ЦИК?", "ru"), ("What is the CEC?", "en"),
    ("добры дзень", "be"), ("Хто такія ENEMO?", "be"), ("Кто такие ENEMO?", "ru"),
    ("kto takie enemo", "ru"), ("rnj nfrbt ENEMO", "ru"), ("whot is enemo", "en"),
    ("Дзе працуе ENEMO?", "be"), ("Где работает ENEMO?", "ru"),
    ("obse v belarusi", "ru"), ("inj nfrjt wdr", "be"), ("ENEMO", None),
])
def test_language_detection(matcher: Matcher, question: str, lang: str | None) -> None:
    detected = matcher.match(question).analysis.lang
    if lang is None:
        assert detected in (None, "en")  # a bare Latin name says nothing about the language
    else:
        assert detected == lang


def test_suggest_offers_at_most_three_distinct_candidates(matcher: Matcher) -> None:
    match = matcher.match("ENEMO Belarus")
    assert match.status == "suggest"
    assert 1 <= len(match.suggestions) <= 3
    assert len(set(match.suggestions)) == len(match.suggestions)


def test_deterministic(matcher: Matcher, kb: KnowledgeBase) -> None:
    again = Matcher(kb)
    for q in ("ENEMO", "obse", "ЦВК і СНД", "who invites observers"):
        assert matcher.match(q) == again.match(q)


def test_every_phrasing_finds_its_own_entry(matcher: Matcher, kb: KnowledgeBase) -> None:
    misses = []
    for entry in kb.entries.values():
        for lang, questions in entry.questions.items():
            for q in questions:
                m = matcher.match(q)
                if entry.id not in ((m.entry_id,) if m.status == "answer" else m.suggestions):
                    misses.append(f"{entry.id} [{lang}] {q!r} -> {m.status} {m.ranked[:2]}")
    # a phrasing may be close to a neighbour, but it must at least be offered
    assert not misses, "\n".join(misses)
