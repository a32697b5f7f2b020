"""Issue 18, item 5: floods. One chat's 300 messages in six seconds get at most a burst of
answers and one "please slow down", store at most a burst, and other users keep their latency;
pending work is bounded and stale updates are shed."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.service.concurrency import ChatOrderedProcessor
from bot.service.config import ConfigError, Settings
from bot.service.floods import FloodGuard, Verdict
from bot.service.metrics import Metrics

from .conftest import TOKEN
from .e2e import ask, running, user
from .fakebotapi import FakeBotAPI

SLOW_DOWN_EN = "You're sending messages too fast. Please wait a minute, then try again."


def test_a_bucket_allows_a_burst_then_a_few_a_minute_and_warns_once() -> None:
    now = [0.0]
    guard = FloodGuard(burst=10, per_minute=4, clock=lambda: now[0])
    verdicts = [guard.admit("chat") for _ in range(15)]
    assert verdicts == [Verdict.ANSWER] * 10 + [Verdict.SLOW_DOWN] + [Verdict.DROP] * 4
    assert guard.admit("other chat") is Verdict.ANSWER  # every chat has its own bucket
    now[0] = 14.0
    assert guard.admit("chat") is Verdict.DROP  # 4 a minute: one every 15 s
    now[0] = 20.0  # 1.33 tokens by now
    assert guard.admit("chat") is Verdict.ANSWER
    assert guard.admit("chat") is Verdict.SLOW_DOWN  # a new flood is told again, once
    now[0] = 10_000.0
    assert [guard.admit("chat") for _ in range(11)][-1] is Verdict.SLOW_DOWN  # full again


def test_the_buckets_memory_is_bounded() -> None:
    guard = FloodGuard(remembered=100)
    for chat in range(1000):
        guard.admit(chat)
    assert len(guard) == 100


def test_flood_settings() -> None:
    base = {"TELEGRAM_BOT_TOKEN": TOKEN}
    settings = Settings.from_env(base)
    assert (settings.flood_burst, settings.flood_per_minute) == (10, 4.0)
    custom = Settings.from_env({**base, "ELECTIONBOT_FLOOD_BURST": "3",
                                "ELECTIONBOT_FLOOD_PER_MINUTE": "0.5",
                                "ELECTIONBOT_MAX_PENDING": "50", "ELECTIONBOT_MAX_AGE": "60"})
    assert (custom.flood_burst, custom.flood_per_minute, custom.max_pending,
            custom.max_age) == (3, 0.5, 50, 60.0)
    with pytest.raises(ConfigError, match="ELECTIONBOT_FLOOD_BURST"):
        Settings.from_env({**base, "ELECTIONBOT_FLOOD_BURST": "0"})


async def test_a_flood_gets_a_burst_one_slow_down_and_stores_at_most_a_burst(
        api: FakeBotAPI, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    flooder, other = user(61_000_001, "en"), user(61_000_002, "en")
    async with running(api, db) as app:
        started = time.monotonic()
        for i in range(300):  # 300 messages in six seconds, each one a text the bot keeps
            api.send_text(flooder, f"xyzzy plugh number {i}")
            await asyncio.sleep(0.02)
            if i == 150:  # meanwhile another user asks
                asked = time.monotonic()
                await ask(api, other, "What is ENEMO?")
                other_latency = time.monotonic() - asked
        assert time.monotonic() - started < 12
        await asyncio.sleep(1.0)  # what the bot would still answer
        store = app.bot_data["services"].store
        await store.call(lambda: None)
        counted = store.storage.stats().questions
    sent = [m["text"] for m in api.sent_messages(flooder["id"])]
    assert sent.count(SLOW_DOWN_EN) == 1
    answers = [t for t in sent if t != SLOW_DOWN_EN]
    assert 10 <= len(answers) <= 11  # the burst (and at most one token earned meanwhile)
    assert other_latency < 1.0
    with sqlite3.connect(db) as con:
        stored = con.execute("SELECT COUNT(*) FROM questions WHERE text LIKE 'xyzzy%'"
                             ).fetchone()[0]
    assert stored == len(answers) and sum(counted.values()) == len(answers) + 1
    metrics = app.bot_data["services"].metrics
    assert metrics.dropped.labels("flood")._value.get() >= 280


async def test_the_slow_down_speaks_the_users_language(api: FakeBotAPI, tmp_path: Path,
                                                       conversation: Any) -> None:
    who = user(61_000_003, "ru")
    async with running(api, tmp_path / "bot.sqlite3", flood_burst=2) as app:
        for text in ("раз", "два", "три", "четыре"):
            api.send_text(who, text)
        await api.wait_for("sendMessage", lambda c: "слишком часто" in c.params["text"])
        await api.assert_no_call("sendMessage", lambda c: "слишком часто" in c.params["text"],
                                 within=0.5)
        assert app.bot_data["services"].slow_down == set()
    sent = [m["text"] for m in api.sent_messages(who["id"])]
    assert len(sent) == 3 and sent[-1] == conversation.catalogs["ru"].gettext(SLOW_DOWN_EN)


async def test_a_message_sent_too_long_ago_is_not_answered(api: FakeBotAPI,
                                                          tmp_path: Path) -> None:
    who = user(61_000_004, "en")
    async with running(api, tmp_path / "bot.sqlite3", max_age=60.0):
        api.send_update({"message": {"message_id": 1, "from": who, "text": "What is ENEMO?",
                                     "chat": {"id": who["id"], "type": "private",
                                              "first_name": "Citizen"},
                                     "date": int(time.time()) - 3600}})
        await api.assert_no_call("sendMessage", within=1.0)
        await ask(api, who, "What is ENEMO?")  # a fresh one is


async def test_pending_work_is_bounded() -> None:
    metrics = Metrics()
    processor = ChatOrderedProcessor(1, metrics, max_pending=3)
    release = asyncio.Event()
    ran: list[int] = []

    async def work(i: int) -> None:
        ran.append(i)
        await release.wait()

    tasks = [asyncio.create_task(processor.process_update(Update(i), work(i)))
             for i in range(10)]
    await asyncio.sleep(0.05)
    assert processor.full and processor.pending == 3
    release.set()
    await asyncio.gather(*tasks)
    assert sorted(ran) == [0, 1, 2]  # the rest were dropped, their coroutines closed
    assert metrics.dropped.labels("backlog")._value.get() == 7
    assert processor.pending == 0 and not processor.full


async def test_a_full_backlog_answers_the_webhook_503() -> None:
    import urllib.error
    import urllib.request
    from types import SimpleNamespace

    from bot.telegram.webhook import SECRET_HEADER, Intake, WebServer

    secret = "s" * 40
    processor = SimpleNamespace(full=True)
    app = SimpleNamespace(update_processor=processor, bot=None)
    server = WebServer(intake=Intake(app, secret), webhook_path="/telegram")  # type: ignore[arg-type]
    server.listen("127.0.0.1", 0)
    assert server.server is not None
    port = next(iter(server.server._sockets.values())).getsockname()[1]

    def post() -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/telegram", data=b'{"update_id": 1}', method="POST",
            headers={"Content-Type": "application/json", SECRET_HEADER: secret})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            return int(opener.open(request, timeout=5).status)
        except urllib.error.HTTPError as exc:
            return exc.code

    try:
        assert await asyncio.to_thread(post) == 503  # Telegram comes back later
    finally:
        await server.stop()


async def test_polling_stops_taking_updates_rather_than_dropping_them(
        api: FakeBotAPI, tmp_path: Path) -> None:
    """Above the bound, polling waits (Telegram keeps the updates): nothing is lost."""
    api.delay_next("sendMessage", 0.03, times=1000)
    asked = [api.send_text(user(61_100_000 + i, "en"), "What is ENEMO?") for i in range(40)]
    async with running(api, tmp_path / "bot.sqlite3", max_pending=10, concurrency=1) as app:
        for update in asked:
            await api.wait_for("sendMessage", update.matches, timeout=30)
        metrics = app.bot_data["services"].metrics
        assert metrics.dropped.labels("backlog")._value.get() == 0
    limits = [int(c.params["limit"]) for c in api.calls
              if c.method == "getUpdates" and "limit" in c.params]
    assert limits and max(limits) <= 10
