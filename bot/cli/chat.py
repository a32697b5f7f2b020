"""`electionbot chat`: talk to the bot in this terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TextIO

from bot.answering.dialogue import Context, entry_context
from bot.cli.common import add_common, conversation, resolve_dirs, screen, terminal_width
from bot.conversation import Button, Conversation, Reply


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `chat` command."""
    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    add_common(chat)
    chat.set_defaults(handler=run_chat)


def run_chat(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Talk until /quit, end of input or Ctrl-C."""
    resolve_dirs(args, sys.stderr)
    conv = conversation(args)
    try:
        chat_loop(conv, args.lang, stdin, out, terminal_width(out))
    except KeyboardInterrupt:
        out.write("\n")
    return 0


def chat_loop(conv: Conversation, lang: str | None, inp: Iterable[str], out: TextIO,
              width: int | None = None) -> None:
    """The terminal conversation: the same replies the Telegram user gets."""
    chosen = lang
    current = chosen or "en"
    context: Context | None = None  # what a follow-up may refer to; no text is kept
    reply = conv.start(current)
    tr = conv.catalogs[current]
    out.write(screen(reply, width) + "\n\n" + tr.gettext(
        "(Type a question, or the number of a choice. /topics, /language, /help, /about, "
        "/privacy, /forget; /quit to leave.)") + "\n")
    prompt = "> "
    out.write(prompt)
    out.flush()
    for raw in inp:
        line = raw.strip()
        if line in ("/quit", "/exit", "/q"):
            break
        if not line:
            out.write(prompt)
            out.flush()
            continue
        pressed = _chat_turn(conv, line, reply.buttons, current)
        if pressed is not None:
            replies: tuple[Reply, ...] = (pressed,)
            if line.lower().startswith("/forget"):
                context = None
            elif pressed.entry_id:
                # an entry opened with a button is what a follow-up refers to, as in Telegram
                context = entry_context(conv.matcher, pressed.entry_id)
        else:
            turn = conv.respond(line, chosen=chosen, fallback=current, context=context)
            replies, context = turn.replies, turn.context
        reply = replies[-1]
        if reply.set_language:
            chosen = reply.set_language
        current = reply.lang
        shown = "\n\n".join(screen(r, width) for r in replies)
        out.write("\n" + shown + "\n\n" + prompt)
        out.flush()
    out.write("\n")


# a longer number is a question ("1998"), not a choice: no screen has a hundred choices
MAX_CHOICE_DIGITS = 2


def _chat_turn(conv: Conversation, line: str, on_screen: tuple[tuple[Button, ...], ...],
               lang: str) -> Reply | None:
    """A typed number or command, as the terminal's buttons and menu; None for a question."""
    from bot import conversation as core
    from bot.storage import DEFAULT_RETENTION_DAYS

    if line.isdigit() and len(line) <= MAX_CHOICE_DIGITS:
        number = int(line)
        buttons = [b for row in on_screen for b in row]
        if not 1 <= number <= len(buttons):
            return core.no_such_choice(conv, lang, on_screen)
        button = buttons[number - 1]
        if button.action.startswith(f"{core.ACTION_FORGET}:"):  # the terminal stores nothing
            return core.forget_result(conv, lang, deleted=button.action.endswith(":yes"))
        return conv.press(button.action, lang, button.ref)
    if line.startswith("/"):
        command = line.split()[0][1:].lower()
        return core.command_page(conv, command, lang, DEFAULT_RETENTION_DAYS) \
            or core.unknown_command(conv, lang)
    return None
