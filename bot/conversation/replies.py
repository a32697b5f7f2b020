"""The reply data every transport shows: a Reply, its Buttons, and one message's Turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.answering.dialogue import Context
from bot.answering.matcher import Match
from bot.knowledge.catalogs import Language

ReplyKind = Literal["answer", "partial", "suggest", "none", "smalltalk", "info"]

# Replies whose question text is kept (anonymously) for the maintainers' gaps report: the base
# lacked what was asked.
KEPT_TEXTS = ("none", "suggest", "partial")


@dataclass(frozen=True)
class Button:
    """A choice offered under a reply; `action` says what pressing it does."""

    label: str
    action: str
    # an optional opaque token (<= 12 of A-Z a-z 0-9 _ -) that comes back with the press, e.g. to
    # tie a chosen suggestion to the question it was offered for; transports may drop it
    ref: str = ""


@dataclass(frozen=True)
class Reply:
    """What the user is shown, independent of how it is shown."""

    kind: ReplyKind
    lang: str
    body: str
    heading: str | None = None
    sources: tuple[tuple[str, str | None], ...] = ()
    sources_label: str = ""
    note: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    entry_id: str | None = None
    score: float = 0.0
    suggestions: tuple[str, ...] = field(default=())
    # set when the user picked a language: the transport remembers it
    set_language: str | None = None
    # an unsure reply's random reference (learning.py): the transport stores the question
    # text under it, never with who asked
    ref: str | None = None
    # (reference, entry id) when a suggestion of an unsure reply was pressed: a learned label
    chosen: tuple[str, str] | None = None
    # a first line that qualifies what follows ("I have no exact information on that...")
    caveat: str | None = None
    # why a question got no answer: "opinion", "practical" (out of scope), or None
    reason: str | None = None


@dataclass(frozen=True)
class Turn:
    """The replies to one message, how it was read, and the context it leaves for the next."""

    replies: tuple[Reply, ...]
    matches: tuple[Match, ...]
    context: Context | None


def info_reply(tr: Language, body: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    """A page or notice in `tr`'s language, not an answer to a question."""
    return Reply("info", tr.code, body, buttons=buttons)
