"""End to end: the real python-telegram-bot Application against a fake Bot API on 127.0.0.1.

Every request the bot sends is validated against the official Bot API description
(TELEGRAM_BOT_API_SPEC); a violation fails the test.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.conversation import Conversation
from bot.knowledge.base import KnowledgeBase
from bot.telegram import build_application

from .conftest import ROOT, TOKEN
from .e2e import (
    ADMIN,
    NOT_ADMIN,
    ask,
    button_for,
    buttons,
    free_port,
    press,
    routes,
    running,
    settings_for,
    user,
)
from .fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("code", "lang", "first_word"), [
    ("be", "be", "Вітаю"), ("ru", "ru", "Здравствуйте"), ("en", "en", "Hello"),
    ("de", "en", "Hello"), ("be-BY", "be", "Вітаю"), (None, "en", "Hello"),
])
async def test_start_greets_in_the_users_language(api: FakeBotAPI, db: Path,
                                                  conversation: Conversation, code: str | None,
                                                  lang: str, first_word: str) -> None:
    async with running(api, db):
        reply = await ask(api, user(lang=code), "/start")
    assert reply.params["text"] == html.escape(conversation.start(lang).body, quote=False)
    assert reply.params["text"].startswith(first_word)
    assert reply.params["parse_mode"] == "HTML"
    assert [b.split("|")[1] for b in buttons(reply)] == ["topics", "lang"]


async def test_command_menus_are_registered_per_language(api: FakeBotAPI, db: Path) -> None:
    async with running(api, db):
        pass
    menus = {c.params.get("language_code"): c.params["commands"]
             for c in api.calls if c.method == "setMyCommands"}
    assert set(menus) == {"be", "ru", "en", None}
    be = {c["command"]: c["description"] for c in menus["be"]}
    assert "/".join(sorted(be)) == "about/forget/help/language/privacy/start/topics"
    assert be["language"] != {c["command"]: c["description"] for c in menus["en"]}["language"]


@pytest.mark.parametrize(("question", "lang", "heading"), [
    ("Што такое ENEMO?", "be", "Што такое ENEMO?"),
    ("Что такое ENEMO?", "ru", "Что такое ENEMO?"),
    ("What is ENEMO?", "en", "What is ENEMO?"),
    ("kto takie enemo", "ru", "Что такое ENEMO?"),
])
async def test_questions_are_answered_in_their_language(api: FakeBotAPI, db: Path,
                                                        conversation: Conversation,
                                                        question: str, lang: str,
                                                        heading: str) -> None:
    async with running(api, db, conversation):
        reply = await ask(api, user(lang="en"), question)
    text = reply.params["text"]
    assert text.startswith(f"<b>{heading}</b>")
    expected = conversation.entry("enemo-about", lang).body.split("\n")[0][:40]
    assert expected in text
    data = buttons(reply)
    assert all(b.startswith(f"{lang}|") for b in data)
    assert f"{lang}|fb:up:enemo-about" in routes(reply)
    assert f"{lang}|fb:down:enemo-about" in routes(reply)


async def test_did_you_mean_button_answers_the_entry(api: FakeBotAPI, db: Path) -> None:
    who = user()
    async with running(api, db):
        reply = await ask(api, who, "ENEMO Belarus")
        choice = button_for(reply, "e:")
        edited = await press(api, who, reply, choice)
    entry_id = choice.split("|")[1].removeprefix("e:")
    assert edited.params["text"].startswith("<b>")
    assert f"en|fb:up:{entry_id}" in routes(edited)


async def test_unknown_question_is_declined_honestly(api: FakeBotAPI, db: Path) -> None:
    async with running(api, db):
        reply = await ask(api, user(lang="ru"), "Как приготовить борщ?")
    assert reply.params["text"].startswith("Извините")
    assert [b.split("|")[1] for b in buttons(reply)] == ["topics", "lang"]


async def test_language_choice_persists_across_restarts(api: FakeBotAPI, db: Path) -> None:
    who = user(uid=2002, lang="en")
    async with running(api, db):
        menu = await ask(api, who, "/language")
        assert [b.split("|")[1] for b in buttons(menu)] == ["setlang:be", "setlang:ru",
                                                           "setlang:en"]
        done = await press(api, who, menu, button_for(menu, "setlang:be"))
        assert done.params["text"].startswith("Гатова")
        scoped = await api.wait_for("setMyCommands", lambda c: "scope" in c.params)
        assert scoped.params["scope"] == {"type": "chat", "chat_id": 2002}
    async with running(api, db):  # a new process would see the same database
        reply = await ask(api, who, "What is ENEMO?")
    assert reply.params["text"].startswith("<b>Што такое ENEMO?</b>")


async def test_asking_for_a_language_in_words_chooses_it(api: FakeBotAPI, db: Path) -> None:
    who = user(uid=2003, lang="en")
    async with running(api, db):
        done = await ask(api, who, "Па-беларуску, калі ласка")
        assert done.params["text"].startswith("Гатова")
        scoped = await api.wait_for("setMyCommands", lambda c: "scope" in c.params)
        assert scoped.params["scope"] == {"type": "chat", "chat_id": 2003}
    async with running(api, db):  # kept like a choice from the menu
        reply = await ask(api, who, "What is ENEMO?")
    assert reply.params["text"].startswith("<b>Што такое ENEMO?</b>")


async def test_topics_navigation_edits_one_message(api: FakeBotAPI, db: Path) -> None:
    who = user(lang="ru")
    async with running(api, db):
        topics = await ask(api, who, "/topics")
        topic = await press(api, who, topics, button_for(topics, "t:enemo"))
        assert topic.params["message_id"] == topics.result["message_id"]
        answer = await press(api, who, topic, button_for(topic, "e:enemo-about"))
        assert answer.params["text"].startswith("<b>Что такое ENEMO?</b>")
        back = await press(api, who, answer, button_for(answer, "t:enemo"))
        assert back.params["text"] == topic.params["text"]
        again = await press(api, who, back, button_for(back, "topics"))
        assert again.params["text"] == topics.params["text"]
    assert len(api.sent_messages(who["id"])) == 1


async def test_deep_link_answers_directly(api: FakeBotAPI, db: Path, kb: KnowledgeBase) -> None:
    async with running(api, db):
        reply = await ask(api, user(lang="be"), "/start faq_enemo-countries")
        unknown = await ask(api, user(lang="be"), "/start faq_nope")
    title = kb.entries["enemo-countries"].question("be")
    assert reply.params["text"].startswith(f"<b>{title}</b>\n\n")
    assert "be|fb:up:enemo-countries" in routes(reply)
    assert unknown.params["text"].startswith("Вітаю")


async def test_inline_query_offers_articles(api: FakeBotAPI, db: Path) -> None:
    async with running(api, db):
        update = api.send_inline_query(user(lang="ru"), "kto takie enemo")
        call = await api.wait_for("answerInlineQuery", lambda c: c.params.get(
            "inline_query_id") == update.inline_query_id)
        empty = api.send_inline_query(user(lang="ru"), "")
        browse = await api.wait_for("answerInlineQuery", lambda c: c.params.get(
            "inline_query_id") == empty.inline_query_id)
    [article] = call.params["results"]
    assert article["id"] == "enemo-about" and article["title"] == "Что такое ENEMO?"
    assert article["input_message_content"]["parse_mode"] == "HTML"
    assert call.params["is_personal"] is True
    assert 1 <= len(browse.params["results"]) <= 5


async def test_non_text_gets_a_polite_line(api: FakeBotAPI, db: Path) -> None:
    who = user(lang="be")
    async with running(api, db):
        sticker = await api.wait_for_reply(api.send_sticker(who))
        voice = await api.wait_for_reply(api.send_voice(who))
    assert sticker.params["text"] == voice.params["text"]
    assert "тэкст" in sticker.params["text"]


@pytest.mark.parametrize("data", [
    "en|e:no-such-entry", "en|t:../../x", "xx|setlang:xx", "garbage", "en|fb:up:nope",
    "en|fb:sideways:enemo-about", "en|forget:maybe", "🙂" * 16,
])
async def test_forged_callback_data_is_refused_politely(api: FakeBotAPI, db: Path,
                                                        data: str) -> None:
    who = user()
    async with running(api, db):
        start = await ask(api, who, "/start")
        update = api.press_button(who, start, data, check=False)
        answered = await api.wait_for("answerCallbackQuery", lambda c: c.params.get(
            "callback_query_id") == update.callback_query_id)
        await api.assert_no_call("editMessageText", update.matches)
    assert "no longer works" in answered.params["text"]


async def test_a_5000_character_question(api: FakeBotAPI, db: Path) -> None:
    async with running(api, db):
        reply = await ask(api, user(), "What is ENEMO? " + "very long question " * 270)
    assert 0 < len(reply.params["text"]) <= 4096


async def test_long_answers_are_split(api: FakeBotAPI, db: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    paragraph = "The long answer & its <details>. " * 60
    (kb / "long.yaml").write_text(
        "topic: long\ntitle: Long\nentries:\n  - id: long-one\n    questions:\n"
        "      be: ['Доўгі адказ?']\n      ru: ['Длинный ответ?']\n"
        "      en: ['Long answer please?']\n"
        f"    answer: \"{(paragraph + chr(10) + chr(10)) * 4}\"\n"
        "    sources: [{title: Test}]\n", encoding="utf-8")
    conv = Conversation.load(kb, ROOT / "locales")
    who = user()
    async with running(api, db, conv):
        api.send_text(who, "Long answer please?")
        parts = [await api.wait_for("sendMessage")]
        while "reply_markup" not in parts[-1].params:
            parts.append(await api.wait_for("sendMessage"))
    assert len(parts) >= 2
    assert all(len(p.params["text"]) <= 4096 for p in parts)
    assert all(len(p.params["text"]) > 2048 for p in parts[:-1])  # packed, not one per paragraph
    assert parts[0].params["text"].startswith("<b>Long answer please?</b>\n\nThe long answer")
    assert "&lt;details&gt;" in parts[0].params["text"] and buttons(parts[-1])


async def test_groups_answer_only_mentions_replies_and_commands(api: FakeBotAPI,
                                                                db: Path) -> None:
    who = user()
    group = FakeBotAPI.group()
    async with running(api, db):
        api.send_text(who, "What is ENEMO?", chat=group)
        await api.assert_no_call("sendMessage", within=1.0)
        api.send_sticker(who, chat=group)
        await api.assert_no_call("sendMessage", within=0.5)
        mention = await ask(api, who, f"@{api.bot_username} what is ENEMO?", chat=group)
        reply = await ask(api, who, "and where does ENEMO observe?", chat=group,
                          reply_to_bot=True)
        command = await ask(api, who, f"/help@{api.bot_username}", chat=group)
    assert mention.params["text"].startswith("<b>What is ENEMO?</b>")
    assert "Kosovo" in reply.params["text"]
    assert command.params["chat_id"] == group["id"]


async def test_admin_commands(api: FakeBotAPI, db: Path, kb: KnowledgeBase) -> None:
    async with running(api, db):
        refused = await ask(api, user(uid=NOT_ADMIN), "/stats")
        unknown = await ask(api, user(uid=NOT_ADMIN), "/nosuchcommand")
        await ask(api, user(uid=NOT_ADMIN), "Как приготовить борщ?")
        stats = await ask(api, user(uid=ADMIN), "/stats")
        reload_ = await ask(api, user(uid=ADMIN), "/reload")
        refused_reload = await ask(api, user(uid=NOT_ADMIN), "/reload")
    assert refused.params["text"] == unknown.params["text"] == refused_reload.params["text"]
    assert "stats" not in refused.params["text"].lower()
    assert "Questions asked: 1" in stats.params["text"]
    assert "not answered: 1" in stats.params["text"]
    assert reload_.params["text"].startswith(f"Reloaded: {len(kb.entries)} entries")


async def test_broken_reload_keeps_the_old_base(api: FakeBotAPI, db: Path,
                                                tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge", kb)
    async with running(api, db, kb_dir=kb):
        (kb / "enemo.yaml").write_text("topic: [broken\n", encoding="utf-8")
        failed = await ask(api, user(uid=ADMIN), "/reload")
        still = await ask(api, user(), "What is ENEMO?")
    assert failed.params["text"].startswith("Reload failed")
    assert "enemo.yaml" in failed.params["text"]
    assert still.params["text"].startswith("<b>What is ENEMO?</b>")


async def test_knowledge_edits_are_picked_up_live(api: FakeBotAPI, db: Path, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge", kb)
    enemo = kb / "enemo.yaml"
    who = user()

    async def answer_text() -> str:
        return str((await ask(api, who, "What is ENEMO?")).params["text"])

    async def eventually(predicate: Callable[[], Awaitable[bool]]) -> None:
        for _ in range(60):
            if await predicate():
                return
            await asyncio.sleep(0.25)
        raise AssertionError("the running bot did not pick up the edit")

    async with running(api, db, kb_dir=kb):
        assert "LIVE-EDITED" not in await answer_text()
        enemo.write_text(enemo.read_text(encoding="utf-8").replace(
            "ENEMO is an international network", "ENEMO is a LIVE-EDITED international network"),
            encoding="utf-8")

        async def edited() -> bool:
            return "LIVE-EDITED" in await answer_text()

        await eventually(edited)
        enemo.write_text("topic: [broken\n", encoding="utf-8")

        async def failure_logged() -> bool:
            return any("reload failed" in r.getMessage() for r in caplog.records)

        await eventually(failure_logged)
        assert "LIVE-EDITED" in await answer_text()  # the last good base keeps serving
    failure = next(r for r in caplog.records if "reload failed" in r.getMessage())
    assert failure.levelname == "ERROR"
    assert "enemo.yaml:2: YAML syntax error" in failure.getMessage()
    assert "1 problem(s)" in failure.getMessage()  # no cascade of follow-up errors


async def test_rate_limits_and_server_errors_do_not_lose_replies(api: FakeBotAPI,
                                                                 db: Path) -> None:
    who = user()
    async with running(api, db):
        api.fail_next("sendMessage", 429, retry_after=1)
        first = await ask(api, who, "What is ENEMO?")
        api.fail_next("sendMessage", 500, times=2)
        second = await ask(api, who, "What is ACEEEO?")
    statuses = [c.status for c in api.calls if c.method == "sendMessage"]
    assert statuses == [429, 200, 500, 500, 200]
    assert first.ok and second.ok


async def test_feedback_is_counted_once_per_message(api: FakeBotAPI, db: Path) -> None:
    who = user()
    async with running(api, db) as app:
        reply = await ask(api, who, "What is ENEMO?")
        update = api.press_button(who, reply, button_for(reply, "fb:up:"))
        thanks = await api.wait_for("answerCallbackQuery", lambda c: c.params.get(
            "callback_query_id") == update.callback_query_id)
        edited = await api.wait_for("editMessageReplyMarkup")
        stats = await app.bot_data["services"].store.call(
            app.bot_data["services"].store.storage.stats)
    assert "Thank you" in thanks.params["text"]
    assert not any("fb:" in b for b in buttons(edited))
    assert stats.feedback == {"enemo-about": (1, 0)}


async def test_forget_deletes_the_language_choice(api: FakeBotAPI, db: Path) -> None:
    who = user(uid=3003)
    async with running(api, db) as app:
        menu = await ask(api, who, "/language")
        await press(api, who, menu, button_for(menu, "setlang:ru"))
        ask_forget = await ask(api, who, "/forget")
        confirmed = await press(api, who, ask_forget, button_for(ask_forget, "forget:yes"))
        storage = app.bot_data["services"].store.storage
        assert storage.language(3003) is None
    assert confirmed.params["text"].startswith("Готово")


async def test_privacy_nothing_links_a_question_to_a_person(api: FakeBotAPI, db: Path,
                                                            caplog: pytest.LogCaptureFixture
                                                            ) -> None:
    caplog.set_level(logging.DEBUG)
    secret_question = "where do I hide from the police 12345"
    who = user(uid=777777)
    async with running(api, db):
        privacy = await ask(api, who, "/privacy")
        await ask(api, who, secret_question)
    assert "90" in privacy.params["text"]
    con = sqlite3.connect(db)
    rows = con.execute("SELECT * FROM questions").fetchall()
    assert [r[4] for r in rows] == [secret_question]
    assert not any("777777" in str(v) for r in rows for v in r)
    assert con.execute("SELECT COUNT(*) FROM languages").fetchone()[0] == 0
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert secret_question not in logged
    assert TOKEN not in logged


def test_run_without_token_explains_what_to_do() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], capture_output=True,
                            text=True, env=env, timeout=60, check=False)
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "electionbot chat" in result.stderr and "Traceback" not in result.stderr


def test_electionbot_run_as_a_subprocess(api: FakeBotAPI, tmp_path: Path) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url,
           "ELECTIONBOT_DB": str(tmp_path / "sub.sqlite3"), "ELECTIONBOT_LOG_LEVEL": "DEBUG"}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        update = api.send_text(user(lang="be"), "Што такое ЦВК?")
        reply = api.wait_for_sync("sendMessage", update.matches, timeout=30)
        assert "Цэнтральная" in reply.params["text"]
    finally:
        proc.terminate()  # SIGTERM: a graceful stop
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert TOKEN not in out + err and TOKEN.split(":")[1] not in out + err
    assert "Што такое" not in err  # no message text in the logs


def test_webhook_mode_checks_the_secret_token(api: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url,
           "ELECTIONBOT_DB": str(tmp_path / "hook.sqlite3"),
           "TELEGRAM_WEBHOOK_SECRET": "s3cret-Token_for-tests-0123456789abcdef"}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--webhook-url", url,
                             "--listen", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        hook = api.wait_for_sync("setWebhook", timeout=30)
        assert hook.params["url"] == url
        assert hook.params["secret_token"] == "s3cret-Token_for-tests-0123456789abcdef"
        # the fake delivers queued updates to the webhook with the secret header
        update = api.send_text(user(lang="ru"), "Что такое ENEMO?")
        reply = api.wait_for_sync("sendMessage", update.matches, timeout=30)
        assert reply.params["text"].startswith("<b>Что такое ENEMO?</b>")
        forged = json.dumps({"update_id": 99, "message": {
            "message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"}})
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            request = urllib.request.Request(url, data=forged.encode(), method="POST",
                                             headers={"Content-Type": "application/json",
                                                      **headers})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request,
                                                                                   timeout=10)
            assert refused.value.code == 403
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "s3cret-Token_for-tests-0123456789abcdef" not in out + err and TOKEN not in out + err


def test_webhook_url_must_be_https() -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN}
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--webhook-url",
                             "http://example.org/hook"], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert result.returncode == 2 and "https://" in result.stderr
    assert TOKEN not in result.stderr


def test_token_is_not_in_reprs(api: FakeBotAPI, db: Path) -> None:
    settings = settings_for(api, db)
    app = build_application(settings)
    assert TOKEN not in repr(settings) and TOKEN not in repr(app.bot)
    assert TOKEN not in repr(app)


def test_a_button_reference_comes_back_signed() -> None:
    """The hook for features that learn from pressed suggestions: Button.ref round-trips."""
    from bot.conversation import Button, Reply
    from bot.conversation.actions import Action
    from bot.telegram.sending import keyboard

    key = b"k" * 32
    reply = Reply("suggest", "be", "?", buttons=((Button("q", "e:enemo-about", ref="q7Xk_2"),),
                                                 (Button("long", "e:" + "a" * 44, ref="R" * 12),)))
    markup = keyboard(reply, key)
    assert markup is not None
    first, second = (row[0].callback_data for row in markup.inline_keyboard)
    assert Action.unpack(str(first), key) == Action("e", "enemo-about", "be", "q7Xk_2")
    assert Action.unpack(str(second), key).ref == ""  # too long with it: dropped, still works


async def test_webhook_server_serves_extra_routes(api: FakeBotAPI, db: Path) -> None:
    """Routes such as /healthz share the webhook's server (run(..., routes=...))."""
    import tornado.web

    from bot.telegram.app import serve_webhook

    class Health(tornado.web.RequestHandler):
        def initialize(self, answer: str) -> None:
            self.answer = answer

        def get(self) -> None:
            self.write(self.answer)

    port = free_port()
    settings = settings_for(api, db, webhook_secret="route-Test_secret")
    stop = asyncio.Event()
    server = asyncio.create_task(serve_webhook(
        build_application(settings), settings, f"http://127.0.0.1:{port}/hook", "127.0.0.1",
        port, routes=[("/healthz", Health, {"answer": "ok"})], stop=stop))
    try:
        await api.wait_for("setWebhook", timeout=10)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        body = await asyncio.to_thread(
            lambda: opener.open(f"http://127.0.0.1:{port}/healthz", timeout=5).read())
        update = api.send_text(user(), "What is ENEMO?")  # the fake posts it to /hook
        reply = await api.wait_for("sendMessage", update.matches)
    finally:
        stop.set()
        await server
    assert body == b"ok"
    assert reply.params["text"].startswith("<b>What is ENEMO?</b>")


async def test_a_bug_gets_one_apology_in_the_users_language(
        api: FakeBotAPI, db: Path, conversation: Conversation,
        caplog: pytest.LogCaptureFixture) -> None:
    class Broken(Conversation):
        def respond(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("a bug")

    broken = Broken(conversation.kb, conversation.catalogs, conversation.matcher)
    async with running(api, db, broken):
        apology = await ask(api, user(lang="be"), "What is ENEMO?")
        await api.assert_no_call("sendMessage", within=0.5)
    english = "Sorry, something went wrong on my end. Please try again in a minute."
    expected = conversation.catalogs["be"].gettext(english)
    assert apology.params["text"] == expected and expected != english
    assert [r.levelname for r in caplog.records if r.name.startswith("bot")
            and r.exc_info] == ["ERROR"]
