"""What storage deletes, and when: /forget (one user's choice, nobody else's) and the retention of
question texts (and the choices pressed for them), at the day's boundary. Through Storage's
public methods only: how rows are keyed is the storage's own business."""

from __future__ import annotations

from pathlib import Path

from bot.storage import Storage


class Today:
    def __init__(self, day: str) -> None:
        self.day = day

    def __call__(self) -> str:
        return self.day


def test_forget_deletes_one_users_choice(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    try:
        storage.set_language(1, "ru")
        storage.set_language(1, "be")  # a new choice replaces the old one
        storage.set_language(2, "en")
        assert (storage.language(1), storage.language(2)) == ("be", "en")
        assert storage.stats().users_per_language == {"be": 1, "en": 1}
        assert storage.forget(1) is True
        assert (storage.language(1), storage.language(2)) == (None, "en")
        assert storage.stats().users_per_language == {"en": 1}
        assert storage.forget(1) is False  # nothing left to delete
        assert storage.forget(3) is False
        wal = Path(f"{storage.path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # no older copy of the page
    finally:
        storage.close()


def test_forget_lasts_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    storage = Storage(path)
    storage.set_language(5, "ru")
    storage.forget(5)
    storage.close()
    again = Storage(path)
    try:
        assert again.language(5) is None
    finally:
        again.close()


def test_texts_are_kept_for_the_retention_period_and_no_longer(tmp_path: Path) -> None:
    today = Today("2026-03-01")
    storage = Storage(tmp_path / "db.sqlite3", today=today, retention_days=10)
    try:
        storage.record("en", "none", "old question", ref="OLD")
        storage.record("en", "suggest", "suggested question", ref="SUG")
        assert storage.record_choice("OLD", "enemo-about")
        today.day = "2026-03-05"
        storage.record("en", "none", "newer question", ref="NEW")
        assert storage.record_choice("NEW", "osce-about")
        # exactly ten days later the first texts are still kept...
        today.day = "2026-03-11"
        assert storage.expire() == 0
        # (a day's texts come in no order: nothing tells which was asked first)
        assert sorted(q.text for q in storage.questions()) == [
            "newer question", "old question", "suggested question"]
        # ...and the day after they go, with the choice pressed for them
        today.day = "2026-03-12"
        assert storage.expire() == 2
        assert [q.text for q in storage.questions()] == ["newer question"]
        assert [(c.text, c.entry_id) for c in storage.choices()] == [
            ("newer question", "osce-about")]
        assert storage.expire() == 0
    finally:
        storage.close()


def test_old_texts_go_with_the_first_question_of_a_day(tmp_path: Path) -> None:
    today = Today("2026-03-01")
    storage = Storage(tmp_path / "db.sqlite3", today=today, retention_days=1)
    try:
        storage.record("en", "none", "first")
        today.day = "2026-03-03"
        storage.record("en", "answer")  # counted; expiry runs first
        assert storage.questions() == []
        assert storage.stats().questions == {"answer": 1, "none": 1}
    finally:
        storage.close()


def test_a_choice_for_a_text_that_is_gone_is_not_kept(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    try:
        assert storage.record_choice("NOPE", "enemo-about") is False
        assert storage.choices() == []
    finally:
        storage.close()


def test_held_texts_expire_like_written_ones(tmp_path: Path) -> None:
    """Texts (and the suggestions pressed for them) still held in memory for the next batch
    expire on the same day as written ones: kept up to exactly the retention period."""
    today = Today("2026-03-01")
    storage = Storage(tmp_path / "db.sqlite3", today=today, retention_days=10, hold_texts=True)
    try:
        storage.record("en", "none", "old held question", ref="OLD")
        assert storage.record_choice("OLD", "enemo-about")
        today.day = "2026-03-02"
        storage.record("en", "suggest", "edge held question", ref="EDGE")
        assert storage.record_choice("EDGE", "osce-about")
        today.day = "2026-03-12"  # ten days after the second, eleven after the first
        assert storage.expire() == 0  # none written yet
        assert [q.text for q in storage.questions()] == ["edge held question"]
        assert [(c.text, c.entry_id) for c in storage.choices()] == [
            ("edge held question", "osce-about")]
        assert storage.record_choice("OLD", "enemo-about") is False  # its text is gone
        # the batch writes what was kept, and nothing of what expired
        assert storage.flush_texts() == 1
        assert [q.text for q in storage.questions()] == ["edge held question"]
        assert [(c.text, c.entry_id) for c in storage.choices()] == [
            ("edge held question", "osce-about")]
    finally:
        storage.close()


def _on_disk(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, db.with_name(db.name + "-wal")) if p.exists())


def test_an_expired_text_and_its_choice_leave_no_bytes_behind(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    today = Today("2026-03-01")
    storage = Storage(db, today=today, retention_days=10)
    try:
        storage.record("en", "none", "a secret question about observers", ref="OLD")
        assert storage.record_choice("OLD", "enemo-about")
        assert b"a secret question" in _on_disk(db)  # the check below can fail
        today.day = "2026-03-12"
        assert storage.expire() == 1  # one text (and its choice) deleted...
        assert storage.questions() == [] and storage.choices() == []
        assert b"a secret question" not in _on_disk(db)  # ...and scrubbed from the files
    finally:
        storage.close()


def test_texts_and_language_choices_expire_together_and_are_scrubbed(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    today = Today("2026-01-05")
    storage = Storage(db, today=today, retention_days=10, language_days=365)
    try:
        storage.set_language(1, "ru")
        storage.record("ru", "none", "a secret question about observers")
        today.day = "2026-12-01"
        storage.set_language(2, "be")
        assert b"a secret question" in _on_disk(db)
        today.day = "2027-02-01"  # user 1's choice unused for more than a year
        assert storage.expire() == 1
        assert (storage.language(1), storage.language(2)) == (None, "be")
        assert storage.stats().users_per_language == {"be": 1}
        assert b"a secret question" not in _on_disk(db)
    finally:
        storage.close()


def test_expiry_runs_with_the_first_question_of_each_day_only(tmp_path: Path) -> None:
    runs: list[str] = []

    class Counting(Storage):
        def expire(self) -> int:
            runs.append(today())
            return super().expire()

    today = Today("2026-03-01")
    storage = Counting(tmp_path / "db.sqlite3", today=today)
    try:
        for text in ("one", "two", "three"):
            storage.record("en", "none", text)
        today.day = "2026-03-02"
        storage.record("en", "answer")
        storage.record("en", "none", "four")
        assert runs == ["2026-03-01", "2026-03-02"]
    finally:
        storage.close()
