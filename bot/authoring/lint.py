"""`electionbot kb check`: the knowledge base as users will meet it, checked for maintainers.

Beyond schema validation it asks the real matcher every phrasing (self-test, collisions),
checks every catalog for missing, stale, empty or suspiciously short translations, and renders
every answer in every language to catch ones Telegram would have to split.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from bot.answering.matcher import Matcher
from bot.conversation import Conversation
from bot.conversation.render import TELEGRAM_TEXT_LIMIT, html_messages
from bot.knowledge.base import Entry, KnowledgeBase, KnowledgeError, load_knowledge
from bot.knowledge.catalogs import (
    MAX_LABEL_CHARS,
    REQUIRED_LANGUAGES,
    SOURCE_CONTEXT,
    SOURCE_LANGUAGE,
    Catalogs,
    I18nError,
    Language,
    label_context,
    load_catalogs,
    topic_context,
)
from bot.language import text as tx

Severity = Literal["error", "warning", "info"]

# a translation under this share of its source's length is probably cut off
SHORT_TRANSLATION_RATIO = 0.5
# a language with fewer phrasings than this share of the best-covered one is under-served
LANGUAGE_BALANCE_RATIO = 0.5
ANSWER = "the answer"
LABEL = "the label"
# a first phrasing this long is cut with "…" on a phone's button: the entry needs a `label`
LONG_BUTTON_CHARS = 50
UPDATE_HINT = "run `electionbot locales update`, then translate it in"
# a phrasing whose words (question words aside) weigh less than this says almost nothing:
# only words found all over the base, such as "Belarus" or "elections"
VAGUE_WEIGHT = 0.35


@dataclass(frozen=True)
class Finding:
    """One thing the maintainer should know, with where it is and how to fix it."""

    severity: Severity
    code: str
    message: str
    file: str = ""
    line: int | None = None
    entry_id: str | None = None
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else self.file
        who = f" entry '{self.entry_id}':" if self.entry_id else ""
        fix = f" — {self.hint}" if self.hint else ""
        prefix = f"{where}:" if where else ""
        return f"{self.severity}: {prefix}{who} {self.message}{fix}".replace(":  ", ": ")


@dataclass(frozen=True)
class Report:
    """Everything `kb check` found, and what it looked at."""

    findings: tuple[Finding, ...]
    stats: dict[str, int] = field(default_factory=dict)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def exit_code(self, strict: bool = False) -> int:
        if self.count("error") or (strict and self.count("warning")):
            return 1
        return 0

    def summary(self) -> str:
        s = self.stats
        looked = (f"{s.get('topics', 0)} topics, {s.get('entries', 0)} entries, "
                  f"{s.get('phrasings', 0)} phrasings, {s.get('languages', 0)} languages")
        return (f"{self.count('error')} error(s), {self.count('warning')} warning(s), "
                f"{self.count('info')} info — {looked}")

    def as_dict(self) -> dict[str, object]:
        return {"findings": [asdict(f) for f in self.findings], "stats": self.stats,
                "errors": self.count("error"), "warnings": self.count("warning"),
                "notes": self.count("info")}


def check(kb_dir: Path | str | None = None, locales_dir: Path | str | None = None) -> Report:
    """Run every check on a knowledge directory and its catalogs."""
    try:
        kb = load_knowledge(kb_dir)
    except KnowledgeError as exc:
        return Report(tuple(Finding("error", "schema", p.message, p.file, p.line, p.entry_id,
                                    p.hint) for p in exc.problems))
    findings: list[Finding] = []
    findings += _duplicates(kb)
    findings += _language_balance(kb)
    findings += _labels(kb)
    matcher = Matcher(kb)
    findings += _self_test(kb, matcher)
    try:
        catalogs = load_catalogs(locales_dir)
    except I18nError as exc:
        findings.append(Finding("error", "catalogs", str(exc), hint="see docs/translating.md"))
    else:
        findings += _translations(kb, catalogs)
        findings += _rendering(Conversation(kb, catalogs, matcher))
    stats = {"topics": len(kb.topics), "entries": len(kb.entries),
             "phrasings": sum(len(q) for e in kb.entries.values() for q in e.questions.values()),
             "languages": len(kb.languages)}
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (order[f.severity], f.file, f.line or 0, f.code))
    return Report(tuple(findings), stats)


def _phrasing_key(text: str) -> str:
    return " ".join(tx.words(text))


def _duplicates(kb: KnowledgeBase) -> list[Finding]:
    seen: dict[str, list[tuple[Entry, str, str]]] = defaultdict(list)
    for entry in kb.entries.values():
        for lang, questions in entry.questions.items():
            for q in questions:
                seen[_phrasing_key(q)].append((entry, lang, q))
    findings = []
    for places in seen.values():
        entries = list(dict.fromkeys(e.id for e, _, _ in places))
        first, lang, q = places[0]
        if len(entries) > 1:
            findings.append(Finding(
                "error", "duplicate-phrasing",
                f"the phrasing {q!r} is in entries {', '.join(entries)}", first.file,
                first.line, first.id, "keep it in the one entry that answers it"))
            continue
        # the same words in several languages of one entry are normal (names such as ENEMO)
        per_lang = Counter(lang for _, lang, _ in places)
        for lang, n in per_lang.items():
            if n > 1:
                findings.append(Finding(
                    "warning", "duplicate-phrasing", f"the phrasing {q!r} appears {n} times "
                    f"in '{lang}'", first.file, first.line, first.id, "remove the copies"))
    return findings


def _language_balance(kb: KnowledgeBase) -> list[Finding]:
    findings = []
    for entry in kb.entries.values():
        counts = {lang: len(q) for lang, q in entry.questions.items()}
        most = max(counts.values())
        for lang, n in counts.items():
            if n < LANGUAGE_BALANCE_RATIO * most:
                findings.append(Finding(
                    "warning", "language-balance", f"only {n} phrasing(s) in '{lang}' against "
                    f"{most} in another language", entry.file, entry.line, entry.id,
                    f"add more ways people ask in '{lang}'"))
    return findings


def _labels(kb: KnowledgeBase) -> list[Finding]:
    findings = []
    for entry in kb.entries.values():
        if entry.label and len(entry.label) > MAX_LABEL_CHARS:
            findings.append(Finding(
                "warning", "label-long", f"the label {entry.label!r} has {len(entry.label)} "
                f"characters; phones cut buttons after about {MAX_LABEL_CHARS}", entry.file,
                entry.line, entry.id, f"shorten it to at most {MAX_LABEL_CHARS} characters"))
        if entry.label:
            continue
        long = {lang: q[0] for lang, q in entry.questions.items()
                if q and len(q[0]) >= LONG_BUTTON_CHARS}
        if long:
            lang, text = next(iter(long.items()))
            findings.append(Finding(
                "warning", "label-missing", f"its first phrasing in {', '.join(long)} is "
                f"{len(text)} characters long ({text!r} [{lang}]), cut with '…' on phone "
                "buttons", entry.file, entry.line, entry.id,
                f"add a short English `label:` (at most {MAX_LABEL_CHARS} characters), "
                "translated in the knowledge catalogs"))
    return findings


def _self_test(kb: KnowledgeBase, matcher: Matcher) -> list[Finding]:
    """Ask every phrasing; each must be answered with its own entry."""
    findings = []
    close: dict[tuple[str, str], list[str]] = defaultdict(list)
    th = matcher.thresholds
    for entry in kb.entries.values():
        for lang, questions in entry.questions.items():
            for q in questions:
                twins = [e for e in matcher.owners(q) if e != entry.id]
                if twins:
                    findings.append(Finding(
                        "warning", "collision", f"phrasing {q!r} [{lang}] reads the same as a "
                        f"phrasing of {', '.join(twins)} (same words after synonyms and "
                        "stemming), so users cannot get both", entry.file, entry.line,
                        entry.id, "keep it in one entry, or add the word that tells them apart"))
                if matcher.content_weight(q) < VAGUE_WEIGHT:
                    findings.append(Finding(
                        "warning", "vague-phrasing", f"phrasing {q!r} [{lang}] has only words "
                        "found all over the base, yet users who type them get this entry",
                        entry.file, entry.line, entry.id,
                        "name the subject (ENEMO, ACEEEO, the protocol, ...) in it"))
                m = matcher.match(q)
                scores = dict(m.ranked)
                own = scores.get(entry.id, 0.0)
                if m.status == "answer" and m.entry_id == entry.id:
                    rivals = [(e, s) for e, s in m.ranked[1:] if s >= th.answer]
                    if rivals and own - rivals[0][1] < 2 * th.margin:
                        close[(entry.id, rivals[0][0])].append(
                            f"{q!r} [{lang}] {own:.2f} vs {rivals[0][1]:.2f}")
                    continue
                if m.status == "answer":
                    why = (f"it is answered with '{m.entry_id}' ({m.score:.2f}) instead "
                           f"(own score {own:.2f})")
                    hint = (f"make it more specific, or move it to '{m.entry_id}' if that "
                            "entry answers it")
                    code = "collision"
                elif m.status == "suggest":
                    others = [e for e in m.suggestions if e != entry.id]
                    why = (f"it only gets 'did you mean' ({own:.2f}), close to "
                           f"{', '.join(others) or 'nothing else'}")
                    hint = "make it more specific: name the organisation or the subject"
                    code = "self-test"
                elif m.status == "partial":
                    why = f"it gets only a partial answer ({m.reason})"
                    hint = ("name the entry's subject in it, or widen the entry's 'subject:'; "
                            "see `electionbot ask --explain`")
                    code = "self-test"
                else:
                    why = f"it gets no answer at all ({own:.2f}; {m.reason})"
                    hint = ("its words are unknown or too common; add synonyms in "
                            "lexicon/synonyms.yaml or reword it")
                    code = "self-test"
                findings.append(Finding("warning", code, f"phrasing {q!r} [{lang}]: {why}",
                                        entry.file, entry.line, entry.id, hint))
    findings += _subjects(kb, matcher)
    for (a, b), phrasings in sorted(close.items()):
        e = kb.entries[a]
        findings.append(Finding("info", "close-entries", f"{len(phrasings)} phrasing(s) of this "
                                f"entry score close to '{b}': {'; '.join(phrasings)}", e.file,
                                e.line, a, "fine if both are right; otherwise make the "
                                "phrasings differ"))
    return findings


def _subjects(kb: KnowledgeBase, matcher: Matcher) -> list[Finding]:
    """A stated subject must be words the entry itself uses, or no question could name it."""
    findings = []
    for entry in kb.entries.values():
        phrasing_terms = {t for qs in entry.questions.values() for q in qs
                          for t in matcher.terms_of(q)} | set(matcher.terms_of(entry.answer))
        for word in entry.subject:
            terms = matcher.terms_of(word)
            if not terms:
                findings.append(Finding(
                    "warning", "subject", f"subject {word!r} is only filler words",
                    entry.file, entry.line, entry.id, "name the organisation, place or thing"))
            elif not set(terms) & phrasing_terms:
                findings.append(Finding(
                    "warning", "subject", f"subject {word!r} appears in none of the entry's "
                    "phrasings or its answer", entry.file, entry.line, entry.id,
                    "add a phrasing that names it, or fix the spelling"))
    return findings


def _translations(kb: KnowledgeBase, catalogs: Catalogs) -> list[Finding]:
    texts: list[tuple[str | None, str, str, int | None, str | None, str]] = []
    for topic in kb.topics:
        texts.append((topic_context(topic.id), topic.title, topic.file, None, None,
                      f"the title of topic '{topic.id}'"))
    for entry in kb.entries.values():
        texts.append((entry.id, entry.answer, entry.file, entry.line, entry.id, ANSWER))
        if entry.label:
            texts.append((label_context(entry.id), entry.label, entry.file, entry.line,
                          entry.id, LABEL))
        for source in entry.sources:
            texts.append((SOURCE_CONTEXT, source.title, entry.file, entry.line, entry.id,
                          f"the source title {source.title!r}"))
    findings = []
    reported: set[tuple[str, str | None, str]] = set()
    languages = {**catalogs.unfinished, **catalogs.languages}
    for code, lang in languages.items():
        if code == SOURCE_LANGUAGE:
            continue  # English shows the source text itself; `locales check` covers its catalog
        if code not in REQUIRED_LANGUAGES:
            # a new language is work in progress: its gaps never fail `kb check --strict`
            findings += _progress(code, lang, texts)
            continue
        for context, text, file, line, entry_id, what in texts:
            if (code, context, text) in reported:
                continue
            reported.add((code, context, text))
            translated = lang.knowledge(context, text)
            where = f"locales/{code}/LC_MESSAGES/knowledge.po"
            # (a translation to do is the translators' next step, not a fault of the base:
            # users see the English text with a note meanwhile, so it never fails --strict)
            if lang.is_stale(context, text):
                findings.append(Finding(
                    "info", "translation-stale", f"the '{code}' translation of {what} is "
                    "fuzzy: its English source changed, so users see the English text", file,
                    line, entry_id, f"update it in {where} and remove the fuzzy flag"))
            elif translated is None:
                findings.append(Finding(
                    "info", "translation-missing", f"{what} has no '{code}' translation yet: "
                    "users see the English text with a note", file, line, entry_id,
                    f"{UPDATE_HINT} {where}"))
            elif what == LABEL and len(translated) > MAX_LABEL_CHARS:
                findings.append(Finding(
                    "warning", "label-long", f"the '{code}' translation of {what} has "
                    f"{len(translated)} characters", file, line, entry_id,
                    f"shorten it to at most {MAX_LABEL_CHARS} in {where}"))
            elif what == ANSWER and len(translated.strip()) < SHORT_TRANSLATION_RATIO * len(
                    text):  # titles may rightly be shorter; answers may not
                findings.append(Finding(
                    "warning", "translation-short", f"the '{code}' translation of {what} is "
                    f"{len(translated)} characters against {len(text)} in English "
                    "(cut off?)", file, line, entry_id, f"check it in {where}"))
    return findings


def _progress(code: str, lang: Language,
              texts: list[tuple[str | None, str, str, int | None, str | None, str]]
              ) -> list[Finding]:
    """One note on a new language's missing and stale texts, and its over-long labels."""
    findings = []
    missing = stale = 0
    for context, text, file, line, entry_id, what in dict.fromkeys(texts):
        translated = lang.knowledge(context, text)
        if lang.is_stale(context, text):
            stale += 1
        elif translated is None:
            missing += 1
        elif what == LABEL and len(translated) > MAX_LABEL_CHARS:
            findings.append(Finding(
                "warning", "label-long", f"the '{code}' translation of {what} has "
                f"{len(translated)} characters", file, line, entry_id,
                f"shorten it to at most {MAX_LABEL_CHARS} in "
                f"locales/{code}/LC_MESSAGES/knowledge.po"))
    if missing or stale:
        findings.append(Finding(
            "info", "translation-progress", f"'{code}' is a language in progress: {missing} "
            f"knowledge text(s) not translated yet, {stale} fuzzy (users of '{code}' see "
            "English there; this never fails the check)", f"locales/{code}", None, None,
            "`electionbot locales check` lists them"))
    return findings


def _rendering(conversation: Conversation) -> list[Finding]:
    findings = []
    for entry in conversation.kb.entries.values():
        for lang in conversation.catalogs.codes:
            parts = html_messages(conversation.entry(entry.id, lang))
            if len(parts) > 1:
                findings.append(Finding(
                    "warning", "too-long", f"the '{lang}' answer is longer than Telegram's "
                    f"{TELEGRAM_TEXT_LIMIT} characters and is sent as {len(parts)} messages",
                    entry.file, entry.line, entry.id, "shorten it or split the entry"))
    return findings
