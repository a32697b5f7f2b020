"""Issue 18, item 9: Telegram's front answering sendMessage with an nginx 502 page, and a 400
logged as what it is."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.service.config import Settings

from .conftest import TOKEN
from .e2e import ADMIN, ask, user
from .fakebotapi import FakeBotAPI
from .test_privacy_at_rest import bot_with

NGINX_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center>"
             b"<h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n"
             b"</html>\r\n")


@asynccontextmanager
async def nginx_front(api: FakeBotAPI, bad_gateways: dict[str, int]) -> AsyncIterator[str]:
    """A reverse proxy in front of the fake Bot API that answers the next N calls of a method
    with nginx's HTML 502 page (the request never reaches the API); its base URL."""
    async def forward(request: web.Request) -> web.Response:
        method = request.path.rsplit("/", 1)[-1]
        if bad_gateways.get(method, 0) > 0:
            bad_gateways[method] -= 1
            return web.Response(status=502, body=NGINX_502, content_type="text/html")
        async with aiohttp.ClientSession() as session, session.request(
                request.method, api.url + request.path_qs, data=await request.read(),
                headers={"Content-Type": request.headers.get("Content-Type", "")}) as resp:
            return web.Response(status=resp.status, body=await resp.read(),
                                content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


async def test_a_reply_answered_twice_by_a_502_page_arrives_once(
        api: FakeBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bad = {"sendMessage": 2}
    async with nginx_front(api, bad) as base_url:
        settings = Settings(token=TOKEN, base_url=base_url, db_path=tmp_path / "bot.sqlite3",
                            admins=frozenset({ADMIN}), delivery_backoff=0.1)
        async with bot_with(api, settings):
            who = user(62_000_001)
            reply = await ask(api, who, "What is ENEMO?")
            await api.assert_no_call("sendMessage", within=0.5)
    assert bad == {"sendMessage": 0}  # both pages were served
    sent = [c for c in api.calls if c.method == "sendMessage"]
    assert sent == [reply]  # once: not lost, not doubled
    assert not [r for r in caplog.records if r.exc_info]  # no traceback
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "502 Bad Gateway" in lines[0] and "retrying" in lines[0], lines
    assert "<html>" not in caplog.text


async def test_a_400_is_logged_as_a_bad_request(api: FakeBotAPI, tmp_path: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    async with bot_with(api, Settings(token=TOKEN, base_url=api.base_url,
                                      db_path=tmp_path / "bot.sqlite3")):
        api.fail_next("sendMessage", 400)
        update = api.send_text(user(62_000_002), "What is ENEMO?")
        await api.wait_for("sendMessage", update.matches)
        await api.assert_no_call("sendMessage", within=0.5)  # a refusal is not repeated
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("refused a request (400 Bad Request)" in line for line in lines), lines
    assert not any("could not be reached" in line for line in lines)
