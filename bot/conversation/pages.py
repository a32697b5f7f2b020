"""The pages a command or a button opens: an entry, the topics, /start, /help, /about, the
language menu, and the notices every transport shows (unknown command, text only, ...)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.conversation.privacy import forget_prompt, privacy
from bot.conversation.replies import Button, Reply, info_reply
from bot.conversation.routes import (
    ACTION_ENTRY,
    ACTION_LANGUAGE,
    ACTION_SET_LANGUAGE,
    ACTION_TOPIC,
    ACTION_TOPICS,
    ACTION_VOTE,
    REF_RE,
    action,
    parse_action,
)
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.catalogs import SOURCE_CONTEXT, Catalogs, Language, label_context, topic_context
from bot.storage import DEFAULT_LANGUAGE_DAYS

if TYPE_CHECKING:
    from bot.conversation.core import Conversation

# Commands a user can type, in menu order; each opens a page of the core (see command_page).
USER_COMMANDS = ("start", "topics", "language", "help", "about", "privacy", "forget")


class Pages:
    """Conversation's pages: what an entry, a topic or a command shows (a mixin: Conversation
    sets `kb` and `catalogs`)."""

    kb: KnowledgeBase
    catalogs: Catalogs

    def entry(self, entry_id: str, lang: str, score: float = 1.0,
              ref: str | None = None) -> Reply:
        """The full answer to one entry, as a reply."""
        entry = self.kb.entries[entry_id]
        tr = self.catalogs[lang]
        answer = tr.knowledge(entry.id, entry.answer)
        note = None
        if answer is None:
            answer = entry.answer
            if tr.is_stale(entry.id, entry.answer):
                note = tr.gettext("The translation of this answer is being updated, so here is "
                                  "the current English original.")
            else:
                note = tr.gettext("This answer has not been translated into your language yet, "
                                  "so here is the English original.")
        sources = tuple((self.knowledge_text(tr, SOURCE_CONTEXT, s.title), s.url)
                        for s in entry.sources)
        # TRANSLATORS: heading of the list of source documents under an answer (no number shown).
        label = tr.ngettext("Source", "Sources", len(sources))
        related = tuple((Button(self.button_label(r, lang),
                                action(ACTION_ENTRY, r), ref or ""),)
                        for r in entry.related)
        # the way back when browsing topics, and a pointer to neighbours when not
        back = (Button("⬅ " + self.topic_title(entry.topic, lang),
                       action(ACTION_TOPIC, entry.topic)),)
        return Reply("answer", lang, answer, heading=entry.question(lang), sources=sources,
                     sources_label=label, note=note, buttons=(*related, back, self._nav_row(tr)),
                     entry_id=entry.id, score=score)

    def button_label(self, entry_id: str, lang: str) -> str:
        """A button leading to an entry: its short label if translated, else its question."""
        entry = self.kb.entries[entry_id]
        if entry.label:
            label = self.catalogs[lang].knowledge(label_context(entry_id), entry.label)
            if label:
                return label
        return entry.question(lang)

    def knowledge_text(self, tr: Language, context: str | None, source: str) -> str:
        return tr.knowledge(context, source) or source

    def topic_title(self, topic_id: str, lang: str) -> str:
        topic = self.kb.topic(topic_id)
        title = topic.title if topic else topic_id
        return self.knowledge_text(self.catalogs[lang], topic_context(topic_id), title)

    def topics(self, lang: str) -> Reply:
        """The list of topics."""
        tr = self.catalogs[lang]
        rows = tuple((Button(self.topic_title(t.id, lang), action(ACTION_TOPIC, t.id)),)
                     for t in self.kb.topics)
        return Reply("info", lang, tr.gettext("Choose a topic:"), buttons=rows)

    def topic(self, topic_id: str, lang: str) -> Reply | None:
        """The questions of one topic, or None for an unknown topic."""
        topic = self.kb.topic(topic_id)
        if topic is None:
            return None
        tr = self.catalogs[lang]
        rows = tuple((Button(self.button_label(e, lang), action(ACTION_ENTRY, e)),)
                     for e in topic.entry_ids)
        # TRANSLATORS: a button label; keep it short.
        back = (Button(tr.gettext("⬅ All topics"), action(ACTION_TOPICS)),)
        return Reply("info", lang, self.topic_title(topic_id, lang), buttons=(*rows, back))

    def greeting_text(self, tr: Language) -> str:
        return tr.gettext(
            "Hello! I answer questions about the international cooperation of Belarus's "
            "Central Election Commission (CEC) and about election observation, using two "
            "published sources. I can tell you about the CEC's international ties (ACEEEO, "
            "the election commissions of the CIS countries, the OSCE, Russia's CEC) and about "
            "the observer network ENEMO.\n\n"
            "Ask in your own words (in Belarusian, Russian or English), or browse the topics.")

    def start(self, lang: str) -> Reply:
        """The greeting a new user sees."""
        tr = self.catalogs[lang]
        return Reply("info", lang, self.greeting_text(tr), buttons=(self._nav_row(tr),))

    def help(self, lang: str) -> Reply:
        tr = self.catalogs[lang]
        body = tr.gettext(
            "Ask your question the way you would ask a person, for example, “What is ENEMO?” or "
            "“Who invites international observers?” Typos, Russian or Belarusian typed in "
            "Latin letters, and the wrong keyboard layout are all fine.\n\nUnder each answer "
            "you will find its sources and buttons for related questions. When I'm not sure what "
            "you mean, I offer a few answers to choose from; when a question is outside what my "
            "sources cover, I tell you so instead of guessing.")
        return Reply("info", lang, body, buttons=(self._nav_row(tr),))

    def about(self, lang: str) -> Reply:
        tr = self.catalogs[lang]
        body = tr.gettext(
            "This bot answers questions about the international cooperation of Belarus's "
            "Central Election Commission (officially, the Central Commission of the Republic of "
            "Belarus on Elections and Holding Republican Referenda) and about election "
            "observation.\n\n"
            "All answers come from two published texts: the Central Election Commission's "
            "“International Cooperation” page and an article on ENEMO published by the “Human "
            "Rights Defenders for Free Elections” campaign. Each answer names its sources. The "
            "bot does not add facts of its own and does not give political opinions.")
        return Reply("info", lang, body, buttons=(self._nav_row(tr),))

    def language_menu(self, lang: str) -> Reply:
        tr = self.catalogs[lang]
        rows = tuple((Button(language.name, action(ACTION_SET_LANGUAGE, code)),)
                     for code, language in self.catalogs.languages.items())
        return Reply("info", lang, tr.gettext("Choose your language:"), buttons=rows)

    def language_set(self, lang: str) -> Reply:
        tr = self.catalogs[lang]
        # TRANSLATORS: %(language)s is the language's own name, capitalised: Беларуская,
        # Русский, English. Phrase it so that the name needs no declension.
        body = tr.gettext("Done. I'll answer in %(language)s from now on.") % {"language": tr.name}
        return Reply("info", lang, body, buttons=(self._nav_row(tr),))

    def press(self, data: str, lang: str, ref: str = "") -> Reply | None:
        """The reply to a pressed button, or None when `data` is forged or out of date. `ref`
        is the button's reference: a suggestion pressed under an unsure reply is a label."""
        kind, value = parse_action(data)
        if kind == ACTION_ENTRY and value in self.kb.entries:
            chosen = (ref, value) if REF_RE.match(ref) else None
            return replace(self.entry(value, lang), chosen=chosen)
        if kind == ACTION_TOPIC:
            return self.topic(value, lang)
        if kind == ACTION_TOPICS and not value:
            return self.topics(lang)
        if kind == ACTION_LANGUAGE and not value:
            return self.language_menu(lang)
        if kind == ACTION_SET_LANGUAGE and value in self.catalogs.languages:
            return replace(self.language_set(value), set_language=value)
        return None

    def _nav_row(self, tr: Language) -> tuple[Button, ...]:
        # TRANSLATORS: button labels under most replies; keep them short.
        return (Button(tr.gettext("📚 Topics"), action(ACTION_TOPICS)),
                Button(tr.gettext("🌐 Language"), action(ACTION_LANGUAGE)))


def command_descriptions(tr: Language) -> dict[str, str]:
    """The command menu: command name -> a short description, in menu order."""
    return {
        # TRANSLATORS: this and the next six are descriptions in Telegram's command menu.
        "start": tr.gettext("Start: what this bot does"),
        "topics": tr.gettext("Browse the topics"),
        "language": tr.gettext("Change the language"),
        "help": tr.gettext("How to ask"),
        "about": tr.gettext("About the bot and its sources"),
        "privacy": tr.gettext("What is stored about you"),
        "forget": tr.gettext("Delete what is stored about you"),
    }


def stats_text(conv: Conversation, lang: str, users_per_language: dict[str, int],
               questions: dict[str, int], feedback: dict[str, tuple[int, int]]) -> str:
    """The maintainers' summary (/stats), in the admin's language: words, not status names or
    entry ids."""
    tr = conv.catalogs[lang]
    chosen = ", ".join(f"{conv.catalogs[code].name if code in conv.catalogs.languages else code}"
                       f" {n}" for code, n in users_per_language.items())
    lines = [tr.gettext("Statistics (counts only, nothing about who asked):"),
             # TRANSLATORS: %(list)s is e.g. "Беларуская 3, English 1", or "none yet".
             tr.gettext("Saved language choices: %(list)s") % {
                 "list": chosen or tr.gettext("none yet")},
             tr.gettext("Questions asked: %(n)d") % {"n": sum(questions.values())}]
    # TRANSLATORS: the kinds of reply /stats counts; %(n)d is a count.
    kinds = {"answer": tr.gettext("answered: %(n)d"),
             "partial": tr.gettext("answered in part: %(n)d"),
             "suggest": tr.gettext("offered suggestions: %(n)d"),
             "none": tr.gettext("not answered: %(n)d"),
             "smalltalk": tr.gettext("greetings and small talk: %(n)d")}
    other = sum(n for kind, n in questions.items() if kind not in kinds)
    lines += ["  " + text % {"n": questions[kind]} for kind, text in kinds.items()
              if questions.get(kind)]
    if other:
        lines.append("  " + tr.gettext("other: %(n)d") % {"n": other})
    lines.append(tr.gettext("Feedback on answers (👍/👎):"))
    lines += [f"  {conv.entry(eid, lang).heading or eid}: {up}/{down}"
              for eid, (up, down) in feedback.items() if eid in conv.kb.entries] \
        or ["  " + tr.gettext("no votes yet")]
    return "\n".join(lines)


def command_page(conv: Conversation, command: str, lang: str, retention_days: int,
                 language_days: int = DEFAULT_LANGUAGE_DAYS) -> Reply | None:
    """The page a user command opens, or None for a command the core does not know."""
    pages = {"start": conv.start, "topics": conv.topics, "language": conv.language_menu,
             "help": conv.help, "about": conv.about,
             "forget": lambda lng: forget_prompt(conv, lng),
             "privacy": lambda lng: privacy(conv, lng, retention_days, language_days)}
    page = pages.get(command)
    return page(lang) if page else None


def unknown_command(conv: Conversation, lang: str) -> Reply:
    tr = conv.catalogs[lang]
    return info_reply(tr, tr.gettext(
        "Sorry, I don't know that command. /help shows what I can do."))


def text_only(conv: Conversation, lang: str) -> Reply:
    tr = conv.catalogs[lang]
    return info_reply(tr, tr.gettext("I can only read text. Please type your question in words."))


def no_such_choice(conv: Conversation, lang: str,
                   on_screen: tuple[tuple[Button, ...], ...]) -> Reply:
    """A typed number that matches no button on screen (terminal chat); the choices stay."""
    tr = conv.catalogs[lang]
    count = sum(len(row) for row in on_screen)
    if count == 0:
        return info_reply(tr, tr.gettext(
            "There are no numbered choices here. Please type your question."))
    if count == 1:
        return info_reply(tr, tr.gettext("There is only one choice: type 1, or type a question."),
                          on_screen)
    # TRANSLATORS: %(count)d is how many numbered choices are on the screen (2 or more).
    return info_reply(tr, tr.gettext(
        "There is no choice with that number: type a number from 1 to %(count)d, or a "
        "question.") % {"count": count}, on_screen)


def button_expired(tr: Language) -> str:
    # TRANSLATORS: a short pop-up (at most 200 characters) for an out-of-date button.
    return tr.gettext("This button no longer works. Please ask again.")


def feedback_thanks(tr: Language) -> str:
    return tr.gettext("Thank you for your feedback!")


def feedback_row(reply: Reply) -> tuple[tuple[Button, ...], ...]:
    """👍/👎 under an answer (a partial answer too), so users can say whether it helped."""
    if reply.kind not in ("answer", "partial") or not reply.entry_id:
        return ()
    return ((Button("👍", f"{ACTION_VOTE}:up:{reply.entry_id}"),
             Button("👎", f"{ACTION_VOTE}:down:{reply.entry_id}")),)
