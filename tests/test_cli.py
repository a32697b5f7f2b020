"""The command line: ask (text and JSON), batch, chat, kb check and friendly errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.chat import chat_loop
from bot.cli.main import main
from bot.conversation import Conversation
from bot.knowledge.base import KnowledgeBase

from .conftest import ROOT


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, timeout=60, check=False)


@pytest.mark.slow
def test_ask_json_one_question() -> None:
    result = run("ask", "--json", "kto takie enemo")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert set(record) >= {"query", "status", "id", "lang", "score", "suggestions", "text"}
    assert record["query"] == "kto takie enemo"
    assert (record["status"], record["id"], record["lang"]) == ("answer", "enemo-about", "ru")
    assert isinstance(record["score"], float) and record["suggestions"] == []
    assert "ENEMO" in record["text"] and "Источник" in record["text"]


def test_ask_batch_from_stdin_and_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    questions = "What is ENEMO?\n\nКак приготовить борщ?\nENEMO Belarus\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(questions))
    assert main(["ask", "--json", "--batch", "-"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # one record per input line, the blank one included, so that output lines up with input
    assert [r["query"] for r in records] == questions.splitlines()
    assert [r["status"] for r in records] == ["answer", "none", "none", "suggest"]
    assert records[2]["id"] is None and records[2]["lang"] == "ru"
    assert records[3]["id"] is None and records[3]["suggestions"]
    batch = tmp_path / "q.txt"
    batch.write_text(questions, encoding="utf-8")
    assert main(["ask", "--json", "--lang", "be", "--batch", str(batch)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 4 and {r["lang"] for r in records} == {"be"}


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["", "utf-8"])
def test_ask_batch_stdin_refuses_invalid_utf8(encoding: str) -> None:
    """Defect 10: raw bytes reached the JSON, or (PYTHONIOENCODING=utf-8) a traceback."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    result = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--batch", "-"],
                            input=b"What is ENEMO?\n\xff\xfe broken\n", capture_output=True,
                            cwd=ROOT, timeout=60, check=False, env=env)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "line 2 is not UTF-8" in err and "Traceback" not in err
    [record] = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert record["query"] == "What is ENEMO?"


@pytest.mark.slow
def test_ask_plain_text_shows_numbered_buttons() -> None:
    result = run("ask", "--lang", "en", "Што такое ENEMO?")
    assert result.returncode == 0
    assert result.stdout.startswith("What is ENEMO?") and "[1] " in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("args", "message"), [
    (["ask", "--lang", "de", "hi"], "unknown language 'de'"),
    (["ask", "--batch", "/no/such/file"], "cannot read /no/such/file"),
    (["ask"], "nothing to ask"),
    (["ask", "--kb", "/no/such/dir", "hi"], "is not a directory"),
])
def test_user_errors_are_one_line_without_traceback(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_kb_check(tmp_path: Path, kb: KnowledgeBase) -> None:
    ok = run("kb", "check")
    assert ok.returncode == 0
    # the shipped base's warnings (a new entry not translated yet) are for `kb check --strict`
    assert ok.stdout.splitlines()[-1].startswith("OK: 0 error(s), ")
    assert f" {len(kb.entries)} entries" in ok.stdout.splitlines()[-1]
    (tmp_path / "bad.yaml").write_text("topic: bad\ntitle: Bad\nentries:\n  - id: x\n",
                                       encoding="utf-8")
    bad = run("kb", "check", "--kb", str(tmp_path))
    assert bad.returncode == 1 and "error: bad.yaml:4: entry 'x':" in bad.stdout
    assert bad.stdout.splitlines()[-1].startswith("FAILED: ") and "Traceback" not in bad.stderr


def test_chat_shows_buttons_and_takes_numbers(conversation: Conversation) -> None:
    out = io.StringIO()
    chat_loop(conversation, None, iter(["Што такое ENEMO?", "1", "/topics", "99", "/quit"]),
              out)
    screen = out.getvalue()
    be = conversation.kb.entries
    assert be["enemo-about"].question("be") in screen
    first_related = be["enemo-about"].related[0]
    assert conversation.button_label(first_related, "be") in screen  # offered as [1]
    assert be[first_related].question("be") in screen  # then answered, under its heading
    assert "[1] " in screen


@pytest.mark.slow
def test_python_dash_m_matches_the_console_script() -> None:
    result = run("--help")
    assert result.returncode == 0 and "chat" in result.stdout and "ask" in result.stdout


def test_chat_offers_the_telegram_pages_and_explains_mistakes(
        conversation: Conversation) -> None:
    out = io.StringIO()
    chat_loop(conversation, "en", iter(["/privacy", "/forget", "1", "/nosuch", "/topics",
                                        "99", "/quit"]), out)
    screen = out.getvalue()
    assert "What I store" in screen and "90 days" in screen
    assert "Yes, delete" in screen and "Nothing about you is stored" in screen
    assert "don't know that command" in screen
    topics = len(conversation.kb.topics)
    assert f"a number from 1 to {topics}" in screen
    assert "I don't know the answer" not in screen  # no mistake was taken for a question


def test_a_wrong_number_keeps_the_choices_on_screen(conversation: Conversation) -> None:
    def last_screen(lines: list[str]) -> str:
        out = io.StringIO()
        chat_loop(conversation, "en", iter([*lines, "/quit"]), out)
        return out.getvalue().split("\n> ")[-2]

    assert last_screen(["/topics", "99", "1"]) == last_screen(["/topics", "1"])
    assert "[1] " in last_screen(["/topics", "99"])
    # a year is a question, not a choice
    assert "no choice with that number" not in last_screen(["/topics", "1998"])
