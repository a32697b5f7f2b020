"""SQLite storage: schema versioning, per-user language, anonymous aggregates."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import SCHEMA_VERSION, Storage


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
