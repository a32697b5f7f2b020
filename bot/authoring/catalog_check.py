"""`electionbot locales check`: the state of every catalog, for translators."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from bot.knowledge.catalogs import (
    DOMAINS,
    REQUIRED_LANGUAGES,
    SOURCE_LANGUAGE,
    VISIBLE_KNOWLEDGE_SHARE,
    VISIBLE_MESSAGES_SHARE,
    I18nError,
    available_languages,
    is_visible,
    read_catalog,
)

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
UPDATE = "run `electionbot locales update`"


@dataclass
class CatalogStatus:
    """Counts and problems of one language's catalog of one domain."""

    lang: str
    domain: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    # English only: messages whose empty msgstr stands for the source text
    source_text: int = 0
    problems: list[str] = field(default_factory=list)
    # problems that break a text whatever the language's progress (placeholders, plurals)
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def ok(self) -> bool:
        return not (self.fuzzy or self.untranslated or self.problems)

    @property
    def required(self) -> bool:
        return self.lang in REQUIRED_LANGUAGES

    @property
    def failing(self) -> bool:
        """CI fails for this catalog: the interface of be/ru/en must be complete (a developer
        translates a new message with the code that adds it); answers and titles waiting for a
        translation are shown in English with a note, so they, like a new language's gaps,
        fail only when a text is broken (placeholders, plural forms)."""
        if self.required and self.domain == "messages":
            return not self.ok
        return bool(self.errors)

    def line(self) -> str:
        source = f" (source text {self.source_text})" if self.lang == SOURCE_LANGUAGE else ""
        verdict = ("OK" if self.ok else "INCOMPLETE" if self.failing
                   else "PENDING" if self.required else "IN PROGRESS")
        return (f"{self.lang:>4} {self.domain:<10} {self.percent:5.1f}%  translated "
                f"{self.translated:>3}{source}  fuzzy {self.fuzzy:>3}  untranslated "
                f"{self.untranslated:>3}  obsolete {self.obsolete:>3}  {verdict}")


def _strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, tuple | list):
        return tuple(message.string)
    return (message.string or "",)


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def _label(message: Message) -> str:
    ctx = f"[{message.context}] " if message.context else ""
    return f"{ctx}{_ids(message)[0][:60]!r}"


def check_catalog(catalog: Catalog, template: Catalog | None, lang: str,
                  domain: str) -> CatalogStatus:
    status = CatalogStatus(lang, domain, obsolete=len(catalog.obsolete))
    wanted = [m for m in (template or catalog) if m.id]
    for want in wanted:
        message = catalog.get(want.id, context=want.context)
        if message is None:
            status.untranslated += 1
            status.problems.append(f"missing ({UPDATE}): {_label(want)}")
            continue
        strings = _strings(message)
        if message.fuzzy:
            status.fuzzy += 1
            status.problems.append(f"fuzzy (source changed, check and unmark): {_label(want)}")
            continue
        if not any(s.strip() for s in strings) and lang == SOURCE_LANGUAGE:
            status.translated += 1  # the English catalog needs no copy of its own source
            status.source_text += 1
            continue
        if not all(s.strip() for s in strings):
            status.untranslated += 1
            status.problems.append(f"untranslated: {_label(want)}")
            continue
        status.translated += 1
        if isinstance(message.id, tuple | list) and len(strings) != catalog.num_plurals:
            status.errors.append(f"plural forms: {len(strings)} given, the language has "
                                 f"{catalog.num_plurals}: {_label(want)}")
        source = sorted(PLACEHOLDER.findall(_ids(message)[0]))
        for s in strings:
            if sorted(PLACEHOLDER.findall(s)) != source:
                status.errors.append(f"placeholders differ from the source "
                                     f"{source}: {_label(want)}")
                break
    status.problems += status.errors
    return status


def check_locales(directory: Path) -> list[CatalogStatus]:
    """Every language and domain under `directory`, compared with the .pot templates."""
    if not directory.is_dir():
        raise I18nError(f"locales directory {directory} does not exist")
    result = []
    for domain in DOMAINS:
        pot = directory / f"{domain}.pot"
        template = read_catalog(pot, None) if pot.is_file() else None
        for lang in available_languages(directory):
            catalog = read_catalog(directory / lang / "LC_MESSAGES" / f"{domain}.po", lang)
            result.append(check_catalog(catalog, template, lang, domain))
    return result


def visibility(statuses: list[CatalogStatus]) -> dict[str, tuple[bool, float, float]]:
    """Per language: offered to citizens?, and its messages / knowledge translated shares."""
    shares: dict[str, dict[str, float]] = {}
    for s in statuses:
        shares.setdefault(s.lang, {})[s.domain] = s.percent / 100
    return {lang: (is_visible(lang, d.get("messages", 0.0), d.get("knowledge", 0.0)),
                   d.get("messages", 0.0), d.get("knowledge", 0.0))
            for lang, d in shares.items()}


THRESHOLD = (f"{VISIBLE_MESSAGES_SHARE:.0%} of interface messages and "
             f"{VISIBLE_KNOWLEDGE_SHARE:.0%} of answers and titles")
