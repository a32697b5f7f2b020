"""The routes a core button carries, "kind" or "kind:value" (actions.py signs them)."""

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
