"""Signed button actions: pack/unpack, the 64-byte limit, tampering."""

from __future__ import annotations

import pytest

from bot.actions import MAX_PACKED_BYTES, Action, ActionError, ActionTooLong

KEY = b"k" * 32


@pytest.mark.parametrize("action", [
    Action("e", "enemo-about", "be"), Action("topics", lang="en"),
    Action("fb", "up:enemo-about", "ru"), Action("e", "enemo-about", "en", ref="Ab3_x-9zQ0Lm"),
    Action("setlang", "be", "en"),
])
def test_round_trip(action: Action) -> None:
    packed = action.pack(KEY)
    assert len(packed.encode()) <= MAX_PACKED_BYTES
    assert Action.unpack(packed, KEY) == action
    assert Action.kind_of(packed) == action.kind


@pytest.mark.parametrize("tamper", [
    lambda p: p.replace("up", "down"), lambda p: p.replace("be|", "en|"),
    lambda p: p[:-1] + ("B" if p.endswith("A") else "A"),
    lambda p: p.rsplit("|", 1)[0], lambda p: "x" + p, lambda p: p + "|extra",
])
def test_tampered_data_is_refused(tamper: object) -> None:
    packed = Action("fb", "up:enemo-about", "be").pack(KEY)
    with pytest.raises(ActionError):
        Action.unpack(tamper(packed), KEY)  # type: ignore[operator]


def test_another_key_is_refused() -> None:
    with pytest.raises(ActionError):
        Action.unpack(Action("e", "x", "en").pack(KEY), b"other" * 8)


@pytest.mark.parametrize("data", ["", "garbage", "🙂" * 16, "en|e:x||", "a|b|c|d|e", "x" * 300])
def test_garbage_is_refused(data: str) -> None:
    with pytest.raises(ActionError):
        Action.unpack(data, KEY)


def test_64_bytes_are_enforced() -> None:
    with pytest.raises(ActionTooLong):
        Action("e", "a" * 48, "en", ref="R" * 12).pack(KEY)
    assert Action("e", "a" * 36, "en", ref="R" * 12).pack(KEY)  # the longest that fits


@pytest.mark.parametrize("fields", [
    {"kind": "E"}, {"kind": "e", "value": "a|b"}, {"kind": "e", "ref": "x" * 13},
    {"kind": "e", "ref": "ü"}, {"kind": "e", "lang": "EN"},
])
def test_invalid_fields_are_refused(fields: dict[str, str]) -> None:
    with pytest.raises(ActionError):
        Action(**fields)
