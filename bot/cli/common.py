"""What the command modules share: the data-directory options, the conversation, the screen."""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.conversation import Conversation, Reply
from bot.conversation.render import plain_text
from bot.errors import UsageError

PROG = "electionbot"
UserError = UsageError  # a mistake in how the command was called: one line, exit code 2

# what each command's parser sets as its `handler` default: (args, stdout, stdin) -> exit code
Handler = Callable[[argparse.Namespace, TextIO, TextIO], int]


def add_common(parser: argparse.ArgumentParser, lang: bool = True) -> None:
    """Add --kb and --locales (and --lang unless told not to) to a command's parser."""
    parser.add_argument("--kb", metavar="DIR", type=Path, default=None,
                        help="knowledge directory (default: $ELECTIONBOT_KB, else ./knowledge "
                        "in a checkout, else the packaged one)")
    parser.add_argument("--locales", metavar="DIR", type=Path, default=None,
                        help="catalogs directory (default: $ELECTIONBOT_LOCALES, else "
                        "./locales in a checkout, else the packaged one)")
    if lang:
        parser.add_argument("--lang", metavar="LANG", default=None,
                            help="reply language (be, ru, en, or any language with a catalog, "
                            "to preview it); default: the question's language")


def resolve_dirs(args: argparse.Namespace, err: TextIO | None) -> None:
    """Fix --kb/--locales to the directories used, and say on stderr which ones and why."""
    from bot.knowledge.paths import resolve_data_dir

    for name in ("kb", "locales"):
        if not hasattr(args, name):
            continue
        chosen = resolve_data_dir("knowledge" if name == "kb" else "locales",
                                  getattr(args, name))
        setattr(args, name, chosen.path)
        if err is not None:
            err.write(f"{PROG}: {chosen.describe('knowledge' if name == 'kb' else 'catalogs')}"
                      "\n")
    if err is not None:
        err.flush()


def conversation(args: argparse.Namespace) -> Conversation:
    """The conversation over --kb and --locales, in --lang when one is given."""
    conv = Conversation.load(args.kb, args.locales)
    lang = getattr(args, "lang", None)
    if lang is not None and lang in conv.catalogs.unfinished:
        # a translator's preview: any catalog present speaks here; Telegram still hides it
        ui, kb = conv.catalogs.hidden[lang]
        sys.stderr.write(f"electionbot: previewing '{lang}', hidden from citizens until "
                         f"it is complete enough (now {ui:.0%} of interface messages and "
                         f"{kb:.0%} of answers and titles)\n")
        return Conversation(conv.kb, conv.catalogs.preview(lang), conv.matcher)
    if lang is not None and lang not in conv.catalogs.languages:
        raise UserError(f"unknown language '{lang}': choose one of "
                        f"{', '.join(conv.catalogs.codes)} (or `electionbot locales init "
                        f"{lang}` to start it)")
    return conv


def terminal_width(out: TextIO) -> int | None:
    """The width to wrap replies at on a terminal; None when writing to a file or pipe."""
    return min(shutil.get_terminal_size().columns, 100) - 1 if out.isatty() else None


def screen(reply: Reply, width: int | None = None) -> str:
    """A reply as the terminal shows it: text, then buttons as numbered choices."""
    text = plain_text(reply)
    if width:  # wrap at word boundaries, keeping the reply's own line breaks
        text = "\n".join(textwrap.fill(line, width) if line else line
                         for line in text.split("\n"))
    lines = [text]
    buttons = [b for row in reply.buttons for b in row]
    if buttons:
        lines.append("")
        lines.extend(f"  [{i}] {b.label}" for i, b in enumerate(buttons, 1))
    return "\n".join(lines)
