"""`electionbot locales check`: the state of every catalog, for translators."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from bot.i18n import DOMAINS, I18nError, available_languages, read_catalog

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@dataclass
class CatalogStatus:
    """Counts and problems of one language's catalog of one domain."""

    lang: str
    domain: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.fuzzy or self.untranslated or self.problems)

    def line(self) -> str:
        return (f"{self.lang:>4} {self.domain:<10} translated {self.translated:>3}  "
                f"fuzzy {self.fuzzy:>3}  untranslated {self.untranslated:>3}  "
                f"obsolete {self.obsolete:>3}  {'OK' if self.ok else 'INCOMPLETE'}")


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
            status.problems.append(f"missing (run pybabel update): {_label(want)}")
            continue
        strings = _strings(message)
        if message.fuzzy:
            status.fuzzy += 1
            status.problems.append(f"fuzzy (source changed, check and unmark): {_label(want)}")
            continue
        if not all(s.strip() for s in strings):
            status.untranslated += 1
            status.problems.append(f"untranslated: {_label(want)}")
            continue
        status.translated += 1
        if isinstance(message.id, tuple | list) and len(strings) != catalog.num_plurals:
            status.problems.append(f"plural forms: {len(strings)} given, the language has "
                                   f"{catalog.num_plurals}: {_label(want)}")
        source = sorted(PLACEHOLDER.findall(_ids(message)[0]))
        for s in strings:
            if sorted(PLACEHOLDER.findall(s)) != source:
                status.problems.append(f"placeholders differ from the source "
                                       f"{source}: {_label(want)}")
                break
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
