"""Typed, signed button actions: what a pressed button asks for, packed into 64 bytes.

A transport carries an `Action` as an opaque string (Telegram's callback_data). The string comes
back from the client, so it is user input: `unpack` accepts only what `pack` produced with the same
key, which is what makes a vote or a deletion button impossible to forge or replay into another
meaning.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

# Telegram's InlineKeyboardButton.callback_data: "1-64 bytes".
MAX_PACKED_BYTES = 64
MAX_REF_CHARS = 12
SEP = "|"
_SIG_BYTES = 6  # 48 bits, 8 characters in base64url: forging takes ~10^14 tries via the API

# Kinds beyond the core's browsing routes (e, t, topics, lang, setlang).
VOTE = "fb"
FORGET = "forget"

_LANG_RE = re.compile(r"[a-z]{2,3}")
_KIND_RE = re.compile(r"[a-z]{1,8}")
_VALUE_RE = re.compile(r"[a-z0-9:-]{0,60}")
_REF_RE = re.compile(rf"[A-Za-z0-9_-]{{0,{MAX_REF_CHARS}}}")


class ActionError(ValueError):
    """Data that is not an action this program packed (forged, tampered, stale key, garbage)."""


class ActionTooLong(ActionError):
    """The packed action would not fit in Telegram's 64 bytes."""


@dataclass(frozen=True)
class Action:
    """`kind:value` is the core's route (see Conversation.press); `lang` is the language of the
    message the button sits under; `ref` is an optional opaque token (≤ 12 ASCII characters) a
    feature may attach, e.g. to link a pressed suggestion back to the question it answered."""

    kind: str
    value: str = ""
    lang: str = ""
    ref: str = ""

    def __post_init__(self) -> None:
        for name, regex in (("kind", _KIND_RE), ("value", _VALUE_RE), ("ref", _REF_RE)):
            if not regex.fullmatch(getattr(self, name)):
                raise ActionError(f"invalid action {name}: {getattr(self, name)!r}")
        if self.lang and not _LANG_RE.fullmatch(self.lang):
            raise ActionError(f"invalid action language: {self.lang!r}")

    @classmethod
    def from_route(cls, route: str, lang: str = "", ref: str = "") -> Action:
        """From a core button route, "kind" or "kind:value"."""
        kind, _, value = route.partition(":")
        return cls(kind, value, lang, ref)

    @property
    def route(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind

    def _body(self) -> str:
        return SEP.join((self.lang, self.route, self.ref))

    def pack(self, key: bytes) -> str:
        """`lang|kind:value|ref|signature`; raises ActionTooLong past 64 bytes."""
        body = self._body()
        packed = f"{body}{SEP}{_sign(key, body)}"
        if len(packed.encode()) > MAX_PACKED_BYTES:
            raise ActionTooLong(f"{len(packed.encode())} bytes > {MAX_PACKED_BYTES}: {body!r}")
        return packed

    @classmethod
    def unpack(cls, data: str, key: bytes) -> Action:
        """The action `data` was packed from, or ActionError when it is not authentic."""
        if len(data.encode("utf-8", "replace")) > MAX_PACKED_BYTES:
            raise ActionError("too long")
        body, sep, signature = data.rpartition(SEP)
        if not sep or not hmac.compare_digest(signature.encode("ascii", "replace"),
                                              _sign(key, body).encode()):
            raise ActionError("bad signature")
        parts = body.split(SEP)
        if len(parts) != 3:
            raise ActionError("malformed")
        lang, route, ref = parts
        return cls.from_route(route, lang, ref)

    @staticmethod
    def kind_of(data: object) -> str | None:
        """The kind in packed data, unverified: for routing only, never for trust."""
        if not isinstance(data, str):
            return None
        parts = data.split(SEP)
        return parts[1].partition(":")[0] if len(parts) == 4 else None


def _sign(key: bytes, body: str) -> str:
    digest = hmac.new(key, body.encode(), hashlib.sha256).digest()[:_SIG_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
