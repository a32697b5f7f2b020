"""The FAQ knowledge base: its data classes, reading YAML with line numbers, and
`load_knowledge` (topics.py validates the topic files, lexicon.py the lexicon)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.paths import default_knowledge_dir

try:  # the C loader is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ids travel inside Telegram's callback_data (64 bytes): the longest is 👎 under an answer in a
# three-letter language, "xxx|fb:down:<id>||" and an 8-character signature
# (bot/conversation/actions.py).
MAX_ID_LENGTH = 64 - len("xxx|fb:down:||") - 8  # 42


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
    # a region's countries (CLDR codes: LV, LT, EE for the Baltics): a text that names one of
    # them names a place in the region
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Language resources the matcher uses: synonyms and filler words."""

    synonyms: tuple[SynonymGroup, ...] = ()
    stopwords: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # filler of several words dropped as a whole ("калі ласка", "I'm writing a paper"), even
    # where one of its words means something on its own (калі = when)
    stop_phrases: frozenset[tuple[str, ...]] = frozenset()
    # kind ("greetings", "thanks", "farewells", "bot", "insults") → language → phrases
    # (tuples of folded words) that make a message small talk
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


def line_of(value: Any, default: int | None = None) -> int | None:
    """The line a YAML mapping started on, or `default` for anything else."""
    return value.line if isinstance(value, Located) else default


def read_yaml_file(path: Path, rel: str, problems: list[Problem]) -> Any:
    """One YAML file's data, or None with the reason in `problems`."""
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
    # imported here, not at the top: both modules read into this one's data classes
    from bot.knowledge.lexicon import read_lexicon
    from bot.knowledge.topics import TopicReader

    read_yaml = read_yaml or read_yaml_file
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
        reader = TopicReader(rel, problems)
        result = reader.read(data)
        declared |= reader.declared
        related += [(rel, eid, line, ids) for eid, line, ids in reader.related]
        if result is None:
            continue
        topic, file_entries = result
        if topic.id in topic_ids:
            problems.append(Problem(rel, line_of(data, 1), f"topic '{topic.id}' is also defined "
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
    lexicon = read_lexicon(directory, problems)
    if problems:
        raise KnowledgeError(problems)
    topics.sort(key=lambda t: t.order)  # stable: equal orders keep file-name order
    return KnowledgeBase(directory, tuple(topics), entries, lexicon)
