"""The conversation core: question in, reply out — shared by the terminal and Telegram.

The decision (answer, partial, suggest, none) and its texts live here; the pages and browsing
are inherited from pages.Pages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.answering.cache import load_matcher
from bot.answering.dialogue import Context, context_after, understand
from bot.answering.matcher import ENDED, Match, Matcher
from bot.answering.reading import LANGUAGE_REQUEST
from bot.conversation.pages import Pages
from bot.conversation.replies import Button, Reply, Turn
from bot.conversation.routes import ACTION_ENTRY, action, new_ref
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.catalogs import Catalogs, Language, load_catalogs

# Longer questions are cut before matching: nobody asks a FAQ in 5,000 characters, and the cut
# keeps matching time bounded whatever a client sends.
MAX_QUESTION_CHARS = 500


def answer_texts(kb: KnowledgeBase, catalogs: Catalogs) -> dict[str, list[str]]:
    """Each entry's answer in every catalog language (grounding reads them all)."""
    languages = [catalogs[code] for code in catalogs.codes]
    return {entry.id: [t for lang in languages if (t := lang.knowledge(entry.id, entry.answer))]
            for entry in kb.entries.values()}


class Conversation(Pages):
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
        replies = tuple(self._part(self.reply(m, lang)) if i and m.status == "none"
                        else self.reply(m, lang) for i, m in enumerate(matches))
        if context is not None:
            # (only a follow-up read with the last answer's subject: a message that reads on
            # its own, "members" or the same question again, is no question that answer
            # already settled)
            replies = tuple(self._repeated(r) if r.kind == "answer" and r.caveat is None
                            and m.followup and r.entry_id == context.entry_id else r
                            for r, m in zip(replies, matches, strict=True))
        return Turn(replies, matches, context_after(self.matcher, matches, context))

    def _repeated(self, reply: Reply) -> Reply:
        """A follow-up that the answer just shown already answers: said so, not just repeated
        as if the question had not been read."""
        # TRANSLATORS: first line above the answer just shown, sent again because it already
        # answers the follow-up ("and when was that?" after the answer that dates it).
        return replace(reply, caveat=self.catalogs[reply.lang].gettext(
            "Here is my previous answer again, in case it covers this:"))

    def _part(self, reply: Reply) -> Reply:
        """A decline that follows the answer to another question of the same message."""
        # TRANSLATORS: first line of the reply to the second question of a message that asks
        # two things, when the first got an answer and this one is outside the sources (a
        # polling station, an opinion); why follows.
        return replace(reply, caveat=self.catalogs[reply.lang].gettext(
            "As for your other question:"))

    def reply(self, match: Match, chosen: str | None = None,
              fallback: str | None = None) -> Reply:
        """The reply to a question the matcher has read."""
        lang = self.reply_language(match, chosen, fallback)
        tr = self.catalogs[lang]
        if match.status == "smalltalk" and match.reason == LANGUAGE_REQUEST:
            return self.language_request(match.analysis.requested_language, lang)
        if match.status == "smalltalk":
            return Reply("smalltalk", lang, self.smalltalk_text(tr, match.reason),
                         buttons=(self._nav_row(tr),), reason=match.reason)
        if match.status == "answer" and match.entry_id and (
                match.premise or match.analysis.present):
            # a question whose premise the sources contradict (a year they do not give, an end
            # of something they say goes on): what they state comes first, never a
            # confirmation
            reply = self.entry(match.entry_id, lang, score=match.score)
            # (the whole answer follows the line: a sentence quoted from it would be read
            # twice, and which one settles the premise depends on what was asked)
            # (no premise: the question only asks whether it still holds, "now", "still")
            if not match.premise or match.premise == (ENDED,):
                # TRANSLATORS: first line above an answer when the question takes for granted
                # that something ended (left, stopped) and the sources say it goes on, or asks
                # whether it still holds today ("now", "still"); the answer follows.
                lead = tr.gettext("My sources don't say whether this has changed, and they may "
                                  "not be up to date. Here is what they say:")
            else:
                # TRANSLATORS: first line above an answer when the question takes a year for
                # granted that the sources do not give; the answer, with the year they give,
                # follows. %(given)s is the year in the question (the plural form: its years,
                # separated by commas, when it names several).
                lead = tr.ngettext(
                    "My sources don't mention %(given)s. Here is what they do say:",
                    "My sources don't mention any of these years: %(given)s. Here is what they do "
                    "say:",
                    len(match.premise)) % {"given": ", ".join(match.premise)}
            return replace(reply, caveat=lead)
        if match.status == "answer" and match.entry_id and match.beyond:
            # TRANSLATORS: first line above the last answer shown again, when the user asked
            # for more of it right after it ("who else?", "tell me more", "is that all?", "and
            # the rest?"): it already gives everything the sources say on it.
            lead = tr.gettext("My sources say nothing more about this. Here is my previous "
                              "answer again:")
            return replace(self.entry(match.entry_id, lang, score=match.score), caveat=lead)
        if match.status == "answer" and match.entry_id and match.again:
            # TRANSLATORS: first line above the last answer shown again, when the user asked
            # about it ("where is that from?", "what do you mean?", "shorter, please").
            lead = tr.gettext("That's the only answer I have on this. Here it is again, with "
                              "its sources:")
            return replace(self.entry(match.entry_id, lang, score=match.score), caveat=lead)
        if match.status == "answer" and match.entry_id:
            return self.entry(match.entry_id, lang, score=match.score)
        if match.status == "partial" and match.entry_id:
            # TRANSLATORS: first line above an answer close to, but not exactly, what was asked.
            caveat = tr.gettext("My sources don't answer exactly that. Here is the closest "
                                "answer they give:")
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
        return Reply("none", lang, self.decline_text(tr, reason, match.unrelated),
                     buttons=(self._nav_row(tr),), score=match.score, reason=reason)

    def language_request(self, wanted: str | None, lang: str) -> Reply:
        """A message that only asks for a reply language: switched to it, as if chosen in
        the language menu; the menu, when the bot has no such language."""
        if wanted is not None and wanted in self.catalogs.languages:
            return replace(self.language_set(wanted), kind="smalltalk", reason=LANGUAGE_REQUEST,
                           set_language=wanted)
        # TRANSLATORS: above the language menu, when the user asked for a language the bot
        # has no catalog for (German, Polish...).
        body = self.catalogs[lang].gettext("I can only answer in these languages:")
        return replace(self.language_menu(lang), kind="smalltalk", body=body,
                       reason=LANGUAGE_REQUEST)

    def decline_text(self, tr: Language, reason: str | None, unrelated: bool = False) -> str:
        """Why there is no answer: an opinion asked for, a practical matter, a subject of
        another kind (`unrelated`: the weather), or unknown."""
        if reason == "opinion":
            return tr.gettext(
                "I don't evaluate elections or anyone involved in them, make predictions, report "
                "results or give political opinions. I can tell you what my "
                "sources say about the international cooperation of Belarus's Central Election "
                "Commission and about election observation: for example, who observes "
                "elections in Belarus and how observers are invited.")
        if reason == "practical":
            return tr.gettext(
                "Sorry, I can't help with that: I have no information on polling stations, "
                "voter registration, voting abroad, becoming an observer, contact details or "
                "election dates. I only answer questions about the international cooperation "
                "of Belarus's Central Election Commission (for example with ACEEEO, the OSCE "
                "and Russia's CEC) and about election observation (including the observer "
                "network ENEMO).")
        if unrelated:
            # TRANSLATORS: the reply to a message about something else entirely (the weather,
            # sport, a recipe): no "try rephrasing", which would not help.
            return tr.gettext(
                "Sorry, that's not something I can help with. My sources cover only two "
                "subjects: the international cooperation of Belarus's Central Election "
                "Commission (for example with ACEEEO, the OSCE and Russia's CEC) and election "
                "observation (including the observer network ENEMO). Browse the topics to see "
                "what you can ask about.")
        return tr.gettext(
            "Sorry, my sources don't answer that. They cover two subjects: the international "
            "cooperation of Belarus's Central Election Commission (for example with ACEEEO, the "
            "OSCE and Russia's CEC) and election observation (including the observer network "
            "ENEMO). Try rephrasing your question, or browse the topics.")

    def smalltalk_text(self, tr: Language, kind: str) -> str:
        if kind == "thanks":
            # TRANSLATORS: the reply to thanks, "ok" and "got it" alike: it must fit each.
            return tr.gettext("Glad to help. If you have more questions about the international "
                              "cooperation of Belarus's Central Election Commission or about "
                              "election observation, just ask.")
        if kind == "farewells":
            # TRANSLATORS: the reply to "bye", "see you", "have a nice day".
            return tr.gettext("Goodbye! Come back any time with questions about the "
                              "international cooperation of Belarus's Central Election "
                              "Commission or about election observation.")
        if kind == "bot":
            return tr.gettext(
                "I'm a bot: I answer questions about the international cooperation of Belarus's "
                "Central Election Commission and about election observation, using two "
                "published sources and naming them under each answer. Ask me, for example, "
                "“What is ENEMO?”")
        if kind == "insults":
            return tr.gettext(
                "Sorry if I haven't been able to help. I only know about the international "
                "cooperation of Belarus's Central Election Commission and about election "
                "observation. Try rephrasing your question, or browse the topics.")
        return self.greeting_text(tr)
