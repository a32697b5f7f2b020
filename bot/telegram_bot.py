"""The Telegram transport: thin python-telegram-bot handlers over the conversation core."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from watchfiles import Change, awatch

from bot.concurrency import ChatOrderedProcessor
from bot.config import Settings
from bot.conversation import Button, Conversation, Reply
from bot.i18n import I18nError, Language
from bot.knowledge import KnowledgeError
from bot.logs import quiet_third_party_loggers
from bot.metrics import METRICS, Metrics, metered_request
from bot.render import html_messages
from bot.storage import Storage

log = logging.getLogger(__name__)

SERVICES = "services"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# callback_data is "<lang>|<action>": the language of the message the button sits under, so a
# user who never chose a language keeps getting answers in the language they asked in.
LANG_SEP = "|"
FEEDBACK = "fb"
FORGET = "forget"
DEEP_LINK_PREFIX = "faq_"
INLINE_RESULTS = 5
COMMANDS = ("start", "topics", "language", "help", "about", "privacy", "forget")


class Services:
    """What every handler needs; lives in `bot_data`. `conversation` is swapped on reload."""

    def __init__(self, conversation: Conversation, storage: Storage, settings: Settings,
                 metrics: Metrics | None = None) -> None:
        self.conversation = conversation
        self.storage = storage
        self.settings = settings
        self.metrics = metrics or Metrics()
        self.reload_lock = asyncio.Lock()
        self.stop_watching = asyncio.Event()
        self.watcher: asyncio.Task[None] | None = None


@dataclass(frozen=True)
class Who:
    """The languages that apply to one user: a saved choice and Telegram's guess."""

    chosen: str | None
    fallback: str

    @property
    def lang(self) -> str:
        return self.chosen or self.fallback


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES]


def who(svc: Services, user: User | None) -> Who:
    if user is None:
        return Who(None, "en")
    chosen = svc.storage.language(user.id)
    if chosen not in svc.conversation.catalogs.languages:
        chosen = None
    return Who(chosen, svc.conversation.catalogs.resolve(user.language_code))


# --- sending ---------------------------------------------------------------------------------

def keyboard(reply: Reply,
             extra: tuple[tuple[Button, ...], ...] = ()) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(b.label, callback_data=f"{reply.lang}{LANG_SEP}{b.action}")
             for b in row] for row in (*extra, *reply.buttons)]
    return InlineKeyboardMarkup(rows) if rows else None


def feedback_row(reply: Reply) -> tuple[tuple[Button, ...], ...]:
    if reply.kind != "answer" or not reply.entry_id:
        return ()
    return ((Button("👍", f"{FEEDBACK}:up:{reply.entry_id}"),
             Button("👎", f"{FEEDBACK}:down:{reply.entry_id}")),)


async def _send_parts(message: Message, parts: list[str],
                      markup: InlineKeyboardMarkup | None) -> None:
    """Send HTML parts into the chat of `message`; the buttons go under the last one."""
    thread = message.message_thread_id if message.is_topic_message else None
    for i, part in enumerate(parts):
        await message.get_bot().send_message(
            message.chat_id, part, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
            reply_markup=markup if i == len(parts) - 1 else None, message_thread_id=thread)


async def send(message: Message, reply: Reply) -> None:
    """Send a reply under `message`, split to fit Telegram's limit."""
    await _send_parts(message, html_messages(reply), keyboard(reply, feedback_row(reply)))


async def show(message: Message, reply: Reply) -> None:
    """Replace a bot message with `reply` (browsing edits in place); extra parts follow."""
    parts = html_messages(reply)
    markup = keyboard(reply, feedback_row(reply))
    try:
        await message.edit_text(parts[0], parse_mode=ParseMode.HTML,
                                link_preview_options=NO_PREVIEW,
                                reply_markup=markup if len(parts) == 1 else None)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return  # the same button pressed twice
        # too old or otherwise not editable: send it as a new message instead
        await send(message, reply)
        return
    await _send_parts(message, parts[1:], markup)


def info(lang: str, body: str) -> Reply:
    return Reply("info", lang, body)


# --- commands --------------------------------------------------------------------------------

async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, with an optional deep link `faq_<entry-id>`."""
    svc, message = services(context), update.effective_message
    if message is None:
        return
    user = who(svc, update.effective_user)
    conv = svc.conversation
    payload = context.args[0] if context.args else ""
    if payload.startswith(DEEP_LINK_PREFIX) and payload[len(DEEP_LINK_PREFIX):] in conv.kb.entries:
        await send(message, conv.entry(payload[len(DEEP_LINK_PREFIX):], user.lang))
        return
    await send(message, conv.start(user.lang))


async def simple_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/topics, /language, /help, /about: one reply from the core each."""
    svc, message = services(context), update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    conv = svc.conversation
    pages = {"topics": conv.topics, "language": conv.language_menu, "help": conv.help,
             "about": conv.about}
    await send(message, pages[command](who(svc, update.effective_user).lang))


def privacy_text(tr: Language, retention_days: int) -> str:
    return tr.gettext(
        "What this bot stores:\n"
        "• the language you chose with /language, linked to your Telegram id, until you send "
        "/forget;\n"
        "• counts of questions answered and not answered, and 👍/👎 counts per answer, with no "
        "link to anyone;\n"
        "• the text of questions it could not answer, with no user id, no name and only the "
        "date (not the time), so that maintainers can add answers.\n\n"
        "Nothing else: no names, no chat history, no logs of who asked what.") + "\n\n" + (
        # TRANSLATORS: %(days)d is the retention period, 90 by default.
        tr.ngettext("Stored question texts are deleted after %(days)d day.",
                    "Stored question texts are deleted after %(days)d days.",
                    retention_days) % {"days": retention_days})


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc, message = services(context), update.effective_message
    if message is None:
        return
    lang = who(svc, update.effective_user).lang
    tr = svc.conversation.catalogs[lang]
    await send(message, info(lang, privacy_text(tr, svc.settings.retention_days)))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc, message = services(context), update.effective_message
    if message is None:
        return
    lang = who(svc, update.effective_user).lang
    tr = svc.conversation.catalogs[lang]
    body = tr.gettext("Delete everything this bot stores about you (your language choice)?")
    buttons = ((Button(tr.gettext("Yes, delete"), f"{FORGET}:yes"),
                Button(tr.gettext("No, keep"), f"{FORGET}:no")),)
    await send(message, Reply("info", lang, body, buttons=buttons))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc, message = services(context), update.effective_message
    if message is None or not is_addressed(message, context):
        return
    lang = who(svc, update.effective_user).lang
    tr = svc.conversation.catalogs[lang]
    await send(message, info(lang, tr.gettext(
        "Sorry, I don't know that command. /help shows what I can do.")))


def is_admin(svc: Services, update: Update) -> bool:
    user = update.effective_user
    return user is not None and user.id in svc.settings.admins


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc, message = services(context), update.effective_message
    if message is None:
        return
    if not is_admin(svc, update):
        await unknown_command(update, context)
        return
    s = svc.storage.stats()
    lines = ["Users with a saved language: " + (", ".join(
        f"{lang} {n}" for lang, n in s.users_per_language.items()) or "none"),
        "Questions: " + (", ".join(f"{k} {n}" for k, n in s.questions.items()) or "none"),
        "Feedback (👍/👎):"]
    lines += [f"  {eid}: {up}/{down}" for eid, (up, down) in s.feedback.items()] or ["  none"]
    # Admin output is for maintainers and stays in English, like the logs.
    await send(message, info("en", "\n".join(lines)))


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc, message = services(context), update.effective_message
    if message is None:
        return
    if not is_admin(svc, update):
        await unknown_command(update, context)
        return
    _, text = await reload_knowledge(svc)
    await send(message, info("en", text))


async def reload_knowledge(svc: Services) -> tuple[bool, str]:
    """Load the knowledge base and catalogs anew; on any problem keep serving the old ones."""
    async with svc.reload_lock:
        try:
            fresh = await asyncio.to_thread(Conversation.load, svc.settings.kb_dir,
                                            svc.settings.locales_dir)
        except (KnowledgeError, I18nError, OSError) as exc:
            log.error("reload failed, still serving the previous knowledge base: %s", exc)
            svc.metrics.reload(ok=False)
            return False, f"Reload failed; the previous knowledge base is still serving.\n\n{exc}"
        svc.conversation = fresh
    svc.metrics.reload(ok=True)
    svc.metrics.knowledge(len(fresh.kb.entries), len(fresh.kb.topics))
    log.info("knowledge base reloaded: %d entries", len(fresh.kb.entries))
    return True, f"Reloaded: {len(fresh.kb.entries)} entries in {len(fresh.kb.topics)} topics."


# --- messages --------------------------------------------------------------------------------

def is_addressed(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In groups the bot answers only mentions of it and replies to it."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    bot = context.bot
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot.id:
        return True
    text = (message.text or "").lower()
    return bool(bot.username) and f"@{bot.username.lower()}" in text


def question_text(message: Message, context: ContextTypes.DEFAULT_TYPE) -> str:
    text = message.text or ""
    username = context.bot.username
    if username:
        text = text.replace(f"@{username}", " ").replace(f"@{username.lower()}", " ")
    return text.strip()


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question: parse, ask the core, send."""
    svc, message = services(context), update.effective_message
    if message is None or not is_addressed(message, context):
        return
    user = who(svc, update.effective_user)
    question = question_text(message, context)
    reply = svc.conversation.ask(question, chosen=user.chosen, fallback=user.fallback)
    svc.metrics.reply(reply.kind)
    svc.storage.record(reply.lang, reply.kind, question if reply.kind in ("none", "suggest")
                       else None, (reply.suggestions or (None,))[0], reply.score)
    await send(message, reply)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice...: the bot reads text only."""
    svc, message = services(context), update.effective_message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return
    lang = who(svc, update.effective_user).lang
    tr = svc.conversation.catalogs[lang]
    await send(message, info(lang, tr.gettext(
        "I can only read text. Please type your question in words.")))


# --- buttons ---------------------------------------------------------------------------------

async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pressed inline button; its data is user input and is checked before use."""
    svc, query = services(context), update.callback_query
    if query is None:
        return
    user = who(svc, update.effective_user)
    conv = svc.conversation
    button_lang, sep, data = (query.data or "").partition(LANG_SEP)
    lang = user.chosen or (button_lang if button_lang in conv.catalogs.languages else user.lang)
    tr = conv.catalogs[lang]
    message = query.message if isinstance(query.message, Message) else None
    kind, _, value = data.partition(":")
    if not sep or message is None:
        await refuse_button(query, tr)
        return
    if kind == FEEDBACK:
        await on_feedback(query, message, svc, tr, value)
        return
    if kind == FORGET and value in ("yes", "no"):
        await query.answer()
        if value == "yes" and update.effective_user:
            svc.storage.forget(update.effective_user.id)
            await show(message, info(lang, tr.gettext(
                "Done: nothing about you is stored any more.")))
        else:
            await show(message, info(lang, tr.gettext("Nothing was deleted.")))
        return
    reply = conv.press(data, lang)
    if reply is None:
        await refuse_button(query, tr)
        return
    await query.answer()
    if reply.set_language and update.effective_user:
        svc.storage.set_language(update.effective_user.id, reply.set_language)
        if message.chat.type == ChatType.PRIVATE:
            await set_chat_commands(context, message.chat_id, conv.catalogs[reply.set_language])
    await show(message, reply)


async def refuse_button(query: CallbackQuery, tr: Language) -> None:
    """A forged, stale or unknown button: say so in a pop-up, change nothing."""
    # TRANSLATORS: a short pop-up (at most 200 characters) for an out-of-date button.
    await query.answer(tr.gettext("This button no longer works. Please ask again."))


async def on_feedback(query: CallbackQuery, message: Message, svc: Services, tr: Language,
                      value: str) -> None:
    vote, _, entry_id = value.partition(":")
    if vote not in ("up", "down") or entry_id not in svc.conversation.kb.entries:
        await refuse_button(query, tr)
        return
    svc.storage.feedback(entry_id, vote == "up")
    await query.answer(tr.gettext("Thank you for your feedback!"))
    # drop the 👍/👎 row so one message cannot be voted on twice
    markup = message.reply_markup
    if markup:
        rows = [row for row in markup.inline_keyboard
                if not any(str(b.callback_data or "").partition(LANG_SEP)[2].startswith(FEEDBACK)
                           for b in row)]
        try:
            await message.edit_reply_markup(InlineKeyboardMarkup(rows))
        except BadRequest:
            log.debug("could not remove the feedback buttons", exc_info=True)


# --- inline mode -----------------------------------------------------------------------------

async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot question` in any chat: matching answers as articles."""
    svc, query = services(context), update.inline_query
    if query is None:
        return
    user = who(svc, update.effective_user)
    conv = svc.conversation
    text = query.query.strip()
    if text:
        reply = conv.ask(text, chosen=user.chosen, fallback=user.fallback)
        lang = reply.lang
        ids = [reply.entry_id] if reply.entry_id else list(reply.suggestions)
    else:
        lang = user.lang
        ids = list(conv.kb.entries)
    results = []
    for entry_id in ids[:INLINE_RESULTS]:
        answer = conv.entry(entry_id, lang)
        results.append(InlineQueryResultArticle(
            id=entry_id, title=answer.heading or entry_id,
            description=answer.body[:120],
            input_message_content=InputTextMessageContent(
                html_messages(answer)[0], parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW)))
    await query.answer(results, cache_time=60, is_personal=True)


# --- errors, commands menu, application ----------------------------------------------------------

async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with context (never the message text with who sent it) and apologise."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    svc = services(context)
    lang = who(svc, update.effective_user).lang
    tr = svc.conversation.catalogs[lang]
    try:
        await context.bot.send_message(update.effective_chat.id, tr.gettext(
            "Sorry, something went wrong on my side. Please try again in a minute."))
    except NetworkError:
        log.warning("could not tell the user about the error", exc_info=True)


def command_list(tr: Language) -> list[BotCommand]:
    descriptions = {
        # TRANSLATORS: this and the next six are descriptions in Telegram's command menu.
        "start": tr.gettext("Start: what this bot does"),
        "topics": tr.gettext("Browse the topics"),
        "language": tr.gettext("Change the language"),
        "help": tr.gettext("How to ask"),
        "about": tr.gettext("About the bot and its sources"),
        "privacy": tr.gettext("What is stored about you"),
        "forget": tr.gettext("Delete what is stored about you"),
    }
    return [BotCommand(name, descriptions[name]) for name in COMMANDS]


async def set_chat_commands(context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                            tr: Language) -> None:
    try:
        await context.bot.set_my_commands(command_list(tr), scope=BotCommandScopeChat(chat_id))
    except NetworkError:
        log.warning("could not set the chat's command menu", exc_info=True)


async def post_init(app: Application) -> None:
    svc: Services = app.bot_data[SERVICES]
    catalogs = svc.conversation.catalogs
    for code, tr in catalogs.languages.items():
        await app.bot.set_my_commands(command_list(tr), language_code=code)
    await app.bot.set_my_commands(command_list(catalogs["en"]))
    if svc.settings.watch:
        svc.watcher = asyncio.create_task(watch_knowledge(svc), name="watch-knowledge")
    expired = svc.storage.expire()
    if expired:
        log.info("deleted %d stored question texts older than %d days", expired,
                 svc.settings.retention_days)


async def post_shutdown(app: Application) -> None:
    svc: Services = app.bot_data[SERVICES]
    svc.stop_watching.set()
    if svc.watcher is not None:
        await svc.watcher
    svc.storage.close()


def _is_source_file(_change: Change, path: str) -> bool:
    return path.endswith((".yaml", ".yml", ".po"))


async def watch_knowledge(svc: Services) -> None:
    """Reload when knowledge or catalog files change: the same atomic reload as /reload."""
    conv = svc.conversation
    paths = [p for p in (conv.kb.directory, conv.catalogs.directory) if p is not None]
    log.info("watching %s for edits", ", ".join(str(p) for p in paths))
    async for _changes in awatch(*paths, stop_event=svc.stop_watching, debounce=400, step=100,
                                 watch_filter=_is_source_file):
        await reload_knowledge(svc)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (waits out 429s) that also retries transient server and network errors."""

    def __init__(self, server_retries: int = 3, backoff: float = 0.5,
                 metrics: Metrics | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._server_retries = server_retries
        self._backoff = backoff
        self._metrics = metrics or Metrics()

    async def process_request(self, *args: Any, **kwargs: Any) -> Any:
        endpoint = str(kwargs.get("endpoint", args[3] if len(args) > 3 else "other"))
        for attempt in range(self._server_retries + 1):
            try:
                return await super().process_request(*args, **kwargs)
            except (BadRequest, Forbidden, InvalidToken, Conflict):
                raise  # the request itself is wrong: repeating it cannot help
            except NetworkError:
                if attempt == self._server_retries:
                    self._metrics.give_up(endpoint)
                    raise
                self._metrics.retry(endpoint)
                log.warning("Bot API request failed, retrying (%d/%d)", attempt + 1,
                            self._server_retries)
                await asyncio.sleep(self._backoff * 2**attempt)
        raise AssertionError("unreachable")


class PrivateBot(ExtBot):
    """ExtBot whose repr() names the bot by its public id, never by its token."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}[bot_id={self.token.partition(':')[0]}]"


def build_application(settings: Settings, conversation: Conversation | None = None,
                      storage: Storage | None = None,
                      metrics: Metrics | None = None) -> Application:
    """The one place where the Application and its handlers are put together."""
    quiet_third_party_loggers()
    conversation = conversation or Conversation.load(settings.kb_dir, settings.locales_dir)
    storage = storage or Storage(settings.db_path, retention_days=settings.retention_days)
    # issue 9 (operations): metered requests, a connection per concurrent update, per-chat order
    metrics = metrics or Metrics()
    unthrottled = {} if settings.rate_limit else {"overall_max_rate": 0, "group_max_rate": 0}
    # same base URL form as python-telegram-bot's own default, "https://api.telegram.org/bot"
    bot = PrivateBot(settings.token, base_url=settings.base_url or "https://api.telegram.org/bot",
                     rate_limiter=RetryingRateLimiter(max_retries=3, metrics=metrics,
                                                      **unthrottled),
                     request=metered_request(metrics,
                                             connection_pool_size=settings.concurrency + 4),
                     get_updates_request=metered_request(metrics))
    app = (ApplicationBuilder().bot(bot).post_init(post_init).post_shutdown(post_shutdown)
           .concurrent_updates(ChatOrderedProcessor(settings.concurrency, metrics)).build())
    app.bot_data[SERVICES] = Services(conversation, storage, settings, metrics)
    app.bot_data[METRICS] = metrics
    admin_or_not = [CommandHandler("stats", stats), CommandHandler("reload", reload_command)]
    app.add_handlers([
        CommandHandler("start", start),
        CommandHandler(["topics", "language", "help", "about"], simple_command),
        CommandHandler("privacy", privacy),
        CommandHandler("forget", forget),
        *admin_or_not,
        MessageHandler(filters.COMMAND, unknown_command),
        MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, on_text),
        MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED,
                       on_other),
        CallbackQueryHandler(on_button),
        InlineQueryHandler(on_inline),
    ])
    app.add_error_handler(on_error)
    return app

