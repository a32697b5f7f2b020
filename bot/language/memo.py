"""Bounded memos of pure functions (readings, typo repairs, terms of a text)."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, value: V, bound: int) -> V:
    """Store `value` under `key` and return it; a memo that reached `bound` is emptied first
    (a bound, not an eviction policy: rare, and cheap next to what is remembered)."""
    if len(memo) >= bound:
        memo.clear()
    memo[key] = value
    return value
