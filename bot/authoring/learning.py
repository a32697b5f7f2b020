"""Learning from citizens' choices, without knowing who they are.

When the bot is unsure ("did you mean", or a partial answer) the reply gets a random reference
token. The suggestion buttons carry it; the question text is stored under it (no user id, day
only); a pressed suggestion records the pair (token → chosen entry) once. `kb gaps` turns such
pairs into phrasings for the chosen entry, after checking with the matcher that adding them
would not take questions away from other entries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.answering.matcher import Matcher
    from bot.knowledge.base import KnowledgeBase
    from bot.storage import StoredChoice

from bot.storage import safe_text

# content terms of a phrasing shorter than this teach the matcher nothing ("what?", "ok")
MIN_TERMS = 1


@dataclass
class Learned:
    """What citizens taught about one entry: phrasings to add, and the ones held back."""

    entry_id: str
    # (text, language) → how often citizens chose this entry for it
    phrasings: Counter[tuple[str, str]] = field(default_factory=Counter)
    # (text, language, why it is not proposed)
    held_back: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(self.phrasings.values())

    def as_dict(self) -> dict[str, object]:
        return {"entry": self.entry_id, "count": self.count,
                "phrasings": [{"text": t, "lang": lang, "count": n}
                              for (t, lang), n in self.phrasings.most_common()],
                "held_back": [{"text": t, "lang": lang, "why": why}
                              for t, lang, why in self.held_back]}


def _with_phrasing(kb: KnowledgeBase, entry_id: str, lang: str, text: str) -> KnowledgeBase:
    entry = kb.entries[entry_id]
    questions = dict(entry.questions)
    questions[lang] = (*questions.get(lang, ()), text)
    entries = dict(kb.entries)
    entries[entry_id] = replace(entry, questions=questions)
    return replace(kb, entries=entries)


class _Baseline:
    """Who answers every phrasing of the base today, and with which terms."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        self.items: list[tuple[str, str, frozenset[str], str | None]] = []
        for entry in kb.entries.values():
            for questions in entry.questions.values():
                for q in questions:
                    m = matcher.match(q)
                    answered = m.entry_id if m.status == "answer" else None
                    self.items.append((entry.id, q, frozenset(m.analysis.terms), answered))

    def stolen(self, matcher: Matcher, owner: str, terms: frozenset[str]) -> list[str]:
        """Phrasings of other entries that `owner` now takes away (only those sharing terms)."""
        lost = []
        for entry_id, q, q_terms, answered in self.items:
            if entry_id == owner or answered != entry_id or not (q_terms & terms):
                continue
            m = matcher.match(q)
            if m.status != "answer" or m.entry_id != entry_id:
                lost.append(f"{q!r} of '{entry_id}'")
        return lost


def learn(choices: list[StoredChoice], kb: KnowledgeBase, matcher: Matcher) -> list[Learned]:
    """Phrasings to add per entry, most chosen first; unsafe or useless ones held back."""
    from bot.answering.matcher import Matcher as _Matcher
    from bot.answering.terms import QUESTION_WORD_PREFIX

    counted: dict[str, Counter[tuple[str, str | None]]] = {}
    for choice in choices:
        if choice.entry_id in kb.entries:
            text = safe_text(choice.text)  # texts stored before cleaning was the rule
            if text:
                counted.setdefault(choice.entry_id, Counter())[(text, choice.lang)] += 1
    baseline: _Baseline | None = None
    result = []
    for entry_id, texts in counted.items():
        learned = Learned(entry_id)
        for (text, stored_lang), n in texts.most_common():
            analysis = matcher.analyse(text)
            lang = stored_lang or analysis.lang or ""
            if analysis.lang and analysis.lang in kb.entries[entry_id].questions:
                lang = analysis.lang
            if not lang:  # a phrasing goes under its language: unknown, it cannot be proposed
                learned.held_back.append((text, "?", "the language it is written in is unknown"))
                continue
            now = matcher.match(text)
            if entry_id in matcher.owners(text):
                learned.held_back.append((text, lang, "the entry already has this phrasing"))
                continue
            if now.status == "answer" and now.entry_id == entry_id:
                learned.held_back.append((text, lang, "already answered with this entry"))
                continue
            if now.status == "answer":
                learned.held_back.append((text, lang, f"it would take this question from "
                                          f"'{now.entry_id}', which answers it today"))
                continue
            if len([t for t in analysis.terms
                    if not t.startswith(QUESTION_WORD_PREFIX)]) < MIN_TERMS:
                learned.held_back.append((text, lang, "no words the matcher can use"))
                continue
            trial = _Matcher(_with_phrasing(kb, entry_id, lang, text), matcher.thresholds)
            after = trial.match(text)
            if after.status != "answer" or after.entry_id != entry_id:
                learned.held_back.append((text, lang, "even as a phrasing it would not be "
                                          f"answered with this entry ({after.status})"))
                continue
            baseline = baseline or _Baseline(kb, matcher)
            lost = baseline.stolen(trial, entry_id, frozenset(after.analysis.terms))
            if lost:
                learned.held_back.append((text, lang, "it would take " + ", ".join(lost[:3])))
                continue
            learned.phrasings[(text, lang)] += n
        result.append(learned)
    result.sort(key=lambda item: (-item.count, item.entry_id))
    return result
