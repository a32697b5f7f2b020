"""The webhook HTTP server: Telegram's updates in, and any extra routes (health, metrics).

Built on tornado (installed with python-telegram-bot's webhooks extra) rather than
`Application.run_webhook`, whose handler reads the whole body before checking the secret, answers
malformed bodies with errors Telegram retries forever, refuses `Content-Type` parameters and logs
unreadable updates whole.
"""

from __future__ import annotations

import hmac
import json
import logging
import socket
from collections.abc import Sequence
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram.ext import Application

from bot.telegram.delivery import REMEMBERED_UPDATES, RecentUpdates, read_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Updates are a few kilobytes; Telegram's own limit for a message is 4096 characters.
MAX_BODY_BYTES = 1 << 20

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


class WebServer:
    """One HTTP server for the webhook (optional) and extra routes such as /healthz."""

    def __init__(self, routes: Sequence[Route] = (), *, intake: Intake | None = None,
                 webhook_path: str = "/telegram", max_body: int = MAX_BODY_BYTES) -> None:
        handlers: list[Route] = list(routes)
        if intake is not None:
            path = "/" + webhook_path.strip("/")
            handlers.insert(0, (rf"{path}/?", UpdateHandler,
                                {"intake": intake, "max_body": max_body}))
        self._app = _Quiet(handlers)
        self._max_body = max_body
        self._server: tornado.httpserver.HTTPServer | None = None

    def listen(self, address: str, port: int) -> None:
        self.serve(tornado.netutil.bind_sockets(port, address))

    def serve(self, sockets: list[socket.socket]) -> None:
        """Serve on sockets bound beforehand (start-up binds them before calling Telegram)."""
        self._server = tornado.httpserver.HTTPServer(
            self._app, max_body_size=self._max_body, idle_connection_timeout=60,
            body_timeout=30, xheaders=True)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
