"""Small helpers shared by test modules."""

from __future__ import annotations

import socket
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file by `new`; fails when `old` is not there, so that a test
    never goes on with an edit that did not happen."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
