"""Tests for the fake Telegram Bot API server (tests/fakebotapi.py) and its spec validator."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    MenuButtonCommands,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from . import fakebotapi
from .fakebotapi import (
    DEFAULT_TOKEN,
    IN_FLIGHT,
    SPEC_ENV_VAR,
    Call,
    FakeBotAPI,
    HtmlError,
    Limits,
    SpecError,
    UploadedFile,
    WaitTimeout,
    limits_from_spec,
    load_spec,
    parse_html,
    spec_path_or_none,
    spec_path_or_skip,
)
from .helpers import free_port

pytestmark = pytest.mark.e2e

USER_ID = 1001
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Yes", callback_data="faq:yes")],
        [InlineKeyboardButton("No", callback_data="faq:no")],
    ]
)


@pytest.fixture
def spec_path() -> Path:
    return spec_path_or_skip()


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[FakeBotAPI]:
    """The fake, validating against the spec when TELEGRAM_BOT_API_SPEC is set; tests that are
    about the validation itself ask for `spec_path` and are skipped without it."""
    with FakeBotAPI(spec_path=spec_path_or_none()) as server:
        yield server


def plain_http() -> HTTPXRequest:
    # The fake is plain HTTP, so skipping the CA bundle load (~25 ms per client) is safe and
    # keeps the many small tests fast.
    return HTTPXRequest(httpx_kwargs={"verify": False})


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    tg_bot = Bot(
        api.token, base_url=api.base_url, request=plain_http(), get_updates_request=plain_http()
    )
    async with tg_bot:
        yield tg_bot


@pytest.fixture
def user(api: FakeBotAPI) -> dict[str, Any]:
    """A user who has started the bot, so it may message them."""
    person = api.user(USER_ID, "Alesia", language_code="be", username="alesia")
    api.register_chat({"id": USER_ID, "type": "private", "first_name": "Alesia"})
    return person


# PTB 22 warns inside RetryAfter.__init__ on every 429 unless PTB_TIMEDELTA=1 is set.
IGNORE_RETRY_AFTER_DEPRECATION = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


def assert_results_match_spec(api: FakeBotAPI) -> None:
    """Every successful result the fake returned conforms to the method's spec return type."""
    for call in api.calls:
        if call.ok:
            returns = api.validator.returns(call.method)
            problems = api.validator.check_value(call.result, returns, f"{call.method} result")
            assert problems == [], problems


def last_call(api: FakeBotAPI, method: str) -> Call:
    return [c for c in api.calls if c.method == method][-1]


async def raw_post(api: FakeBotAPI, method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """POST without PTB, for encodings and requests PTB would never produce."""
    async with httpx.AsyncClient(trust_env=False, verify=False) as client:
        response = await client.post(f"{api.base_url}{api.token}/{method}", **kwargs)
    return response.status_code, response.json()


# ------------------------------------------------------------------------------------------
# Spec loading and limits
# ------------------------------------------------------------------------------------------


def test_spec_path_or_skip_skips_when_no_spec_is_found(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.delenv(SPEC_ENV_VAR, raising=False)
    monkeypatch.setattr(fakebotapi, "SHARED_SPEC", tmp_path / "absent.json")
    with pytest.raises(pytest.skip.Exception, match="TELEGRAM_BOT_API_SPEC is not set"):
        spec_path_or_skip()


def test_spec_path_or_skip_returns_the_configured_path(spec_path: Path) -> None:
    assert spec_path == Path(os.environ.get(SPEC_ENV_VAR) or fakebotapi.SHARED_SPEC)
    assert "sendMessage" in load_spec(spec_path)["methods"]


def test_limits_are_derived_from_the_spec_descriptions(spec_path: Path) -> None:
    limits = limits_from_spec(load_spec(spec_path))
    assert limits == Limits()
    assert limits.message_text == (1, 4096)
    assert limits.callback_data_bytes == (1, 64)
    assert limits.callback_answer_text == (0, 200)
    assert limits.inline_results_max == 50
    assert limits.command_length == (1, 32)
    assert limits.command_description == (1, 256)
    assert limits.button_non_action_fields == {"text", "icon_custom_emoji_id", "style"}
    assert "typing" in limits.chat_actions


def test_limits_from_spec_fails_loudly_when_a_description_changes(spec_path: Path) -> None:
    spec = copy.deepcopy(dict(load_spec(spec_path)))
    for fld in spec["methods"]["sendMessage"]["fields"]:
        if fld["name"] == "text":
            fld["description"] = "Text of the message to be sent"
    with pytest.raises(SpecError, match=r"sendMessage\.text"):
        limits_from_spec(spec)


# ------------------------------------------------------------------------------------------
# Server basics
# ------------------------------------------------------------------------------------------


async def test_get_me_returns_the_bot_user(bot: Bot, api: FakeBotAPI) -> None:
    me = await bot.get_me()
    assert me.username == "electionfaq_bot"
    assert me.is_bot
    assert me.can_join_groups is True
    assert me.supports_inline_queries is True
    assert me.id == int(api.token.split(":")[0])
    assert api.url.startswith("http://127.0.0.1:")
    assert api.base_url == f"{api.url}/bot"
    api.assert_no_violations()


@pytest.mark.usefixtures("spec_path")  # checks what needs the spec
async def test_wrong_token_gets_401_and_nothing_leaks(
    api: FakeBotAPI, capfd: pytest.CaptureFixture[str]
) -> None:
    wrong = "7000000001:AAWrongTokenWrongTokenWrongToken123"
    with pytest.raises(InvalidToken):
        async with Bot(wrong, base_url=api.base_url) as other:
            await other.get_me()
    assert last_call(api, "getMe").status == 401
    async with Bot(api.token, base_url=api.base_url) as good:
        with pytest.raises(BadRequest):  # a violation, whose text must not leak the token either
            await good.send_message(None, "no chat")  # type: ignore[arg-type]
    out, err = capfd.readouterr()
    for secret in (api.token, wrong):
        assert secret not in out + err
        assert secret not in repr(api)
        assert all(secret not in v for v in api.violations)
        assert all(secret not in json.dumps(c.params) for c in api.calls)


async def test_unknown_path_is_404(api: FakeBotAPI) -> None:
    async with httpx.AsyncClient(trust_env=False, verify=False) as client:
        response = await client.get(f"{api.url}/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


@pytest.mark.usefixtures("spec_path")  # checks what needs the spec
async def test_parameters_decode_the_same_from_every_encoding(api: FakeBotAPI, user: Any) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    form = {"chat_id": str(USER_ID), "text": "123", "reply_markup": json.dumps(markup)}
    assert (await raw_post(api, "sendMessage", data=form))[0] == 200
    # Parts without a filename are plain form fields of a multipart/form-data body.
    parts = {name: (None, value) for name, value in form.items()}
    assert (await raw_post(api, "sendMessage", files=parts))[0] == 200
    body = {"chat_id": USER_ID, "text": "123", "reply_markup": markup}
    assert (await raw_post(api, "sendMessage", json=body))[0] == 200
    async with httpx.AsyncClient(trust_env=False, verify=False) as client:
        response = await client.get(
            f"{api.base_url}{api.token}/SENDMESSAGE", params=form
        )  # method names are case-insensitive, GET with a query string works too
    assert response.status_code == 200
    sent = [c for c in api.calls if c.method == "sendMessage" and c.ok]
    assert [c.encoding for c in sent] == ["urlencoded", "multipart", "json", ""]
    for call in sent:
        # "123" stays a string (text is a String field); chat_id becomes an int.
        assert call.params == {"chat_id": USER_ID, "text": "123", "reply_markup": markup}


@pytest.mark.usefixtures("spec_path")  # checks what needs the spec
async def test_multipart_uploads_are_decoded(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    message = await bot.send_photo(
        USER_ID, photo=b"\x89PNG fake", caption="Пасведчанне\nline 2", filename="p.png"
    )
    call = last_call(api, "sendPhoto")
    assert call.encoding == "multipart"
    assert call.params["caption"] == "Пасведчанне\nline 2"
    photo = call.params["photo"]
    assert isinstance(photo, UploadedFile)
    assert photo.data == b"\x89PNG fake"
    assert photo.filename == "p.png"
    # Unimplemented methods that return a Message get a minimal one PTB can parse.
    assert message.chat.id == USER_ID
    assert message.caption == "Пасведчанне\nline 2"
    api.assert_no_violations()


async def test_unimplemented_methods_are_recorded_and_return_true(
    bot: Bot, api: FakeBotAPI, user: Any
) -> None:
    assert await bot.delete_message(USER_ID, 1) is True
    call = last_call(api, "deleteMessage")
    assert call.params == {"chat_id": USER_ID, "message_id": 1}
    api.assert_no_violations()


async def test_misc_implemented_methods(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    assert await bot.send_chat_action(USER_ID, ChatAction.TYPING)
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert (await bot.get_chat_menu_button()).type == "commands"
    assert (await bot.get_webhook_info()).pending_update_count == 0
    assert await bot.close()
    assert await bot.log_out()
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_chat_action(424242, ChatAction.TYPING)
    assert_results_match_spec(api)
    api.assert_no_violations()


# ------------------------------------------------------------------------------------------
# getUpdates
# ------------------------------------------------------------------------------------------


async def test_get_updates_long_poll_returns_when_an_update_is_queued(
    bot: Bot, api: FakeBotAPI
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    queued = api.send_text(api.user(USER_ID), "hello")
    updates = await poll
    assert time.monotonic() - started < 2
    assert [u.update_id for u in updates] == [queued.update_id]
    assert updates[0].message is not None and updates[0].message.text == "hello"
    assert api.delivered(queued)


async def test_get_updates_times_out_empty(bot: Bot, api: FakeBotAPI) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_get_updates_honours_offset_and_limit(bot: Bot, api: FakeBotAPI) -> None:
    person = api.user(USER_ID)
    first, second, third = (api.send_text(person, t) for t in ("a", "b", "c"))
    assert [u.update_id for u in await bot.get_updates(limit=2)] == [
        first.update_id,
        second.update_id,
    ]
    # Not confirmed yet: delivered again.
    assert len(await bot.get_updates()) == 3
    remaining = await bot.get_updates(offset=second.update_id + 1)
    assert [u.update_id for u in remaining] == [third.update_id]
    assert await bot.get_updates(offset=third.update_id + 1) == ()


async def test_allowed_updates_filter_update_types(bot: Bot, api: FakeBotAPI) -> None:
    person = api.user(USER_ID)
    api.send_inline_query(person, "observers")
    text = api.send_text(person, "hi")
    updates = await bot.get_updates(allowed_updates=["message"])
    assert [u.update_id for u in updates] == [text.update_id]
    assert [list(u)[1] for u in api.dropped_updates] == ["inline_query"]


async def test_stop_is_prompt_while_a_long_poll_waits(spec_path: Path) -> None:
    server = FakeBotAPI(spec_path=spec_path).start()
    async with Bot(server.token, base_url=server.base_url) as tg_bot:
        poll = asyncio.create_task(tg_bot.get_updates(timeout=30, read_timeout=40))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        await asyncio.to_thread(server.stop)
        assert time.monotonic() - started < 1.5
        done = await asyncio.wait_for(asyncio.gather(poll, return_exceptions=True), 5)
        assert done[0] == () or isinstance(done[0], Exception)


# ------------------------------------------------------------------------------------------
# Sending, editing, callbacks, inline queries, commands, webhooks
# ------------------------------------------------------------------------------------------


async def test_send_message_returns_a_realistic_message(
    bot: Bot, api: FakeBotAPI, user: Any
) -> None:
    incoming = api.send_text(user, "/start")
    first = await bot.send_message(USER_ID, "<b>Вітаем!</b> Choose:", "HTML", reply_markup=KEYBOARD)
    second = await bot.send_message(USER_ID, "plain", reply_parameters={"message_id": 1})
    assert incoming.message is not None
    assert (incoming.message["message_id"], first.message_id, second.message_id) == (1, 2, 3)
    assert first.from_user is not None and first.from_user.username == api.bot_username
    assert first.text == "Вітаем! Choose:"
    assert first.entities[0].type == "bold" and first.entities[0].length == 7
    assert first.reply_markup == KEYBOARD
    assert second.reply_to_message is not None and second.reply_to_message.text == "/start"
    assert [m["message_id"] for m in api.sent_messages(USER_ID)] == [2, 3]
    assert api.sent_messages(-1) == []
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(USER_ID, "x", reply_parameters={"message_id": 999})
    assert_results_match_spec(api)
    api.assert_no_violations()


async def test_chat_must_be_known_like_on_telegram(bot: Bot, api: FakeBotAPI) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(555, "hi")
    group = api.group()
    api.send_text(api.user(556), "hi all", chat=group)
    with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
        await bot.send_message(556, "private hello")
    assert (await bot.send_message(group["id"], "hello group")).chat.type == "supergroup"


async def test_edits_update_the_stored_message(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    sent = await bot.send_message(USER_ID, "Question?", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("Answer", USER_ID, sent.message_id, reply_markup=KEYBOARD)
    assert edited.text == "Answer" and edited.edit_date is not None
    assert edited.reply_markup == KEYBOARD
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Answer", USER_ID, sent.message_id, reply_markup=KEYBOARD)
    # Like Telegram, editing the text without reply_markup removes the keyboard.
    plain = await bot.edit_message_text("Answer!", USER_ID, sent.message_id)
    assert plain.reply_markup is None
    again = await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=KEYBOARD)
    assert again.reply_markup == KEYBOARD
    assert api.sent_messages(USER_ID)[-1]["reply_markup"] == KEYBOARD.to_dict()
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", USER_ID, 999)
    assert await bot.edit_message_text("inline", inline_message_id="AgAAAF") is True
    assert_results_match_spec(api)
    api.assert_no_violations()


async def test_button_press_and_answer(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    sent = await bot.send_message(USER_ID, "Question?", reply_markup=KEYBOARD)
    call = last_call(api, "sendMessage")
    with pytest.raises(ValueError, match="no button with callback_data 'faq:maybe'"):
        api.press_button(user, call, "faq:maybe")
    press = api.press_button(user, call, "faq:yes")
    (update,) = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.data == "faq:yes"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id
    assert await update.callback_query.answer("Thanks")
    answer = await api.wait_for("answerCallbackQuery", press.matches, timeout=1)
    assert answer.params == {"callback_query_id": press.callback_query_id, "text": "Thanks"}
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await update.callback_query.answer()
    api.assert_no_violations()


async def test_inline_query_answer(bot: Bot, api: FakeBotAPI) -> None:
    query = api.send_inline_query(api.user(USER_ID), "observer")
    (update,) = await bot.get_updates()
    assert update.inline_query is not None and update.inline_query.query == "observer"
    result = InlineQueryResultArticle(
        "r1", "Observers", InputTextMessageContent("<i>FAQ</i>", "HTML")
    )
    assert await update.inline_query.answer([result], cache_time=0)
    call = await api.wait_for("answerInlineQuery", query.matches, timeout=1)
    assert call.params["results"][0]["id"] == "r1"
    api.assert_no_violations()


async def test_bot_commands_round_trip(bot: Bot, api: FakeBotAPI) -> None:
    commands = [BotCommand("start", "Пачаць"), BotCommand("help", "Даведка")]
    scope = BotCommandScopeAllPrivateChats()
    assert await bot.set_my_commands(commands, scope=scope, language_code="be")
    assert await bot.get_my_commands(scope=scope, language_code="be") == tuple(commands)
    assert await bot.get_my_commands() == ()
    assert await bot.delete_my_commands(scope=scope, language_code="be")
    assert await bot.get_my_commands(scope=scope, language_code="be") == ()
    api.assert_no_violations()


async def test_webhook_state_and_get_updates_conflict(bot: Bot, api: FakeBotAPI) -> None:
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret")
    info = await bot.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/hook"
    with pytest.raises(Exception, match=r"(?i)webhook is active"):
        await bot.get_updates()
    with pytest.raises(BadRequest, match=r"(?i)bad webhook"):
        await bot.set_webhook("https://example.org/hook")
    api.send_text(api.user(USER_ID), "pending")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()
    api.assert_no_violations()


# ------------------------------------------------------------------------------------------
# Update helpers
# ------------------------------------------------------------------------------------------


def test_generated_updates_are_valid_per_spec(api: FakeBotAPI) -> None:
    person = api.user(USER_ID, "Alesia", language_code="be", username="alesia")
    group = api.group(title="Назіральнікі")
    queued = [
        api.send_text(person, "/start"),
        api.send_text(person, "/help@electionfaq_bot дапамога", chat=group),
        api.send_sticker(person),
        api.send_photo(person, caption="бюлетэнь"),
        api.send_voice(person, chat=group),
        api.send_inline_query(person, "назіральнік"),
    ]
    for item in queued:
        problems = api.validator.check_value(item.update, ["Update"], "update")
        assert problems == [], problems
        assert Update.de_json(item.update, None) is not None
    ids = [item.update_id for item in queued]
    assert ids == list(range(ids[0], ids[0] + len(ids)))


@pytest.mark.usefixtures("spec_path")  # checks what needs the spec
def test_update_validation_catches_a_broken_update(api: FakeBotAPI) -> None:
    broken = api.send_text(api.user(USER_ID), "hi").update
    del broken["message"]["chat"]
    broken["message"]["colour"] = "red"
    problems = api.validator.check_value(broken, ["Update"], "update")
    assert any("'chat' is missing" in p for p in problems)
    assert any("'colour' is not in the spec" in p for p in problems)


def test_text_entities_are_generated(api: FakeBotAPI) -> None:
    person = api.user(USER_ID)
    command = api.send_text(person, "/start ref_42").message
    assert command is not None and command["entities"] == [
        {"type": "bot_command", "offset": 0, "length": 6}
    ]
    group = api.send_text(person, "🗳 @electionfaq_bot /help@electionfaq_bot", chat=api.group())
    assert group.message is not None
    # Offsets are UTF-16 code units: the ballot box emoji counts as 2.
    assert group.message["entities"] == [
        {"type": "mention", "offset": 3, "length": 16},
        {"type": "bot_command", "offset": 20, "length": 21},
    ]
    assert "entities" not in (api.send_text(person, "no entities here").message or {})


async def test_reply_to_bot(bot: Bot, api: FakeBotAPI) -> None:
    person = api.user(USER_ID)
    group = api.group()
    with pytest.raises(ValueError, match="has not sent anything"):
        api.send_text(person, "reply", chat=group, reply_to_bot=True)
    api.send_text(person, "hi", chat=group)
    sent = await bot.send_message(group["id"], "Ask me")
    reply = api.send_text(person, "What is an observer?", chat=group, reply_to_bot=True)
    assert reply.message is not None
    assert reply.message["reply_to_message"]["message_id"] == sent.message_id
    assert reply.message["reply_to_message"]["from"]["id"] == api.bot_user["id"]


# ------------------------------------------------------------------------------------------
# Waiting and failure injection
# ------------------------------------------------------------------------------------------


async def test_wait_for_consumes_calls_in_order(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    await bot.send_message(USER_ID, "one")
    await bot.send_message(USER_ID, "two")
    assert (await api.wait_for("sendMessage")).params["text"] == "one"
    assert (await api.wait_for("sendMessage")).params["text"] == "two"
    with pytest.raises(WaitTimeout, match="no matching sendMessage"):
        await api.wait_for("sendMessage", timeout=0.2)
    await bot.send_message(USER_ID, "three")
    await bot.send_message(USER_ID, "four")
    call = await api.wait_for("sendMessage", lambda c: c.params["text"] == "four")
    assert call.params["text"] == "four"
    assert (await api.wait_for("sendMessage")).params["text"] == "three"
    await api.assert_no_call("sendMessage", within=0.1)


async def test_wait_for_sync_from_another_thread(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    results: list[Call] = []
    waiter = threading.Thread(target=lambda: results.append(api.wait_for_sync("sendMessage")))
    waiter.start()
    await asyncio.sleep(0.1)
    await bot.send_message(USER_ID, "ping")
    await asyncio.to_thread(waiter.join, 5)
    assert [c.params["text"] for c in results] == ["ping"]
    with pytest.raises(WaitTimeout):
        api.wait_for_sync("sendMessage", timeout=0.1)


@IGNORE_RETRY_AFTER_DEPRECATION
async def test_fail_next_injects_errors(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    api.fail_next("sendMessage", 403)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER_ID, "x")
    api.fail_next("sendMessage", 429, times=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
            await bot.send_message(USER_ID, "x")
    api.fail_next("sendMessage", 400, description="Bad Request: custom")
    with pytest.raises(BadRequest, match=r"(?i)custom"):
        await bot.send_message(USER_ID, "x")
    await bot.send_message(USER_ID, "x")
    statuses = [(c.status, c.description) for c in api.calls if c.method == "sendMessage"]
    assert statuses == [
        (403, "Forbidden: bot was blocked by the user"),
        (429, "Too Many Requests: retry after 7"),
        (429, "Too Many Requests: retry after 7"),
        (400, "Bad Request: custom"),
        (200, None),
    ]
    api.assert_no_violations()


async def test_429_body_has_retry_after_parameters(api: FakeBotAPI, user: Any) -> None:
    api.fail_next("sendMessage", 429)
    status, body = await raw_post(api, "sendMessage", data={"chat_id": USER_ID, "text": "x"})
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


# ------------------------------------------------------------------------------------------
# Validator: every rule must catch its violation (and leave the valid twin alone)
# ------------------------------------------------------------------------------------------


async def expect_violation(api: FakeBotAPI, fragment: str, request: Any) -> None:
    before = len(api.violations)
    with pytest.raises((BadRequest, EndPointNotFound)):
        await request
    new = api.violations[before:]
    assert any(fragment in v for v in new), f"{fragment!r} not in {new}"


@pytest.mark.usefixtures("spec_path")  # checks what needs the spec
async def test_rule_method_must_exist(bot: Bot, api: FakeBotAPI) -> None:
    await expect_violation(
        api, "sendMessagee: method does not exist", bot.do_api_request("sendMessagee")
    )
    assert last_call(api, "sendMessagee").status == 404


@pytest.mark.usefixtures("spec_path")  # checks what needs the spec
async def test_rule_required_fields(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    no_chat = bot.send_message(None, "text")  # type: ignore[arg-type]
    await expect_violation(api, "required field 'chat_id' is missing", no_chat)
    await expect_violation(
        api, "'message_id' is required when inline_message_id", bot.edit_message_text("x", USER_ID)
    )
    assert last_call(api, "sendMessage").status == 400


@pytest.mark.usefixtures("spec_path")  # checks what needs the spec
async def test_rule_unknown_and_mistyped_fields(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    extra = bot.send_message(USER_ID, "x", api_kwargs={"colour": "red"})
    await expect_violation(api, "field 'colour' is not in the spec of sendMessage", extra)
    wrong_type = bot.send_message(USER_ID, "x", api_kwargs={"disable_notification": "loud"})
    await expect_violation(api, "disable_notification: expected Boolean", wrong_type)
    bad_button = InlineKeyboardMarkup.de_json(
        {"inline_keyboard": [[{"text": "x", "callback_data": "d", "colour": "red"}]]}, None
    )
    nested = bot.send_message(USER_ID, "x", reply_markup=bad_button)
    await expect_violation(api, "'colour' is not in the spec of InlineKeyboardButton", nested)


@pytest.mark.parametrize(
    ("text", "parse_mode", "fragment"),
    [
        ("", None, "sendMessage.text: is empty"),
        ("   \n", None, "sendMessage.text: is empty"),
        ("x" * 4097, None, "too long: 4097 characters"),
        ("<b></b>", ParseMode.HTML, "sendMessage.text: is empty"),
        ("<b>" + "x" * 4097 + "</b>", ParseMode.HTML, "too long: 4097"),
        ("<div>x</div>", ParseMode.HTML, "unsupported start tag <div>"),
        ("<b>bold", ParseMode.HTML, "unclosed start tag <b>"),
        ("<b><i>x</b></i>", ParseMode.HTML, "unmatched end tag </b>"),
        ("1 < 2", ParseMode.HTML, "unescaped '<'"),
        ("Q&A", ParseMode.HTML, "unescaped '&'"),
        ("a&nbsp;b", ParseMode.HTML, "unsupported entity"),
        ("2 > 1", ParseMode.HTML, "unescaped '>'"),
        ('<span class="x">s</span>', ParseMode.HTML, 'class="tg-spoiler"'),
        ("<a>link</a>", ParseMode.HTML, "<a> needs a non-empty href"),
        ("<pre><b>x</b></pre>", ParseMode.HTML, "inside <pre>/<code>"),
        ("<blockquote><blockquote>x</blockquote></blockquote>", ParseMode.HTML, "can't be nested"),
        ("<br/>", ParseMode.HTML, "unsupported start tag <br>"),
        ("Hello.", ParseMode.MARKDOWN_V2, "character '.' at 5 is reserved"),
        ("x", "Textile", "unsupported parse_mode"),
    ],
)
async def test_rule_message_text(
    bot: Bot, api: FakeBotAPI, user: Any, text: str, parse_mode: str | None, fragment: str
) -> None:
    await expect_violation(api, fragment, bot.send_message(USER_ID, text, parse_mode))


@pytest.mark.parametrize(
    ("text", "parse_mode"),
    [
        ("x" * 4096, None),
        ("<b>" + "x" * 4096 + "</b>", ParseMode.HTML),  # 4096 after entities parsing
        ("🗳" * 4096, None),  # the spec says characters (not UTF-16 units, not bytes)
        (
            "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
            '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span>'
            '<tg-spoiler>t</tg-spoiler><a href="https://example.org/?a=1&amp;b=2">a</a>'
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><code>c</code>'
            '<pre><code class="language-python">print(1 &lt; 2)</code></pre>'
            "<blockquote>q <b>bold</b></blockquote><blockquote expandable>e</blockquote>"
            '<a href="https://e.org"><b>bold link</b></a> &lt;&gt;&amp;&quot;&#33;&#x21;',
            ParseMode.HTML,
        ),
        ("Hello\\. Visit [site](https://e.org/a-b) *now*\\!", ParseMode.MARKDOWN_V2),
    ],
)
async def test_valid_message_text_passes(
    bot: Bot, api: FakeBotAPI, user: Any, text: str, parse_mode: str | None
) -> None:
    await bot.send_message(USER_ID, text, parse_mode)
    api.assert_no_violations()


async def test_rule_edited_text_and_caption(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    sent = await bot.send_message(USER_ID, "x")
    too_long = bot.edit_message_text("y" * 4097, USER_ID, sent.message_id)
    await expect_violation(api, "editMessageText.text: too long: 4097", too_long)
    bad_html = bot.edit_message_text("<b>y", USER_ID, sent.message_id, parse_mode="HTML")
    await expect_violation(api, "editMessageText.text: can't parse entities", bad_html)
    caption = bot.send_photo(USER_ID, "AgACAgIAAxkBAAI", caption="c" * 1025)
    await expect_violation(api, "sendPhoto.caption: too long: 1025", caption)


def keyboard(*buttons: dict[str, Any]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup.de_json({"inline_keyboard": [list(buttons)]}, None)


@pytest.mark.parametrize(
    ("button", "fragment"),
    [
        ({"text": "x", "callback_data": "ж" * 33}, "callback_data: too long: 66 bytes"),
        ({"text": "x", "callback_data": "d" * 65}, "callback_data: too long: 65 bytes"),
        ({"text": "x", "callback_data": ""}, "callback_data: is empty"),
        ({"text": "x"}, "exactly one action field, has none"),
        ({"text": "x", "url": "https://e.org", "callback_data": "d"}, "has callback_data, url"),
    ],
)
async def test_rule_inline_keyboard_buttons(
    bot: Bot, api: FakeBotAPI, user: Any, button: dict[str, Any], fragment: str
) -> None:
    await expect_violation(
        api, fragment, bot.send_message(USER_ID, "x", reply_markup=keyboard(button))
    )


async def test_valid_inline_keyboard_passes(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    markup = keyboard(
        {"text": "a", "callback_data": "ж" * 32},  # exactly 64 bytes
        {"text": "b", "url": "https://e.org", "style": "primary"},
        {"text": "c", "switch_inline_query_current_chat": ""},
    )
    await bot.send_message(USER_ID, "x", reply_markup=markup)
    api.assert_no_violations()


async def test_rule_answer_callback_query_text(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    sent = await bot.send_message(USER_ID, "q", reply_markup=KEYBOARD)
    press = api.press_button(user, sent.to_dict(), "faq:no")
    assert press.callback_query_id is not None
    too_long = bot.answer_callback_query(press.callback_query_id, "t" * 201)
    await expect_violation(api, "answerCallbackQuery.text: too long: 201 characters", too_long)
    assert await bot.answer_callback_query(press.callback_query_id, "t" * 200)
    assert len(api.violations) == 1  # only the 201-character answer


def article(result_id: str, text: str = "t", parse_mode: str | None = None) -> Any:
    return InlineQueryResultArticle(result_id, "title", InputTextMessageContent(text, parse_mode))


@pytest.mark.parametrize(
    ("results", "next_offset", "fragment"),
    [
        ([article(str(i)) for i in range(51)], None, "51 results, at most 50"),
        ([article("same"), article("same")], None, "duplicate result id 'same'"),
        ([article("i" * 65)], None, "id: too long: 65 bytes"),
        ([article("")], None, "id: is empty"),
        ([article("1", "<b>x", "HTML")], None, "message_text: can't parse entities"),
        ([article("1", "x" * 4097)], None, "message_text: too long: 4097"),
        ([article("1")], "o" * 65, "next_offset: 65 bytes"),
    ],
)
async def test_rule_inline_query_results(
    bot: Bot, api: FakeBotAPI, results: list[Any], next_offset: str | None, fragment: str
) -> None:
    query = api.send_inline_query(api.user(USER_ID), "q")
    assert query.inline_query_id is not None
    request = bot.answer_inline_query(query.inline_query_id, results, next_offset=next_offset)
    await expect_violation(api, fragment, request)


async def test_valid_inline_query_results_pass(bot: Bot, api: FakeBotAPI) -> None:
    query = api.send_inline_query(api.user(USER_ID), "q")
    assert query.inline_query_id is not None
    results = [article(f"{i:064d}") for i in range(50)]
    assert await bot.answer_inline_query(query.inline_query_id, results, next_offset="o" * 64)
    api.assert_no_violations()


@pytest.mark.parametrize(
    ("commands", "language_code", "fragment"),
    [
        ([BotCommand("Start", "d")], None, "may contain only lowercase"),
        ([BotCommand("start-now", "d")], None, "may contain only lowercase"),
        ([BotCommand("c" * 33, "d")], None, "command: too long: 33 characters"),
        ([BotCommand("", "d")], None, "command: is empty"),
        ([BotCommand("start", "")], None, "description: is empty"),
        ([BotCommand("start", "d" * 257)], None, "description: too long: 257"),
        ([BotCommand(f"c{i}", "d") for i in range(101)], None, "101 commands, at most 100"),
        ([BotCommand("start", "d")], "bel", "not a two-letter ISO 639-1 code"),
    ],
)
async def test_rule_bot_commands(
    bot: Bot, api: FakeBotAPI, commands: list[BotCommand], language_code: str | None, fragment: str
) -> None:
    await expect_violation(
        api, fragment, bot.set_my_commands(commands, language_code=language_code)
    )


async def test_valid_bot_commands_pass(bot: Bot, api: FakeBotAPI) -> None:
    commands = [BotCommand("c" * 32, "d" * 256)] + [BotCommand(f"c_{i}", "d") for i in range(99)]
    assert await bot.set_my_commands(commands, language_code="ru")
    api.assert_no_violations()


async def test_rule_chat_action(bot: Bot, api: FakeBotAPI, user: Any) -> None:
    dancing = bot.send_chat_action(USER_ID, "dancing")
    await expect_violation(api, "sendChatAction.action: 'dancing' is not one of", dancing)


@pytest.mark.usefixtures("spec_path")  # checks what needs the spec
def test_assert_no_violations_reports_them(api: FakeBotAPI) -> None:
    api.assert_no_violations()
    status = httpx.post(
        f"{api.base_url}{api.token}/getMe", data={"x": "1"}, trust_env=False
    ).status_code
    assert status == 400
    with pytest.raises(AssertionError, match=r"(?s)1 Bot API violation.*getMe: field 'x'"):
        api.assert_no_violations()


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("<b>a</b>", "a", [{"type": "bold", "offset": 0, "length": 1}]),
        (
            "🗳 <i>x</i>",
            "🗳 x",
            [{"type": "italic", "offset": 3, "length": 1}],
        ),
        (
            '<pre><code class="language-py">p</code></pre>',
            "p",
            [{"type": "pre", "language": "py", "offset": 0, "length": 1}],
        ),
        (
            "<blockquote expandable>q</blockquote>",
            "q",
            [{"type": "expandable_blockquote", "offset": 0, "length": 1}],
        ),
        ("<B>x</B>&#1078;", "xж", [{"type": "bold", "offset": 0, "length": 1}]),
    ],
)
def test_parse_html_entities(source: str, text: str, entities: list[dict[str, Any]]) -> None:
    parsed = parse_html(source)
    assert (parsed.text, parsed.entities) == (text, entities)


@pytest.mark.parametrize(
    "source",
    [
        "<a href=''>x</a>",
        "<code><a href='x'>y</a></code>",
        "<a href='x'><code>y</code></a>",
        "&#0;",
    ],
)
def test_parse_html_rejects(source: str) -> None:
    with pytest.raises(HtmlError):
        parse_html(source)


# ------------------------------------------------------------------------------------------
# End to end with a real python-telegram-bot Application
# ------------------------------------------------------------------------------------------


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_html("<b>Hello!</b> Pick one:", reply_markup=KEYBOARD)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Noted")
    await query.edit_message_text(f"You chose {query.data}")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


def build_app(api: FakeBotAPI, rate_limiter: AIORateLimiter | None = None) -> Application:
    builder = ApplicationBuilder().token(api.token).base_url(api.base_url)
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    app = builder.build()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    return app


@asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_application_polling_end_to_end(api: FakeBotAPI) -> None:
    person = api.user(USER_ID, "Alesia", language_code="be")
    async with polling(build_app(api)):
        start = api.send_text(person, "/start")
        greeting = await api.wait_for("sendMessage", start.matches)
        assert greeting.params["parse_mode"] == "HTML"
        assert greeting.result["text"] == "Hello! Pick one:"

        press = api.press_button(person, greeting, "faq:no")
        answer = await api.wait_for("answerCallbackQuery", press.matches)
        assert answer.ok and answer.params["text"] == "Noted"
        edit = await api.wait_for("editMessageText", press.matches)
        assert edit.ok and edit.result["text"] == "You chose faq:no"
        assert "reply_markup" not in api.sent_messages(USER_ID)[0]  # keyboard removed by edit

        text = api.send_text(person, "Хто такі назіральнікі?")
        echo = await api.wait_for("sendMessage", text.matches)
        assert echo.params["text"] == "echo: Хто такі назіральнікі?"
        sticker = api.send_sticker(person)
        await api.assert_no_call("sendMessage", sticker.matches, within=0.3)
    methods = [c.method for c in api.calls]
    # What PTB does at start-up and shutdown.
    assert methods[:2] == ["getMe", "deleteWebhook"]
    assert methods[2] == "getUpdates"
    polls = [c for c in api.calls if c.method == "getUpdates"]
    # On stop PTB abandons its long poll and calls getUpdates(offset, timeout=0) to confirm the
    # last updates; that call ends the abandoned poll with 409, as on Telegram.
    cleanup = [c for c in polls if c.params.get("timeout") == 0]
    assert len(cleanup) == 1 and cleanup[0].ok
    # (a poll still waiting when the server stops is recorded as in flight)
    assert [c.status for c in polls if not c.ok and c.status != IN_FLIGHT] in ([], [409])
    assert all(api.delivered(q) for q in (start, press, text, sticker))
    assert_results_match_spec(api)
    api.assert_no_violations()


@IGNORE_RETRY_AFTER_DEPRECATION
async def test_rate_limiter_retries_after_429(api: FakeBotAPI) -> None:
    person = api.user(USER_ID)
    api.fail_next("sendMessage", 429, retry_after=1)
    async with polling(build_app(api, AIORateLimiter(max_retries=2))):
        started = time.monotonic()
        text = api.send_text(person, "hello")
        delivered = await api.wait_for("sendMessage", lambda c: c.ok and text.matches(c))
        assert delivered.params["text"] == "echo: hello"
        assert time.monotonic() - started >= 1.0  # PTB waited retry_after before retrying
    statuses = [c.status for c in api.calls if c.method == "sendMessage"]
    assert statuses == [429, 200]
    api.assert_no_violations()


async def test_webhook_delivery_end_to_end(api: FakeBotAPI) -> None:
    unused_tcp_port = free_port()
    app = build_app(api)
    person = api.user(USER_ID)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=unused_tcp_port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{unused_tcp_port}/hook",
            secret_token="s3cret-token",
        )
        try:
            hook = await api.wait_for("setWebhook")
            assert hook.params["secret_token"] == "s3cret-token"
            text = api.send_text(person, "via webhook")
            echo = await api.wait_for("sendMessage", text.matches)
            assert echo.params["text"] == "echo: via webhook"
        finally:
            await app.updater.stop()
            await app.stop()
    api.assert_no_violations()


BOT_SCRIPT = textwrap.dedent(
    """
    import os
    from telegram.ext import ApplicationBuilder, CommandHandler

    async def start(update, context):
        await update.effective_message.reply_text("pong")

    builder = ApplicationBuilder().token(os.environ["BOT_TOKEN"])
    app = builder.base_url(os.environ["BASE_URL"]).build()
    app.add_handler(CommandHandler("start", start))
    app.run_polling(timeout=2)
    """
)


def test_bot_in_a_subprocess(api: FakeBotAPI) -> None:
    # The token goes through the environment, not argv, so `ps` does not show it.
    env = {**os.environ, "BOT_TOKEN": api.token, "BASE_URL": api.base_url}
    proc = subprocess.Popen([sys.executable, "-c", BOT_SCRIPT], env=env)
    try:
        queued = api.send_text(api.user(USER_ID), "/start")
        reply = api.wait_for_sync("sendMessage", queued.matches, timeout=15)
        assert reply.params["text"] == "pong"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    api.assert_no_violations()


def test_default_token_looks_like_a_real_one() -> None:
    bot_id, secret = DEFAULT_TOKEN.split(":")
    assert bot_id.isdigit() and len(secret) == 35


def test_end_to_end_tests_fail_without_the_spec(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    """A run without the Bot API spec must not pass silently without validating requests."""
    from .conftest import required_spec

    monkeypatch.setenv(SPEC_ENV_VAR, str(tmp_path / "missing.json"))
    with pytest.raises(pytest.fail.Exception, match="does not name a readable file"):
        required_spec()
    monkeypatch.delenv(SPEC_ENV_VAR)
    monkeypatch.setattr(fakebotapi, "SHARED_SPEC", tmp_path / "absent" / "api.json")
    with pytest.raises(pytest.fail.Exception, match="is not set"):
        required_spec()
