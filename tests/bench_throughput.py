"""End-to-end throughput benchmark (not a test): `python -m tests.bench_throughput`.

Runs the real `electionbot run` code path (pre-flight checks, long polling, per-chat ordered
concurrency) in a child process against the fake Bot API in this one, queues UPDATES questions
spread over CHATS private chats, and measures how fast every reply arrives. Checks that no
update is lost and that each chat's replies come in the order its questions were sent.
Reported with Telegram's rate limiter off (what the bot itself can do) and on (what Telegram's
~30 messages/s flood limit leaves).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from bot.answering.dialogue import Context
from bot.conversation import Conversation
from bot.conversation.render import html_messages

from .fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "7000000001:AAFakeTokenForTheBenchmark0123456789"


def serve() -> None:
    """The child: `electionbot run` as the CLI runs it, with the limiter as asked."""
    from bot.service.config import Settings
    from bot.telegram.runner import run

    settings = replace(Settings.from_env(), watch=False,
                       rate_limit=os.environ.get("BENCH_RATE_LIMIT") == "on")
    profile = os.environ.get("BENCH_PROFILE")
    if profile:  # where the bot's time goes: python -m pstats FILE
        import cProfile

        cProfile.runctx("print(run(settings), file=sys.stderr)", globals(), locals(), profile)
    else:
        print(run(settings), file=sys.stderr)


def questions(conv: Conversation) -> list[str]:
    """English questions the bot answers."""
    return [entry.question("en") for entry in conv.kb.entries.values()
            if conv.ask(entry.question("en"), chosen="en").kind == "answer"]


def replies(conv: Conversation, question: str, context: Context | None,
            ) -> tuple[list[str], Context | None]:
    """The exact message texts the bot sends for a question in a chat with this context."""
    turn = conv.respond(question, chosen="en", context=context)
    return [part for reply in turn.replies for part in html_messages(reply)], turn.context


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def measure(updates: int, chats: int, limiter: bool, concurrency: int) -> dict[str, object]:
    conv = Conversation.load()
    pool = questions(conv)
    # with the spec the fake also reads parameters as Telegram does (getUpdates' timeout)
    spec = (os.environ.get("TELEGRAM_BOT_API_SPEC")
            or ROOT.parent / "shared" / "telegram-bot-api" / "api.json")
    with FakeBotAPI(token=TOKEN, spec_path=spec) as api, tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url,
               "ELECTIONBOT_DB": str(Path(tmp) / "bench.sqlite3"),
               "ELECTIONBOT_CONCURRENCY": str(concurrency), "ELECTIONBOT_LOG_LEVEL": "WARNING",
               "BENCH_RATE_LIMIT": "on" if limiter else "off",
               # a chat's questions come faster than a person types: measure throughput, not
               # the flood limit (issue 18)
               "ELECTIONBOT_FLOOD_BURST": "10000"}
        proc = subprocess.Popen([sys.executable, "-m", "tests.bench_throughput", "--serve"],
                                env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        try:
            api.wait_for_sync("getUpdates", timeout=60)
            expected: dict[int, list[str]] = defaultdict(list)
            # each chat's replies as the bot gives them: a question is read in its chat's context
            contexts: dict[int, Context | None] = defaultdict(lambda: None)
            users = [FakeBotAPI.user(10_000 + i, first_name="Bench", language_code="en")
                     for i in range(chats)]
            # the expected replies first: the clock measures the bot, not this process
            asked = []
            for n in range(updates):
                who = users[n % chats]
                question = pool[(n * 7 + n // chats) % len(pool)]
                parts, contexts[who["id"]] = replies(conv, question, contexts[who["id"]])
                expected[who["id"]].extend(parts)
                asked.append((who, question))
            started = time.perf_counter()
            bot_cpu0 = cpu_seconds(proc.pid)
            fake_cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
            for who, question in asked:
                api.send_text(who, question)
            total = sum(len(v) for v in expected.values())
            deadline = time.monotonic() + 600
            sent: list[object] = []
            while time.monotonic() < deadline:
                sent = [c for c in api.calls if c.method == "sendMessage" and c.ok]
                if len(sent) >= total:
                    break
                time.sleep(0.01)
            elapsed = time.perf_counter() - started
            bot_cpu = cpu_seconds(proc.pid) - bot_cpu0
            fake_cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - fake_cpu0
            peak_kb = int(next(line.split()[1] for line in
                               Path(f"/proc/{proc.pid}/status").read_text().splitlines()
                               if line.startswith("VmHWM")))
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=60)
    got: dict[int, list[str]] = defaultdict(list)
    for call in sent:
        got[int(call.params["chat_id"])].append(call.params["text"])  # type: ignore[attr-defined]
    lost = total - len(sent)
    in_order = all(got[chat] == texts for chat, texts in expected.items())
    assert not api.violations, api.violations[:3]
    return {"rate_limiter": "on" if limiter else "off", "concurrency": concurrency,
            "updates": updates, "chats": chats, "messages_sent": len(sent),
            "lost": lost, "per_chat_order_kept": in_order, "seconds": round(elapsed, 2),
            "updates_per_s": round(updates / elapsed, 1), "bot_peak_rss_mb": round(peak_kb / 1024),
            # CPU from the first question to the last reply: what the figure costs, and the
            # rate one free core would give (the machine may be busy with other work)
            "bot_cpu_s": round(bot_cpu, 2), "fake_api_cpu_s": round(fake_cpu, 2),
            "bot_cpu_ms_per_update": round(1000 * bot_cpu / updates, 2),
            "updates_per_cpu_s": round(updates / bot_cpu, 1),
            "bot_exit": proc.returncode, "bot_said": err.strip().splitlines()[-1:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--limited-updates", type=int, default=300,
                        help="updates for the rate-limited run (it is slow by design)")
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    results = [measure(args.updates, args.chats, False, args.concurrency),
               measure(args.updates, args.chats, False, 1),
               measure(args.limited_updates, min(args.chats, args.limited_updates), True,
                       args.concurrency)]
    for row in results:
        print(json.dumps(row))
    if any(r["lost"] or not r["per_chat_order_kept"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
