"""The sets that were blind until they were released (dev3, dialogues-dev2) and this project's
own first blind set: floors at today's figures, so a change that answers them worse is seen.

Counted the way ../shared/eval/score.py counts: right = an accepted id answered confidently,
wrong = another id answered confidently, a near-miss or out-of-scope line answered = any
confident answer where none is right.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.conversation import Conversation
from bot.dialogue import ContextStore

from .conftest import load_jsonl, shared_eval_set

DATA = Path(__file__).parent / "data"


@dataclass
class Counts:
    right: int = 0
    wrong: int = 0
    in_scope: int = 0
    nearmiss_answered: int = 0
    nearmiss: int = 0
    oos_answered: int = 0
    oos_noise: int = 0
    oos: int = 0


def count(conversation: Conversation, rows: list[dict[str, object]]) -> tuple[Counts, list[str]]:
    """Each line answered in its conversation (a line without one stands alone)."""
    store, c, bad = ContextStore(), Counts(), []
    for n, row in enumerate(rows):
        key = str(row.get("conversation", n))
        turn = conversation.respond(str(row["q"]), context=store.get(key))
        store.put(key, turn.context)
        first = turn.replies[0]
        answered = [r.entry_id for r in turn.replies if r.kind == "answer"]
        ids = list(row["ids"])  # type: ignore[call-overload]
        said = f"{row['q']!r} -> {first.kind} {answered}"
        if ids:
            c.in_scope += 1
            want = set(row.get("all") or ())  # type: ignore[call-overload]
            ok = want <= set(answered) if want else bool(answered) and answered[0] in ids
            c.right += ok
            if answered and not want and answered[0] not in ids:
                c.wrong += 1
                bad.append("WRONG " + said)
            elif not ok:
                bad.append("miss " + said)
        elif row.get("kind") == "oos":
            c.oos += 1
            c.oos_answered += bool(answered)
            c.oos_noise += first.kind in ("suggest", "partial")
        else:
            c.nearmiss += 1
            c.nearmiss_answered += bool(answered)
            if answered:
                bad.append("near-miss answered " + said)
    return c, bad


@pytest.fixture(scope="module")
def dev3() -> list[dict[str, object]]:
    return shared_eval_set("ELECTIONBOT_DEV3_SET", "dev3.jsonl")


@pytest.fixture(scope="module")
def dialogues2() -> list[dict[str, object]]:
    return shared_eval_set("ELECTIONBOT_DIALOGUES2_SET", "dialogues-dev2.jsonl")


def test_dev3(conversation: Conversation, dev3: list[dict[str, object]]) -> None:
    c, bad = count(conversation, dev3)
    why = "\n".join(bad)
    assert c.right >= 0.88 * c.in_scope, why
    assert c.wrong <= 0.045 * c.in_scope, why
    assert c.nearmiss_answered <= 0.23 * c.nearmiss, why
    assert c.oos_answered == 0, why
    assert c.oos_noise <= 0.03 * c.oos, why


def test_dialogues_dev2(conversation: Conversation,
                        dialogues2: list[dict[str, object]]) -> None:
    c, bad = count(conversation, dialogues2)
    why = "\n".join(bad)
    assert c.right >= 0.80 * c.in_scope, why
    assert c.wrong <= 0.105 * c.in_scope, why
    assert c.nearmiss_answered <= 0.08 * c.nearmiss, why


def test_this_sessions_blind_set(conversation: Conversation) -> None:
    """Written from the seeds and the entry list by a helper who had not read the code; its
    first run (right 0.800, wrong 0.048) is the blind measure of that session."""
    c, bad = count(conversation, load_jsonl(DATA / "questions4.jsonl"))
    why = "\n".join(bad)
    assert c.right >= 0.88 * c.in_scope, why
    assert c.wrong <= 0.045 * c.in_scope, why
    assert c.nearmiss_answered <= 0.05 * c.nearmiss, why
    assert c.oos_answered <= 1, why


def test_this_sessions_blind_conversations(conversation: Conversation) -> None:
    c, bad = count(conversation, load_jsonl(DATA / "dialogues4.jsonl"))
    why = "\n".join(bad)
    assert c.right >= 0.80 * c.in_scope, why
    assert c.wrong <= 0.085 * c.in_scope, why
