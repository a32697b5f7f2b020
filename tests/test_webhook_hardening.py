"""Issue 18, item 6: whoever can reach the webhook port cannot take the bot down."""

from __future__ import annotations

import asyncio
import errno
import logging
import resource
import socket
import time
from typing import Any

import pytest
import tornado.web
from tornado.ioloop import IOLoop

import bot.logs
from bot.service.config import ConfigError, Settings
from bot.telegram.runner import raise_open_files_limit
from bot.telegram.webhook import WebServer

from .conftest import TOKEN


class Hello(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write("hello")


def _listening() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.setblocking(False)
    return sock, sock.getsockname()[1]


async def _get(port: int, path: str = "/hello") -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    return data


async def _closed_by_server(conn: tuple[asyncio.StreamReader, Any], within: float) -> bool:
    try:
        return await asyncio.wait_for(conn[0].read(1), within) == b""
    except TimeoutError:
        return False


def test_a_short_webhook_secret_is_refused() -> None:
    with pytest.raises(ConfigError, match="at least 32"):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": "short-one"})
    assert len(Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN}).webhook_secret) >= 32


async def test_connections_past_the_cap_are_closed_at_once() -> None:
    sock, port = _listening()
    fd = sock.fileno()
    server = WebServer([("/hello", Hello, {})], max_connections=5)
    server.serve([sock])
    try:
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(5)]
        await asyncio.sleep(0.1)
        for _ in range(2):
            extra = await asyncio.open_connection("127.0.0.1", port)
            assert await _closed_by_server(extra, 2.0)  # its descriptor is freed, not held
        assert not await _closed_by_server(idle[0], 0.2)
        assert server.server is not None and server.server.refused == 2
        for _, writer in idle:
            writer.close()
        await asyncio.sleep(0.2)
        assert b"hello" in await _get(port)  # room again
    finally:
        await server.stop()
    assert fd not in IOLoop.current().handlers  # stopped: the socket is no longer watched


async def test_a_client_that_sends_no_headers_is_dropped() -> None:
    sock, port = _listening()
    server = WebServer([("/hello", Hello, {})], header_timeout=0.3)
    server.serve([sock])
    try:
        slow = await asyncio.open_connection("127.0.0.1", port)
        slow[1].write(b"GET /hello HTTP/1.1\r\n")  # and never the rest
        started = time.monotonic()
        assert await _closed_by_server(slow, 3.0)
        assert time.monotonic() - started < 2.0
    finally:
        await server.stop()


async def test_running_out_of_descriptors_is_one_line_not_a_traceback_storm(
        caplog: pytest.LogCaptureFixture) -> None:
    real, port = _listening()

    class Exhausted:
        """A listening socket whose accept() fails as when the process has no descriptors."""

        failures = 0

        def fileno(self) -> int:
            return real.fileno()

        def close(self) -> None:
            real.close()

        def accept(self) -> tuple[socket.socket, Any]:
            if self.failures < 20:
                self.failures += 1
                raise OSError(errno.EMFILE, "Too many open files")
            return real.accept()

    flaky = Exhausted()
    fd = real.fileno()
    server = WebServer([("/hello", Hello, {})])
    server.serve([flaky])  # type: ignore[list-item]
    assert server.server is not None
    server.server.accept_pause = 0.02
    try:
        with caplog.at_level(logging.DEBUG):
            assert b"hello" in await _get(port)  # served once descriptors are back
        assert server.server.accept_failures == 20
    finally:
        await server.stop()
    assert flaky.failures == 20
    warnings = [r.getMessage() for r in caplog.records if "cannot accept" in r.getMessage()]
    assert warnings == ["webhook server: cannot accept connections (Too many open files); "
                        "pausing 0.0 s and trying again (0 more failures since the last report)"]
    assert not [r for r in caplog.records if r.exc_info]
    assert fd not in IOLoop.current().handlers  # stopped: the socket is no longer watched


class Failing:
    """A listening socket whose accept() fails `times` times with `error`, then accepts."""

    def __init__(self, real: socket.socket, error: OSError, times: int = 1_000_000) -> None:
        self.real, self.error, self.times = real, error, times
        self.calls = 0

    def fileno(self) -> int:
        return self.real.fileno()

    def close(self) -> None:
        self.real.close()

    def accept(self) -> tuple[socket.socket, Any]:
        self.calls += 1
        if self.calls <= self.times:
            raise self.error
        return self.real.accept()


async def test_accepting_pauses_half_a_second_by_default(
        caplog: pytest.LogCaptureFixture) -> None:
    real, port = _listening()
    flaky = Failing(real, OSError(errno.EMFILE, "Too many open files"), times=1)
    server = WebServer([("/hello", Hello, {})])
    server.serve([flaky])  # type: ignore[list-item]
    try:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING):
            assert b"hello" in await _get(port)
        assert 0.45 <= time.monotonic() - started < 3.0
    finally:
        await server.stop()
    assert "pausing 0.5 s" in caplog.text


async def test_a_server_stopped_while_paused_stays_stopped(
        caplog: pytest.LogCaptureFixture) -> None:
    real, port = _listening()
    fd = real.fileno()
    flaky = Failing(real, OSError(errno.ENFILE, "Too many open files in system"))
    server = WebServer([("/hello", Hello, {})])
    server.serve([flaky])  # type: ignore[list-item]
    assert server.server is not None
    server.server.accept_pause = 0.1
    waiting = await asyncio.open_connection("127.0.0.1", port)  # wakes the accept loop
    for _ in range(100):
        if flaky.calls:
            break
        await asyncio.sleep(0.01)
    assert flaky.calls == 1  # and paused
    with caplog.at_level(logging.DEBUG):
        await server.stop()
        await asyncio.sleep(0.3)  # past the pause: nothing resumes on the closed socket
    waiting[1].close()
    assert flaky.calls == 1
    assert fd not in IOLoop.current().handlers and -1 not in IOLoop.current().handlers
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_aborted_connections_are_skipped_a_bounded_batch_at_a_time() -> None:
    real, _ = _listening()
    aborted = Failing(real, ConnectionAbortedError())
    server = WebServer([("/hello", Hello, {})])
    server.serve([aborted])  # type: ignore[list-item]
    try:
        _, accept = IOLoop.current().handlers[real.fileno()]
        accept(aborted, IOLoop.READ)  # one wake-up: as tornado, at most 128 accepts
        assert aborted.calls == 128
    finally:
        await server.stop()


async def test_accept_failures_are_reported_once_a_minute(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    times = iter([1000.0, 1059.9, 1060.0])
    monkeypatch.setattr(bot.logs, "time", type("Clock", (), {
        "monotonic": staticmethod(lambda: next(times))}))
    real, port = _listening()
    flaky = Failing(real, OSError(errno.EMFILE, "Too many open files"), times=3)
    server = WebServer([("/hello", Hello, {})])
    server.serve([flaky])  # type: ignore[list-item]
    assert server.server is not None
    server.server.accept_pause = 0.01
    try:
        with caplog.at_level(logging.WARNING):
            assert b"hello" in await _get(port)
    finally:
        await server.stop()
    assert [r.getMessage() for r in caplog.records if "cannot accept" in r.getMessage()] == [
        "webhook server: cannot accept connections (Too many open files); pausing 0.0 s and "
        "trying again (0 more failures since the last report)",
        "webhook server: cannot accept connections (Too many open files); pausing 0.0 s and "
        "trying again (1 more failures since the last report)"]


async def test_a_client_that_sends_half_a_body_is_dropped() -> None:
    from bot.telegram.webhook import SECRET_HEADER, Intake

    sock, port = _listening()
    application = type("App", (), {"update_processor": None})()
    server = WebServer(intake=Intake(application, "s" * 32), body_timeout=0.3)  # type: ignore[arg-type]
    server.serve([sock])
    try:
        slow = await asyncio.open_connection("127.0.0.1", port)
        slow[1].write(b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                      b"\r\n" + f"{SECRET_HEADER}: {'s' * 32}\r\n".encode() +
                      b"Content-Length: 100\r\n\r\n{\"update_id\": 1")  # and never the rest
        started = time.monotonic()
        assert await _closed_by_server(slow, 3.0)
        assert time.monotonic() - started < 2.0
    finally:
        await server.stop()


def test_the_open_files_limit_is_raised_to_the_hard_one() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowered = min(256, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowered, hard))
    try:
        new_soft, new_hard = raise_open_files_limit()
        assert new_hard == hard
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == new_soft
        assert new_soft == (hard if hard != resource.RLIM_INFINITY else 1 << 20)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
