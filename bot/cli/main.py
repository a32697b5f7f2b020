"""The `electionbot` command: chat, ask, kb check (and the Telegram bot)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from bot.answering.dialogue import Context, ContextStore
from bot.answering.matcher import Match
from bot.conversation import Button, Conversation, Reply, Turn
from bot.conversation.render import plain_text
from bot.errors import INTERNAL, KNOWLEDGE, ElectionbotError, Interrupted, UsageError
from bot.knowledge.base import KnowledgeError, load_knowledge
from bot.knowledge.catalogs import I18nError

# the statuses `ask --json` reports (README documents them)
STATUSES = ("answer", "partial", "suggest", "none", "smalltalk")

PROG = "electionbot"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)
UserError = UsageError  # a mistake in how the command was called: one line, exit code 2

RUN_SETTINGS = """\
settings (environment variables):
  TELEGRAM_BOT_TOKEN        required: the token from @BotFather
  TELEGRAM_BOT_TOKEN_FILE   or a file holding it (Docker secrets), read when the above is unset
  TELEGRAM_BASE_URL         Bot API server (default https://api.telegram.org/bot)
  TELEGRAM_WEBHOOK_SECRET   webhook secret token (default: random at each start)
  ELECTIONBOT_DB            SQLite database file
                            (default ~/.local/share/electionbot/electionbot.sqlite3)
  ELECTIONBOT_KB, ELECTIONBOT_LOCALES   knowledge and catalogs directories
                            (default ./knowledge and ./locales in a checkout, else the
                            packaged ones)
  ELECTIONBOT_ADMINS        comma-separated Telegram user ids allowed /stats and /reload
  ELECTIONBOT_METRICS_ADDR  serve /healthz /readyz /metrics on [HOST:]PORT (off when unset;
                            a bare port means 127.0.0.1)
  ELECTIONBOT_CONCURRENCY   updates handled at once (default 16; one at a time per chat)
  ELECTIONBOT_CONNECT_TIMEOUT  seconds to wait for the Bot API at start (default 30)
  ELECTIONBOT_LOG_LEVEL     DEBUG, INFO (default), WARNING or ERROR
  ELECTIONBOT_LOG_FORMAT    plain (default) or json (one JSON object per line)
  ELECTIONBOT_RETENTION_DAYS  days to keep unanswered question texts (default 90)
  ELECTIONBOT_USER_KEY      the key that hides user ids in the database (32+ characters)
  ELECTIONBOT_USER_KEY_FILE  or a file holding it, generated when missing (default: the
                            database's path + .key); keep it out of the database's backups
  ELECTIONBOT_LANGUAGE_DAYS  days after which an unused language choice is deleted (365)
  ELECTIONBOT_FLOOD_BURST, ELECTIONBOT_FLOOD_PER_MINUTE  per-chat limit: a burst (10),
                            then so many a minute (4); past it one "please slow down"
  ELECTIONBOT_MAX_PENDING   updates waiting beyond which new ones are dropped (2000)
  ELECTIONBOT_MAX_AGE       seconds after which a message is not answered any more (600)
  ELECTIONBOT_CACHE_DIR     where the compiled knowledge base is cached
                            (default ~/.cache/electionbot)
  HTTPS_PROXY, NO_PROXY     an HTTP proxy for the Bot API
  SSL_CERT_FILE, SSL_CERT_DIR  certificate authorities for the Bot API (default: certifi's)

exit codes: 0 stopped normally, 2 bad flag or setting, 3 knowledge or catalogs broken,
  4 database unusable, 5 database locked, 6 Telegram refused the token or webhook,
  7 Telegram unreachable, 8 cannot listen, 130/143 interrupted during start-up.
  The operations guide (docs/operating.md) explains each."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("electionbot")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _add_common(parser: argparse.ArgumentParser, lang: bool = True) -> None:
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


def _resolve_dirs(args: argparse.Namespace, err: TextIO | None) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="A be/ru/en FAQ bot about election cooperation and observation.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    _add_common(chat)

    ask = sub.add_parser("ask", help="answer questions once (text or JSON lines)")
    _add_common(ask)
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

    locales = sub.add_parser("locales", help="translation catalog tools")
    loc_sub = locales.add_subparsers(dest="locales_command", metavar="LOCALES_COMMAND",
                                     required=True)
    loc_check = loc_sub.add_parser("check", help="report the state of every catalog")
    loc_check.add_argument("--locales", metavar="DIR", type=Path, default=None,
                           help="catalogs directory (default: $ELECTIONBOT_LOCALES, else "
                           "./locales in a checkout, else the packaged one)")
    loc_check.add_argument("--format", choices=("text", "json"), default="text")
    loc_update = loc_sub.add_parser(
        "update", help="extract both domains and update every catalog (run in a checkout)")
    loc_update.add_argument("--check", action="store_true",
                            help="change nothing; exit 1 if the templates or catalogs are not "
                            "what extraction gives (CI)")
    loc_init = loc_sub.add_parser("init", help="start the catalogs of a new language")
    loc_init.add_argument("language", metavar="LANG", help="language code, e.g. pl or uk")

    run = sub.add_parser("run", help="run the Telegram bot (settings from the environment)",
                         epilog=RUN_SETTINGS, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("--webhook-url", metavar="URL",
                     help="use a webhook at this public https URL instead of long polling")
    run.add_argument("--listen", metavar="ADDR", default="0.0.0.0",
                     help="webhook server address (default 0.0.0.0)")
    run.add_argument("--port", metavar="N", type=int, default=8443,
                     help="webhook server port (default 8443)")
    run.add_argument("--metrics-addr", metavar="[HOST:]PORT", default=None,
                     help="serve /healthz, /readyz and /metrics here "
                     "(default: $ELECTIONBOT_METRICS_ADDR; off when unset)")

    backup = sub.add_parser("backup", help="copy the bot's database safely, even while it runs")
    backup.add_argument("dest", metavar="FILE", type=Path,
                        help="the copy to write (must not exist)")
    backup.add_argument("--db", metavar="FILE", type=Path, default=None,
                        help="the bot's database (default: $ELECTIONBOT_DB or the default path)")

    health = sub.add_parser("health", help="probe a running bot's health endpoint "
                            "(for container health checks)")
    health.add_argument("--url", metavar="URL", default=None,
                        help="the endpoint (default: /healthz on $ELECTIONBOT_METRICS_ADDR)")
    health.add_argument("--ready", action="store_true", help="probe /readyz instead of /healthz")
    health.add_argument("--timeout", metavar="S", type=float, default=5.0)

    kb = sub.add_parser("kb", help="knowledge-base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    check = kb_sub.add_parser("check", help="validate and lint the knowledge base")
    _add_common(check, lang=False)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    compile_ = kb_sub.add_parser("compile", help="compile the knowledge base into the cache "
                                 "($ELECTIONBOT_CACHE_DIR or the user cache dir)")
    _add_common(compile_, lang=False)
    gaps = kb_sub.add_parser("gaps", help="group the questions the bot could not answer")
    _add_common(gaps, lang=False)
    gaps.add_argument("--db", metavar="FILE", type=Path, default=None,
                      help="the bot's database (default: $ELECTIONBOT_DB or the default path)")
    gaps.add_argument("--since", metavar="DAYS", type=int, default=None,
                      help="only questions from the last DAYS days")
    gaps.add_argument("--format", choices=("text", "json", "yaml"), default="text")
    return parser


def _conversation(args: argparse.Namespace) -> Conversation:
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


# --- ask -------------------------------------------------------------------------------------

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
    conv = _conversation(args)
    width = _terminal_width(out)
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
                out.write(_screen(reply, width) + "\n\n")
            if args.explain:
                out.write("\n\n".join(explain(m) for m in turn.matches) + "\n\n")
        out.flush()
    return 0


# --- chat ------------------------------------------------------------------------------------

def _terminal_width(out: TextIO) -> int | None:
    """The width to wrap replies at on a terminal; None when writing to a file or pipe."""
    return min(shutil.get_terminal_size().columns, 100) - 1 if out.isatty() else None


def _screen(reply: Reply, width: int | None = None) -> str:
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


def chat_loop(conv: Conversation, lang: str | None, inp: Iterable[str], out: TextIO,
              width: int | None = None) -> None:
    """The terminal conversation: the same replies the Telegram user gets."""
    chosen = lang
    current = chosen or "en"
    context: Context | None = None  # what a follow-up may refer to; no text is kept
    reply = conv.start(current)
    tr = conv.catalogs[current]
    out.write(_screen(reply, width) + "\n\n" + tr.gettext(
        "(Type a question, or the number of a choice. /topics, /language, /help, /about, "
        "/privacy, /forget; /quit to leave.)") + "\n")
    prompt = "> "
    out.write(prompt)
    out.flush()
    for raw in inp:
        line = raw.strip()
        buttons = [b for row in reply.buttons for b in row]
        if line in ("/quit", "/exit", "/q"):
            break
        if not line:
            out.write(prompt)
            out.flush()
            continue
        pressed = _chat_turn(conv, line, buttons, current)
        if pressed is not None:
            replies: tuple[Reply, ...] = (pressed,)
            if line.lower().startswith("/forget"):
                context = None
        else:
            turn = conv.respond(line, chosen=chosen, fallback=current, context=context)
            replies, context = turn.replies, turn.context
        reply = replies[-1]
        if reply.set_language:
            chosen = reply.set_language
        current = reply.lang
        shown = "\n\n".join(_screen(r, width) for r in replies)
        out.write("\n" + shown + "\n\n" + prompt)
        out.flush()
    out.write("\n")


def _chat_turn(conv: Conversation, line: str, buttons: list[Button], lang: str) -> Reply | None:
    """A typed number or command, as the terminal's buttons and menu; None for a question."""
    from bot import conversation as core
    from bot.storage import DEFAULT_RETENTION_DAYS

    if line.isdigit():
        number = int(line)
        if not 1 <= number <= len(buttons):
            return core.no_such_choice(conv, lang, len(buttons))
        button = buttons[number - 1]
        if button.action.startswith(f"{core.ACTION_FORGET}:"):  # the terminal stores nothing
            return core.forget_result(conv, lang, deleted=button.action.endswith(":yes"))
        return conv.press(button.action, lang, button.ref)
    if line.startswith("/"):
        command = line.split()[0][1:].lower()
        return core.command_page(conv, command, lang, DEFAULT_RETENTION_DAYS) \
            or core.unknown_command(conv, lang)
    return None


def run_chat(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    conv = _conversation(args)
    try:
        chat_loop(conv, args.lang, stdin, out, _terminal_width(out))
    except KeyboardInterrupt:
        out.write("\n")
    return 0


# --- kb check ----------------------------------------------------------------------------------

def run_kb_check(args: argparse.Namespace, out: TextIO) -> int:
    from bot.authoring.lint import check

    report = check(args.kb, args.locales)
    if args.format == "json":
        out.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        for finding in report.findings:
            out.write(f"{finding}\n")
        verdict = "FAILED" if report.exit_code(args.strict) else "OK"
        out.write(f"{verdict}: {report.summary()}\n")
    return report.exit_code(args.strict)


def run_kb_gaps(args: argparse.Namespace, out: TextIO) -> int:
    from bot.answering.matcher import Matcher
    from bot.authoring.gaps import as_text, as_yaml, group_questions, learned_text, learned_yaml
    from bot.authoring.learning import learn
    from bot.service.config import db_path
    from bot.storage import Storage

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


def run_kb_compile(args: argparse.Namespace, out: TextIO) -> int:
    """Load the base once so that the next start reads the compiled cache (Docker builds)."""
    from bot.answering.cache import cache_dir, load_matcher

    matcher = load_matcher(args.kb)
    out.write(f"compiled {len(matcher.kb.entries)} entries into {cache_dir()}\n")
    return 0


def run_locales_check(args: argparse.Namespace, out: TextIO) -> int:
    from dataclasses import asdict

    from bot.authoring.catalog_check import THRESHOLD, check_locales, visibility

    statuses = check_locales(args.locales)
    shown = visibility(statuses)
    if args.format == "json":
        out.write(json.dumps([{**asdict(s), "ok": s.ok, "percent": round(s.percent, 1),
                               "visible": shown[s.lang][0]} for s in statuses],
                             ensure_ascii=False, indent=2) + "\n")
    else:
        for status in statuses:
            out.write(status.line() + "\n")
            out.writelines(f"       {problem}\n" for problem in status.problems)
        for lang, (visible, ui, kb) in shown.items():
            if not visible:
                out.write(f"{lang}: hidden from citizens until {THRESHOLD} are translated "
                          f"(now {ui:.0%} and {kb:.0%})\n")
        bad = [s for s in statuses if not s.ok]
        failing = any(s.failing for s in statuses)
        out.write(f"{'INCOMPLETE' if failing else 'OK'}: {len(statuses) - len(bad)} of "
                  f"{len(statuses)} catalogs complete\n")
    return 1 if any(s.failing for s in statuses) else 0


def _checkout() -> Path:
    from bot.knowledge.paths import find_checkout

    root = find_checkout()
    if root is None:
        raise UserError("not in an electionbot checkout: run this from the repository root "
                        "(where pyproject.toml, bot/, knowledge/ and locales/ are)")
    return root


def run_locales_update(args: argparse.Namespace, out: TextIO) -> int:
    from bot.authoring.catalog_update import update

    root = _checkout()
    written = update(root, dry_run=args.check)
    changed = [w for w in written if w.changed]
    for w in changed:
        verb = "out of date" if args.check else "updated"
        out.write(f"{verb}: {w.path.relative_to(root)}\n")
    if args.check and changed:
        out.write("The catalogs are not what extraction gives: run `electionbot locales "
                  "update` and commit the result.\n")
        return 1
    if not changed:
        out.write(f"All {len(written)} templates and catalogs are up to date.\n")
    elif not args.check:
        out.write("Next: translate the empty and fuzzy entries, then run `electionbot locales "
                  "check`.\n")
    return 0


def run_locales_init(args: argparse.Namespace, out: TextIO) -> int:
    from bot.authoring.catalog_update import init

    root = _checkout()
    for w in init(root, args.language):
        out.write(f"created: {w.path.relative_to(root)}\n")
    out.write(f"The language stays hidden from citizens until its catalogs are complete enough; "
              f"`electionbot locales check` shows how far '{args.language}' is.\n")
    return 0


def run_bot(args: argparse.Namespace) -> int:
    # imported here so that chat/ask/kb start fast and work without the Telegram stack
    from dataclasses import replace
    from urllib.parse import urlsplit

    from bot.logs import configure_logging
    from bot.service.config import Settings, parse_address
    from bot.telegram.runner import Webhook, run

    settings = Settings.from_env()
    if args.metrics_addr:
        settings = replace(settings, metrics_addr=parse_address(args.metrics_addr,
                                                                "--metrics-addr"))
    webhook = None
    if args.webhook_url:
        url = urlsplit(args.webhook_url)
        # Telegram only calls https webhooks; plain http is allowed for a loopback address,
        # where a self-hosted Bot API server (or a test) runs on the same machine
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOOPBACK):
            raise UserError("--webhook-url must be an https:// address (Telegram requires it)")
        if not 0 < args.port < 65536:
            raise UserError(f"--port must be from 1 to 65535, got {args.port}")
        # api.telegram.org calls webhooks on these ports only (a self-hosted Bot API on any)
        port = url.port or (443 if url.scheme == "https" else 80)
        if not settings.base_url and port not in TELEGRAM_WEBHOOK_PORTS:
            raise UserError(f"--webhook-url: Telegram calls webhooks only on ports 443, 80, 88 "
                            f"or 8443, not {port}; let the reverse proxy listen on one of them "
                            f"and forward to --port")
        # the path is secret-free; every request is checked against the secret token instead
        webhook = Webhook(args.webhook_url, args.listen, args.port, url.path or "/")
    configure_logging(settings.log_level, [settings.token, settings.webhook_secret],
                      settings.log_format)
    reason = run(settings, webhook)
    print(f"{PROG}: {reason}", file=sys.stderr)
    return 0


def run_health(args: argparse.Namespace, out: TextIO) -> int:
    """Exit 0 when the endpoint answers 200, else 1: what container health checks expect."""
    import urllib.error
    import urllib.request

    from bot.service.config import parse_address

    url = args.url
    if url is None:
        addr = os.environ.get("ELECTIONBOT_METRICS_ADDR", "").strip()
        if not addr:
            raise UserError("no health endpoint: set ELECTIONBOT_METRICS_ADDR (as for `run`) "
                            "or pass --url")
        host, port = parse_address(addr, "ELECTIONBOT_METRICS_ADDR")
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        host = f"[{host}]" if ":" in host else host
        url = f"http://{host}:{port}/" + ("readyz" if args.ready else "healthz")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=args.timeout) as response:
            out.write(f"{response.status} {response.read(200).decode(errors='replace').strip()}\n")
            return 0
    except urllib.error.HTTPError as exc:
        out.write(f"{exc.code} {exc.read(500).decode(errors='replace').strip()}\n")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        out.write(f"unreachable: {url}: {reason}\n")
    return 1


def run_backup(args: argparse.Namespace, out: TextIO) -> int:
    """A consistent, clean copy (VACUUM INTO) while the bot keeps writing. The user key
    (ELECTIONBOT_USER_KEY_FILE) is never in it: the copy alone names nobody."""
    import sqlite3

    from bot.errors import DatabaseUnusable
    from bot.service.config import db_path
    from bot.service.startup import check_database

    db = args.db or db_path(os.environ)
    if not db.is_file():
        raise UserError(f"no bot database at {db}: pass --db FILE or set ELECTIONBOT_DB")
    if args.dest.exists():
        raise UserError(f"{args.dest} exists already: choose a new file name")
    if not args.dest.parent.is_dir():
        raise UserError(f"the folder {args.dest.parent} does not exist: create it first "
                        f"(mkdir -p {args.dest.parent})")
    check_database(db)
    try:
        source = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            # the copy holds what the database holds: readable by its owner only
            os.close(os.open(args.dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            # VACUUM INTO, not a page copy: the copy is built from the live rows only, so
            # nothing deleted (free pages, old b-tree keys) reaches it; it is one consistent
            # snapshot, written into the empty file made above
            source.execute("VACUUM INTO ?", (str(args.dest),))
        finally:
            source.close()
    except sqlite3.Error as exc:
        args.dest.unlink(missing_ok=True)
        raise DatabaseUnusable(f"cannot copy {db} to {args.dest}: {exc}",
                               "check free space and permissions where the copy goes") from exc
    out.write(f"backed up {db} to {args.dest} ({args.dest.stat().st_size} bytes)\n")
    return 0


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
    out, stdin = sys.stdout, sys.stdin
    if args.command in ("ask", "chat", "kb"):
        _resolve_dirs(args, sys.stderr if args.command != "ask" or args.verbose else None)
    if args.command == "ask":
        return run_ask(args, out, stdin)
    if args.command == "chat":
        return run_chat(args, out, stdin)
    if args.command == "run":
        return run_bot(args)
    if args.command == "health":
        return run_health(args, out)
    if args.command == "backup":
        return run_backup(args, out)
    if args.command == "locales" and args.locales_command == "check":
        _resolve_dirs(args, None)
        return run_locales_check(args, out)
    if args.command == "locales" and args.locales_command == "update":
        return run_locales_update(args, out)
    if args.command == "locales" and args.locales_command == "init":
        return run_locales_init(args, out)
    if args.command == "kb" and args.kb_command == "gaps":
        return run_kb_gaps(args, out)
    if args.command == "kb" and args.kb_command == "check":
        return run_kb_check(args, out)
    if args.command == "kb" and args.kb_command == "compile":
        return run_kb_compile(args, out)
    raise UserError("unknown command")


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

