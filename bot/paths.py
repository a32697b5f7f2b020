"""Where the packaged knowledge base and catalogs live."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    # A source checkout (or editable install) reads the maintainers' folders directly; a wheel
    # carries copies inside the package (see pyproject.toml's package-dir).
    in_repo = _PACKAGE.parent / name
    if in_repo.is_dir() and (_PACKAGE.parent / "pyproject.toml").is_file():
        return in_repo
    return _PACKAGE / f"{name}_data"


def default_knowledge_dir() -> Path:
    """ELECTIONBOT_KB if set, else the packaged `knowledge/`."""
    return Path(os.environ.get("ELECTIONBOT_KB") or _data_dir("knowledge"))


def default_locales_dir() -> Path:
    """ELECTIONBOT_LOCALES if set, else the packaged `locales/`."""
    return Path(os.environ.get("ELECTIONBOT_LOCALES") or _data_dir("locales"))
