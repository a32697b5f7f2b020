"""Prometheus metrics of one running bot, with the official prometheus_client.

One `Metrics` per Application, with its own registry (no process-global state; tests can run
several bots). Labels are closed sets: update types, reply kinds, Bot API method names, HTTP
status codes. Never a message text, a user id or a chat id.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

METRICS = "metrics"  # the bot_data key
REPLY_KINDS = ("answer", "partial", "suggest", "none", "smalltalk", "info")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def update_type(update: object) -> str:
    """The kind of an update (message, callback_query, ...), from Telegram's own field names."""
    from telegram import Update

    if isinstance(update, Update):
        for name in Update.ALL_TYPES:
            if getattr(update, name, None) is not None:
                return str(name)
        return "other"
    return "internal"  # put into the queue by the bot itself, not by Telegram


class Metrics:
    """Counters, histograms and gauges that `/metrics` exposes."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.started = time.time()
        self.last_api_contact: float | None = None  # time.monotonic() of the last answer
        self.updates = Counter("electionbot_updates", "Updates received, by type", ["type"],
                               registry=r)
        self.replies = Counter("electionbot_replies", "Replies to questions, by status",
                               ["status"], registry=r)
        for kind in REPLY_KINDS:
            self.replies.labels(kind)
        self.latency = Histogram(
            "electionbot_update_latency_seconds",
            "Time from taking an update to having handled it (the answer sent), by type",
            ["type"], buckets=LATENCY_BUCKETS, registry=r)
        self.in_progress = Gauge("electionbot_updates_in_progress", "Updates being handled now",
                                 registry=r)
        self.api_requests = Counter("electionbot_bot_api_requests",
                                    "Bot API requests by method and HTTP status (or 'network')",
                                    ["method", "code"], registry=r)
        self.api_errors = Counter("electionbot_bot_api_errors",
                                  "Failed Bot API requests by method and code", ["method", "code"],
                                  registry=r)
        self.retries = Counter("electionbot_delivery_retries", "Bot API requests sent again",
                               ["method"], registry=r)
        self.given_up = Counter("electionbot_deliveries_given_up",
                                "Bot API requests abandoned after all retries", ["method"],
                                registry=r)
        self.dropped = Counter("electionbot_updates_dropped",
                               "Updates neither answered nor stored: flood (a chat past its "
                               "limit), backlog (too many waiting), stale (sent too long ago)",
                               ["reason"], registry=r)
        for reason in ("flood", "backlog", "stale"):
            self.dropped.labels(reason)
        self.reloads = Counter("electionbot_reloads", "Knowledge reloads by result", ["result"],
                               registry=r)
        for result in ("ok", "failed"):
            self.reloads.labels(result)
        self.knowledge_entries = Gauge("electionbot_knowledge_entries",
                                       "Entries in the knowledge base being served", registry=r)
        self.knowledge_topics = Gauge("electionbot_knowledge_topics",
                                      "Topics in the knowledge base being served", registry=r)
        Gauge("electionbot_start_time_seconds", "When the bot started (Unix time)",
              registry=r).set(self.started)
        Gauge("electionbot_uptime_seconds", "Seconds since the bot started",
              registry=r).set_function(lambda: time.time() - self.started)
        Gauge("electionbot_bot_api_last_contact_age_seconds",
              "Seconds since the Bot API last answered (-1: never)",
              registry=r).set_function(self.api_contact_age)
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        GCCollector(registry=r)

    # --- hooks the transport calls ----------------------------------------------------------------

    def reply(self, kind: str) -> None:
        self.replies.labels(kind).inc()

    def reload(self, ok: bool) -> None:
        self.reloads.labels("ok" if ok else "failed").inc()

    def knowledge(self, entries: int, topics: int) -> None:
        self.knowledge_entries.set(entries)
        self.knowledge_topics.set(topics)

    def retry(self, method: str) -> None:
        self.retries.labels(method).inc()

    def give_up(self, method: str) -> None:
        self.given_up.labels(method).inc()

    def api_call(self, method: str, code: int | str) -> None:
        self.api_requests.labels(method, str(code)).inc()
        if code == "network" or (isinstance(code, int) and code >= 500):
            self.api_errors.labels(method, str(code)).inc()
            return
        self.last_api_contact = time.monotonic()  # an answer from the Bot API, even a refusal
        if isinstance(code, int) and code >= 400:
            self.api_errors.labels(method, str(code)).inc()

    def api_contact_age(self) -> float:
        last = self.last_api_contact
        return -1.0 if last is None else time.monotonic() - last

    # --- exposition ------------------------------------------------------------------------------

    def exposition(self) -> tuple[bytes, str]:
        """The text format and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def of(bot_data: MutableMapping[str, Any]) -> Metrics:
    """The application's Metrics (made on first use when the bot was built without them)."""
    found = bot_data.get(METRICS)
    if not isinstance(found, Metrics):
        found = bot_data[METRICS] = Metrics()
    return found


def api_method(url: str) -> str:
    """The Bot API method of a request URL (.../bot<token>/sendMessage); never the token."""
    method = url.rstrip("/").rsplit("/", 1)[-1]
    return method if method.isalnum() and len(method) <= 64 else "other"


def metered_request(metrics: Metrics, **kwargs: Any) -> Any:
    """The Bot API client (bot/service/http.py), counting every call by method and HTTP status."""
    from telegram.error import NetworkError

    from bot.service.http import AiohttpRequest, ServerError

    class MeteredRequest(AiohttpRequest):
        async def do_request(self, url: str, method: str, *args: Any,
                             **kw: Any) -> tuple[int, bytes]:
            name = api_method(url)
            try:
                code, payload = await super().do_request(url, method, *args, **kw)
            except ServerError as exc:  # an answer, with its status
                metrics.api_call(name, exc.status)
                raise
            except NetworkError:
                metrics.api_call(name, "network")
                raise
            metrics.api_call(name, code)
            return code, payload

    return MeteredRequest(**kwargs)

