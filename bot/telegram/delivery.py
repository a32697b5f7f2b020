"""Talking to the Bot API under faults: what is retried, and how updates are taken in.

Delivery: a request is repeated only when it certainly did not take effect at Telegram — it never
reached it (connection refused or reset before sending, connect or pool timeout), or Telegram
answered 5xx or 429 — with backoff until a total deadline. A request that may have arrived (read or
write timeout, connection lost mid-way) is repeated only when repeating it is harmless: never a
`sendMessage`, which would show the user the same answer twice.

Intake: an update python-telegram-bot cannot parse is replaced by an empty update with the same
`update_id`, so that polling moves past it; only its id is logged. A batch is read once, as the
library does; only when that fails is it fetched again and read update by update.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any, cast

import aiohttp
from telegram import Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import AIORateLimiter, ExtBot

from bot.logs import Throttle
from bot.service.http import ServerError
from bot.service.metrics import Metrics

log = logging.getLogger(__name__)

DEFAULT_DEADLINE = 60.0
WARN_EVERY = 10.0
# Errors raised before a single byte of the request was sent (bot/service/http.py keeps them as the
# cause): refused, unresolvable, TLS failed, or no connection within the connect timeout.
_NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
# Methods whose repetition would show the user something twice.
_NOT_IDEMPOTENT_PREFIXES = ("send", "forward", "copy")
_IDEMPOTENT_SENDS = frozenset({"sendchataction"})


def is_idempotent(endpoint: str) -> bool:
    name = endpoint.lower()
    return name in _IDEMPOTENT_SENDS or not name.startswith(_NOT_IDEMPOTENT_PREFIXES)


def never_arrived(exc: NetworkError) -> bool:
    """Whether the failed request certainly had no effect at Telegram."""
    if isinstance(exc, ServerError):
        return True  # a 5xx: the server answered that it did not do the work
    cause = exc.__cause__
    if isinstance(cause, _NOT_SENT):
        return True
    # python-telegram-bot raises NetworkError without a cause for a 5xx reply (and for a reply
    # it cannot read); with a cause, the transport failed somewhere after sending began
    return cause is None and not isinstance(exc, TimedOut)


class DeliveryLimiter(AIORateLimiter):
    """AIORateLimiter's flood control, plus the retry rules above until a total deadline."""

    def __init__(self, deadline: float = DEFAULT_DEADLINE, backoff: float = 0.5,
                 max_backoff: float = 5.0, metrics: Metrics | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
                 **kwargs: Any) -> None:
        super().__init__(max_retries=0, **kwargs)  # 429s are waited out below, deadline-bound
        self.metrics = metrics or Metrics()
        # with max_retries=0 the base class's only record is a traceback per 429, which this
        # class reports itself in one line
        logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
        self.deadline = deadline
        self.backoff = backoff
        self.max_backoff = max_backoff
        # the time and the waiting between attempts (tests pass a simulated clock)
        self._clock, self._sleep = clock, sleep
        self._warnings = Throttle(WARN_EVERY)

    async def process_request(
        self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any, kwargs: Any,
        endpoint: str, data: dict[str, Any], rate_limit_args: Any,
    ) -> Any:
        give_up_at = self._clock() + self.deadline
        delay = self.backoff
        attempt = 0
        last: Exception
        while True:
            attempt += 1
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                      rate_limit_args)
            except RetryAfter as exc:
                wait = exc.retry_after if isinstance(exc.retry_after, int | float) \
                    else exc.retry_after.total_seconds()
                wait += 0.1
                why, last = "429 Too Many Requests", exc
            except (BadRequest, Forbidden, InvalidToken, Conflict):
                raise  # the request itself is refused: repeating it cannot help
            except NetworkError as exc:
                if not (never_arrived(exc) or is_idempotent(endpoint)):
                    raise  # it may have arrived: a repeat could double the answer
                wait, delay = delay, min(delay * 2, self.max_backoff)
                why = str(exc) if isinstance(exc, ServerError) \
                    else type(exc.__cause__ or exc).__name__
                last = exc
            remaining = give_up_at - self._clock()
            if wait > remaining:
                log.warning("%s: giving up after %d attempts (%s)", endpoint, attempt, why)
                self.metrics.give_up(endpoint)
                raise last
            self.metrics.retry(endpoint)
            if attempt == 1 and self._warnings.allow(endpoint) is not None:
                log.warning("%s failed (%s); retrying for up to %.0f s (reported once per "
                            "%.0f s)", endpoint, why, self.deadline, WARN_EVERY)
            await self._sleep(wait)


class PollingErrors:
    """python-telegram-bot's `error_callback` for polling: a failed getUpdates is one line, at
    most once a minute, instead of a chained traceback for every attempt (polling goes on)."""

    def __init__(self, every: float = 60.0) -> None:
        self._throttle = Throttle(every)

    def __call__(self, exc: TelegramError) -> None:
        held = self._throttle.allow()
        if held is None:
            return
        more = f"; {held} more failures since the last report" if held else ""
        # the exception's text names the transport error, never an update (and the formatter
        # redacts the token)
        log.warning("polling for updates failed (%s: %s); retrying%s", type(exc).__name__,
                    str(exc).removeprefix("aiohttp.") or "no details", more)


def read_update(data: object, bot: ExtBot[Any]) -> tuple[int, Update | None] | None:
    """(update_id, the Update, or None when python-telegram-bot cannot read it), or None
    without a usable id. Logs the id only."""
    if not isinstance(data, dict):
        log.warning("skipped an update that is not a JSON object")
        return None
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        log.warning("skipped an update without a valid update_id")
        return None
    try:
        return update_id, Update.de_json(data, bot)  # which leaves its input unchanged
    except Exception as exc:
        # the exception text may quote the update's content: only its type is logged
        log.warning("skipped update %d: it cannot be read (%s)", update_id, type(exc).__name__)
        return update_id, None


def checked_update(data: object, bot: ExtBot[Any]) -> dict[str, Any] | None:
    """`data` when python-telegram-bot can read it as an Update, else an empty update with its
    id (so that polling moves on), or None without a usable id."""
    read = read_update(data, bot)
    if read is None:
        return None
    update_id, update = read
    return {"update_id": update_id} if update is None else cast(dict[str, Any], data)


# How many update ids are remembered to take each update at most once (a few minutes of traffic).
REMEMBERED_UPDATES = 10_000


class RecentUpdates:
    """The ids of the last updates taken in, so that one delivered again is not answered twice."""

    def __init__(self, size: int = REMEMBERED_UPDATES) -> None:
        self._order: deque[int] = deque()
        self._seen: set[int] = set()
        self._size = size

    def first_time(self, update_id: int) -> bool:
        """Whether this update is new; one seen before is logged (its id only)."""
        if update_id in self._seen:
            log.info("update %d arrived again; answered already", update_id)
            return False
        self._seen.add(update_id)
        self._order.append(update_id)
        if len(self._order) > self._size:
            self._seen.discard(self._order.popleft())
        return True


# getUpdates returns at most this many; polling waits this long while no update fits
MAX_BATCH = 100
PAUSE_WHEN_FULL = 0.05

# Set while a batch of updates that could not be read as a whole is fetched again.
_READ_EACH: ContextVar[bool] = ContextVar("read_each_update", default=False)

_NO_PARSE_MODE = frozenset({"editMessageReplyMarkup", "stopMessageLiveLocation",
                            "stopPoll", "setGameScore"})


class PrivateBot(ExtBot[int]):
    """ExtBot that names itself by its public id (never the token), survives bad updates and
    takes each update in at most once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self.taken = RecentUpdates()
            self.room: Callable[[], int] | None = None

    def take_at_most(self, room: Callable[[], int]) -> None:
        """Polling takes no more updates than `room()` says there is room for (issue 18:
        bounded pending work); at 0 it waits, and Telegram keeps the updates meanwhile."""
        with self._unfrozen():
            self.room = room

    def __repr__(self) -> str:
        return f"{type(self).__name__}[bot_id={self.token.partition(':')[0]}]"

    async def _do_post(self, endpoint: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        if endpoint in _NO_PARSE_MODE and isinstance(data, dict):
            # python-telegram-bot fills Defaults.parse_mode into every "message" call, including
            # ones whose Bot API method has no such parameter
            data.pop("parse_mode", None)
        result = await super()._do_post(endpoint, data, *args, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list) and _READ_EACH.get():
            return [u for u in (checked_update(raw, self) for raw in result) if u is not None]
        return result

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        timeout = kwargs.get("timeout")
        # not the library's last call at shutdown (timeout 0), which only confirms the offset
        if self.room is not None and not args and timeout not in (0, dt.timedelta(0)):
            while (room := self.room()) <= 0:
                await asyncio.sleep(PAUSE_WHEN_FULL)
            kwargs["limit"] = min(kwargs.get("limit") or MAX_BATCH, room, MAX_BATCH)
        try:
            updates = await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise
        except Exception:
            # The offset has not moved, so the same batch comes again: read each update apart
            # this time and skip what cannot be read.
            careful = _READ_EACH.set(True)
            try:
                updates = await super().get_updates(*args, **kwargs)
            finally:
                _READ_EACH.reset(careful)
        # one delivered again stays in the batch as an empty update: polling still moves past it
        return tuple(u if self.taken.first_time(u.update_id) else Update(u.update_id)
                     for u in updates)
