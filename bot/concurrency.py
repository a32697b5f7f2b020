"""Concurrent update handling that keeps each chat's updates in the order they arrived."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.metrics import Metrics, update_type

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


class ChatOrderedProcessor(BaseUpdateProcessor):
    """At most `slots` updates at once, and one at a time per chat, first come first served.

    python-telegram-bot starts a task per update in arrival order and admits it through its own
    semaphore (sized generously here); each task then queues on its chat's lock before it takes
    one of the `slots`, so a chat flooding the bot waits without holding slots that other chats
    need. asyncio's Lock and Semaphore wake waiters in FIFO order.
    """

    def __init__(self, slots: int, metrics: Metrics | None = None,
                 admitted: int = ADMITTED) -> None:
        super().__init__(max(admitted, slots))
        self.slots = slots
        self._running = asyncio.BoundedSemaphore(slots)
        self._metrics = metrics
        self._locks: dict[tuple[str, int], asyncio.Lock] = {}
        self._users: dict[tuple[str, int], int] = {}  # tasks holding or awaiting each lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
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
