"""Grounding: a confident answer only when the entry really answers the question asked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.answering.matcher import Matcher
from bot.answering.reading import split_sentences
from bot.cli.main import main
from bot.conversation import Conversation
from bot.knowledge.base import KnowledgeError, load_knowledge

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("question", "entry_id", "missing"), [
    ("When was ACEEEO founded?", "aceeeo-membership", "@founded"),
    ("Калі заснавалі ACEEEO?", "aceeeo-membership", "@founded"),
    ("Кто руководит ENEMO?", "enemo-about", "@head"),
    ("Did CEC members ever observe an election in Poland?", "cec-observers-abroad", "@place-pl"),
    ("Россия входит в ACEEEO?", "aceeeo-membership", "@russia"),
    ("ЦИК Беларуси сотрудничает с ООН?", "cec-partners", "оон"),
])
def test_near_misses_are_partial_not_confident(matcher: Matcher, question: str, entry_id: str,
                                               missing: str) -> None:
    match = matcher.match(question)
    assert match.status == "partial", (question, match.status, match.reason)
    assert match.entry_id == entry_id
    assert missing in match.verdicts[0].uncovered
    assert matcher.grounder.subject(entry_id) & set(match.analysis.terms)


@pytest.mark.parametrize("question", [
    "How many OSCE observers came to the last presidential election?",
    "Колькі каштуе членства ЦВК у ACEEEO?",
    "Сколько наблюдателей выставляет кампания «Правозащитники за свободные выборы»?",
])
def test_asked_kind_must_be_in_the_answer(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status != "answer"


def test_a_number_of_something_else_does_not_answer_how_many(matcher: Matcher) -> None:
    # the answer says "two Belarusian NGOs", not how many observers
    match = matcher.match("Сколько наблюдателей у кампании «Правозащитники за свободные выборы»?")
    assert match.status != "answer"
    assert matcher.match("How many countries are members of ACEEEO?").entry_id in (
        "aceeeo-membership", "aceeeo-about")


@pytest.mark.parametrize(("question", "reason"), [
    ("Are Belarusian elections actually fair?", "opinion"),
    ("ЦИК вообще независимый?", "opinion"),
    ("Хто стане наступным прэзідэнтам?", "opinion"),
    ("За кого голосовать?", "opinion"),
    ("Где мой избирательный участок?", "practical"),
    ("How do I become an election observer?", "practical"),
    ("Як мне запісацца назіральнікам на ўчастак?", "practical"),
])
def test_out_of_scope_classes_get_their_reply(conversation: Conversation, question: str,
                                              reason: str) -> None:
    reply = conversation.ask(question)
    assert reply.kind == "none" and reply.reason == reason, (question, reply.kind, reply.reason)
    assert not reply.suggestions
    assert reply.body != conversation.ask("Как приготовить борщ?").body


def test_opinion_words_do_not_hide_an_entry_that_covers_them(conversation: Conversation) -> None:
    reply = conversation.ask("Is ENEMO independent?")
    assert reply.kind == "answer" and reply.entry_id == "enemo-about"


@pytest.mark.parametrize(("question", "kind", "lang"), [
    ("hello bot", "greetings", "en"),
    ("Вітаю!", "greetings", "be"),
    ("are you a bot?", "bot", "en"),
    ("Привет, как дела?", "bot", "ru"),
    ("Хто ты?", "bot", "be"),
    ("Вы живой человек?", "bot", "ru"),
    ("Are you a real person?", "bot", "en"),
    ("Вы сапраўдны чалавек?", "bot", "be"),
    ("thanks, bye", "farewells", "en"),  # leave-taking ends it: the farewell
    ("ok, thanks", "thanks", "en"),
    ("Дзякуй!", "thanks", "be"),
    ("you're a useless bot", "insults", "en"),
    ("ты тупой", "insults", "ru"),
    ("ты дурны бот", "insults", "be"),
])
def test_small_talk_in_three_languages(conversation: Conversation, question: str, kind: str,
                                       lang: str) -> None:
    reply = conversation.ask(question)
    assert (reply.kind, reply.reason, reply.lang) == ("smalltalk", kind, lang)


def test_greeting_and_context_do_not_dilute_the_question(conversation: Conversation) -> None:
    reply = conversation.ask(
        "Добры дзень. Пішу курсавую пра выбары, і мне трэба поўная афіцыйная назва "
        "беларускага Цэнтрвыбаркама. Падкажыце, калі ласка, як яна гучыць цалкам?")
    assert reply.kind == "answer" and reply.entry_id == "cec-about" and reply.lang == "be"
    # the subject in one sentence, the question in the next
    reply = conversation.ask("I saw an article about ENEMO. Who are they, exactly?")
    assert reply.kind == "answer" and reply.entry_id == "enemo-about"


def test_suggestions_share_the_questions_subject(matcher: Matcher) -> None:
    for question in ("Who's going to win the next presidential election in Belarus?",
                     "What's the weather like in Minsk this weekend?"):
        match = matcher.match(question)
        assert match.status == "none" and not match.suggestions, question


def test_partial_reply_is_shown_with_a_caveat(conversation: Conversation) -> None:
    reply = conversation.ask("When was ACEEEO founded?")
    assert reply.kind == "partial" and reply.caveat and reply.entry_id == "aceeeo-membership"
    assert reply.sources and reply.heading
    ru = conversation.ask("Когда была основана ACEEEO?")
    assert ru.kind == "partial" and ru.caveat and ru.caveat != reply.caveat


def test_sentences() -> None:
    assert split_sentences("Hi! What is ENEMO? Thanks.") == ["Hi!", "What is ENEMO?", "Thanks."]
    assert split_sentences("a\nb") == ["a", "b"]


def test_subject_key_is_validated(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "t.yaml").write_text(
        "topic: t\ntitle: T\nentries:\n  - id: x\n    subject: 5\n"
        "    questions: {be: [а], ru: [б], en: [c]}\n    answer: A.\n"
        "    sources: [{title: S}]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="'subject' must be a list"):
        load_knowledge(kb)


def test_stated_subject_wins_over_the_derived_one(matcher: Matcher) -> None:
    # russia-cec-protocol states [Russia, protocol]: a question naming only the protocol is on it
    assert "@protocol" in matcher.grounder.subject("russia-cec-protocol")
    match = matcher.match("Протокол 4 июня 1998 года — это о чём?")
    assert match.entry_id == "russia-cec-protocol"


def test_explain_says_what_matched_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ask", "--json", "--explain", "--kb", str(ROOT / "knowledge"),
                 "--locales", str(ROOT / "locales"), "When was ACEEEO founded?"])
    assert code == 0
    record = json.loads(capsys.readouterr().out)
    assert record["status"] == "partial" and record["id"] == "aceeeo-membership"
    assert "@founded" in record["explain"] and "never mentions" in record["explain"]


def test_kb_check_flags_a_subject_the_entry_never_uses(tmp_path: Path) -> None:
    import shutil

    from bot.authoring.lint import check

    kb = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", kb)
    path = kb / "partners.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"subject: \[Russia, protocol[^\]]*\]", "subject: [Russia, Zanzibar]",
                           text), encoding="utf-8")
    report = check(kb, ROOT / "locales")
    found = [f for f in report.findings if f.code == "subject"]
    assert len(found) == 1 and "Zanzibar" in found[0].message
    assert found[0].entry_id == "russia-cec-protocol"


@pytest.mark.parametrize("question", [
    "Is ENEMO going to observe the next elections?",
    "Будет ли ENEMO наблюдать за следующими выборами?",
    "Ці будзе ENEMO назіраць на наступных выбарах?",
])
def test_the_future_of_an_organisation_is_not_a_practical_matter(conversation: Conversation,
                                                                 question: str) -> None:
    # the date of the next election is practical; what ENEMO will do is a fact the sources,
    # which tell what was, do not hold
    reply = conversation.ask(question)
    assert reply.kind == "partial" and reply.entry_id == "enemo-not-invited", reply.reason


@pytest.mark.parametrize("question", [
    "When is the next election in Belarus?", "Когда следующие выборы?", "Калі наступныя выбары?",
])
def test_the_date_of_the_next_election_is_practical(conversation: Conversation,
                                                    question: str) -> None:
    reply = conversation.ask(question)
    assert (reply.kind, reply.reason) == ("none", "practical")
