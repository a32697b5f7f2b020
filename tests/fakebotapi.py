"""Fake Telegram Bot API HTTP server for end-to-end tests of the bot.

The server speaks the Bot API wire protocol on 127.0.0.1, so a real python-telegram-bot
``Application`` (in the test's event loop or in a subprocess) can be pointed at it through
``base_url``. Every request is validated against the official Bot API spec (``api.json``);
spec violations are collected in ``FakeBotAPI.violations`` and answered with an error, as
Telegram would.

Typical use::

    with FakeBotAPI(spec_path=spec_path_or_skip()) as api:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        ...
        update = api.send_text(api.user(1001), "/start")
        reply = await api.wait_for("sendMessage", update.matches)
        api.assert_no_violations()
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import email.message
import functools
import itertools
import json
import os
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import pytest

__all__ = [
    "DEFAULT_TOKEN",
    "IN_FLIGHT",
    "SPEC_ENV_VAR",
    "Call",
    "FakeBotAPI",
    "HtmlError",
    "Limits",
    "ParsedText",
    "QueuedUpdate",
    "SpecValidator",
    "UploadedFile",
    "WaitTimeout",
    "limits_from_spec",
    "load_spec",
    "parse_html",
    "spec_path_or_none",
    "spec_path_or_skip",
    "utf16_len",
]

JSON = dict[str, Any]
Predicate = Callable[["Call"], bool]

SPEC_ENV_VAR: Final = "TELEGRAM_BOT_API_SPEC"
# Shaped like a real token (<bot id>:<35 characters>) because the bot id is read from it.
DEFAULT_TOKEN: Final = "7000000001:AAFakeTokenForTestsOnly0123456789xy"
DEFAULT_BOT_USERNAME: Final = "electionfaq_bot"

# Update types Telegram leaves out when allowed_updates is empty or was never set (getUpdates
# spec: "...receive all update types except chat_member, message_reaction, and
# message_reaction_count (default)").
_NOT_DELIVERED_BY_DEFAULT: Final = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
# Telegram caps long polling; capping here also bounds how long a handler thread can linger.
_MAX_POLL_TIMEOUT: Final = 50.0


# Where the spec lies when the checkout has the project's shared materials beside it (as CI and
# the developers' machines do): a plain `pytest` then validates against it too.
SHARED_SPEC = Path(__file__).resolve().parent.parent.parent / "shared/telegram-bot-api/api.json"


def _spec_setting() -> str:
    value = os.environ.get(SPEC_ENV_VAR, "").strip()
    return value or (str(SHARED_SPEC) if SHARED_SPEC.is_file() else "")


def spec_path_or_none() -> Path | None:
    """The Bot API spec from $TELEGRAM_BOT_API_SPEC (or ../shared beside the checkout), or None:
    the fake then serves as usual and only the checks against the spec are left out (Telegram's
    documented limits still apply)."""
    value = _spec_setting()
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise FileNotFoundError(f"{SPEC_ENV_VAR}={value} does not name a readable file")
    return path


def spec_path_or_skip() -> Path:
    """The Bot API spec path ($TELEGRAM_BOT_API_SPEC or ../shared), or skip the calling test."""
    value = _spec_setting()
    if not value:
        pytest.skip(
            f"{SPEC_ENV_VAR} is not set and {SHARED_SPEC} does not exist: point it at the Bot "
            "API spec JSON (api.json) to run the spec-validation tests"
        )
    path = Path(value)
    if not path.is_file():
        pytest.skip(f"{SPEC_ENV_VAR}={value} does not name a readable file")
    return path


@functools.lru_cache(maxsize=4)
def _load_spec_cached(path: str) -> Mapping[str, Any]:
    with open(path, encoding="utf-8") as fh:
        spec = json.load(fh)
    if not isinstance(spec, dict) or "methods" not in spec or "types" not in spec:
        raise ValueError(f"{path} is not a Bot API spec (expected keys 'methods' and 'types')")
    return spec


def load_spec(path: str | os.PathLike[str]) -> Mapping[str, Any]:
    """Load (and cache) the Bot API spec JSON; treat the result as read-only."""
    return _load_spec_cached(str(Path(path).resolve()))


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------------
# Limits. This is the one place where limits live; each value comes from the spec text named
# next to it. ``limits_from_spec`` re-derives them from the spec's descriptions, so a spec
# change that moves a limit fails loudly instead of silently validating against stale numbers.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Limits enforced by the validator (inclusive ranges)."""

    # methods.sendMessage.text: "1-4096 characters after entities parsing"
    message_text: tuple[int, int] = (1, 4096)
    # methods.editMessageText.text: "1-4096 characters after entity parsing"
    edited_text: tuple[int, int] = (1, 4096)
    # types.InputTextMessageContent.message_text: "1-4096 characters"
    input_message_text: tuple[int, int] = (1, 4096)
    # methods.sendPhoto.caption: "0-1024 characters after entities parsing" (applied to every
    # method's caption)
    caption: tuple[int, int] = (0, 1024)
    # types.InlineKeyboardButton.callback_data: "1-64 bytes"
    callback_data_bytes: tuple[int, int] = (1, 64)
    # methods.answerCallbackQuery.text: "0-200 characters"
    callback_answer_text: tuple[int, int] = (0, 200)
    # methods.answerInlineQuery (description): "No more than 50 results per query are allowed."
    inline_results_max: int = 50
    # types.InlineQueryResultArticle.id: "1-64 Bytes"
    inline_result_id_bytes: tuple[int, int] = (1, 64)
    # methods.answerInlineQuery.next_offset: "Offset length can't exceed 64 bytes."
    inline_next_offset_bytes: int = 64
    # methods.setMyCommands.commands: "At most 100 commands can be specified."
    commands_max: int = 100
    # types.BotCommand.command: "1-32 characters. Can contain only lowercase English letters,
    # digits and underscores." (the character class is _COMMAND_RE below)
    command_length: tuple[int, int] = (1, 32)
    # types.BotCommand.description: "1-256 characters"
    command_description: tuple[int, int] = (1, 256)
    # types.InlineKeyboardButton (description): "Exactly one of the fields other than text,
    # icon_custom_emoji_id, and style must be used to specify the type of the button."
    button_non_action_fields: frozenset[str] = frozenset({"text", "icon_custom_emoji_id", "style"})
    # methods.sendChatAction.action: "typing for text messages, upload_photo for photos, ..."
    chat_actions: frozenset[str] = frozenset(
        {
            "typing",
            "upload_photo",
            "record_video",
            "upload_video",
            "record_voice",
            "upload_voice",
            "upload_document",
            "choose_sticker",
            "find_location",
            "record_video_note",
            "upload_video_note",
        }
    )


# Where each numeric Limits field is read from: "methods.<name>[.<field>]" or
# "types.<name>[.<field>]", and the regex applied to that description.
_RANGE_CHARS: Final = r"(\d+)-(\d+) characters"
_RANGE_BYTES: Final = r"(\d+)-(\d+) bytes"
_LIMIT_SOURCES: Final[dict[str, tuple[str, str]]] = {
    "message_text": ("methods.sendMessage.text", _RANGE_CHARS),
    "edited_text": ("methods.editMessageText.text", _RANGE_CHARS),
    "input_message_text": ("types.InputTextMessageContent.message_text", _RANGE_CHARS),
    "caption": ("methods.sendPhoto.caption", _RANGE_CHARS),
    "callback_data_bytes": ("types.InlineKeyboardButton.callback_data", _RANGE_BYTES),
    "callback_answer_text": ("methods.answerCallbackQuery.text", _RANGE_CHARS),
    "inline_results_max": ("methods.answerInlineQuery", r"No more than (\d+) results"),
    "inline_result_id_bytes": ("types.InlineQueryResultArticle.id", _RANGE_BYTES),
    "inline_next_offset_bytes": ("methods.answerInlineQuery.next_offset", r"exceed (\d+) bytes"),
    "commands_max": ("methods.setMyCommands.commands", r"At most (\d+) commands"),
    "command_length": ("types.BotCommand.command", _RANGE_CHARS),
    "command_description": ("types.BotCommand.description", _RANGE_CHARS),
}
# types.BotCommand.command: "Can contain only lowercase English letters, digits and underscores."
_COMMAND_RE: Final = re.compile(r"[a-z0-9_]+")
# setMyCommands/getMyCommands/deleteMyCommands.language_code: "A two-letter ISO 639-1 language
# code. If empty, ..."
_LANGUAGE_CODE_RE: Final = re.compile(r"(?:[a-z]{2})?")


class SpecError(ValueError):
    """The spec does not contain a description the fake relies on."""


def _spec_description(spec: Mapping[str, Any], where: str) -> str:
    kind, name, *rest = where.split(".")
    entry = spec[kind].get(name)
    if entry is None:
        raise SpecError(f"{where}: {kind[:-1]} {name!r} is not in the spec")
    if not rest:
        return " ".join(entry.get("description", []))
    for fld in entry.get("fields", []):
        if fld["name"] == rest[0]:
            return str(fld["description"])
    raise SpecError(f"{where}: field {rest[0]!r} is not in the spec")


def limits_from_spec(spec: Mapping[str, Any]) -> Limits:
    """Derive every Limits value from the spec descriptions; raise SpecError if one is missing."""
    values: dict[str, Any] = {}
    for attr, (where, pattern) in _LIMIT_SOURCES.items():
        description = _spec_description(spec, where)
        match = re.search(pattern, description, re.IGNORECASE)
        if match is None:
            raise SpecError(f"{where}: no {pattern!r} in {description!r}")
        numbers = tuple(int(g) for g in match.groups())
        values[attr] = numbers[0] if len(numbers) == 1 else numbers

    where = "types.InlineKeyboardButton"
    description = _spec_description(spec, where)
    match = re.search(r"fields other than (.+?) must be used", description)
    if match is None:
        raise SpecError(f"{where}: cannot find which fields are not button actions")
    values["button_non_action_fields"] = frozenset(re.findall(r"[a-z_]+", match.group(1))) - {"and"}

    where = "methods.sendChatAction.action"
    description = _spec_description(spec, where)
    actions = frozenset(re.findall(r"\b([a-z]+(?:_[a-z]+)*) (?=for |or )", description))
    if "typing" not in actions:
        raise SpecError(f"{where}: cannot extract the chat actions from {description!r}")
    values["chat_actions"] = actions
    return Limits(**values)


# --------------------------------------------------------------------------------------------
# HTML parse mode
# --------------------------------------------------------------------------------------------


class HtmlError(ValueError):
    """Text is not valid Telegram HTML."""


@dataclass(frozen=True)
class ParsedText:
    """Plain text and entities (UTF-16 offsets) that Telegram derives from formatted text."""

    text: str
    entities: list[JSON]


# Tags from the "HTML style" section of the Bot API formatting options, mapped to entity types.
# tg-time is included because this spec version has the date_time entity it produces.
_HTML_TAGS: Final[dict[str, str]] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
# Formatting rules: "bold, italic, underline, strikethrough, and spoiler entities can contain
# and can be part of any other entities, except pre and code"; "blockquote and
# expandable_blockquote entities can't be nested"; "All other entities can't contain each
# other."
_FREE_NESTING: Final = frozenset({"bold", "italic", "underline", "strikethrough", "spoiler"})
_BLOCKQUOTES: Final = frozenset({"blockquote", "expandable_blockquote"})
_TAG_RE: Final = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z][A-Za-z0-9_-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>]+))?)*)"
    r"\s*(/?)>"
)
_ATTR_RE: Final = re.compile(
    r"([A-Za-z][A-Za-z0-9_-]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'<>]+))?"
)
# Only &lt; &gt; &amp; &quot; and numeric character references are supported by Telegram.
_ENTITY_RE: Final = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAMED_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _decode_entity(match: re.Match[str]) -> str:
    named, dec, hexa = match.groups()
    if named:
        return _NAMED_ENTITIES[named]
    code = int(dec) if dec else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HtmlError(f"invalid numeric character reference {match.group(0)}")
    return chr(code)


def _unescape_attr(value: str) -> str:
    if value[:1] in {'"', "'"}:
        value = value[1:-1]
    out: list[str] = []
    pos = 0
    for match in _ENTITY_RE.finditer(value):
        out.append(value[pos : match.start()])
        out.append(_decode_entity(match))
        pos = match.end()
    out.append(value[pos:])
    return "".join(out)


@dataclass
class _OpenTag:
    tag: str
    entity: JSON
    start: int
    merged_into_pre: bool = False


def _html_entity_for(tag: str, attrs: dict[str, str], stack: list[_OpenTag]) -> _OpenTag:
    entity: JSON = {"type": _HTML_TAGS[tag]}
    merged = False
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlError('<span> must have class="tg-spoiler"')
    if tag == "a":
        if not attrs.get("href"):
            raise HtmlError("<a> needs a non-empty href attribute")
        entity["url"] = attrs["href"]
    if tag == "tg-emoji":
        if not attrs.get("emoji-id"):
            raise HtmlError("<tg-emoji> needs an emoji-id attribute")
        entity["custom_emoji_id"] = attrs["emoji-id"]
    if tag == "tg-time":
        if not attrs.get("unix", "").isdigit():
            raise HtmlError("<tg-time> needs a numeric unix attribute")
        entity["unix_time"] = int(attrs["unix"])
        if attrs.get("format"):
            entity["date_time_format"] = attrs["format"]
    if tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"

    kinds = [open_tag.entity["type"] for open_tag in stack]
    if tag == "code" and stack and stack[-1].tag == "pre":
        # <pre><code class="language-x"> is how a pre block gets its language; it becomes one
        # entity, not a code entity inside a pre entity.
        merged = True
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].entity["language"] = language.removeprefix("language-")
    elif "pre" in kinds or "code" in kinds:
        raise HtmlError(f"<{tag}> inside <pre>/<code>: these entities can't contain others")
    elif entity["type"] in _BLOCKQUOTES and any(k in _BLOCKQUOTES for k in kinds):
        raise HtmlError("blockquote entities can't be nested")
    elif entity["type"] not in _FREE_NESTING | _BLOCKQUOTES:
        clash = [k for k in kinds if k not in _FREE_NESTING | _BLOCKQUOTES]
        if clash:
            raise HtmlError(f"<{tag}> ({entity['type']}) can't be nested inside {clash[-1]}")
    return _OpenTag(tag, entity, 0, merged)


def parse_html(source: str) -> ParsedText:
    """Parse text with parse_mode=HTML the way Telegram does, raising HtmlError if invalid."""
    out: list[str] = []
    offset = 0  # UTF-16 offset of the next output character
    stack: list[_OpenTag] = []
    entities: list[JSON] = []

    def emit(chunk: str) -> None:
        nonlocal offset
        out.append(chunk)
        offset += utf16_len(chunk)

    pos = 0
    while pos < len(source):
        char = source[pos]
        if char == "<":
            match = _TAG_RE.match(source, pos)
            if match is None:
                raise HtmlError(f"unescaped '<' at character {pos} (write &lt;)")
            closing, raw_name, raw_attrs, self_closing = match.groups()
            tag = raw_name.lower()  # Telegram matches tag names case-insensitively
            if closing:
                if raw_attrs.strip() or self_closing:
                    raise HtmlError(f"end tag </{tag}> can't have attributes")
                if not stack:
                    raise HtmlError(f"unexpected end tag </{tag}> at character {pos}")
                open_tag = stack.pop()
                if open_tag.tag != tag:
                    raise HtmlError(
                        f"unmatched end tag </{tag}> at character {pos}, expected </{open_tag.tag}>"
                    )
                length = offset - open_tag.start
                if length > 0 and not open_tag.merged_into_pre:
                    entities.append({**open_tag.entity, "offset": open_tag.start, "length": length})
            else:
                if tag not in _HTML_TAGS:
                    raise HtmlError(f"unsupported start tag <{tag}> at character {pos}")
                if self_closing:
                    raise HtmlError(f"self-closing tag <{tag}/> is not supported")
                attrs = {
                    name.lower(): _unescape_attr(value) if value else ""
                    for name, value in _ATTR_RE.findall(raw_attrs)
                }
                open_tag = _html_entity_for(tag, attrs, stack)
                open_tag.start = offset
                stack.append(open_tag)
            pos = match.end()
        elif char == ">":
            raise HtmlError(f"unescaped '>' at character {pos} (write &gt;)")
        elif char == "&":
            match = _ENTITY_RE.match(source, pos)
            if match is None:
                raise HtmlError(
                    f"unescaped '&' or unsupported entity at character {pos} "
                    "(only &lt; &gt; &amp; &quot; and numeric references are allowed)"
                )
            emit(_decode_entity(match))
            pos = match.end()
        else:
            emit(char)
            pos += 1
    if stack:
        raise HtmlError(f"unclosed start tag <{stack[-1].tag}>")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


# MarkdownV2 characters that must always be escaped outside code and link URLs because they are
# never markup (formatting options, "MarkdownV2 style").
_MDV2_NEVER_MARKUP: Final = frozenset("#+-={}.!")


def _markdown_plain(text: str, v2: bool) -> tuple[str, list[str]]:
    """Approximate the visible text of Markdown(V2) and find unescaped reserved characters."""
    problems: list[str] = []
    markup = "*_~|`[]" if v2 else "*_`[]"
    out: list[str] = []
    pos = 0
    in_code = False
    while pos < len(text):
        char = text[pos]
        if v2 and char == "\\" and pos + 1 < len(text):
            out.append(text[pos + 1])
            pos += 2
            continue
        if char == "`":
            in_code = not in_code
            pos += 1
            continue
        if not in_code and text.startswith("](", pos):
            # A link or custom emoji target: not visible, skip to the closing parenthesis.
            end = text.find(")", pos)
            pos = len(text) if end < 0 else end + 1
            continue
        custom_emoji = char == "!" and text.startswith("[", pos + 1)  # ![x](tg://emoji?id=...)
        if v2 and not in_code and not custom_emoji and (char in _MDV2_NEVER_MARKUP or char in "()"):
            problems.append(
                f"character {char!r} at {pos} is reserved and must be escaped with '\\'"
            )
        if in_code or char not in markup:
            out.append(char)
        pos += 1
    return "".join(out), problems


# --------------------------------------------------------------------------------------------
# Spec validation
# --------------------------------------------------------------------------------------------

_PRIMITIVES: Final = frozenset({"Integer", "Float", "Boolean", "String", "True"})
_REQUIRED_IF_RE: Final = re.compile(
    r"[Rr]equired if ([a-z_]+(?: and [a-z_]+)?) (?:is|are)(?:n't| not) specified"
)
_DISCRIMINATOR_RE: Final = re.compile(r"(?:must be|always) [\"“]?([a-z_]+)")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart/form-data request."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Number of bytes uploaded."""
        return len(self.data)


class SpecValidator:
    """Checks requests and JSON values against the Bot API spec and Telegram's limits."""

    def __init__(self, spec: Mapping[str, Any] | None) -> None:
        self.spec = spec
        self.version: str | None = spec.get("version") if spec else None
        self.methods: dict[str, Mapping[str, Any]] = (
            {name.lower(): entry for name, entry in spec["methods"].items()} if spec else {}
        )
        self.types: Mapping[str, Any] = spec["types"] if spec else {}
        self.limits = limits_from_spec(spec) if spec else Limits()

    def canonical_method(self, name: str) -> str | None:
        """Spec spelling of a method name (Bot API method names are case-insensitive)."""
        entry = self.methods.get(name.lower())
        return str(entry["name"]) if entry else None

    def field_types(self, method: str, name: str) -> list[str] | None:
        """Spec types of a method parameter, or None if unknown."""
        entry = self.methods.get(method.lower())
        for fld in (entry or {}).get("fields", []):
            if fld["name"] == name:
                return list(fld["types"])
        return None

    def returns(self, method: str) -> list[str]:
        """Spec return types of a method."""
        entry = self.methods.get(method.lower())
        return list(entry.get("returns", [])) if entry else []

    # ---- requests ------------------------------------------------------------------------

    def validate(self, method: str, params: Mapping[str, Any]) -> list[str]:
        """All violations of one request (params already decoded)."""
        problems: list[str] = []
        if self.spec is not None:
            entry = self.methods.get(method.lower())
            if entry is None:
                return [f"{method}: method does not exist in the Bot API spec"]
            problems += self._check_fields(method, entry.get("fields", []), params, method)
        problems += self._check_semantics(method, params)
        return problems

    def _check_fields(
        self, owner: str, spec_fields: list[Mapping[str, Any]], value: Mapping[str, Any], where: str
    ) -> list[str]:
        problems: list[str] = []
        known = {str(f["name"]): f for f in spec_fields}
        for name, fld in known.items():
            if name in value:
                continue
            if fld["required"]:
                problems.append(f"{where}: required field {name!r} is missing")
                continue
            conditional = _REQUIRED_IF_RE.search(str(fld["description"]))
            if conditional:
                others = conditional.group(1).split(" and ")
                if all(other not in value for other in others):
                    problems.append(
                        f"{where}: field {name!r} is required when {' and '.join(others)} "
                        f"{'is' if len(others) == 1 else 'are'} not specified"
                    )
        for name, item in value.items():
            if name not in known:
                problems.append(f"{where}: field {name!r} is not in the spec of {owner}")
            elif item is not None:
                problems += self.check_value(item, list(known[name]["types"]), f"{where}.{name}")
        return problems

    def check_value(self, value: Any, types: list[str], where: str) -> list[str]:
        """Violations of a value against alternative spec types (e.g. ["Integer", "String"])."""
        best: list[str] | None = None
        for type_name in types:
            problems = self._check_one(value, type_name, where)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        return best or []

    def _check_one(self, value: Any, type_name: str, where: str) -> list[str]:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{where}: expected {type_name}, got {type(value).__name__}"]
            inner = type_name.removeprefix("Array of ")
            problems: list[str] = []
            for index, item in enumerate(value):
                problems += self._check_one(item, inner, f"{where}[{index}]")
            return problems
        ok: bool
        if type_name == "Integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif type_name == "Float":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif type_name in {"Boolean", "True"}:
            ok = isinstance(value, bool)
        elif type_name == "String":
            ok = isinstance(value, str)
        elif type_name == "InputFile":
            ok = isinstance(value, UploadedFile | str)
        else:
            return self._check_object(value, type_name, where)
        return [] if ok else [f"{where}: expected {type_name}, got {value!r:.60}"]

    def _check_object(self, value: Any, type_name: str, where: str) -> list[str]:
        entry = self.types.get(type_name)
        if entry is None:
            return []  # a type this spec version does not define: nothing to check against
        if not isinstance(value, dict):
            return [f"{where}: expected {type_name} object, got {value!r:.60}"]
        subtypes = entry.get("subtypes")
        if subtypes:
            return self._check_union(value, list(subtypes), where)
        if "fields" not in entry:
            return []  # placeholder types such as CallbackGame carry no fields
        return self._check_fields(type_name, entry["fields"], value, where)

    def _check_union(self, value: JSON, subtypes: list[str], where: str) -> list[str]:
        best: list[str] | None = None
        for subtype in subtypes:
            sub_fields = self.types.get(subtype, {}).get("fields", [])
            if sub_fields and not self._discriminator_matches(sub_fields, value):
                continue
            problems = self._check_object(value, subtype, f"{where}<{subtype}>")
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        return best or [f"{where}: matches none of {', '.join(subtypes)}"]

    @staticmethod
    def _discriminator_matches(sub_fields: list[Mapping[str, Any]], value: JSON) -> bool:
        """Whether the constant field (e.g. type "article") of a union member matches value."""
        first = sub_fields[0]
        match = _DISCRIMINATOR_RE.search(str(first["description"]))
        if match is None or first["types"] != ["String"]:
            return True
        return value.get(first["name"]) == match.group(1)

    # ---- rules that live in descriptions rather than in field lists ---------------------

    def _check_semantics(self, method: str, params: Mapping[str, Any]) -> list[str]:
        lim = self.limits
        problems: list[str] = []
        name = method.lower()
        if name == "sendmessage" or (name == "editmessagetext" and "text" in params):
            bounds = lim.message_text if name == "sendmessage" else lim.edited_text
            problems += self.check_formatted(
                params.get("text"), params.get("parse_mode"), bounds, f"{method}.text"
            )
        if "caption" in params:
            problems += self.check_formatted(
                params["caption"], params.get("parse_mode"), lim.caption, f"{method}.caption"
            )
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            problems += self.check_inline_keyboard(markup, f"{method}.reply_markup")
        if name == "answercallbackquery" and isinstance(params.get("text"), str):
            problems += _check_length(
                params["text"], lim.callback_answer_text, f"{method}.text", "characters"
            )
        if name == "answerinlinequery":
            problems += self._check_inline_results(params, method)
        if name == "setmycommands":
            problems += self._check_commands(params.get("commands"), method)
        if name in {"setmycommands", "getmycommands", "deletemycommands"}:
            code = params.get("language_code")
            if isinstance(code, str) and not _LANGUAGE_CODE_RE.fullmatch(code):
                problems.append(
                    f"{method}.language_code: {code!r} is not a two-letter ISO 639-1 code"
                )
        if name == "sendchataction":
            action = params.get("action")
            if isinstance(action, str) and action not in lim.chat_actions:
                problems.append(
                    f"{method}.action: {action!r} is not one of "
                    f"{', '.join(sorted(lim.chat_actions))}"
                )
        return problems

    def check_formatted(
        self, text: Any, parse_mode: Any, bounds: tuple[int, int], where: str
    ) -> list[str]:
        """Validate formatted text: markup syntax and length after entities parsing."""
        if not isinstance(text, str):
            return []  # missing/mistyped text is reported by the field checks
        mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
        problems: list[str] = []
        if mode == "html":
            try:
                plain = parse_html(text).text
            except HtmlError as exc:
                return [f"{where}: can't parse entities: {exc}"]
        elif mode in {"markdownv2", "markdown"}:
            plain, markdown_problems = _markdown_plain(text, v2=mode == "markdownv2")
            problems += [f"{where}: can't parse entities: {p}" for p in markdown_problems]
        elif mode == "":
            plain = text
        else:
            return [f"{where}: unsupported parse_mode {parse_mode!r}"]
        # Telegram trims surrounding whitespace before checking; it counts characters.
        return problems + _check_length(
            plain.strip(), bounds, where, "characters after entities parsing"
        )

    def check_inline_keyboard(self, markup: JSON, where: str) -> list[str]:
        """Validate callback_data sizes and the one-action-per-button rule."""
        problems: list[str] = []
        rows = markup.get("inline_keyboard")
        if not isinstance(rows, list):
            return problems
        for r, row in enumerate(rows):
            for c, button in enumerate(row if isinstance(row, list) else []):
                if not isinstance(button, dict):
                    continue
                here = f"{where}.inline_keyboard[{r}][{c}]"
                actions = sorted(set(button) - self.limits.button_non_action_fields)
                if len(actions) != 1:
                    detail = ", ".join(actions) if actions else "none"
                    problems.append(
                        f"{here}: a button needs exactly one action field, has {detail}"
                    )
                data = button.get("callback_data")
                if isinstance(data, str):
                    problems += _check_length(
                        data, self.limits.callback_data_bytes, f"{here}.callback_data", "bytes"
                    )
        return problems

    def _check_inline_results(self, params: Mapping[str, Any], method: str) -> list[str]:
        lim = self.limits
        problems: list[str] = []
        results = params.get("results")
        if isinstance(results, list):
            if len(results) > lim.inline_results_max:
                problems.append(
                    f"{method}.results: {len(results)} results, at most "
                    f"{lim.inline_results_max} are allowed"
                )
            seen: set[str] = set()
            for index, result in enumerate(results):
                if not isinstance(result, dict):
                    continue
                here = f"{method}.results[{index}]"
                result_id = result.get("id")
                if isinstance(result_id, str):
                    problems += _check_length(
                        result_id, lim.inline_result_id_bytes, f"{here}.id", "bytes"
                    )
                    if result_id in seen:
                        problems.append(f"{here}.id: duplicate result id {result_id!r}")
                    seen.add(result_id)
                markup = result.get("reply_markup")
                if isinstance(markup, dict):
                    problems += self.check_inline_keyboard(markup, f"{here}.reply_markup")
                content = result.get("input_message_content")
                if isinstance(content, dict) and "message_text" in content:
                    problems += self.check_formatted(
                        content["message_text"],
                        content.get("parse_mode"),
                        lim.input_message_text,
                        f"{here}.input_message_content.message_text",
                    )
        offset = params.get("next_offset")
        if isinstance(offset, str) and len(offset.encode()) > lim.inline_next_offset_bytes:
            problems.append(
                f"{method}.next_offset: {len(offset.encode())} bytes, at most "
                f"{lim.inline_next_offset_bytes} are allowed"
            )
        return problems

    def _check_commands(self, commands: Any, method: str) -> list[str]:
        lim = self.limits
        if not isinstance(commands, list):
            return []
        problems: list[str] = []
        if len(commands) > lim.commands_max:
            problems.append(
                f"{method}.commands: {len(commands)} commands, at most {lim.commands_max} allowed"
            )
        for index, command in enumerate(commands):
            if not isinstance(command, dict):
                continue
            here = f"{method}.commands[{index}]"
            name = command.get("command")
            if isinstance(name, str):
                problems += _check_length(name, lim.command_length, f"{here}.command", "characters")
                if name and not _COMMAND_RE.fullmatch(name):
                    problems.append(
                        f"{here}.command: {name!r} may contain only lowercase English letters, "
                        "digits and underscores"
                    )
            description = command.get("description")
            if isinstance(description, str):
                problems += _check_length(
                    description, lim.command_description, f"{here}.description", "characters"
                )
        return problems


def _check_length(value: str, bounds: tuple[int, int], where: str, unit: str) -> list[str]:
    size = len(value.encode()) if unit == "bytes" else len(value)
    low, high = bounds
    if size < low:
        return [f"{where}: is empty" if size == 0 else f"{where}: {size} {unit}, minimum {low}"]
    if size > high:
        return [f"{where}: too long: {size} {unit}, maximum {high}"]
    return []


# --------------------------------------------------------------------------------------------
# Recorded calls and queued updates
# --------------------------------------------------------------------------------------------


# The status of a getUpdates call recorded on arrival whose long poll has not returned yet.
IN_FLIGHT = 0


@dataclass(frozen=True)
class Call:
    """One request the bot made, with decoded params and the HTTP status it got (IN_FLIGHT
    while a getUpdates long poll is still waiting)."""

    method: str
    params: dict[str, Any]
    status: int
    result: Any = None
    description: str | None = None
    seq: int = 0
    # How the parameters arrived: "urlencoded", "multipart", "json" or "" (query string/none).
    encoding: str = ""
    # When the fake recorded the call (time.monotonic()).
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        """Whether the request succeeded."""
        return 200 <= self.status < 300


@dataclass(frozen=True)
class QueuedUpdate:
    """An update queued for the bot, with what is needed to recognise the bot's reaction."""

    update_id: int
    update: JSON
    chat_id: int | None = None
    message: JSON | None = None
    callback_query_id: str | None = None
    inline_query_id: str | None = None

    def matches(self, call: Call) -> bool:
        """Whether a call reacts to this update (same chat, callback query or inline query)."""
        params = call.params
        if self.callback_query_id is not None and "callback_query_id" in params:
            return str(params["callback_query_id"]) == self.callback_query_id
        if self.inline_query_id is not None:
            return str(params.get("inline_query_id")) == self.inline_query_id
        return self.chat_id is not None and str(params.get("chat_id")) == str(self.chat_id)


class WaitTimeout(AssertionError):
    """wait_for gave up: the bot did not make the expected call in time."""


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None


@dataclass
class _Outage:
    """Every call of a method (or of all methods, "*") fails until ``until`` (monotonic)."""

    method: str
    failure: _Failure
    until: float


_DEFAULT_ERRORS: Final[dict[int, str]] = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD: Final = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
_PATH_RE: Final = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?$")
_COMMAND_ENTITY_RE: Final = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION_RE: Final = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
_LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


def _without_reply(message: JSON) -> JSON:
    """A message as it appears nested in reply_to_message (Telegram nests only one level)."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


# How long a stopping server still reads requests already on their way (see FakeBotAPI.stop).
STOP_GRACE = 0.25

class FakeBotAPI:
    """A Telegram Bot API stand-in running on 127.0.0.1 in a background thread."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        spec_path: str | os.PathLike[str] | None = None,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = "Election FAQ",
    ) -> None:
        self._token = token
        self._validator = SpecValidator(load_spec(spec_path) if spec_path is not None else None)
        bot_id = _as_int(token.split(":", 1)[0]) or 7000000001
        self._bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._lock = threading.Condition(threading.RLock())
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._webhook_thread: threading.Thread | None = None
        self._stopping = False
        self._connections: set[socket.socket] = set()

        self._calls: list[Call] = []
        self._consumed: set[int] = set()
        self._violations: list[str] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._outages: list[_Outage] = []
        self._delays: dict[str, deque[float]] = {}
        self._response_delay = threading.local()
        self._port: int | None = None
        self._refusing_until = 0.0
        self._again: list[JSON] = []

        self._updates: list[JSON] = []  # pending (unconfirmed) updates, ascending update_id
        self._next_update_id = 800_000_001
        self._delivered: set[int] = set()
        self._dropped: list[JSON] = []
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self._webhook: JSON | None = None
        self._webhook_error: tuple[int, str] | None = None

        self._chats: dict[int, JSON] = {}
        self._private_users: set[int] = set()  # users who started a private chat
        self._group_users: set[int] = set()
        self._messages: dict[tuple[int, int], JSON] = {}
        self._bot_message_keys: list[tuple[int, int]] = []
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._query_ids = itertools.count(5_730_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._callback_queries: dict[str, bool] = {}  # id -> answered
        self._inline_queries: dict[str, bool] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._menu_buttons: dict[int | None, JSON] = {}

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> Self:
        """Bind to an OS-assigned port on 127.0.0.1 and serve in daemon threads."""
        if self._server is not None:
            raise RuntimeError("FakeBotAPI is already running")
        self._stopping = False
        self._server = _Server(self, self._port or 0)
        self._port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},  # shutdown() waits up to one interval
            name="FakeBotAPI",
            daemon=True,
        )
        self._thread.start()
        self._webhook_thread = threading.Thread(
            target=self._webhook_loop, name="FakeBotAPI-webhook", daemon=True
        )
        self._webhook_thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; returns promptly even while long polls are waiting."""
        server = self._server
        if server is None:
            return
        with self._lock:
            self._stopping = True
            self._lock.notify_all()  # wakes long polls and the webhook thread
        server.shutdown()
        # Stop listening at once, as a server going away does: connections made from here on are
        # refused. Those already accepted by the kernel are served like the open ones below, not
        # left in the backlog to be reset later (that would lose requests no real server lost).
        self._drain_backlog(server)
        server.socket.close()
        with self._lock:
            connections = list(self._connections)
        # Keep-alive connections would otherwise keep serving requests after stop(). First a
        # FIN, as a server going away sends: a client checks its pooled connections and opens a
        # new one (refused) instead; a request already on its way is still read and recorded,
        # though its answer cannot be sent — a request that reached Telegram. Then close.
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_WR)
        if connections:
            time.sleep(STOP_GRACE)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        for thread in (self._thread, self._webhook_thread):
            if thread is not None:
                thread.join(timeout=2)
        self._server = None
        self._thread = None
        self._webhook_thread = None

    def _drain_backlog(self, server: _Server) -> None:
        server.socket.setblocking(False)
        while True:
            try:
                request, address = server.get_request()
            except OSError:  # BlockingIOError: the backlog is empty
                return
            self._track(request)  # before stop() takes its list of open connections
            server.process_request(request, address)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        # Deliberately without the token.
        state = f"serving on {self.url}" if self._server else "stopped"
        return f"<FakeBotAPI @{self.bot_username} {state}>"

    # ---- properties ----------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        if self._server is None:
            raise RuntimeError("FakeBotAPI is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Root URL, e.g. http://127.0.0.1:PORT."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """Value for PTB's base_url (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def token(self) -> str:
        """The token requests must use."""
        return self._token

    @property
    def bot_user(self) -> JSON:
        """The User object getMe returns."""
        return dict(self._bot_user)

    @property
    def bot_username(self) -> str:
        """The bot's username (without @)."""
        return str(self._bot_user["username"])

    @property
    def validator(self) -> SpecValidator:
        """The spec validator (also usable on its own, e.g. to check JSON values)."""
        return self._validator

    @property
    def limits(self) -> Limits:
        """Limits in force (from the spec when one was given)."""
        return self._validator.limits

    @property
    def calls(self) -> list[Call]:
        """All recorded calls, oldest first (a snapshot)."""
        with self._lock:
            return list(self._calls)

    @property
    def violations(self) -> list[str]:
        """Spec violations seen so far (a snapshot)."""
        with self._lock:
            return list(self._violations)

    @property
    def dropped_updates(self) -> list[JSON]:
        """Updates discarded because the bot's allowed_updates excluded their type."""
        with self._lock:
            return list(self._dropped)

    @property
    def webhook(self) -> JSON | None:
        """The webhook set by the bot (url, secret_token, ...), or None."""
        with self._lock:
            return dict(self._webhook) if self._webhook else None

    def assert_no_violations(self) -> None:
        """Fail if any request violated the spec."""
        problems = self.violations
        if problems:
            listing = "\n  ".join(problems)
            raise AssertionError(f"{len(problems)} Bot API violation(s):\n  {listing}")

    # ---- users, chats and queued updates -------------------------------------------------

    @staticmethod
    def user(
        id: int,
        first_name: str = "Test",
        language_code: str | None = "en",
        username: str | None = None,
        *,
        last_name: str | None = None,
    ) -> JSON:
        """A Telegram User object for a human user."""
        user: JSON = {"id": id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        return user

    @staticmethod
    def group(
        id: int = -1001234567890,
        title: str = "Test group",
        type: str = "supergroup",
    ) -> JSON:
        """A Telegram Chat object for a group or supergroup."""
        return {"id": id, "type": type, "title": title}

    def register_chat(self, chat: JSON) -> None:
        """Make a chat known, as if the user had started the bot (needed to message it)."""
        with self._lock:
            self._chats[int(chat["id"])] = dict(chat)
            if chat.get("type") == "private":
                self._private_users.add(int(chat["id"]))

    def send_text(
        self,
        user: JSON,
        text: str,
        chat: JSON | None = None,
        *,
        reply_to_bot: bool = False,
        reply_to: JSON | None = None,
        entities: list[JSON] | None = None,
    ) -> QueuedUpdate:
        """Queue a text message; bot_command/mention entities are generated automatically."""
        extra: JSON = {"text": text}
        found = self._auto_entities(text) if entities is None else entities
        if found:
            extra["entities"] = found
        return self._queue_message(user, chat, extra, reply_to_bot=reply_to_bot, reply_to=reply_to)

    def send_sticker(self, user: JSON, chat: JSON | None = None, emoji: str = "👍") -> QueuedUpdate:
        """Queue a sticker message."""
        n = next(self._file_ids)
        sticker: JSON = {
            "file_id": f"CAACAgIAAxkBAAEFake{n:06d}",
            "file_unique_id": f"AgADFake{n:06d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "FakeStickers",
            "file_size": 24_580,
        }
        return self._queue_message(user, chat, {"sticker": sticker})

    def send_photo(
        self, user: JSON, chat: JSON | None = None, caption: str | None = None
    ) -> QueuedUpdate:
        """Queue a photo message (three sizes, optional caption)."""
        n = next(self._file_ids)
        sizes = [
            {
                "file_id": f"AgACAgIAAxkBAAEFake{n:06d}{suffix}",
                "file_unique_id": f"AQADFake{n:06d}{suffix}",
                "width": width,
                "height": height,
                "file_size": size,
            }
            for suffix, width, height, size in (
                ("s", 90, 67, 1_320),
                ("m", 320, 240, 18_004),
                ("x", 1280, 960, 120_411),
            )
        ]
        extra: JSON = {"photo": sizes}
        if caption is not None:
            extra["caption"] = caption
        return self._queue_message(user, chat, extra)

    def send_voice(self, user: JSON, chat: JSON | None = None, duration: int = 3) -> QueuedUpdate:
        """Queue a voice note."""
        n = next(self._file_ids)
        voice: JSON = {
            "file_id": f"AwACAgIAAxkBAAEFake{n:06d}",
            "file_unique_id": f"AgADFakeV{n:06d}",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4_000 * duration,
        }
        return self._queue_message(user, chat, {"voice": voice})

    def press_button(
        self, user: JSON, message: JSON | Call, callback_data: str, *, check: bool = True
    ) -> QueuedUpdate:
        """Queue a callback_query for a button of a message the bot sent.

        ``message`` is a Message dict (or the Call whose result it is); the callback carries
        the message's current state, edits included. With ``check`` the button must exist.
        """
        sent = message.result if isinstance(message, Call) else message
        if not isinstance(sent, dict):
            raise ValueError("press_button needs a Message (dict) or a Call that returned one")
        key = (int(sent["chat"]["id"]), int(sent["message_id"]))
        with self._lock:
            current = self._messages.get(key)
            if current is None or key not in self._bot_message_keys:
                raise ValueError(f"message {key} was not sent by the bot through this fake")
            if check:
                available = [
                    button.get("callback_data")
                    for row in current.get("reply_markup", {}).get("inline_keyboard", [])
                    for button in row
                ]
                if callback_data not in available:
                    raise ValueError(
                        f"message {key} has no button with callback_data {callback_data!r}; "
                        f"current buttons: {available}"
                    )
            query_id = str(next(self._query_ids))
            self._callback_queries[query_id] = False
            callback: JSON = {
                "id": query_id,
                "from": user,
                "message": copy.deepcopy(current),
                "chat_instance": str(abs(key[0]) * 7919 % 10**18 + 10**17),
                "data": callback_data,
            }
            return self._queue(
                {"callback_query": callback},
                chat_id=key[0],
                message=callback["message"],
                callback_query_id=query_id,
            )

    def send_inline_query(
        self, user: JSON, query: str, *, offset: str = "", chat_type: str | None = "sender"
    ) -> QueuedUpdate:
        """Queue an inline query (chat_type "sender" = the user's private chat with the bot)."""
        with self._lock:
            query_id = str(next(self._query_ids))
            self._inline_queries[query_id] = False
            inline: JSON = {"id": query_id, "from": user, "query": query, "offset": offset}
            if chat_type is not None:
                inline["chat_type"] = chat_type
            return self._queue({"inline_query": inline}, inline_query_id=query_id)

    def deliver_again(self, update: QueuedUpdate) -> None:
        """A fault: serve an update once more with the next getUpdates, as if its confirmation
        had been lost (Telegram itself does not do this once the offset moved past it)."""
        with self._lock:
            self._again.append(copy.deepcopy(update.update))
            self._lock.notify_all()

    def send_update(self, update: JSON) -> QueuedUpdate:
        """Queue a raw update (update_id is assigned); for update kinds without a helper."""
        with self._lock:
            return self._queue({k: v for k, v in update.items() if k != "update_id"})

    def sent_messages(self, chat_id: int | None = None) -> list[JSON]:
        """Messages the bot sent (current state, edits applied), oldest first."""
        with self._lock:
            return [
                copy.deepcopy(self._messages[key])
                for key in self._bot_message_keys
                if chat_id is None or key[0] == chat_id
            ]

    def delivered(self, update: QueuedUpdate | int) -> bool:
        """Whether the bot has fetched the update (via getUpdates or the webhook)."""
        update_id = update.update_id if isinstance(update, QueuedUpdate) else update
        with self._lock:
            return update_id in self._delivered

    def _auto_entities(self, text: str) -> list[JSON]:
        entities: list[JSON] = []
        for regex, kind in ((_COMMAND_ENTITY_RE, "bot_command"), (_MENTION_RE, "mention")):
            for match in regex.finditer(text):
                entities.append(
                    {
                        "type": kind,
                        "offset": utf16_len(text[: match.start()]),
                        "length": utf16_len(match.group(0)),
                    }
                )
        return sorted(entities, key=lambda e: e["offset"])

    def _queue_message(
        self,
        user: JSON,
        chat: JSON | None,
        extra: JSON,
        *,
        reply_to_bot: bool = False,
        reply_to: JSON | None = None,
    ) -> QueuedUpdate:
        with self._lock:
            if chat is None or chat.get("type") == "private":
                chat = chat or {
                    "id": user["id"],
                    "type": "private",
                    "first_name": user["first_name"],
                }
                for optional in ("last_name", "username"):
                    if optional in user:
                        chat[optional] = user[optional]
                self._private_users.add(int(user["id"]))
            else:
                self._group_users.add(int(user["id"]))
            chat_id = int(chat["id"])
            self._chats[chat_id] = dict(chat)
            message: JSON = {
                "message_id": self._next_message_id(chat_id),
                "from": user,
                "chat": dict(chat),
                "date": int(time.time()),
                **extra,
            }
            if reply_to_bot:
                keys = [k for k in self._bot_message_keys if k[0] == chat_id]
                if not keys:
                    raise ValueError(f"the bot has not sent anything to chat {chat_id} yet")
                reply_to = self._messages[keys[-1]]
            if reply_to is not None:
                message["reply_to_message"] = _without_reply(reply_to)
            self._messages[(chat_id, message["message_id"])] = message
            return self._queue({"message": message}, chat_id=chat_id, message=message)

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _queue(
        self,
        body: JSON,
        *,
        chat_id: int | None = None,
        message: JSON | None = None,
        callback_query_id: str | None = None,
        inline_query_id: str | None = None,
    ) -> QueuedUpdate:
        update_id = self._next_update_id
        self._next_update_id += 1
        update = {"update_id": update_id, **body}
        self._updates.append(update)
        self._lock.notify_all()
        return QueuedUpdate(update_id, update, chat_id, message, callback_query_id, inline_query_id)

    # ---- waiting -------------------------------------------------------------------------

    def _take(self, method: str, predicate: Predicate | None) -> Call | None:
        with self._lock:
            for call in self._calls:
                if call.seq in self._consumed or call.method.lower() != method.lower():
                    continue
                if predicate is None or predicate(call):
                    self._consumed.add(call.seq)
                    return call
        return None

    def _timeout_message(self, method: str, timeout: float) -> str:
        with self._lock:
            seen = [f"{c.method}:{c.status}" for c in self._calls if c.method != "getUpdates"]
            problems = list(self._violations)
        text = f"no matching {method} call within {timeout}s; calls so far: {seen}"
        if problems:
            text += f"; violations: {problems}"
        return text

    async def wait_for(
        self, method: str, predicate: Predicate | None = None, timeout: float = 10.0
    ) -> Call:
        """Wait for (and consume) the first unconsumed call of method matching predicate."""
        deadline = time.monotonic() + timeout
        while True:
            call = self._take(method, predicate)
            if call is not None:
                return call
            if time.monotonic() >= deadline:
                raise WaitTimeout(self._timeout_message(method, timeout))
            # Polling keeps this independent of which loop (or thread) the bot runs in.
            await asyncio.sleep(0.01)

    def wait_for_sync(
        self, method: str, predicate: Predicate | None = None, timeout: float = 10.0
    ) -> Call:
        """Blocking wait_for, for a bot running in another process or thread."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                call = self._take(method, predicate)
                if call is not None:
                    return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeout(self._timeout_message(method, timeout))
                self._lock.wait(remaining)

    async def wait_for_reply(self, update: QueuedUpdate, timeout: float = 10.0) -> Call:
        """Wait for the sendMessage answering an update (same chat)."""
        return await self.wait_for("sendMessage", update.matches, timeout)

    async def assert_no_call(
        self, method: str, predicate: Predicate | None = None, within: float = 0.3
    ) -> None:
        """Fail if a matching call arrives within ``within`` seconds (for "bot stays quiet")."""
        with contextlib.suppress(WaitTimeout):
            call = await self.wait_for(method, predicate, within)
            raise AssertionError(f"unexpected {method} call: {call.params}")

    # ---- failure injection ---------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of method with an error (429 gets retry_after)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or _DEFAULT_ERRORS.get(status, f"Error {status}")
        text = text.format(retry_after=retry_after)
        with self._lock:
            queue = self._failures.setdefault(method.lower(), deque())
            queue.extend(_Failure(status, text, retry_after) for _ in range(times))

    def fail_for(
        self,
        method: str,
        status: int,
        seconds: float,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Answer every call of method ("*": every method but getUpdates) with an error for
        ``seconds`` from now (429 gets retry_after), as during an outage at Telegram."""
        if status == 429 and retry_after is None:
            retry_after = 1
        text = (description or _DEFAULT_ERRORS.get(status, f"Error {status}")).format(
            retry_after=retry_after
        )
        with self._lock:
            self._outages.append(
                _Outage(method.lower(), _Failure(status, text, retry_after),
                        time.monotonic() + seconds)
            )

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Process the next ``times`` calls of method as usual but answer each only after
        ``seconds`` (the request took effect; the client may time out waiting)."""
        with self._lock:
            self._delays.setdefault(method.lower(), deque()).extend([seconds] * times)

    def refuse_connections(self, seconds: float) -> threading.Thread:
        """Stop listening now (connections are refused) and listen again on the same port after
        ``seconds``; returns at once. Queued updates and recorded calls are kept."""
        port = self.port
        self._pause()
        with self._lock:
            self._refusing_until = time.monotonic() + seconds

        def resume() -> None:
            time.sleep(seconds)
            self._port = port
            self.start()

        thread = threading.Thread(target=resume, name="FakeBotAPI-resume", daemon=True)
        thread.start()
        return thread

    def _pause(self) -> None:
        self.stop()

    # ---- request handling (called from server threads) -----------------------------------

    def _handle_http(
        self, verb: str, path: str, headers: email.message.Message, body: bytes
    ) -> tuple[int, JSON]:
        parsed = urllib.parse.urlsplit(path)
        match = _PATH_RE.match(parsed.path)
        if match is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        method = match.group("method")
        with self._lock:
            if match.group("token") != self._token:
                canonical = self._validator.canonical_method(method) or method
                self._record(canonical, {}, 401, None, "Unauthorized")
                return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        try:
            raw = _parse_body(headers, body)
        except ValueError as exc:
            with self._lock:
                self._violations.append(f"{method}: malformed request body: {exc}")
            return 400, _error_body(400, f"Bad Request: {exc}")
        raw = {**dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True)), **raw}
        encoding = _ENCODINGS.get(headers.get_content_type(), "urlencoded") if body else ""
        try:
            return self._handle_api(method, raw, encoding)
        except Exception as exc:  # a bug in the fake must surface in the test, not hang it
            with self._lock:
                self._violations.append(f"internal error in FakeBotAPI handling {method}: {exc!r}")
            return 500, _error_body(500, "Internal Server Error")

    def _handle_api(self, method: str, raw: JSON, encoding: str) -> tuple[int, JSON]:
        validator = self._validator
        canonical = validator.canonical_method(method)
        if canonical is None and validator.spec is not None:
            with self._lock:
                self._violations.append(f"{method}: method does not exist in the Bot API spec")
                self._record(method, raw, 404, None, "Not Found", encoding=encoding)
            # Telegram answers unknown methods with 404 Not Found.
            return 404, _error_body(404, "Not Found")
        canonical = canonical or method
        params = {
            name: _decode_param(
                value,
                validator.field_types(canonical, name)
                if validator.spec is not None
                else _TYPES_WITHOUT_SPEC.get(name),
            )
            for name, value in raw.items()
        }
        with self._lock:
            problems = validator.validate(canonical, params)
            if problems:
                self._violations.extend(problems)
                description = f"Bad Request: {problems[0]}"
                self._record(canonical, params, 400, None, description, encoding=encoding)
                return 400, _error_body(400, description)
            now = time.monotonic()
            self._outages = [o for o in self._outages if o.until > now]
            outage = next((o for o in self._outages if o.method == canonical.lower() or (
                o.method == "*" and canonical != "getUpdates")), None)
            delays = self._delays.get(canonical.lower())
            self._response_delay.seconds = delays.popleft() if delays else 0.0
            if outage is not None:
                failure = outage.failure
                self._record(
                    canonical, params, failure.status, None, failure.description, encoding=encoding
                )
                extra = {"retry_after": failure.retry_after} if failure.retry_after else None
                return failure.status, _error_body(failure.status, failure.description, extra)
            queue = self._failures.get(canonical.lower())
            if queue:
                failure = queue.popleft()
                self._record(
                    canonical, params, failure.status, None, failure.description, encoding=encoding
                )
                extra = {"retry_after": failure.retry_after} if failure.retry_after else None
                return failure.status, _error_body(failure.status, failure.description, extra)
            handler = getattr(self, f"_api_{canonical.lower()}", None)
            # a long poll is recorded when it arrives (status 0, "in flight") and completed in
            # place when it returns: waiting for a getUpdates waits for the bot to poll, not for
            # its long poll to end
            arrival = (self._record(canonical, params, IN_FLIGHT, None, "in flight",
                                    encoding=encoding)
                       if canonical == "getUpdates" else None)
            try:
                result = handler(params) if handler else self._api_unimplemented(canonical, params)
            except _ApiError as exc:
                self._record(
                    canonical, params, exc.status, None, exc.description, encoding=encoding,
                    replacing=arrival,
                )
                return exc.status, _error_body(exc.status, exc.description, exc.parameters)
            self._record(canonical, params, 200, result, None, encoding=encoding,
                         replacing=arrival)
            return 200, {"ok": True, "result": result}

    def _record(
        self,
        method: str,
        params: JSON,
        status: int,
        result: Any,
        description: str | None,
        encoding: str = "",
        replacing: Call | None = None,
    ) -> Call:
        if replacing is not None:  # a long poll that arrived earlier has returned
            call = dataclasses.replace(replacing, status=status, result=result,
                                       description=description)
            self._calls[replacing.seq] = call
        else:
            call = Call(method, params, status, result, description, len(self._calls), encoding)
            self._calls.append(call)
        self._lock.notify_all()
        return call

    # ---- implemented methods (run with self._lock held) ----------------------------------

    def _api_getme(self, params: JSON) -> JSON:
        return dict(self._bot_user)

    def _api_getupdates(self, params: JSON) -> list[JSON]:
        if self._webhook is not None:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset"))
        limit = max(1, min(_as_int(params.get("limit")) or 100, 100))
        timeout_value = params.get("timeout", 0)
        if isinstance(timeout_value, str):  # undecoded without the spec
            with contextlib.suppress(ValueError):
                timeout_value = float(timeout_value)
        timeout = float(timeout_value) if isinstance(timeout_value, int | float) else 0.0
        timeout = max(0.0, min(timeout, _MAX_POLL_TIMEOUT))
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = [str(kind) for kind in params["allowed_updates"]]
        # A newer getUpdates ends an older one still waiting, as Telegram does with 409.
        self._poll_generation += 1
        generation = self._poll_generation
        self._lock.notify_all()
        if offset is not None:
            if offset < 0:
                self._updates = self._updates[offset:]
            else:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if self._again:  # a fault: updates served again whatever the offset says
            self._updates = [*self._again, *self._updates]
            self._again = []
        deadline = time.monotonic() + timeout
        while True:
            if self._stopping:
                return []
            if generation != self._poll_generation:
                raise _ApiError(409, _DEFAULT_ERRORS[409])
            batch = self._deliverable()[:limit]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0:
                break
            self._lock.wait(remaining)
        self._delivered.update(u["update_id"] for u in batch)
        return copy.deepcopy(batch)

    def _deliverable(self) -> list[JSON]:
        """Pending updates the bot wants; drops those excluded by allowed_updates."""
        allowed = set(self._allowed_updates)
        keep: list[JSON] = []
        for update in self._updates:
            kind = next(k for k in update if k != "update_id")
            wanted = kind in allowed if allowed else kind not in _NOT_DELIVERED_BY_DEFAULT
            if wanted:
                keep.append(update)
            else:
                self._dropped.append(update)
        self._updates = keep
        return keep

    def _api_sendmessage(self, params: JSON) -> JSON:
        chat = self._resolve_chat(params["chat_id"])
        text, entities = self._render(params)
        message = self._new_bot_message(chat, params)
        message["text"] = text
        if entities:
            message["entities"] = entities
        return self._store_bot_message(message)

    def _api_editmessagetext(self, params: JSON) -> JSON | bool:
        if "inline_message_id" in params:
            return True
        current = self._editable_message(params)
        if "text" not in params:
            return copy.deepcopy(current)  # rich_message edits are not modelled
        text, entities = self._render(params)
        if "text" not in current:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        updated = {k: v for k, v in current.items() if k not in {"entities", "reply_markup"}}
        updated["text"] = text
        if entities:
            updated["entities"] = entities
        # Telegram drops the inline keyboard when editMessageText has no reply_markup.
        if _inline_markup(params):
            updated["reply_markup"] = _inline_markup(params)
        return self._apply_edit(current, updated)

    def _api_editmessagereplymarkup(self, params: JSON) -> JSON | bool:
        if "inline_message_id" in params:
            return True
        current = self._editable_message(params)
        updated = {k: v for k, v in current.items() if k != "reply_markup"}
        if _inline_markup(params):
            updated["reply_markup"] = _inline_markup(params)
        return self._apply_edit(current, updated)

    def _api_answercallbackquery(self, params: JSON) -> bool:
        query_id = str(params["callback_query_id"])
        if self._callback_queries.get(query_id, True):
            raise _ApiError(400, _QUERY_TOO_OLD)
        self._callback_queries[query_id] = True
        return True

    def _api_answerinlinequery(self, params: JSON) -> bool:
        query_id = str(params["inline_query_id"])
        if self._inline_queries.get(query_id, True):
            raise _ApiError(400, _QUERY_TOO_OLD)
        self._inline_queries[query_id] = True
        return True

    @staticmethod
    def _commands_key(params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _api_setmycommands(self, params: JSON) -> bool:
        self._commands[self._commands_key(params)] = list(params["commands"])
        return True

    def _api_getmycommands(self, params: JSON) -> list[JSON]:
        return list(self._commands.get(self._commands_key(params), []))

    def _api_deletemycommands(self, params: JSON) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _api_deletewebhook(self, params: JSON) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self._lock.notify_all()
        return True

    def _api_setwebhook(self, params: JSON) -> bool:
        url = str(params["url"])
        if url == "":
            return self._api_deletewebhook(params)
        host = urllib.parse.urlsplit(url).hostname
        if host not in _LOOPBACK_HOSTS:
            # Real Telegram demands public HTTPS; this fake can only reach loopback addresses.
            raise _ApiError(
                400, "Bad Request: bad webhook: this fake delivers only to loopback addresses"
            )
        self._webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "max_connections": _as_int(params.get("max_connections")) or 40,
            "has_custom_certificate": "certificate" in params,
            "ip_address": params.get("ip_address"),
        }
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = [str(kind) for kind in params["allowed_updates"]]
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self._webhook_error = None
        self._poll_generation += 1  # ends a waiting getUpdates
        self._lock.notify_all()
        return True

    def _api_getwebhookinfo(self, params: JSON) -> JSON:
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook is not None:
            info["url"] = self._webhook["url"]
            info["has_custom_certificate"] = self._webhook["has_custom_certificate"]
            info["max_connections"] = self._webhook["max_connections"]
            if self._webhook.get("ip_address"):
                info["ip_address"] = self._webhook["ip_address"]
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
            if self._webhook_error:
                info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    def _api_sendchataction(self, params: JSON) -> bool:
        self._resolve_chat(params["chat_id"])
        return True

    def _api_close(self, params: JSON) -> bool:
        return True

    def _api_logout(self, params: JSON) -> bool:
        return True

    def _api_setchatmenubutton(self, params: JSON) -> bool:
        self._menu_buttons[_as_int(params.get("chat_id"))] = params.get("menu_button") or {
            "type": "default"
        }
        return True

    def _api_getchatmenubutton(self, params: JSON) -> JSON:
        chat_id = _as_int(params.get("chat_id"))
        button = self._menu_buttons.get(chat_id) or self._menu_buttons.get(None)
        return dict(button) if button else {"type": "default"}

    def _api_unimplemented(self, method: str, params: JSON) -> JSON | bool:
        # PTB would fail to parse `true` where a Message is expected (sendPhoto, ...), so those
        # get a minimal Message; everything else gets `true`.
        if self._validator.returns(method) == ["Message"] and "chat_id" in params:
            chat = self._resolve_chat(params["chat_id"])
            message = self._new_bot_message(chat, params)
            if isinstance(params.get("caption"), str):
                message["caption"] = params["caption"]
            return self._store_bot_message(message)
        return True

    # ---- helpers for the methods above ---------------------------------------------------

    def _resolve_chat(self, chat_id: Any) -> JSON:
        number = _as_int(chat_id)
        if number is None:
            wanted = str(chat_id).removeprefix("@").lower()
            for chat in self._chats.values():
                if str(chat.get("username", "")).lower() == wanted:
                    return chat
            raise _ApiError(400, "Bad Request: chat not found")
        if number in self._chats and (number < 0 or number in self._private_users):
            return self._chats[number]
        if number in self._group_users:
            raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        raise _ApiError(400, "Bad Request: chat not found")

    def _render(self, params: JSON) -> tuple[str, list[JSON]]:
        text = str(params.get("text", ""))
        mode = str(params.get("parse_mode", "")).lower()
        if mode == "html":
            parsed = parse_html(text)  # validated already, so this does not raise
            return parsed.text, parsed.entities
        if mode in {"markdownv2", "markdown"}:
            # Entities are not reconstructed for Markdown; the visible text is approximate.
            return _markdown_plain(text, v2=mode == "markdownv2")[0], []
        entities = params.get("entities")
        return text, list(entities) if isinstance(entities, list) else []

    def _new_bot_message(self, chat: JSON, params: JSON) -> JSON:
        chat_id = int(chat["id"])
        message: JSON = {
            "message_id": self._next_message_id(chat_id),
            "from": dict(self._bot_user),
            "chat": dict(chat),
            "date": int(time.time()),
        }
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            target_chat = _as_int(reply.get("chat_id")) or chat_id
            target = self._messages.get((target_chat, _as_int(reply["message_id"]) or 0))
            if target is not None:
                message["reply_to_message"] = _without_reply(target)
            elif reply.get("allow_sending_without_reply") is not True:
                raise _ApiError(400, "Bad Request: message to be replied not found")
        markup = _inline_markup(params)
        if markup:
            # Only inline keyboards are part of a Message; reply keyboards are not echoed.
            message["reply_markup"] = markup
        return message

    def _store_bot_message(self, message: JSON) -> JSON:
        key = (int(message["chat"]["id"]), int(message["message_id"]))
        self._messages[key] = message
        self._bot_message_keys.append(key)
        return copy.deepcopy(message)

    def _editable_message(self, params: JSON) -> JSON:
        chat = self._resolve_chat(params["chat_id"])
        key = (int(chat["id"]), _as_int(params["message_id"]) or 0)
        current = self._messages.get(key)
        if current is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if key not in self._bot_message_keys:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return current

    def _apply_edit(self, current: JSON, updated: JSON) -> JSON:
        def content(message: JSON) -> JSON:
            return {k: v for k, v in message.items() if k != "edit_date"}

        if content(current) == content(updated):
            raise _ApiError(400, _NOT_MODIFIED)
        updated["edit_date"] = int(time.time())
        key = (int(current["chat"]["id"]), int(current["message_id"]))
        self._messages[key] = updated
        return copy.deepcopy(updated)

    # ---- webhook delivery ----------------------------------------------------------------

    def _webhook_loop(self) -> None:
        # Urllib without proxies: the target is always loopback and must not leave the host.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            with self._lock:
                while not self._stopping and not (self._webhook and self._deliverable()):
                    self._lock.wait(0.5)
                if self._stopping:
                    return
                assert self._webhook is not None
                hook = dict(self._webhook)
                update = self._deliverable()[0]
            headers = {"Content-Type": "application/json"}
            if hook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = str(hook["secret_token"])
            request = urllib.request.Request(
                hook["url"], data=json.dumps(update).encode(), headers=headers, method="POST"
            )
            error: str | None = None
            try:
                with opener.open(request, timeout=5) as response:
                    if not 200 <= response.status < 300:
                        error = f"Wrong response from the webhook: {response.status}"
            except urllib.error.HTTPError as exc:
                error = f"Wrong response from the webhook: {exc.code} {exc.reason}"
            except OSError as exc:
                error = f"Connection failed: {exc}"
            with self._lock:
                if error is None:
                    self._delivered.add(update["update_id"])
                    self._updates = [u for u in self._updates if u is not update]
                    self._lock.notify_all()
                    continue
                self._webhook_error = (int(time.time()), error)
                # Telegram retries failed deliveries; back off a little between attempts.
                self._lock.wait(0.2)

    # ---- connection tracking (server threads) --------------------------------------------

    def _track(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.add(conn)

    def _untrack(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.discard(conn)


def _inline_markup(params: JSON) -> JSON | None:
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and isinstance(markup.get("inline_keyboard"), list):
        return markup
    return None


def _error_body(status: int, description: str, parameters: JSON | None = None) -> JSON:
    body: JSON = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


# --------------------------------------------------------------------------------------------
# Request decoding
# --------------------------------------------------------------------------------------------


_ENCODINGS: Final = {
    "application/x-www-form-urlencoded": "urlencoded",
    "multipart/form-data": "multipart",
    "application/json": "json",
}


def _parse_body(headers: email.message.Message, body: bytes) -> JSON:
    """Decode a urlencoded, multipart or JSON request body into raw parameter values."""
    if not body:
        return {}
    content_type = headers.get_content_type()
    charset = headers.get_content_charset() or "utf-8"
    if content_type == "application/json":
        try:
            value = json.loads(body.decode(charset))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"invalid JSON body: {exc}") from exc
        if not isinstance(value, dict):
            raise ValueError("JSON body must be an object")
        return value
    if content_type == "multipart/form-data":
        boundary = headers.get_param("boundary")
        if not isinstance(boundary, str):
            raise ValueError("multipart body without boundary")
        return _parse_multipart(body, boundary.encode("latin-1"))
    try:
        text = body.decode(charset)
    except UnicodeDecodeError as exc:
        raise ValueError(f"body is not {charset}: {exc}") from exc
    return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))


def _parse_multipart(body: bytes, boundary: bytes) -> JSON:
    values: JSON = {}
    for chunk in body.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, separator, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("malformed multipart part")
        data = data.removesuffix(b"\r\n")
        part = email.message.Message()
        for line in head.decode("utf-8").split("\r\n"):
            name, _, value = line.partition(":")
            part[name.strip()] = value.strip()
        field_name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        if not isinstance(field_name, str):
            raise ValueError("multipart part without a name")
        if isinstance(filename, str):
            values[field_name] = UploadedFile(filename, part.get_content_type(), data)
        else:
            values[field_name] = data.decode(part.get_content_charset() or "utf-8")
    return values


# Without the spec, the non-string parameters the bot sends are still decoded, so that the fake
# behaves the same (only the validation is left out).
_TYPES_WITHOUT_SPEC: Final[dict[str, list[str]]] = {
    **{
        name: ["Integer", "String"]
        for name in ("chat_id", "message_id", "offset", "limit", "timeout", "cache_time",
                     "message_thread_id", "max_connections", "user_id")
    },
    **{
        name: ["Boolean"]
        for name in ("is_personal", "show_alert", "disable_notification", "protect_content",
                     "drop_pending_updates", "disable_web_page_preview")
    },
}


def _decode_param(value: Any, types: list[str] | None) -> Any:
    """Turn a wire value into JSON data, guided by the spec types of the field.

    Form fields arrive as strings: PTB sends strings as-is and JSON-encodes everything else
    (numbers, booleans, objects), so a String field must never be JSON-decoded.
    """
    if not isinstance(value, str):
        return value
    if types is None:
        # No spec information: only nested objects and lists are safe to decode.
        if value[:1] in {"{", "["}:
            with contextlib.suppress(json.JSONDecodeError):
                return json.loads(value)
        return value
    if all(t == "String" for t in types):
        return value
    try:
        decoded = json.loads(value)
    except json.JSONDecodeError:
        return value
    if "String" in types and not _fits_types(decoded, types):
        return value
    return decoded


def _fits_types(value: Any, types: list[str]) -> bool:
    for type_name in types:
        if type_name.startswith("Array of"):
            if isinstance(value, list):
                return True
        elif type_name == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return True
        elif type_name == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return True
        elif type_name in {"Boolean", "True"}:
            if isinstance(value, bool):
                return True
        elif type_name not in _PRIMITIVES and type_name != "InputFile" and isinstance(value, dict):
            return True
    return False


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Do not join handler threads on close: a long poll may still be parked in one.
    block_on_close = False

    def __init__(self, fake: FakeBotAPI, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up (cancelled long polls, stop()) are normal here.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects from api.telegram.org
    # Headers and body go out in separate writes; with Nagle's algorithm and delayed ACKs each
    # response would stall for ~40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines contain the token: never log them.
        return

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in {b"\r\n", b"\n", b""}:
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        fake = self.server.fake
        fake._response_delay.seconds = 0.0
        status, payload = fake._handle_http(self.command, self.path, self.headers, body)
        if fake._response_delay.seconds:
            time.sleep(fake._response_delay.seconds)
        try:
            data = json.dumps(payload, ensure_ascii=False).encode()
        except UnicodeEncodeError:  # a lone surrogate: sent as a \uXXXX escape, as Telegram does
            data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
