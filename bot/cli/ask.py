"""`electionbot ask`: answer questions once, as text or JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from bot.answering.dialogue import ContextStore
from bot.answering.matcher import Match
from bot.cli.common import (
    UserError,
    add_common,
    conversation,
    resolve_dirs,
    screen,
    terminal_width,
)
from bot.conversation import Reply, Turn
from bot.conversation.render import plain_text

# the statuses `ask --json` reports (README documents them)
STATUSES = ("answer", "partial", "suggest", "none", "smalltalk")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `ask` command."""
    ask = sub.add_parser("ask", help="answer questions once (text or JSON lines)")
    add_common(ask)
    ask.add_argument("question", nargs="*", help="the question (quote it)")
    ask.add_argument("--batch", metavar="FILE",
                     help="answer one question per line of FILE ('-': stdin); a line that is a "
                     "JSON object {\"q\": TEXT, \"conversation\": ID} is read as "
                     "--conversations reads it")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--explain", action="store_true",
                     help="also say how the question was read and why the status came out")
    ask.add_argument("--conversations", action="store_true",
                     help="read JSON lines {\"conversation\": ID, \"q\": TEXT}; each "
                     "conversation keeps its context as a chat would")
    ask.add_argument("-v", "--verbose", action="store_true",
                     help="say on stderr which knowledge and catalogs directories are used")
    ask.set_defaults(handler=run_ask)


def _questions(args: argparse.Namespace, stdin: TextIO) -> Iterator[str]:
    """The questions to ask. With --json, a blank batch line gives "" so that the output's
    records line up with the input's lines; plain output skips blank lines."""
    questions = _batch_lines(args, stdin)
    yield from questions if args.json else (q for q in questions if q)


def _batch_lines(args: argparse.Namespace, stdin: TextIO) -> Iterator[str]:
    if args.batch and args.question:
        raise UserError("give either a QUESTION or --batch FILE, not both")
    if args.batch == "-":
        yield from (line.strip() for line in _stdin_lines(stdin))
    elif args.batch:
        path = Path(args.batch)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise UserError(f"{path} is not UTF-8 text") from exc
        yield from (line.strip() for line in lines)
    elif args.question:
        question = " ".join(args.question)
        try:
            question.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise UserError("the question is not UTF-8 text: check the terminal's encoding") \
                from exc
        yield question
    else:
        raise UserError("nothing to ask: give a QUESTION or --batch FILE")


def _stdin_lines(stdin: TextIO) -> Iterator[str]:
    """Lines of stdin decoded as UTF-8 whatever the locale; invalid bytes stop with an error."""
    raw = getattr(stdin, "buffer", None)
    if raw is None:  # already text (tests, embedding)
        yield from stdin
        return
    for number, line in enumerate(raw, 1):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError(f"standard input line {number} is not UTF-8 text: convert it "
                            f"(e.g. with iconv -t UTF-8) and try again") from exc


def reply_json(question: str, reply: Reply) -> dict[str, object]:
    """The `ask --json` record of one reply."""
    status = reply.kind if reply.kind in STATUSES else "none"
    record: dict[str, object] = {
        "query": question,
        "status": status,
        "id": reply.entry_id if status in ("answer", "partial") else None,
        "lang": reply.lang,
        "score": reply.score,
        "suggestions": list(reply.suggestions),
        "text": plain_text(reply),
    }
    if reply.reason:
        record["reason"] = reply.reason
    return record


def explain(match: Match) -> str:
    """How the matcher read a question and why its status came out (for `ask --explain`)."""
    a = match.analysis
    lines = [f"status: {match.status}" + (f" {match.entry_id}" if match.entry_id else ""),
             f"why: {match.reason}",
             f"language: {a.lang or '?'}",
             f"terms: {' '.join(a.terms) or '-'}"]
    if a.focus != a.terms:
        lines.append(f"asking sentences: {' '.join(a.focus) or '-'}")
    if a.outofscope:
        lines.append(f"out of scope: {', '.join(a.outofscope)}")
    scores = dict(match.ranked)
    for v in match.verdicts:
        score = scores.get(v.entry_id)
        lines.append(f"  {v.entry_id}" + (f" {score:.2f}" if score is not None else "")
                     + f": {v.reason()}")
        lines.append(f"    subject {'/'.join(v.subject) or '-'}; matched "
                     f"{' '.join(v.matched) or '-'}; not covered {' '.join(v.uncovered) or '-'}"
                     + (f"; asks a {v.asked}, holds {', '.join(v.holds) or 'none'}"
                        if v.asked else ""))
    return "\n".join(lines)


def _dialogue_lines(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(conversation id, question) from `--conversations` JSON lines."""
    for n, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"line {n}: not JSON ({exc.msg}); write "
                            '{"conversation": "ID", "q": "question"}') from exc
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise UserError(f'line {n}: needs a "q" string, e.g. '
                            '{"conversation": "c1", "q": "What is ENEMO?"}')
        yield str(item.get("conversation", "")), item["q"]


def turn_json(question: str, turn: Turn) -> dict[str, object]:
    """The `ask --json` record of one message: the first reply's fields, and every reply's
    id and status under "answers" when it answers more than one entry."""
    record = reply_json(question, turn.replies[0])
    if len(turn.replies) > 1:
        record["answers"] = [{"id": r.entry_id, "status": r.kind} for r in turn.replies]
    return record


def _asked(args: argparse.Namespace, stdin: TextIO) -> Iterator[tuple[str | None, str]]:
    """(conversation id, or None for a question read on its own; question) for each line."""
    if args.conversations:
        yield from _dialogue_lines(_questions(args, stdin))
        return
    for question in _questions(args, stdin):
        found = _json_question(question) if args.batch else None
        yield found if found is not None else (None, question)


def _json_question(line: str) -> tuple[str | None, str] | None:
    """A batch line written as --conversations reads them ({"q": ..., "conversation": ...}),
    so that a file of conversations keeps its context even without the flag; None for text."""
    if not line.startswith("{"):
        return None
    try:
        item = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(item, dict) or not isinstance(item.get("q"), str):
        return None
    conversation = item.get("conversation")
    return (None if conversation is None else str(conversation)), item["q"]


def run_ask(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Answer each question given, one record or screen per question."""
    resolve_dirs(args, sys.stderr if args.verbose else None)
    conv = conversation(args)
    width = terminal_width(out)
    contexts = ContextStore()
    for key, question in _asked(args, stdin):
        # a question outside any conversation is read on its own
        turn = conv.respond(question, chosen=args.lang,
                            context=contexts.get(key) if key is not None else None)
        if key is not None:
            contexts.put(key, turn.context)
        if args.json:
            record = turn_json(question, turn)
            if args.explain:
                record["explain"] = "\n\n".join(explain(m) for m in turn.matches)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            for reply in turn.replies:
                out.write(screen(reply, width) + "\n\n")
            if args.explain:
                out.write("\n\n".join(explain(m) for m in turn.matches) + "\n\n")
        out.flush()
    return 0
