"""Speed, memory and accuracy benchmark (not a test): `python -m tests.benchmark`.

Generates knowledge bases of growing size in the real YAML shape (the shipped topic files plus
synthetic entries: every shipped phrasing rewritten with made-up organisation and country names),
then, for each size in fresh processes, measures cold and cached load time, RSS (of a warm
start that has answered every question, and the peak of a cold start), the time per
question (p50/p95/p99 and questions per second) over the eval sets, accuracy on dev and dev2 with
the synthetic entries present, and the naive `rapidfuzz.process.extractOne(WRatio)` baseline over
every phrasing in the same run. Also `electionbot bench`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.base import KnowledgeBase
from bot.language import text as tx

ROOT = Path(__file__).resolve().parent.parent
# the shared eval sets sit beside the main checkout; worktrees are one level deeper
EVAL_DIR = next((d for d in (ROOT.parent / "shared" / "eval",
                             ROOT.parent.parent / "shared" / "eval") if d.is_dir()),
                ROOT.parent / "shared" / "eval")
SYNTHETIC_MARK = "-syn"
ENTRIES_PER_FILE = 500
# 4 phrasings per language: ~120k phrasings at 10,000 entries, as in issue 11's measurements
PHRASINGS_PER_LANG = 4
# synonym groups that name an organisation or a country: the slots a template fills
NAME_GROUPS = frozenset({
    "cec", "osce", "enemo", "aceeeo", "cis", "mfa", "viasna", "bhc", "hrdfe", "belarus",
    "russia", "ukraine", "moldova", "armenia", "azerbaijan", "kazakhstan", "kyrgyzstan",
    "tajikistan", "uzbekistan", "georgia", "latvia", "lithuania", "kosovo", "bolivia", "vietnam",
    "china", "india", "iran", "japan"})

# syllables of made-up names; Cyrillic spellings are derived so a name reads alike in be/ru/en
_SYLLABLES = ["val", "mer", "dor", "kal", "vin", "tra", "zel", "mon", "sar", "bel", "gor", "lin",
              "ros", "tam", "ker", "nov", "pal", "rud", "sel", "tor", "vak", "zor", "mir", "dan"]
_TO_CYRILLIC = {"a": "а", "b": "б", "d": "д", "e": "е", "g": "г", "i": "и", "k": "к", "l": "л",
                "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у",
                "v": "в", "z": "з"}
_ENDINGS = {"en": ["ia", "an", "or"], "ru": ["ия", "ан", "ор"], "be": ["ія", "ан", "ор"]}


def _name(rng: random.Random) -> dict[str, str]:
    stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3))))
    ending = rng.randrange(3)
    cyr = "".join(_TO_CYRILLIC[c] for c in stem)
    if rng.random() < 0.3:  # an acronym, like OSCE/АБСЕ; 4–5 letters, so that thousands of
        # made-up ones do not take every three-letter combination (СНД, ЦВК typed in Latin)
        letters = stem[:1] + "".join(rng.choice("bdgklmnprstvz")
                                     for _ in range(rng.choice((3, 4))))
        return {"en": letters.upper(),
                "ru": "".join(_TO_CYRILLIC[c] for c in letters).upper(),
                "be": "".join(_TO_CYRILLIC[c] for c in letters).upper().replace("И", "І")}
    return {"en": (stem + _ENDINGS["en"][ending]).capitalize(),
            "ru": (cyr + _ENDINGS["ru"][ending]).capitalize(),
            "be": (cyr.replace("и", "і") + _ENDINGS["be"][ending]).capitalize()}


def _name_stems(kb: KnowledgeBase) -> frozenset[str]:
    """Stems of the lexicon's one-word names of organisations and countries (беларускай)."""
    return frozenset(tx.stem(w) for g in kb.lexicon.synonyms if g.key in NAME_GROUPS
                     for term in g.terms if len(ws := tx.words(term)) == 1 for w in ws)


def _rename(question: str, lang: str, names: list[dict[str, str]],
            name_stems: frozenset[str] = frozenset()) -> str:
    """A shipped phrasing with its names (capitalised words, acronyms, the lexicon's names of
    organisations and countries) made up: the real question templates with other names."""
    out, renamed = [], False
    for i, token in enumerate(question.split(" ")):
        core = token.strip("?!.,:;«»\"()—")
        if len(core) > 1 and ((core[0].isupper() and (i > 0 or core.isupper()))
                              or any(tx.stem(w) in name_stems for w in tx.words(core))):
            pick = names[sum(map(ord, core[:4])) % len(names)][lang if lang in _ENDINGS else "en"]
            out.append(token.replace(core, pick))
            renamed = True
        else:
            out.append(token)
    text = " ".join(out)
    if not renamed:  # a phrasing without a name is about the made-up organisation too
        text = f"{text.rstrip('?')} — {names[0][lang if lang in _ENDINGS else 'en']}?"
    return text


def generate_base(target: Path, size: int, seed: int = 11) -> Path:
    """Write a knowledge directory of `size` entries: the shipped ones plus synthetic ones."""
    from bot.knowledge.base import load_knowledge

    shipped = ROOT / "knowledge"
    kb = load_knowledge(shipped)
    shutil.copytree(shipped, target)
    rng = random.Random(seed)
    name_stems = _name_stems(kb)
    originals = list(kb.entries.values())
    count = size - len(originals)
    for start in range(0, max(count, 0), ENTRIES_PER_FILE):
        entries = []
        for i in range(start, min(start + ENTRIES_PER_FILE, count)):
            src = originals[i % len(originals)]
            names = [_name(rng) for _ in range(3)]
            entries.append({
                "id": f"{src.id[:30]}{SYNTHETIC_MARK}{i}",
                "questions": {lang: [_rename(q, lang, names, name_stems)
                                     for q in rng.sample(qs, min(PHRASINGS_PER_LANG, len(qs)))]
                              for lang, qs in src.questions.items()},
                "answer": f"Synthetic answer number {i} about {names[0]['en']}.",
                "sources": [{"title": f"Synthetic source {i}"}],
            })
        topic = {"topic": f"synthetic-{start // ENTRIES_PER_FILE}", "order": 1000,
                 "title": f"Synthetic topic {start // ENTRIES_PER_FILE}", "entries": entries}
        (target / f"zz-synthetic-{start // ENTRIES_PER_FILE:03d}.yaml").write_text(
            yaml.dump(topic, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False,
                      width=1000), encoding="utf-8")
    return target


def batch_timing(questions_file: Path) -> dict[str, float]:
    """Run `electionbot ask --json --batch` and time each answer as it streams out."""
    questions = [r["q"] for r in _rows(questions_file)]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json", "--batch", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdin and proc.stdout
    proc.stdin.write("\n".join(questions) + "\n")
    proc.stdin.close()
    stamps = [time.perf_counter() for _ in proc.stdout]
    proc.wait()
    gaps = sorted(b - a for a, b in itertools.pairwise(stamps))
    return {"questions": len(stamps),
            "startup_and_first_s": round(stamps[0] - start, 3) if stamps else float("nan"),
            "median_ms_per_question": round(gaps[len(gaps) // 2] * 1000, 3) if gaps
            else float("nan"),
            "total_s": round(time.perf_counter() - start, 3)}


def _rows(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _eval_sets() -> dict[str, list[dict[str, Any]]]:
    dev = Path(os.environ.get("ELECTIONBOT_DEV_SET", EVAL_DIR / "dev.jsonl"))
    dev2 = Path(os.environ.get("ELECTIONBOT_DEV2_SET", EVAL_DIR / "dev2.jsonl"))
    sets = {"dev": _rows(dev), "dev2": _rows(dev2),
            "questions": _rows(ROOT / "tests" / "data" / "questions.jsonl"),
            "questions2": _rows(ROOT / "tests" / "data" / "questions2.jsonl")}
    return {k: v for k, v in sets.items() if v}


def _pct(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def _loader() -> tuple[Callable[[Path], Any], Callable[[Path], Any]]:
    """(cold load, cached load) of a knowledge directory into a ready matcher, with each
    entry's answer in every catalog language, as the bot loads it (grounding reads them)."""
    from bot.answering.cache import load_matcher
    from bot.conversation import answer_texts
    from bot.knowledge.catalogs import load_catalogs

    catalogs = load_catalogs(ROOT / "locales")

    def answers(kb: KnowledgeBase) -> dict[str, list[str]]:
        return answer_texts(kb, catalogs)

    def cold(d: Path) -> Any:
        return load_matcher(d, use_cache=False, answers=answers)

    def cached(d: Path) -> Any:
        return load_matcher(d, answers=answers)

    return cold, cached


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_cold(kb_dir: Path) -> dict[str, Any]:
    """A start without the compiled-base cache, in this (fresh) process: its time and peak
    RSS; then the cache is written for the warm start."""
    cold_load, cached_load = _loader()
    t0 = time.perf_counter()
    matcher = cold_load(kb_dir)
    cold = time.perf_counter() - t0
    row = {"cold_load_s": round(cold, 3), "cold_rss_mb": round(_rss_mb(), 1)}
    del matcher
    cached_load(kb_dir)  # writes the cache
    return row


def measure(kb_dir: Path, baseline_questions: int) -> dict[str, Any]:
    """A start from the compiled-base cache and every eval question, in this (fresh)
    process: the bot's steady state on election day."""
    from rapidfuzz import fuzz, process

    from bot.answering.dialogue import understand

    _, cached_load = _loader()
    t0 = time.perf_counter()
    matcher = cached_load(kb_dir)
    cached = time.perf_counter() - t0

    sets = _eval_sets()
    questions = [r["q"] for rows in sets.values() for r in rows]
    for q in questions[:20]:  # warm-up
        matcher.match(q)
    # wall time, and this thread's CPU time: on a shared machine the first also counts the
    # time other processes hold the core
    times, cpu = [], []
    for q in questions:
        t, c = time.perf_counter(), time.thread_time()
        matcher.match(q)
        cpu.append(time.thread_time() - c)
        times.append(time.perf_counter() - t)

    accuracy: dict[str, dict[str, int]] = {}
    for name in ("dev", "dev2"):
        c = {"n": 0, "right": 0, "wrong": 0, "oos": 0, "oos_answered": 0, "synthetic": 0}
        for row in sets.get(name, []):
            # as `ask --json` reads a message: one match, or one per question it asks
            matches = understand(matcher, row["q"], None)
            m = matches[0]
            answered = m.status == "answer"
            c["synthetic"] += any(x.status == "answer" and SYNTHETIC_MARK in str(x.entry_id)
                                  for x in matches)
            if row["ids"]:
                c["n"] += 1
                c["right"] += answered and m.entry_id in row["ids"]
                c["wrong"] += answered and m.entry_id not in row["ids"]
            else:
                c["oos"] += 1
                c["oos_answered"] += answered
        accuracy[name] = c
    rss = _rss_mb()  # loaded, every question answered, before the baseline's own lists

    phrasings = [q for e in matcher.kb.entries.values() for qs in e.questions.values() for q in qs]
    # spread over the same questions as the matcher's times (short paraphrases and long
    # messages alike): a p99 ratio of two different mixes would say little
    step = max(1, len(questions) // max(baseline_questions, 1))
    base_times = []
    for q in questions[::step][:baseline_questions]:
        t = time.perf_counter()
        process.extractOne(q, phrasings, scorer=fuzz.WRatio)
        base_times.append(time.perf_counter() - t)
    baseline = {"baseline_p50_ms": round(_pct(base_times, 50), 2),
                "baseline_p99_ms": round(_pct(base_times, 99), 2)} if base_times else {}
    return {
        "entries": len(matcher.kb.entries), "phrasings": len(phrasings),
        "questions": len(times),
        "p50_ms": round(_pct(times, 50), 3), "p95_ms": round(_pct(times, 95), 3),
        "p99_ms": round(_pct(times, 99), 3),
        "cpu_p50_ms": round(_pct(cpu, 50), 3), "cpu_p99_ms": round(_pct(cpu, 99), 3),
        "qps": round(len(times) / sum(times), 1),
        "cached_load_s": round(cached, 3), "rss_mb": round(rss, 1),
        **baseline, "accuracy": accuracy,
    }


# figures that vary from run to run with what else the machine does: their median is reported
_TIMED = ("p50_ms", "p95_ms", "p99_ms", "cpu_p50_ms", "cpu_p99_ms", "qps", "cold_load_s",
          "cached_load_s")


def _combined(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One row from several runs of a size: the median of each timing, the largest RSS, the
    first run's baseline and accuracy (the matcher is deterministic)."""
    row = dict(runs[0])
    for key in _TIMED:
        row[key] = round(statistics.median(r[key] for r in runs), 3)
    row["rss_mb"] = max(r["rss_mb"] for r in runs)
    row["cold_rss_mb"] = max(r["cold_rss_mb"] for r in runs)
    if "baseline_p99_ms" in row:
        row["speedup_p99"] = round(row["baseline_p99_ms"] / max(row["p99_ms"], 1e-9), 1)
    row["runs"] = len(runs)
    return row


def _pct_of(c: dict[str, int], key: str, of: str) -> str:
    return f"{100 * c[key] / c[of]:.1f}" if c[of] else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="15,1000,10000,20000",
                        help="comma-separated entry counts (15 = the shipped base alone)")
    parser.add_argument("--baseline-questions", type=int, default=40,
                        help="questions timed with the naive WRatio baseline (it is slow)")
    parser.add_argument("--runs", type=int, default=3,
                        help="fresh processes per size (cold and warm); timings are their "
                             "median, so one busy moment of the machine does not decide them")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: one size
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)  # with --one
    parser.add_argument("--json", action="store_true", help="print JSON lines only")
    parser.add_argument("--ask-batch", action="store_true",
                        help="also time the real `electionbot ask --batch` over dev")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure_cold(args.one) if args.cold
                         else measure(args.one, args.baseline_questions)))
        return 0

    if args.ask_batch:
        dev = Path(os.environ.get("ELECTIONBOT_DEV_SET", EVAL_DIR / "dev.jsonl"))
        print(f"ask --batch over {dev.name}: {json.dumps(batch_timing(dev))}")
    with tempfile.TemporaryDirectory(prefix="electionbot-bench-") as tmp:
        env = dict(os.environ, ELECTIONBOT_CACHE_DIR=str(Path(tmp) / "cache"))
        if not args.json:
            print("| entries | phrasings | p50 / p95 / p99 ms | CPU p50 / p99 ms | q/s "
                  "| load cold / cached s "
                  "| RSS MB warm (cold peak) | WRatio p99 ms (×) | dev right/wrong/oos-ans % "
                  "| dev2 right/wrong/oos-ans % | synthetic answers |")
            print("|---" * 11 + "|")
        for size in (int(s) for s in args.sizes.split(",")):
            kb_dir = generate_base(Path(tmp) / f"kb{size}", size)
            runs = []
            for run in range(max(args.runs, 1)):
                row: dict[str, Any] = {}
                # a cold start, then a warm one, each in a fresh process; the slow baseline
                # only in the first
                baseline = args.baseline_questions if run == 0 else 0
                for extra in (["--cold"], ["--baseline-questions", str(baseline)]):
                    proc = subprocess.run([sys.executable, "-m", "tests.benchmark", "--one",
                                           str(kb_dir), *extra],
                                          cwd=ROOT, env=env, capture_output=True, text=True)
                    if proc.returncode != 0:
                        print(f"benchmark of {size} entries failed:\n{proc.stderr[-2000:]}",
                              file=sys.stderr)
                        return 1
                    row.update(json.loads(proc.stdout.splitlines()[-1]))
                runs.append(row)
            row = _combined(runs)
            if args.json:
                print(json.dumps(row))
                continue
            acc = row["accuracy"]
            cells = [str(row["entries"]), str(row["phrasings"]),
                     f"{row['p50_ms']} / {row['p95_ms']} / {row['p99_ms']}",
                     f"{row['cpu_p50_ms']} / {row['cpu_p99_ms']}", str(row["qps"]),
                     f"{row['cold_load_s']} / {row['cached_load_s']}",
                     f"{row['rss_mb']} ({row['cold_rss_mb']})",
                     f"{row['baseline_p99_ms']} ({row['speedup_p99']}×)"
                     if "speedup_p99" in row else "-"]
            for name in ("dev", "dev2"):
                c = acc[name]
                cells.append(f"{_pct_of(c, 'right', 'n')} / {_pct_of(c, 'wrong', 'n')} / "
                             f"{_pct_of(c, 'oos_answered', 'oos')}")
            cells.append(str(acc["dev"]["synthetic"] + acc["dev2"]["synthetic"]))
            print("| " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
