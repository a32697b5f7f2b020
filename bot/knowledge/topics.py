"""Reading and validating one topic file (`knowledge/*.yaml`) into a Topic and its Entries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.knowledge.base import (
    ID_RE,
    MAX_ID_LENGTH,
    Entry,
    Located,
    Problem,
    Source,
    Topic,
)

REQUIRED_LANGUAGES = ("be", "ru", "en")
LANG_RE = re.compile(r"^[a-z]{2,3}$")

TOPIC_KEYS = {"topic", "title", "order", "entries"}
ENTRY_KEYS = {"id", "questions", "answer", "sources", "related", "subject", "label"}
SOURCE_KEYS = {"title", "url"}


def paragraphs(text: str) -> str:
    """Answer text with every line break read as a paragraph break ("\n\n").

    In a folded YAML block (`answer: >-`) a blank line becomes a single line break; maintainers
    mean a new paragraph by it, and that is how the bot shows it.
    """
    return re.sub(r"[ \t]*\n\s*", "\n\n", text.strip())


def _text(value: Any) -> str | None:
    """A non-empty stripped string, or None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


class TopicReader:
    """Validates one topic file, collecting problems instead of stopping at the first."""

    def __init__(self, rel: str, problems: list[Problem]) -> None:
        self.rel = rel
        self.problems = problems
        # every well-formed id, valid entry or not, so one broken entry does not also
        # produce "related id does not exist" for each entry that points at it
        self.declared: set[str] = set()
        # (id, line, related ids) of every entry read, valid or not, so that a dangling
        # `related` id is reported together with the entry's other errors
        self.related: list[tuple[str, int, tuple[str, ...]]] = []

    def problem(self, line: int | None, message: str, hint: str = "",
                entry_id: str | None = None) -> None:
        self.problems.append(Problem(self.rel, line, message, hint, entry_id))

    def unknown_keys(self, data: Located, allowed: set[str], what: str,
                     entry_id: str | None = None) -> None:
        for key in sorted(set(data) - allowed, key=str):
            self.problem(data.line, f"unknown key '{key}' in {what}",
                         f"allowed keys: {', '.join(sorted(allowed))} (a typo?)", entry_id)

    def read(self, data: Any) -> tuple[Topic, list[Entry]] | None:
        if not isinstance(data, Located):
            self.problem(1, "a topic file must be a mapping with keys topic, title and entries",
                         "see docs/knowledge-format.md for the shape")
            return None
        self.unknown_keys(data, TOPIC_KEYS, "the topic")
        topic_id = data.get("topic")
        if not isinstance(topic_id, str) or not ID_RE.match(topic_id):
            self.problem(data.line, f"'topic' must be an id like 'enemo', got {topic_id!r}",
                         "use lowercase letters, digits and hyphens")
            topic_id = Path(self.rel).stem
        title = _text(data.get("title"))
        if title is None:
            self.problem(data.line, "'title' is missing or empty",
                         "add a short English title for the topic")
        raw_entries = data.get("entries")
        if not isinstance(raw_entries, list) or not raw_entries:
            self.problem(data.line, "'entries' must be a non-empty list",
                         "add at least one entry under 'entries:'")
            raw_entries = []
        order = data.get("order", 0)
        if not isinstance(order, int) or isinstance(order, bool):
            self.problem(data.line, f"'order' must be a whole number, got {order!r}",
                         "write e.g. order: 10 (topics are listed by it, then by file name)")
            order = 0
        entries = [e for raw in raw_entries if (e := self.entry(raw, topic_id, data.line))]
        topic = Topic(topic_id, title or topic_id, tuple(e.id for e in entries), self.rel, order)
        return topic, entries

    def entry(self, raw: Any, topic_id: str, parent_line: int) -> Entry | None:
        if not isinstance(raw, Located):
            self.problem(parent_line, f"every entry must be a mapping, got {type(raw).__name__}",
                         "start each entry with '- id: ...'")
            return None
        line = raw.line
        entry_id = raw.get("id")
        if not isinstance(entry_id, str) or not ID_RE.match(entry_id):
            self.problem(line, f"'id' must look like 'enemo-about', got {entry_id!r}",
                         "use lowercase letters, digits and hyphens")
            return None
        if len(entry_id) > MAX_ID_LENGTH:
            self.problem(line, f"'id' is {len(entry_id)} characters long",
                         f"shorten it to at most {MAX_ID_LENGTH}", entry_id)
            return None
        self.declared.add(entry_id)
        self.unknown_keys(raw, ENTRY_KEYS, "an entry", entry_id)
        questions = self.questions(raw.get("questions"), line, entry_id)
        answer = _text(raw.get("answer"))
        if answer is not None:
            answer = paragraphs(answer)
        if answer is None:
            self.problem(line, "'answer' is missing, empty or not text",
                         "write the answer in English as a string", entry_id)
        sources = self.sources(raw.get("sources"), line, entry_id)
        related = raw.get("related", [])
        if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
            self.problem(line, "'related' must be a list of entry ids",
                         "write it as related: [other-id, ...]", entry_id)
            related = []
        subject = raw.get("subject", [])
        if isinstance(subject, str):
            subject = [subject]
        if not isinstance(subject, list) or not all(
                isinstance(s, str) and s.strip() for s in subject):
            self.problem(line, "'subject' must be a list of words or names",
                         "write it as subject: [ENEMO, ЕНЕМО] (any language)", entry_id)
            subject = []
        label = raw.get("label")
        if label is not None and _text(label) is None:
            self.problem(line, f"'label' must be a short text, got {label!r}",
                         "write label: \"ENEMO's members\" or drop the key", entry_id)
            label = None
        self.related.append((entry_id, line, tuple(related)))
        if questions is None or answer is None or sources is None:
            return None
        return Entry(entry_id, topic_id, questions, answer, sources, tuple(related),
                     self.rel, line, subject=tuple(s.strip() for s in subject),
                     label=_text(label))

    def questions(self, raw: Any, line: int, entry_id: str) -> dict[str, tuple[str, ...]] | None:
        if not isinstance(raw, Located):
            self.problem(line, "'questions' must map languages to lists of phrasings",
                         "write questions: {be: [...], ru: [...], en: [...]}", entry_id)
            return None
        line = raw.line
        result: dict[str, tuple[str, ...]] = {}
        ok = True
        for lang, phrasings in raw.items():
            if not isinstance(lang, str) or not LANG_RE.match(lang):
                self.problem(line, f"'{lang}' is not a language code",
                             "use two-letter codes such as be, ru, en", entry_id)
                ok = False
                continue
            if not isinstance(phrasings, list) or not phrasings:
                self.problem(line, f"questions.{lang} must be a non-empty list of phrasings",
                             f"add phrasings as {lang}: [\"...\", \"...\"]", entry_id)
                ok = False
                continue
            texts = [_text(p) for p in phrasings]
            if any(t is None for t in texts):
                self.problem(line, f"questions.{lang} has an empty or non-text phrasing",
                             "remove it or write the question as a string", entry_id)
                ok = False
                continue
            result[lang] = tuple(t for t in texts if t)
        for lang in REQUIRED_LANGUAGES:
            if lang not in raw:
                self.problem(line, f"questions has no '{lang}' phrasings",
                             f"add how people ask this in '{lang}' under questions.{lang}",
                             entry_id)
                ok = False
        return result if ok else None

    def sources(self, raw: Any, line: int, entry_id: str) -> tuple[Source, ...] | None:
        if not isinstance(raw, list) or not raw:
            self.problem(line, "'sources' must be a non-empty list",
                         "name at least one source: sources: [{title: \"...\"}]", entry_id)
            return None
        result = []
        for item in raw:
            if not isinstance(item, Located):
                self.problem(line, "each source must be a mapping with a 'title'",
                             "write - title: \"...\" (url: optional)", entry_id)
                return None
            self.unknown_keys(item, SOURCE_KEYS, "a source", entry_id)
            title = _text(item.get("title"))
            url = item.get("url")
            if title is None:
                self.problem(item.line, "a source has no 'title'",
                             "give each source a title", entry_id)
                return None
            if url is not None and not (isinstance(url, str) and re.match(r"^https?://\S+$", url)):
                self.problem(item.line, f"source url {url!r} is not an http(s) address",
                             "write a full https://... address or drop 'url'", entry_id)
                return None
            result.append(Source(title, url))
        return tuple(result)

