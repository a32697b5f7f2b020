"""Maintainers' and translators' tools: kb check, kb gaps, locales check, a new language."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from bot.authoring.catalog_check import check_locales
from bot.authoring.lint import check
from bot.conversation import Conversation
from bot.knowledge.catalogs import load_catalogs
from bot.storage import Storage

from .conftest import ROOT
from .helpers import copy_checkout, edit

pytestmark = pytest.mark.slow


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, check=False)


def pybabel(*args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=cwd,
                   check=True, capture_output=True, timeout=120)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A throw-away copy of what maintainers and translators edit."""
    return copy_checkout(tmp_path)


# --- kb check ------------------------------------------------------------------------------

def test_the_shipped_base_has_no_errors() -> None:
    """Errors break the bot; warnings (an entry not translated yet) are the content's progress,
    which CI's `kb check --strict` reports, not the test suite."""
    result = run("kb", "check")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("OK: 0 error(s), ")


def test_lint_finds_what_users_would_suffer_from(repo: Path) -> None:
    kb = repo / "knowledge"
    # a phrasing of one entry that really belongs to another: a collision
    edit(kb / "enemo.yaml", '        - "In which countries does ENEMO observe elections?"\n',
         '        - "In which countries does ENEMO observe elections?"\n'
         '        - "Which Belarusian organizations are members of ENEMO?"\n')
    # a phrasing too vague to belong to one entry
    edit(kb / "partners.yaml", "    questions:\n      be:\n",
         "    questions:\n      be:\n        - \"Беларусь\"\n")
    # a translation made stale by an edit, one missing, one cut short
    edit(kb / "enemo.yaml", "ENEMO is an international network", "ENEMO is a network")
    po = repo / "locales" / "ru" / "LC_MESSAGES" / "knowledge.po"
    with po.open("rb") as fp:
        catalog = read_po(fp, locale="ru")
    countries = next(m for m in catalog if m.context == "enemo-countries")
    countries.string = ""
    members = next(m for m in catalog if m.context == "enemo-belarus-members")
    members.string = members.string[:40]
    with po.open("wb") as fp:
        write_po(fp, catalog)
    report = check(kb, repo / "locales")
    codes = {(f.code, f.entry_id) for f in report.findings}
    collision = next(f for f in report.findings if f.code == "collision")
    assert collision.entry_id == "enemo-countries" and "enemo-belarus-members" in str(collision)
    assert ("vague-phrasing", "aceeeo-membership") in codes
    # the twin phrasings can no longer both be answered: the self-test shows it
    assert {e for c, e in codes if c == "self-test"} & {"enemo-countries",
                                                        "enemo-belarus-members"}
    assert ("translation-missing", "enemo-countries") in codes
    assert ("translation-short", "enemo-belarus-members") in codes
    # the edited English answer has no translation at all until `pybabel update` runs
    assert ("translation-missing", "enemo-about") in codes
    assert report.exit_code() == (1 if report.count("error") else 0)
    assert report.exit_code(strict=True) == 1
    by_code = {f.code: f for f in report.findings}
    vague = by_code["vague-phrasing"]
    assert vague.file == "partners.yaml" and vague.line and "'Беларусь'" in str(vague)


def test_lint_reports_stale_translations_after_pybabel_update(repo: Path) -> None:
    edit(repo / "knowledge" / "enemo.yaml", "ENEMO is an international network",
         "ENEMO is a large international network")
    pybabel("extract", "-F", "babel.cfg", "-o", "locales/knowledge.pot", "knowledge", cwd=repo)
    pybabel("update", "-D", "knowledge", "-i", "locales/knowledge.pot", "-d", "locales",
            cwd=repo)
    stale = [f for f in check(repo / "knowledge", repo / "locales").findings
             if f.code == "translation-stale"]
    assert {f.entry_id for f in stale} == {"enemo-about"}
    assert {f.message.split("'")[1] for f in stale} == {"be", "ru"}
    # the translators' to-do, listed; not a failure: users see the English text with a note
    locales = run("locales", "check", "--locales", str(repo / "locales"))
    assert locales.returncode == 0 and "fuzzy" in locales.stdout and "[enemo-about]" in \
        locales.stdout
    assert [line.split()[-1] for line in locales.stdout.splitlines()
            if " knowledge " in line and line.split()[0] in ("be", "ru")] == ["PENDING"] * 2
    strict = run("kb", "check", "--kb", str(repo / "knowledge"), "--locales",
                 str(repo / "locales"), "--strict")
    assert strict.returncode == 0 and "translation-stale" not in strict.stdout, strict.stdout


NEW_ENTRY = """\
  - id: enemo-test-entry
    questions:
      be: ["Ці ёсць у ENEMO тэставы запіс?"]
      ru: ["Есть ли у ENEMO тестовая запись?"]
      en: ["Does ENEMO have a test entry?"]
    answer: "According to the article, this is a made-up entry for a test."
    sources:
      - title: "Test source"
"""


def test_a_new_entry_waiting_for_translators_keeps_ci_green(repo: Path) -> None:
    """The maintainers' quick start: a new English entry, `locales update`, and CI's checks
    pass before translators have done their part; the interface of be/ru must still be whole."""
    edit(repo / "knowledge" / "enemo.yaml", "entries:\n", "entries:\n" + NEW_ENTRY)
    assert run("locales", "update", cwd=repo).returncode == 0
    kb_check = run("kb", "check", "--kb", str(repo / "knowledge"), "--locales",
                   str(repo / "locales"), "--strict")
    assert kb_check.returncode == 0, kb_check.stdout
    assert "enemo-test-entry" in kb_check.stdout  # listed as the translators' to-do
    locales = run("locales", "check", "--locales", str(repo / "locales"))
    assert locales.returncode == 0 and "PENDING" in locales.stdout, locales.stdout
    # an interface message left untranslated in be still fails
    messages = repo / "locales" / "be" / "LC_MESSAGES" / "messages.po"
    text = messages.read_text("utf-8")
    start = text.index('msgid "Nothing was deleted."')
    end = text.index("\n\n", start)
    messages.write_text(text[:start] + 'msgid "Nothing was deleted."\nmsgstr ""' + text[end:],
                        "utf-8")
    assert run("locales", "check", "--locales", str(repo / "locales")).returncode == 1


def test_lint_more_findings_and_json(repo: Path) -> None:
    kb = repo / "knowledge"
    first = '      be:\n        - "Што такое Цэнтральная выбарчая камісія Беларусі?"\n'
    edit(kb / "cec.yaml", first, first + '        - "Што такое Цэнтральная выбарчая камісія '
         'Беларусі?"\n')
    long_answer = "A very long answer. " * 260
    edit(kb / "cec.yaml", "    answer: >-\n      The full official name",
         f"    answer: >-\n      {long_answer}\n      The full official name")
    result = run("kb", "check", "--kb", str(kb), "--locales", str(repo / "locales"),
                 "--format", "json")
    data = json.loads(result.stdout)
    codes = {f["code"] for f in data["findings"]}
    assert {"duplicate-phrasing", "too-long", "translation-missing"} <= codes
    assert data["warnings"] >= 3 and result.returncode == 0
    strict = run("kb", "check", "--kb", str(kb), "--locales", str(repo / "locales"), "--strict")
    assert strict.returncode == 1 and strict.stdout.rstrip().splitlines()[-1].startswith("FAILED")


def test_schema_errors_exit_1_with_location(repo: Path) -> None:
    edit(repo / "knowledge" / "enemo.yaml", "related: [enemo-countries,", "related: [nope,")
    result = run("kb", "check", "--kb", str(repo / "knowledge"))
    assert result.returncode == 1
    assert "error: enemo.yaml:" in result.stdout and "related id 'nope' does not exist" in \
        result.stdout


def test_language_balance(repo: Path) -> None:
    path = repo / "knowledge" / "cec.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("      en:\n", text.index("id: cec-partners"))
    end = text.index("    answer:", start)
    first = text[start:end].splitlines()[1]
    path.write_text(text[:start] + "      en:\n" + first + "\n" + text[end:], encoding="utf-8")
    codes = {(f.code, f.entry_id) for f in check(repo / "knowledge", repo / "locales").findings}
    assert ("language-balance", "cec-partners") in codes


# --- locales check -------------------------------------------------------------------------

def test_locales_check_on_the_shipped_catalogs() -> None:
    """Every catalog present is checked and none is broken (placeholders, plural forms); how
    much is translated is the content's progress, which CI's `locales check` reports."""
    locales = ROOT / "locales"
    present = {(p.parent.parent.name, p.stem) for p in locales.glob("*/LC_MESSAGES/*.po")}
    statuses = check_locales(locales)
    assert {(s.lang, s.domain) for s in statuses} == present
    assert {s.lang for s in statuses} >= {"be", "ru", "en"}
    assert [(s.lang, s.domain, s.errors) for s in statuses if s.errors] == []
    result = run("locales", "check")
    assert len(result.stdout.splitlines()) >= len(present) and "Traceback" not in result.stderr


def test_locales_check_finds_placeholder_and_plural_problems(repo: Path) -> None:
    failing_before = {(s.lang, s.domain) for s in check_locales(repo / "locales") if not s.ok}
    po = repo / "locales" / "be" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fp:
        catalog = read_po(fp, locale="be")
    for message in catalog:
        if message.id and "%(language)s" in str(message.id):
            message.string = message.string.replace("%(language)s", "%(lang)s")
        if isinstance(message.id, tuple) and "Stored" in message.id[0]:
            message.string = message.string[:2]
    with po.open("wb") as fp:
        write_po(fp, catalog)
    statuses = {(s.lang, s.domain): s for s in check_locales(repo / "locales")}
    be = statuses[("be", "messages")]
    assert not be.ok and statuses[("ru", "messages")].ok
    assert any("placeholders differ" in p for p in be.problems)
    # a plural form dropped (two of Belarusian's three) reads as not translated
    assert "untranslated: 'Stored question texts are deleted after %(days)d day.'" in be.problems
    result = run("locales", "check", "--locales", str(repo / "locales"), "--format", "json")
    assert result.returncode == 1
    failing = {(r["lang"], r["domain"]) for r in json.loads(result.stdout) if not r["ok"]}
    assert failing == failing_before | {("be", "messages")}


# --- kb gaps -------------------------------------------------------------------------------

def test_gaps_groups_similar_questions_and_suggests_yaml(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    storage = Storage(db, today=lambda: "2026-11-20")
    for text, lang in [("Как стать наблюдателем?", "ru"), ("как стать наблюдателем на выборах",
                                                           "ru"),
                       ("Як стаць назіральнікам?", "be"), ("Как приготовить борщ?", "ru")]:
        storage.record(lang, "none", text)
    storage.record("en", "partial", "When was ACEEEO founded?")
    storage.record("en", "answer", "What is ENEMO?")  # answered: counted, text not kept
    storage.feedback("enemo-about", up=False)
    storage.close()
    text = run("kb", "gaps", "--db", str(db))
    assert text.returncode == 0, text.stderr
    first = text.stdout.splitlines()[0]
    assert first.startswith("1. 3 question(s)") and "What is ENEMO" not in text.stdout
    assert "enemo-about: 0/1" in text.stdout
    data = json.loads(run("kb", "gaps", "--db", str(db), "--format", "json").stdout)
    assert [g["count"] for g in data["groups"]] == [3, 1, 1]
    # (a day's texts are stored in no order: a group is named by its first text in sort order)
    assert {min(q["text"] for q in g["questions"]): g["outofscope"] for g in data["groups"]} == {
        "Как стать наблюдателем?": "practical", "Как приготовить борщ?": "off-topic",
        "When was ACEEEO founded?": None}
    assert data["feedback"] == {"enemo-about": {"up": 0, "down": 1}}
    yaml_out = run("kb", "gaps", "--db", str(db), "--format", "yaml").stdout
    import yaml

    blocks = [yaml.safe_load(b) for b in yaml_out.split("\n\n") if b.strip()]
    skeletons = [b[0] for b in blocks if isinstance(b, list)]
    # a question on the base's subjects that it lacks: a skeleton; spam and practical
    # questions only as comments, listed apart
    assert [s["questions"]["en"] for s in skeletons] == [["When was ACEEEO founded?"]]
    assert "# Out of scope" in yaml_out and "#   [ru] Как приготовить борщ?" in yaml_out
    assert yaml_out.index("# Out of scope") > yaml_out.index("When was ACEEEO founded?")
    assert run("kb", "gaps", "--db", str(tmp_path / "none.db")).returncode == 2


def test_question_texts_expire(tmp_path: Path) -> None:
    day = ["2026-01-01"]
    storage = Storage(tmp_path / "x.sqlite3", today=lambda: day[0], retention_days=30)
    storage.record("ru", "none", "old question")
    day[0] = "2026-03-01"
    storage.record("ru", "none", "new question")  # the first question of a day expires old ones
    assert [q.text for q in storage.questions()] == ["new question"]
    assert storage.stats().questions == {"none": 2}  # counters stay
    storage.close()


# --- a fourth language, no code change -----------------------------------------------------

def _fill(po: Path, lang: str, share: float) -> None:
    """Translate at least `share` of a catalog (with the English text, placeholders intact)."""
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=lang)
    messages = [m for m in catalog if m.id]
    for message in messages[:math.ceil(share * len(messages))]:
        if isinstance(message.id, tuple):
            message.string = tuple(message.id[min(i, 1)] for i in range(catalog.num_plurals))
        else:
            message.string = message.id
    with po.open("wb") as fp:
        write_po(fp, catalog)


def test_adding_a_language_is_a_recipe_not_a_code_change(repo: Path) -> None:
    offered = Conversation.load(repo / "knowledge", repo / "locales").catalogs.codes
    verdict = run("locales", "check", cwd=repo).returncode
    result = run("locales", "init", "pl", cwd=repo)
    assert result.returncode == 0, result.stderr
    for wrong in ("pl", "xx"):  # exists already; not a language: a mistake in the call
        again = run("locales", "init", wrong, cwd=repo)
        assert again.returncode == 2 and "Traceback" not in again.stderr, again.stderr
    if not shutil.which("msgfmt"):
        pytest.fail("GNU gettext's msgfmt is missing: apt-get install gettext (CI does)")
    for domain in ("messages", "knowledge"):
        po = repo / "locales" / "pl" / "LC_MESSAGES" / f"{domain}.po"
        checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)],
                                 capture_output=True, text=True, check=False)
        assert checked.returncode == 0 and checked.stderr == "", checked.stderr
    # at 0% the language exists for translators but is not offered to citizens
    assert Conversation.load(repo / "knowledge", repo / "locales").catalogs.codes == offered
    status = run("locales", "check", cwd=repo)
    assert status.returncode == verdict, status.stdout  # a language in progress fails nothing
    assert "pl: hidden from citizens" in status.stdout and "(now 0% and 0%)" in status.stdout
    assert "  pl messages     0.0%  translated   0" in status.stdout
    # all the interface and 70% of the answers: still hidden; 80%: offered
    _fill(repo / "locales" / "pl" / "LC_MESSAGES" / "messages.po", "pl", 1.0)
    _fill(repo / "locales" / "pl" / "LC_MESSAGES" / "knowledge.po", "pl", 0.7)
    assert "pl" in load_catalogs(repo / "locales").hidden
    _fill(repo / "locales" / "pl" / "LC_MESSAGES" / "knowledge.po", "pl", 0.8)
    po = repo / "locales" / "pl" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fp:
        catalog = read_po(fp, locale="pl")
    catalog.get("Choose your language:").string = "Wybierz język:"
    with po.open("wb") as fp:
        write_po(fp, catalog)
    edit(repo / "knowledge" / "enemo.yaml", "      en:\n        - \"What is ENEMO?\"\n",
         "      pl:\n        - \"Czym jest ENEMO?\"\n      en:\n        - \"What is ENEMO?\"\n")
    conv = Conversation.load(repo / "knowledge", repo / "locales")
    assert set(conv.catalogs.codes) == {*offered, "pl"}
    menu = conv.language_menu("pl")
    assert menu.body == "Wybierz język:"
    assert [b.label for row in menu.buttons for b in row][-1] == "Polski"
    chosen = conv.press("setlang:pl", "en")
    assert chosen is not None and chosen.set_language == "pl"
    reply = conv.ask("What is ENEMO?", chosen="pl")
    assert reply.lang == "pl" and reply.heading == "Czym jest ENEMO?"
    assert check(repo / "knowledge", repo / "locales").count("error") == 0


# --- which copy is loaded ------------------------------------------------------------------

def test_a_checkout_wins_over_the_installed_copy(
        repo: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.knowledge import paths

    # as after `pip install .`: the package lives elsewhere, with its own copy of the data
    site = tmp_path_factory.mktemp("site-packages") / "bot"
    (site / "knowledge_data").mkdir(parents=True)
    monkeypatch.setattr(paths, "_PACKAGE", site)
    inside = repo / "knowledge"
    found = paths.resolve_data_dir("knowledge", env={}, cwd=inside)  # from a subdirectory too
    assert found.path == inside and "checkout in the current directory" in found.why
    outside = paths.resolve_data_dir("knowledge", env={}, cwd=tmp_path_factory.mktemp("x"))
    assert outside.path == site / "knowledge_data" and "installed with the package" in outside.why
    env = paths.resolve_data_dir("locales", env={"ELECTIONBOT_LOCALES": "/srv/l"}, cwd=repo)
    assert env.path == Path("/srv/l") and "$ELECTIONBOT_LOCALES" in env.why
    assert paths.resolve_data_dir("locales", "/x", env={}, cwd=repo).path == Path("/x")
    # another project's pyproject.toml is not a checkout of this one
    other = tmp_path_factory.mktemp("other")
    (other / "pyproject.toml").write_text('[project]\nname = "other"\n', encoding="utf-8")
    (other / "knowledge").mkdir()
    assert paths.resolve_data_dir("knowledge", env={}, cwd=other).path == site / "knowledge_data"


def test_kb_check_says_which_copy_it_checked(repo: Path) -> None:
    edit(repo / "knowledge" / "enemo.yaml", '        - "What is ENEMO?"\n',
         '        - "What is ENEMO?"\n        - "What is Viasna about ENEMO?"\n')
    result = run("kb", "check", cwd=repo)
    assert f"knowledge: {repo / 'knowledge'} (the checkout in the current directory)" in \
        result.stderr
    shipped = run("kb", "check").stdout.splitlines()[-1]
    count = int(re.findall(r"(\d+) phrasings", shipped)[0])
    assert f"{count + 1} phrasings" in result.stdout.splitlines()[-1]


# --- kb check's messages --------------------------------------------------------------------

def test_close_entries_name_their_phrasings() -> None:
    note = next(f for f in check(ROOT / "knowledge", ROOT / "locales").findings
                if f.code == "close-entries")
    # each phrasing is named with its language and both scores
    assert re.search(r"'[^']+' \[(be|ru|en)\] \d\.\d\d vs \d\.\d\d", note.message), note.message


def test_all_errors_of_an_entry_are_reported(repo: Path) -> None:
    path = repo / "knowledge" / "enemo.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("      be:\n", text.index("id: enemo-countries"))
    end = text.index("      ru:\n", start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")  # no 'be' phrasings
    edit(path, "related: [enemo-about", "related: [enemo-nowhere")
    result = run("kb", "check", "--kb", str(repo / "knowledge"))
    assert result.returncode == 1
    assert "questions has no 'be' phrasings" in result.stdout
    assert "related id 'enemo-nowhere' does not exist" in result.stdout


# --- labels ---------------------------------------------------------------------------------

def test_labels_are_short_translated_buttons(repo: Path, conversation: Conversation) -> None:
    entry = conversation.kb.entries["observer-invitations"]
    assert entry.label == "Inviting international observers"
    topic = conversation.topic(entry.topic, "be")
    assert topic is not None
    labels = [b.label for row in topic.buttons for b in row]
    assert "Запрашэнне міжнародных назіральнікаў" in labels
    assert all(len(label) <= 40 for label in labels)
    # the heading of the answer stays the full question
    assert conversation.entry(entry.id, "be").heading == entry.question("be")
    # a long first phrasing without a label is reported; a label too long as well
    edit(repo / "knowledge" / "observation.yaml",
         '    label: "Inviting international observers"\n', "")
    edit(repo / "knowledge" / "enemo.yaml",
         "    label: \"ENEMO's requests to observe in Belarus\"\n",
         '    label: "Was ENEMO ever invited to observe any election in Belarus?"\n')
    findings = {(f.code, f.entry_id) for f in check(repo / "knowledge", repo / "locales").findings}
    assert ("label-missing", "observer-invitations") in findings
    assert ("label-long", "enemo-not-invited") in findings
    assert ("translation-missing", "enemo-not-invited") in findings  # the new label text


def test_belarusian_spelling_of_enemo(conversation: Conversation) -> None:
    group = next(g for g in conversation.kb.lexicon.synonyms if g.key == "enemo")
    assert "энэмо" in group.terms  # read as ENEMO directly, not only by typo repair
    reply = conversation.ask("Што такое ЭНЭМО?")
    assert reply.kind == "answer" and reply.entry_id == "enemo-about" and reply.lang == "be"


def test_pot_drift_fails_the_check_and_update_repairs_it(repo: Path) -> None:
    assert run("locales", "update", "--check", cwd=repo).returncode == 0
    # a source line changed without updating the catalogs
    source = next(p for p in (repo / "bot").rglob("*.py") if '"Choose a topic:"' in p.read_text())
    edit(source, '"Choose a topic:"', '"Choose one of the topics:"')
    drift = run("locales", "update", "--check", cwd=repo)
    assert drift.returncode == 1 and "out of date: locales/messages.pot" in drift.stdout
    assert "locales/knowledge.pot" not in drift.stdout
    assert run("locales", "update", cwd=repo).returncode == 0
    assert run("locales", "update", "--check", cwd=repo).returncode == 0
    status = run("locales", "check", cwd=repo)
    assert status.returncode == 1 and "'Choose one of the topics:'" in status.stdout
    outside = run("locales", "update", cwd=repo.parent)
    assert outside.returncode == 2 and "not in an electionbot checkout" in outside.stderr


def test_update_refuses_a_topic_file_it_cannot_read(repo: Path) -> None:
    # extraction would skip the file and the update retire all its translations as obsolete
    before = {p: p.read_bytes() for p in (repo / "locales").rglob("*.po*")}
    with (repo / "knowledge" / "observation.yaml").open("a", encoding="utf-8") as f:
        f.write("    sources:\n            - broken: [\n")
    result = run("locales", "update", cwd=repo)
    assert result.returncode == 3, result.stderr
    assert "observation.yaml:" in result.stderr and "nothing was updated" in result.stderr
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in (repo / "locales").rglob("*.po*")} == before
