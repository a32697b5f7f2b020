"""The Telegram layer under faults, end to end against the fault-injecting fake Bot API.

Outage lengths are the issue's bounds times ELECTIONBOT_FAULT_SCALE (default 0.2, so that the
suite stays fast; the retry deadline and backoff shrink by the same factor, so the behaviour is the
same). `ELECTIONBOT_FAULT_SCALE=1 pytest -s tests/test_faults.py` measures the full bounds and
prints the figures.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.storage import Storage

from .conftest import TOKEN
from .e2e import ask, button_for, free_port, running, user
from .fakebotapi import Call, FakeBotAPI, QueuedUpdate

pytestmark = pytest.mark.e2e

SCALE = float(os.environ.get("ELECTIONBOT_FAULT_SCALE", "0.2"))
FAST = {"delivery_deadline": 60 * SCALE, "delivery_backoff": 0.5 * SCALE}
APOLOGY = "Sorry, something went wrong"
SECRET_TEXT = "zq-hidden-question-7781"
SECRET_UID = 987654321


def figure(name: str, value: str) -> None:
    print(f"\nFIGURE {name}: {value}")


async def steady_traffic(api: FakeBotAPI, seconds: float, first_uid: int, rate: float = 5.0,
                         text: str = "What is ENEMO?") -> list[QueuedUpdate]:
    """One question every 1/rate seconds, each from a new user (one chat per question)."""
    updates = []
    end = time.monotonic() + seconds
    uid = first_uid
    while time.monotonic() < end:
        updates.append(api.send_text(user(uid), text))
        uid += 1
        await asyncio.sleep(1 / rate)
    return updates


def replies(api: FakeBotAPI) -> Counter[str]:
    return Counter(str(c.params.get("chat_id")) for c in api.calls
                   if c.method == "sendMessage" and c.ok)


async def settle(api: FakeBotAPI, updates: list[QueuedUpdate], timeout: float) -> tuple[int, int]:
    """Wait until every update has a reply (or timeout); (lost, doubled)."""
    deadline = time.monotonic() + timeout
    while True:
        got = replies(api)
        lost = sum(1 for u in updates if got[str(u.chat_id)] == 0)
        if not lost or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # a late duplicate would show up now
    got = replies(api)
    lost = sum(1 for u in updates if got[str(u.chat_id)] == 0)
    doubled = sum(1 for u in updates if got[str(u.chat_id)] > 1)
    return lost, doubled


def latencies(api: FakeBotAPI, updates: list[QueuedUpdate], sent: dict[int, float]) -> list[float]:
    first: dict[str, float] = {}
    for c in api.calls:
        if c.method == "sendMessage" and c.ok:
            first.setdefault(str(c.params.get("chat_id")), c.at)
    return sorted(first[str(u.chat_id)] - sent[u.update_id] for u in updates
                  if str(u.chat_id) in first)


def p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.99))]


# --- delivery ---------------------------------------------------------------------------------

async def test_429_for_30_seconds_loses_and_doubles_nothing(
        api: FakeBotAPI, db: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    outage = 30 * SCALE
    async with running(api, db, **FAST):
        api.fail_for("sendMessage", 429, outage, retry_after=1)
        updates = await steady_traffic(api, outage + 1, first_uid=10_000)
        lost, doubled = await settle(api, updates, timeout=60 * SCALE + 10)
    figure(f"429 for {outage:.0f} s", f"{len(updates)} questions, {lost} lost, "
           f"{doubled} doubled")
    assert (lost, doubled) == (0, 0)
    assert sum(1 for c in api.calls if c.method == "sendMessage" and c.status == 429) > 0
    assert not [r for r in caplog.records if r.exc_info]  # no traceback per 429
    assert len([r for r in caplog.records if "retrying" in r.getMessage()]) <= outage / 10 + 1
    assert not any(APOLOGY in str(c.params.get("text")) for c in api.calls)


async def test_5xx_eight_times_loses_and_doubles_nothing(api: FakeBotAPI, db: Path) -> None:
    async with running(api, db, **FAST):
        api.fail_next("sendMessage", 500, times=4)
        api.fail_next("sendMessage", 502, times=4)
        updates = await steady_traffic(api, 3, first_uid=20_000)
        lost, doubled = await settle(api, updates, timeout=60 * SCALE + 10)
    figure("5xx x8", f"{len(updates)} questions, {lost} lost, {doubled} doubled")
    assert (lost, doubled) == (0, 0)
    assert [c.status for c in api.calls if c.method == "sendMessage"].count(500) == 4


async def test_connection_refused_for_10_seconds_loses_nothing(
        api: FakeBotAPI, db: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    outage = 10 * SCALE
    async with running(api, db, **FAST):
        await ask(api, user(29_999), "What is ENEMO?")
        traffic = asyncio.create_task(steady_traffic(api, outage + 2, first_uid=30_000))
        await asyncio.sleep(0.5)
        resumed = api.refuse_connections(outage)
        updates = await traffic
        await asyncio.to_thread(resumed.join)
        lost, doubled = await settle(api, updates, timeout=60 * SCALE + 30)
    figure(f"connection refused for {outage:.0f} s",
           f"{len(updates)} questions, {lost} lost, {doubled} doubled")
    assert (lost, doubled) == (0, 0)
    # polling's failures are a line a minute, not a traceback per attempt
    assert not [r for r in caplog.records if r.exc_info]
    polling = [r for r in caplog.records if "polling for updates failed" in r.getMessage()]
    assert 1 <= len(polling) <= outage / 60 + 1


async def test_an_update_served_again_is_answered_once(api: FakeBotAPI, db: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """A getUpdates that serves an already-answered update again (a lost confirmation)."""
    caplog.set_level(logging.INFO)
    async with running(api, db, **FAST):
        first = api.send_text(user(31_000), "What is ENEMO?")
        await api.wait_for("sendMessage", lambda c: first.matches(c) and c.ok)
        api.deliver_again(first)
        await ask(api, user(31_001), "What is ACEEEO?")  # polling moved past it
        await ask(api, user(31_002), "What is ENEMO?")
    assert replies(api)[str(first.chat_id)] == 1
    assert api.delivered(first)
    assert any(f"update {first.update_id} arrived again" in r.getMessage()
               for r in caplog.records)


async def test_a_read_timeout_never_doubles_an_answer(api: FakeBotAPI, db: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """Defect 3: the first sendMessage reached Telegram; only its response was late."""
    caplog.set_level(logging.INFO)
    who = user(40_000)
    async with running(api, db, **FAST):
        api.delay_next("sendMessage", 6.0)  # python-telegram-bot's read timeout is 5 s
        update = api.send_text(who, "What is ENEMO?")
        await api.wait_for("sendMessage", update.matches, timeout=10)
        await asyncio.sleep(6.5)
    sent = [c for c in api.calls if c.method == "sendMessage"]
    assert len(sent) == 1 and sent[0].ok
    assert any("did not answer in time" in r.getMessage() for r in caplog.records)


async def test_a_user_who_blocked_the_bot_costs_one_info_line(
        api: FakeBotAPI, db: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Defect 7: no apology attempt, no ERROR, no traceback."""
    caplog.set_level(logging.DEBUG, logger="bot")
    async with running(api, db, **FAST):
        api.fail_next("sendMessage", 403)
        update = api.send_text(user(41_000), "What is ENEMO?")
        await api.wait_for("sendMessage", update.matches)
        await ask(api, user(41_001), "What is ENEMO?")  # the next update was handled after it
    mine = [r for r in caplog.records if r.name.startswith("bot")]
    assert [c.status for c in api.calls if c.method == "sendMessage"] == [403, 200]
    assert [r.levelname for r in mine if "blocked" in r.getMessage()] == ["INFO"]
    assert not [r for r in mine if r.levelno >= logging.WARNING or r.exc_info]


# --- intake -------------------------------------------------------------------------------------

def poison(uid: int = SECRET_UID) -> dict[str, Any]:
    """A message python-telegram-bot cannot parse: `entities` is not a list."""
    return {"message": {"message_id": 1, "date": int(time.time()),
                        "chat": {"id": uid, "type": "private", "first_name": "P"},
                        "from": {"id": uid, "is_bot": False, "first_name": "P"},
                        "text": SECRET_TEXT, "entities": "not-a-list"}}


async def test_a_poison_update_is_skipped_in_polling(api: FakeBotAPI, db: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """Defects 1 and 2 in process: the next question is answered, nothing of it is logged."""
    caplog.set_level(logging.DEBUG)
    async with running(api, db, **FAST):
        bad = api.send_update(poison())
        start = time.monotonic()
        reply = await ask(api, user(42_000), "What is ENEMO?")
        took = time.monotonic() - start
        polls = sum(1 for c in api.calls if c.method == "getUpdates")
    figure("poison update (in process)", f"next question answered in {took:.2f} s")
    assert took < 2 and reply.ok
    assert polls < 20  # no tight loop re-fetching the same update
    logged = "\n".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    assert SECRET_TEXT not in logged and str(SECRET_UID) not in logged
    assert f"skipped update {bad.update_id}" in logged
    # the batch is read again update by update: the library's alarm about it is not passed on
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], logged


# --- storage ------------------------------------------------------------------------------------

async def test_a_locked_database_delays_no_other_chat(api: FakeBotAPI, db: Path) -> None:
    """Defect 5: a write lock held elsewhere for 10 s; everyone keeps getting answers."""
    lock_for = 10 * SCALE
    async with running(api, db, **FAST):
        await ask(api, user(50_000), "What is ENEMO?")
        holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO counters (day, lang, status, n) VALUES ('x', 'x', 'x', 1)")
        sent: dict[int, float] = {}
        updates: list[QueuedUpdate] = []
        end = time.monotonic() + lock_for
        uid = 50_001
        while time.monotonic() < end:
            for text in ("What is ENEMO?", "how to cook borscht"):
                update = api.send_text(user(uid), text)
                sent[update.update_id] = time.monotonic()
                updates.append(update)
                uid += 1
            await asyncio.sleep(0.2)
        lost, doubled = await settle(api, updates, timeout=5)
        holder.execute("ROLLBACK")
        holder.close()
    waits = latencies(api, updates, sent)
    figure(f"database locked for {lock_for:.0f} s",
           f"{len(updates)} questions, p99 {p99(waits):.3f} s, max {waits[-1]:.3f} s")
    assert (lost, doubled) == (0, 0)
    assert p99(waits) < 1.0


async def test_storage_problems_never_cost_an_answer(api: FakeBotAPI, db: Path) -> None:
    """Defect 5: a lone surrogate and a huge text are stored safely and cut; answers arrive."""
    async with running(api, db, **FAST):
        odd = await ask(api, user(51_000), "xyzzy \ud800 plugh")
        huge = await ask(api, user(51_001), "zzqx " * 24_000)
    assert not odd.params["text"].startswith("Sorry, something")
    assert not huge.params["text"].startswith("Sorry, something")
    storage = Storage(db)
    try:
        texts = [q.text for q in storage.questions()]
    finally:
        storage.close()
    assert "xyzzy ? plugh" in texts  # the lone surrogate, which UTF-8 cannot store
    assert max(len(t) for t in texts) <= 500


def sub_env(api: FakeBotAPI, db: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url,
            "ELECTIONBOT_DB": str(db), "ELECTIONBOT_LOG_LEVEL": "DEBUG", **extra}


@pytest.fixture
def stop_bot() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)


def finish(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return err


def test_disk_full_still_delivers_every_answer(api: FakeBotAPI, db: Path,
                                               stop_bot: list[subprocess.Popen[str]]) -> None:
    """Defect 5: files may not grow past a limit, as on a full disk."""
    Storage(db).close()  # the schema and the button key exist; nothing more may be written
    limit = 40_000

    def full_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=sub_env(api, db),
                            preexec_fn=full_disk, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    stop_bot.append(proc)
    questions = [("What is ENEMO?", "how do I bake bread quickly")[i % 2] + f" {i}"
                 for i in range(30)]
    updates = [api.send_text(user(60_000 + i), q) for i, q in enumerate(questions)]
    calls = [api.wait_for_sync("sendMessage", u.matches, timeout=30) for u in updates]
    err = finish(proc)
    figure("disk full", f"{sum(c.ok for c in calls)} of {len(calls)} answers delivered")
    assert all(c.ok and APOLOGY not in c.params["text"] for c in calls)
    failures = [line for line in err.splitlines() if "storage write" in line]
    assert failures, "the writes were expected to fail"
    assert len(failures) <= 2 and "Traceback" not in err


# --- privacy of the logs, polling and webhook, as a real process at DEBUG --------------------

def test_poison_update_in_polling_process(api: FakeBotAPI, db: Path,
                                          stop_bot: list[subprocess.Popen[str]]) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=sub_env(api, db),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop_bot.append(proc)
    warm = api.send_text(user(70_000), "What is ENEMO?")
    api.wait_for_sync("sendMessage", warm.matches, timeout=30)
    bad = api.send_update(poison())
    start = time.monotonic()
    update = api.send_text(user(70_001), "What is ENEMO?")
    api.wait_for_sync("sendMessage", update.matches, timeout=10)
    took = time.monotonic() - start
    polls_after = sum(1 for c in api.calls if c.method == "getUpdates")
    time.sleep(1)
    looping = sum(1 for c in api.calls if c.method == "getUpdates") - polls_after
    stopping = time.monotonic()
    proc.send_signal(signal.SIGINT)  # defect 1: Ctrl+C was ignored for 10 s
    _, err = proc.communicate(timeout=30)
    stopped = time.monotonic() - stopping
    figure("poison update (polling process)",
           f"next question answered in {took:.2f} s; SIGINT stopped the bot in {stopped:.2f} s")
    assert proc.returncode == 0, err
    assert took < 2 and looping < 10 and stopped < 5
    assert f"skipped update {bad.update_id}" in err
    assert SECRET_TEXT not in err and str(SECRET_UID) not in err
    assert "70001" not in err and "What is ENEMO" not in err  # nor of the ordinary questions


HOOK_SECRET = "hook-Secret_for-tests-123-0123456789"


def post(url: str, body: bytes, content_type: str = "application/json",
         secret: str | None = HOOK_SECRET) -> int:
    headers = {"Content-Type": content_type}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def huge_post(port: int, size: int, secret: str = "") -> tuple[bytes, int]:
    """Announce `size` bytes, send the first 64 KB and read the server's answer (it must not wait
    for the rest), then try to send the rest: how many bytes got through before it hung up."""
    header = f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n" if secret else ""
    sent = 65536
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     f"{header}Content-Length: {size}\r\n\r\n".encode() + b"x" * sent)
        answer = conn.recv(200)
        chunk = b"x" * 2**20
        try:
            while sent < size:
                conn.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the server closed the connection without reading the body
    return answer, sent


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_webhook_edge_cases(api: FakeBotAPI, db: Path,
                            stop_bot: list[subprocess.Popen[str]]) -> None:
    """Defect 8, and defects 1/2 in webhook mode."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--webhook-url", url,
                             "--listen", "127.0.0.1", "--port", str(port)],
                            env=sub_env(api, db, TELEGRAM_WEBHOOK_SECRET=HOOK_SECRET),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop_bot.append(proc)
    api.wait_for_sync("setWebhook", timeout=30)
    warm = api.send_text(user(80_000), "What is ENEMO?")
    api.wait_for_sync("sendMessage", warm.matches, timeout=30)
    rss_before = rss_kb(proc.pid)
    accepted = []
    for _ in range(3):
        answer, sent = huge_post(port, 90 * 2**20)
        assert answer.startswith(b"HTTP/1.1 403"), answer
        accepted.append(sent)
    rss_after = rss_kb(proc.pid)
    too_big, _ = huge_post(port, 2 * 2**20, secret=HOOK_SECRET)  # the secret, but over 1 MB
    assert too_big.startswith(b"HTTP/1.1 413"), too_big
    # malformed bodies with the right secret: 200, so that Telegram does not retry them
    statuses = [post(url, body) for body in (b"{not json", b"", b"\xff\xfe\xfa", b"[1, 2]")]
    # the same update twice, with a Content-Type parameter: answered once
    chat_user = user(80_001)
    api.register_chat({"id": 80_001, "type": "private", "first_name": "Citizen"})
    update = {"update_id": 990_001, "message": {
        "message_id": 5, "date": int(time.time()), "from": chat_user,
        "chat": {"id": 80_001, "type": "private", "first_name": "Citizen"},
        "text": "What is ENEMO?"}}
    twice = [post(url, json.dumps(update).encode(), "application/json; charset=utf-8")
             for _ in range(2)]
    poisoned = post(url, json.dumps({"update_id": 990_002, **poison()}).encode())
    wrong_type = post(url, json.dumps(update).encode(), "text/plain")
    api.wait_for_sync("sendMessage", lambda c: c.params.get("chat_id") in (80_001, "80001"),
                      timeout=10)
    time.sleep(1.5)
    answers = sum(1 for c in api.calls if c.method == "sendMessage"
                  and str(c.params.get("chat_id")) == "80001")
    err = finish(proc)
    figure("webhook, three 90 MB posts without the secret",
           f"RSS {rss_before // 1024} -> {rss_after // 1024} MB; at most "
           f"{max(accepted) / 2**20:.0f} MB of each sent before the bot hung up")
    assert rss_after - rss_before < 30 * 1024
    assert max(accepted) < 32 * 2**20
    assert statuses == [200, 200, 200, 200]
    assert twice == [200, 200] and answers == 1
    assert poisoned == 200 and wrong_type == 415
    assert "skipped update 990002" in err
    assert SECRET_TEXT not in err and str(SECRET_UID) not in err
    assert HOOK_SECRET not in err and "Traceback" not in err


# --- buttons ------------------------------------------------------------------------------------

async def test_votes_cannot_be_stuffed(api: FakeBotAPI, db: Path) -> None:
    """Defect 9: forged data is refused; a real button counts once however often pressed."""
    who = user(90_000)
    async with running(api, db, **FAST) as app:
        reply = await ask(api, who, "What is ENEMO?")
        for data in ("en|fb:up:enemo-about", "en|fb:up:enemo-about||AAAAAAAA"):
            forged = api.press_button(who, reply, data, check=False)
            answer = await api.wait_for("answerCallbackQuery", lambda c, f=forged: c.params.get(
                "callback_query_id") == f.callback_query_id)
            assert "no longer works" in answer.params["text"]
        genuine = button_for(reply, "fb:up:")
        presses = [api.press_button(who, reply, genuine, check=False) for _ in range(5)]
        for p in presses:
            await api.wait_for("answerCallbackQuery", lambda c, p=p: c.params.get(
                "callback_query_id") == p.callback_query_id)
        store = app.bot_data["services"].store
        await store.call(lambda: None)  # the queued writes are done
        stats = store.storage.stats()
    assert stats.feedback == {"enemo-about": (1, 0)}


def test_signed_buttons_survive_a_restart(db: Path) -> None:
    first, second = Storage(db), None
    try:
        key = first.secret()
        first.close()
        second = Storage(db)
        assert second.secret() == key and len(key) == 32
    finally:
        if second is not None:
            second.close()


async def test_call_timestamps_are_recorded(api: FakeBotAPI, db: Path) -> None:
    """The fake records when each call arrived (the latency figures above rely on it)."""
    async with running(api, db, **FAST):
        before = time.monotonic()
        reply: Call = await ask(api, user(91_000), "What is ENEMO?")
    assert before <= reply.at <= time.monotonic()


def test_the_librarys_received_data_log_is_withheld(caplog: pytest.LogCaptureFixture) -> None:
    """Second line of defence for defect 2: python-telegram-bot's own CRITICAL record."""
    from bot.logs import WithholdReceivedData, quiet_third_party_loggers

    quiet_third_party_loggers()
    caplog.set_level(logging.DEBUG)
    try:
        raise ValueError(f"bad entities in {SECRET_TEXT}")
    except ValueError as exc:
        logging.getLogger("telegram.ext.Updater").critical(
            "Something went wrong. Received data was *not* processed! Received data was: %r",
            {"text": SECRET_TEXT, "from": {"id": SECRET_UID}}, exc_info=exc)
    [record] = [r for r in caplog.records if r.name == "telegram.ext.Updater"]
    shown = logging.Formatter().format(record)
    assert SECRET_TEXT not in shown and str(SECRET_UID) not in shown
    assert "withheld" in shown
    assert WithholdReceivedData().filter(logging.makeLogRecord({"name": "bot", "msg": "x"}))
