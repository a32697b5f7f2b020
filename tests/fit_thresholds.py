"""Fit the decision thresholds by cross-validation (not a test): `python -m tests.fit_thresholds`.

The answer / partial / suggest decision rests on a few scores
(`bot.answering.thresholds.Thresholds`). This script reads the shared eval sets (dev, dev2, dev3
and the two conversation sets), cuts them into folds (single questions by line, conversations
whole), and for each fold picks, on the other folds, the grid point with the best objective, then
reports what that choice does on the held-out fold. A wrong confident answer is the worst outcome,
so the objective is

    right - 3 * wrong - nearmiss answered - out-of-scope answered

(each a count). The held-out figures say how the fitted thresholds do on questions they were not
fitted on; the same figures for the thresholds in the code say whether those are as good.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.answering.matcher import Matcher
from bot.answering.thresholds import Thresholds
from bot.conversation import Conversation, answer_texts
from bot.knowledge.base import load_knowledge
from bot.knowledge.catalogs import load_catalogs

from .benchmark import EVAL_DIR, ROOT
from .scoring import Tally, score_lines

SINGLE = ("dev.jsonl", "dev2.jsonl", "dev3.jsonl")
DIALOGUES = ("dialogues-dev.jsonl", "dialogues-dev2.jsonl")
GRID = {
    "grounded_answer": (0.36, 0.39, 0.42, 0.45, 0.5),
    "margin": (0.03, 0.06, 0.09),
    "partial": (0.25, 0.3, 0.35),
    "suggest_window": (0.15, 0.25),
}
WRONG_COST = 3


def _objective(t: Tally) -> int:
    return t.right - WRONG_COST * t.wrong - t.nearmiss_answered - t.oos_answered


def _line(t: Tally) -> str:
    def share(a: int, b: int) -> str:
        return f"{a / b:.3f}" if b else "-"
    return (f"right {share(t.right, t.in_scope)}, wrong {share(t.wrong, t.in_scope)} "
            f"(n={t.in_scope}); nearmiss answered {share(t.nearmiss_answered, t.nearmiss)} "
            f"(n={t.nearmiss}); oos answered {t.oos_answered}/{t.oos}")


# one unit of cross-validation: a single question, or a whole conversation
Unit = list[dict[str, object]]


def _units(names: Iterable[str], by_conversation: bool) -> list[Unit]:
    units: list[Unit] = []
    for name in names:
        path = EVAL_DIR / name
        if not path.is_file():
            continue
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        if not by_conversation:
            units += [[line] for line in lines]
            continue
        for _, turns in itertools.groupby(lines, key=lambda x: x["conversation"]):
            units.append(list(turns))
    return units


def _grid() -> list[Thresholds]:
    keys = list(GRID)
    return [replace(Thresholds(), **dict(zip(keys, values, strict=True)))
            for values in itertools.product(*(GRID[k] for k in keys))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    kb = load_knowledge(ROOT / "knowledge")
    catalogs = load_catalogs(ROOT / "locales")
    answers = answer_texts(kb, catalogs)
    index = Matcher(kb, answers=answers).index
    units = _units(SINGLE, False) + _units(DIALOGUES, True)
    if not units:
        print(f"no eval sets in {EVAL_DIR}")
        return 1
    random.Random(args.seed).shuffle(units)
    folds = [units[i :: args.folds] for i in range(args.folds)]

    grid = _grid()
    current = Thresholds()
    if current not in grid:
        grid.append(current)
    # every grid point's tally on every fold, worked out once
    per_fold: list[list[Tally]] = []
    for thresholds in grid:
        conversation = Conversation(kb, catalogs, Matcher(kb, thresholds, answers, index))
        per_fold.append([sum((score_lines(conversation, u)[0] for u in fold), Tally())
                         for fold in folds])

    held_out, fixed = Tally(), Tally()
    at_current = grid.index(current)
    for k in range(args.folds):
        train = [sum((t for i, t in enumerate(row) if i != k), Tally()) for row in per_fold]
        best = max(range(len(grid)), key=lambda g: (_objective(train[g]), g == at_current))
        held_out += per_fold[best][k]
        fixed += per_fold[at_current][k]
        chosen = {key: getattr(grid[best], key) for key in GRID}
        print(f"fold {k + 1}: chose {chosen}; held out: {_line(per_fold[best][k])}")
    print(f"held out, fitted per fold: {_line(held_out)}")
    print(f"held out, thresholds in the code: {_line(fixed)}")
    whole = [sum(row, Tally()) for row in per_fold]
    best = max(range(len(grid)), key=lambda g: (_objective(whole[g]), g == at_current))
    print(f"best on all folds: { {key: getattr(grid[best], key) for key in GRID} } "
          f"({_line(whole[best])}); in the code: {_line(whole[at_current])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
