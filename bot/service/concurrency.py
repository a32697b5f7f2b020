"""Concurrent update handling that keeps each chat's updates in the order they arrived."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseUpdateProcessor

from bot.logs import Throttle
from bot.service.floods import FloodGuard, Verdict
from bot.service.metrics import Metrics, update_type

log = logging.getLogger(__name__)

# updates python-telegram-bot lets in at once (waiting for their chat or a slot); each costs a
# small task, and beyond this the update queue itself holds them
ADMITTED = 4096


def chat_key(update: object) -> tuple[str, int] | None:
    """What must stay in order: a chat's updates; a user's inline queries; else nothing."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


def flood_key(update: Update) -> Hashable | None:
    """Whose flood bucket an update draws on: a private chat's; in groups each member's own
    (a busy group must not silence the bot for everyone); a user's inline queries."""
    chat, sender = update.effective_chat, update.effective_user
    if chat is not None and chat.type != ChatType.PRIVATE and sender is not None:
        return ("member", chat.id, sender.id)
    return chat_key(update)


def sent_at(update: Update) -> float | None:
    """When the user sent a message (Unix time), for messages only: a pressed button's message
    is the bot's own, as old as the answer it sits under."""
    message = update.message or update.edited_message
    return message.date.timestamp() if message is not None and message.date else None


def _discard(coroutine: Awaitable[Any]) -> None:
    if inspect.iscoroutine(coroutine):
        coroutine.close()  # never awaited: nothing of the update runs


class ChatOrderedProcessor(BaseUpdateProcessor):
    """At most `slots` updates at once, and one at a time per chat, first come first served.

    python-telegram-bot starts a task per update in arrival order and admits it through its own
    semaphore (sized generously here); each task then queues on its chat's lock before it takes
    one of the `slots`, so a chat flooding the bot waits without holding slots that other chats
    need. asyncio's Lock and Semaphore wake waiters in FIFO order.
    """

    def __init__(self, slots: int, metrics: Metrics | None = None,
                 admitted: int = ADMITTED, guard: FloodGuard | None = None,
                 slow_down: set[int] | None = None, max_pending: int | None = None,
                 max_age: float | None = None, clock: Callable[[], float] = time.time) -> None:
        """`guard` limits each chat (issue 18): the update ids that should get "please slow
        down" instead of an answer go into `slow_down` for the handlers. Beyond `max_pending`
        updates waiting, and for messages sent more than `max_age` seconds ago, updates are
        dropped unanswered."""
        super().__init__(max(admitted, slots))
        self.slots = slots
        self._running = asyncio.BoundedSemaphore(slots)
        self._metrics = metrics
        self._locks: dict[tuple[str, int], asyncio.Lock] = {}
        self._users: dict[tuple[str, int], int] = {}  # tasks holding or awaiting each lock
        self.guard = guard
        self.slow_down = slow_down if slow_down is not None else set()
        self.max_pending = max_pending
        self.max_age = max_age
        self.clock = clock
        self.pending = 0  # updates taken in and not yet handled
        self._dropped = Throttle(60.0)

    @property
    def full(self) -> bool:
        """Whether new updates would be shed for the backlog (the webhook answers 503)."""
        return self.max_pending is not None and self.pending >= self.max_pending

    def _stale(self, update: object) -> bool:
        if self.max_age is None or not isinstance(update, Update):
            return False
        sent = sent_at(update)
        return sent is not None and self.clock() - sent > self.max_age

    def _shed(self, update: object, reason: str, coroutine: Awaitable[Any]) -> None:
        _discard(coroutine)
        if self._metrics is not None:
            self._metrics.dropped.labels(reason).inc()
        held = self._dropped.allow(reason)
        if held is not None:
            # counts only: which chat floods is nobody's business but the bucket's
            why = {"flood": "from chats over their message limit",
                   "backlog": f"over the limit of {self.max_pending} waiting",
                   "stale": f"sent more than {self.max_age or 0:.0f} s ago"}[reason]
            log.warning("dropped updates %s, unanswered and unstored (%d more since the last "
                        "report)", why, held)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Shed what must not be handled, in arrival order, before it waits for its chat (the
        library admits updates here in arrival order, up to `ADMITTED` at once)."""
        if self._stale(update):
            self._shed(update, "stale", coroutine)
            return
        if self.full:
            self._shed(update, "backlog", coroutine)
            return
        key = flood_key(update) if isinstance(update, Update) else None
        if self.guard is not None and key is not None:
            verdict = self.guard.admit(key)
            if verdict is Verdict.DROP:
                self._shed(update, "flood", coroutine)
                return
            if verdict is Verdict.SLOW_DOWN and isinstance(update, Update):
                self.slow_down.add(update.update_id)
        self.pending += 1
        try:
            await self._in_order(update, coroutine)
        finally:
            self.pending -= 1

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            async with self._running:
                await self._handle(update, coroutine)
            return
        # no await between here and lock.acquire(): arrival order is queue order
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock, self._running:
                await self._handle(update, coroutine)
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # forget idle chats: memory stays bounded
                del self._users[key], self._locks[key]

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._stale(update):  # it waited too long behind its chat's other updates
            if isinstance(update, Update):
                self.slow_down.discard(update.update_id)
            self._shed(update, "stale", coroutine)
            return
        metrics = self._metrics
        if metrics is None:
            await coroutine
            return
        kind = update_type(update)
        metrics.updates.labels(kind).inc()
        started = time.perf_counter()
        metrics.in_progress.inc()
        try:
            await coroutine
        finally:
            metrics.in_progress.dec()
            metrics.latency.labels(kind).observe(time.perf_counter() - started)

    @property
    def chats_waiting(self) -> int:
        return len(self._locks)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down: Application waits for running updates itself."""
