"""Start-up failures as an operator sees them: one or two lines, a documented exit code."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import errors
from bot.cli.main import main
from bot.service import startup
from bot.storage import Storage, key_file_for

from .conftest import ROOT, TOKEN
from .fakebotapi import FakeBotAPI
from .helpers import free_port

pytestmark = pytest.mark.e2e

OTHER_TOKEN = "7000000002:AAAnotherTokenTelegramDoesNotKnow0000"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """A clean environment for `electionbot run`, logging left to pytest."""
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "ELECTIONBOT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ELECTIONBOT_CONNECT_TIMEOUT", "1.5")
    monkeypatch.setattr("bot.logs.configure_logging", lambda *a, **k: None)
    monkeypatch.setattr(startup, "LOCK_WAIT", 0.2)
    return {}


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["run", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err and TOKEN not in err and TOKEN.split(":")[1] not in err
    lines = [line for line in err.splitlines() if line.startswith(("electionbot", "  "))]
    assert 1 <= len(lines) <= 2, err  # one or two lines
    return code, err


@pytest.fixture
def closed_port() -> int:
    return free_port()  # closed again: nothing listens there


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers: a Bot API that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


# --- settings ------------------------------------------------------------------------------------

def test_no_token(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    code, err = run_main(capsys)
    assert code == errors.USAGE == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in err and "@BotFather" in err
    assert ".env" not in err  # no file the image lacks


@pytest.mark.parametrize("token", ["abc", "123456789", "123:short", f"{TOKEN} extra"])
def test_malformed_token(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str], token: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    code, err = run_main(capsys)
    assert code == 2 and "does not look like a bot token" in err
    assert token not in err.replace("TELEGRAM_BOT_TOKEN", "")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("ELECTIONBOT_METRICS_ADDR", "localhost:http", "ELECTIONBOT_METRICS_ADDR must be"),
    ("ELECTIONBOT_CONCURRENCY", "0", "ELECTIONBOT_CONCURRENCY must be"),
    ("ELECTIONBOT_CONNECT_TIMEOUT", "soon", "ELECTIONBOT_CONNECT_TIMEOUT must be"),
    ("ELECTIONBOT_LOG_FORMAT", "xml", "ELECTIONBOT_LOG_FORMAT must be plain or json"),
    ("TELEGRAM_BASE_URL", "http://127.0.0.1:8081", "TELEGRAM_BASE_URL must be an http(s) address"),
    ("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/", "ending in /bot"),
    ("TELEGRAM_BASE_URL", "127.0.0.1:8081/bot", "TELEGRAM_BASE_URL must be"),
])
def test_malformed_settings(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str], name: str, value: str,
                            message: str) -> None:
    monkeypatch.setenv(name, value)
    code, err = run_main(capsys)
    assert code == 2 and message in err


# --- knowledge and catalogs ----------------------------------------------------------------------

def test_missing_knowledge(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setenv("ELECTIONBOT_KB", str(tmp_path / "nowhere"))
    code, err = run_main(capsys)
    assert code == errors.KNOWLEDGE == 3
    assert "the knowledge base in" in err and "nowhere" in err and "electionbot kb check" in err


def test_broken_knowledge(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("topic: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("ELECTIONBOT_KB", str(tmp_path))
    code, err = run_main(capsys)
    assert code == 3 and "bad.yaml" in err


def test_broken_catalogs(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setenv("ELECTIONBOT_LOCALES", str(tmp_path))
    code, err = run_main(capsys)
    assert code == 3 and "the catalogs in" in err and "electionbot locales check" in err


# --- database ------------------------------------------------------------------------------------

def corrupt(path: Path) -> None:
    Storage(path).close()
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # the second page: a table's b-tree
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.mkdir(), "it is a directory"),
    (lambda p: p.write_bytes(os.urandom(8192)), "it is not an SQLite database"),
    (lambda p: p.write_text("hello, I am a text file\n"), "it is not an SQLite database"),
    (lambda p: (Storage(p).close(), p.write_bytes(p.read_bytes()[:3000])), "it is corrupt"),
    (corrupt, "it is corrupt"),
])
def test_unusable_database_is_left_untouched(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             make: object, message: str) -> None:
    db = tmp_path / "bot.sqlite3"
    make(db)  # type: ignore[operator]
    before = db.read_bytes() if db.is_file() else None
    monkeypatch.setenv("ELECTIONBOT_DB", str(db))
    code, err = run_main(capsys)
    assert code == errors.DATABASE == 4
    assert f"the database {db} cannot be used: {message}" in err
    assert (db.read_bytes() if db.is_file() else None) == before
    assert not Path(f"{db}-wal").exists() or before is None


def test_database_path_that_cannot_exist(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    for path in ("/proc/nope/x.sqlite3", str(tmp_path / "file" / "x.sqlite3")):
        (tmp_path / "file").write_text("a file, not a directory")
        monkeypatch.setenv("ELECTIONBOT_DB", path)
        code, err = run_main(capsys)
        assert code == 4 and f"the database {path} cannot be used" in err
        assert "ELECTIONBOT_DB" in err


def test_database_from_a_newer_version(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    Storage(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    monkeypatch.setenv("ELECTIONBOT_DB", str(db))
    code, err = run_main(capsys)
    assert code == 4 and "schema version 99, newer than this program's" in err
    assert "upgrade electionbot" in err


def test_locked_database_stops_before_telegram(env: dict[str, str],
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    Storage(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with FakeBotAPI(token=TOKEN) as api:
            monkeypatch.setenv("ELECTIONBOT_DB", str(db))
            monkeypatch.setenv("TELEGRAM_BASE_URL", api.base_url)
            code, err = run_main(capsys)
            assert api.calls == []  # Telegram was never contacted
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == errors.DATABASE_LOCKED == 5
    assert f"the database {db} is locked by another process" in err


def test_a_second_bot_on_the_same_database_is_refused(env: dict[str, str],
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    with FakeBotAPI(token=TOKEN) as api:
        first = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, text=True, stderr=subprocess.PIPE,
            env={**os.environ, "ELECTIONBOT_DB": str(db), "TELEGRAM_BASE_URL": api.base_url})
        try:
            api.wait_for_sync("getUpdates", timeout=60)  # the first one is running
            monkeypatch.setenv("ELECTIONBOT_DB", str(db))
            monkeypatch.setenv("TELEGRAM_BASE_URL", api.base_url)
            code, err = run_main(capsys)
            assert first.poll() is None  # and goes on
        finally:
            first.terminate()
            first.communicate(timeout=30)
    assert code == errors.DATABASE_LOCKED == 5
    assert f"another electionbot is running with the database {db}" in err
    assert first.returncode == 0
    # once it stopped, the database is free again
    assert startup.lock_instance(db) is not None


# --- Telegram ------------------------------------------------------------------------------------

def test_token_rejected_by_telegram(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with FakeBotAPI(token=OTHER_TOKEN) as api:
        monkeypatch.setenv("TELEGRAM_BASE_URL", api.base_url)
        code, err = run_main(capsys)
    assert code == errors.TELEGRAM_REFUSED == 6
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in err and "@BotFather" in err
    assert not (tmp_path / "xdg" / "electionbot").exists()  # no default database made


@pytest.mark.parametrize("server", ["closed_port", "silent_server"])
def test_telegram_unreachable(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str], tmp_path: Path,
                              request: pytest.FixtureRequest, server: str) -> None:
    port = request.getfixturevalue(server)
    monkeypatch.setenv("TELEGRAM_BASE_URL", f"http://127.0.0.1:{port}/bot")
    started = time.monotonic()
    code, err = run_main(capsys)
    assert time.monotonic() - started < 10  # bounded by ELECTIONBOT_CONNECT_TIMEOUT
    assert code == errors.TELEGRAM_UNREACHABLE == 7
    assert f"cannot reach the Telegram Bot API at http://127.0.0.1:{port} within 1.5 s" in err
    assert "TELEGRAM_BASE_URL" in err
    assert not (tmp_path / "xdg" / "electionbot").exists()  # no default database made


def test_address_in_use(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken, FakeBotAPI(token=TOKEN) as api:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("TELEGRAM_BASE_URL", api.base_url)
        code, err = run_main(capsys, "--webhook-url", f"http://127.0.0.1:{port}/hook",
                             "--listen", "127.0.0.1", "--port", str(port))
        assert api.calls == []
    assert code == errors.LISTEN == 8
    assert f"cannot listen on 127.0.0.1:{port} for the webhook" in err


def test_webhook_url_refused_by_telegram(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str],
                                         closed_port: int) -> None:
    with FakeBotAPI(token=TOKEN) as api:
        api.fail_next("setWebhook", 400, description="Bad Request: bad webhook: Failed to "
                      "resolve host: Name or service not known")
        monkeypatch.setenv("TELEGRAM_BASE_URL", api.base_url)
        code, err = run_main(capsys, "--webhook-url", "http://localhost/hook",
                             "--listen", "127.0.0.1", "--port", str(closed_port))
    assert code == errors.TELEGRAM_REFUSED == 6
    assert "bad webhook" in err.lower() and "--webhook-url" in err


def test_webhook_port_telegram_does_not_call(env: dict[str, str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--webhook-url", "https://bot.example.org:9999/telegram"])
    err = capsys.readouterr().err
    assert code == errors.USAGE == 2
    assert "443, 80, 88 or 8443" in err and "Traceback" not in err


# --- signals and the command line ----------------------------------------------------------------

@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_during_startup_stops_cleanly(silent_server: int, tmp_path: Path,
                                             sig: signal.Signals, code: int) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "ELECTIONBOT_CONNECT_TIMEOUT": "60",
           "TELEGRAM_BASE_URL": f"http://127.0.0.1:{silent_server}/bot",
           "XDG_DATA_HOME": str(tmp_path)}
    env.pop("ELECTIONBOT_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(3)  # well inside the wait for the Bot API
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code, err
    assert f"interrupted by {sig.name} during start-up; stopped cleanly" in err
    assert "Traceback" not in err and not (tmp_path / "electionbot").exists()


def test_version_and_subcommand_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("electionbot 0.")
    with pytest.raises(SystemExit) as done:
        main(["ask", "--frobnicate"])
    err = capsys.readouterr().err
    assert done.value.code == 2
    assert err.startswith("usage: electionbot ask ")
    assert "electionbot ask: error: unrecognized arguments: --frobnicate" in err
    with pytest.raises(SystemExit):
        main(["kb", "gaps", "--nope"])
    assert "usage: electionbot kb gaps " in capsys.readouterr().err


def test_run_help_lists_settings_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    for name in ("TELEGRAM_BOT_TOKEN", "ELECTIONBOT_METRICS_ADDR", "ELECTIONBOT_LOG_FORMAT",
                 "ELECTIONBOT_CONNECT_TIMEOUT", "ELECTIONBOT_CACHE_DIR", "HTTPS_PROXY",
                 "SSL_CERT_FILE", "exit codes"):
        assert name in out


def test_backup_while_the_database_is_in_use(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "bot.sqlite3"
    live = Storage(db)  # open, in WAL mode, as the running bot holds it
    live.record("be", "none", "пытанне без адказу")
    live.set_language(1, "be")
    copy = tmp_path / "copy.sqlite3"
    assert main(["backup", "--db", str(db), str(copy)]) == 0
    assert f"backed up {db} to {copy}" in capsys.readouterr().out
    restored = Storage(copy, key_file=key_file_for(db))  # the key is kept apart from copies
    assert restored.language(1) == "be" and restored.questions()[0].text == "пытанне без адказу"
    restored.close()
    assert copy.stat().st_mode & 0o777 == 0o600  # as private as the database
    assert main(["backup", "--db", str(db), str(copy)]) == 2  # never overwrites
    assert "exists already" in capsys.readouterr().err
    assert main(["backup", "--db", str(db), str(tmp_path / "no" / "such" / "x.sqlite3")]) == 2
    assert "the folder" in capsys.readouterr().err
    live.close()
