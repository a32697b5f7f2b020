"""The `electionbot` command: its top parser, the dispatch to each command, the exit codes.

Each command defines its own parser and handler in its module here (chat, ask, kb, locales,
run); this module puts them together and turns what they raise into messages and exit codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import ask, chat, kb, locales, run
from bot.cli.common import PROG, Handler, UserError
from bot.errors import INTERNAL, KNOWLEDGE, ElectionbotError, Interrupted
from bot.knowledge.base import KnowledgeError
from bot.knowledge.catalogs import I18nError


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("electionbot")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; the order of registration is the order `--help` lists."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="A be/ru/en FAQ bot about election cooperation and observation.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in (chat, ask, locales, run, kb):
        command.register(sub)
    return parser


def _subparser(parser: argparse.ArgumentParser,
               args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)parser of the command that was given, for its own usage line in errors."""
    for dest in ("command", "kb_command", "locales_command"):
        name = getattr(args, dest, None)
        actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if name is None or not actions:
            break
        parser = actions[0].choices[name]
    return parser


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    # argparse reports a subcommand's unknown flag with the top-level usage; this reports it
    # with the subcommand's own usage line
    args, extra = parser.parse_known_args(argv)
    if extra:
        _subparser(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _dispatch(args: argparse.Namespace) -> int:
    """Run the handler the given command's parser set (each module registers its own)."""
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        raise UserError("unknown command")
    return handler(args, sys.stdout, sys.stdin)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = _parse(parser, argv)
    try:
        return _dispatch(args)
    except ElectionbotError as exc:
        label = "error: " if exc.exit_code == 2 else ""
        print(f"{PROG}: {label}{exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except KnowledgeError as exc:
        print(f"{PROG}: the knowledge base cannot be loaded: {exc}", file=sys.stderr)
        return KNOWLEDGE
    except I18nError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return KNOWLEDGE
    except KeyboardInterrupt:
        import signal

        err = Interrupted(signal.SIGINT)
        print(f"\n{PROG}: interrupted (Ctrl-C)", file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still no traceback on screen unless asked for
        import logging

        logging.getLogger(PROG).debug("internal error", exc_info=True)
        print(f"{PROG}: internal error ({type(exc).__name__}); this is a bug, please report it "
              f"(ELECTIONBOT_LOG_LEVEL=DEBUG shows the details)", file=sys.stderr)
        return INTERNAL

