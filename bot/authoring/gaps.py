"""`electionbot kb gaps`: what citizens asked that the base could not answer, grouped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import yaml
from rapidfuzz import fuzz, process

from bot.answering.matcher import Matcher
from bot.authoring.learning import Learned
from bot.knowledge.base import KnowledgeBase
from bot.storage import StoredQuestion

# two questions belong together when their content terms are this similar (0..100)
GROUP_SIMILARITY = 75.0
# terms lighter than this (found in about two thirds of the entries or more) are left out of
# a group's key
KEY_WEIGHT = 0.4


@dataclass
class Gap:
    """Similar unanswered questions, and the entry that came closest to them."""

    key: str
    # (text, language it was asked in) → how often
    questions: Counter[tuple[str, str]] = field(default_factory=Counter)
    langs: Counter[str] = field(default_factory=Counter)
    nearest: str | None = None
    score: float = 0.0
    # questions that got a partial answer: the base covers only part of them
    partial: int = 0
    # not for the knowledge base at all: "opinion" or "practical" (the out-of-scope classes),
    # or "off-topic" (no entry's subject is named: "Where can I buy a cheap laptop?")
    outofscope: str | None = None

    @property
    def count(self) -> int:
        return sum(self.questions.values())

    def as_dict(self) -> dict[str, object]:
        return {"count": self.count,
                "questions": [{"text": q, "lang": lang, "count": n}
                              for (q, lang), n in self.questions.most_common()],
                "languages": dict(self.langs), "nearest": self.nearest,
                "score": round(self.score, 3), "partial": self.partial,
                "outofscope": self.outofscope}


def group_questions(stored: list[StoredQuestion], matcher: Matcher) -> list[Gap]:
    """Group similar questions (by their matching terms), biggest groups first."""
    gaps: list[Gap] = []
    keys: list[str] = []
    for item in stored:
        # terms found in nearly every entry ("elections") say nothing about what was asked
        analysis = matcher.analyse(item.text)
        terms = [t for t in analysis.terms if matcher.weight(t) >= KEY_WEIGHT]
        # texts stored before issue 18 have no language (theirs was the reply's): read it
        lang = item.lang or analysis.lang or "unknown"
        key = " ".join(sorted(set(terms))) or item.text.strip().lower()
        hit = process.extractOne(key, keys, scorer=fuzz.token_sort_ratio,
                                 score_cutoff=GROUP_SIMILARITY) if keys else None
        if hit is None:
            gaps.append(Gap(key))
            keys.append(key)
            gap = gaps[-1]
        else:
            gap = gaps[hit[2]]
        gap.questions[(item.text.strip(), lang)] += 1
        gap.langs[lang] += 1
        gap.partial += item.status == "partial"
    for gap in gaps:
        ranked = matcher.rank(matcher.analyse(gap.questions.most_common(1)[0][0][0]).terms,
                              limit=1)
        if ranked:
            gap.nearest, gap.score = ranked[0]
        if not gap.partial:
            gap.outofscope = out_of_scope(gap.questions.most_common(1)[0][0][0], matcher)
    gaps.sort(key=lambda g: (-g.count, g.key))
    return gaps


def out_of_scope(question: str, matcher: Matcher) -> str | None:
    """Why a question is not for the knowledge base, or None when it is on its subjects."""
    match = matcher.match(question)
    if match.outofscope:
        return match.outofscope
    # no entry's subject named at all (the matcher's own test of "on subject")
    if match.status == "none" and not matcher.ranker.on_subject(match.analysis.terms).any():
        return "off-topic"
    return None


OUT_OF_SCOPE = {"opinion": "asks for an opinion (the bot declines those)",
                "practical": "a practical matter the bot does not cover",
                "off-topic": "names none of the base's subjects"}


def as_text(gaps: list[Gap], feedback: dict[str, tuple[int, int]]) -> str:
    lines = []
    for i, gap in enumerate(gaps, 1):
        near = f"nearest '{gap.nearest}' ({gap.score:.2f})" if gap.nearest else "no near entry"
        if gap.outofscope:
            near = f"out of scope: {OUT_OF_SCOPE[gap.outofscope]}"
        langs = ", ".join(f"{k} {v}" for k, v in gap.langs.most_common())
        part = f", {gap.partial} partly answered (a new entry?)" if gap.partial else ""
        lines.append(f"{i}. {gap.count} question(s) [{langs}] — {near}{part}")
        lines += [f"     {n}× [{lang}] {q}" for (q, lang), n in gap.questions.most_common(5)]
        if len(gap.questions) > 5:
            lines.append(f"     … and {len(gap.questions) - 5} more")
    if not gaps:
        lines.append("No unanswered questions stored for this period.")
    disliked = {e: v for e, v in feedback.items() if v[1]}
    if disliked:
        lines.append("")
        lines.append("Answers with 👎 feedback (👍/👎):")
        lines += [f"  {e}: {up}/{down}" for e, (up, down) in
                  sorted(disliked.items(), key=lambda kv: -kv[1][1])]
    return "\n".join(lines) + "\n"


def as_yaml(gaps: list[Gap], suggest_floor: float) -> str:
    """Ready-to-paste YAML: phrasings for the nearest entry, or a new entry's skeleton; the
    out-of-scope questions only as comments at the end, never as a skeleton."""
    blocks = []
    apart = []
    for i, gap in enumerate(gaps, 1):
        if gap.outofscope:
            apart.append(f"# {i}. {gap.count} question(s), {OUT_OF_SCOPE[gap.outofscope]}:\n" +
                         "".join(f"#   [{lang}] {q}\n"
                                 for (q, lang), _ in gap.questions.most_common(5)))
            continue
        by_lang: dict[str, list[str]] = {}
        for (q, lang), _ in gap.questions.most_common():
            by_lang.setdefault(lang, []).append(q)
        if gap.nearest and gap.score >= suggest_floor and not gap.partial:
            head = (f"# {i}. {gap.count} question(s); nearest entry '{gap.nearest}' "
                    f"({gap.score:.2f}).\n# If that entry answers them, add these under its "
                    "questions (check facts first!):\n")
            body = yaml.safe_dump({"questions": by_lang}, allow_unicode=True, sort_keys=False)
        else:
            why = (f"{gap.partial} got only a partial answer" if gap.partial
                   else "no entry comes close")
            head = (f"# {i}. {gap.count} question(s); {why}. A skeleton for a new "
                    "entry,\n# to fill only from a source document:\n")
            skeleton = {"id": f"new-entry-{i}",
                        "questions": {lang: by_lang.get(lang, []) for lang in
                                      dict.fromkeys([*by_lang, "be", "ru", "en"])},
                        "answer": "TODO: the English answer, from a source",
                        "sources": [{"title": "TODO: the source document"}]}
            body = yaml.safe_dump([skeleton], allow_unicode=True, sort_keys=False)
        blocks.append(head + body)
    if apart:
        blocks.append("# Out of scope: not for the knowledge base (no entry, no phrasings). "
                      "The bot's\n# honest decline is the right reply to these.\n" +
                      "".join(apart))
    return "\n".join(blocks) if blocks else "# No unanswered questions stored for this period.\n"


def learned_text(learned: list[Learned]) -> str:
    """The learned phrasings, for people."""
    if not learned:
        return "No suggestions pressed after 'did you mean' in this period.\n"
    lines = ["Learned from citizens' choices (question → the suggestion they pressed):"]
    for item in learned:
        lines.append(f"  {item.entry_id}: {item.count} to add, {len(item.held_back)} held back")
        lines += [f"     + {n}× [{lang}] {text}" for (text, lang), n in
                  item.phrasings.most_common()]
        lines += [f"     - [{lang}] {text} — {why}" for text, lang, why in item.held_back]
    return "\n".join(lines) + "\n"


def learned_yaml(learned: list[Learned], kb: KnowledgeBase) -> str:
    """Ready-to-paste phrasings per entry, most chosen first."""
    blocks = []
    for i, item in enumerate((x for x in learned if x.phrasings), 1):
        entry = kb.entries[item.entry_id]
        by_lang: dict[str, list[str]] = {}
        for (text, lang), _ in item.phrasings.most_common():
            by_lang.setdefault(lang, []).append(text)
        head = (f"# learned {i}. Citizens offered 'did you mean' pressed '{item.entry_id}' "
                f"{item.count} time(s) for these questions.\n# Checked with the matcher: as "
                "phrasings they are answered with it and take no other entry's phrasings.\n"
                f"# Paste them under `questions:` of that entry ({entry.file}:{entry.line}):\n")
        body = yaml.safe_dump({"id": item.entry_id, "questions": by_lang}, allow_unicode=True,
                              sort_keys=False)
        blocks.append(head + body)
    return "\n".join(blocks)
