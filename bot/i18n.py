"""Gettext catalogs: the interface (`messages`) and the FAQ texts (`knowledge`), per language.

Every catalog is read from its .po file and compiled in memory once at start-up, so no compiled
.mo file is ever committed or goes stale. A missing catalog is an error, never silent English.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from bot.paths import default_locales_dir

SOURCE_LANGUAGE = "en"
REQUIRED_LANGUAGES = ("be", "ru", "en")
DOMAINS = ("messages", "knowledge")


class I18nError(Exception):
    """A catalog is missing or broken."""


def topic_context(topic_id: str) -> str:
    """msgctxt of a topic title in the knowledge domain."""
    return f"topic:{topic_id}"


SOURCE_CONTEXT = "source"


@dataclass(frozen=True)
class Language:
    """The gettext functions and FAQ texts of one language."""

    code: str
    name: str
    ui: Translations
    texts: Mapping[tuple[str | None, str], str]
    stale: frozenset[tuple[str | None, str]]

    def gettext(self, message: str) -> str:
        return self.ui.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.ui.ngettext(singular, plural, n)

    def knowledge(self, context: str | None, source: str) -> str | None:
        """The translation of a knowledge text, or None when it is missing or out of date."""
        if self.code == SOURCE_LANGUAGE:
            return self.texts.get((context, source), source)
        return self.texts.get((context, source))

    def is_stale(self, context: str | None, source: str) -> bool:
        """True when a translation exists but is marked fuzzy (its source text has changed)."""
        return (context, source) in self.stale


@dataclass(frozen=True)
class Catalogs:
    """All languages the bot can speak, loaded once."""

    languages: Mapping[str, Language]
    directory: Path | None = None

    def __getitem__(self, code: str) -> Language:
        return self.languages[code]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.languages)

    def resolve(self, code: str | None, default: str = SOURCE_LANGUAGE) -> str:
        """A supported language code for `code` ("be-BY" → "be"), else `default`."""
        if code:
            base = code.replace("_", "-").split("-")[0].lower()
            if base in self.languages:
                return base
        return default


def read_catalog(path: Path, lang: str | None) -> Catalog:
    """One .po (or, with lang None, .pot) file; I18nError when it is missing or broken."""
    if not path.is_file():
        raise I18nError(f"missing catalog {path}: run `pybabel init` for language '{lang}' "
                        "(see docs/translating.md)")
    try:
        with path.open("rb") as fp:
            return read_po(fp, locale=lang, abort_invalid=True)
    except (PoFileError, ValueError, UnknownLocaleError) as exc:
        raise I18nError(f"broken catalog {path}: {exc}") from exc


def _native_name(lang: str) -> str:
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (UnknownLocaleError, ValueError):
        return lang
    return name[:1].upper() + name[1:]


def _load_language(directory: Path, lang: str) -> Language:
    ui_catalog = read_catalog(directory / lang / "LC_MESSAGES" / "messages.po", lang)
    kb_catalog = read_catalog(directory / lang / "LC_MESSAGES" / "knowledge.po", lang)
    buffer = io.BytesIO()
    write_mo(buffer, ui_catalog, use_fuzzy=False)
    buffer.seek(0)
    ui = Translations(buffer, domain="messages")
    texts: dict[tuple[str | None, str], str] = {}
    stale: set[tuple[str | None, str]] = set()
    for message in kb_catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        key = (message.context, message.id)
        if message.fuzzy:
            stale.add(key)
        elif isinstance(message.string, str) and message.string.strip():
            texts[key] = message.string
    return Language(lang, _native_name(lang), ui, texts, frozenset(stale))


def available_languages(directory: Path) -> tuple[str, ...]:
    """Language folders under `directory`, the required ones first."""
    found = sorted(p.name for p in directory.iterdir() if (p / "LC_MESSAGES").is_dir())
    return tuple(sorted(found, key=lambda c: (c not in REQUIRED_LANGUAGES,
                                               REQUIRED_LANGUAGES.index(c)
                                               if c in REQUIRED_LANGUAGES else 0, c)))


def load_catalogs(directory: Path | str | None = None) -> Catalogs:
    """Load every language under `directory`; be, ru and en must all be there."""
    directory = Path(directory) if directory is not None else default_locales_dir()
    if not directory.is_dir():
        raise I18nError(f"locales directory {directory} does not exist")
    codes = available_languages(directory)
    missing = [c for c in REQUIRED_LANGUAGES if c not in codes]
    if missing:
        raise I18nError(f"no catalogs for {', '.join(missing)} in {directory}: "
                        "run `pybabel init` for them (see docs/translating.md)")
    return Catalogs({code: _load_language(directory, code) for code in codes}, directory)
