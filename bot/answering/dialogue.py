"""Conversations: a follow-up is read with the last answer's subject, and a message that asks two
things gets both answers.

A chat's context is the last entry shown and the terms that named its subject — entry ids and
lexicon terms, never the user's text — kept in memory only and forgotten after a few minutes of
silence, on /forget and at every restart.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

from bot.answering.grammar import ADDITIVE, ASKED_CONTENT, LOCATIVE, QUANTIFIERS, REMAINDER
from bot.answering.matcher import Match, Matcher
from bot.answering.reading import ENUMERATE, Analysis, split_sentences
from bot.answering.terms import NAMED_KINDS, QUESTION_WORD_PREFIX
from bot.language import text as tx

# Seconds of silence after which a chat's context is forgotten.
CONTEXT_TTL = 600.0
# At most this many chats keep a context; the least recently active go first.
MAX_CONTEXTS = 100_000
# At most this many questions of one message are answered.
MAX_QUESTIONS = 2
# Share of a follow-up's own words (by weight) that the entry it is led to must cover.
OWN_SHARE = 0.5
# A question that reads on its own at least this well keeps its own reading unless it points
# back ("it", "they") or switches the subject.
SELF_CONTAINED = 0.75
POINTING = ("pronoun", "switch")
# A message this short may be a follow-up without any word that marks it as one.
SHORT_WORDS = 4
# A subject switch ("what about the OSCE?") says little besides the new name.
SWITCH_WORDS = 1

# the verbs of repeating (en, ru, be; by the beginnings of their forms): a request to say the
# last answer again
REPEAT_VERBS = ("repeat", "повтор", "паўтар")
# "…, and where…", "… и сколько…", "… і дзе…": a conjunction that may start a second question
_JOINT_RE = re.compile(r"(?:\s*,\s*|\s+)(?:and|и|і|й|а|а также|а яшчэ|and also)\s+",
                       re.IGNORECASE)
# words that open a yes/no or which-question besides the question words of the lexicon
_OPENERS = frozenset({
    "is", "are", "was", "were", "does", "do", "did", "has", "have", "can", "will", "which",
    "ли", "есть", "какие", "какой", "какая", "каких", "ці", "ёсць", "які", "якія", "якая", "якіх"})
_OPENER_SPAN = 3
# (where a lexicon keeps an additive particle as a word of its own)
_ADDITIVE_STEMS = frozenset(tx.stem(w) for w in ADDITIVE)
_REMAINDER_STEMS = frozenset(tx.stem(w) for w in REMAINDER)


@dataclass(frozen=True)
class Context:
    """What a chat's next message may refer to: the last entry shown, the names that led to it
    (ENEMO) for a follow-up, and what was asked about them (invited) for a subject switch."""

    entry_id: str
    names: tuple[str, ...]
    topic: tuple[str, ...]
    at: float
    # whether the last reply showed that entry (a reply that found nothing since leaves the
    # names to follow up on, but "is that all?" would be about that reply)
    fresh: bool = True


class ContextStore:
    """Per-chat contexts in memory, expiring after `ttl` seconds of silence."""

    def __init__(self, ttl: float = CONTEXT_TTL, limit: int = MAX_CONTEXTS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._limit, self._clock = ttl, limit, clock
        self._items: OrderedDict[Hashable, Context] = OrderedDict()

    def get(self, key: Hashable) -> Context | None:
        ctx = self._items.get(key)
        if ctx is not None and self._clock() - ctx.at > self._ttl:
            del self._items[key]
            return None
        return ctx

    def put(self, key: Hashable, context: Context | None) -> None:
        if context is None:
            self._items.pop(key, None)
            return
        self._items[key] = replace(context, at=self._clock())
        self._items.move_to_end(key)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)


def context_after(matcher: Matcher, matches: tuple[Match, ...],
                  before: Context | None) -> Context | None:
    """The context a reply leaves: its last entry shown, and what named that entry's subject."""
    shown = [m for m in matches if m.status in ("answer", "partial") and m.entry_id]
    if not shown:
        return replace(before, fresh=False) if before is not None else None
    last = shown[-1]
    assert last.entry_id is not None
    verdict = last.verdict
    found = verdict.subject_found if verdict else ()
    subject = matcher.grounder.subject(last.entry_id)
    named = [t for t in found if matcher.kind(t) == "name"]
    if named:
        # and the entry's own named subject: "they" after the Belarusian members of ENEMO may
        # be Viasna and the Helsinki Committee
        named += sorted(t for t in subject if matcher.kind(t) == "name" and t not in named)
    names = tuple(named or found or sorted(subject))
    topic = tuple(dict.fromkeys([*(t for t in found if matcher.kind(t) is None),
                                 *matcher.grounder.aspect(last.entry_id)]))
    return Context(last.entry_id, names, topic, time.monotonic())


def entry_context(matcher: Matcher, entry_id: str) -> Context:
    """The context after an entry was opened with a button: its own named subject."""
    subject = matcher.grounder.subject(entry_id)
    names = tuple(sorted(t for t in subject if matcher.kind(t) == "name")) or tuple(
        sorted(subject))
    return Context(entry_id, names, matcher.grounder.aspect(entry_id), time.monotonic())


def understand(matcher: Matcher, question: str, context: Context | None) -> tuple[Match, ...]:
    """The matches for a message: one, or one per question when it asks two things."""
    analysis = matcher.analyse(question)
    whole = in_context(matcher, analysis, context)
    parts = split_questions(matcher, question)
    if len(parts) < 2:
        return (whole,)
    matches: list[Match] = []
    ctx = context
    for part in parts:
        # each question is read with the one before it as its context ("What is ACEEEO and
        # since when is the CEC in it?")
        m = in_context(matcher, matcher.analyse(part), ctx)
        if m.status != "answer" and ctx is not None and ctx is not context:
            # a later question of the same message leaves out what the one before named
            # ("What is ACEEEO and since when is the CEC a member?": of ACEEEO), even beside
            # a name of its own
            joint = matcher.decide(with_terms(m.analysis, ctx.names))
            m = replace(joint, followup=True) if joint.status == "answer" else m
        matches.append(m)
        ctx = context_after(matcher, (m,), ctx)
    shown: dict[str, Match] = {}
    for m in matches:
        if m.status in ("answer", "partial") and m.entry_id and m.entry_id not in shown:
            shown[m.entry_id] = m
    picked = tuple(shown.values())[:MAX_QUESTIONS]
    if len(picked) >= 2 and any(m.status == "answer" for m in picked):
        return _widest_first(matcher, picked)
    declined = [m for m in matches if m.outofscope]
    if len(picked) == 1 and picked[0].status == "answer" and declined and (
            whole.status == "none" or whole.entry_id == picked[0].entry_id):
        # one question the sources answer and one they never would ("...and where is my
        # polling station?"): the answer, then why the other gets none, rather than one
        # reply that drops either
        return (whole if whole.status == "answer" else picked[0], declined[0])
    return (whole,)


def _widest_first(matcher: Matcher, picked: tuple[Match, ...]) -> tuple[Match, ...]:
    """The answers with first the one that gives the other questions' facts as well, if any
    ("How many countries are in ACEEEO and what does it do?": the answer on what ACEEEO does
    gives its 25 countries too, so it answers the message on its own and comes first)."""
    for m in picked:
        if m.status == "answer" and m.entry_id and all(
                _gives(matcher, other, m.entry_id) for other in picked if other is not m):
            return (m, *(other for other in picked if other is not m))
    return picked


def _gives(matcher: Matcher, match: Match, entry_id: str) -> bool:
    """Whether `entry_id` answers the question of `match` with the same facts as the entry
    it matched: grounded on it, and holding every number or place the matched entry gives
    for the kind asked (a "where" whose answer lists countries needs that list)."""
    if match.entry_id is None:
        return False
    # (the kind asked as grounding reads it: from the asking sentences)
    verdict = matcher.verify(match.analysis, entry_id)
    if verdict.asked is None or not verdict.grounded:
        return False
    wanted = matcher.grounder.values(match.entry_id, verdict.asked)
    return bool(wanted) and wanted <= matcher.grounder.values(entry_id, verdict.asked)


def in_context(matcher: Matcher, analysis: Analysis, context: Context | None) -> Match:
    """A message read on its own, or with what the context supplies when it continues the
    conversation: with the last answer's names when it has none of its own ("and where does it
    observe?"), with what was last asked when it only switches the subject ("what about the
    OSCE?"). The first reading that gives a confident answer wins."""
    alone = matcher.decide(analysis)
    openers = matcher.terms.opener_stems
    # thanks or goodbye said, not asked ("now it's clear, bye!"): no request about the answer
    closes = analysis.smalltalk is not None and not analysis.questioned
    if context is not None and analysis.present and set(analysis.terms) <= openers and not closes:
        # "is that still so?", «а сейчас?», «і цяпер таксама?»: whether the last answer still
        # holds, which its dated sources cannot settle (the reply says so above it)
        return _last_answer(analysis, context, "asks whether the last answer still holds",
                            again=False)
    if context is not None and not analysis.terms and _says(matcher, analysis, "repairs"):
        # "where is that from?", «что вы имеете в виду?», "shorter, please": about the last
        # answer itself (before small talk: «спасибо, а откуда это известно?»)
        return _last_answer(analysis, context, "asks about the last answer itself")
    if context is not None and any(w.startswith(REPEAT_VERBS) for w in analysis.words) and (
            _holds_the_rest(matcher, analysis, context.entry_id, REPEAT_VERBS)):
        # "could you repeat the list?", «повтори ещё раз список стран», «паўтарыце, што сказаў
        # ЦВК»: the last answer again, when it holds all the message names (its own words
        # besides are the request's: "once more", «список»)
        return _last_answer(analysis, context, "asks to repeat the last answer")
    if context is not None and _says(matcher, analysis, "examples") and _holds_the_rest(
            matcher, analysis, context.entry_id):
        # "can you give an example (of a country)?": the last answer holds what it lists
        return _last_answer(analysis, context,
                            "asks for an example of what the last answer says")
    if context is not None and context.fresh and not closes and _asks_for_more(
            matcher, analysis, context.entry_id):
        # "who else?", «а что ещё?», "tell me more", "is that all?", «а остальные страны?»:
        # more of what the last answer gave, which is all the sources say: that answer again
        # under the line that says so (not as if it were news, nor a decline as off-topic)
        return Match("answer", context.entry_id, 0.0, ((context.entry_id, 0.0),), analysis, (),
                     "asks for more than the last answer gives", followup=True, beyond=True)
    if context is None or analysis.smalltalk or not analysis.terms or (
            analysis.outofscope and alone.status != "answer"
            and set(matcher.named(analysis)) - set(context.names)):
        # (a request for a judgement or practical help about another subject is declined as it
        # would be on its own: «ЦИК независим?» after ENEMO's answer is no question about
        # ENEMO, as «она независима?» is)
        return alone
    said = tuple(t for t in analysis.terms if matcher.kind(t) in NAMED_KINDS)
    if said and _says(matcher, analysis, "corrections"):
        corrected = _corrected(matcher, analysis, said, context)
        if corrected is not None:
            return corrected
    cue = _continues(matcher, analysis)
    names = matcher.named(analysis)
    # (a pronoun the lexicon does not drop, «в ней», points back: it is not another thing)
    pointers = {tx.stem(w) for w in analysis.words if w in matcher.terms.pronouns}
    others = [t for t in analysis.terms if t not in names and not t.startswith("@q-")
              and matcher.kind(t) != "place" and t not in ASKED_CONTENT and t not in pointers]
    asks = {t for t in analysis.terms if t.startswith("@q-")} - {"@q-how"}
    # a new name and little else: "а ENEMO?", "what about the OSCE?", "what did it mean for
    # ENEMO?" — the last question asked again about another subject
    # (a question about the last answer's own name asks about it anew, not what was last
    # asked: «а што гэта за асацыяцыя?» after ACEEEO's members)
    # (the last answer's own names again are no switch: "has the network itself ever been
    # invited?" after its members asks on its own)
    new_names = bool(set(names) - set(context.names))
    switch = new_names and len(others) <= SWITCH_WORDS and (not asks or cue in POINTING)
    detail = _detail_of_last(matcher, analysis, context, alone, cue, switch)
    if detail is not None:
        return detail
    if (alone.status == "answer" and alone.score >= SELF_CONTAINED and cue not in POINTING
            and not switch):
        return alone  # "and who invites observers at all?" reads well on its own
    # a pronoun beside a name of its own still points back when the message alone finds
    # nothing, or only an answer that lacks what was asked ("and since when has the CEC been
    # in it?" after ACEEEO); "did you mean" choices are already on its subject
    pointing = bool(names) and not switch and cue == "pronoun" and alone.status in (
        "none", "partial")
    if not names:
        tries = [context.names]
    elif switch:
        tries = [context.topic, context.names]
    elif pointing:
        tries = [context.names]
    else:
        return alone
    if (cue == "pronoun" and names and alone.status == "answer" and alone.entry_id is not None
            and alone.score < SELF_CONTAINED and alone.entry_id != context.entry_id):
        # a pronoun beside a new name may point back to the last answer: when that answer
        # covers the message whole, it wins over a weak one the message alone would get ("and
        # what did the CEC answer them?" after ENEMO's requests; but "what about ENEMO, were
        # they invited?" reads well alone)
        stay = _stay_on(matcher, with_terms(analysis, context.names), context.entry_id)
        if stay is not None and matcher.asks_like(
                analysis, [context.entry_id, alone.entry_id]) in (None, context.entry_id):
            return replace(stay, followup=True)
    # a pronoun stands for something the last answer named: a reading of the message alone
    # whose answer never mentions it has lost what the message points at ("and is the CEC a
    # member of it?" after ACEEEO is not about the countries CEC members observed in)
    lost = (cue == "pronoun" and alone.status == "answer" and alone.entry_id is not None
            and not matcher.grounder.covers_any(alone.entry_id, context.names))
    partial: Match | None = None
    for extra in tries:
        m = matcher.decide(with_terms(analysis, extra))
        if m.status != "answer" and not names and _about_the_same(matcher, analysis):
            m = (_place_asked_elsewhere(matcher, analysis, context)
                 or _stay_on(matcher, with_terms(analysis, extra), context.entry_id)
                 or _closest_is_last(matcher, with_terms(analysis, extra), context.entry_id, m))
        if m.status in ("answer", "partial") and not _says_enough(matcher, analysis, m, cue):
            continue
        if lost and m.entry_id == alone.entry_id:
            continue  # (the message alone again: what "it" stands for is still missing)
        if m.status == "answer":
            if (alone.status == "answer" and alone.entry_id and m.entry_id
                    and alone.entry_id != m.entry_id
                    and matcher.asks_like(analysis, [m.entry_id, alone.entry_id])
                    == alone.entry_id):
                # "and who invites them?" after the OSCE's observers: the entry whose phrasings
                # ask who invites answers it, not the last one, which only says they are invited
                return alone
            return replace(m, followup=True)
        if m.status == "partial" and partial is None:
            partial = replace(m, followup=True)
    if alone.status == "answer" or partial is None or (pointing and alone.status == "partial"):
        # (a message with a name of its own that still finds only what lacks a fact keeps its
        # own reading when what the pronoun adds did not help)
        return alone
    return partial


def _detail_of_last(matcher: Matcher, analysis: Analysis, context: Context, alone: Match,
                    cue: str, switch: bool) -> Match | None:
    """A follow-up on a detail the last answer gives: it opens with "and" or points back,
    names a body that answer mentions and asks something the answer also holds («а МИД что
    ответил?» after ENEMO's unanswered requests). The topic continues: the last answer wins
    over another entry that holds the same words, unless that entry is about the body named
    and holds what is asked too («а ОБСЕ на какие выборы приглашают?» after who invites
    observers), is about what is asked, or has phrasings that ask with the message's question
    word."""
    other = alone.entry_id
    if (switch or cue not in ("opener", "pronoun") or alone.status != "answer"
            or other is None or other == context.entry_id):
        return None
    own = [t for t in analysis.terms
           if not t.startswith(QUESTION_WORD_PREFIX) and t not in ASKED_CONTENT]
    mentioned = [t for t in own if matcher.kind(t) == "name" and t not in context.names]
    asked = [t for t in own if matcher.kind(t) not in NAMED_KINDS]
    if not mentioned or not asked or not matcher.grounder.covers_all(context.entry_id, own):
        return None
    if matcher.grounder.covers_all(other, asked) and any(
            matcher.grounder.asks_about(other, t) for t in mentioned):
        return None
    if set(asked) & matcher.grounder.subject(other):
        return None  # («а ЦВК не мае права запрасіць?»: inviting is the other entry's subject)
    stay = _stay_on(matcher, with_terms(analysis, context.names), context.entry_id)
    if stay is None or matcher.asks_like(analysis, [context.entry_id, other]) not in (
            None, context.entry_id):
        return None
    return replace(stay, followup=True)


def _corrected(matcher: Matcher, analysis: Analysis, said: tuple[str, ...],
               context: Context) -> Match | None:
    """"No, I meant ACEEEO": the last question asked again about the names or places the
    message gives, if that finds an answer; its other words ("no", "sorry") only say that the
    last answer missed."""
    bare = replace(analysis, terms=said, focus=said)
    # a name replaces the last subject; a place may narrow it ("no, I meant Georgia": the
    # last answer stays when it covers the place) or replace it («нет, с Россией» after the
    # CIS)
    named = any(matcher.kind(t) == "name" for t in said)
    # (without names of its own, the context's two readings are one)
    for extra in dict.fromkeys([context.topic] if named else [
            (*context.names, *context.topic), context.topic]):
        asked = with_terms(bare, extra)
        again = matcher.decide(asked)
        if again.status != "answer" and not named and extra != context.topic:
            again = _stay_on(matcher, asked, context.entry_id) or again
        if again.status == "answer":
            return replace(again, followup=True)
    return None


def _asks_for_more(matcher: Matcher, analysis: Analysis, entry_id: str) -> bool:
    """Whether a message asks only for more of what the last answer gave: an additive particle
    ("who else?"), a request to elaborate ("tell me more") or the quantifier of totality ("is
    that all?", «и это всё?») with nothing of its own; a determiner of remainder ("and the
    rest?") with at most one word of its own that the last answer holds ("the other
    countries?")."""
    words = set(analysis.words)
    own = [t for t in analysis.terms
           if not t.startswith(QUESTION_WORD_PREFIX) and t not in _ADDITIVE_STEMS
           and t not in QUANTIFIERS]
    if any(tx.stem(w) in QUANTIFIERS for w in words) and not own:
        return True
    if ADDITIVE & words or _says(matcher, analysis, "elaborations"):
        return not own
    own = [t for t in own if t not in _REMAINDER_STEMS]
    return bool(REMAINDER & words) and len(own) <= 1 and matcher.grounder.covers_all(
        entry_id, own)


def _holds_the_rest(matcher: Matcher, analysis: Analysis, entry_id: str,
                    besides: tuple[str, ...] = ()) -> bool:
    """Whether the entry holds every term of the message but its question words, the words
    the base never uses and those beginning with `besides` (the request's own: "repeat")."""
    return all(t.startswith((QUESTION_WORD_PREFIX, *besides)) or not matcher.knows(t)
               or matcher.grounder.covers_any(entry_id, (t,)) for t in analysis.terms)


def _says(matcher: Matcher, analysis: Analysis, kind: str) -> bool:
    """Whether a message has one of the lexicon's follow-up phrases of this kind."""
    words = analysis.words
    return any(tuple(words[i : i + len(phrase)]) == phrase
               for phrases in matcher.kb.lexicon.followups.get(kind, {}).values()
               for phrase in phrases for i in range(len(words) - len(phrase) + 1))


def _continues(matcher: Matcher, analysis: Analysis) -> str:
    """How a message shows it continues the conversation: it points back ("pronoun": "when was
    it signed?"), switches ("switch": "what about the OSCE?"), opens with "and" ("opener"), is
    "short", or none of these ("plain")."""
    lex = matcher.kb.lexicon.followups
    words = list(analysis.words)
    if not matcher.terms.pronouns.isdisjoint(words):
        return "pronoun"
    if _says(matcher, analysis, "switches"):
        return "switch"
    if any(tuple(words[:1]) in phrases for phrases in lex.get("openers", {}).values()):
        return "opener"
    return "short" if len(words) <= SHORT_WORDS else "plain"


def _about_the_same(matcher: Matcher, analysis: Analysis) -> bool:
    """Whether a follow-up asks the last question again about a place, a number or nothing
    new at all ("and in Georgia?", "since when?", "how many in all?")."""
    content = [t for t in analysis.terms if not t.startswith("@q-")]
    return all(matcher.kind(t) in ("place", "name") or t.isdigit() for t in content)


def _last_answer(analysis: Analysis, context: Context, why: str, again: bool = True) -> Match:
    """The last answer once more, for a message about that answer itself (`again`: shown
    under the line that says so)."""
    return Match("answer", context.entry_id, 0.0, ((context.entry_id, 0.0),), analysis, (), why,
                 followup=True, again=again)


def _stay_on(matcher: Matcher, analysis: Analysis, entry_id: str) -> Match | None:
    """The last entry again, when it answers the follow-up exactly ("and in Georgia?" after
    the countries CEC members observed in) though other entries rank above it."""
    verdict = matcher.verify(analysis, entry_id)
    if not verdict.grounded:
        return None
    return Match("answer", entry_id, 0.0, ((entry_id, 0.0),), analysis, (verdict,),
                 "a follow-up that the last answer covers exactly")


def _place_asked_elsewhere(matcher: Matcher, analysis: Analysis,
                           context: Context) -> Match | None:
    """"And in Belarus?" after the countries ENEMO observes in: the one other entry on the
    same subject that asks about the place (its phrasings have it, the last one's do not),
    named after a preposition of location ("from Belarus" asks who, not where). The last
    answer may mention the place in passing; the other is about it."""
    words = analysis.words
    # (the place may be a phrase with its preposition: «у нас», «да нас» as the asker's country)
    places = [t for i, w in enumerate(words[1:], start=1) if words[i - 1] in LOCATIVE
              for t in dict.fromkeys(matcher.terms_of(w) or matcher.terms_of(
                  f"{words[i - 1]} {w}")) if matcher.kind(t) == "place"]
    grounder = matcher.grounder
    if not places or any(grounder.asks_about(context.entry_id, p) for p in places):
        return None
    # (an entry that asks about a place has it in some phrasing: only those are read)
    owners = [e for e in matcher.ranker.entries_with(places[0]) if e != context.entry_id
              and set(context.names) & grounder.phrasing_terms(e)
              and all(grounder.asks_about(e, p) for p in places)]
    if len(owners) > 1:
        # (of several, the one that also asks what the last answer did: observing)
        asked = set(context.topic) - set(context.names)
        owners = [e for e in owners if asked & grounder.phrasing_terms(e)]
    if len(owners) != 1:
        return None
    return _stay_on(matcher, with_terms(analysis, context.names), owners[0])


def _closest_is_last(matcher: Matcher, analysis: Analysis, entry_id: str, found: Match) -> Match:
    """For a follow-up that only asks the last question again in other terms ("and in what
    year?"), the closest answer is the last one, when it is on the subject and no other entry
    answers: it is what the user asks about, and it may say that the fact is missing."""
    if found.status != "partial" or found.entry_id == entry_id:
        return found
    verdict = matcher.verify(analysis, entry_id)
    if not verdict.subject_ok:
        return found
    return replace(found, entry_id=entry_id, verdicts=(verdict,),
                   reason=f"a follow-up on the last answer: {verdict.reason()}")


def _says_enough(matcher: Matcher, analysis: Analysis, match: Match, cue: str) -> bool:
    """Whether the message's own words are mostly about the entry the context led to ("tell me
    a joke" after an answer about ENEMO is not a question about ENEMO). A message that points
    back or switches is judged by its lexicon words alone: its other words are mostly verbs and
    pronouns ("when was it signed?")."""
    verdict = match.verdict
    own = {t for t in analysis.terms if not t.startswith("@q-")
           and (cue not in POINTING or t.startswith("@"))}
    if verdict is None or not own:
        return True
    total = sum(matcher.weight(t) for t in own)
    covered = sum(matcher.weight(t) for t in own if t in verdict.matched)
    return covered >= OWN_SHARE * total


def with_terms(analysis: Analysis, extra: tuple[str, ...]) -> Analysis:
    """The analysis with terms the context supplies, as if the message had said them."""
    add = tuple(t for t in extra if t not in analysis.terms)
    return replace(analysis, terms=analysis.terms + add, focus=analysis.focus + add,
                   carried=analysis.carried + add)


def split_questions(matcher: Matcher, text: str) -> list[str]:
    """The questions of a message: its asking sentences, each split where a conjunction opens
    a new question ("What is ENEMO and where does it observe?")."""
    sentences = split_sentences(text)
    # a sentence asks when it ends with "?" or, typed or dictated without one, opens as a
    # question does ("what is enemo? where does it observe")
    asking = [s for s in sentences
              if s.rstrip().endswith("?") or _opens_question(matcher, s)] or sentences[-1:]
    parts: list[str] = []
    for sentence in asking:
        if parts and _enumerates(matcher, sentence):
            # "Which countries are in it? List all 25.": the imperative asks the same question
            # again, for its items
            parts[-1] = f"{parts[-1]} {sentence}"
            continue
        start = 0
        for joint in _JOINT_RE.finditer(sentence):
            head, rest = sentence[start:joint.start()], sentence[joint.end():]
            if tx.words(head) and _opens_question(matcher, rest) and not _inside_name(
                    matcher, sentence[start:], head, rest) and (
                    # without a comma, "and" after a clause that asks nothing joins two
                    # members of one question («ЦВК і СНД як супрацоўнічаюць»): the
                    # grammars' homogeneous members, not two questions
                    "," in joint.group() or _opens_question(matcher, head, None)):
                parts.append(head)
                start = joint.end()
        parts.append(sentence[start:])
    return [p.strip() for p in parts if tx.words(p)]


def _inside_name(matcher: Matcher, text: str, head: str, rest: str) -> bool:
    """Whether the conjunction between `head` and `rest` joins the words of one name («стран
    Центральной и Восточной Европы»): read whole, the text has a name that its two parts,
    read apart, do not spell the same way."""
    whole = matcher.terms_of(text)
    return any(matcher.kind(t) == "name" for t in whole) and whole != [
        *matcher.terms_of(head), *matcher.terms_of(rest)]


def _enumerates(matcher: Matcher, text: str) -> bool:
    """Whether a sentence only asks for the items of something already named ("List them
    all.", «Пералічы ўсе 25.»): an imperative of enumeration that names nothing itself."""
    terms = matcher.terms_of(text)
    return ENUMERATE in terms and all(
        t.startswith(QUESTION_WORD_PREFIX) or t.isdigit() or t in QUANTIFIERS for t in terms)


def _opens_question(matcher: Matcher, text: str, span: int | None = _OPENER_SPAN) -> bool:
    """Whether a clause opens as a question does: a question word or an opener among its
    first `span` words (`None`: anywhere in it, whether it asks anything by itself)."""
    words = tx.words(text)[:span]
    if any(w in _OPENERS for w in words):
        return True
    return any(t.startswith(QUESTION_WORD_PREFIX) for t in matcher.terms_of(" ".join(words)))
