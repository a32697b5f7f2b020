"""Showing a Reply as plain text (terminal, JSON) or Telegram HTML."""

from __future__ import annotations

import re
from html import escape, unescape

from bot.conversation.replies import Reply

TELEGRAM_TEXT_LIMIT = 4096
# an oversized paragraph starts in the current message only if at least this much fits there
MIN_PIECE = 200


def plain_text(reply: Reply) -> str:
    """The reply as a person would read it, without markup."""
    parts = []
    if reply.caveat:
        parts.append(reply.caveat)
    if reply.heading:
        parts.append(reply.heading)
    parts.append(reply.body)
    if reply.note:
        parts.append(f"({reply.note})")
    if reply.sources:
        lines = [f"• {title}" + (f" — {url}" if url else "") for title, url in reply.sources]
        parts.append(f"{reply.sources_label}:\n" + "\n".join(lines))
    return "\n\n".join(parts)


def html_text(reply: Reply) -> str:
    """The reply as one Telegram HTML text; every piece of text is escaped."""
    return "\n\n".join(html_paragraphs(reply))


def html_messages(reply: Reply, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """The reply as Telegram HTML, split into messages that fit Telegram's limit."""
    return split_html(html_paragraphs(reply), limit)


def html_paragraphs(reply: Reply) -> list[str]:
    """The reply's paragraphs as HTML, each balanced on its own."""
    parts = []
    if reply.caveat:
        parts.append(f"<i>{escape(reply.caveat, quote=False)}</i>")
    if reply.heading:
        parts.append(f"<b>{escape(reply.heading, quote=False)}</b>")
    parts.extend(escape(p, quote=False) for p in reply.body.split("\n\n") if p.strip())
    if reply.note:
        parts.append(f"<i>{escape(reply.note, quote=False)}</i>")
    if reply.sources:
        lines = []
        for title, url in reply.sources:
            label = escape(title, quote=False)
            lines.append(f'• <a href="{escape(url)}">{label}</a>' if url else f"• {label}")
        parts.append(f"<b>{escape(reply.sources_label, quote=False)}:</b>\n" + "\n".join(lines))
    return parts


def _split_words(text: str, limit: int) -> list[str]:
    """Pieces of `text` whose escaped form fits `limit`, cut at line breaks or spaces."""
    pieces: list[str] = []
    current = ""
    for token in re.split(r"(\s+)", text):
        while len(escape(token, quote=False)) > limit:  # a single giant "word"
            if current:
                pieces.append(current)
                current = ""
            cut = limit // 5  # "&amp;" is the longest escape: this always fits
            pieces.append(token[:cut])
            token = token[cut:]
        if len(escape(current + token, quote=False)) > limit:
            pieces.append(current)
            current = token.lstrip()
        else:
            current += token
    if current.strip():
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


def split_html(paragraphs: list[str], limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Pack HTML paragraphs into messages of at most `limit` characters, never inside a tag.

    Each paragraph must be balanced HTML on its own; an oversized one must be plain escaped text
    (only answer bodies can grow that long, and they carry no markup): it is cut at spaces, its
    first piece filling what is left of the current message.
    """
    messages: list[str] = []
    current = ""
    for para in paragraphs:
        if len(para) > limit:
            text = unescape(para).strip()
            room = limit - len(current) - 2 if current else limit
            if room >= MIN_PIECE:
                first, *_ = _split_words(text, room)
                current = f"{current}\n\n{escape(first, quote=False)}" if current else escape(
                    first, quote=False)
                text = text[len(first):].lstrip()  # pieces are prefixes of the stripped text
            pieces = [escape(p, quote=False) for p in _split_words(text, limit)]
        else:
            pieces = [para]
        for piece in pieces:
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages
