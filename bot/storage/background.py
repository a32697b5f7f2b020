"""The writer thread: Storage calls run off the event loop, writes in order and batched."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from bot.logs import Throttle
from bot.storage.store import Storage

log = logging.getLogger(__name__)
_P = ParamSpec("_P")
_T = TypeVar("_T")


class BackgroundStorage:
    """Runs Storage calls off the event loop: writes in order on one thread, reads bounded.

    A failing or locked database must never cost an answer: writes are queued and their
    failures logged (at most once a minute per kind), reads give up after `read_timeout` and the
    caller carries on without the stored value. Writes wait `linger` seconds and then run
    together: waking a thread for each of them made the event loop wait for the interpreter lock
    about as long as the writes took.
    """

    def __init__(self, storage: Storage, read_timeout: float = 0.5,
                 log_every: float = 60.0, linger: float = 0.02) -> None:
        self.storage = storage
        self.read_timeout = read_timeout
        self.linger = linger
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="storage-write")
        self._reader = ThreadPoolExecutor(2, thread_name_prefix="storage-read")
        self._queued: list[Callable[[], None]] = []
        self._queue_lock = threading.Lock()
        self._draining = False
        self._throttle = Throttle(log_every)
        self.failures = 0
        # futures of deletions waiting for the scrub that ends the writer's current batch
        self._scrub_waiting: list[Future[bool]] = []

    def _failed(self, what: str, exc: BaseException) -> None:
        self.failures += 1
        skipped = self._throttle.allow(what)
        if skipped is None:
            return
        # the exception text names the database problem, never stored values
        log.warning("storage %s failed: %s: %s%s", what, type(exc).__name__, exc,
                    f" ({skipped} more failures since the last message)" if skipped else "")

    def _enqueue(self, job: Callable[[], None], linger: bool = True) -> None:
        with self._queue_lock:
            self._queued.append(job)
            if self._draining:
                return
            self._draining = True
        self._writer.submit(self._drain, self.linger if linger else 0.0)

    def _drain(self, linger: float) -> None:
        if linger:
            time.sleep(linger)
        while True:
            with self._queue_lock:
                jobs, self._queued = self._queued, []
                if not jobs:
                    self._draining = False
                    return
            for job in jobs:
                job()
            self._scrub_for_batch()

    def _scrub_for_batch(self) -> None:
        """One VACUUM and checkpoint for every deletion of the batch that asked for it."""
        waiting, self._scrub_waiting = self._scrub_waiting, []
        if not waiting:
            return
        try:
            done = self.storage.scrub()
        except Exception as exc:
            self._failed("scrub", exc)
            done = False
        for future in waiting:
            if future.set_running_or_notify_cancel():
                future.set_result(done)

    async def forget(self, user_id: int) -> bool:
        """`Storage.forget`, with one scrub for all the deletions the writer runs together;
        True when there was something to delete. Raises when the deletion fails."""
        deleted = self._after_writes(self.storage.delete_user, user_id)
        scrubbed: Future[bool] = Future()

        def ask_for_scrub() -> None:  # queued behind the deletion: the batch's scrub follows it
            if (deleted.done() and deleted.exception() is None and deleted.result()) \
                    or self.storage.unscrubbed:
                self._scrub_waiting.append(scrubbed)
            else:  # nothing was deleted: no VACUUM (a cheap /forget must not cost one)
                scrubbed.set_result(True)

        self._enqueue(ask_for_scrub, linger=False)
        result = await asyncio.wrap_future(deleted)
        await asyncio.wrap_future(scrubbed)  # False was logged (without ids) by scrub
        return result

    def write(self, fn: Callable[_P, object], *args: _P.args, **kwargs: _P.kwargs) -> None:
        """Queue a write and return at once."""
        def run() -> None:
            try:
                fn(*args, **kwargs)
            except Exception as exc:
                self._failed(f"write ({getattr(fn, '__name__', 'call')})", exc)
        self._enqueue(run)

    def _after_writes(self, fn: Callable[_P, _T], *args: _P.args,
                      **kwargs: _P.kwargs) -> Future[_T]:
        future: Future[_T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)
        self._enqueue(run, linger=False)
        return future

    async def call(self, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """Run `fn` in order after the queued writes and wait for it (raises on failure)."""
        return await asyncio.wrap_future(self._after_writes(fn, *args, **kwargs))

    async def call_within(self, timeout: float, fn: Callable[_P, _T], *args: _P.args,
                          **kwargs: _P.kwargs) -> _T | None:
        """`call`, or None (logged) when it fails or takes longer than `timeout` seconds."""
        try:
            return await asyncio.wait_for(self.call(fn, *args, **kwargs), timeout)
        except TimeoutError as exc:
            self._failed("call (timed out)", exc)
        except Exception as exc:
            self._failed(f"call ({getattr(fn, '__name__', 'call')})", exc)
        return None

    async def lookup(self, fn: Callable[_P, _T], *args: _P.args,
                     **kwargs: _P.kwargs) -> tuple[bool, _T | None]:
        """(True, the value) or, when the database fails or is slower than `read_timeout`,
        (False, None)."""
        future = self._reader.submit(fn, *args, **kwargs)
        try:
            return True, await asyncio.wait_for(asyncio.wrap_future(future), self.read_timeout)
        except TimeoutError as exc:
            self._failed("read (timed out)", exc)
        except Exception as exc:
            self._failed(f"read ({getattr(fn, '__name__', 'call')})", exc)
        return False, None

    async def read(self, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | None:
        """A read, or None when the database fails or is slower than `read_timeout`."""
        return (await self.lookup(fn, *args, **kwargs))[1]

    def close(self, timeout: float = 5.0) -> None:
        """Let queued writes finish (up to `timeout` seconds), then close the database."""
        done = threading.Event()
        self._enqueue(done.set, linger=False)
        self._writer.shutdown(wait=False)
        if not done.wait(timeout):
            log.warning("storage: queued writes did not finish within %.0f s", timeout)
        self._reader.shutdown(wait=False)
        try:
            self.storage.close()
        except sqlite3.Error as exc:
            log.warning("storage close failed: %s", exc)
