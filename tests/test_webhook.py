"""The webhook's intake (bot/telegram/webhook.py) over real HTTP on 127.0.0.1, in process: the
secret and size are checked before the body is read, unreadable bodies are acknowledged and
dropped, and an update delivered twice is taken once."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
import tornado.web

from bot.telegram.delivery import PrivateBot
from bot.telegram.webhook import SECRET_HEADER, Intake, UpdateHandler, WebServer

from .conftest import TOKEN
from .helpers import free_port

SECRET = "hook-Secret_for-tests-123"
JSON = {"Content-Type": "application/json"}


def message(update_id: int, text: str = "hi") -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}, "text": text}}


class Hook:
    def __init__(self, port: int, queue: asyncio.Queue[Any]) -> None:
        self.port, self.queue = port, queue

    async def request(self, method: str, path: str, headers: dict[str, str],
                      chunks: list[bytes]) -> tuple[int, bytes]:
        """(status, body) of one HTTP/1.1 request; the server may answer before the body
        is sent (that is what it should do when the secret or size is wrong)."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        try:
            writer.write(head.encode())
            for chunk in chunks:
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass  # refused before the whole body was read
        response = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        status_line, _, rest = response.partition(b"\r\n")
        return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]

    async def post(self, body: bytes | str | dict[str, Any] | list[Any] | None = None,
                   headers: dict[str, str] | None = None, path: str = "/telegram",
                   secret: str | None = SECRET) -> int:
        data = json.dumps(body).encode() if isinstance(body, dict | list) else body or b""
        data = data.encode() if isinstance(data, str) else data
        sent = {**JSON, **({SECRET_HEADER: secret} if secret is not None else {}),
                "Content-Length": str(len(data)), **(headers or {})}
        return (await self.request("POST", path, sent, [data]))[0]

    def queued(self) -> list[int]:
        ids = []
        while not self.queue.empty():
            ids.append(self.queue.get_nowait().update_id)
        return ids


class Health(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write("ok")


@pytest.fixture
async def hook() -> AsyncIterator[Hook]:
    queue: asyncio.Queue[Any] = asyncio.Queue()
    application = SimpleNamespace(bot=None, update_queue=queue,
                                  update_processor=SimpleNamespace(full=False))
    server = WebServer([("/healthz", Health, {})], intake=Intake(application, SECRET,  # type: ignore[arg-type]
                                                                 remember=3),
                       max_body=2000)
    port = free_port()
    server.listen("127.0.0.1", port)
    try:
        yield Hook(port, queue)
    finally:
        await server.stop()


async def test_an_update_with_the_secret_is_taken(hook: Hook) -> None:
    assert await hook.post(message(1)) == 200
    assert await hook.post(message(2), path="/telegram/") == 200
    assert await hook.post(message(3), headers={"Content-Type":
                                                "Application/JSON; charset=utf-8"}) == 200
    # in several chunks, without a Content-Length
    data = json.dumps(message(4)).encode()
    chunked = [b"%x\r\n%s\r\n" % (len(data[i:i + 20]), data[i:i + 20])
               for i in range(0, len(data), 20)] + [b"0\r\n\r\n"]
    status, _ = await hook.request("POST", "/telegram", {**JSON, SECRET_HEADER: SECRET,
                                                         "Transfer-Encoding": "chunked"},
                                   chunked)
    assert status == 200
    assert hook.queued() == [1, 2, 3, 4]


async def test_updates_are_read_for_the_applications_bot() -> None:
    queue: asyncio.Queue[Any] = asyncio.Queue()
    bot = PrivateBot(TOKEN)
    await Intake(SimpleNamespace(bot=bot, update_queue=queue), SECRET  # type: ignore[arg-type]
                 ).feed(json.dumps(message(1)).encode())
    assert queue.get_nowait().get_bot() is bot


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
async def test_without_the_secret_nothing_is_read(hook: Hook, secret: str | None) -> None:
    assert await hook.post(message(1), secret=secret) == 403
    assert hook.queued() == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/jsonp", ""])
async def test_only_json_is_read(hook: Hook, content_type: str) -> None:
    assert await hook.post(message(1), headers={"Content-Type": content_type}) == 415
    assert hook.queued() == []


async def test_a_body_without_a_media_type_is_not_read(hook: Hook) -> None:
    body = json.dumps(message(1)).encode()
    status, _ = await hook.request("POST", "/telegram", {SECRET_HEADER: SECRET,
                                                         "Content-Length": str(len(body))},
                                   [body])
    assert status == 415 and hook.queued() == []


async def test_bodies_over_the_limit_are_refused(hook: Hook) -> None:
    big = message(1, "x" * 1900)
    size = len(json.dumps(big).encode())
    assert size > 2000
    assert await hook.post(big) == 413
    fits = message(2, "x" * (1900 - (size - 2000)))
    assert len(json.dumps(fits).encode()) == 2000
    assert await hook.post(fits) == 200

    # no Content-Length: the body is counted as it arrives
    data = json.dumps(big).encode()
    chunked = [b"%x\r\n%s\r\n" % (len(data[i:i + 500]), data[i:i + 500])
               for i in range(0, len(data), 500)] + [b"0\r\n\r\n"]
    status, _ = await hook.request("POST", "/telegram", {**JSON, SECRET_HEADER: SECRET,
                                                         "Transfer-Encoding": "chunked"},
                                   chunked)
    assert status == 400  # tornado's own limit on a chunked body, set by the handler
    assert hook.queued() == [2]


@pytest.mark.parametrize("length", ["-1", "1e3", "abc", "3000"])
async def test_a_bad_or_large_declared_length_is_refused(hook: Hook, length: str) -> None:
    status, _ = await hook.request("POST", "/telegram", {**JSON, SECRET_HEADER: SECRET,
                                                         "Content-Length": length}, [])
    assert status == 413
    assert hook.queued() == []


@pytest.mark.parametrize(("body", "logged"), [
    (b"not json", "webhook: skipped a body of 8 bytes that is not UTF-8 JSON"),
    (b"\xff\xfe", "webhook: skipped a body of 2 bytes that is not UTF-8 JSON"),
    (b"", "webhook: skipped a body of 0 bytes that is not UTF-8 JSON"),
    (b"[1, 2]", "skipped an update that is not a JSON object"),
    (b'"text"', "skipped an update that is not a JSON object"),
    (b"{}", "skipped an update without a valid update_id"),
    (b'{"update_id": "7"}', "skipped an update without a valid update_id"),
    (b'{"update_id": true}', "skipped an update without a valid update_id"),
])
async def test_unreadable_bodies_are_acknowledged_and_dropped(
        hook: Hook, body: bytes, logged: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    assert await hook.post(body) == 200  # Telegram would redeliver anything else forever
    assert hook.queued() == []
    assert [r.getMessage() for r in caplog.records if r.name.startswith("bot")] == [logged]


async def test_an_update_that_cannot_be_read_is_taken_once_and_logged_by_id(
        hook: Hook, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    poison = {"update_id": 41, "message": {"message_id": "x", "chat": "secret words"}}
    assert await hook.post(poison) == 200
    assert await hook.post(poison) == 200
    assert hook.queued() == []
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    # (read again before its id is looked up: the skip is logged twice)
    assert logged == ["skipped update 41: it cannot be read (KeyError)"] * 2 + [
        "update 41 arrived again; answered already"]
    assert "secret words" not in caplog.text


async def test_an_update_delivered_again_is_taken_once(hook: Hook) -> None:
    for update_id in (5, 5, 6, 5):
        assert await hook.post(message(update_id)) == 200
    assert hook.queued() == [5, 6]
    for update_id in (7, 8, 9):  # the intake remembers the last three
        await hook.post(message(update_id))
    await hook.post(message(5))
    assert hook.queued() == [7, 8, 9, 5]


async def test_other_routes_and_methods(hook: Hook) -> None:
    assert await hook.request("GET", "/healthz", {}, []) == (200, b"ok")
    assert (await hook.request("GET", "/telegram", {SECRET_HEADER: SECRET}, []))[0] == 405
    assert await hook.post(message(1), path="/elsewhere") == 404
    assert hook.queued() == []


async def test_errors_echo_nothing(hook: Hook) -> None:
    for secret, body in ((None, b"{}"), (SECRET, b"x" * 3000)):
        headers = {**JSON, "Content-Length": str(len(body)),
                   **({SECRET_HEADER: secret} if secret else {})}
        status, answer = await hook.request("POST", "/telegram", headers, [body])
        assert status in (403, 413) and answer == b""


async def test_the_server_stops_and_stopping_twice_is_harmless() -> None:
    await WebServer().stop()  # never started
    server = WebServer([("/healthz", Health, {})])
    port = free_port()
    server.listen("127.0.0.1", port)
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.close()
    await server.stop()
    await server.stop()
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)


async def test_a_body_that_arrives_in_pieces_is_read_whole() -> None:
    queue: asyncio.Queue[Any] = asyncio.Queue()
    application = SimpleNamespace(bot=None, update_queue=queue,
                                  update_processor=SimpleNamespace(full=False))
    server = WebServer(intake=Intake(application, SECRET))  # type: ignore[arg-type]
    port = free_port()
    server.listen("127.0.0.1", port)
    try:
        body = json.dumps(message(77, "x" * 300_000)).encode()  # tornado reads 64 KiB at a time
        status, _ = await Hook(port, queue).request(
            "POST", "/telegram", {**JSON, SECRET_HEADER: SECRET, "Content-Length": str(len(body))},
            [body[i:i + 50_000] for i in range(0, len(body), 50_000)])
    finally:
        await server.stop()
    assert status == 200
    update = queue.get_nowait()
    assert update.update_id == 77 and len(update.message.text) == 300_000


async def test_a_full_queue_is_told_to_come_back_later() -> None:
    """503 while too many updates wait: Telegram redelivers it later; nothing is read now."""
    full = SimpleNamespace(bot=None, update_queue=asyncio.Queue(),
                           update_processor=SimpleNamespace(full=True))
    server = WebServer(intake=Intake(full, SECRET))  # type: ignore[arg-type]
    port = free_port()
    server.listen("127.0.0.1", port)
    try:
        assert await Hook(port, full.update_queue).post(message(1)) == 503
    finally:
        await server.stop()
    assert full.update_queue.empty()


def test_a_body_is_counted_as_it_arrives_whatever_tornado_limits() -> None:
    """Defence in depth beside tornado's per-request limit (which `prepare` sets): the handler
    itself refuses a body once the pieces it was given add up to more than its limit."""
    handler = UpdateHandler.__new__(UpdateHandler)  # its counting alone, without a connection
    handler.initialize(Intake(SimpleNamespace(), SECRET), max_body=10)  # type: ignore[arg-type]
    handler.data_received(b"123456")
    handler.data_received(b"7890")  # 10 bytes: exactly the limit
    assert (handler.size, handler.chunks) == (10, [b"123456", b"7890"])
    with pytest.raises(tornado.web.HTTPError) as refused:
        handler.data_received(b"x")
    assert refused.value.status_code == 413
    assert handler.chunks == [b"123456", b"7890"]


class Everything(tornado.web.RequestHandler):
    def post(self) -> None:
        self.write("elsewhere")


async def test_the_webhook_path_is_taken_as_configured_and_before_other_routes() -> None:
    """The path of TELEGRAM_WEBHOOK_URL, whatever its letters, with or without slashes; an
    extra route whose pattern also matches it does not take the updates."""
    queue: asyncio.Queue[Any] = asyncio.Queue()
    application = SimpleNamespace(bot=None, update_queue=queue,
                                  update_processor=SimpleNamespace(full=False))
    server = WebServer([(r"/.*", Everything, {})], intake=Intake(application, SECRET),  # type: ignore[arg-type]
                       webhook_path="/X-hook/X/")
    port = free_port()
    server.listen("127.0.0.1", port)
    hook = Hook(port, queue)
    try:
        assert await hook.post(message(1), path="/X-hook/X") == 200
        assert await hook.post(message(2), path="/X-hook/X/") == 200
        assert await hook.request("POST", "/-hook/", {"Content-Length": "0"}, []) == (
            200, b"elsewhere")
    finally:
        await server.stop()
    assert hook.queued() == [1, 2]


async def test_other_routes_are_held_to_the_same_body_limit(hook: Hook) -> None:
    # /healthz takes no POST (405), but a body over the server's limit is refused before that
    assert (await hook.request("POST", "/healthz", {"Content-Length": "2000"},
                               [b"x" * 2000]))[0] == 405
    assert (await hook.request("POST", "/healthz", {"Content-Length": "2001"},
                               [b"x" * 2001]))[0] == 400


class Caller(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write(self.request.remote_ip or "")


async def test_the_callers_address_is_the_proxys_when_it_names_one() -> None:
    """Behind a reverse proxy (X-Real-Ip, X-Forwarded-For) the caller is the one the proxy
    names; without one, the connection's own address."""
    server = WebServer([("/caller", Caller, {})])
    port = free_port()
    server.listen("127.0.0.1", port)
    hook = Hook(port, asyncio.Queue())
    try:
        assert await hook.request("GET", "/caller", {}, []) == (200, b"127.0.0.1")
        assert await hook.request("GET", "/caller", {"X-Real-Ip": "203.0.113.7"}, []) == (
            200, b"203.0.113.7")
        assert await hook.request("GET", "/caller", {"X-Forwarded-For": "198.51.100.2"},
                                  []) == (200, b"198.51.100.2")
    finally:
        await server.stop()


async def test_the_server_listens_on_the_address_it_is_given_only() -> None:
    server = WebServer([("/healthz", Health, {})])
    port = free_port()
    server.listen("127.0.0.1", port)
    try:
        assert await Hook(port, asyncio.Queue()).request("GET", "/healthz", {}, []) == (
            200, b"ok")
        # another loopback address of the same host: nobody listens there
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.2", port)
    finally:
        await server.stop()
