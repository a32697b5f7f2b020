"""The conversation core: a question in, a reply out, for every transport; no Telegram here."""

from bot.conversation.core import Conversation, answer_texts
from bot.conversation.pages import (
    USER_COMMANDS,
    button_expired,
    command_descriptions,
    command_page,
    feedback_row,
    feedback_thanks,
    no_such_choice,
    stats_text,
    text_only,
    unknown_command,
)
from bot.conversation.privacy import forget_prompt, forget_result, privacy
from bot.conversation.replies import KEPT_TEXTS, Button, Reply, Turn
from bot.conversation.routes import (
    ACTION_ENTRY,
    ACTION_FORGET,
    ACTION_LANGUAGE,
    ACTION_SET_LANGUAGE,
    ACTION_TOPIC,
    ACTION_TOPICS,
    parse_action,
)

__all__ = [
    "ACTION_ENTRY",
    "ACTION_FORGET",
    "ACTION_LANGUAGE",
    "ACTION_SET_LANGUAGE",
    "ACTION_TOPIC",
    "ACTION_TOPICS",
    "KEPT_TEXTS",
    "USER_COMMANDS",
    "Button",
    "Conversation",
    "Reply",
    "Turn",
    "answer_texts",
    "button_expired",
    "command_descriptions",
    "command_page",
    "feedback_row",
    "feedback_thanks",
    "forget_prompt",
    "forget_result",
    "no_such_choice",
    "parse_action",
    "privacy",
    "stats_text",
    "text_only",
    "unknown_command",
]
