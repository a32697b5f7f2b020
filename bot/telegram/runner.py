"""`electionbot run`: pre-flight checks, then polling or a webhook, until a stop signal.

Our own loop instead of `Application.run_polling()` so that a signal at any moment (during the
checks too) stops cleanly with a message, so that start-up failures become exit codes, and so
that /healthz, /readyz and /metrics can share the webhook server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import signal
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import tornado.netutil

from bot.errors import CannotListen, Interrupted, TelegramRefused, TelegramUnreachable
from bot.service import metrics as metrics_mod
from bot.service import startup
from bot.service.config import Settings
from bot.service.health import Ops, keep_bot_api_contact, tornado_routes
from bot.service.http import tls_context

if TYPE_CHECKING:
    from bot.telegram.webhook import WebServer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Webhook:
    url: str
    listen: str
    port: int
    path: str  # the URL path Telegram posts to, e.g. /telegram


def bind(host: str, port: int, what: str) -> list[socket.socket]:
    """Listening sockets, or CannotListen naming the setting to change."""
    try:
        return tornado.netutil.bind_sockets(port, host)
    except OSError as exc:
        raise CannotListen(f"cannot listen on {host}:{port} for {what}: {exc.strerror}",
                           "choose another address or port, or stop what uses it") from exc


def raise_open_files_limit() -> tuple[int, int]:
    """Raise the soft limit of open files to the hard one (often 1024 against 1M): every
    connection, to Telegram or to the webhook, costs a descriptor. Returns (soft, hard)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as exc:
            log.info("could not raise the open files limit from %d: %s", soft, exc)
    return soft, hard


class Runner:
    """One run of the bot: start-up, serving, shutdown."""

    def __init__(self, settings: Settings, webhook: Webhook | None) -> None:
        self.settings = settings
        self.webhook = webhook
        self.stop = asyncio.Event()
        self.signal: int | None = None
        self.servers: list[WebServer] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.app: Any = None
        self.instance_lock: int | None = None  # held from start-up until the bot stops

    def on_signal(self, signum: int) -> None:
        if self.signal is None:
            self.signal = signum
        self.stop.set()

    async def main(self) -> str:
        """Run until a stop signal; the reason it stopped. Raises ElectionbotError at start-up."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.on_signal, sig)
        try:
            return await self._main()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            if self.instance_lock is not None:
                os.close(self.instance_lock)
                self.instance_lock = None

    async def _main(self) -> str:
        starting = asyncio.create_task(self.start())
        stopping = asyncio.create_task(self.stop.wait())
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await starting
            await self.shutdown()
            raise Interrupted(self.signal or signal.SIGINT)
        stopping.cancel()
        try:
            starting.result()
        except BaseException:
            await self.shutdown()
            raise
        await self.stop.wait()
        await self.shutdown()
        name = signal.Signals(self.signal).name if self.signal else "request"
        return f"stopped by {name}"

    async def start(self) -> None:
        from telegram import Update
        from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

        from bot.telegram.app import build_application, start_polling
        from bot.telegram.context import SERVICES
        from bot.telegram.webhook import Intake, WebServer

        settings = self.settings
        raise_open_files_limit()
        tls_context()  # a certificate setting that cannot be used is a setting error: first
        conversation = await asyncio.to_thread(startup.load_conversation, settings)
        await asyncio.to_thread(startup.check_database, settings.db_path)
        # ports before Telegram: a clash must not cost a call to the Bot API
        hook_sockets = (bind(self.webhook.listen, self.webhook.port, "the webhook (--listen, "
                             "--port)") if self.webhook else [])
        ops_sockets = (bind(*settings.metrics_addr, "health and metrics "
                            "(ELECTIONBOT_METRICS_ADDR)") if settings.metrics_addr else [])
        username = await startup.check_telegram(settings)
        self.instance_lock = await asyncio.to_thread(startup.lock_instance, settings.db_path)
        storage = await asyncio.to_thread(startup.open_storage, settings)
        metrics = metrics_mod.Metrics()
        app = self.app = build_application(settings, conversation, storage, metrics=metrics)
        svc = app.bot_data[SERVICES]
        polling = self.webhook is None
        ops = Ops(metrics, str(settings.db_path),
                  alive=lambda: bool(app.running) and not (
                      polling and app.updater is not None and not app.updater.running),
                  knowledge_size=lambda: len(svc.conversation.kb.entries))
        metrics.knowledge(len(conversation.kb.entries), len(conversation.kb.topics))
        try:
            await app.initialize()
            if app.post_init:
                await app.post_init(app)
            await app.start()
            if self.webhook:
                # the webhook port is public: /healthz, /readyz and /metrics stay on the
                # metrics address only
                server = WebServer(intake=Intake(app, settings.webhook_secret),
                                   webhook_path=self.webhook.path)
                server.serve(hook_sockets)
                self.servers.append(server)
                await app.bot.set_webhook(self.webhook.url, secret_token=settings.webhook_secret,
                                          allowed_updates=Update.ALL_TYPES)
            else:
                await start_polling(app)
        except InvalidToken as exc:
            raise TelegramRefused("Telegram rejected TELEGRAM_BOT_TOKEN (Unauthorized)",
                                  "get the current token from @BotFather") from exc
        except BadRequest as exc:  # a NetworkError in python-telegram-bot, but an answer
            raise TelegramRefused(f"Telegram refused to start the bot: "
                                  f"{startup.describe_error(exc, settings.token)}",
                                  "check --webhook-url (public https, port 443, 80, 88 or 8443)"
                                  if self.webhook else "see docs/operating.md") from exc
        except NetworkError as exc:
            raise TelegramUnreachable(f"lost the Telegram Bot API during start-up: "
                                      f"{startup.describe_error(exc, settings.token)}",
                                      "check the network and start again") from exc
        except TelegramError as exc:  # e.g. setWebhook refusing the URL
            raise TelegramRefused(f"Telegram refused to start the bot: "
                                  f"{startup.describe_error(exc, settings.token)}",
                                  "check --webhook-url (public https, port 443, 80, 88 or 8443)"
                                  if self.webhook else "see docs/operating.md") from exc
        if ops_sockets:
            ops_server = WebServer(tornado_routes(ops))
            ops_server.serve(ops_sockets)
            self.servers.append(ops_server)
        self.tasks.append(asyncio.create_task(
            keep_bot_api_contact(app.bot.get_me, metrics, self.stop), name="bot-api-keepalive"))
        mode = f"webhook {self.webhook.url}" if self.webhook else "long polling"
        extra = (f"; health and metrics on http://{settings.metrics_addr[0]}:"
                 f"{settings.metrics_addr[1]}/" if settings.metrics_addr else "")
        log.info("running as %s (%s, %d entries, up to %d updates at once)%s", username, mode,
                 len(conversation.kb.entries), settings.concurrency, extra)

    async def shutdown(self) -> None:
        """Stop in the reverse order of start; each step tolerates a half-done start."""
        self.stop.set()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        app = self.app
        if app is None:
            return
        with contextlib.suppress(Exception):
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
        with contextlib.suppress(Exception):
            if app.running:
                await app.stop()
        with contextlib.suppress(Exception):
            if app.post_shutdown:
                await app.post_shutdown(app)
        with contextlib.suppress(Exception):
            await app.shutdown()
        for server in self.servers:
            with contextlib.suppress(Exception):
                await server.stop()


def run(settings: Settings, webhook: Webhook | None = None) -> str:
    """Run the bot in a fresh event loop; the reason it stopped."""
    return asyncio.run(Runner(settings, webhook).main())
