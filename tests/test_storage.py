"""SQLite storage: schema versioning, per-user language, anonymous aggregates."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import (
    MAX_STORED_CHARS,
    SCHEMA_VERSION,
    BackgroundStorage,
    Storage,
    safe_text,
)

from .conftest import TOKEN


def test_schema_is_created_versioned_and_reopened(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "bot.sqlite3"
    storage = Storage(db)
    assert storage.schema_version == SCHEMA_VERSION
    storage.set_language(1, "be")
    storage.close()
    again = Storage(db)
    assert again.language(1) == "be" and again.schema_version == SCHEMA_VERSION
    assert again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    Storage(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE schema_version SET version = 999")
    con.commit()
    con.close()
    with pytest.raises(RuntimeError, match="newer than this program"):
        Storage(db)


def test_language_forget_feedback_and_stats(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "bot.sqlite3", today=lambda: "2026-11-25")
    storage.set_language(7, "ru")
    storage.set_language(7, "be")  # a new choice replaces the old one
    storage.set_language(8, "be")
    storage.feedback("enemo-about", up=True)
    storage.feedback("enemo-about", up=False)
    storage.feedback("enemo-about", up=True)
    storage.record("be", "answer", "kept? no")
    storage.record("be", "suggest", "ENEMO Belarus", nearest="enemo-about", score=0.5)
    stats = storage.stats()
    assert stats.users_per_language == {"be": 2}
    assert stats.questions == {"answer": 1, "suggest": 1}
    assert stats.feedback == {"enemo-about": (2, 1)}
    [kept] = storage.questions()
    assert (kept.text, kept.status, kept.nearest, kept.day) == ("ENEMO Belarus", "suggest",
                                                                "enemo-about", "2026-11-25")
    assert storage.forget(7) is True and storage.language(7) is None
    assert storage.forget(7) is False
    columns = [r[1] for r in storage._db.execute("PRAGMA table_info(questions)")]
    assert not {"user_id", "chat_id", "time"} & set(columns)  # no way back to a person
    storage.close()


def sqlite_varint(value: int) -> bytes:
    """SQLite's big-endian varint (how a rowid such as users.user_id sits in a page)."""
    groups = []
    while True:
        groups.append(value & 0x7F)
        value >>= 7
        if not value:
            break
    groups.reverse()
    return bytes(g | 0x80 for g in groups[:-1]) + bytes(groups[-1:])


def test_forget_leaves_no_copy_in_the_files(tmp_path: Path) -> None:
    """Defect 6: the deleted row was still readable in the -wal file until a restart."""
    db = tmp_path / "bot.sqlite3"
    uid = 123_456_789_012
    storage = Storage(db)
    needle = storage._key_of(uid)  # what the row is stored under (issue 18: never the id)
    storage.set_language(uid, "be")
    files = [db, db.with_name(db.name + "-wal")]

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in files if p.exists())

    assert needle in on_disk()  # the check below can fail
    assert storage.forget(uid) is True
    assert needle not in on_disk()
    wal = files[1]
    assert not wal.exists() or wal.stat().st_size == 0
    storage.close()


def test_database_and_folder_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.sqlite3"
    storage = Storage(db)
    storage.set_language(1, "be")
    modes = {p.name: p.stat().st_mode & 0o777 for p in (db.parent, *db.parent.iterdir())}
    storage.close()
    assert modes.pop("data") == 0o700
    assert modes and all(mode == 0o600 for mode in modes.values()), modes


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    db.touch(mode=0o644)
    db.chmod(0o644)
    Storage(db).close()
    assert db.stat().st_mode & 0o777 == 0o600


def test_stored_texts_are_cut_and_made_safe(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "bot.sqlite3")
    storage.record("en", "none", "xyzzy \ud800 plugh")
    storage.record("en", "none", "x" * 120_000)
    texts = sorted((q.text for q in storage.questions()), key=len)  # row ids carry no order
    storage.close()
    assert texts[0] == "xyzzy ? plugh"
    assert len(texts[1]) == MAX_STORED_CHARS
    assert safe_text("a\udfffb") == "a?b"


async def test_background_storage_logs_failures_once(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    storage = Storage(tmp_path / "bot.sqlite3")
    store = BackgroundStorage(storage, log_every=60)

    def broken(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    for _ in range(20):
        store.write(broken, "en", "none")
    await store.call(lambda: None)
    assert store.failures == 20
    lines = [r for r in caplog.records if "storage write" in r.getMessage()]
    assert len(lines) == 1 and "disk is full" in lines[0].getMessage()
    assert await store.read(lambda: 1 / 0) is None  # a failing read gives None, not an error
    store.close()


async def test_a_slow_read_gives_up_in_time(tmp_path: Path) -> None:
    import time

    store = BackgroundStorage(Storage(tmp_path / "bot.sqlite3"), read_timeout=0.1)
    started = time.monotonic()
    assert await store.read(time.sleep, 1.0) is None
    assert time.monotonic() - started < 0.5
    store.close()


async def test_queued_writes_run_together_in_order(tmp_path: Path) -> None:
    """Writes wait for one another (one thread wake-up for many) but keep their order."""
    import threading

    store = BackgroundStorage(Storage(tmp_path / "bot.sqlite3"), linger=0.05)
    seen: list[tuple[int, str]] = []

    def note(n: int) -> None:
        seen.append((n, threading.current_thread().name))

    for n in range(50):
        store.write(note, n)
    assert seen == []  # nothing ran on the caller's thread
    store.storage.set_language(7, "be")
    assert await store.call(lambda: [n for n, _ in seen]) == list(range(50))
    assert {name for _, name in seen} == {"storage-write_0"}
    store.close()
    assert seen[-1][0] == 49


async def test_a_language_is_read_from_the_database_once(tmp_path: Path) -> None:
    from bot.conversation import Conversation
    from bot.service.config import Settings
    from bot.telegram.context import Services

    storage = Storage(tmp_path / "bot.sqlite3")
    storage.set_language(5, "be")
    reads: list[int] = []

    class Counting(Storage):
        def language(self, user_id: int) -> str | None:
            reads.append(user_id)
            return super().language(user_id)

    counting = Counting(tmp_path / "bot.sqlite3")
    services = Services(Conversation.load(), BackgroundStorage(counting),
                        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN}), b"k" * 32)
    assert [await services.language(5) for _ in range(3)] == ["be"] * 3
    assert [await services.language(6) for _ in range(3)] == [None] * 3
    assert reads == [5, 6]
    services.remember_language(5, "ru")  # a choice made now applies at once
    assert await services.language(5) == "ru" and reads == [5, 6]
    services.store.close()
    storage.close()


async def test_a_failed_language_read_is_not_remembered(tmp_path: Path) -> None:
    from bot.conversation import Conversation
    from bot.service.config import Settings
    from bot.telegram.context import Services

    class Flaky(Storage):
        failing = True

        def language(self, user_id: int) -> str | None:
            if self.failing:
                raise sqlite3.OperationalError("database is locked")
            return "ru"

    flaky = Flaky(tmp_path / "bot.sqlite3")
    services = Services(Conversation.load(), BackgroundStorage(flaky),
                        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN}),
                        b"k" * 32)
    assert await services.language(9) is None  # the database failed: no choice known
    flaky.failing = False
    assert await services.language(9) == "ru"  # asked again, not a remembered failure
    services.store.close()
