"""Issue 18, part 1: what a seized database, its -wal/-shm files or a backup reveal.

The probes look for Telegram user ids in every byte of the files, in each form SQLite could
keep them in: ASCII digits, a varint (a rowid, a b-tree key), a big-endian record integer.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.conversation import Conversation
from bot.service.config import ConfigError, Settings
from bot.storage import (
    SCHEMA_VERSION,
    BackgroundStorage,
    Storage,
    key_file_for,
)
from bot.storage.schema import _MIGRATIONS

from .conftest import TOKEN
from .e2e import ask, bot_with, button_for, buttons, press, settings_for, user
from .fakebotapi import FakeBotAPI
from .test_storage import sqlite_varint

# ids in the range Telegram hands out today (above 2^32, so every form below is 5+ bytes long
# and a chance match in a few hundred kilobytes is out of the question)
ALICE, BORIS, CHLOE = 6_187_334_021, 7_402_918_337, 5_530_661_409


def id_forms(uid: int) -> list[bytes]:
    """How a user id can sit in an SQLite file: as text, as a varint (rowids, index keys), as
    a record integer (6 or 8 bytes, big-endian)."""
    return [str(uid).encode(), sqlite_varint(uid), uid.to_bytes(8, "big"),
            uid.to_bytes(6, "big")]


def db_files(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


def leaks(files: list[Path], uids: list[int]) -> list[str]:
    """Which id appears in which file (empty: none)."""
    found = []
    for path in files:
        if not path.exists():
            continue
        data = path.read_bytes()
        found += [f"{uid} in {path.name}" for uid in uids
                  for form in id_forms(uid) if form in data]
    return found


def v3_database(db: Path, users: dict[int, str], texts: list[tuple[str, str]]) -> None:
    """A database as the bot left it before issue 18 (schema 3): raw ids in `users`, the reply
    language with each stored text."""
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for step in _MIGRATIONS[:3]:
        con.executescript(step)
    con.execute("INSERT INTO schema_version VALUES (3)")
    con.executemany("INSERT INTO users (user_id, lang) VALUES (?, ?)", users.items())
    con.executemany("INSERT INTO questions (day, text, status, lang) VALUES ('2026-11-30', ?, "
                    "'none', ?)", texts)
    con.close()


# --- item 1: language choices under a keyed hash, outside-kept key, expiry --------------------

def test_the_file_holds_no_user_id_and_the_choice_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    storage = Storage(db)
    storage.set_language(ALICE, "ru")
    storage.set_language(BORIS, "be")
    assert leaks(db_files(db), [ALICE, BORIS]) == []
    storage.close()
    again = Storage(db)
    assert again.language(ALICE) == "ru" and again.language(BORIS) == "be"
    assert again.language(CHLOE) is None
    assert again.stats().users_per_language == {"be": 1, "ru": 1}
    again.close()
    assert leaks(db_files(db), [ALICE, BORIS]) == []


def test_the_key_is_generated_beside_the_database_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.sqlite3"
    storage = Storage(db)
    storage.set_language(ALICE, "be")
    storage.close()
    key_file = key_file_for(db)
    assert key_file == tmp_path / "data" / "bot.sqlite3.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64 and int(key, 16)  # 32 random bytes, as hex
    assert key.encode() not in db.read_bytes()  # the database alone names nobody
    # without the key the choice cannot be found: another key reads nothing
    other = Storage(db, key_file=tmp_path / "elsewhere.key")
    assert other.language(ALICE) is None
    other.close()
    given = Storage(db, user_key=key.encode())  # ELECTIONBOT_USER_KEY: the same key, given
    assert given.language(ALICE) == "be"
    given.close()


def test_user_key_settings(tmp_path: Path) -> None:
    base = {"TELEGRAM_BOT_TOKEN": TOKEN}
    with pytest.raises(ConfigError, match="at least 32"):
        Settings.from_env({**base, "ELECTIONBOT_USER_KEY": "short"})
    settings = Settings.from_env({**base, "ELECTIONBOT_USER_KEY": "k" * 40,
                                  "ELECTIONBOT_USER_KEY_FILE": str(tmp_path / "key"),
                                  "ELECTIONBOT_LANGUAGE_DAYS": "30"})
    assert settings.user_key == "k" * 40 and "k" * 40 not in repr(settings)
    assert settings.user_key_file == tmp_path / "key" and settings.language_days == 30
    assert Settings.from_env(base).language_days == 365  # 12 months by default


def test_a_choice_unused_for_the_configured_time_expires(tmp_path: Path) -> None:
    day = ["2026-01-10"]
    storage = Storage(tmp_path / "bot.sqlite3", today=lambda: day[0], language_days=365)
    storage.set_language(ALICE, "ru")
    storage.set_language(BORIS, "be")
    day[0] = "2026-11-20"
    storage.touch(BORIS)  # Boris still uses the bot
    day[0] = "2027-02-01"  # more than 12 months after Alice's last use
    storage.expire()
    assert storage.language(ALICE) is None and storage.language(BORIS) == "be"
    assert storage.stats().users_per_language == {"be": 1}
    storage.close()


def test_the_migration_rekeys_old_choices_and_leaves_no_raw_id(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    v3_database(db, {ALICE: "en", BORIS: "be", CHLOE: "ru"},
                [("Как приготовить борщ?", "en"), ("xyzzy plugh", "be")])
    assert leaks(db_files(db), [ALICE]) != []  # the probe can fail
    storage = Storage(db, user_key=b"m" * 32)
    assert storage.schema_version == SCHEMA_VERSION
    assert (storage.language(ALICE), storage.language(BORIS), storage.language(CHLOE)) == \
        ("en", "be", "ru")
    # item 2: the old column held the reply's language, which could point at the asker
    assert {(q.text, q.lang) for q in storage.questions()} == {
        ("Как приготовить борщ?", None), ("xyzzy plugh", None)}
    assert leaks(db_files(db), [ALICE, BORIS, CHLOE]) == []
    storage.close()
    assert leaks(db_files(db), [ALICE, BORIS, CHLOE]) == []


# --- the realistic session of "Done when" -----------------------------------------------------

async def test_a_realistic_session_leaves_no_id_in_any_file_or_backup(
        api: FakeBotAPI, tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.sqlite3"
    db.parent.mkdir(mode=0o700)
    backup = tmp_path / "backup.sqlite3"
    alice, boris, chloe = user(ALICE, "ru"), user(BORIS, "be"), user(CHLOE, "en")
    async with bot_with(api, settings_for(api, db)) as app:
        for who, lang in ((alice, "ru"), (boris, "be"), (chloe, "en")):
            menu = await ask(api, who, "/language")
            await press(api, who, menu, button_for(menu, f"setlang:{lang}"))
        await ask(api, alice, "Что такое ENEMO?")  # sure
        offered = await ask(api, boris, "ENEMO Belarus")  # unsure: "did you mean"
        await press(api, boris, offered, buttons(offered)[0])
        await ask(api, chloe, "Как приготовить борщ?")  # no answer: its text is kept
        forget = await ask(api, chloe, "/forget")
        await press(api, chloe, forget, button_for(forget, "forget:yes"))
        store = app.bot_data["services"].store
        await store.call(lambda: None)  # the queued writes are done
        assert store.storage.language(ALICE) == "ru" and store.storage.language(CHLOE) is None
        assert await asyncio.to_thread(main, ["backup", "--db", str(db), str(backup)]) == 0
        assert leaks([*db_files(db), backup], [ALICE, BORIS, CHLOE]) == []
    files = [*db_files(db), backup]
    assert leaks(files, [ALICE, BORIS, CHLOE]) == []
    assert key_file_for(db).read_bytes() not in backup.read_bytes()
    with sqlite3.connect(backup) as copy:  # the backup still holds what the bot learned
        assert copy.execute("SELECT COUNT(*) FROM languages").fetchone()[0] == 2
        assert copy.execute("PRAGMA freelist_count").fetchone()[0] == 0
    with sqlite3.connect(db) as con:  # the texts, held in memory, were written at the stop
        assert con.execute("SELECT COUNT(*) FROM questions").fetchone()[0] >= 2
        assert con.execute("SELECT COUNT(*) FROM choices").fetchone()[0] == 1


# --- item 2: a stored text carries its own language ----------------------------------------------

async def test_a_stored_text_carries_its_own_language_not_the_askers_choice(
        api: FakeBotAPI, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    who = user(ALICE, "ru")
    async with bot_with(api, settings_for(api, db)) as app:
        menu = await ask(api, who, "/language")
        await press(api, who, menu, button_for(menu, "setlang:en"))
        reply = await ask(api, who, "Как приготовить борщ?")
        assert reply.params["text"].startswith("Sorry")  # in English, the chosen language
        store = app.bot_data["services"].store
        await store.call(lambda: None)
        assert store.storage.stats().questions == {"none": 1}  # counted (an aggregate)
    stored = Storage(db)
    [kept] = stored.questions()
    stored.close()
    assert (kept.text, kept.lang) == ("Как приготовить борщ?", "ru")


# --- item 3: /forget and retention leave no bytes behind ------------------------------------------

def _reader(db: Path) -> sqlite3.Connection:
    """A concurrent reader holding a snapshot open, as a backup, `kb gaps` or a shell would."""
    con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    con.execute("BEGIN")
    con.execute("SELECT COUNT(*) FROM languages").fetchone()
    return con


def test_forget_waits_out_a_reader_and_then_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    storage = Storage(db)
    storage.set_language(ALICE, "ru")
    key = storage._key_of(ALICE)
    reader = _reader(db)
    storage.set_language(BORIS, "be")  # a frame the reader's snapshot does not include
    threading.Timer(0.15, lambda: reader.execute("COMMIT")).start()
    assert storage.forget(ALICE) is True
    data = b"".join(p.read_bytes() for p in db_files(db)[:2] if p.exists())
    assert key not in data and storage.language(BORIS) == "be"
    assert db_files(db)[1].stat().st_size == 0  # the log was emptied, and that was checked
    reader.close()
    storage.close()


# (slow: SQLite's busy waits on a checkpoint that a reader holds up, about 30 s in all)
@pytest.mark.slow
def test_a_checkpoint_that_cannot_complete_is_reported_and_retried(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "bot.sqlite3"
    storage = Storage(db)
    storage.set_language(ALICE, "ru")
    key = storage._key_of(ALICE)
    reader = _reader(db)
    storage.set_language(BORIS, "be")
    with caplog.at_level(logging.WARNING):
        assert storage.forget(ALICE) is True  # the row is gone; its bytes wait for the reader
    [warning] = [r.getMessage() for r in caplog.records if "checkpoint" in r.getMessage()]
    assert str(ALICE) not in warning and storage.unscrubbed
    reader.execute("COMMIT")
    reader.close()
    storage.expire()  # the daily maintenance retries the scrub
    assert not storage.unscrubbed
    assert key not in b"".join(p.read_bytes() for p in db_files(db)[:2] if p.exists())
    storage.close()


def test_expired_texts_leave_no_bytes_behind(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    day = ["2026-01-01"]
    storage = Storage(db, today=lambda: day[0], retention_days=30)
    storage.record("ru", "none", "секретное пытанне пра назіральнікаў")
    storage.record("ru", "none", "x" * 400)  # more rows: interior pages, free pages
    day[0] = "2026-03-01"
    storage.record("ru", "none", "a new question")
    assert storage.expire() == 0  # the record above expired them already
    data = b"".join(p.read_bytes() for p in db_files(db) if p.exists())
    assert "секретное".encode() not in data and b"x" * 400 not in data
    assert storage._db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    storage.close()


async def test_forgets_queued_together_share_one_vacuum(tmp_path: Path) -> None:
    scrubs: list[float] = []

    class Counting(Storage):
        def scrub(self) -> bool:
            scrubs.append(time.monotonic())
            return super().scrub()

    storage = Counting(tmp_path / "bot.sqlite3")
    uids = [ALICE + i for i in range(20)]
    for uid in uids:
        storage.set_language(uid, "be")
    store = BackgroundStorage(storage)
    results = await asyncio.gather(*(store.forget(uid) for uid in [*uids, CHLOE]))
    assert results == [True] * 20 + [False]
    assert len(scrubs) < 5  # batched on the writer thread, not one VACUUM per user
    assert all(storage.language(uid) is None for uid in uids)
    scrubs.clear()
    assert await store.forget(CHLOE) is False
    assert scrubs == []  # nothing deleted: no VACUUM spent (a cheap /forget costs none)
    store.close()


async def test_retention_runs_on_a_timer_without_traffic(api: FakeBotAPI, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    day = ["2026-01-01"]
    storage = Storage(db, today=lambda: day[0], retention_days=30, hold_texts=True)
    storage.record("en", "none", "an old question about observers")
    storage.flush_texts()
    async with bot_with(api, settings_for(api, db, retention_days=30, batch_every=0.2),
                        storage) as app:
        day[0] = "2026-03-01"  # a quiet day comes: no question arrives
        for _ in range(50):
            await asyncio.sleep(0.1)
            if not await app.bot_data["services"].store.call(storage.questions):
                break
        assert await app.bot_data["services"].store.call(storage.questions) == []
    assert b"an old question" not in b"".join(p.read_bytes() for p in db_files(db)
                                              if p.exists())


def test_a_backup_is_a_clean_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "bot.sqlite3"
    storage = Storage(db)
    for i in range(300):
        storage.record("en", "none", f"question {i} " + "y" * 200)
    storage.close()
    raw = sqlite3.connect(db)  # rows deleted without a VACUUM (e.g. by an older version)
    raw.execute("PRAGMA secure_delete=OFF")
    raw.execute("DELETE FROM questions WHERE text LIKE 'question 1%'")
    raw.commit()
    raw.close()
    copy = tmp_path / "copy.sqlite3"
    assert main(["backup", "--db", str(db), str(copy)]) == 0
    data = copy.read_bytes()
    assert b"question 1" not in data and b"question 2" in data
    with sqlite3.connect(copy) as con:
        assert con.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert copy.stat().st_mode & 0o777 == 0o600


# --- item 4: order and time -----------------------------------------------------------------------

def test_texts_are_held_and_written_in_shuffled_batches(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    storage = Storage(db, hold_texts=True)
    texts = [f"question number {i:02d}" for i in range(40)]
    for text in texts:
        storage.record("en", "none", text)
    assert b"question number" not in b"".join(p.read_bytes() for p in db_files(db)
                                              if p.exists())
    assert sorted(q.text for q in storage.questions()) == texts  # this process sees them
    assert storage.flush_texts() == 40
    by_id = [t for (t,) in storage._db.execute("SELECT text FROM questions ORDER BY id")]
    ids = [i for (i,) in storage._db.execute("SELECT id FROM questions")]
    assert sorted(by_id) == texts and by_id != texts  # the row ids carry no order
    assert max(ids) > 2 ** 40  # random, not a count of questions asked
    storage.record("en", "none", "asked just before a clean stop")
    storage.close()  # a clean stop writes what is held
    again = Storage(db)
    assert len(again.questions()) == 41
    again.close()


def test_privacy_page_tells_when_an_unused_choice_goes(conversation: Conversation) -> None:
    from bot.conversation import privacy

    assert "ботом в течение 30 дней" in privacy(conversation, "ru", 90, 30).body
    assert "ботам на працягу 365 дзён" in privacy(conversation, "be", 90).body
    assert "goes unused for 365 days is deleted" in privacy(conversation, "en", 90).body


def test_an_unusable_key_file_stops_the_start_with_its_reason(tmp_path: Path) -> None:
    from bot.errors import DatabaseUnusable
    from bot.service.startup import open_storage

    db = tmp_path / "bot.sqlite3"
    (tmp_path / "key").mkdir()  # a folder where the key file should be
    settings = Settings(token=TOKEN, db_path=db, user_key_file=tmp_path / "key")
    with pytest.raises(DatabaseUnusable, match="user key"):
        open_storage(settings)
    short = tmp_path / "short.key"
    short.write_text("too short\n")
    with pytest.raises(DatabaseUnusable, match="shorter than 32"):
        open_storage(Settings(token=TOKEN, db_path=db, user_key_file=short))


def test_held_texts_are_bounded_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.storage.questions

    monkeypatch.setattr(bot.storage.questions, "MAX_HELD_TEXTS", 25)
    storage = Storage(tmp_path / "bot.sqlite3", hold_texts=True)
    for i in range(60):
        storage.record("en", "none", f"question {i}")
    assert len(storage._held) < 25  # two early batches were written
    assert storage._db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 50
    storage.close()
