"""Rendering a reply: the exact plain text (terminal, `ask`, JSON) and Telegram HTML of each part,
and how long replies are split into messages that fit Telegram's 4,096 characters."""

from __future__ import annotations

from html import unescape

import pytest

from bot.conversation import Reply
from bot.conversation.render import (
    MIN_PIECE,
    TELEGRAM_TEXT_LIMIT,
    html_messages,
    html_paragraphs,
    html_text,
    plain_text,
    split_html,
)

# every part has markup characters, and quotes, which Telegram HTML needs escaped only in links
FULL = Reply("partial", "en", "First <para> & \"more\".\n\nSecond para's end.",
             heading="Q & <A>, \"B\"?",
             sources=(("Site <1> \"x\"", "https://ex.org/?a=1&b=\"2\""), ("Book & co's", None)),
             sources_label="\"Sources\"", note="Not translated <yet>, 'sorry'.",
             caveat="Close, not \"exact\" <sic>:")


def test_every_part_in_plain_text() -> None:
    assert plain_text(FULL) == (
        'Close, not "exact" <sic>:\n\n'
        'Q & <A>, "B"?\n\n'
        'First <para> & "more".\n\nSecond para\'s end.\n\n'
        "(Not translated <yet>, 'sorry'.)\n\n"
        '"Sources":\n• Site <1> "x" — https://ex.org/?a=1&b="2"\n• Book & co\'s')


def test_every_part_in_html_escaped() -> None:
    assert html_paragraphs(FULL) == [
        '<i>Close, not "exact" &lt;sic&gt;:</i>',
        '<b>Q &amp; &lt;A&gt;, "B"?</b>',
        'First &lt;para&gt; &amp; "more".',
        "Second para's end.",
        "<i>Not translated &lt;yet&gt;, 'sorry'.</i>",
        '<b>"Sources":</b>\n'
        '• <a href="https://ex.org/?a=1&amp;b=&quot;2&quot;">Site &lt;1&gt; "x"</a>\n'
        "• Book &amp; co's",
    ]
    assert html_text(FULL) == "\n\n".join(html_paragraphs(FULL))
    assert html_messages(FULL) == [html_text(FULL)]


def test_a_bare_reply_is_its_body() -> None:
    bare = Reply("none", "en", "Sorry, I don't know.\n\n\n\n  \n\nTry /topics.")
    assert plain_text(bare) == "Sorry, I don't know.\n\n\n\n  \n\nTry /topics."
    assert html_paragraphs(bare) == ["Sorry, I don't know.", "Try /topics."]
    assert html_messages(bare) == ["Sorry, I don't know.\n\nTry /topics."]


def test_paragraphs_are_packed_up_to_the_limit() -> None:
    paras = ["a" * 40, "b" * 40, "c" * 40]
    assert split_html(paras, limit=82) == ["a" * 40 + "\n\n" + "b" * 40, "c" * 40]
    assert split_html(paras, limit=81) == ["a" * 40, "b" * 40, "c" * 40]
    assert split_html(paras, limit=124) == ["\n\n".join(paras)]
    assert split_html([], limit=10) == []


def test_a_long_paragraph_is_cut_at_spaces_filling_the_current_message() -> None:
    head = "h" * 100
    words = " ".join(["word"] * 200)  # 999 characters
    messages = split_html([head, words], limit=400)
    assert messages[0].startswith(head + "\n\nword word")
    assert all(len(m) <= 400 for m in messages)
    assert len(messages[0]) > 400 - 5  # filled, not left short
    rebuilt = " ".join(m.removeprefix(head + "\n\n") for m in messages)
    assert rebuilt == words


def test_a_long_paragraph_starts_a_new_message_when_little_room_is_left() -> None:
    head = "h" * (400 - MIN_PIECE)  # room for less than MIN_PIECE
    words = " ".join(["word"] * 200)
    messages = split_html([head, words], limit=400)
    assert messages[0] == head
    assert messages[1].startswith("word word")
    room_exactly = "h" * (400 - MIN_PIECE - 2)  # room == MIN_PIECE: the piece starts there
    assert split_html([room_exactly, words], limit=400)[0].startswith(room_exactly + "\n\nword")


def test_escapes_count_against_the_limit_and_are_never_cut() -> None:
    text = " ".join(["a&b"] * 300)  # each "a&amp;b" is 7 characters escaped
    messages = html_messages(Reply("answer", "en", text), limit=200)
    assert all(len(m) <= 200 for m in messages)
    assert all("&amp;" in m and not m.endswith("&") and "&am " not in m for m in messages)
    assert " ".join(unescape(m) for m in messages) == text


def test_a_giant_word_is_cut_to_fit() -> None:
    word = "x" * 1000
    messages = html_messages(Reply("answer", "en", f"start {word} end"), limit=300)
    assert all(len(m) <= 300 for m in messages)
    assert "".join("".join(messages).split()) == f"start{word}end"
    ampersands = "&" * 700
    pieces = html_messages(Reply("answer", "en", ampersands), limit=300)
    assert all(len(p) <= 300 for p in pieces)
    assert "".join(unescape(p) for p in pieces) == ampersands


@pytest.mark.parametrize("size", [TELEGRAM_TEXT_LIMIT - 1, TELEGRAM_TEXT_LIMIT,
                                  TELEGRAM_TEXT_LIMIT + 1])
def test_telegrams_limit(size: int) -> None:
    body = (("y" * 9 + " ") * 500)[:size]  # ends with a letter at these sizes
    messages = html_messages(Reply("answer", "en", body))
    assert len(messages) == (1 if size <= TELEGRAM_TEXT_LIMIT else 2)
    assert all(len(m) <= TELEGRAM_TEXT_LIMIT for m in messages)
    assert " ".join(messages) == body


def test_quotes_stay_as_typed_in_long_paragraphs() -> None:
    head = "h" * 100
    said = " ".join(['"it\'s"'] * 150)
    messages = split_html([head, said], limit=400)
    assert messages[0].startswith(head + '\n\n"it\'s" "it\'s"')
    assert " ".join(m.removeprefix(head + "\n\n") for m in messages) == said
    alone = split_html([said], limit=400)  # a long first paragraph
    assert len(alone) == 3 and " ".join(alone) == said


def test_pieces_exactly_at_the_limit() -> None:
    assert split_html(["aaaa bbbb cccc"], limit=9) == ["aaaa bbbb", "cccc"]
    assert split_html(["x" * 9 + " yy"], limit=9) == ["x" * 9, "yy"]
    # a paragraph exactly as long as the limit is not cut into the message before it
    para = ("word " * 80)[:399] + "z"
    assert split_html(["a" * 10, para], limit=400) == ["a" * 10, para]
    # a first piece exactly as long as the limit fills a message of its own
    assert split_html(["w" * 399 + " " + "z" * 50], limit=400) == ["w" * 399, "z" * 50]


def test_the_rest_of_a_cut_paragraph_is_read_without_its_leading_space() -> None:
    head = "h" * 50
    para = "a" * 240 + " " + "b" * 149 + " " + "c" * 150 + " " + "d" * 5
    assert split_html([head, para], limit=300) == [
        head + "\n\n" + "a" * 240, "b" * 149 + " " + "c" * 150, "d" * 5]


def test_a_giant_word_after_other_words() -> None:
    head = "h" * 200  # leaves less than MIN_PIECE: the paragraph is cut at the full limit
    messages = split_html([head, "start " + "x" * 400 + " end"], limit=300)
    # the word is cut in pieces of limit // 5 (which fit whatever they escape to) until the
    # rest fits; pieces are packed into messages as paragraphs are
    assert messages == [head + "\n\nstart\n\n" + "x" * 60, "x" * 60, "x" * 280 + " end"]
