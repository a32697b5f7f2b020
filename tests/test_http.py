"""The Bot API client (bot/service/http.py): errors as python-telegram-bot expects them, proxies."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from telegram.error import NetworkError, TimedOut
from yarl import URL

from bot.errors import UsageError
from bot.service.http import AiohttpRequest, env_proxy, tls_context
from bot.telegram.delivery import never_arrived

from .conftest import TOKEN
from .fakebotapi import FakeBotAPI
from .helpers import free_port

pytestmark = pytest.mark.e2e


async def failure_of(request: AiohttpRequest, url: str) -> NetworkError:
    """What a POST to `url` raises."""
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.post(url)
    finally:
        await request.shutdown()
    return caught.value


def test_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    assert env_proxy(URL("https://api.telegram.org/bot1:x/getMe"))[0] == URL(
        "http://proxy.example:3128")
    assert env_proxy(URL("http://127.0.0.1:8081/bot1:x/getMe")) == (None, None)
    monkeypatch.delenv("HTTPS_PROXY")
    assert env_proxy(URL("https://api.telegram.org/bot1:x/getMe")) == (None, None)


async def test_answers_come_back_as_status_and_body(api: FakeBotAPI) -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        code, body = await request.do_request(f"{api.base_url}{api.token}/getMe", "POST")
    finally:
        await request.shutdown()
    assert code == 200 and json.loads(body)["result"]["is_bot"] is True


async def test_a_refused_connection_certainly_never_arrived() -> None:
    port = free_port()  # closed again: nothing listens there
    failure = await failure_of(AiohttpRequest(connect_timeout=2),
                               f"http://127.0.0.1:{port}/bot1:x/sendMessage")
    assert isinstance(failure, NetworkError) and not isinstance(failure, TimedOut)
    assert isinstance(failure.__cause__, aiohttp.ClientConnectorError)
    assert never_arrived(failure)


async def test_a_slow_answer_may_have_arrived() -> None:
    """A read timeout: the request was sent, so it must not be repeated blindly."""
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1000)
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        failure = await failure_of(AiohttpRequest(read_timeout=0.3, write_timeout=0.3),
                                   f"http://127.0.0.1:{port}/bot1:x/sendMessage")
    finally:
        server.close()
    assert isinstance(failure, TimedOut)
    assert not never_arrived(failure)


def test_certificates_are_bundled_or_named_by_the_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    assert tls_context().cert_store_stats()["x509_ca"] > 50  # certifi's bundle
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(UsageError) as caught:
        tls_context()
    assert "SSL_CERT_FILE" in str(caught.value) and caught.value.exit_code == 2


def test_a_wrong_certificate_setting_stops_run_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "SSL_CERT_FILE": str(tmp_path / "no.pem"),
           "ELECTIONBOT_DB": str(tmp_path / "bot.sqlite3")}
    done = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "SSL_CERT_FILE" in done.stderr and "Traceback" not in done.stderr
    assert TOKEN not in done.stderr
