"""Speed and memory benchmark (not a test): `python -m tests.benchmark [--dev FILE]`.

Reports the median time per question of the real `electionbot ask --batch` over a question file,
and how matching scales when the knowledge base grows to thousands of entries (synthetic entries
made from the shipped ones, each with its own rare word so that the index really grows).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from bot.conversation import Conversation
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.matcher import Matcher

ROOT = Path(__file__).resolve().parent.parent


def batch_timing(questions_file: Path) -> dict[str, float]:
    """Run `electionbot ask --json --batch` and time each answer as it streams out."""
    questions = [json.loads(line)["q"] for line in questions_file.read_text("utf-8").splitlines()
                 if line.strip()]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json", "--batch", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdin and proc.stdout
    proc.stdin.write("\n".join(questions) + "\n")
    proc.stdin.close()
    stamps = []
    for _ in proc.stdout:
        stamps.append(time.perf_counter())
    proc.wait()
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    return {
        "questions": len(stamps),
        "startup_and_first_s": stamps[0] - start if stamps else float("nan"),
        "median_ms_per_question": statistics.median(gaps) * 1000 if gaps else float("nan"),
        "total_s": time.perf_counter() - start,
    }


def grown_base(kb: KnowledgeBase, size: int, seed: int = 7) -> KnowledgeBase:
    """A base of `size` entries: copies of the real ones, each with a unique rare word."""
    rng = random.Random(seed)
    entries = dict(kb.entries)
    originals = list(kb.entries.values())
    i = 0
    while len(entries) < size:
        src = originals[i % len(originals)]
        tag = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(7))
        questions = {lang: tuple(f"{q} {tag}" for q in qs) for lang, qs in src.questions.items()}
        new_id = f"{src.id}-{i}"
        entries[new_id] = replace(src, id=new_id, questions=questions, related=())
        i += 1
    return replace(kb, entries=entries)


def scaling(kb: KnowledgeBase, sizes: list[int], questions: list[str]) -> list[dict[str, float]]:
    rows = []
    for size in sizes:
        big = grown_base(kb, size)
        t0 = time.perf_counter()
        matcher = Matcher(big)
        build = time.perf_counter() - t0
        times = []
        for q in questions:
            t = time.perf_counter()
            matcher.match(q)
            times.append(time.perf_counter() - t)
        rows.append({"entries": size,
                     "phrasings": sum(len(v) for e in big.entries.values()
                                      for v in e.questions.values()),
                     "build_s": round(build, 3),
                     "median_ms": round(statistics.median(times) * 1000, 3),
                     "p95_ms": round(sorted(times)[int(len(times) * 0.95) - 1] * 1000, 3),
                     "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                         1)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", type=Path,
                        default=Path(os.environ.get("ELECTIONBOT_DEV_SET", ROOT.parent / "shared"
                                                    / "eval" / "dev.jsonl")))
    parser.add_argument("--sizes", default="15,1000,5000")
    args = parser.parse_args()
    files = [p for p in (args.dev, ROOT / "tests" / "data" / "questions.jsonl") if p.is_file()]
    for path in files:
        print(f"ask --batch over {path.name}: {json.dumps(batch_timing(path))}")
    kb = load_knowledge(ROOT / "knowledge")
    questions = [json.loads(line)["q"] for p in files
                 for line in p.read_text("utf-8").splitlines() if line.strip()]
    Conversation.load()  # catalogs load too: fail here rather than in the middle
    for row in scaling(kb, [int(s) for s in args.sizes.split(",")], questions):
        print(f"scale: {json.dumps(row)}")


if __name__ == "__main__":
    main()
