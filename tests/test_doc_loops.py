"""The maintainer's and the translator's quick starts, run as written, in a copy of the checkout.

The commands come from the docs themselves (the backticked `.venv/bin/...` and `msgfmt ...` of
each **Quick start**), so a doc that drifts from the tools fails here. Placeholders (`<lang>`,
"your test question") are filled in; the edits a person makes between commands are made here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog_update import render
from bot.i18n import read_catalog

from .conftest import ROOT
from .helpers import edit

pytestmark = pytest.mark.slow

COMMAND = re.compile(r"`((?:\.venv/bin/|msgfmt |for po )[^`]+)`")


def quick_start(doc: str) -> list[str]:
    """The commands of a document's **Quick start** list, in order."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    block = text[text.index("**Quick start**"):]
    block = block[:block.index("\n\n")]
    return COMMAND.findall(block)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the repository, set up as the README's command leaves it (.venv included)."""
    if not shutil.which("msgfmt"):
        pytest.fail("GNU gettext's msgfmt is missing: apt-get install gettext (CI does)")
    for name in ("bot", "knowledge", "locales", "docs"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "babel.cfg", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    assert (tmp_path / ".venv" / "bin" / "electionbot").exists(), "run the README's set-up"
    return tmp_path


def sh(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)


NEW_ENTRY = '''  - id: test-penguin
    questions:
      be: ["Хто такі тэставы пінгвін?", "Тэставы пінгвін"]
      ru: ["Кто такой тестовый пингвин?", "Тестовый пингвин"]
      en: ["Who is the test penguin?", "Test penguin"]
    answer: The test penguin is a made-up entry that only this test adds.
    sources:
      - title: "A test"
'''


def test_the_maintainers_quick_start_works_as_written(checkout: Path) -> None:
    steps = quick_start("maintaining-knowledge.md")
    assert [s.split()[1:3] for s in steps] == [["kb", "check"], ["ask", '"your'],
                                               ["locales", "update"]], steps
    check, ask, update = steps
    # 1. edit: a phrasing for an existing entry, and a new entry
    kb = checkout / "knowledge"
    edit(kb / "enemo.yaml", '        - "Which Belarusian organizations are in ENEMO?"\n',
         '        - "Which Belarusian organizations are in ENEMO?"\n'
         '        - "What is Viasna?"\n')
    (kb / "enemo.yaml").write_text((kb / "enemo.yaml").read_text("utf-8") + NEW_ENTRY,
                                   encoding="utf-8")
    # 2. kb check reads the edited copy and says so
    checked = sh(check, checkout)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"knowledge: {checkout / 'knowledge'} (the checkout in the current directory)" in \
        checked.stderr
    shipped = sh(check, ROOT).stdout.splitlines()[-1]
    entries = int(re.search(r"(\d+) entries", shipped).group(1))  # type: ignore[union-attr]
    phrasings = int(re.search(r"(\d+) phrasings", shipped).group(1))  # type: ignore[union-attr]
    assert f"{entries + 1} entries, {phrasings + 7} phrasings" in checked.stdout
    assert "test-penguin" in checked.stdout and "has no 'be' translation" in checked.stdout
    # 3. ask: the new entry answers, in every language
    for question, expected in (("Who is the test penguin?", "made-up entry"),
                               ("Кто такой тестовый пингвин?", "made-up entry"),
                               ("What is Viasna?", "Viasna")):
        answered = sh(ask.replace("your test question", question), checkout)
        assert answered.returncode == 0 and expected in answered.stdout, answered.stdout
    # 4. the catalogs get the new texts for translators
    updated = sh(update, checkout)
    assert updated.returncode == 0, updated.stderr
    pot = (checkout / "locales" / "knowledge.pot").read_text("utf-8")
    assert 'msgctxt "test-penguin"' in pot
    be = (checkout / "locales/be/LC_MESSAGES/knowledge.po").read_text("utf-8")
    assert 'msgctxt "test-penguin"' in be
    # nothing else moved: the interface catalogs are untouched
    for lang in ("be", "ru", "en"):
        path = f"locales/{lang}/LC_MESSAGES/messages.po"
        assert (checkout / path).read_bytes() == (ROOT / path).read_bytes()


def test_the_translators_quick_start_works_as_written(checkout: Path) -> None:
    steps = quick_start("translating.md")
    assert [s.split()[:3] for s in steps] == [
        [".venv/bin/electionbot", "locales", "update"], [".venv/bin/electionbot", "locales",
                                                         "check"],
        [".venv/bin/electionbot", "locales", "check"], ["for", "po", "in"]], steps
    update, check, check_again, msgfmt = steps
    before = {p: p.read_bytes() for p in (checkout / "locales").rglob("*.po*")}
    # whatever state the catalogs are in (a new entry not translated yet, a new language...),
    # translating the change below brings them back to it
    baseline = sh(check_again, checkout)
    languages = sorted(p.name for p in (checkout / "locales").iterdir()
                       if (p / "LC_MESSAGES").is_dir())
    # a maintainer changes an answer
    edit(checkout / "knowledge" / "enemo.yaml", "ENEMO is an international network",
         "ENEMO is a large international network")
    # 1. update: the changed text is fuzzy, with the old English; nothing else changes
    assert sh(update, checkout).returncode == 0
    changed = {p.relative_to(checkout).as_posix() for p, data in before.items()
               if p.read_bytes() != data}
    assert changed == {"locales/knowledge.pot", *(f"locales/{lang}/LC_MESSAGES/knowledge.po"
                                                  for lang in languages)}
    be_path = checkout / "locales/be/LC_MESSAGES/knowledge.po"
    be_text = be_path.read_text("utf-8")
    assert '#| msgid ""\n#| "According to the article, ENEMO is an international network' in be_text
    assert "PROJECT" not in (checkout / "locales/knowledge.pot").read_text("utf-8")
    en = read_catalog(checkout / "locales/en/LC_MESSAGES/knowledge.po", "en")
    assert not next(m for m in en if m.context == "enemo-about").fuzzy  # English: no copying
    assert "up to date" in sh(update, checkout).stdout  # a second run changes nothing
    # 2. check: flagged where a translation is needed, and only there
    flagged = sh(check, checkout)
    assert flagged.returncode == 1 and flagged.stdout != baseline.stdout
    assert "fuzzy (source changed, check and unmark): [enemo-about]" in flagged.stdout
    en_line = next(line for line in flagged.stdout.splitlines() if "en knowledge" in line)
    assert en_line.endswith("OK") and "100.0%" in en_line
    # 3. translate: fix the two translations, unmark them
    for lang, old, new in (("be", "міжнародная сетка", "вялікая міжнародная сетка"),
                           ("ru", "международная сеть", "большая международная сеть")):
        path = checkout / f"locales/{lang}/LC_MESSAGES/knowledge.po"
        catalog = read_catalog(path, lang)
        message = next(m for m in catalog if m.context == "enemo-about")
        assert old in message.string
        message.string = message.string.replace(old, new, 1)
        message.flags.discard("fuzzy")
        path.write_bytes(render(catalog))
    # 4. check again, and GNU gettext's own check
    final = sh(check_again, checkout)
    # each catalog's verdict and counts (an edit leaves the old English as an obsolete entry,
    # issue 19 §1.5; a language in progress lists its untranslated texts, the new one among them)
    def verdicts(out: str) -> list[str]:
        return [re.sub(r"obsolete +\d+", "obsolete", line) for line in out.splitlines()
                if not line.startswith("     ")]

    assert (final.returncode, verdicts(final.stdout)) == (baseline.returncode,
                                                          verdicts(baseline.stdout))
    assert "fuzzy (source changed, check and unmark): [enemo-about]" not in final.stdout
    gnu = sh(msgfmt.replace("<lang>", "be"), checkout)
    assert gnu.returncode == 0 and gnu.stdout == gnu.stderr == "", gnu.stderr
    # the bot answers with the new translation
    answer = sh('.venv/bin/electionbot ask --lang be "Што такое ENEMO?"', checkout)
    assert "вялікая міжнародная сетка" in answer.stdout
