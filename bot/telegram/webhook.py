"""The webhook HTTP server: Telegram's updates in, and any extra routes (health, metrics).

Built on tornado (installed with python-telegram-bot's webhooks extra) rather than
`Application.run_webhook`, whose handler reads the whole body before checking the secret, answers
malformed bodies with errors Telegram retries forever, refuses `Content-Type` parameters and logs
unreadable updates whole.
"""

from __future__ import annotations

import errno
import hmac
import json
import logging
import socket
from collections.abc import Callable, Sequence
from typing import Any

import tornado.httpserver
import tornado.iostream
import tornado.netutil
import tornado.web
from telegram.ext import Application
from tornado.ioloop import IOLoop

from bot.logs import Throttle
from bot.telegram.delivery import REMEMBERED_UPDATES, RecentUpdates, read_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Updates are a few kilobytes; Telegram's own limit for a message is 4096 characters.
MAX_BODY_BYTES = 1 << 20
# Issue 18, item 6: whoever reaches the port must not be able to exhaust file descriptors.
# Telegram opens at most `max_connections` of setWebhook (40 by default) at once.
MAX_CONNECTIONS = 100
# seconds a client may take to send its headers, or its body (Telegram sends both at once)
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0
# after accept() fails for want of descriptors (or memory), listening pauses this long
ACCEPT_PAUSE = 0.5
_OUT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})

# (path regex, handler class, initialize() keyword arguments), as tornado takes them
Route = tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]


class Intake:
    """Turns webhook bodies into updates for the Application, each update_id at most once."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], secret: str,
                 remember: int = REMEMBERED_UPDATES) -> None:
        self.application = application
        self.secret = secret.encode()
        self.taken = RecentUpdates(remember)

    @property
    def full(self) -> bool:
        """Too many updates wait already (see ChatOrderedProcessor.full): Telegram is told to
        come back later (503), which it does, instead of the bot queueing without bound."""
        return bool(getattr(self.application.update_processor, "full", False))

    def authentic(self, token: str | None) -> bool:
        return hmac.compare_digest((token or "").encode(), self.secret)

    async def feed(self, body: bytes) -> None:
        """Queue the update in `body`; anything unreadable is logged (id only) and dropped."""
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            log.warning("webhook: skipped a body of %d bytes that is not UTF-8 JSON", len(body))
            return
        bot = self.application.bot
        read = read_update(data, bot)
        if read is None:
            return
        update_id, update = read
        # an unreadable one is taken too: a redelivery of it is not read again
        if self.taken.first_time(update_id) and update is not None:
            await self.application.update_queue.put(update)


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POSTs from Telegram: secret and size checked before the body is read."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, intake: Intake, max_body: int = MAX_BODY_BYTES) -> None:
        self.intake = intake
        self.max_body = max_body
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        if not self.intake.authentic(self.request.headers.get(SECRET_HEADER)):
            raise tornado.web.HTTPError(403)
        if self.intake.full:
            raise tornado.web.HTTPError(503)
        media_type = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise tornado.web.HTTPError(415)
        declared = self.request.headers.get("Content-Length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            raise tornado.web.HTTPError(413)
        self.request.connection.set_max_body_size(self.max_body)  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_body:
            raise tornado.web.HTTPError(413)
        self.chunks.append(chunk)

    async def post(self) -> None:
        # 200 even for an unreadable body: Telegram would otherwise redeliver it forever
        await self.intake.feed(b"".join(self.chunks))
        self.set_status(200)
        self.finish()

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish()  # no traceback, no request echo

    def log_exception(self, *args: Any) -> None:
        return  # HTTPErrors above are expected traffic, logged by nobody


class _Quiet(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        return  # request lines may carry tokens in paths of other deployments


class GuardedHTTPServer(tornado.httpserver.HTTPServer):
    """tornado's HTTPServer with a cap on open connections and an accept loop that survives
    running out of file descriptors.

    Past `max_connections`, a new connection is closed at once (its descriptor freed). When
    accept() fails with EMFILE and the like, tornado's loop raised on every wake-up: the socket
    stays readable, so thousands of tracebacks a second. Here listening pauses `accept_pause`
    seconds instead, and the failure is logged at most once a minute.
    """

    def initialize(self, *args: Any, max_connections: int = MAX_CONNECTIONS,
                   accept_pause: float = ACCEPT_PAUSE, **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self.max_connections = max_connections
        self.accept_pause = accept_pause
        self.refused = 0  # connections closed for the cap
        self.accept_failures = 0
        self._accept_log = Throttle(60.0)

    def add_sockets(self, sockets: Any) -> None:
        for sock in sockets:
            self._sockets[sock.fileno()] = sock
            self._handlers[sock.fileno()] = self._accept_on(sock)

    def _accept_on(self, sock: socket.socket) -> Callable[[], None]:
        loop = IOLoop.current()
        state = {"listening": True, "removed": False}

        def resume() -> None:
            if not state["removed"] and not state["listening"]:
                state["listening"] = True
                loop.add_handler(sock, accept, IOLoop.READ)

        def accept(fd: Any, events: int) -> None:
            for _ in range(128):  # as tornado: a bounded batch per wake-up
                if state["removed"]:
                    return
                try:
                    connection, address = sock.accept()
                except BlockingIOError:
                    return
                except ConnectionAbortedError:
                    continue
                except OSError as exc:
                    if exc.errno not in _OUT_OF_RESOURCES:
                        raise
                    self._accept_failed(exc)
                    state["listening"] = False
                    loop.remove_handler(sock)
                    loop.call_later(self.accept_pause, resume)
                    return
                self._handle_connection(connection, address)

        def remove() -> None:
            state["removed"] = True
            if state["listening"]:
                loop.remove_handler(sock)

        loop.add_handler(sock, accept, IOLoop.READ)
        return remove

    def _accept_failed(self, exc: OSError) -> None:
        self.accept_failures += 1
        held = self._accept_log.allow()
        if held is not None:
            log.warning("webhook server: cannot accept connections (%s); pausing %.1f s and "
                        "trying again (%d more failures since the last report)",
                        exc.strerror or exc, self.accept_pause, held)

    def handle_stream(self, stream: tornado.iostream.IOStream, address: tuple[Any, ...]) -> None:
        if len(self._connections) >= self.max_connections:
            self.refused += 1
            stream.close()
            return
        super().handle_stream(stream, address)


class WebServer:
    """One HTTP server for the webhook (optional) and extra routes such as /healthz."""

    def __init__(self, routes: Sequence[Route] = (), *, intake: Intake | None = None,
                 webhook_path: str = "/telegram", max_body: int = MAX_BODY_BYTES,
                 max_connections: int = MAX_CONNECTIONS, header_timeout: float = HEADER_TIMEOUT,
                 body_timeout: float = BODY_TIMEOUT) -> None:
        handlers: list[Route] = list(routes)
        if intake is not None:
            path = "/" + webhook_path.strip("/")
            handlers.insert(0, (rf"{path}/?", UpdateHandler,
                                {"intake": intake, "max_body": max_body}))
        self._app = _Quiet(handlers)
        self._max_body = max_body
        self._max_connections = max_connections
        self._header_timeout = header_timeout
        self._body_timeout = body_timeout
        self._server: GuardedHTTPServer | None = None

    @property
    def server(self) -> GuardedHTTPServer | None:
        return self._server

    def listen(self, address: str, port: int) -> None:
        self.serve(tornado.netutil.bind_sockets(port, address))

    def serve(self, sockets: list[socket.socket]) -> None:
        """Serve on sockets bound beforehand (start-up binds them before calling Telegram)."""
        # idle_connection_timeout is also tornado's time limit for a request's headers
        self._server = GuardedHTTPServer(
            self._app, max_body_size=self._max_body,
            idle_connection_timeout=self._header_timeout, body_timeout=self._body_timeout,
            xheaders=True, max_connections=self._max_connections)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
