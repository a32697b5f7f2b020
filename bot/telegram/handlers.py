"""Thin handlers: read the update, ask the core, send. Product flows live in the core."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import ApplicationHandlerStop

from bot import conversation as core
from bot.answering.dialogue import entry_context
from bot.conversation import KEPT_TEXTS, Reply
from bot.conversation.actions import VOTE, Action
from bot.conversation.render import html_messages
from bot.knowledge.catalogs import Language
from bot.service.http import ServerError
from bot.telegram.context import BotContext
from bot.telegram.reload import reload_knowledge
from bot.telegram.sending import send, show

log = logging.getLogger(__name__)

DEEP_LINK_PREFIX = "faq_"
INLINE_RESULTS = 5


async def reply(update: Update, context: BotContext, answer: Reply) -> None:
    if update.effective_message is not None:
        await send(update.effective_message, answer, context.services.button_key)


async def load_user(update: Update, context: BotContext) -> None:
    """Runs before every handler (group -1). The first update past a chat's flood limit gets
    one "please slow down" and nothing else (later ones never get here: see bot.service.floods)."""
    await context.load(update)
    if update.update_id in context.services.slow_down:
        context.services.slow_down.discard(update.update_id)
        await slow_down(update, context)
        raise ApplicationHandlerStop


async def slow_down(update: Update, context: BotContext) -> None:
    text = context.tr.gettext("You're sending messages too fast. Please wait a minute, "
                              "then try again.")
    query, message = update.callback_query, update.effective_message
    if query is not None:
        await query.answer(text)
    elif message is not None and is_addressed(message, context):
        await context.bot.send_message(
            message.chat_id, text,
            message_thread_id=message.message_thread_id if message.is_topic_message else None)


# --- commands --------------------------------------------------------------------------------

async def start(update: Update, context: BotContext) -> None:
    """/start, with an optional deep link `faq_<entry-id>`."""
    payload = context.args[0] if context.args else ""
    entry_id = payload.removeprefix(DEEP_LINK_PREFIX)
    conv = context.conversation
    known = payload.startswith(DEEP_LINK_PREFIX) and entry_id in conv.kb.entries
    await reply(update, context, conv.entry(entry_id, context.lang) if known
                else conv.start(context.lang))


async def page(update: Update, context: BotContext) -> None:
    """/topics, /language, /help, /about, /privacy, /forget: one page of the core each."""
    text = update.effective_message.text if update.effective_message else ""
    command = (text or "").split()[0].lstrip("/").split("@")[0].lower()
    settings = context.services.settings
    answer = core.command_page(context.conversation, command, context.lang,
                               settings.retention_days, settings.language_days)
    await reply(update, context, answer or core.unknown_command(context.conversation,
                                                                context.lang))


async def unknown_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is not None and is_addressed(message, context):
        await reply(update, context, core.unknown_command(context.conversation, context.lang))


async def stats(update: Update, context: BotContext) -> None:
    """Admins only, in private chats only (see app.py): the maintainers' summary."""
    store = context.services.store
    s = await store.call_within(2.0, store.storage.stats)  # after the queued writes
    body = core.stats_text(context.conversation, context.lang, s.users_per_language,
                           s.questions, s.feedback) if s \
        else context.tr.gettext("Sorry, something went wrong on my end. Please try again.")
    await reply(update, context, Reply("info", context.lang, body))


async def reload_command(update: Update, context: BotContext) -> None:
    """Admins only, in private chats only (see app.py)."""
    _, text = await reload_knowledge(context.services)
    await reply(update, context, Reply("info", "en", text))


# --- messages --------------------------------------------------------------------------------

def is_addressed(message: Message, context: BotContext) -> bool:
    """In groups the bot answers only mentions of it and replies to it."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    bot = context.bot
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot.id:
        return True
    text = (message.text or "").lower()
    return bool(bot.username) and f"@{bot.username.lower()}" in text


def question_text(message: Message, context: BotContext) -> str:
    text = message.text or ""
    username = context.bot.username
    if username:
        text = text.replace(f"@{username}", " ").replace(f"@{username.lower()}", " ")
    return text.strip()


def chat_key(message: Message) -> tuple[int, int | None]:
    """Whose context a message continues: the chat's, and in forum groups the thread's."""
    return message.chat_id, message.message_thread_id if message.is_topic_message else None


async def on_text(update: Update, context: BotContext) -> None:
    """A question: ask the core in the chat's context, send the answers, then count them."""
    message = update.effective_message
    if message is None or not is_addressed(message, context):
        return
    question = question_text(message, context)
    contexts, key = context.services.contexts, chat_key(message)
    turn = context.conversation.respond(question, chosen=context.who.chosen,
                                        fallback=context.who.fallback,
                                        context=contexts.get(key))
    contexts.put(key, turn.context)
    for answer in turn.replies:
        context.services.metrics.reply(answer.kind)
        if answer.set_language:
            await choose_language(update, context, message, answer.set_language)
        await reply(update, context, answer)
    store = context.services.store
    # the language the text is written in, or None: never the reply's, which may be the
    # asker's own choice and so point at them
    written = turn.matches[0].analysis.lang if turn.matches else None
    text_lang = written if written in context.conversation.catalogs.languages else None
    for answer in turn.replies:
        # the text is kept under the reply's random reference, never with who asked
        store.write(store.storage.record, answer.lang, answer.kind,
                    question if answer.kind in KEPT_TEXTS else None,
                    answer.entry_id or (answer.suggestions or (None,))[0], answer.score,
                    ref=answer.ref, text_lang=text_lang)


async def on_other(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice...: the bot reads text only (and says so in private chats)."""
    message = update.effective_message
    if message is not None and message.chat.type == ChatType.PRIVATE:
        await reply(update, context, core.text_only(context.conversation, context.lang))


# --- buttons (one handler per action kind; the data was verified in BotContext.load) ------

def _pressed(update: Update, context: BotContext) -> tuple[Message, Action] | None:
    query = update.callback_query
    message = query.message if query and isinstance(query.message, Message) else None
    return (message, context.action) if message and context.action else None


async def refuse_button(update: Update, context: BotContext) -> None:
    """Forged, tampered, stale or unknown data: a polite pop-up, nothing changes."""
    if update.callback_query is not None:
        await update.callback_query.answer(core.button_expired(context.tr))


async def on_browse(update: Update, context: BotContext) -> None:
    """Entries, topics, the language menu and a language choice."""
    pressed = _pressed(update, context)
    answer = context.conversation.press(pressed[1].route, context.lang, pressed[1].ref) \
        if pressed else None
    if pressed is None or answer is None or update.callback_query is None:
        await refuse_button(update, context)
        return
    await update.callback_query.answer()
    store = context.services.store
    if answer.chosen:  # a suggestion pressed under an unsure reply: a label, with no user
        store.write(store.storage.record_choice, *answer.chosen)
    if answer.entry_id:
        context.services.contexts.put(chat_key(pressed[0]), entry_context(
            context.conversation.matcher, answer.entry_id))
    if answer.set_language:
        await choose_language(update, context, pressed[0], answer.set_language)
    await show(pressed[0], answer, context.services.button_key)


async def choose_language(update: Update, context: BotContext, message: Message,
                          lang: str) -> None:
    """The user's language choice (from the menu, or asked for in words), kept for them."""
    user = update.effective_user
    if user is None:
        return
    store = context.services.store
    context.services.remember_language(user.id, lang)
    store.write(store.storage.set_language, user.id, lang)
    if message.chat.type == ChatType.PRIVATE:
        await set_chat_commands(context, message.chat_id, context.conversation.catalogs[lang])


async def on_vote(update: Update, context: BotContext) -> None:
    """👍/👎: counted once per message, then the row disappears."""
    pressed, query, svc = _pressed(update, context), update.callback_query, context.services
    vote, _, entry_id = pressed[1].value.partition(":") if pressed else ("", "", "")
    if pressed is None or query is None or vote not in ("up", "down") \
            or entry_id not in context.conversation.kb.entries:
        await refuse_button(update, context)
        return
    if svc.first_vote(pressed[0].chat_id, pressed[0].message_id):
        svc.store.write(svc.store.storage.feedback, entry_id, vote == "up")
    await query.answer(core.feedback_thanks(context.tr))
    await drop_vote_row(pressed[0], svc.button_key)


async def drop_vote_row(message: Message, key: bytes) -> None:
    markup = message.reply_markup
    if not markup:
        return
    rows = [row for row in markup.inline_keyboard
            if not any(Action.kind_of(b.callback_data) == VOTE for b in row)]
    try:
        await message.edit_reply_markup(InlineKeyboardMarkup(rows))
    except BadRequest:
        log.debug("could not remove the feedback buttons", exc_info=True)


async def on_forget(update: Update, context: BotContext) -> None:
    """The answer to /forget's question."""
    pressed, query, user = _pressed(update, context), update.callback_query, update.effective_user
    if pressed is None or query is None or user is None or pressed[1].value not in ("yes", "no"):
        await refuse_button(update, context)
        return
    await query.answer()
    deleted = False
    if pressed[1].value == "yes":
        store = context.services.store
        try:
            await store.forget(user.id)
            context.services.remember_language(user.id, None)
            deleted = True
        except Exception as exc:
            log.warning("forget failed: %s", type(exc).__name__)
        context.services.contexts.forget(chat_key(pressed[0]))
    result = core.forget_result(context.conversation, context.lang, deleted)
    await show(pressed[0], result, context.services.button_key)


# --- inline mode -----------------------------------------------------------------------------

async def on_inline(update: Update, context: BotContext) -> None:
    """`@bot question` in any chat: matching answers as articles."""
    query, conv = update.inline_query, context.conversation
    if query is None:
        return
    text, lang = query.query.strip(), context.lang
    ids = list(conv.kb.entries)
    if text:
        found = conv.ask(text, chosen=context.who.chosen, fallback=context.who.fallback)
        lang = found.lang
        ids = [found.entry_id] if found.entry_id else list(found.suggestions)
    results = []
    for entry_id in ids[:INLINE_RESULTS]:
        answer = conv.entry(entry_id, lang)
        results.append(InlineQueryResultArticle(
            id=entry_id, title=answer.heading or entry_id, description=answer.body[:120],
            input_message_content=InputTextMessageContent(html_messages(answer)[0])))
    await query.answer(results, cache_time=60, is_personal=True)


# --- errors and the command menu ---------------------------------------------------------------

async def on_error(update: object, context: BotContext) -> None:
    """One line per problem (never the message text or who sent it); an apology for bugs."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.info("update %s: the user blocked the bot or left the chat; nothing sent", update_id)
        return
    if isinstance(error, TimedOut):
        # the request may have arrived: repeating it, or apologising, could double the answer
        log.warning("update %s: Telegram did not answer in time: %s", update_id, error)
        return
    if isinstance(error, BadRequest):  # a NetworkError in python-telegram-bot, but an answer
        log.warning("update %s: Telegram refused a request (400 Bad Request): %s", update_id,
                    error)
        return
    if isinstance(error, ServerError):
        log.warning("update %s: Telegram's server kept failing (%s); the reply is lost",
                    update_id, error)
        return
    if isinstance(error, NetworkError):
        log.warning("update %s: Telegram could not be reached: %s", update_id, error)
        return
    log.error("error while handling update %s", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    await context.load(update)  # error handlers get a fresh context: apologise in their language
    try:
        await context.bot.send_message(update.effective_chat.id, context.tr.gettext(
            "Sorry, something went wrong on my end. Please try again in a minute."))
    except TelegramError as exc:
        log.info("update %s: could not apologise: %s", update_id, type(exc).__name__)


def command_list(tr: Language) -> list[BotCommand]:
    return [BotCommand(name, text) for name, text in core.command_descriptions(tr).items()]


async def set_chat_commands(context: BotContext, chat_id: int, tr: Language) -> None:
    try:
        await context.bot.set_my_commands(command_list(tr), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the chat's command menu: %s", exc)
