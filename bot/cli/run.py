"""`electionbot run`, `backup` and `health`: the Telegram bot and its operation."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import TextIO

from bot.cli.common import PROG, UserError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)

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


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `run`, `backup` and `health` commands."""
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
    run.set_defaults(handler=run_bot)

    backup = sub.add_parser("backup", help="copy the bot's database safely, even while it runs")
    backup.add_argument("dest", metavar="FILE", type=Path,
                        help="the copy to write (must not exist)")
    backup.add_argument("--db", metavar="FILE", type=Path, default=None,
                        help="the bot's database (default: $ELECTIONBOT_DB or the default path)")
    backup.set_defaults(handler=run_backup)

    health = sub.add_parser("health", help="probe a running bot's health endpoint "
                            "(for container health checks)")
    health.add_argument("--url", metavar="URL", default=None,
                        help="the endpoint (default: /healthz on $ELECTIONBOT_METRICS_ADDR)")
    health.add_argument("--ready", action="store_true", help="probe /readyz instead of /healthz")
    health.add_argument("--timeout", metavar="S", type=float, default=5.0)
    health.set_defaults(handler=run_health)


def run_bot(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Run the bot until stopped; it says why it stopped on stderr."""
    # A stop signal before the event loop takes them over (while the Telegram stack and the
    # base load, which a busy machine can stretch to seconds) stops start-up the same clean
    # way, not by the signal's default action.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
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


def _interrupt(signum: int, frame: object) -> None:
    from bot.errors import Interrupted

    raise Interrupted(signum)


def run_health(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
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


def run_backup(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
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
