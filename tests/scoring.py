"""Counting replies to eval lines the way ../shared/eval/score.py counts them, for the tests and
the threshold fit: right = an accepted id answered confidently (for a line with "all", every id
in it), wrong = another id answered confidently, a near-miss or out-of-scope line answered = any
confident answer where none is right."""

from __future__ import annotations

from dataclasses import dataclass, fields

from bot.answering.dialogue import ContextStore
from bot.conversation import Conversation


@dataclass(frozen=True)
class Tally:
    right: int = 0
    wrong: int = 0
    in_scope: int = 0
    nearmiss_answered: int = 0
    nearmiss: int = 0
    oos_answered: int = 0
    oos_noise: int = 0
    oos: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def score_lines(conversation: Conversation, rows: list[dict[str, object]],
                ) -> tuple[Tally, list[str]]:
    """The tally of the lines, each answered in its conversation (a line without one stands
    alone), and one line a maintainer can read for each that was not right."""
    store, tally, bad = ContextStore(), Tally(), []
    for n, row in enumerate(rows):
        key = str(row.get("conversation", f"line {n}"))
        turn = conversation.respond(str(row["q"]), context=store.get(key))
        store.put(key, turn.context)
        first = turn.replies[0]
        answered = [r.entry_id for r in turn.replies if r.kind == "answer"]
        ids = list(row["ids"])  # type: ignore[call-overload]
        said = f"{row['q']!r} -> {first.kind} {answered}"
        if ids:
            want = set(row.get("all") or ())  # type: ignore[call-overload]
            ok = want <= set(answered) if want else bool(answered) and answered[0] in ids
            wrong = bool(answered) and not want and answered[0] not in ids
            tally += Tally(right=int(ok), wrong=int(wrong), in_scope=1)
            if not ok:
                bad.append(("WRONG " if wrong else "miss ") + said)
        elif row.get("kind") == "oos":
            tally += Tally(oos_answered=int(bool(answered)), oos=1,
                           oos_noise=int(first.kind in ("suggest", "partial")))
            if answered:
                bad.append("out of scope answered " + said)
        else:
            tally += Tally(nearmiss_answered=int(bool(answered)), nearmiss=1)
            if answered:
                bad.append("near-miss answered " + said)
    return tally, bad
