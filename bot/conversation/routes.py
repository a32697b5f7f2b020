"""The routes a core button carries, "kind" or "kind:value" (actions.py signs them), and the
random reference an unsure reply's buttons share (authoring/learning.py learns from it)."""

import re
import secrets

# Button actions are short strings so that a transport can carry them as-is
# (Telegram's callback_data holds at most 64 bytes; entry ids are limited accordingly).
ACTION_ENTRY = "e"
ACTION_TOPIC = "t"
ACTION_TOPICS = "topics"
ACTION_LANGUAGE = "lang"
ACTION_SET_LANGUAGE = "setlang"
# the vote and /forget flows: the transport handles these presses, not Conversation.press
ACTION_VOTE = "fb"
ACTION_FORGET = "forget"


def action(kind: str, value: str = "") -> str:
    """The route of a button: "kind", or "kind:value" when there is a value."""
    return f"{kind}:{value}" if value else kind


def parse_action(data: str) -> tuple[str, str]:
    """A route back into its (kind, value); value is "" when there is none."""
    kind, _, value = data.partition(":")
    return kind, value


# 6 random bytes → 8 URL-safe characters: fits Telegram's 64-byte callback_data next to an id
REF_BYTES = 6
REF_RE = re.compile(r"^[A-Za-z0-9_-]{8}$")


def new_ref() -> str:
    """A fresh opaque reference for one unsure reply."""
    return secrets.token_urlsafe(REF_BYTES)
