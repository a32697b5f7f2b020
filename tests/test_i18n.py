"""Catalogs: complete, consistent, extracted by babel itself, failing loudly when missing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.authoring.babel_extract import extract_knowledge
from bot.authoring.catalog_update import extract, update
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.catalogs import I18nError, is_translated, load_catalogs

from .conftest import ROOT

LOCALES = ROOT / "locales"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def read(lang: str, domain: str) -> Catalog:
    with (LOCALES / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as fp:
        return read_po(fp, locale=lang)


def pybabel(*args: str, cwd: Path = ROOT) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=cwd,
                   check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def templates() -> dict[str, Catalog]:
    """What `electionbot locales update` extracts from the sources right now."""
    return {domain: extract(ROOT, domain) for domain in ("messages", "knowledge")}


def test_committed_templates_and_catalogs_are_what_extraction_gives() -> None:
    """CI's pot-drift check: nothing to update but the creation date."""
    stale = [w.path for w in update(ROOT, dry_run=True) if w.changed]
    assert not stale, "run `electionbot locales update` and commit: " + ", ".join(map(str, stale))


# The interface only: its texts come with the code, so a new one must come translated. A new or
# changed FAQ answer is shown in English with a note until translators get to it (CI's `locales
# check` reports them); that must not fail the suite a maintainer runs.
@pytest.mark.parametrize("domain", ["messages"])
@pytest.mark.parametrize("lang", ["be", "ru", "en"])
def test_every_message_is_translated(templates: dict[str, Catalog], lang: str,
                                     domain: str) -> None:
    catalog = read(lang, domain)
    problems = []
    for message in templates[domain]:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        if found is None or not is_translated(found, lang):
            problems.append(f"not translated: {message.context or ''} {message.id!r:.70}")
    assert not problems, f"{lang}/{domain}: run `electionbot locales update` and translate:\n" \
        + "\n".join(problems)


def test_english_catalogs_need_no_copies() -> None:
    """An empty English msgstr is the source text: no hand copying, no drift."""
    for domain in ("messages", "knowledge"):
        catalog = read("en", domain)
        assert all(not any(m.string if isinstance(m.string, tuple) else (m.string,))
                   for m in catalog if m.id)
    catalogs = load_catalogs(LOCALES)
    assert catalogs["en"].gettext("Choose your language:") == "Choose your language:"
    assert catalogs["en"].ngettext("Source", "Sources", 2) == "Sources"


@pytest.mark.parametrize("domain", ["messages", "knowledge"])
@pytest.mark.parametrize("lang", ["be", "ru"])
def test_placeholders_and_paragraphs_match_the_source(lang: str, domain: str) -> None:
    for message in read(lang, domain):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        want = sorted(PLACEHOLDER.findall(ids[0]))
        for s in strings:
            assert sorted(PLACEHOLDER.findall(s)) == want, (lang, message.id, s)
            assert s.count("\n\n") == ids[0].count("\n\n"), (lang, message.id)


def test_plural_forms_for_slavic_languages() -> None:
    for lang in ("be", "ru"):
        catalog = read(lang, "messages")
        assert catalog.num_plurals == 3
        plural = [m for m in catalog if isinstance(m.id, tuple)]
        assert plural and all(len(m.string) == 3 for m in plural)
    catalogs = load_catalogs(LOCALES)
    singular = "Stored question texts are deleted after %(days)d day."
    plural_ = "Stored question texts are deleted after %(days)d days."
    for lang, words in (("ru", ("день", "дня", "дней")), ("be", ("дзень", "дні", "дзён"))):
        said = [catalogs[lang].ngettext(singular, plural_, n) % {"days": n} for n in (21, 3, 90)]
        assert [s.split()[-1].rstrip(".") for s in said] == list(words), said


def test_extractor_gives_context_and_comments(kb: KnowledgeBase) -> None:
    path = ROOT / "knowledge" / "enemo.yaml"
    with path.open("rb") as fp:
        items = list(extract_knowledge(fp, [], [], {}))
    contexts = {messages[0]: (messages[1], comments) for _, _, messages, comments in items}
    answer, comments = contexts["enemo-about"]
    assert answer == kb.entries["enemo-about"].answer
    assert "enemo-about" in comments[0] and "Source:" in comments[0]
    assert contexts["topic:enemo"][0] == kb.topic("enemo").title  # type: ignore[union-attr]
    assert "source" in contexts


def test_extractor_ignores_lexicon_and_broken_files(tmp_path: Path) -> None:
    for text in ("groups: []\n", "topic: [unclosed\n", ""):
        (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
        with (tmp_path / "x.yaml").open("rb") as fp:
            assert list(extract_knowledge(fp, [], [], {})) == []


def test_editing_an_answer_makes_its_translations_fuzzy(tmp_path: Path) -> None:
    """The standard gettext workflow catches stale translations."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "knowledge", repo / "knowledge")
    shutil.copytree(LOCALES, repo / "locales")
    shutil.copy(ROOT / "babel.cfg", repo / "babel.cfg")
    enemo = repo / "knowledge" / "enemo.yaml"
    enemo.write_text(enemo.read_text(encoding="utf-8").replace(
        "ENEMO is an international network", "ENEMO is a large international network"),
        encoding="utf-8")
    pybabel("extract", "-F", "babel.cfg", "-o", "locales/knowledge.pot", "knowledge", cwd=repo)
    pybabel("update", "-D", "knowledge", "-i", "locales/knowledge.pot", "-d", "locales",
            cwd=repo)
    with (repo / "locales/be/LC_MESSAGES/knowledge.po").open("rb") as fp:
        be = read_po(fp, locale="be")
    edited = [m for m in be if m.context == "enemo-about"]
    assert len(edited) == 1 and edited[0].fuzzy
    catalogs = load_catalogs(repo / "locales")
    assert catalogs["be"].is_stale("enemo-about", edited[0].id)


def test_missing_catalog_fails_loudly(tmp_path: Path) -> None:
    shutil.copytree(LOCALES, tmp_path / "locales")
    (tmp_path / "locales/be/LC_MESSAGES/knowledge.po").unlink()
    with pytest.raises(I18nError, match=r"missing catalog .*knowledge\.po"):
        load_catalogs(tmp_path / "locales")
    shutil.rmtree(tmp_path / "locales/ru")
    with pytest.raises(I18nError, match="no catalogs for ru"):
        load_catalogs(tmp_path / "locales")


def test_broken_catalog_fails_loudly(tmp_path: Path) -> None:
    shutil.copytree(LOCALES, tmp_path / "locales")
    (tmp_path / "locales/ru/LC_MESSAGES/messages.po").write_text("garbage, not a catalog\n",
                                                                 encoding="utf-8")
    with pytest.raises(I18nError, match="broken catalog"):
        load_catalogs(tmp_path / "locales")


def test_language_names_are_native() -> None:
    catalogs = load_catalogs(LOCALES)
    assert catalogs["be"].name == "Беларуская"
    assert catalogs["ru"].name == "Русский"
    assert catalogs["en"].name == "English"


def test_a_string_left_open_is_a_broken_catalog(tmp_path: Path) -> None:
    """babel reads `msgstr "...` without its closing quote; msgfmt and the bot refuse it."""
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    po = locales / "be" / "LC_MESSAGES" / "messages.po"
    lines = po.read_text("utf-8").splitlines()
    n = next(i for i, line in enumerate(lines)
             if line.startswith('msgstr "') and len(line) > 12 and i > 20)
    lines[n] = lines[n].rstrip('"')
    po.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(I18nError, match=rf"messages.po:{n + 1}: a string is not closed"):
        load_catalogs(locales)
    checked = subprocess.run([sys.executable, "-m", "bot", "locales", "check",
                              "--locales", str(locales)], capture_output=True, text=True)
    assert checked.returncode != 0 and f"messages.po:{n + 1}" in checked.stdout + checked.stderr
