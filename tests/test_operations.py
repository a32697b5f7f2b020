"""Health, readiness and metrics in both modes, scraped over HTTP and parsed with
prometheus_client's own parser; per-chat order under concurrency; JSON log lines."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram import Update

from bot.logs import REDACTED, JsonLinesFormatter
from bot.service.concurrency import ChatOrderedProcessor
from bot.service.config import Settings
from bot.service.metrics import Metrics
from bot.telegram.runner import Runner

from .conftest import ROOT, TOKEN
from .fakebotapi import FakeBotAPI
from .helpers import free_port

pytestmark = pytest.mark.e2e

QUESTION = "Что такое ENEMO?"
UID = 918273645


def get(url: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except urllib.error.URLError as exc:  # not listening (yet)
        return 0, str(exc.reason)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, parsed by prometheus_client."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(parsed: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:
    return parsed[(name, tuple(sorted(labels.items())))]


def assert_private(*bodies: str) -> None:
    for body in bodies:
        assert QUESTION not in body and str(UID) not in body and TOKEN not in body


def check_scrape(base: str, replies: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, health = get(f"{base}/healthz")
    assert (status, health) == (200, "ok\n")
    status, ready = get(f"{base}/readyz")
    assert status == 200, ready
    assert json.loads(ready) == {"ready": True, "checks": {
        "alive": "ok", "knowledge": "ok", "database": "ok", "bot_api": "ok"}}
    status, text = get(f"{base}/metrics")
    assert status == 200
    assert_private(health, ready, text)
    parsed = samples(text)
    assert value(parsed, "electionbot_replies_total", status="answer") == replies
    assert value(parsed, "electionbot_replies_total", status="none") == 0
    assert value(parsed, "electionbot_updates_total", type="message") >= replies
    assert value(parsed, "electionbot_update_latency_seconds_count", type="message") >= replies
    assert value(parsed, "electionbot_bot_api_requests_total", method="sendMessage",
                 code="200") >= replies
    assert value(parsed, "electionbot_knowledge_entries") > 10
    assert value(parsed, "electionbot_uptime_seconds") > 0
    assert value(parsed, "electionbot_reloads_total", result="failed") == 0
    assert value(parsed, "process_resident_memory_bytes") > 0
    return parsed


async def test_polling_mode_serves_health_and_metrics(api: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(token=TOKEN, base_url=api.base_url, db_path=tmp_path / "bot.sqlite3",
                        metrics_addr=("127.0.0.1", port), watch=False)
    api.fail_next("sendMessage", 500)  # one retry, counted
    runner = Runner(settings, None)
    task = asyncio.create_task(runner.main())
    update = api.send_text(FakeBotAPI.user(UID, first_name="Citizen", language_code="ru"),
                           QUESTION)
    await api.wait_for("sendMessage", lambda c: update.matches(c) and c.ok, timeout=30)
    base = f"http://127.0.0.1:{port}"
    parsed = await asyncio.to_thread(check_scrape, base, 1)
    assert value(parsed, "electionbot_bot_api_errors_total", method="sendMessage",
                 code="500") == 1
    assert value(parsed, "electionbot_delivery_retries_total", method="sendMessage") == 1
    runner.on_signal(signal.SIGTERM)
    assert await asyncio.wait_for(task, 30) == "stopped by SIGTERM"
    # the server went away with the bot
    with pytest.raises(OSError):
        await asyncio.to_thread(urllib.request.build_opener(
            urllib.request.ProxyHandler({})).open, f"{base}/healthz", None, 2)


async def test_readiness_reports_an_unwritable_database(api: FakeBotAPI, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # the probe's cache, 10 s normally
    monkeypatch.setattr("bot.service.health.DB_PROBE_EVERY", 0.5)
    port = free_port()
    db = tmp_path / "bot.sqlite3"
    settings = Settings(token=TOKEN, base_url=api.base_url, db_path=db,
                        metrics_addr=("127.0.0.1", port), watch=False)
    runner = Runner(settings, None)
    task = asyncio.create_task(runner.main())
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        if (await asyncio.to_thread(get, f"{base}/readyz"))[0] == 200:
            break
        await asyncio.sleep(0.1)
    db.unlink()  # the file vanishes under the running bot (a wrong volume, a cleanup script)
    await asyncio.sleep(0.6)
    status, body = await asyncio.to_thread(get, f"{base}/readyz")
    assert status == 503 and json.loads(body)["checks"]["database"] == "database file missing"
    assert (await asyncio.to_thread(get, f"{base}/healthz"))[0] == 200  # alive, not ready
    runner.on_signal(signal.SIGINT)
    assert await asyncio.wait_for(task, 30) == "stopped by SIGINT"


def test_webhook_mode_serves_health_and_metrics_on_the_metrics_address_only(
        api: FakeBotAPI, tmp_path: Path) -> None:
    """Issue 18, item 6: the webhook port is public; the operations endpoints are not on it."""
    port, ops_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url,
           "ELECTIONBOT_DB": str(tmp_path / "hook.sqlite3"), "ELECTIONBOT_LOG_FORMAT": "json",
           "ELECTIONBOT_METRICS_ADDR": f"127.0.0.1:{ops_port}"}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--webhook-url", url,
                             "--listen", "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        api.wait_for_sync("setWebhook", timeout=30)
        update = api.send_text(FakeBotAPI.user(UID, first_name="Citizen", language_code="ru"),
                               QUESTION)
        api.wait_for_sync("sendMessage", lambda c: update.matches(c) and c.ok, timeout=30)
        parsed = check_scrape(f"http://127.0.0.1:{ops_port}", 1)
        assert value(parsed, "electionbot_bot_api_requests_total", method="setWebhook",
                     code="200") == 1
        for path in ("/healthz", "/readyz", "/metrics", "/nothing-here"):
            assert get(f"http://127.0.0.1:{port}{path}")[0] == 404
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert_private(out, err)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any("running as @" in line["message"] for line in lines)
    assert err.splitlines()[-1] == "electionbot: stopped by SIGTERM"


def test_health_subcommand(api: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url,
           "ELECTIONBOT_DB": str(tmp_path / "h.sqlite3"),
           "ELECTIONBOT_METRICS_ADDR": f"0.0.0.0:{port}"}
    probe = [sys.executable, "-m", "bot", "health"]
    down = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert down.returncode == 1 and down.stdout.startswith("unreachable: http://127.0.0.1:")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        api.wait_for_sync("getUpdates", timeout=30)
        up = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=60,
                            check=False)
        assert (up.returncode, up.stdout) == (0, "200 ok\n")
        ready = subprocess.run([*probe, "--ready"], env=env, capture_output=True, text=True,
                               timeout=60, check=False)
        assert ready.returncode == 0 and '"ready": true' in ready.stdout
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "stopped by SIGINT" in err


# --- concurrency ---------------------------------------------------------------------------------

def message(update_id: int, chat: int) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": str(update_id),
        "chat": {"id": chat, "type": "private"},
        "from": {"id": chat, "is_bot": False, "first_name": "x"}}}, None)


async def test_concurrent_updates_keep_each_chats_order() -> None:
    metrics = Metrics()
    processor = ChatOrderedProcessor(4, metrics)
    done: dict[int, list[int]] = {}
    running = peak = 0
    rng = random.Random(5)

    async def handle(chat: int, update_id: int) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(rng.random() / 200)
        done.setdefault(chat, []).append(update_id)
        running -= 1

    sent: dict[int, list[int]] = {}
    tasks = []
    for update_id in range(1, 301):
        chat = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 100])  # chat 100 floods
        chat = 100 if update_id % 2 else chat
        sent.setdefault(chat, []).append(update_id)
        # as Application does: one task per update, created in arrival order
        tasks.append(asyncio.create_task(processor.process_update(
            message(update_id, chat), handle(chat, update_id))))
    await asyncio.gather(*tasks)
    assert done == sent  # nothing lost, each chat in its own order
    assert 1 < peak <= 4  # concurrent, and bounded
    assert processor.chats_waiting == 0  # idle chats forgotten
    assert metrics.updates.labels("message")._value.get() == 300


async def test_a_flooding_chat_does_not_hold_every_slot() -> None:
    processor = ChatOrderedProcessor(2)
    gate = asyncio.Event()
    finished: list[str] = []

    async def slow(name: str) -> None:
        await gate.wait()
        finished.append(name)

    async def quick(name: str) -> None:
        finished.append(name)

    flood = [asyncio.create_task(processor.process_update(message(i, 100), slow(f"f{i}")))
             for i in range(1, 50)]
    other = asyncio.create_task(processor.process_update(message(99, 7), quick("other")))
    await asyncio.wait_for(other, 2)  # served while the flood waits for its first update
    assert finished == ["other"]
    gate.set()
    await asyncio.gather(*flood)
    assert finished[1:] == [f"f{i}" for i in range(1, 50)]


def test_json_log_lines_are_parseable_and_redacted() -> None:
    formatter = JsonLinesFormatter([TOKEN])
    record = logging.LogRecord("bot", logging.WARNING, __file__, 1, "token %s in a message",
                               (TOKEN,), None)
    entry: dict[str, Any] = json.loads(formatter.format(record))
    assert entry["level"] == "WARNING" and entry["logger"] == "bot"
    assert entry["message"] == f"token {REDACTED} in a message"
    assert entry["time"].endswith("+00:00")
