"""Floods (issue 18, item 5): a per-chat token bucket, in memory only.

A chat may send a burst of `burst` updates, then `per_minute` a minute. Past that, its first
update gets one polite "please slow down" (the transport sends it in the user's language) and
the rest are dropped, neither answered nor stored, until the bucket holds a token again. Only
counts are kept, per chat key, in memory, forgotten at a restart and when the bucket is full.
"""

from __future__ import annotations

import enum
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

# chats remembered at once; the least recently seen go first (their bucket starts full again)
REMEMBERED_CHATS = 100_000


class Verdict(enum.Enum):
    ANSWER = "answer"  # within the limit
    SLOW_DOWN = "slow_down"  # the first past the limit: tell the user, answer nothing else
    DROP = "drop"  # past the limit, already told


@dataclass  # not frozen: updated in place for every update of its chat, on the event loop
class _Bucket:
    tokens: float
    at: float  # when `tokens` was worked out (monotonic seconds)
    warned: bool = False


class FloodGuard:
    """Token buckets per chat key; `admit` is called once per update, in arrival order."""

    def __init__(self, burst: int = 10, per_minute: float = 4.0,
                 clock: Callable[[], float] = time.monotonic,
                 remembered: int = REMEMBERED_CHATS) -> None:
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.remembered = remembered
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()

    def admit(self, key: Hashable) -> Verdict:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.burst, now)
            if len(self._buckets) > self.remembered:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Verdict.ANSWER
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.SLOW_DOWN

    def __len__(self) -> int:
        return len(self._buckets)
