"""A language at 0%, 50% and 100%: translators preview it in the terminal, and it never fails
`kb check --strict` or `locales check` (CI) while unfinished."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import copy_checkout
from .test_maintainers import _fill, run


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return copy_checkout(tmp_path)


def test_an_unfinished_language_previews_and_never_fails_ci(checkout: Path) -> None:
    assert run("locales", "init", "uk", cwd=checkout).returncode == 0
    messages = checkout / "locales" / "uk" / "LC_MESSAGES" / "messages.po"
    knowledge = checkout / "locales" / "uk" / "LC_MESSAGES" / "knowledge.po"
    for ui, kb in ((0.0, 0.0), (1.0, 0.5), (1.0, 0.9), (1.0, 1.0)):
        _fill(messages, "uk", ui)
        _fill(knowledge, "uk", kb)
        strict = run("kb", "check", "--strict", cwd=checkout)
        assert strict.returncode == 0, (ui, kb, strict.stdout)
        assert "no 'uk' translation" not in strict.stdout
        if kb < 1.0:
            assert "'uk' is a language in progress" in strict.stdout
        assert run("locales", "check", cwd=checkout).returncode == 0
        # the terminal speaks it whatever its progress; Telegram's menu decides on its own
        asked = run("ask", "--json", "--lang", "uk", "What is ENEMO?", cwd=checkout)
        assert asked.returncode == 0 and '"lang": "uk"' in asked.stdout, asked.stderr
        chat = subprocess.run([sys.executable, "-m", "bot", "chat", "--lang", "uk"],
                              input="/help\n/quit\n", capture_output=True, text=True,
                              cwd=checkout, timeout=120, check=False)
        assert chat.returncode == 0 and "unknown language" not in chat.stderr, chat.stderr
        if ui < 1.0:
            assert "previewing 'uk'" in asked.stderr
    unknown = run("ask", "--lang", "xx", "What is ENEMO?", cwd=checkout)
    assert unknown.returncode != 0 and "locales init xx" in unknown.stderr
