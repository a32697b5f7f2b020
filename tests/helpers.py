"""Small helpers shared by test modules."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from textwrap import dedent

from bot.answering.matcher import Matcher
from bot.knowledge.base import load_knowledge

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file by `new`; fails when `old` is not there, so that a test
    never goes on with an edit that did not happen."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def copy_checkout(dest: Path) -> Path:
    """A throw-away copy of what maintainers and translators edit (and the code they run)."""
    for name in ("knowledge", "locales"):
        shutil.copytree(ROOT / name, dest / name)
    for name in ("babel.cfg", "pyproject.toml"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "bot", dest / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def shipped_lexicon_matcher(root: Path, topics: dict[str, str],
                            more_synonyms: str = "") -> Matcher:
    """A matcher over topics of a test's own (file name → YAML) with the shipped lexicon (the
    languages' words), and perhaps more synonym groups appended to it."""
    shutil.copytree(ROOT / "knowledge" / "lexicon", root / "lexicon")
    if more_synonyms:
        with (root / "lexicon" / "synonyms.yaml").open("a", encoding="utf-8") as f:
            f.write(more_synonyms)
    for name, text in topics.items():
        (root / name).write_text(dedent(text), encoding="utf-8")
    return Matcher(load_knowledge(root))
