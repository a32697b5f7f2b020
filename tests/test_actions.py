"""Signed button actions: pack/unpack, the 64-byte limit, tampering."""

from __future__ import annotations

import pytest

from bot.conversation.actions import MAX_PACKED_BYTES, Action, ActionError, ActionTooLong

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


@pytest.mark.parametrize(("fields", "message"), [
    ({"kind": "E"}, "invalid action kind: 'E'"),
    ({"kind": "e", "value": "a|b"}, "invalid action value: 'a|b'"),
    ({"kind": "e", "ref": "x" * 13}, "invalid action ref: 'xxxxxxxxxxxxx'"),
    ({"kind": "e", "lang": "EN"}, "invalid action language: 'EN'"),
])
def test_invalid_fields_say_which(fields: dict[str, str], message: str) -> None:
    with pytest.raises(ActionError) as refused:
        Action(**fields)
    assert str(refused.value) == message


def test_why_data_is_refused() -> None:
    packed = Action("e", "x", "en").pack(KEY)
    for data, why in [("x" * 65, "too long"), (packed[:-1] + "?", "bad signature"),
                      ("no separator", "bad signature")]:
        with pytest.raises(ActionError) as refused:
            Action.unpack(data, KEY)
        assert str(refused.value) == why


def test_malformed_but_signed_data_is_refused() -> None:
    from bot.conversation.actions import _sign

    for body in ("en|e:x", "en|e:x|r|extra"):
        with pytest.raises(ActionError) as refused:
            Action.unpack(f"{body}|{_sign(KEY, body)}", KEY)
        assert str(refused.value) == "malformed"


def test_too_long_says_how_long() -> None:
    with pytest.raises(ActionTooLong) as refused:
        Action("e", "a" * 38, "en", ref="R" * 12).pack(KEY)
    assert str(refused.value) == "65 bytes > 64: 'en|e:" + "a" * 38 + "|" + "R" * 12 + "'"


@pytest.mark.parametrize("signature", ["ü" * 8, "🙂", "AAAAAAA\udcff"])
def test_a_non_ascii_signature_is_refused_not_a_crash(signature: str) -> None:
    with pytest.raises(ActionError):
        Action.unpack(f"en|e:enemo-about||{signature}", KEY)


def test_from_route_without_language_or_reference() -> None:
    assert Action.from_route("topics") == Action("topics", "", "", "")
    assert Action.from_route("e:enemo-about") == Action("e", "enemo-about", "", "")
    assert Action.from_route("fb:up:x", "be", "R1") == Action("fb", "up:x", "be", "R1")


@pytest.mark.parametrize("data", ["garbage", "a|b", "a|b|c", "a|b|c|d|e", 42, None])
def test_kind_of_needs_four_fields(data: object) -> None:
    assert Action.kind_of(data) is None
