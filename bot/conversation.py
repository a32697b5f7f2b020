"""The conversation core: question in, reply out — shared by the terminal and Telegram."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from bot.i18n import (
    SOURCE_CONTEXT,
    Catalogs,
    Language,
    label_context,
    load_catalogs,
    topic_context,
)
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.learning import new_ref, split_ref, with_ref
from bot.matcher import Match, Matcher

ReplyKind = Literal["answer", "suggest", "none", "info"]

# Longer questions are cut before matching: nobody asks a FAQ in 5,000 characters, and the cut
# keeps matching time bounded whatever a client sends.
MAX_QUESTION_CHARS = 500

# Button actions are short strings so that a transport can carry them as-is
# (Telegram's callback_data holds at most 64 bytes; entry ids are limited accordingly).
ACTION_ENTRY = "e"
ACTION_TOPIC = "t"
ACTION_TOPICS = "topics"
ACTION_LANGUAGE = "lang"
ACTION_SET_LANGUAGE = "setlang"


def action(kind: str, value: str = "") -> str:
    return f"{kind}:{value}" if value else kind


def parse_action(data: str) -> tuple[str, str]:
    kind, _, value = data.partition(":")
    return kind, value


@dataclass(frozen=True)
class Button:
    """A choice offered under a reply; `action` says what pressing it does."""

    label: str
    action: str


@dataclass(frozen=True)
class Reply:
    """What the user is shown, independent of how it is shown."""

    kind: ReplyKind
    lang: str
    body: str
    heading: str | None = None
    sources: tuple[tuple[str, str | None], ...] = ()
    sources_label: str = ""
    note: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    entry_id: str | None = None
    score: float = 0.0
    suggestions: tuple[str, ...] = field(default=())
    # set when the user picked a language: the transport remembers it
    set_language: str | None = None
    # an unsure reply's random reference (learning.py): the transport stores the question
    # text under it, never with who asked
    ref: str | None = None
    # (reference, entry id) when a suggestion of an unsure reply was pressed: a learned label
    chosen: tuple[str, str] | None = None


class Conversation:
    """Turns questions and button presses into replies, in the user's language."""

    def __init__(self, kb: KnowledgeBase, catalogs: Catalogs,
                 matcher: Matcher | None = None) -> None:
        self.kb = kb
        self.catalogs = catalogs
        self.matcher = matcher or Matcher(kb)
        lex = kb.lexicon
        self._greetings = lex.smalltalk_words("greetings")
        self._thanks = lex.smalltalk_words("thanks")

    @classmethod
    def load(cls, kb_dir: Path | str | None = None,
             locales_dir: Path | str | None = None) -> Conversation:
        """Load the knowledge base and every catalog (raising on any problem)."""
        return cls(load_knowledge(kb_dir), load_catalogs(locales_dir))

    # --- language ----------------------------------------------------------------------------

    def reply_language(self, match: Match | None, chosen: str | None, fallback: str | None) -> str:
        """An explicit choice wins; else the question's language; else the fallback."""
        if chosen and chosen in self.catalogs.languages:
            return chosen
        detected = match.analysis.lang if match else None
        if detected and detected in self.catalogs.languages:
            return detected
        return self.catalogs.resolve(fallback)

    # --- questions ---------------------------------------------------------------------------

    def ask(self, question: str, chosen: str | None = None,
            fallback: str | None = None) -> Reply:
        """Reply to a typed question."""
        question = question[:MAX_QUESTION_CHARS]
        match = self.matcher.match(question)
        lang = self.reply_language(match, chosen, fallback)
        tr = self.catalogs[lang]
        small = self._smalltalk(match)
        if small is not None and match.status != "answer":
            return self._info(tr, small, match)
        if match.status == "answer" and match.entry_id:
            return self.entry(match.entry_id, lang, score=match.score)
        if match.status == "suggest":
            ids = match.suggestions
            ref = new_ref()
            # TRANSLATORS: shown above buttons with up to three questions the user may mean.
            body = tr.ngettext("This question may be what you mean:",
                               "One of these questions may be what you mean:", len(ids))
            rows = tuple((Button(self.button_label(e, lang),
                                 action(ACTION_ENTRY, with_ref(e, ref))),) for e in ids)
            return Reply("suggest", lang, body, buttons=(*rows, self._nav_row(tr)),
                         score=match.score, suggestions=ids, ref=ref)
        body = tr.gettext(
            "Sorry, I don't know the answer to that. I can only answer questions about the "
            "international cooperation of Belarus's Central Election Commission and about "
            "election observation (ENEMO, OSCE, ACEEEO and others). Try other words, or "
            "browse the topics.")
        return Reply("none", lang, body, buttons=(self._nav_row(tr),), score=match.score)

    def _smalltalk(self, match: Match) -> str | None:
        ws = [w for w in match.analysis.words if not w.isdigit()]
        if not ws:
            return None
        if all(w in self._greetings or w in self._thanks for w in ws):
            return "thanks" if any(w in self._thanks for w in ws) else "greeting"
        return None

    def _info(self, tr: Language, kind: str, match: Match) -> Reply:
        if kind == "thanks":
            body = tr.gettext("You're welcome! Ask me anything else about election cooperation "
                              "and observation.")
        else:
            body = self.greeting_text(tr)
        return Reply("info", tr.code, body, buttons=(self._nav_row(tr),), score=match.score)

    # --- entries and browsing ----------------------------------------------------------------

    def entry(self, entry_id: str, lang: str, score: float = 1.0) -> Reply:
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
        related = tuple((Button(self.button_label(r, lang), action(ACTION_ENTRY, r)),)
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
            "Hello! I answer questions about election cooperation and election observation: "
            "Belarus's Central Election Commission and its international partners (ACEEEO, "
            "the CIS commissions, the OSCE, Russia's election commission) and the independent "
            "observer network ENEMO.\n\n"
            "Ask in your own words, in Belarusian, Russian or English, or browse the topics.")

    def start(self, lang: str) -> Reply:
        """The greeting a new user sees."""
        tr = self.catalogs[lang]
        return Reply("info", lang, self.greeting_text(tr), buttons=(self._nav_row(tr),))

    def help(self, lang: str) -> Reply:
        tr = self.catalogs[lang]
        body = tr.gettext(
            "Write your question as you would ask a person, for example “What is ENEMO?” or "
            "“Who invites international observers?”. Typos, Latin letters and a wrong keyboard "
            "layout are fine.\n\n"
            "Under each answer you will find its sources and related questions. When I am not "
            "sure what you mean, I show a few questions to choose from; when a question is "
            "outside what my sources say, I tell you so instead of guessing.")
        return Reply("info", lang, body, buttons=(self._nav_row(tr),))

    def about(self, lang: str) -> Reply:
        tr = self.catalogs[lang]
        body = tr.gettext(
            "This bot answers questions about the international cooperation of the Central "
            "Commission of the Republic of Belarus on Elections and Holding Republican Referenda "
            "and about election observation.\n\n"
            "All answers come from two published texts, and each answer names its source: the "
            "Central Election Commission's “International Cooperation” page and an article of "
            "the campaign “Human Rights Defenders for Free Elections”. The bot does not add facts "
            "of its own and does not give political advice.")
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
        body = tr.gettext("Done: I will answer in %(language)s.") % {"language": tr.name}
        return Reply("info", lang, body, buttons=(self._nav_row(tr),))

    def press(self, data: str, lang: str) -> Reply | None:
        """The reply to a pressed button, or None when `data` is forged or out of date."""
        kind, value = parse_action(data)
        value, ref = split_ref(value) if kind == ACTION_ENTRY else (value, None)
        if kind == ACTION_ENTRY and value in self.kb.entries:
            return replace(self.entry(value, lang), chosen=(ref, value) if ref else None)
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
