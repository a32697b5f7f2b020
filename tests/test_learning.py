"""Learning from citizens: an unsure reply's question and the suggestion pressed, anonymously."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from bot.answering.matcher import Matcher
from bot.authoring.learning import learn
from bot.knowledge.base import KnowledgeBase
from bot.storage import MAX_STORED_CHARS, Storage, StoredChoice, safe_text

from .conftest import ROOT
from .e2e import ask, buttons, press, running, user
from .fakebotapi import FakeBotAPI

QUESTION = "ENEMO Belarus"


def gaps(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "kb", "gaps", "--db", str(db_path),
                           *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          check=False)


def test_refs_travel_in_button_values_and_forged_ones_are_dropped() -> None:
    assert safe_text("  what\x00 is\n\tENEMO?  " + "x" * 1000)[:17] == "what is ENEMO? xx"
    assert len(safe_text("x" * 1000)) == MAX_STORED_CHARS


def test_a_choice_is_recorded_once_and_only_for_a_stored_question(tmp_path: Path) -> None:
    day = ["2026-01-01"]
    storage = Storage(tmp_path / "x.sqlite3", today=lambda: day[0], retention_days=30)
    storage.record("en", "suggest", QUESTION, "enemo-about", 0.4, ref="AAAAAAAA")
    storage.record("en", "none", "How do I cook borscht?")
    assert not storage.record_choice("BBBBBBBB", "enemo-about")  # no such question: forged
    assert storage.record_choice("AAAAAAAA", "enemo-about")
    assert not storage.record_choice("AAAAAAAA", "enemo-countries")  # a second press
    assert storage.choices() == [StoredChoice("2026-01-01", "en", "suggest", QUESTION,
                                              "enemo-about")]
    # a question that led to a choice is learned, no longer a gap
    assert [q.text for q in storage.questions(unresolved=True)] == ["How do I cook borscht?"]
    assert len(storage.questions()) == 2
    day[0] = "2026-03-01"
    storage.expire()
    assert storage.choices() == [] and storage.questions() == []
    storage.close()


def test_learn_proposes_safe_phrasings_and_holds_back_thieves(kb: KnowledgeBase,
                                                             matcher: Matcher) -> None:
    theirs = "Viasna"  # answered today with enemo-belarus-members
    assert matcher.match(theirs).entry_id == "enemo-belarus-members"
    choices = [StoredChoice("2026-01-01", "en", "suggest", QUESTION, "enemo-about")] * 2 + [
        StoredChoice("2026-01-01", "en", "suggest", theirs, "enemo-about"),
        StoredChoice("2026-01-01", "en", "suggest", "What is ENEMO?", "enemo-about"),
        StoredChoice("2026-01-01", "en", "suggest", "observers invitation",
                     "observer-invitations"),
    ]
    learned = {item.entry_id: item for item in learn(choices, kb, matcher)}
    about = learned["enemo-about"]
    assert about.phrasings == {(QUESTION, "en"): 2}
    why = {text: reason for text, _, reason in about.held_back}
    assert "enemo-belarus-members" in why[theirs]  # it would take that entry's phrasing
    assert why["What is ENEMO?"] == "the entry already has this phrasing"
    assert list(learned) == ["enemo-about", "observer-invitations"]  # most chosen first


async def test_a_pressed_suggestion_becomes_a_phrasing_in_kb_gaps(
        api: FakeBotAPI, db: Path) -> None:
    who = user(uid=777001)
    async with running(api, db) as app:
        offered = await ask(api, who, QUESTION)
        suggestion = buttons(offered)[0]
        _lang, route, ref, _signature = suggestion.split("|")
        kind, entry_id = route.split(":")
        assert kind == "e" and len(ref) == 8
        answer = await press(api, who, offered, suggestion)
        again = api.press_button(who, offered, suggestion, check=False)  # counted once
        await api.wait_for("answerCallbackQuery", lambda c: c.params.get(
            "callback_query_id") == again.callback_query_id)
        store = app.bot_data["services"].store
        choices = await store.call_within(2.0, store.storage.choices)  # after queued writes
        assert choices is not None and len(choices) == 1 and choices[0].entry_id == entry_id
    assert app.bot_data["services"].conversation.kb.entries[entry_id].question("en") in \
        answer.params["text"]
    # nothing stored ties the text to the person: no user id in the tables that hold texts
    with sqlite3.connect(db) as con:
        for table in ("questions", "choices"):
            columns = [row[1] for row in con.execute(f"PRAGMA table_info({table})")]
            assert not any("user" in c or "chat" in c for c in columns), columns
            assert "777001" not in repr(con.execute(f"SELECT * FROM {table}").fetchall())
    result = gaps(db, "--format", "yaml")
    assert result.returncode == 0, result.stderr
    blocks = [yaml.safe_load(b) for b in result.stdout.split("\n\n") if b.strip()]
    learned = [b for b in blocks if isinstance(b, dict) and b.get("id") == entry_id]
    assert learned == [{"id": entry_id, "questions": {"en": [QUESTION]}}], result.stdout
    assert f"pressed '{entry_id}' 1 time(s)" in result.stdout
    text = gaps(db)
    assert f"+ 1× [en] {QUESTION}" in text.stdout
    assert "No unanswered questions" in text.stdout  # the question was resolved by the choice
