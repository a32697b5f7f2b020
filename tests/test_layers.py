"""The layers of bot/ (docs/architecture.md): each package imports only from those below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"

# bottom first; a module at the top of bot/ (errors, logs) is below every package
LAYERS = ("language", "knowledge", "answering", "storage", "conversation", "authoring",
          "service", "telegram", "cli")
ROOT_MODULES = {"errors", "logs"}


def _layer(module: str) -> int | None:
    """The layer of a bot module name (-1 for the modules at the top of bot/), else None."""
    parts = module.split(".")
    if parts[0] != "bot" or len(parts) < 2:
        return None
    if parts[1] in ROOT_MODULES:
        return -1
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every bot import in a file, lazy ones inside functions included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.module != "bot" else [
                f"bot.{a.name}" for a in node.names]
            found += [(node.lineno, n) for n in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, n) for line, n in found if n == "bot" or n.startswith("bot.")]


def _module(path: Path) -> str:
    return "bot." + ".".join(path.relative_to(BOT).with_suffix("").parts)


def _upward(path: Path, module: str) -> list[str]:
    """The imports of `path` (the module `module`) from a layer above its own."""
    own = _layer(module)
    if own is None:
        return []
    return [f"{module}:{line} imports {name}" for line, name in _imports(path)
            if (layer := _layer(name)) is not None and layer > own]


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in BOT.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS)


@pytest.mark.parametrize("package", LAYERS)
def test_nothing_imports_upward(package: str) -> None:
    assert [u for p in sorted((BOT / package).rglob("*.py"))
            for u in _upward(p, _module(p))] == []


def test_the_core_imports_no_telegram() -> None:
    below = [p for name in LAYERS[:LAYERS.index("conversation") + 1]
             for p in (BOT / name).rglob("*.py")]
    for path in below:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            modules = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                       else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            assert not any(m == "telegram" or m.startswith("telegram.") for m in modules), path


def test_an_upward_import_is_found(tmp_path: Path) -> None:
    # the check itself: a module of the answering layer that imports the transport, lazily
    probe = tmp_path / "probe.py"
    probe.write_text("import re\n\n\ndef f():\n    from bot.telegram.app import build_application\n"
                     "    from bot.language import text\n", "utf-8")
    assert _upward(probe, "bot.answering.probe") == [
        "bot.answering.probe:5 imports bot.telegram.app"]
