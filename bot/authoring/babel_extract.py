"""A Babel extractor for the knowledge YAML: `pybabel extract` collects answers and titles.

Registered as the `knowledge` extraction method (entry point `babel.extractors`). Each answer
gets its entry id as msgctxt, so two entries with the same English text stay separate and a
translator sees which entry a text belongs to.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml

from bot.knowledge.base import Located, load_yaml
from bot.knowledge.catalogs import MAX_LABEL_CHARS, SOURCE_CONTEXT, label_context, topic_context
from bot.knowledge.topics import paragraphs

# (lineno, funcname, messages, comments) as Babel expects; "pgettext" makes the first message
# the context under Babel's default keywords.
Extracted = tuple[int, str, tuple[str, str], list[str]]


def extract_knowledge(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
                      options: Mapping[str, Any]) -> Iterator[Extracted]:
    """Yield the translatable texts of one topic file (lexicon and broken files yield nothing)."""
    try:
        data = load_yaml(fileobj.read().decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return  # `electionbot kb check` reports the error with a fix; extraction just skips it
    if not isinstance(data, Located) or "topic" not in data:
        return
    topic = str(data.get("topic"))
    title = data.get("title")
    if isinstance(title, str) and title.strip():
        yield (data.line, "pgettext", (topic_context(topic), title.strip()),
               [f"Title of the topic '{topic}' (a button label; keep it short)."])
    for entry in data.get("entries") or []:
        if not isinstance(entry, Located):
            continue
        entry_id = str(entry.get("id"))
        sources = [s for s in entry.get("sources") or [] if isinstance(s, Located)]
        cited = "; ".join(str(s.get("title")) for s in sources)
        answer = entry.get("answer")
        if isinstance(answer, str) and answer.strip():
            yield (entry.line, "pgettext", (entry_id, paragraphs(answer)),
                   [f"Answer of the FAQ entry '{entry_id}'. Source: {cited}. "
                    "Translate the facts exactly; add nothing."])
        label = entry.get("label")
        if isinstance(label, str) and label.strip():
            yield (entry.line, "pgettext", (label_context(entry_id), label.strip()),
                   [f"Button label of the FAQ entry '{entry_id}': at most "
                    f"{MAX_LABEL_CHARS} characters, so that phones show it whole."])
        for source in sources:
            title = source.get("title")
            if isinstance(title, str) and title.strip():
                yield (source.line, "pgettext", (SOURCE_CONTEXT, title.strip()),
                       ["Title of a source document, shown under answers."])
