"""`electionbot kb`: check, compile and learn from the knowledge base."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.cli.common import UserError, add_common, resolve_dirs
from bot.knowledge.base import load_knowledge


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `kb` and its subcommands check, compile and gaps."""
    kb = sub.add_parser("kb", help="knowledge-base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    check = kb_sub.add_parser("check", help="validate and lint the knowledge base")
    add_common(check, lang=False)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(handler=run_kb_check)
    compile_ = kb_sub.add_parser("compile", help="compile the knowledge base into the cache "
                                 "($ELECTIONBOT_CACHE_DIR or the user cache dir)")
    add_common(compile_, lang=False)
    compile_.set_defaults(handler=run_kb_compile)
    gaps = kb_sub.add_parser("gaps", help="group the questions the bot could not answer")
    add_common(gaps, lang=False)
    gaps.add_argument("--db", metavar="FILE", type=Path, default=None,
                      help="the bot's database (default: $ELECTIONBOT_DB or the default path)")
    gaps.add_argument("--since", metavar="DAYS", type=int, default=None,
                      help="only questions from the last DAYS days")
    gaps.add_argument("--format", choices=("text", "json", "yaml"), default="text")
    gaps.set_defaults(handler=run_kb_gaps)


def run_kb_check(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Report every finding, then the verdict; fail on errors (and warnings with --strict)."""
    from bot.authoring.lint import check

    resolve_dirs(args, sys.stderr)
    report = check(args.kb, args.locales)
    if args.format == "json":
        out.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        for finding in report.findings:
            out.write(f"{finding}\n")
        verdict = "FAILED" if report.exit_code(args.strict) else "OK"
        out.write(f"{verdict}: {report.summary()}\n")
    return report.exit_code(args.strict)


def run_kb_gaps(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """The unanswered questions in groups, what the choices taught, and the feedback."""
    from bot.answering.matcher import Matcher
    from bot.authoring.gaps import as_text, as_yaml, group_questions, learned_text, learned_yaml
    from bot.authoring.learning import learn
    from bot.service.config import db_path
    from bot.storage import Storage

    resolve_dirs(args, sys.stderr)
    if args.since is not None and args.since < 0:
        raise UserError("--since takes a number of days (0 or more)")
    db = args.db or db_path(os.environ)
    if not db.is_file():
        raise UserError(f"no bot database at {db}: pass --db FILE or set ELECTIONBOT_DB")
    kb = load_knowledge(args.kb)
    matcher = Matcher(kb)
    # the bot's own key settings: should this open a database of an older schema, its
    # migration must hash the user ids with the key the bot uses, not a new one
    key = os.environ.get("ELECTIONBOT_USER_KEY", "").strip().encode() or None
    key_file = os.environ.get("ELECTIONBOT_USER_KEY_FILE", "").strip()
    storage = Storage(db, user_key=key, key_file=Path(key_file) if key_file else None)
    try:
        gaps = group_questions(storage.questions(args.since, unresolved=True), matcher)
        learned = learn(storage.choices(args.since), kb, matcher)
        feedback = storage.stats().feedback
    finally:
        storage.close()
    if args.format == "json":
        out.write(json.dumps({"groups": [g.as_dict() for g in gaps],
                              "learned": [item.as_dict() for item in learned],
                              "feedback": {e: {"up": u, "down": d}
                                           for e, (u, d) in feedback.items()}},
                             ensure_ascii=False, indent=2) + "\n")
    elif args.format == "yaml":
        learned_part = learned_yaml(learned, kb)
        out.write(learned_part + ("\n" if learned_part else "") +
                  as_yaml(gaps, matcher.thresholds.suggest))
    else:
        out.write(as_text(gaps, feedback) + "\n" + learned_text(learned))
    return 0


def run_kb_compile(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Load the base once so that the next start reads the compiled cache (Docker builds)."""
    from bot.answering.cache import cache_dir, load_matcher

    resolve_dirs(args, sys.stderr)
    matcher = load_matcher(args.kb)
    out.write(f"compiled {len(matcher.kb.entries)} entries into {cache_dir()}\n")
    return 0
