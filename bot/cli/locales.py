"""`electionbot locales`: check, update and start the translation catalogs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from bot.cli.common import UserError, resolve_dirs


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `locales` and its subcommands check, update and init."""
    locales = sub.add_parser("locales", help="translation catalog tools")
    loc_sub = locales.add_subparsers(dest="locales_command", metavar="LOCALES_COMMAND",
                                     required=True)
    loc_check = loc_sub.add_parser("check", help="report the state of every catalog")
    loc_check.add_argument("--locales", metavar="DIR", type=Path, default=None,
                           help="catalogs directory (default: $ELECTIONBOT_LOCALES, else "
                           "./locales in a checkout, else the packaged one)")
    loc_check.add_argument("--format", choices=("text", "json"), default="text")
    loc_check.set_defaults(handler=run_locales_check)
    loc_update = loc_sub.add_parser(
        "update", help="extract both domains and update every catalog (run in a checkout)")
    loc_update.add_argument("--check", action="store_true",
                            help="change nothing; exit 1 if the templates or catalogs are not "
                            "what extraction gives (CI)")
    loc_update.set_defaults(handler=run_locales_update)
    loc_init = loc_sub.add_parser("init", help="start the catalogs of a new language")
    loc_init.add_argument("language", metavar="LANG", help="language code, e.g. pl or uk")
    loc_init.set_defaults(handler=run_locales_init)


def run_locales_check(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Each catalog's state and who sees it; exit 1 when one fails."""
    from dataclasses import asdict

    from bot.authoring.catalog_check import THRESHOLD, check_locales, visibility

    resolve_dirs(args, None)
    statuses = check_locales(args.locales)
    shown = visibility(statuses)
    if args.format == "json":
        out.write(json.dumps([{**asdict(s), "ok": s.ok, "percent": round(s.percent, 1),
                               "visible": shown[s.lang][0]} for s in statuses],
                             ensure_ascii=False, indent=2) + "\n")
    else:
        for status in statuses:
            out.write(status.line() + "\n")
            out.writelines(f"       {problem}\n" for problem in status.problems)
        for lang, (visible, ui, kb) in shown.items():
            if not visible:
                out.write(f"{lang}: hidden from citizens until {THRESHOLD} are translated "
                          f"(now {ui:.0%} and {kb:.0%})\n")
        bad = [s for s in statuses if not s.ok]
        failing = any(s.failing for s in statuses)
        out.write(f"{'INCOMPLETE' if failing else 'OK'}: {len(statuses) - len(bad)} of "
                  f"{len(statuses)} catalogs complete\n")
    return 1 if any(s.failing for s in statuses) else 0


def _checkout() -> Path:
    """The checkout this runs in; extraction needs its sources, not an installed package."""
    from bot.knowledge.paths import find_checkout

    root = find_checkout()
    if root is None:
        raise UserError("not in an electionbot checkout: run this from the repository root "
                        "(where pyproject.toml, bot/, knowledge/ and locales/ are)")
    return root


def run_locales_update(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Extract and merge (or, with --check, only say what would change)."""
    from bot.authoring.catalog_update import update

    root = _checkout()
    written = update(root, dry_run=args.check)
    changed = [w for w in written if w.changed]
    for w in changed:
        verb = "out of date" if args.check else "updated"
        out.write(f"{verb}: {w.path.relative_to(root)}\n")
    if args.check and changed:
        out.write("The catalogs are not what extraction gives: run `electionbot locales "
                  "update` and commit the result.\n")
        return 1
    if not changed:
        out.write(f"All {len(written)} templates and catalogs are up to date.\n")
    elif not args.check:
        out.write("Next: translate the empty and fuzzy entries, then run `electionbot locales "
                  "check`.\n")
    return 0


def run_locales_init(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    """Create the new language's catalogs from the templates."""
    from bot.authoring.catalog_update import init

    root = _checkout()
    for w in init(root, args.language):
        out.write(f"created: {w.path.relative_to(root)}\n")
    out.write(f"The language stays hidden from citizens until its catalogs are complete enough; "
              f"`electionbot locales check` shows how far '{args.language}' is.\n")
    return 0
