"""The one place the Application is put together, and how it runs (polling or webhook)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.conversation import (
    ACTION_ENTRY,
    ACTION_LANGUAGE,
    ACTION_SET_LANGUAGE,
    ACTION_TOPIC,
    ACTION_TOPICS,
    USER_COMMANDS,
    Conversation,
)
from bot.conversation.actions import FORGET, VOTE, Action
from bot.logs import quiet_third_party_loggers
from bot.service.concurrency import ChatOrderedProcessor
from bot.service.config import Settings
from bot.service.floods import FloodGuard
from bot.service.metrics import METRICS, Metrics, metered_request
from bot.storage import BackgroundStorage, Storage
from bot.telegram import handlers as h
from bot.telegram.context import SERVICES, BotContext, Services
from bot.telegram.delivery import DeliveryLimiter, PollingErrors, PrivateBot
from bot.telegram.reload import watch_knowledge
from bot.telegram.webhook import Intake, Route, WebServer

log = logging.getLogger(__name__)

BotApp = Application[Any, BotContext, Any, Any, Any, Any]
BROWSE = (ACTION_ENTRY, ACTION_TOPIC, ACTION_TOPICS, ACTION_LANGUAGE, ACTION_SET_LANGUAGE)


def kind_is(*kinds: str) -> Any:
    """A CallbackQueryHandler pattern: the packed action's kind (verified later, in load)."""
    return lambda data: Action.kind_of(data) in kinds


def _button_key(storage: Storage) -> bytes:
    try:
        return storage.secret()
    except Exception as exc:
        # buttons then work until the next restart; answers do not depend on the database
        log.warning("could not read or store the button key (%s); using a temporary one",
                    type(exc).__name__)
        import secrets

        return secrets.token_bytes(32)


async def post_init(app: BotApp) -> None:
    svc: Services = app.bot_data[SERVICES]
    catalogs = svc.conversation.catalogs
    try:
        for code, tr in catalogs.languages.items():
            await app.bot.set_my_commands(h.command_list(tr), language_code=code)
        await app.bot.set_my_commands(h.command_list(catalogs["en"]))
    except TelegramError as exc:
        log.warning("could not set the command menus: %s", exc)
    if svc.settings.watch:
        svc.watcher = asyncio.create_task(watch_knowledge(svc), name="watch-knowledge")
    svc.store.write(_expire, svc.store.storage)
    svc.maintainer = asyncio.create_task(maintain(svc), name="storage-maintenance")


def _expire(storage: Storage) -> None:
    expired = storage.expire()
    if expired:
        log.info("deleted %d stored question texts older than %d days", expired,
                 storage.retention_days)


def _maintain(storage: Storage) -> None:
    """The held question texts written in a shuffled batch, then retention (which scrubs the
    file when it deleted something, and retries a scrub that readers held up)."""
    storage.flush_texts()
    _expire(storage)


async def maintain(svc: Services) -> None:
    """Every `batch_every` seconds (an hour): texts written, retention applied. On a timer, not
    on traffic, so that old texts go on a quiet day too."""
    while not svc.stop_watching.is_set():
        try:
            await asyncio.wait_for(svc.stop_watching.wait(), svc.settings.batch_every)
        except TimeoutError:
            svc.store.write(_maintain, svc.store.storage)


async def post_shutdown(app: BotApp) -> None:
    svc: Services = app.bot_data[SERVICES]
    svc.stop_watching.set()
    if svc.watcher is not None:
        await svc.watcher
    if svc.maintainer is not None:
        await svc.maintainer
    await asyncio.to_thread(svc.store.close)


def build_application(settings: Settings, conversation: Conversation | None = None,
                      storage: Storage | None = None, metrics: Metrics | None = None) -> BotApp:
    """Build the Application with its services and handlers."""
    quiet_third_party_loggers()
    conversation = conversation or Conversation.load(settings.kb_dir, settings.locales_dir)
    storage = storage or Storage(settings.db_path, retention_days=settings.retention_days,
                                 user_key=settings.user_key.encode() or None,
                                 key_file=settings.user_key_file,
                                 language_days=settings.language_days, hold_texts=True)
    metrics = metrics or Metrics()
    defaults = Defaults(parse_mode=ParseMode.HTML,
                        link_preview_options=LinkPreviewOptions(is_disabled=True))
    # Telegram's flood limits stay on except for benchmarks against a fake Bot API
    unthrottled: dict[str, Any] = {} if settings.rate_limit else {"overall_max_rate": 0,
                                                                  "group_max_rate": 0}
    limiter = DeliveryLimiter(deadline=settings.delivery_deadline,
                              backoff=settings.delivery_backoff,
                              max_backoff=10 * settings.delivery_backoff, metrics=metrics,
                              **unthrottled)
    # same base URL form as python-telegram-bot's own default, "https://api.telegram.org/bot"
    bot = PrivateBot(settings.token, base_url=settings.base_url or "https://api.telegram.org/bot",
                     defaults=defaults, rate_limiter=limiter,
                     # a connection for each update handled at once, and a few for the rest
                     request=metered_request(metrics,
                                             connection_pool_size=settings.concurrency + 4),
                     get_updates_request=metered_request(metrics))
    slow_down: set[int] = set()  # update ids to answer with "please slow down" (floods)
    processor = ChatOrderedProcessor(
        settings.concurrency, metrics,
        guard=FloodGuard(settings.flood_burst, settings.flood_per_minute),
        slow_down=slow_down, max_pending=settings.max_pending, max_age=settings.max_age)
    app: BotApp = (ApplicationBuilder().bot(bot)
                   .context_types(ContextTypes(context=BotContext))
                   .concurrent_updates(processor)
                   .post_init(post_init).post_shutdown(post_shutdown).build())
    app.bot_data[SERVICES] = Services(conversation, BackgroundStorage(storage), settings,
                                      _button_key(storage), metrics)
    app.bot_data[SERVICES].slow_down = slow_down
    # polling takes in no more than the bound of pending work leaves room for
    bot.take_at_most(lambda: settings.max_pending - processor.pending - app.update_queue.qsize())
    app.bot_data[METRICS] = metrics
    # admin output (figures, reload results) never lands in a group: private chats only
    admins = filters.User(user_id=settings.admins) & filters.ChatType.PRIVATE
    pages = [c for c in USER_COMMANDS if c != "start"]
    app.add_handler(TypeHandler(Update, h.load_user), group=-1)
    app.add_handlers([
        CommandHandler("start", h.start),
        CommandHandler(pages, h.page),
        CommandHandler("stats", h.stats, filters=admins),
        CommandHandler("reload", h.reload_command, filters=admins),
        MessageHandler(filters.COMMAND, h.unknown_command),
        MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, h.on_text),
        MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED,
                       h.on_other),
        CallbackQueryHandler(h.on_browse, pattern=kind_is(*BROWSE)),
        CallbackQueryHandler(h.on_vote, pattern=kind_is(VOTE)),
        CallbackQueryHandler(h.on_forget, pattern=kind_is(FORGET)),
        CallbackQueryHandler(h.refuse_button),
        InlineQueryHandler(h.on_inline),
    ])
    app.add_error_handler(h.on_error)
    return app


async def start_polling(app: BotApp, **kwargs: Any) -> None:
    """Long polling for every kind of update, failures reported in one line (see delivery)."""
    assert app.updater is not None
    await app.updater.start_polling(allowed_updates=Update.ALL_TYPES,
                                    error_callback=PollingErrors(), **kwargs)


async def serve_webhook(app: BotApp, settings: Settings, webhook_url: str, listen: str,
                        port: int, routes: Sequence[Route] = (),
                        stop: asyncio.Event | None = None) -> None:
    """What `run_webhook` does, with the server of webhook.py; returns once `stop` is set (by
    default on SIGINT or SIGTERM)."""
    from urllib.parse import urlsplit

    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    server = WebServer(routes, intake=Intake(app, settings.webhook_secret),
                       webhook_path=urlsplit(webhook_url).path)
    await app.initialize()
    try:
        await post_init(app)
        server.listen(listen, port)
        # the path is secret-free; every request is checked against the secret token instead
        await app.bot.set_webhook(webhook_url, secret_token=settings.webhook_secret,
                                  allowed_updates=Update.ALL_TYPES)
        await app.start()
        await stop.wait()
    finally:
        await server.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await post_shutdown(app)
