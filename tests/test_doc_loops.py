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

from bot.knowledge.catalogs import read_catalog

from .conftest import ROOT

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


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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


def hand_translate(path: Path, context: str, translation: str) -> None:
    """What a person does in a text editor: drop the `#, fuzzy` line of one message (its `#|`
    lines stay) and type the translation on one long line, wrapped by no tool."""
    text = path.read_text("utf-8")
    head = text.index(f'msgctxt "{context}"\n')
    start = text.rindex("\n\n", 0, head) + 2
    end = text.find("\n\n", head)
    end = len(text.rstrip("\n")) if end < 0 else end
    block = text[start:end]
    assert "#, fuzzy\n" in block and "#| msgid" in block, block
    block = block.replace("#, fuzzy\n", "", 1)
    block = block[:block.index("msgstr ")] + f'msgstr "{translation}"'
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")


REWORDED = ("ENEMO, in the words of the article, brings together civic groups from Central and "
            "Eastern Europe that watch elections.")


def test_the_translators_quick_start_works_as_written(checkout: Path) -> None:
    steps = quick_start("translating.md")
    assert [s.split()[:3] for s in steps] == [
        [".venv/bin/electionbot", "locales", "update"], [".venv/bin/electionbot", "locales",
                                                         "check"],
        [".venv/bin/electionbot", "locales", "check"], ["for", "po", "in"],
        [".venv/bin/electionbot", "locales", "update"]], steps
    update, check, check_again, msgfmt, update_check = steps
    assert update_check.endswith("--check")
    before = {p: p.read_bytes() for p in (checkout / "locales").rglob("*.po*")}
    # a maintainer rewrites an answer from scratch: no word-level similarity to go by
    kb = checkout / "knowledge" / "enemo.yaml"
    text = kb.read_text("utf-8")
    start = text.index("ENEMO is an international network")
    start = text.rindex("    answer: >-\n", 0, start)
    end = text.index("    sources:", start)
    kb.write_text(text[:start] + f"    answer: >-\n      {REWORDED}\n" + text[end:], "utf-8")
    # 1. update: the changed text is fuzzy, with the old English; nothing else changes
    assert sh(update, checkout).returncode == 0
    changed = {p.relative_to(checkout).as_posix() for p, data in before.items()
               if p.read_bytes() != data}
    assert changed == {"locales/knowledge.pot", "locales/be/LC_MESSAGES/knowledge.po",
                       "locales/ru/LC_MESSAGES/knowledge.po",
                       "locales/en/LC_MESSAGES/knowledge.po"}
    be_path = checkout / "locales/be/LC_MESSAGES/knowledge.po"
    be_text = be_path.read_text("utf-8")
    assert ('#| msgid ""\n#| "According to an article by the “Human Rights Defenders for Free "\n'
            '#| "Elections” campaign, ENEMO is an international network') in be_text
    be = read_catalog(be_path, "be")
    reworded = next(m for m in be if m.context == "enemo-about")
    assert reworded.fuzzy and "міжнародная сетка" in reworded.string  # the translation stays
    assert "#~" not in be_text  # ... and is not left behind as an obsolete block
    assert "PROJECT" not in (checkout / "locales/knowledge.pot").read_text("utf-8")
    for path in (checkout / "locales").rglob("*.po"):
        head = path.read_text("utf-8")[:800]
        assert "EMAIL@ADDRESS" not in head and "VERSION" not in head, path
    en_path = checkout / "locales/en/LC_MESSAGES/knowledge.po"
    en = read_catalog(en_path, "en")
    assert not next(m for m in en if m.context == "enemo-about").fuzzy  # English: no copying
    assert "#~" not in en_path.read_text("utf-8")  # an English edit leaves nothing behind
    assert "up to date" in sh(update, checkout).stdout  # a second run changes nothing
    # 2. check: flagged where a translation is needed, and only there
    # (the translators' to-do, not a failure: users see the English text with a note meanwhile)
    flagged = sh(check, checkout)
    assert flagged.returncode == 0
    assert "fuzzy (source changed, check and unmark): [enemo-about]" in flagged.stdout
    be_line = next(line for line in flagged.stdout.splitlines() if "be knowledge" in line)
    assert be_line.endswith("PENDING")
    assert flagged.stdout.rstrip().endswith("OK: 4 of 6 catalogs complete")
    en_line = next(line for line in flagged.stdout.splitlines() if "en knowledge" in line)
    assert en_line.endswith("OK") and "100.0%" in en_line
    # 3. translate by hand, as in a text editor: one long line each, `#|` lines left in place
    for lang, new in (("be", "Паводле артыкула, ENEMO аб’ядноўвае грамадскія групы з "
                             "Цэнтральнай і Усходняй Еўропы, якія назіраюць за выбарамі."),
                      ("ru", "Согласно статье, ENEMO объединяет общественные группы из "
                             "Центральной и Восточной Европы, которые наблюдают за выборами.")):
        hand_translate(checkout / f"locales/{lang}/LC_MESSAGES/knowledge.po", "enemo-about",
                       new)
    # 4. check again, GNU gettext's own check, and CI's drift check: all pass as typed
    final = sh(check_again, checkout)
    assert final.returncode == 0 and final.stdout.rstrip().endswith("OK: 6 of 6 catalogs complete")
    gnu = sh(msgfmt, checkout)
    assert gnu.returncode == 0 and gnu.stdout == gnu.stderr == "", gnu.stderr
    drift = sh(update_check, checkout)
    assert drift.returncode == 0 and "up to date" in drift.stdout, drift.stdout
    # the bot answers with the new translation
    answer = sh('.venv/bin/electionbot ask --lang be "Што такое ENEMO?"', checkout)
    assert "аб’ядноўвае грамадскія групы" in answer.stdout, answer.stdout
