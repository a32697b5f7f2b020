"""Where the knowledge base and catalogs are read from, and why.

Order: an explicit directory (--kb / --locales), then the environment (ELECTIONBOT_KB /
ELECTIONBOT_LOCALES), then the source checkout the command runs in (the current directory or a
parent holding this project's pyproject.toml), then the checkout the package was installed from
in editable mode, then the copy packaged inside the wheel. A maintainer who edits `knowledge/`
in a checkout therefore sees the edit whatever kind of install runs the command.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # bot/
PROJECT_NAME = "electionbot"
_NAME_RE = re.compile(r'^\s*name\s*=\s*["\']electionbot["\']\s*$', re.MULTILINE)
ENV = {"knowledge": "ELECTIONBOT_KB", "locales": "ELECTIONBOT_LOCALES"}


@dataclass(frozen=True)
class DataDir:
    """A data directory and the reason it was chosen (said on stderr by the tools)."""

    path: Path
    why: str

    def describe(self, what: str) -> str:
        return f"{what}: {self.path} ({self.why})"


def is_checkout(directory: Path) -> bool:
    """True for the root of an electionbot source tree."""
    pyproject = directory / "pyproject.toml"
    try:
        return pyproject.is_file() and bool(_NAME_RE.search(pyproject.read_text("utf-8")))
    except (OSError, UnicodeDecodeError):
        return False


def find_checkout(start: Path | None = None) -> Path | None:
    """The electionbot checkout containing `start` (default: the current directory)."""
    try:
        here = (start or Path.cwd()).resolve()
    except OSError:  # the current directory was deleted
        return None
    for directory in (here, *here.parents):
        if is_checkout(directory):
            return directory
    return None


def resolve_data_dir(name: str, explicit: Path | str | None = None,
                     env: Mapping[str, str] | None = None,
                     cwd: Path | None = None) -> DataDir:
    """Where `knowledge` or `locales` comes from, following the order in the module docstring."""
    if explicit is not None:
        return DataDir(Path(explicit), "given on the command line")
    env = os.environ if env is None else env
    variable = ENV[name]
    if env.get(variable):
        return DataDir(Path(env[variable]), f"from ${variable}")
    checkout = find_checkout(cwd)
    if checkout is not None and (checkout / name).is_dir():
        return DataDir(checkout / name, "the checkout in the current directory")
    installed_from = _PACKAGE.parent
    if is_checkout(installed_from) and (installed_from / name).is_dir():
        return DataDir(installed_from / name, "the checkout the package is installed from")
    return DataDir(_PACKAGE / f"{name}_data", "the copy installed with the package")


def default_knowledge_dir() -> Path:
    """The knowledge directory a command uses when none is given."""
    return resolve_data_dir("knowledge").path


def default_locales_dir() -> Path:
    """The catalogs directory a command uses when none is given."""
    return resolve_data_dir("locales").path
