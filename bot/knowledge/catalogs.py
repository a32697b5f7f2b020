"""Gettext catalogs: the interface (`messages`) and the FAQ texts (`knowledge`), per language.

Every catalog is read from its .po file and compiled in memory once at start-up, so no compiled
.mo file is ever committed or goes stale. A missing catalog is an error, never silent English.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from bot.knowledge.paths import default_locales_dir

SOURCE_LANGUAGE = "en"
REQUIRED_LANGUAGES = ("be", "ru", "en")
DOMAINS = ("messages", "knowledge")
# A language beyond be/ru/en is offered to citizens (in /language, by Telegram's language
# setting) only once all of its interface messages and this share of the knowledge texts
# (answers, titles) are translated; until then `locales check` shows it as hidden.
VISIBLE_MESSAGES_SHARE = 1.0
VISIBLE_KNOWLEDGE_SHARE = 0.8


class I18nError(Exception):
    """A catalog is missing or broken."""


def topic_context(topic_id: str) -> str:
    """msgctxt of a topic title in the knowledge domain."""
    return f"topic:{topic_id}"


SOURCE_CONTEXT = "source"


# a button label longer than this is cut with "…" on phones
MAX_LABEL_CHARS = 40


def label_context(entry_id: str) -> str:
    """msgctxt of an entry's short button label in the knowledge domain."""
    return f"label:{entry_id}"


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
    # languages whose catalogs exist but are not complete enough yet → (messages, knowledge)
    # translated shares
    hidden: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    # the same unfinished languages, loaded: the terminal can preview them (`--lang uk`)
    unfinished: Mapping[str, Language] = field(default_factory=dict)

    def __getitem__(self, code: str) -> Language:
        return self.languages[code]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.languages)

    def preview(self, code: str) -> Catalogs:
        """These catalogs with the unfinished language `code` spoken too (terminal preview);
        citizens on Telegram are still offered only the visible languages."""
        if code not in self.unfinished:
            return self
        return replace(self, languages={**self.languages, code: self.unfinished[code]})

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
        raise I18nError(f"missing catalog {path}: run `electionbot locales init {lang}` "
                        "(see docs/translating.md)")
    data = path.read_bytes()
    line = unclosed_string(data.decode("utf-8", errors="replace"))
    if line is not None:
        raise I18nError(f"broken catalog {path}:{line}: a string is not closed with \" "
                        "(msgfmt: end-of-line within string)")
    try:
        return read_po(io.BytesIO(data), locale=lang, abort_invalid=True)
    except (PoFileError, ValueError, UnknownLocaleError) as exc:
        raise I18nError(f"broken catalog {path}: {exc}") from exc


# a line that holds a quoted string: a keyword and its string, or a continued string
_STRING_LINE = re.compile(r'(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"')


def unclosed_string(text: str) -> int | None:
    """The first line whose string is not closed, which babel reads anyway (msgfmt refuses)."""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not _STRING_LINE.match(line):
            continue
        body = line[line.index('"'):]
        backslashes = len(body[:-1]) - len(body[:-1].rstrip("\\"))
        if len(body) < 2 or not body.endswith('"') or backslashes % 2:
            return number
    return None


def _native_name(lang: str) -> str:
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (UnknownLocaleError, ValueError):
        return lang
    return name[:1].upper() + name[1:]


def is_translated(message: Message, lang: str) -> bool:
    """A usable translation: not fuzzy, every form filled (in English, empty means the source)."""
    if message.fuzzy:
        return False
    if lang == SOURCE_LANGUAGE:
        return True
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(isinstance(s, str) and s.strip() for s in strings)


def translated_share(catalog: Catalog, lang: str) -> float:
    """The share (0..1) of a catalog's messages that are translated; 1 for an empty catalog."""
    messages = [m for m in catalog if m.id]
    if not messages:
        return 1.0
    return sum(is_translated(m, lang) for m in messages) / len(messages)


def is_visible(lang: str, messages_share: float, knowledge_share: float) -> bool:
    """Whether citizens are offered `lang` (the required languages always are)."""
    return lang in REQUIRED_LANGUAGES or (messages_share >= VISIBLE_MESSAGES_SHARE
                                          and knowledge_share >= VISIBLE_KNOWLEDGE_SHARE)


def _read_pair(directory: Path, lang: str) -> tuple[Catalog, Catalog]:
    return (read_catalog(directory / lang / "LC_MESSAGES" / "messages.po", lang),
            read_catalog(directory / lang / "LC_MESSAGES" / "knowledge.po", lang))


def _load_language(lang: str, ui_catalog: Catalog, kb_catalog: Catalog) -> Language:
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
                        "run `electionbot locales init LANG` for them (see docs/translating.md)")
    languages: dict[str, Language] = {}
    hidden: dict[str, tuple[float, float]] = {}
    unfinished: dict[str, Language] = {}
    for code in codes:
        ui_catalog, kb_catalog = _read_pair(directory, code)
        shares = (translated_share(ui_catalog, code), translated_share(kb_catalog, code))
        if is_visible(code, *shares):
            languages[code] = _load_language(code, ui_catalog, kb_catalog)
        else:
            hidden[code] = shares
            unfinished[code] = _load_language(code, ui_catalog, kb_catalog)
    return Catalogs(languages, directory, hidden, unfinished)
