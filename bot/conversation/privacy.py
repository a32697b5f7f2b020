"""What the bot stores (/privacy), and deleting it (/forget: the prompt, then the result)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conversation.replies import Button, Reply, info_reply
from bot.conversation.routes import ACTION_FORGET
from bot.knowledge.catalogs import Language
from bot.storage import DEFAULT_LANGUAGE_DAYS

if TYPE_CHECKING:
    from bot.conversation.core import Conversation


def privacy_text(tr: Language, retention_days: int,
                 language_days: int = DEFAULT_LANGUAGE_DAYS) -> str:
    """What the bot stores, in the user's language."""
    stored = tr.gettext(
        "What I store:\n"
        "• the language you chose with /language or asked for in a message, linked to your "
        "Telegram ID, until you send /forget or it goes unused (see below);\n"
        "• counts of questions answered and not answered, and 👍/👎 counts per answer, not "
        "linked to anyone;\n"
        "• the text of questions I could not answer or was unsure about, and which suggestion "
        "was then chosen, stored with the date (but not the time) and without your Telegram "
        "ID or name, so that the maintainers can add answers and new phrasings.\n\n"
        "Nothing else: no names, no chat history, no logs of who asked what.")
    context = tr.gettext(
        "To understand follow-up questions, I remember the last answer I gave in this chat (not "
        "your words) for 10 minutes, in memory only. This memory is erased when you send "
        "/forget and whenever I restart.")
    # TRANSLATORS: %(days)d is the retention period, 90 by default.
    kept = tr.ngettext("Stored question texts are deleted after %(days)d day.",
                       "Stored question texts are deleted after %(days)d days.",
                       retention_days) % {"days": retention_days}
    # TRANSLATORS: %(days)d is how long an unused language choice is kept, 365 by default.
    unused = tr.ngettext("A language choice that goes unused for %(days)d day is deleted too.",
                         "A language choice that goes unused for %(days)d days is deleted "
                         "too.",
                         language_days) % {"days": language_days}
    return "\n\n".join((stored, context, f"{kept} {unused}"))


def privacy(conv: Conversation, lang: str, retention_days: int,
            language_days: int = DEFAULT_LANGUAGE_DAYS) -> Reply:
    return info_reply(conv.catalogs[lang], privacy_text(conv.catalogs[lang], retention_days,
                                                         language_days))


def forget_prompt(conv: Conversation, lang: str) -> Reply:
    """/forget asks first; the answer comes back as a `forget:yes` / `forget:no` press."""
    tr = conv.catalogs[lang]
    body = tr.gettext("Delete everything I store about you (your language choice) and what I "
                      "remember of this conversation?")
    return info_reply(tr, body, ((Button(tr.gettext("Yes, delete"), f"{ACTION_FORGET}:yes"),
                                   Button(tr.gettext("No, keep it"), f"{ACTION_FORGET}:no")),))


def forget_result(conv: Conversation, lang: str, deleted: bool) -> Reply:
    tr = conv.catalogs[lang]
    if deleted:
        return info_reply(tr, tr.gettext("Done. Nothing about you is stored anymore, and I "
                                          "no longer remember this conversation."))
    return info_reply(tr, tr.gettext("Nothing was deleted."))
