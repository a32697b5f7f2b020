"""Shared fixtures: the shipped knowledge base, catalogs and conversation core."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering.matcher import Matcher
from bot.conversation import Conversation, answer_texts
from bot.knowledge.base import KnowledgeBase, load_knowledge
from bot.knowledge.catalogs import Catalogs, load_catalogs

from .fakebotapi import SHARED_SPEC, SPEC_ENV_VAR, FakeBotAPI, spec_path_or_none

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"
# the tests' own knowledge base and catalogs (tests/fixtures/README.md): behaviour tests that
# check exact texts or counts use these, so that new or reworded shipped content never breaks them
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_KB = FIXTURES / "kb"
FIXTURE_LOCALES = FIXTURES / "locales"
# a made-up bot token in the real shape; tests check it never appears in any output
TOKEN = "7000000001:AAFakeTokenForTestsOnly0123456789xy"


def required_spec() -> Path:
    """The Bot API spec the end-to-end tests validate every request against. Without it they
    fail (not skip): a green run must mean the bot's requests were checked."""
    try:
        path = spec_path_or_none()
    except FileNotFoundError as exc:
        pytest.fail(f"{exc}: the end-to-end tests validate every request against the Bot API "
                    "spec", pytrace=False)
    if path is None:
        pytest.fail(f"{SPEC_ENV_VAR} is not set and {SHARED_SPEC} does not exist: the end-to-end "
                    "tests validate every request the bot sends against the Bot API spec and do "
                    f"not run without it. Set {SPEC_ENV_VAR} to the spec's api.json, or run the "
                    'fast tier only (pytest -m "not e2e").', pytrace=False)
    return path


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    """A fake Bot API on 127.0.0.1 that checks every request against the spec."""
    with FakeBotAPI(token=TOKEN, spec_path=required_spec()) as fake:
        yield fake
        fake.assert_no_violations()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The bot's database file for one test (not created yet)."""
    return tmp_path / "bot.sqlite3"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that talks to the fake Bot API is end to end."""
    for item in items:
        if "api" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


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


@pytest.fixture(scope="session")
def own_conversation() -> Conversation:
    """The conversation core on the tests' own knowledge base and catalogs."""
    return Conversation.load(FIXTURE_KB, FIXTURE_LOCALES)


def load_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def shared_eval_set(variable: str, name: str) -> list[dict[str, object]]:
    """An eval set from $variable, else from ../shared/eval beside the checkout (where CI and the
    developers' machines have it); skipped, with the reason, when neither exists."""
    path = os.environ.get(variable) or str(SHARED_EVAL / name)
    if not Path(path).is_file():
        pytest.skip(f"{variable} is not set and {SHARED_EVAL / name} does not exist "
                    f"(CI sets it to ../shared/eval/{name})")
    return load_jsonl(Path(path))


@pytest.fixture(scope="session")
def dev_set() -> list[dict[str, object]]:
    return shared_eval_set("ELECTIONBOT_DEV_SET", "dev.jsonl")


@pytest.fixture(scope="session")
def dev2_set() -> list[dict[str, object]]:
    return shared_eval_set("ELECTIONBOT_DEV2_SET", "dev2.jsonl")
