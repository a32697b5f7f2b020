"""The sets that were blind until they were released (dev3, dialogues-dev2) and this project's
own first blind set: floors at today's figures, so a change that answers them worse is seen
(counted as ../shared/eval/score.py counts, see scoring.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation import Conversation

from .conftest import load_jsonl, shared_eval_set
from .scoring import score_lines

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def dev3() -> list[dict[str, object]]:
    return shared_eval_set("ELECTIONBOT_DEV3_SET", "dev3.jsonl")


@pytest.fixture(scope="module")
def dialogues2() -> list[dict[str, object]]:
    return shared_eval_set("ELECTIONBOT_DIALOGUES2_SET", "dialogues-dev2.jsonl")


def test_dev3(conversation: Conversation, dev3: list[dict[str, object]]) -> None:
    c, bad = score_lines(conversation, dev3)
    why = "\n".join(bad)
    assert c.right >= 0.88 * c.in_scope, why
    assert c.wrong <= 0.045 * c.in_scope, why
    assert c.nearmiss_answered <= 0.23 * c.nearmiss, why
    assert c.oos_answered == 0, why
    assert c.oos_noise <= 0.03 * c.oos, why


def test_dialogues_dev2(conversation: Conversation,
                        dialogues2: list[dict[str, object]]) -> None:
    c, bad = score_lines(conversation, dialogues2)
    why = "\n".join(bad)
    assert c.right >= 0.80 * c.in_scope, why
    assert c.wrong <= 0.105 * c.in_scope, why
    assert c.nearmiss_answered <= 0.08 * c.nearmiss, why


def test_this_sessions_blind_set(conversation: Conversation) -> None:
    """Written from the seeds and the entry list by a helper who had not read the code; its
    first run (right 0.800, wrong 0.048) is the blind measure of that session."""
    c, bad = score_lines(conversation, load_jsonl(DATA / "questions4.jsonl"))
    why = "\n".join(bad)
    assert c.right >= 0.88 * c.in_scope, why
    assert c.wrong <= 0.045 * c.in_scope, why
    assert c.nearmiss_answered <= 0.05 * c.nearmiss, why
    assert c.oos_answered <= 1, why


def test_this_sessions_blind_conversations(conversation: Conversation) -> None:
    c, bad = score_lines(conversation, load_jsonl(DATA / "dialogues4.jsonl"))
    why = "\n".join(bad)
    assert c.right >= 0.80 * c.in_scope, why
    assert c.wrong <= 0.085 * c.in_scope, why
