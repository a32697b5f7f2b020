"""The compiled-base cache: same answers as a fresh load, and nothing in it is trusted blindly."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.answering import cache as kbcache
from bot.answering.matcher import Matcher
from bot.knowledge import base as knowledge_module
from bot.knowledge.base import KnowledgeError, load_knowledge

from .benchmark import generate_base

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["What is ENEMO?", "ЦВК і СНД", "obse v belarusi", "Кто наблюдает за выборами?",
             "Хто запрашае назіральнікаў?", "cec partners abroad", "Правда ли, что ЦИК — это ООН?"]


@pytest.fixture()
def kb_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(kbcache.CACHE_ENV, str(tmp_path / "cache"))
    shutil.copytree(ROOT / "knowledge", tmp_path / "kb")
    return tmp_path / "kb"


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The topic files that get parsed by PyYAML (the lexicon is read apart)."""
    seen: list[str] = []
    real = knowledge_module.read_yaml_file

    def counting(path: Path, rel: str, problems: list[Any]) -> Any:
        if "/" not in rel:
            seen.append(rel)
        return real(path, rel, problems)

    monkeypatch.setattr(knowledge_module, "read_yaml_file", counting)
    return seen


def _same(a: Matcher, b: Matcher) -> None:
    assert a.kb == b.kb
    for q in QUESTIONS:
        assert a.match(q) == b.match(q), q


def _base_file(kb_dir: Path) -> Path:
    return kbcache._base_path(kbcache.cache_dir(), kb_dir)


def test_warm_load_skips_parsing_and_answers_the_same(kb_dir: Path, parses: list[str]) -> None:
    fresh = Matcher(load_knowledge(kb_dir))
    parses.clear()
    _same(kbcache.load_matcher(kb_dir), fresh)
    assert len(parses) == 4  # cold: every topic file
    parses.clear()
    warm = kbcache.load_matcher(kb_dir)
    assert parses == []
    _same(warm, fresh)


def test_editing_one_file_parses_only_it(kb_dir: Path, parses: list[str]) -> None:
    kbcache.load_matcher(kb_dir)
    parses.clear()
    path = kb_dir / "enemo.yaml"
    path.write_text(path.read_text("utf-8").replace(
        '- "What is ENEMO?"', '- "What is ENEMO?"\n        - "Who are ENEMO, the monitors?"'),
        "utf-8")
    reloaded = kbcache.load_matcher(kb_dir)
    assert parses == ["enemo.yaml"]
    assert "Who are ENEMO, the monitors?" in reloaded.kb.entries["enemo-about"].questions["en"]
    _same(reloaded, Matcher(load_knowledge(kb_dir)))


def test_reusing_an_older_index_builds_the_same_one(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(kbcache.CACHE_ENV, str(tmp_path / "cache"))
    kb_dir = generate_base(tmp_path / "kb", 80)
    kbcache.load_matcher(kb_dir)
    synthetic = next(kb_dir.glob("zz-*.yaml"))
    # one entry loses its phrasings' words, another entry appears
    text = synthetic.read_text("utf-8").replace("Rud", "Qux")
    synthetic.write_text(text, "utf-8")
    (kb_dir / "new.yaml").write_text(
        "topic: fresh\ntitle: Fresh\nentries:\n  - id: fresh-one\n    questions:\n"
        "      be: [\"Што такое Зорвелія?\"]\n      ru: [\"Что такое Зорвелия?\"]\n"
        "      en: [\"What is Zorvelia?\"]\n    answer: A test.\n"
        "    sources: [{title: Test}]\n", "utf-8")
    reused, fresh = kbcache.load_matcher(kb_dir), Matcher(load_knowledge(kb_dir))
    a, b = reused.index, fresh.index
    assert a.lang_words == b.lang_words and a.known_words == b.known_words
    assert a.vocabulary.words == b.vocabulary.words
    assert [a.phrasing_term_set(p) for p in range(len(a.phrasing_term_ptr) - 1)] == \
           [b.phrasing_term_set(p) for p in range(len(b.phrasing_term_ptr) - 1)]
    assert reused.ranker.weights == pytest.approx(fresh.ranker.weights)
    for q in [*QUESTIONS, "What is Zorvelia?", "Qux?", "Rudkerkeror"]:
        assert reused.match(q) == fresh.match(q), q


def test_stale_cache_is_rebuilt(kb_dir: Path) -> None:
    kbcache.load_matcher(kb_dir)
    path = kb_dir / "cec.yaml"
    path.write_text(path.read_text("utf-8").replace("- id: cec-about", "- id: cec-about-new"),
                    "utf-8")
    path.write_text(path.read_text("utf-8").replace("[cec-partners, aceeeo-membership]",
                                                    "[cec-partners]"), "utf-8")
    reloaded = kbcache.load_matcher(kb_dir)
    assert "cec-about-new" in reloaded.kb.entries and "cec-about" not in reloaded.kb.entries


def test_a_base_from_other_code_is_not_even_unpickled(kb_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """After an upgrade the old compiled base (and each file's parse) is rebuilt without being
    read: its classes may have changed shape, and nothing of it is trusted."""
    kbcache.load_matcher(kb_dir)
    monkeypatch.setattr(kbcache, "_code_digest", lambda: b"other code")
    unpickled: list[Any] = []
    real = kbcache._Unpickler.load

    def counting(self: Any) -> Any:
        unpickled.append(self)
        return real(self)

    monkeypatch.setattr(kbcache._Unpickler, "load", counting)
    with caplog.at_level("WARNING"):
        upgraded = kbcache.load_matcher(kb_dir)
    assert unpickled == [] and not caplog.records
    _same(upgraded, Matcher(load_knowledge(kb_dir)))
    # the same code again reuses what it wrote
    kbcache.load_matcher(kb_dir)
    assert len(unpickled) == 1


def test_a_broken_base_is_reported_not_served_from_the_cache(kb_dir: Path) -> None:
    kbcache.load_matcher(kb_dir)
    (kb_dir / "cec.yaml").write_text("topic: [\n", "utf-8")
    with pytest.raises(KnowledgeError):
        kbcache.load_matcher(kb_dir)


def test_corrupt_cache_is_ignored(kb_dir: Path, parses: list[str]) -> None:
    kbcache.load_matcher(kb_dir)
    base = _base_file(kb_dir)
    data = bytearray(base.read_bytes())
    data[-100] ^= 0xFF
    base.write_bytes(bytes(data))
    parses.clear()
    rebuilt = kbcache.load_matcher(kb_dir)
    assert parses == []  # each file's own parse is intact; only the base was rebuilt
    _same(rebuilt, Matcher(load_knowledge(kb_dir)))
    assert kbcache._read(base, kbcache.source_key(kb_dir)) is not None


def test_truncated_and_foreign_files_are_ignored(kb_dir: Path) -> None:
    kbcache.load_matcher(kb_dir)
    base = _base_file(kb_dir)
    base.write_bytes(base.read_bytes()[:50])
    _same(kbcache.load_matcher(kb_dir), Matcher(load_knowledge(kb_dir)))
    os.chmod(base, 0o666)  # writable by anyone: someone else could have written it
    assert kbcache._read(base, kbcache.source_key(kb_dir)) is None
    _same(kbcache.load_matcher(kb_dir), Matcher(load_knowledge(kb_dir)))


class _Exploit:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        return (os.system, (f"touch {self.marker}",))


def test_a_crafted_pickle_is_never_executed(kb_dir: Path, tmp_path: Path) -> None:
    """Even with a valid header and hash, only the project's data classes are rebuilt."""
    marker = tmp_path / "pwned"
    key = kbcache.source_key(kb_dir)
    payload = pickle.dumps([key, _Exploit(marker), {}, key])
    base = _base_file(kb_dir)
    base.parent.mkdir(parents=True, exist_ok=True)
    base.write_bytes(kbcache.MAGIC + key + key + hashlib.sha256(payload).digest() + payload)
    os.chmod(base, 0o600)
    matcher = kbcache.load_matcher(kb_dir)
    assert not marker.exists()
    _same(matcher, Matcher(load_knowledge(kb_dir)))


def test_an_unwritable_cache_dir_only_costs_speed(kb_dir: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv(kbcache.CACHE_ENV, str(blocker / "cache"))
    _same(kbcache.load_matcher(kb_dir), Matcher(load_knowledge(kb_dir)))


def test_cache_dir_default_is_the_user_cache(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.delenv(kbcache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert kbcache.cache_dir() == tmp_path / "electionbot"


def test_kb_compile_warms_the_cache(kb_dir: Path, parses: list[str],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli.main import main

    assert main(["kb", "compile", "--kb", str(kb_dir)]) == 0
    parses.clear()
    count = len(load_knowledge(kb_dir).entries)
    assert f"compiled {count} entries into {kbcache.cache_dir()}" in capsys.readouterr().out
    parses.clear()
    kbcache.load_matcher(kb_dir)
    assert parses == []


def test_loading_gives_the_cycle_collector_back_as_it_was(
        kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The collector is paused while a base loads (it would rescan the growing heap), and is
    on again afterwards, also when the base is broken; one that was off stays off."""
    import gc

    seen: list[bool] = []
    real = kbcache.Matcher

    def watching(*args: Any, **kwargs: Any) -> Matcher:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    assert gc.isenabled()
    monkeypatch.setattr(kbcache, "Matcher", watching)
    kbcache.load_compiled(kb_dir)
    assert seen == [False] and gc.isenabled()
    (kb_dir / "cec.yaml").write_text("- [broken", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        kbcache.load_compiled(kb_dir)
    assert gc.isenabled()
    gc.disable()
    try:
        kbcache.load_compiled(ROOT / "knowledge")
        assert not gc.isenabled()
    finally:
        gc.enable()
