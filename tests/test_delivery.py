"""Delivery rules (bot/telegram/delivery.py) without a network: what is retried, what never is,
how polling failures are reported, and how updates are taken in. The retry deadline itself is in
test_promises.py; the same rules against the fake Bot API are in test_faults.py."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import pytest
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, TimedOut

from bot.service.metrics import Metrics
from bot.telegram.delivery import (
    DeliveryLimiter,
    PollingErrors,
    PrivateBot,
    RecentUpdates,
    checked_update,
    is_idempotent,
    never_arrived,
    read_update,
)

from .conftest import TOKEN
from .fakebotapi import FakeBotAPI


@pytest.mark.parametrize(("endpoint", "idempotent"), [
    ("sendMessage", False), ("SENDMESSAGE", False), ("forwardMessage", False),
    ("copyMessage", False), ("sendChatAction", True), ("sendchataction", True),
    ("editMessageText", True), ("answerCallbackQuery", True), ("getUpdates", True),
    ("setMyCommands", True),
])
def test_which_requests_may_be_repeated(endpoint: str, idempotent: bool) -> None:
    assert is_idempotent(endpoint) is idempotent


def failed(exc: NetworkError, cause: BaseException | None) -> NetworkError:
    exc.__cause__ = cause
    return exc


def test_which_failures_certainly_did_not_arrive() -> None:
    key = aiohttp.client_reqrep.ConnectionKey("h", 1, False, True, None, None, None)
    refused = aiohttp.ClientConnectorError(key, OSError(111, "refused"))
    assert never_arrived(failed(NetworkError("x"), refused))
    assert never_arrived(failed(NetworkError("x"), aiohttp.ConnectionTimeoutError()))
    assert never_arrived(failed(NetworkError("Bad Gateway"), None))  # a 5xx reply
    assert not never_arrived(failed(TimedOut("late"), None))  # may have arrived
    assert not never_arrived(failed(NetworkError("x"), ConnectionResetError()))
    assert not never_arrived(failed(NetworkError("x"), aiohttp.SocketTimeoutError()))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def counter(metrics: Metrics, name: str, method: str) -> float:
    return metrics.registry.get_sample_value(name, {"method": method}) or 0.0


@pytest.mark.parametrize("refusal", [BadRequest("no"), Forbidden("blocked"),
                                     InvalidToken("bad token"), Conflict("other instance")])
async def test_refusals_are_never_repeated(refusal: Exception) -> None:
    clock = Clock()
    calls = []

    async def call(*args: Any, **kwargs: Any) -> Any:
        calls.append(clock.now)
        raise refusal

    limiter = DeliveryLimiter(clock=clock, sleep=clock.sleep)
    with pytest.raises(type(refusal)):
        await limiter.process_request(call, (), {}, "editMessageText", {}, None)
    assert calls == [0.0] and clock.sleeps == []


async def test_backoff_doubles_to_its_cap_and_is_reported_once(
        caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    metrics = Metrics()
    failures = 6

    async def call(*args: Any, **kwargs: Any) -> Any:
        nonlocal failures
        if failures:
            failures -= 1
            raise NetworkError("Bad Gateway")
        return "ok"

    limiter = DeliveryLimiter(deadline=60.0, backoff=1.0, max_backoff=5.0, metrics=metrics,
                              clock=clock, sleep=clock.sleep)
    caplog.set_level(logging.WARNING, logger="bot")
    assert await limiter.process_request(call, (), {}, "getMe", {}, None) == "ok"
    assert clock.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert messages == ["getMe failed (NetworkError); retrying for up to 60 s (reported once "
                        "per 10 s)"]
    assert counter(metrics, "electionbot_delivery_retries_total", "getMe") == 6


async def test_giving_up_is_counted(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    metrics = Metrics()

    async def call(*args: Any, **kwargs: Any) -> Any:
        raise NetworkError("Service Unavailable")

    limiter = DeliveryLimiter(deadline=3.0, backoff=1.0, metrics=metrics, clock=clock,
                              sleep=clock.sleep)
    with pytest.raises(NetworkError):
        await limiter.process_request(call, (), {}, "sendMessage", {}, None)
    # waits 1 and 2 s (3 s in all, exactly the deadline); a third wait of 4 s would pass it
    assert clock.sleeps == [1.0, 2.0]
    assert counter(metrics, "electionbot_deliveries_given_up_total", "sendMessage") == 1
    assert "sendMessage: giving up after 3 attempts (NetworkError)" in caplog.text


def test_polling_failures_are_one_line_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot")
    report = PollingErrors(every=60.0)
    report(NetworkError("aiohttp.ClientConnectorError: refused"))
    report(NetworkError("again"))
    report(TimedOut(""))
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert lines == ["polling for updates failed (NetworkError: ClientConnectorError: refused); "
                     "retrying"]
    report = PollingErrors(every=0.0)
    report(TimedOut(""))
    assert caplog.records[-1].getMessage() == (
        "polling for updates failed (TimedOut: Timed out); retrying")


def test_held_back_failures_are_counted_in_the_next_report(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot")
    report = PollingErrors(every=0.05)
    report(NetworkError("first"))
    report(NetworkError("held"))
    report(NetworkError("held"))
    import time

    time.sleep(0.06)
    report(NetworkError("next"))
    assert caplog.records[-1].getMessage() == (
        "polling for updates failed (NetworkError: next); retrying; 2 more failures since the "
        "last report")


GOOD = {"update_id": 10, "message": {"message_id": 1, "date": 0,
                                     "chat": {"id": 5, "type": "private"}, "text": "hi"}}


def test_read_update(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    update_id, update = read_update(GOOD, None)  # type: ignore[misc, arg-type]
    assert update_id == 10 and update is not None and update.message.text == "hi"
    poison = {"update_id": 11, "message": {"message_id": "x", "chat": "private words"}}
    assert read_update(poison, None) == (11, None)  # type: ignore[arg-type]
    for no_id in ([], "x", {"update_id": "12"}, {"update_id": True}, {}):
        assert read_update(no_id, None) is None  # type: ignore[arg-type]
    assert "private words" not in caplog.text
    assert [r.getMessage() for r in caplog.records] == [
        "skipped update 11: it cannot be read (KeyError)",
        "skipped an update that is not a JSON object",
        "skipped an update that is not a JSON object",
        "skipped an update without a valid update_id",
        "skipped an update without a valid update_id",
        "skipped an update without a valid update_id"]


def test_checked_update_keeps_what_can_be_read() -> None:
    assert checked_update(GOOD, None) is GOOD  # type: ignore[arg-type]
    assert checked_update({"update_id": 11, "message": "x"}, None) == {  # type: ignore[arg-type]
        "update_id": 11}
    assert checked_update({"no": "id"}, None) is None  # type: ignore[arg-type]


def test_recent_updates(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    recent = RecentUpdates(size=2)
    # 3 pushes 1 out of the two remembered: 1 is new again, 3 is not
    assert [recent.first_time(i) for i in (1, 2, 1, 3, 1, 3)] == [
        True, True, False, True, True, False]
    assert caplog.records[0].getMessage() == "update 1 arrived again; answered already"


# --- the bot's intake of polled updates (against the fake Bot API, no Application) ------------

POISON = {"message": {"message_id": 1, "date": 0, "chat": {"id": 9, "type": "private"},
                      "from": {"id": 9, "is_bot": False, "first_name": "P"},
                      "text": "private words", "entities": "not-a-list"}}


def test_the_bot_names_itself_by_its_id_only() -> None:
    bot = PrivateBot(TOKEN)
    assert repr(bot) == "PrivateBot[bot_id=7000000001]"
    assert TOKEN.partition(":")[2] not in repr(bot)


async def test_polled_updates_unreadable_or_again_are_passed_over(
        api: FakeBotAPI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    bot = PrivateBot(TOKEN, base_url=api.base_url)
    await bot.initialize()
    try:
        first = api.send_text(FakeBotAPI.user(9), "hello")
        bad = api.send_update(POISON)
        last = api.send_text(FakeBotAPI.user(9), "again")
        updates = await bot.get_updates(timeout=0)
        assert [(u.update_id, u.message.text if u.message else None) for u in updates] == [
            (first.update_id, "hello"), (bad.update_id, None), (last.update_id, "again")]
        api.deliver_again(first)  # its confirmation lost: served once more
        again = await bot.get_updates(offset=last.update_id + 1, timeout=0)
        assert [(u.update_id, u.message) for u in again] == [(first.update_id, None)]
    finally:
        await bot.shutdown()
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    assert "private words" not in ours  # (python-telegram-bot's own log is silenced in run)
    assert f"skipped update {bad.update_id}: it cannot be read" in ours
    assert f"update {first.update_id} arrived again; answered already" in ours


async def test_no_parse_mode_where_the_method_has_none(api: FakeBotAPI) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.constants import ParseMode
    from telegram.ext import Defaults

    bot = PrivateBot(TOKEN, base_url=api.base_url, defaults=Defaults(parse_mode=ParseMode.HTML))
    await bot.initialize()
    try:
        who = FakeBotAPI.user(9)
        update = api.send_text(who, "hi")
        await bot.get_updates(timeout=0)
        sent = await bot.send_message(9, "<b>x</b>")
        await bot.edit_message_reply_markup(9, sent.message_id,
                                            reply_markup=InlineKeyboardMarkup(
                                                [[InlineKeyboardButton("x", callback_data="y")]]))
    finally:
        await bot.shutdown()
    [edit] = [c for c in api.calls if c.method == "editMessageReplyMarkup"]
    assert edit.ok and "parse_mode" not in edit.params
    assert [c.params.get("parse_mode") for c in api.calls if c.method == "sendMessage"] == [
        "HTML"]
    assert update.update_id


async def test_the_defaults_and_a_429_as_python_telegram_bot_reports_it(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Backoff 0.5 s doubling to 5 s within 60 s; a 429's retry_after, a number or (with
    PTB_TIMEDELTA set) a timedelta, is waited out plus 0.1 s."""
    from telegram.error import RetryAfter

    caplog.set_level(logging.WARNING, logger="bot")
    clock = Clock()
    limiter = DeliveryLimiter(clock=clock, sleep=clock.sleep)
    assert logging.getLogger("telegram.ext.AIORateLimiter").level == logging.CRITICAL
    errors = [NetworkError("Bad Gateway")] * 7

    async def call(*args: Any, **kwargs: Any) -> Any:
        if errors:
            raise errors.pop()
        return "ok"

    assert await limiter.process_request(call, (), {}, "getMe", {}, None) == "ok"
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    clock.sleeps.clear()
    errors.append(RetryAfter(30))
    assert await limiter.process_request(call, (), {}, "getMe", {}, None) == "ok"
    assert clock.sleeps == [30.1]
    errors.extend([RetryAfter(40), RetryAfter(40)])
    with pytest.raises(RetryAfter):
        await limiter.process_request(call, (), {}, "sendMessage", {}, None)
    assert caplog.records[-1].getMessage() == (
        "sendMessage: giving up after 2 attempts (429 Too Many Requests)")


def test_polling_failures_without_details(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot")
    PollingErrors()(NetworkError(""))
    assert caplog.records[-1].getMessage() == (
        "polling for updates failed (NetworkError: no details); retrying")


def test_an_update_is_read_for_the_bot() -> None:
    bot = PrivateBot(TOKEN)
    read = read_update(GOOD, bot)
    assert read is not None and read[1] is not None and read[1].get_bot() is bot


async def test_the_first_failure_of_each_method_is_reported(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot")
    clock = Clock()
    limiter = DeliveryLimiter(clock=clock, sleep=clock.sleep)
    failures: list[Exception] = []

    async def call(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return "ok"

    for endpoint in ("sendMessage", "editMessageText", "sendMessage"):
        failures.append(NetworkError("Bad Gateway"))  # one failure, then success
        assert await limiter.process_request(call, (), {}, endpoint, {}, None) == "ok"
    # once per method within WARN_EVERY seconds (real time: the throttle's own clock)
    assert [r.getMessage().split(" failed")[0] for r in caplog.records
            if r.name.startswith("bot")] == ["sendMessage", "editMessageText"]
