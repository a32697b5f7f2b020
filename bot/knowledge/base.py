"""The FAQ knowledge base: loading and validating `knowledge/*.yaml`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.paths import default_knowledge_dir
from bot.language.text import words as fold_words

try:  # the C loader is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

REQUIRED_LANGUAGES = ("be", "ru", "en")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ids travel inside Telegram's callback_data (64 bytes): the longest is 👎 under an answer in a
# three-letter language, "xxx|fb:down:<id>||" and an 8-character signature
# (bot/conversation/actions.py).
MAX_ID_LENGTH = 64 - len("xxx|fb:down:||") - 8  # 42
LANG_RE = re.compile(r"^[a-z]{2,3}$")
LEXICON_DIR = "lexicon"

TOPIC_KEYS = {"topic", "title", "order", "entries"}
ENTRY_KEYS = {"id", "questions", "answer", "sources", "related", "subject", "label"}
# kinds a synonym group may declare: what a question naming it is about (see grounding)
GROUP_KINDS = ("name", "place", "fact")
# the classes of out-of-scope questions the lexicon may describe (outofscope.yaml)
OUT_OF_SCOPE_CLASSES = ("practical", "opinion")
SMALLTALK_KINDS = ("greetings", "thanks", "bot", "insults")
FOLLOWUP_KINDS = ("openers", "pronouns", "switches")
SOURCE_KEYS = {"title", "url"}


@dataclass(frozen=True)
class Source:
    """Where an answer's facts come from."""

    title: str
    url: str | None = None


@dataclass(frozen=True)
class Entry:
    """One FAQ entry: how people ask (per language) and the English source answer."""

    id: str
    topic: str
    questions: Mapping[str, tuple[str, ...]]
    answer: str
    sources: tuple[Source, ...]
    related: tuple[str, ...]
    file: str
    line: int
    # what the entry is about, as words in any language (empty: derived from the phrasings)
    subject: tuple[str, ...] = ()
    # optional short English button text (translated in the `knowledge` catalogs); without it
    # buttons show the entry's first phrasing
    label: str | None = None

    def question(self, lang: str) -> str:
        """The canonical phrasing (the first one) in `lang`, falling back to English."""
        for code in (lang, "en", *self.questions):
            if self.questions.get(code):
                return self.questions[code][0]
        return self.id


@dataclass(frozen=True)
class Topic:
    """A group of entries kept in one YAML file."""

    id: str
    title: str
    entry_ids: tuple[str, ...]
    file: str
    order: int = 0


@dataclass(frozen=True)
class SynonymGroup:
    """Terms that mean the same thing; all are read as `key` when matching."""

    key: str
    terms: tuple[str, ...]
    # "name" (an organisation, a document), "place", or "fact" (a specific fact people ask
    # for: founded, heads, costs); None for ordinary words
    kind: str | None = None


@dataclass(frozen=True)
class Lexicon:
    """Language resources the matcher uses: synonyms and filler words."""

    synonyms: tuple[SynonymGroup, ...] = ()
    stopwords: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # filler of several words dropped as a whole ("калі ласка", "I'm writing a paper"), even
    # where one of its words means something on its own (калі = when)
    stop_phrases: frozenset[tuple[str, ...]] = frozenset()
    # kind ("greetings", "thanks", "bot", "insults") → language → phrases (tuples of folded
    # words) that make a message small talk
    smalltalk: Mapping[str, Mapping[str, frozenset[tuple[str, ...]]]] = field(
        default_factory=dict)
    # class ("opinion", "practical") → language → phrases that mark a question outside the
    # base's scope (each phrase as a tuple of folded words)
    outofscope: Mapping[str, Mapping[str, frozenset[tuple[str, ...]]]] = field(
        default_factory=dict)
    # words that mark a message as part of a conversation: "openers" (а, and, so), "pronouns"
    # (it, они, яна) and "switches" ("what about", "а как насчёт") → language → phrases
    followups: Mapping[str, Mapping[str, frozenset[tuple[str, ...]]]] = field(
        default_factory=dict)

    def smalltalk_words(self, kind: str) -> frozenset[str]:
        """The words of one kind's small-talk phrases, all languages together."""
        return frozenset(w for phrases in self.smalltalk.get(kind, {}).values()
                         for phrase in phrases for w in phrase)


@dataclass(frozen=True)
class KnowledgeBase:
    """All topics and entries of one knowledge directory."""

    directory: Path
    topics: tuple[Topic, ...]
    entries: Mapping[str, Entry]
    lexicon: Lexicon

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages that have phrasings, in first-seen order."""
        seen: dict[str, None] = {}
        for entry in self.entries.values():
            seen.update(dict.fromkeys(entry.questions))
        return tuple(seen)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the knowledge base, said so that a maintainer can fix it."""

    file: str
    line: int | None
    message: str
    hint: str = ""
    entry_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" entry '{self.entry_id}':" if self.entry_id else ""
        fix = f" — {self.hint}" if self.hint else ""
        return f"{where}:{who} {self.message}{fix}"


class KnowledgeError(Exception):
    """The knowledge base cannot be loaded; `problems` says everything that is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n{lines}")


class Located(dict[str, Any]):
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


class LineLoader(_BaseLoader):
    pass


def _construct_located(loader: LineLoader, node: yaml.MappingNode) -> Located:
    mapping = Located(loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]
    mapping.line = node.start_mark.line + 1
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_located)

_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG


class _Cycle(Exception):
    """A node that contains itself (recursive aliases): left to PyYAML, which handles it."""


class _Builder:
    """Builds what LineLoader would from a composed node, taking the common nodes (strings,
    lists, mappings of string keys) directly: PyYAML's generic construction was most of the
    time a 10,000-entry base took to read."""

    def __init__(self, loader: LineLoader) -> None:
        self.loader = loader
        self.done: dict[int, Any] = {}
        self.open: set[int] = set()

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG:
            return node.value
        key = id(node)
        if key in self.done:  # an alias: the same object, as PyYAML gives
            return self.done[key]
        if key in self.open:
            raise _Cycle
        self.open.add(key)
        value = self._build(node)
        self.open.discard(key)
        self.done[key] = value
        return value

    def _build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            return [self.build(item) for item in node.value]
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG and all(
                isinstance(k, yaml.ScalarNode) and k.tag == _STR_TAG for k, _ in node.value):
            mapping = Located((k.value, self.build(v)) for k, v in node.value)
            mapping.line = node.start_mark.line + 1
            return mapping
        # anything else (numbers, dates, merge keys, other keys...) as PyYAML constructs it
        return self.loader.construct_object(node, deep=True)


def load_yaml(text: str) -> Any:
    """`yaml.load(text, Loader=LineLoader)`, faster; the same result and the same errors."""
    loader = LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _Builder(loader).build(node)
        except _Cycle:
            return loader.construct_document(node)
    finally:
        loader.dispose()


def _line(value: Any, default: int | None = None) -> int | None:
    return value.line if isinstance(value, Located) else default


def _read_yaml(path: Path, rel: str, problems: list[Problem]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, None, f"is not valid UTF-8 ({exc.reason})",
                                "save it as UTF-8"))
        return None
    try:
        return load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or "invalid YAML"
        problems.append(
            Problem(rel, line, f"YAML syntax error: {what}",
                    "check indentation and quoting around this line"))
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, None, f"YAML error: {exc}", "check the file's syntax"))
    return None


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


class _TopicReader:
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


def _read_lexicon(directory: Path, problems: list[Problem]) -> Lexicon:
    lex_dir = directory / LEXICON_DIR
    groups: list[SynonymGroup] = []
    syn_path = lex_dir / "synonyms.yaml"
    if syn_path.is_file():
        rel = f"{LEXICON_DIR}/synonyms.yaml"
        data = _read_yaml(syn_path, rel, problems)
        raw_groups = data.get("groups") if isinstance(data, dict) else None
        if data is not None and not isinstance(raw_groups, list):
            problems.append(Problem(rel, 1, "expected a 'groups' list",
                                    "write groups: [{key: cec, terms: [...]}]"))
        seen_terms: dict[str, str] = {}
        for raw in raw_groups or []:
            line = _line(raw, 1)
            key = raw.get("key") if isinstance(raw, dict) else None
            terms = raw.get("terms") if isinstance(raw, dict) else None
            if not isinstance(key, str) or not ID_RE.match(key) or not isinstance(terms, list):
                problems.append(Problem(rel, line, "each group needs a 'key' id and a 'terms' list",
                                        "write - key: cec\n    terms: [cec, цик, цвк]"))
                continue
            kind = raw.get("kind")
            if kind is not None and kind not in GROUP_KINDS:
                problems.append(Problem(rel, line, f"group '{key}' has kind {kind!r}",
                                        f"use one of: {', '.join(GROUP_KINDS)}, or leave it out"))
                kind = None
            clean = tuple(t.strip().lower() for t in terms if isinstance(t, str) and t.strip())
            for term in clean:
                if term in seen_terms and seen_terms[term] != key:
                    problems.append(Problem(rel, line, f"term '{term}' is in groups "
                                            f"'{seen_terms[term]}' and '{key}'",
                                            "keep each term in one group"))
                seen_terms[term] = key
            groups.append(SynonymGroup(key, clean, kind))
    stopwords = _read_word_lists(lex_dir / "stopwords.yaml", "stopwords", problems)
    stop_phrases = frozenset(
        tuple(fold_words(p)) for phrases in _read_phrase_lists(
            lex_dir / "stopwords.yaml", "phrases", problems, True).values()
        for p in phrases if len(fold_words(p)) > 1)
    smalltalk = {kind: _phrase_sets(by_lang) for kind in SMALLTALK_KINDS
                 if (by_lang := _read_phrase_lists(lex_dir / "smalltalk.yaml", kind, problems,
                                                   True))}
    outofscope = {cls: _phrase_sets(by_lang) for cls in OUT_OF_SCOPE_CLASSES
                  if (by_lang := _read_phrase_lists(lex_dir / "outofscope.yaml", cls, problems,
                                                    True))}
    followups = {kind: _phrase_sets(by_lang) for kind in FOLLOWUP_KINDS
                 if (by_lang := _read_phrase_lists(lex_dir / "followups.yaml", kind, problems,
                                                   True))}
    return Lexicon(tuple(groups), stopwords, stop_phrases, smalltalk, outofscope, followups)


def _phrase_sets(by_lang: Mapping[str, list[str]]) -> dict[str, frozenset[tuple[str, ...]]]:
    """Phrases per language as tuples of folded words."""
    return {lang: frozenset(ws for p in phrases if (ws := tuple(fold_words(p))))
            for lang, phrases in by_lang.items()}


def _read_word_lists(path: Path, key: str, problems: list[Problem],
                     optional: bool = False) -> dict[str, frozenset[str]]:
    """A lexicon mapping `key: {lang: [words]}`, folded the way the matcher folds text."""
    return {lang: frozenset(w for item in items for w in fold_words(item))
            for lang, items in _read_phrase_lists(path, key, problems, optional).items()}


def _read_phrase_lists(path: Path, key: str, problems: list[Problem],
                       optional: bool = False) -> dict[str, list[str]]:
    """A lexicon mapping `key: {lang: [phrases]}`, as written."""
    if not path.is_file():
        return {}
    rel = f"{LEXICON_DIR}/{path.name}"
    data = _read_yaml(path, rel, problems)
    raw = data.get(key) if isinstance(data, dict) else None
    if optional and isinstance(data, dict) and key not in data:
        return {}
    if data is not None and not isinstance(raw, dict):
        problems.append(Problem(rel, 1, f"expected a '{key}' mapping of language → words",
                                f"write {key}: {{en: [...], ru: [...], be: [...]}}"))
        return {}
    result: dict[str, list[str]] = {}
    for lang, words in (raw or {}).items():
        if not isinstance(words, list):
            problems.append(Problem(rel, _line(raw, 1), f"{key}.{lang} must be a list",
                                    "write the words as a list"))
            continue
        result[str(lang)] = [str(item) for item in words]
    return result


def topic_files(directory: Path) -> list[Path]:
    """The topic files of a knowledge directory, in a stable order."""
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def load_knowledge(directory: Path | str | None = None,
                   read_yaml: Callable[[Path, str, list[Problem]], Any] | None = None,
                   ) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError listing every problem.

    `read_yaml` parses one topic file (default: PyYAML); the compiled-base cache passes one that
    reuses the parse of files that did not change.
    """
    read_yaml = read_yaml or _read_yaml
    directory = Path(directory) if directory is not None else default_knowledge_dir()
    if not directory.is_dir():
        raise KnowledgeError([Problem(str(directory), None, "is not a directory",
                                      "pass the folder that holds the topic *.yaml files")])
    problems: list[Problem] = []
    topics: list[Topic] = []
    entries: dict[str, Entry] = {}
    files = topic_files(directory)
    if not files:
        problems.append(Problem(str(directory), None, "holds no *.yaml topic files",
                                "add at least one topic file"))
    topic_ids: dict[str, str] = {}
    declared: set[str] = set()
    related: list[tuple[str, str, int, tuple[str, ...]]] = []
    # when a file cannot be read its ids are unknown: "related id does not exist" would only
    # repeat that error for every entry pointing into the file
    unreadable = False
    for path in files:
        rel = path.name
        data = read_yaml(path, rel, problems)
        if data is None and not any(p.file == rel for p in problems):
            problems.append(Problem(rel, 1, "the file is empty", "add topic, title and entries"))
        if data is None:
            unreadable = True
            continue
        reader = _TopicReader(rel, problems)
        result = reader.read(data)
        declared |= reader.declared
        related += [(rel, eid, line, ids) for eid, line, ids in reader.related]
        if result is None:
            continue
        topic, file_entries = result
        if topic.id in topic_ids:
            problems.append(Problem(rel, _line(data, 1), f"topic '{topic.id}' is also defined "
                                    f"in {topic_ids[topic.id]}", "give each topic its own id"))
        topic_ids[topic.id] = rel
        topics.append(topic)
        for entry in file_entries:
            if entry.id in entries:
                first = entries[entry.id]
                problems.append(Problem(rel, entry.line, "duplicate id",
                                        f"it is already used at {first.file}:{first.line}; "
                                        "ids must be unique across all files", entry.id))
                continue
            entries[entry.id] = entry
    for file, entry_id, entry_line, related_ids in related:
        for rid in related_ids:
            if rid not in declared and not unreadable:
                problems.append(Problem(file, entry_line, f"related id '{rid}' does not exist",
                                        "fix the id or remove it from 'related'", entry_id))
            elif rid == entry_id:
                problems.append(Problem(file, entry_line, "an entry cannot be related to "
                                        "itself", "remove its own id from 'related'", entry_id))
    lexicon = _read_lexicon(directory, problems)
    if problems:
        raise KnowledgeError(problems)
    topics.sort(key=lambda t: t.order)  # stable: equal orders keep file-name order
    return KnowledgeBase(directory, tuple(topics), entries, lexicon)
