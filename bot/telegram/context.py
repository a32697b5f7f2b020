"""What every handler needs: the services (in bot_data) and a per-update context."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.answering.dialogue import ContextStore
from bot.conversation import Conversation
from bot.conversation.actions import Action, ActionError
from bot.knowledge.catalogs import Language
from bot.service.config import Settings
from bot.service.metrics import Metrics
from bot.storage import BackgroundStorage
from bot.telegram.sending import chat_key, on_keyboard

SERVICES = "services"


def _this_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


# How many voted-on messages are remembered (in memory only: a stored (chat, message) pair would
# tie a person to the answer they voted on).
VOTES_REMEMBERED = 100_000
# The languages of the users seen most recently, as stored (a choice applies at once, before its
# queued write; no database read for each message). The database holds the same.
LANGUAGES_REMEMBERED = 20_000


class Services:
    """What every handler needs; lives in `bot_data`. `conversation` is swapped on reload."""

    def __init__(self, conversation: Conversation, store: BackgroundStorage, settings: Settings,
                 button_key: bytes, metrics: Metrics | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.conversation = conversation
        self.metrics = metrics or Metrics()
        self.store = store
        self.settings = settings
        self.button_key = button_key
        self.reload_lock = asyncio.Lock()
        self.stop_watching = asyncio.Event()
        self.watcher: asyncio.Task[None] | None = None
        self.maintainer: asyncio.Task[None] | None = None
        # update ids of the first update past a chat's flood limit (see bot.service.floods)
        self.slow_down: set[int] = set()
        # what each chat's next message may refer to: entry ids, never text; memory only
        self.contexts = ContextStore(clock=clock)
        self._voted: OrderedDict[tuple[int, int], None] = OrderedDict()
        # user id -> (language, the month its use was last noted in the database)
        self._languages: OrderedDict[int, tuple[str | None, str]] = OrderedDict()

    def remember_language(self, user_id: int, lang: str | None) -> None:
        """A choice just made, deleted or read from the database (which notes its use)."""
        self._languages[user_id] = (lang, _this_month())
        self._languages.move_to_end(user_id)
        if len(self._languages) > LANGUAGES_REMEMBERED:
            self._languages.popitem(last=False)

    async def language(self, user_id: int) -> str | None:
        if user_id in self._languages:
            self._languages.move_to_end(user_id)
            lang, noted = self._languages[user_id]
            if lang is not None and noted != _this_month():
                # still in use: a choice unused for ELECTIONBOT_LANGUAGE_DAYS expires
                self._languages[user_id] = (lang, _this_month())
                self.store.write(self.store.storage.touch, user_id)
            return lang
        read, lang = await self.store.lookup(self.store.storage.language, user_id)
        if read and user_id not in self._languages:  # a choice made meanwhile wins
            self.remember_language(user_id, lang)
            if lang is not None:
                self.store.write(self.store.storage.touch, user_id)
        return lang

    def first_vote(self, chat_id: int, message_id: int) -> bool:
        """True the first time a message is voted on, False afterwards."""
        key = (chat_id, message_id)
        if key in self._voted:
            return False
        self._voted[key] = None
        if len(self._voted) > VOTES_REMEMBERED:
            self._voted.popitem(last=False)
        return True


@dataclass(frozen=True)
class Who:
    """The languages that apply to one user: a saved choice, and the one to use otherwise."""

    chosen: str | None
    fallback: str

    @property
    def lang(self) -> str:
        return self.chosen or self.fallback


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with the services, the user's languages and the pressed button's action.

    `load` runs once per update, before any handler (see app.py): the one place that decides the
    user's language.
    """

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any],
                 chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.who = Who(None, "en")
        self.action: Action | None = None

    @property
    def services(self) -> Services:
        return self.bot_data[SERVICES]

    @property
    def conversation(self) -> Conversation:
        return self.services.conversation

    @property
    def lang(self) -> str:
        return self.who.lang

    @property
    def tr(self) -> Language:
        return self.conversation.catalogs[self.lang]

    async def load(self, update: Update) -> None:
        """Decide the user's languages and verify a pressed button's data."""
        svc, user = self.services, update.effective_user
        catalogs = svc.conversation.catalogs
        chosen = None
        if user is not None:
            chosen = await svc.language(user.id)
            if chosen not in catalogs.languages:
                chosen = None
        fallback = catalogs.resolve(user.language_code if user else None)
        query = update.callback_query
        if query is not None:
            message = query.message if isinstance(query.message, Message) else None
            data = query.data or ""
            try:
                # authentic for this chat, and on this message's keyboard as it is now
                self.action = Action.unpack(data, chat_key(svc.button_key, message.chat_id)) \
                    if message is not None and on_keyboard(message, data) else None
            except ActionError:
                self.action = None
            # answer under a button in the language of the message it sits under
            if self.action and self.action.lang in catalogs.languages:
                fallback = self.action.lang
        self.who = Who(chosen, fallback)
