"""Shared fixtures: the shipped knowledge base, catalogs and conversation core."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.conversation import Conversation, answer_texts
from bot.i18n import Catalogs, load_catalogs
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.matcher import Matcher

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The compiled-base cache of a test run (and of the bots it starts) is its own."""
    os.environ.setdefault("ELECTIONBOT_CACHE_DIR", str(tmp_path_factory.mktemp("kbcache")))


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return load_catalogs(ROOT / "locales")


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase, catalogs: Catalogs) -> Matcher:
    return Matcher(kb, answers=answer_texts(kb, catalogs))


@pytest.fixture(scope="session")
def conversation(kb: KnowledgeBase, catalogs: Catalogs, matcher: Matcher) -> Conversation:
    return Conversation(kb, catalogs, matcher)


def load_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.fixture(scope="session")
def dev_set() -> list[dict[str, object]]:
    path = os.environ.get("ELECTIONBOT_DEV_SET")
    if not path:
        pytest.skip("ELECTIONBOT_DEV_SET is not set (CI sets it to ../shared/eval/dev.jsonl)")
    return load_jsonl(Path(path))


@pytest.fixture(scope="session")
def dev2_set() -> list[dict[str, object]]:
    path = os.environ.get("ELECTIONBOT_DEV2_SET")
    if not path:
        pytest.skip("ELECTIONBOT_DEV2_SET is not set (CI sets it to ../shared/eval/dev2.jsonl)")
    return load_jsonl(Path(path))
