"""Core replies as Telegram messages: HTML parts, signed buttons, edits in place."""

from __future__ import annotations

import hashlib
import hmac
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.conversation import Button, Reply, feedback_row
from bot.conversation.actions import Action, ActionTooLong
from bot.conversation.render import html_messages

log = logging.getLogger(__name__)


def chat_key(key: bytes, chat_id: int) -> bytes:
    """The key that signs the buttons of one chat: data copied from another chat's message
    (a vote replayed there) is not authentic in this one."""
    return hmac.new(key, f"chat:{chat_id}".encode(), hashlib.sha256).digest()


def on_keyboard(message: Message, data: str) -> bool:
    """Whether `data` is on the message's keyboard as Telegram reports it now: a press replayed
    under another message, or after its row was removed (a vote), is not."""
    markup = message.reply_markup
    return markup is not None and any(button.callback_data == data
                                      for row in markup.inline_keyboard for button in row)


def callback_data(button: Button, lang: str, key: bytes, ref: str = "") -> str:
    """A button's signed data; a reference that does not fit in 64 bytes is left out."""
    action = Action.from_route(button.action, lang, ref)
    try:
        return action.pack(key)
    except ActionTooLong:
        if not ref:
            raise
        log.debug("button reference dropped: the action would exceed 64 bytes")
        return Action.from_route(button.action, lang).pack(key)


def keyboard(reply: Reply, key: bytes) -> InlineKeyboardMarkup | None:
    """The reply's buttons (and 👍/👎 under answers), each carrying a signed Action."""
    rows = [[InlineKeyboardButton(b.label, callback_data=callback_data(b, reply.lang, key, b.ref))
             for b in row] for row in (*feedback_row(reply), *reply.buttons)]
    return InlineKeyboardMarkup(rows) if rows else None


async def _send_parts(message: Message, parts: list[str],
                      markup: InlineKeyboardMarkup | None) -> None:
    """Send HTML parts into the chat of `message`; the buttons go under the last one."""
    thread = message.message_thread_id if message.is_topic_message else None
    for i, part in enumerate(parts):
        # parse_mode and link previews come from the bot's Defaults
        await message.get_bot().send_message(
            message.chat_id, part, reply_markup=markup if i == len(parts) - 1 else None,
            message_thread_id=thread)


async def send(message: Message, reply: Reply, key: bytes) -> None:
    """Send a reply into the chat of `message`, split to fit Telegram's limit; its buttons are
    signed for that chat."""
    await _send_parts(message, html_messages(reply), keyboard(reply, chat_key(key,
                                                                              message.chat_id)))


async def show(message: Message, reply: Reply, key: bytes) -> None:
    """Replace a bot message with `reply` (browsing edits in place); extra parts follow."""
    parts = html_messages(reply)
    markup = keyboard(reply, chat_key(key, message.chat_id))
    try:
        await message.edit_text(parts[0], reply_markup=markup if len(parts) == 1 else None)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return  # the same button pressed twice
        # too old or otherwise not editable: send it as a new message instead
        await send(message, reply, key)
        return
    await _send_parts(message, parts[1:], markup)
