"""Product flows of the core that every transport offers (Telegram and the terminal)."""

from __future__ import annotations

from bot import conversation as core
from bot.conversation import Conversation


def test_every_user_command_opens_a_page(conversation: Conversation) -> None:
    for lang in ("be", "ru", "en"):
        pages = {c: core.command_page(conversation, c, lang, 30) for c in core.USER_COMMANDS}
        assert all(page is not None and page.lang == lang for page in pages.values())
    assert core.command_page(conversation, "stats", "en", 30) is None  # admin-only: not here
    menu = core.command_descriptions(conversation.catalogs["be"])
    assert tuple(menu) == core.USER_COMMANDS


def test_privacy_names_the_retention_period(conversation: Conversation) -> None:
    assert "30 дзён" in core.privacy(conversation, "be", 30).body
    assert "1 day." in core.privacy(conversation, "en", 1).body


def test_forget_asks_first(conversation: Conversation) -> None:
    prompt = core.forget_prompt(conversation, "ru")
    assert [b.action for row in prompt.buttons for b in row] == ["forget:yes", "forget:no"]
    assert core.forget_result(conversation, "ru", True).body.startswith("Готово")
    assert core.forget_result(conversation, "ru", False).body != \
        core.forget_result(conversation, "ru", True).body


def test_out_of_range_numbers_get_a_clear_line(conversation: Conversation) -> None:
    screens = {n: (tuple(core.Button(f"b{i}", f"x:{i}") for i in range(n)),) if n else ()
               for n in (0, 1, 5)}
    replies = {n: core.no_such_choice(conversation, "be", screens[n]) for n in screens}
    texts = {n: reply.body for n, reply in replies.items()}
    assert "5" in texts[5] and "1" in texts[1] and len(set(texts.values())) == 3
    assert all(replies[n].buttons == screens[n] for n in screens)  # the choices stay
    assert all(t != conversation.ask("xyzzy", chosen="be").body for t in texts.values())


def test_feedback_row_only_under_answers(conversation: Conversation) -> None:
    answer = conversation.entry("enemo-about", "en")
    assert [b.action for b in core.feedback_row(answer)[0]] == ["fb:up:enemo-about",
                                                                "fb:down:enemo-about"]
    assert core.feedback_row(conversation.start("en")) == ()


def test_stats_summary(conversation: Conversation) -> None:
    text = core.stats_text(conversation, "en", {"be": 2}, {"answer": 3}, {"enemo-about": (2, 1)})
    assert text.splitlines() == ["Statistics (counts only, nothing about who asked):",
                                 "Saved language choices: Беларуская 2", "Questions asked: 3",
                                 "  answered: 3", "Feedback on answers (👍/👎):",
                                 "  What is ENEMO?: 2/1"]
    assert "none yet" in core.stats_text(conversation, "en", {}, {}, {})
