"""The conversation core: question in, reply out — shared by the terminal and Telegram."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from bot.answering.cache import load_matcher
from bot.answering.dialogue import Context, context_after, understand
from bot.answering.grounding import YEAR_RE
from bot.answering.matcher import Match, Matcher
from bot.answering.reading import split_sentences
from bot.authoring.learning import REF_RE, new_ref
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.catalogs import (
    SOURCE_CONTEXT,
    Catalogs,
    Language,
    label_context,
    load_catalogs,
    topic_context,
)
from bot.storage import DEFAULT_LANGUAGE_DAYS

ReplyKind = Literal["answer", "partial", "suggest", "none", "smalltalk", "info"]

# Replies whose question text is kept (anonymously) for the maintainers' gaps report: the base
# lacked what was asked.
KEPT_TEXTS = ("none", "suggest", "partial")
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
    # an optional opaque token (<= 12 of A-Z a-z 0-9 _ -) that comes back with the press, e.g. to
    # tie a chosen suggestion to the question it was offered for; transports may drop it
    ref: str = ""


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
    # a first line that qualifies what follows ("I have no exact information on that...")
    caveat: str | None = None
    # why a question got no answer: "opinion", "practical" (out of scope), or None
    reason: str | None = None


def answer_texts(kb: KnowledgeBase, catalogs: Catalogs) -> dict[str, list[str]]:
    """Each entry's answer in every catalog language (grounding reads them all)."""
    languages = [catalogs[code] for code in catalogs.codes]
    return {entry.id: [t for lang in languages if (t := lang.knowledge(entry.id, entry.answer))]
            for entry in kb.entries.values()}


@dataclass(frozen=True)
class Turn:
    """The replies to one message, how it was read, and the context it leaves for the next."""

    replies: tuple[Reply, ...]
    matches: tuple[Match, ...]
    context: Context | None


class Conversation:
    """Turns questions and button presses into replies, in the user's language."""

    def __init__(self, kb: KnowledgeBase, catalogs: Catalogs,
                 matcher: Matcher | None = None) -> None:
        self.kb = kb
        self.catalogs = catalogs
        self.matcher = matcher or Matcher(kb, answers=answer_texts(kb, catalogs))

    @classmethod
    def load(cls, kb_dir: Path | str | None = None,
             locales_dir: Path | str | None = None) -> Conversation:
        """Load the knowledge base and every catalog (raising on any problem)."""
        catalogs = load_catalogs(locales_dir)
        # from the compiled-base cache when it is valid
        matcher = load_matcher(kb_dir, answers=lambda kb: answer_texts(kb, catalogs))
        return cls(matcher.kb, catalogs, matcher)

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
        """Reply to a typed question read on its own (the first reply when it asks two)."""
        return self.respond(question, chosen, fallback).replies[0]

    def respond(self, question: str, chosen: str | None = None, fallback: str | None = None,
                context: Context | None = None) -> Turn:
        """Reply to a message in a chat whose context is `context`: a follow-up is read with
        the last answer's subject, and a message asking two things gets two replies."""
        matches = understand(self.matcher, question[:MAX_QUESTION_CHARS], context)
        lang = self.reply_language(matches[0], chosen, fallback)
        replies = tuple(self.reply(m, lang) for m in matches)
        return Turn(replies, matches, context_after(self.matcher, matches, context))

    def reply(self, match: Match, chosen: str | None = None,
              fallback: str | None = None) -> Reply:
        """The reply to a question the matcher has read."""
        lang = self.reply_language(match, chosen, fallback)
        tr = self.catalogs[lang]
        if match.status == "smalltalk":
            return Reply("smalltalk", lang, self.smalltalk_text(tr, match.reason),
                         buttons=(self._nav_row(tr),), reason=match.reason)
        if match.status == "answer" and match.entry_id and match.premise:
            # a statement to confirm whose year the sources do not state: what they state
            # comes first, never a confirmation
            reply = self.entry(match.entry_id, lang, score=match.score)
            stated = next((s for s in split_sentences(reply.body) if YEAR_RE.search(s)), "")
            # TRANSLATORS: first line above an answer when the question takes a year for
            # granted that the sources do not give; then the sentence of the answer that
            # gives the year. %(given)s is the year in the question (the plural form: its
            # years, separated by commas, when it names several).
            lead = tr.ngettext("My sources do not mention %(given)s. What they state:",
                               "My sources do not mention these years: %(given)s. What they "
                               "state:", len(match.premise)) % {"given": ", ".join(match.premise)}
            return replace(reply, caveat=f"{lead} {stated}".strip())
        if match.status == "answer" and match.entry_id:
            return self.entry(match.entry_id, lang, score=match.score)
        if match.status == "partial" and match.entry_id:
            # TRANSLATORS: first line above an answer close to, but not exactly, what was asked.
            caveat = tr.gettext("I don't have exact information on what you asked. Here is what "
                                "my sources say on the closest question:")
            # a related question pressed under it is a label, as under "did you mean"
            ref = new_ref()
            return replace(self.entry(match.entry_id, lang, score=match.score, ref=ref),
                           kind="partial", caveat=caveat, ref=ref)
        if match.status == "suggest":
            ids = match.suggestions
            ref = new_ref()
            # TRANSLATORS: shown above buttons with up to three entries the user may mean
            # (their questions or short labels, not always questions).
            body = tr.ngettext("Did you mean this?", "Did you mean one of these?", len(ids))
            rows = tuple((Button(self.button_label(e, lang),
                                 action(ACTION_ENTRY, e), ref),) for e in ids)
            return Reply("suggest", lang, body, buttons=(*rows, self._nav_row(tr)),
                         score=match.score, suggestions=ids, ref=ref)
        reason = match.outofscope
        return Reply("none", lang, self.decline_text(tr, reason), buttons=(self._nav_row(tr),),
                     score=match.score, reason=reason)

    def decline_text(self, tr: Language, reason: str | None) -> str:
        """Why there is no answer: an opinion asked for, a practical matter, or unknown."""
        if reason == "opinion":
            return tr.gettext(
                "I don't assess elections, predict or report their results, or give political "
                "opinions. I can tell you what my sources say about the international "
                "cooperation of Belarus's Central Election Commission and about election "
                "observation: for example, who observes elections in Belarus and how observers "
                "are invited.")
        if reason == "practical":
            return tr.gettext(
                "I don't have that information: I can't help with polling stations, voter "
                "registration, voting abroad, becoming an observer or election dates. I only "
                "answer questions about the international cooperation of Belarus's Central "
                "Election Commission and about election observation (ENEMO, OSCE, ACEEEO and "
                "others).")
        return tr.gettext(
            "Sorry, I don't know the answer to that. I can only answer questions about the "
            "international cooperation of Belarus's Central Election Commission and about "
            "election observation (ENEMO, OSCE, ACEEEO and others). Try other words, or "
            "browse the topics.")

    def smalltalk_text(self, tr: Language, kind: str) -> str:
        if kind == "thanks":
            # TRANSLATORS: the reply to thanks, "ok", "got it" and goodbyes alike: it must fit
            # every one of them.
            return tr.gettext("Glad to help. Come back any time with more questions about "
                              "election cooperation and observation.")
        if kind == "bot":
            return tr.gettext(
                "I'm a bot: I answer questions about election cooperation and election "
                "observation, using two published sources and naming them under each answer. "
                "Ask me, for example, “What is ENEMO?”")
        if kind == "insults":
            return tr.gettext(
                "I'm sorry if my answers didn't help. I only know about election cooperation "
                "and election observation: try asking in other words, or browse the topics.")
        return self.greeting_text(tr)

    # --- entries and browsing ----------------------------------------------------------------

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
            "Hello! I answer questions about election cooperation and election observation: "
            "Belarus's Central Election Commission and its international partners (ACEEEO, "
            "the CIS commissions, the OSCE, Russia's CEC) and the election "
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


# --- pages and flows shared by every transport (Telegram, the terminal chat) -----------------

# Commands a user can type, in menu order; each opens a page of the core (see command_page).
USER_COMMANDS = ("start", "topics", "language", "help", "about", "privacy", "forget")
ACTION_VOTE = "fb"
ACTION_FORGET = "forget"


def privacy_text(tr: Language, retention_days: int,
                 language_days: int = DEFAULT_LANGUAGE_DAYS) -> str:
    """What the bot stores, in the user's language."""
    stored = tr.gettext(
        "What this bot stores:\n"
        "• the language you chose with /language, linked to your Telegram ID, until you send "
        "/forget;\n"
        "• counts of questions answered and not answered, and 👍/👎 counts per answer, with no "
        "link to anyone;\n"
        "• the text of questions it could not answer or was unsure about, and which suggested "
        "question was then pressed, with no user ID, no name and only the date (not the time), "
        "so that maintainers can add answers and phrasings.\n\n"
        "Nothing else: no names, no chat history, no logs of who asked what.")
    context = tr.gettext(
        "To understand follow-up questions, the bot remembers which answer it gave last in "
        "this chat (not your words) for 10 minutes, in memory only; /forget and every restart "
        "erase it.")
    # TRANSLATORS: %(days)d is the retention period, 90 by default.
    kept = tr.ngettext("Stored question texts are deleted after %(days)d day.",
                       "Stored question texts are deleted after %(days)d days.",
                       retention_days) % {"days": retention_days}
    # TRANSLATORS: %(days)d is how long an unused language choice is kept, 365 by default.
    unused = tr.ngettext("A language choice nobody uses for %(days)d day is deleted too.",
                         "A language choice nobody uses for %(days)d days is deleted too.",
                         language_days) % {"days": language_days}
    return "\n\n".join((stored, context, f"{kept} {unused}"))


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
             "suggest": tr.gettext("offered questions they may mean: %(n)d"),
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


def _info_reply(tr: Language, body: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    return Reply("info", tr.code, body, buttons=buttons)


def privacy(conv: Conversation, lang: str, retention_days: int,
            language_days: int = DEFAULT_LANGUAGE_DAYS) -> Reply:
    return _info_reply(conv.catalogs[lang], privacy_text(conv.catalogs[lang], retention_days,
                                                         language_days))


def forget_prompt(conv: Conversation, lang: str) -> Reply:
    """/forget asks first; the answer comes back as a `forget:yes` / `forget:no` press."""
    tr = conv.catalogs[lang]
    body = tr.gettext("Delete everything this bot stores about you (your language choice) and "
                      "what it remembers of this conversation?")
    return _info_reply(tr, body, ((Button(tr.gettext("Yes, delete"), f"{ACTION_FORGET}:yes"),
                                   Button(tr.gettext("No, keep"), f"{ACTION_FORGET}:no")),))


def forget_result(conv: Conversation, lang: str, deleted: bool) -> Reply:
    tr = conv.catalogs[lang]
    if deleted:
        return _info_reply(tr, tr.gettext("Done: nothing about you is stored any more, and the "
                                          "bot no longer remembers this conversation."))
    return _info_reply(tr, tr.gettext("Nothing was deleted."))


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
    return _info_reply(tr, tr.gettext(
        "Sorry, I don't know that command. /help shows what I can do."))


def text_only(conv: Conversation, lang: str) -> Reply:
    tr = conv.catalogs[lang]
    return _info_reply(tr, tr.gettext("I can only read text. Please type your question in words."))


def no_such_choice(conv: Conversation, lang: str, count: int) -> Reply:
    """A typed number that matches no button on screen (terminal chat)."""
    tr = conv.catalogs[lang]
    if count == 0:
        return _info_reply(tr, tr.gettext(
            "There are no choices to pick from here. Please type your question in words."))
    if count == 1:
        return _info_reply(tr, tr.gettext("There is only one choice: type 1, or type a question."))
    # TRANSLATORS: %(count)d is how many numbered choices are on the screen (2 or more).
    return _info_reply(tr, tr.gettext(
        "There is no choice with that number: type a number from 1 to %(count)d, or a "
        "question.") % {"count": count})


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
