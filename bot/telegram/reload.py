"""Reloading the knowledge base and catalogs: on /reload and when their files change."""

from __future__ import annotations

import asyncio
import logging

from watchfiles import Change, awatch

from bot.conversation import Conversation
from bot.knowledge.base import KnowledgeError
from bot.knowledge.catalogs import I18nError
from bot.telegram.context import Services

log = logging.getLogger(__name__)


async def reload_knowledge(svc: Services) -> tuple[bool, str]:
    """Load the knowledge base and catalogs anew; on any problem keep serving the old ones."""
    async with svc.reload_lock:
        try:
            fresh = await asyncio.to_thread(Conversation.load, svc.settings.kb_dir,
                                            svc.settings.locales_dir)
        except (KnowledgeError, I18nError, OSError) as exc:
            log.error("reload failed, still serving the previous knowledge base: %s", exc)
            svc.metrics.reload(ok=False)
            return False, f"Reload failed; the previous knowledge base is still serving.\n\n{exc}"
        svc.conversation = fresh
    svc.metrics.reload(ok=True)
    svc.metrics.knowledge(len(fresh.kb.entries), len(fresh.kb.topics))
    log.info("knowledge base reloaded: %d entries", len(fresh.kb.entries))
    return True, f"Reloaded: {len(fresh.kb.entries)} entries in {len(fresh.kb.topics)} topics."


def _is_source_file(_change: Change, path: str) -> bool:
    return path.endswith((".yaml", ".yml", ".po"))


async def watch_knowledge(svc: Services) -> None:
    """Reload when knowledge or catalog files change: the same atomic reload as /reload."""
    conv = svc.conversation
    paths = [p for p in (conv.kb.directory, conv.catalogs.directory) if p is not None]
    log.info("watching %s for edits", ", ".join(str(p) for p in paths))
    async for _changes in awatch(*paths, stop_event=svc.stop_watching, debounce=400, step=100,
                                 watch_filter=_is_source_file):
        await reload_knowledge(svc)
