"""`electionbot locales update` and `init`: babel extraction and catalog updates, one step.

One step extracts both domains from a checkout (`bot/` and `knowledge/`, mapped by babel.cfg),
writes the `.pot` templates with a stable header, and updates every language's catalogs with the
previous English kept in `#| msgid` for changed texts. A message whose context (an entry id, a
`label:`/`topic:` id) is still there keeps its translation as fuzzy whatever the wording change;
the English catalogs keep no obsolete texts. A file is only rewritten when something other than
the creation date or the babel version changed, so diffs show real changes only, and a catalog
counts as up to date when it says the same as the rendered one: a PO editor's own line wrapping
or `#|` lines left over after unmarking a fuzzy entry are not content.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import normalize, unescape, write_po

from bot.errors import UsageError
from bot.knowledge.base import Problem, read_yaml_file, topic_files
from bot.knowledge.catalogs import (
    DOMAINS,
    SOURCE_LANGUAGE,
    I18nError,
    available_languages,
    read_catalog,
)
from bot.knowledge.paths import PROJECT_NAME

# GNU gettext's and pybabel's default line width: catalogs edited with either keep their shape
WIDTH = 76
# where each domain's texts come from, relative to the checkout
SOURCES = {"messages": "bot", "knowledge": "knowledge"}
COMMENT_TAGS = ("TRANSLATORS:",)
COPYRIGHT = "electionbot contributors"
BUGS_ADDRESS = "the electionbot maintainers (see README.md)"
TRANSLATOR = "electionbot translators"
# the extractor of babel.cfg's `knowledge` method, so extraction needs no installed entry point
METHODS = {"knowledge": "bot.authoring.babel_extract:extract_knowledge"}
# header lines that change without any change of content
_VOLATILE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date|Generated-By): .*\n',
                       re.MULTILINE)


# babel writes "<project> VERSION" without a version; the catalogs follow no release number
_PROJECT_ID = re.compile(r'^"Project-Id-Version: .*\\n"\n', re.MULTILINE)
# placeholder lines babel puts in a new catalog's header comment
_PLACEHOLDER = re.compile(r"FIRST AUTHOR|EMAIL@ADDRESS")


def _header(kind: str, domain: str) -> str:
    return (f"# {kind} for electionbot, domain '{domain}'.\n"
            f"# Copyright (C) {COPYRIGHT}\n"
            "# This file is distributed under the same license as the electionbot project "
            "(MIT).\n"
            "# Update with `electionbot locales update` (see docs/translating.md).\n#")


def _language_name(lang: str) -> str:
    try:
        return Locale.parse(lang).english_name or lang
    except (UnknownLocaleError, ValueError):
        return lang


@dataclass(frozen=True)
class Written:
    """One catalog file `update` looked at, and whether its content changed."""

    path: Path
    changed: bool


def extract(root: Path, domain: str) -> Catalog:
    """The template of one domain, extracted from the checkout at `root`."""
    cfg = root / "babel.cfg"
    if not cfg.is_file():
        raise I18nError(f"no babel.cfg in {root}: run this from the repository root")
    with cfg.open(encoding="utf-8") as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    method_map = [(pattern, METHODS.get(method, method)) for pattern, method in method_map]
    source = SOURCES[domain]
    catalog = Catalog(project=PROJECT_NAME, version=None, copyright_holder=COPYRIGHT,
                      msgid_bugs_address=BUGS_ADDRESS, charset="utf-8",
                      header_comment=_header("Translations template", domain))
    for filename, lineno, message, comments, context in extract_from_dir(
            root / source, method_map, options_map, keywords=DEFAULT_KEYWORDS,
            comment_tags=COMMENT_TAGS, strip_comment_tags=False):
        catalog.add(message, None, [(f"{source}/{filename}", lineno)], auto_comments=comments,
                    context=context)
    return catalog


def _previous(message: Message) -> str:
    """The `#|` lines of a changed message, one per line of its PO string.

    babel's own `include_previous` re-wraps a multi-line msgid as comment text, which GNU
    msgfmt rejects ("end-of-line within string"), so these lines are written here.
    """
    lines = [f"msgid {normalize(message.previous_id[0], width=WIDTH)}"]
    if len(message.previous_id) > 1:
        lines.append(f"msgid_plural {normalize(message.previous_id[1], width=WIDTH)}")
    return "".join(f"#| {line}\n" for text in lines for line in text.splitlines())


def render(catalog: Catalog) -> bytes:
    """A catalog as this project writes it (see the module docstring)."""
    buffer = io.BytesIO()
    # file names without line numbers: moving code must not rewrite every catalog
    write_po(buffer, catalog, width=WIDTH, include_lineno=False)
    text = buffer.getvalue().decode(catalog.charset or "utf-8")
    text = _PROJECT_ID.sub(f'"Project-Id-Version: {PROJECT_NAME}\\\\n"\n', text, count=1)
    for message in catalog:
        if not (message.id and message.previous_id):
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        head = f"msgid {normalize(ids[0], width=WIDTH)}\n"
        if message.context:
            head = f"msgctxt {normalize(message.context, width=WIDTH)}\n" + head
        at = text.find("\n" + head)
        if at >= 0:
            text = text[:at + 1] + _previous(message) + text[at + 1:]
    return text.encode(catalog.charset or "utf-8")


def same_content(a: bytes, b: bytes) -> bool:
    """Equal except for dates and the babel version in the header."""
    return _VOLATILE.sub(b"", a) == _VOLATILE.sub(b"", b)


def canonical(path: Path, lang: str | None) -> bytes:
    """A catalog file as this project renders it: the editor's wrapping and stale `#|` gone."""
    catalog = read_catalog(path, lang)
    restore_previous(catalog, take_previous(catalog))
    return render(catalog)


def _write(path: Path, data: bytes, dry_run: bool, lang: str | None = None) -> Written:
    old = path.read_bytes() if path.is_file() else None
    rewrite = old is None or not same_content(old, data)
    # the same content written another way (a PO editor's wrapping, stale `#|`) is no change;
    # `update` still rewrites it in the project's shape
    changed = rewrite
    if rewrite and old is not None:
        try:
            changed = not same_content(canonical(path, lang), data)
        except I18nError:
            changed = True
    if rewrite and not dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return Written(path, changed)


def _is_copy(message: Message) -> bool:
    """True when a source-language msgstr only repeats its msgid (old hand-copied English)."""
    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return tuple(strings) == tuple(ids) or tuple(strings) == tuple(ids[:1]) * len(strings)


def _empty(message: Message) -> str | tuple[str, ...]:
    return ("",) * len(message.string) if isinstance(message.string, tuple | list) else ""


def source_language_cleanup(catalog: Catalog) -> None:
    """In the English catalogs an empty msgstr means the source text: nothing to copy by hand.

    Copies of the msgid are emptied; a fuzzy copy of the *previous* English (an answer was
    edited) is emptied and unmarked too. A real English override stays, and stays fuzzy.
    """
    for message in catalog:
        if not message.id:
            continue
        previous = message.previous_id
        was_copy = bool(previous) and tuple(
            message.string if isinstance(message.string, tuple | list) else (message.string,)
        ) in (tuple(previous), tuple(previous[:1]) * len(previous))
        blank = not any(message.string if isinstance(message.string, tuple | list)
                        else (message.string,))
        if _is_copy(message) or was_copy or blank:
            message.string = _empty(message)
            message.flags.discard("fuzzy")
            message.previous_id = []


def _parse_previous(lines: list[str]) -> list[str]:
    """The old msgid (and msgid_plural) from `#|` lines, as read back by babel."""
    parts: dict[str, str] = {}
    key = ""
    for line in lines:
        for keyword in ("msgid_plural", "msgid"):
            if line.startswith(keyword + " "):
                key, line = keyword, line[len(keyword):].strip()
                break
        if key and len(line) >= 2 and line[0] == line[-1] == '"':
            parts[key] = parts.get(key, "") + unescape(line)
    return [parts[k] for k in ("msgid", "msgid_plural") if k in parts]


def take_previous(catalog: Catalog) -> dict[tuple[str, str | None], list[str]]:
    """Move `#|` lines out of the user comments (babel reads them as such) into a mapping."""
    found = {}
    for message in catalog:
        if not message.id:
            continue
        lines = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        if not lines:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        previous = _parse_previous(lines)
        if previous:
            ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
            found[(ids[0], message.context)] = previous
    return found


def restore_previous(catalog: Catalog,
                     previous: dict[tuple[str, str | None], list[str]]) -> None:
    """Keep the old English of texts that are still fuzzy; drop it once they are not."""
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        if not message.fuzzy:
            message.previous_id = []
        elif not message.previous_id and (ids[0], message.context) in previous:
            message.previous_id = previous[(ids[0], message.context)]


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def _unique_contexts(messages: list[Message]) -> dict[str, Message]:
    """Messages by context, for the contexts only one message has."""
    seen: dict[str, list[Message]] = {}
    for message in messages:
        if message.id and message.context is not None:
            seen.setdefault(message.context, []).append(message)
    return {context: found[0] for context, found in seen.items() if len(found) == 1}


def carry_by_context(catalog: Catalog, template: Catalog,
                     previous: dict[tuple[str, str | None], list[str]]) -> None:
    """Before babel's update: a message whose context survives with new English keeps its
    translation, marked fuzzy, with the English it was translated from in `previous`.

    babel only carries a translation over when the old and new English are similar enough; the
    context (the entry id) says it is the same text however much the wording changed.
    """
    old = _unique_contexts(list(catalog))
    new = _unique_contexts(list(template))
    for context, message in new.items():
        before = old.get(context)
        if before is None or _ids(before) == _ids(message):
            continue
        if len(_ids(before)) != len(_ids(message)):
            continue  # singular <-> plural: babel's own handling
        was = previous.get((_ids(before)[0], context)) or list(_ids(before))
        catalog.delete(before.id, context=context)
        strings = before.string if isinstance(before.string, tuple | list) else (before.string,)
        if not any(strings):
            continue  # nothing translated: the new text simply arrives empty
        catalog.add(message.id, before.string, context=context, previous_id=was,
                    flags=set(before.flags) | {"fuzzy"}, user_comments=list(before.user_comments))
        previous[(_ids(message)[0], context)] = was


def update(root: Path, dry_run: bool = False) -> list[Written]:
    """Extract both domains and update every catalog under `root/locales`."""
    locales = root / "locales"
    if not locales.is_dir():
        raise I18nError(f"no locales/ directory in {root}: run this from the repository root")
    _refuse_broken_topics(root / "knowledge")
    written = []
    for domain in DOMAINS:
        template = extract(root, domain)
        pot_path = locales / f"{domain}.pot"
        if pot_path.is_file():
            old = read_catalog(pot_path, None)
            template.creation_date = old.creation_date
            if not same_content(pot_path.read_bytes(), render(template)):
                template.creation_date = datetime.now(UTC)
        written.append(_write(pot_path, render(template), dry_run))
        for lang in available_languages(locales):
            path = locales / lang / "LC_MESSAGES" / f"{domain}.po"
            catalog = read_catalog(path, lang)
            previous = take_previous(catalog)
            carry_by_context(catalog, template, previous)
            catalog.update(template, update_header_comment=False)
            restore_previous(catalog, previous)
            _fill_header(catalog)
            if lang == SOURCE_LANGUAGE:
                source_language_cleanup(catalog)
                catalog.obsolete.clear()  # the English is the source: nothing to salvage
            written.append(_write(path, render(catalog), dry_run, lang))
    return written


def _refuse_broken_topics(knowledge: Path) -> None:
    """Stop before extracting when a topic file cannot be read: extraction would skip it, and
    the update would then retire every translation of its texts as obsolete."""
    problems: list[Problem] = []
    for path in topic_files(knowledge):
        read_yaml_file(path, path.name, problems)
    if problems:
        raise I18nError(f"{problems[0]} — nothing was updated, so no translation is lost; "
                        "fix the file (`electionbot kb check` lists every problem), then run "
                        "`electionbot locales update` again")


def _fill_header(catalog: Catalog) -> None:
    """The project's bug address instead of babel's placeholders, no "FIRST AUTHOR" line."""
    catalog.msgid_bugs_address = BUGS_ADDRESS
    comment = catalog.header_comment
    if _PLACEHOLDER.search(comment):
        catalog.header_comment = "\n".join(
            line for line in comment.splitlines() if not _PLACEHOLDER.search(line))


def init(root: Path, lang: str) -> list[Written]:
    """New catalogs for `lang`, from the current templates, that pass `msgfmt --check`."""
    locales = root / "locales"
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError) as exc:
        raise UsageError(f"'{lang}' is not a language code babel knows (e.g. pl, uk, de)") from exc
    if str(locale) != lang:
        raise UsageError(f"write the language code as '{locale}', not '{lang}'")
    written = []
    for domain in DOMAINS:
        path = locales / lang / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            raise UsageError(f"{path} already exists: use `electionbot locales update`")
        template = extract(root, domain)
        catalog = Catalog(locale=lang, domain=domain, project=PROJECT_NAME, version=None,
                          copyright_holder=COPYRIGHT, msgid_bugs_address=BUGS_ADDRESS,
                          last_translator=TRANSLATOR, charset="utf-8",
                          language_team=_language_name(lang), fuzzy=False,
                          header_comment=_header(f"{_language_name(lang)} translations", domain))
        catalog.update(template, update_header_comment=False)
        catalog.revision_date = datetime.now(UTC)
        written.append(_write(path, render(catalog), dry_run=False))
    return written
