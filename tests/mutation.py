"""Mutation testing of the modules that carry the bot's promises (docs/testing.md).

    .venv/bin/python -m tests.mutation actions render dialogue   # some modules
    .venv/bin/python -m tests.mutation                           # all of them
    .venv/bin/python -m tests.mutation --show actions            # and the surviving mutants' diffs

For each module, mutmut (the `test` extra) changes the code one small mutation at a time
(`<` to `<=`, a constant, a string, a dropped call...) and runs that module's fast test selection
against each mutant: a mutant that no test notices "survives". Each module runs in its own copy
of the checkout under `.mutation/<module>/` (git-ignored), so the work tree is never touched and
modules can run one after another with their own settings. Prints killed / survived per module
and the score; exits 1 when a module's score is under `--min` (default 0). Survivors that are
equivalent to the original (no behaviour can tell them apart) are listed, with why, in
docs/testing.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"


@dataclass(frozen=True)
class Target:
    """A module that carries a promise, and the fast tests that check it."""

    source: str
    tests: tuple[str, ...]
    # when given, only the mutants of these functions count (mutmut names them
    # `module.x_function__mutmut_N` / `module.xǁClassǁmethod__mutmut_N`): the part of a larger
    # module that carries the promise, e.g. the decision in conversation.py beside its pages
    only: tuple[str, ...] = ()
    # further modules the promise continues in, mutated with `source`
    also: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source, *self.also)


TARGETS: dict[str, Target] = {
    "actions": Target("bot/conversation/actions.py",
                      ("tests/test_actions.py", "tests/test_promises.py")),
    "render": Target("bot/conversation/render.py",
                     ("tests/test_render.py", "tests/test_promises.py")),
    "dialogue": Target("bot/answering/dialogue.py",
                       ("tests/test_context.py", "tests/test_dialogue.py",
                        "tests/test_promises.py", "tests/test_conversation.py")),
    "decision": Target("bot/conversation/core.py",
                       ("tests/test_replies.py", "tests/test_promises.py",
                        "tests/test_context.py", "tests/test_conversation.py",
                        "tests/test_generalise.py"),
                       only=("xǁConversationǁreply__", "xǁConversationǁdecline_text__",
                             "xǁConversationǁrespond__", "xǁConversationǁreply_language__")),
    "storage": Target("bot/storage/retention.py",
                      ("tests/test_storage.py", "tests/test_storage_deletes.py"),
                      only=("xǁRetentionǁforget__", "xǁRetentionǁexpire__",
                            "xǁLanguagesǁlanguage__", "xǁLanguagesǁset_language__",
                            "xǁDatabaseǁ_days_ago__"),
                      also=("bot/storage/languages.py", "bot/storage/database.py")),
    "delivery": Target("bot/telegram/delivery.py", ("tests/test_promises.py",
                                                    "tests/test_delivery.py")),
    "webhook": Target("bot/telegram/webhook.py", ("tests/test_webhook.py",
                                                  "tests/test_webhook_hardening.py")),
}

SHARED = {"TELEGRAM_BOT_API_SPEC": "shared/telegram-bot-api/api.json",
          "ELECTIONBOT_DEV_SET": "shared/eval/dev.jsonl",
          "ELECTIONBOT_DEV2_SET": "shared/eval/dev2.jsonl",
          "ELECTIONBOT_DIALOGUES_SET": "shared/eval/dialogues-dev.jsonl"}

_RESULT = re.compile(r"^\s*(\S+): (\w[\w ]*)$")


def _copy_checkout(dest: Path) -> None:
    """The checkout's files (tracked and new, not ignored) in `dest`, fresh."""
    if dest.exists():
        shutil.rmtree(dest)
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], cwd=ROOT, capture_output=True, check=True
                           ).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def _config(target: Target) -> str:
    def toml_list(items: tuple[str, ...] | list[str]) -> str:
        return "[" + ", ".join(f'"{i}"' for i in items) + "]"

    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["bot/"]\n'
        f"only_mutate = {toml_list(target.sources)}\n"
        'also_copy = ["knowledge/", "locales/", "babel.cfg"]\n'
        f"pytest_add_cli_args_test_selection = {toml_list(target.tests)}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]\n'
        # each mutant in a worker forked from a clean server, not from the process that ran
        # the suite for coverage: state it left (caches, loops) would decide some results
        'process_isolation = "forkserver"\n'
    )


def run_module(name: str, show: bool, again: bool = True) -> tuple[int, int, list[str]]:
    """(killed, survived, names of the survivors) for one module; with `again` False, the
    results of the last run are read again."""
    target = TARGETS[name]
    work = WORK / name
    fresh = again or not work.is_dir()
    if fresh:
        _copy_checkout(work)
        with (work / "pyproject.toml").open("a", encoding="utf-8") as fh:
            fh.write(_config(target))
    mutmut = str(Path(sys.executable).parent / "mutmut")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    # the copy is not beside ../shared: point the tests at the checkout's shared materials
    for variable, path in SHARED.items():
        if not env.get(variable) and (ROOT.parent / path).is_file():
            env[variable] = str(ROOT.parent / path)
    if fresh:
        subprocess.run([mutmut, "run"], cwd=work, env=env, stdout=subprocess.DEVNULL,
                       check=False)
    listed = subprocess.run([mutmut, "results", "--all", "true"], cwd=work, env=env,
                            capture_output=True, text=True, check=False).stdout
    status = {m.group(1): m.group(2) for line in listed.splitlines()
              if (m := _RESULT.match(line))}
    if target.only:
        status = {k: v for k, v in status.items() if any(f in k for f in target.only)}
    survivors = sorted(k for k, v in status.items() if v in ("survived", "no tests"))
    killed = sum(1 for v in status.values() if v in ("killed", "timeout"))
    if show:
        for mutant in survivors:
            diff = subprocess.run([mutmut, "show", mutant], cwd=work, env=env,
                                  capture_output=True, text=True, check=False).stdout
            print(f"--- {mutant}\n{diff}")
    return killed, len(survivors), survivors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help=f"any of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    parser.add_argument("--results", action="store_true",
                        help="report the last run's results again, without running")
    parser.add_argument("--min", type=float, default=0.0, metavar="PERCENT",
                        help="exit 1 when a module's score is below this")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    worst = 100.0
    for name in args.modules or list(TARGETS):
        killed, survived, survivors = run_module(name, args.show, again=not args.results)
        total = killed + survived
        score = 100.0 * killed / total if total else 100.0
        worst = min(worst, score)
        print(f"{name:9} {TARGETS[name].source:28} killed {killed:4} / {total:4}  "
              f"{score:5.1f}%  survivors: {', '.join(s.rpartition('.')[2] for s in survivors)}",
              flush=True)
    return 1 if worst < args.min else 0


if __name__ == "__main__":
    sys.exit(main())
