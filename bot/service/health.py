"""/healthz, /readyz and /metrics: framework-neutral responses plus tornado routes for them.

`Ops.respond(path)` is what any HTTP server mounts; `tornado_routes()` mounts it on a tornado
application (the webhook server, or the small polling-mode server of `serve_ops`). Responses
carry states and counts only: never a message text or a user id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tornado.web

from bot.service.metrics import Metrics

log = logging.getLogger(__name__)

PATHS = ("/healthz", "/readyz", "/metrics")
BOT_API_FRESH = 120.0  # seconds: older than this, the Bot API counts as not reached recently
DB_PROBE_EVERY = 10.0  # seconds between two database write probes
KEEPALIVE_EVERY = 45.0  # seconds without Bot API contact before a getMe (webhook mode is quiet)


@dataclass(frozen=True)
class OpsResponse:
    status: int
    content_type: str
    body: bytes


def probe_database(path: str) -> str | None:
    """None if the bot could write `path` now; else why not (the write lock, rolled back)."""
    if path == ":memory:":
        return None
    if not Path(path).is_file():
        return "database file missing"
    try:
        db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True, timeout=2.0,
                             isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
        finally:
            db.close()
    except sqlite3.Error as exc:
        return f"database not writable: {exc}"
    return None


class Ops:
    """Liveness, readiness and metrics of one running bot."""

    def __init__(self, metrics: Metrics, db_path: str, alive: Callable[[], bool],
                 knowledge_size: Callable[[], int]) -> None:
        self.metrics = metrics
        self._db_path = db_path
        self._alive = alive
        self._knowledge_size = knowledge_size
        self._db_checked = -DB_PROBE_EVERY
        self._db_problem: str | None = None

    async def respond(self, path: str) -> OpsResponse:
        if path == "/healthz":
            alive = self._alive()
            return OpsResponse(200 if alive else 503, "text/plain; charset=utf-8",
                               b"ok\n" if alive else b"stopped\n")
        if path == "/readyz":
            checks = await self.readiness()
            ready = all(v == "ok" for v in checks.values())
            body = json.dumps({"ready": ready, "checks": checks}, indent=1) + "\n"
            return OpsResponse(200 if ready else 503, "application/json", body.encode())
        if path == "/metrics":
            text, content_type = self.metrics.exposition()
            return OpsResponse(200, content_type, text)
        return OpsResponse(404, "text/plain; charset=utf-8", b"not found\n")

    async def readiness(self) -> dict[str, str]:
        if time.monotonic() - self._db_checked >= DB_PROBE_EVERY:
            self._db_problem = await asyncio.to_thread(probe_database, self._db_path)
            self._db_checked = time.monotonic()
        entries = self._knowledge_size()
        age = self.metrics.api_contact_age()
        return {
            "alive": "ok" if self._alive() else "stopped",
            "knowledge": "ok" if entries > 0 else "no entries loaded",
            "database": self._db_problem or "ok",
            "bot_api": "ok" if 0 <= age <= BOT_API_FRESH else (
                "never reached" if age < 0 else f"last reached {age:.0f} s ago"),
        }


class _OpsHandler(tornado.web.RequestHandler):
    def initialize(self, ops: Ops) -> None:
        self.ops = ops

    async def get(self) -> None:
        response = await self.ops.respond(self.request.path)
        self.set_status(response.status)
        self.set_header("Content-Type", response.content_type)
        self.set_header("Cache-Control", "no-store")
        self.finish(response.body)


def tornado_routes(ops: Ops) -> list[tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]]:
    """The three ops paths as tornado URL specs, to add to any tornado application."""
    return [(r"/(?:healthz|readyz|metrics)", _OpsHandler, {"ops": ops})]


def quiet_access_log(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log without client addresses; successful requests only at DEBUG."""
    status = handler.get_status()
    level = logging.DEBUG if status < 400 else logging.WARNING
    log.log(level, "%d %s %s %.1f ms", status, handler.request.method, handler.request.path,
            1000 * handler.request.request_time())


async def keep_bot_api_contact(get_me: Callable[[], Any], metrics: Metrics,
                               stop: asyncio.Event, every: float = KEEPALIVE_EVERY) -> None:
    """Call getMe when nothing else reached the Bot API for a while: readiness stays true."""
    while not stop.is_set():
        with_contact = 0 <= metrics.api_contact_age() < every
        if not with_contact:
            try:
                await get_me()
            except Exception as exc:  # counted by the metered request; readiness shows it
                log.warning("Bot API keep-alive failed: %s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every / 3)
