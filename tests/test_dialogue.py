"""Conversations: follow-ups in context, subject switches, two questions in one message."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

from bot.answering.dialogue import Context, ContextStore, split_questions
from bot.cli.chat import chat_loop
from bot.cli.main import main
from bot.conversation import Conversation

from .conftest import shared_eval_set

ROOT = Path(__file__).resolve().parent.parent


def play(conversation: Conversation, turns: list[str]) -> list[tuple[str, ...]]:
    """Each turn's answered entries (status answer), the context carried between turns."""
    context: Context | None = None
    seen = []
    for text in turns:
        turn = conversation.respond(text, context=context)
        context = turn.context
        seen.append(tuple(r.entry_id or r.kind for r in turn.replies))
    return seen


@pytest.mark.parametrize(("turns", "expected"), [
    (["Скажыце, калі ласка, чаму ENEMO не запрашаюць на выбары ў Беларусь?",
      "а ў якіх краінах яна назірае?", "а хто з Беларусі ў яе ўваходзіць?"],
     [("enemo-not-invited",), ("enemo-countries",), ("enemo-belarus-members",)]),
    (["С какого года ЦИК Беларуси состоит в ACEEEO?", "а чем она занимается?",
      "а ОБСЕ?"],
     [("aceeeo-membership",), ("aceeeo-about",), ("osce-observers",)]),
    (["Which countries have CEC members observed elections in?", "And in Georgia?",
      "what about the OSCE?"],
     [("cec-observers-abroad",), ("cec-observers-abroad",), ("osce-observers",)]),
])
def test_three_turns_per_language(conversation: Conversation, turns: list[str],
                                  expected: list[tuple[str, ...]]) -> None:
    assert play(conversation, turns) == expected


def test_a_follow_up_without_context_is_not_answered(conversation: Conversation) -> None:
    assert conversation.respond("а ў якіх краінах яна назірае?").replies[0].kind != "answer"


def test_a_self_contained_question_ignores_the_context(conversation: Conversation) -> None:
    seen = play(conversation, ["What is ENEMO?", "What is ACEEEO?",
                               "Who invites international observers to Belarus?"])
    assert seen[1] == ("aceeeo-about",)
    assert seen[2][0] in ("observer-invitations", "enemo-not-invited")


def test_follow_ups_stay_honest(conversation: Conversation) -> None:
    # the context gives the subject, grounding still decides: no founding year in the base
    turn = conversation.respond("and when was it founded?", context=conversation.respond(
        "What is ACEEEO?").context)
    [reply] = turn.replies
    # honest: not a confident answer; if partial, then about ACEEEO with its caveat
    assert reply.kind in ("partial", "none", "suggest")
    if reply.kind == "partial":
        assert reply.entry_id == "aceeeo-about" and reply.caveat
    # chat that is not about the subject is not read as a follow-up
    after = conversation.respond("What is ENEMO?").context
    for text in ("tell me a joke", "what's the weather in Minsk this week?"):
        assert conversation.respond(text, context=after).replies[0].kind != "answer", text


def test_the_heading_shows_the_question_as_understood(conversation: Conversation) -> None:
    context = conversation.respond("Что такое ENEMO?").context
    turn = conversation.respond("а где они наблюдают?", context=context)
    reply = turn.replies[0]
    assert turn.matches[0].followup and reply.kind == "answer"
    assert reply.heading == conversation.kb.entries["enemo-countries"].question("ru")


@pytest.mark.parametrize(("text", "expected"), [
    ("What is ENEMO and why isn't it invited to Belarus?", {"enemo-about", "enemo-not-invited"}),
    ("Что такое ACEEEO и с какого года в ней ЦИК?", {"aceeeo-about", "aceeeo-membership"}),
    ("Што такое ENEMO і дзе яна назірае за выбарамі?", {"enemo-about", "enemo-countries"}),
])
def test_two_questions_in_one_message(conversation: Conversation, text: str,
                                      expected: set[str]) -> None:
    turn = conversation.respond(text)
    assert {r.entry_id for r in turn.replies if r.kind == "answer"} == expected
    assert all(r.heading and r.sources for r in turn.replies)


@pytest.mark.parametrize("text", [
    "Ответили ли ЦИК и МИД на запрос ENEMO?",
    "Is ENEMO independent and politically unaffiliated?",
    "Viasna and the Belarusian Helsinki Committee: are they in ENEMO?",
])
def test_one_question_with_and_is_not_split(conversation: Conversation, text: str) -> None:
    assert len(conversation.respond(text).replies) == 1


def test_split_questions(matcher: object) -> None:
    from bot.answering.matcher import Matcher

    assert isinstance(matcher, Matcher)
    assert split_questions(matcher, "What is ENEMO and where does it observe?") == [
        "What is ENEMO", "where does it observe?"]
    assert split_questions(matcher, "Ответили ли ЦИК и МИД на запрос ENEMO?") == [
        "Ответили ли ЦИК и МИД на запрос ENEMO?"]


def test_context_expires_and_is_forgotten() -> None:
    now = [0.0]
    store = ContextStore(ttl=300, limit=2, clock=lambda: now[0])
    ctx = Context("enemo-about", ("@enemo",), (), 0.0)
    store.put(1, ctx)
    now[0] = 300
    assert store.get(1) == ctx
    now[0] = 301
    assert store.get(1) is None  # a few minutes of silence
    store.put(1, ctx)
    store.forget(1)
    assert store.get(1) is None  # /forget
    for key in (1, 2, 3):
        store.put(key, ctx)
    assert len(store) == 2 and store.get(1) is None  # bounded: the oldest chat goes


def test_context_holds_no_text() -> None:
    fields = {f.name: f.type for f in dataclasses.fields(Context)}
    assert set(fields) == {"entry_id", "names", "topic", "at", "fresh"}
    assert fields["fresh"] in (bool, "bool")  # a flag, not what was said


def test_terminal_chat_keeps_context(conversation: Conversation) -> None:
    out = io.StringIO()
    chat_loop(conversation, None, ["Что такое ENEMO?", "а где они наблюдают?", "/quit"], out)
    text = out.getvalue()
    assert conversation.kb.entries["enemo-countries"].question("ru") in text


def test_terminal_chat_follows_up_on_an_entry_opened_with_a_button(
        own_conversation: Conversation) -> None:
    # (as in Telegram: "is that all?" is about what the button showed, not the typed answer)
    out = io.StringIO()
    chat_loop(own_conversation, "en", ["What is ENEMO?", "1", "is that all?", "/quit"], out)
    last = out.getvalue().rsplit("> ", 2)[-2]
    assert "My sources say nothing more about this" in last
    assert "Georgia, Moldova and Ukraine" in last and "citizen observer groups" not in last


def test_ask_conversations_json(capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [{"conversation": "a", "q": "Что такое ENEMO?"},
             {"conversation": "b", "q": "What is ACEEEO?"},
             {"conversation": "a", "q": "а где они наблюдают?"},
             {"conversation": "b", "q": "What is ENEMO and why isn't it invited to Belarus?"}]
    monkeypatch.setattr("sys.stdin", io.StringIO(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)))
    code = main(["ask", "--json", "--batch", "-", "--conversations",
                 "--kb", str(ROOT / "knowledge"), "--locales", str(ROOT / "locales")])
    assert code == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out[:3]] == ["enemo-about", "aceeeo-about", "enemo-countries"]
    assert out[3]["answers"] == [{"id": "enemo-about", "status": "answer"},
                                 {"id": "enemo-not-invited", "status": "answer"}]


def test_ask_batch_reads_conversation_lines_without_the_flag(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A conversations file fed to plain `ask --batch` keeps each chat's context; text lines
    (even ones that start like JSON) are read on their own."""
    lines = [json.dumps({"conversation": "a", "q": "Что такое ENEMO?"}, ensure_ascii=False),
             "а где они наблюдают?",
             json.dumps({"conversation": "a", "q": "а где они наблюдают?"}, ensure_ascii=False),
             '{"q": "а где они наблюдают?"}',
             "{ENEMO?"]
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(x + "\n" for x in lines)))
    code = main(["ask", "--json", "--batch", "-",
                 "--kb", str(ROOT / "knowledge"), "--locales", str(ROOT / "locales")])
    assert code == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [o["query"] for o in out] == ["Что такое ENEMO?", "а где они наблюдают?",
                                         "а где они наблюдают?", "а где они наблюдают?",
                                         "{ENEMO?"]
    assert out[0]["id"] == "enemo-about" and out[2]["id"] == "enemo-countries"
    # with no conversation, the same words are read alike, with nothing to follow
    alone = main(["ask", "--json", "а где они наблюдают?",
                  "--kb", str(ROOT / "knowledge"), "--locales", str(ROOT / "locales")])
    assert alone == 0
    expected = json.loads(capsys.readouterr().out)
    assert out[1] == out[3] == expected
    assert out[4]["id"] == "enemo-about"


def test_ask_conversations_rejects_bad_lines(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("not json\n"))
    code = main(["ask", "--json", "--batch", "-", "--conversations"])
    assert code == 2
    err = capsys.readouterr().err
    assert "line 1" in err and "Traceback" not in err


@pytest.fixture(scope="session")
def dialogues() -> list[dict[str, object]]:
    return shared_eval_set("ELECTIONBOT_DIALOGUES_SET", "dialogues-dev.jsonl")


def test_dialogue_set(conversation: Conversation, dialogues: list[dict[str, object]]) -> None:
    """Issue 12's bounds, counted the way ../shared/eval/score.py counts them."""
    store = ContextStore()
    right = in_scope = multi_ok = multi = near_bad = near = oos_bad = 0
    misses = []
    for row in dialogues:
        key = str(row["conversation"])
        turn = conversation.respond(str(row["q"]), context=store.get(key))
        store.put(key, turn.context)
        answered = [r.entry_id for r in turn.replies if r.kind == "answer"]
        ids, kind = list(row["ids"]), row["kind"]  # type: ignore[call-overload]
        if row.get("all"):
            multi += 1
            ok = set(row["all"]) <= set(answered)  # type: ignore[call-overload]
            multi_ok += ok
        if ids:
            in_scope += 1
            hit = bool(answered) and answered[0] in ids
            right += hit
            if not hit:
                misses.append(f"{row['conversation']} {row['q']!r} -> {answered}")
        elif kind == "nearmiss":
            near += 1
            near_bad += bool(answered)
        else:
            oos_bad += bool(answered)
    assert right >= 0.90 * in_scope, "\n".join(misses)
    assert multi_ok >= 0.85 * multi
    assert near_bad <= 0.10 * near
    assert oos_bad == 0


@pytest.mark.parametrize(("first", "more"), [
    ("What is ENEMO?", "who else?"), ("What is ENEMO?", "And what else?"),
    ("Что такое ENEMO?", "а кто ещё?"), ("Что такое ENEMO?", "что еще?"),
    ("Што такое ENEMO?", "а хто яшчэ?"), ("Што такое ENEMO?", "і дзе яшчэ?"),
])
def test_who_else_after_an_answer_says_it_gave_all(conversation: Conversation, first: str,
                                                   more: str) -> None:
    # the answer again under the line that says it is all, not as if it were news, nor a
    # decline as off-topic
    context = conversation.respond(first).context
    (reply,) = conversation.respond(more, context=context).replies
    tr = conversation.catalogs[reply.lang]
    assert reply.kind == "answer" and reply.entry_id == "enemo-about"
    assert reply.caveat == tr.gettext("My sources say nothing more about this. Here is my "
                                      "previous answer again:")
