"""Matching a question to FAQ entries: the stages put together, and the decision they feed.

A message is read (reading.py: repair, sentences, terms), its entries ranked (ranking.py), the
best candidates on its subject checked against what it asks (grounding.py), and the outcome
decided here: answer, partial, suggest, small talk or decline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Literal

import numpy as np

from bot.answering import grammar
from bot.answering.grammar import NEGATION_STEMS, QUANTIFIERS, RESPONSE_PARTICLES
from bot.answering.grounding import (
    LIST_ITEMS,
    YEAR_RE,
    Grounder,
    Verdict,
    asked_kind,
    counted_term,
)
from bot.answering.index import Index, build_index
from bot.answering.ranking import RANK_LIMIT, Ranker, Scorings
from bot.answering.reading import (
    ENUMERATE,
    MIN_TYPO_LENGTH,
    OPINION,
    OTHER_THAN,
    Analysis,
    Reader,
    excluded_words,
    split_sentences,
)
from bot.answering.terms import NAMED_KINDS, PLACE_PREFIX, QUESTION_WORD_PREFIX, SYN_PREFIX, Terms
from bot.answering.thresholds import Thresholds
from bot.knowledge.base import KnowledgeBase
from bot.language import text as tx

# the premise of a question that takes an end for granted (the lexicon's verbs of ending)
ENDED = SYN_PREFIX + "ceased"
# how an (English) answer states that something goes on: a start with no end, or a habit
# (the continuative and habitual aspects)
GOES_ON = re.compile(r"\b(since|regularly|annually|every year|still|continues|maintains|"
                     r"traditionally|a tradition)\b", re.IGNORECASE)

Status = Literal["answer", "partial", "suggest", "none", "smalltalk"]
# Candidates on the question's subject checked by grounding, best first.
MAX_VERIFIED = 5


@dataclass(frozen=True)
class _RankMemo:
    """What one analysis's terms were ranked to so far: the queries' scorings and the cuts
    taken of them (by terms, limit and whether among all entries or those on the subject)."""

    scorings: Scorings = field(default_factory=dict)
    tops: dict[tuple[frozenset[str], int | None, bool], list[tuple[str, float]]] = field(
        default_factory=dict)


@dataclass(frozen=True)
class Match:
    """The matcher's verdict for one question."""

    status: Status
    entry_id: str | None
    score: float
    ranked: tuple[tuple[str, float], ...]
    analysis: Analysis
    # how the candidates were checked (best first), and why the status came out
    verdicts: tuple[Verdict, ...] = ()
    reason: str = ""
    # the chat's context (the last answer's subject) decided it
    followup: bool = False
    # years the question takes for granted that the entry's answer does not state ("Is it
    # true the CEC joined ACEEEO in 2004?"): the reply says what the sources state first
    premise: tuple[str, ...] = ()
    # the last answer shown again: the message only asked about it ("where is that from?")
    again: bool = False
    # a "none" for a message that names nothing of the base's subject (the weather, a recipe):
    # rephrasing would not help
    unrelated: bool = False
    # the last answer again for a follow-up that asks for more of what it gave ("who else?",
    # "is that all?"): that answer is all the sources say (the reply says so above it)
    beyond: bool = False

    @property
    def suggestions(self) -> tuple[str, ...]:
        return tuple(eid for eid, _ in self.ranked) if self.status == "suggest" else ()

    @property
    def verdict(self) -> Verdict | None:
        """The check of the entry it chose, if that entry was checked."""
        return next((v for v in self.verdicts if v.entry_id == self.entry_id), None)

    @property
    def outofscope(self) -> str | None:
        """The out-of-scope class that decided a "none", if one did (not for a message about
        another subject altogether: "who won the football match?" asks no election result)."""
        if self.status == "none" and self.analysis.outofscope and not self.unrelated:
            return self.analysis.outofscope[0]
        return None



def _own_words(analysis: Analysis) -> Analysis:
    """The analysis of the message's own words: a follow-up's context names are not among
    them."""
    return replace(analysis, terms=tuple(t for t in analysis.terms if t not in analysis.carried))


class Matcher:
    """A knowledge base made answerable: reads a question, ranks entries, decides the reply.

    The stages are components with one job each (`terms`, `reader`, `ranker`, `grounder`);
    this class holds the decision between them and the short surface the conversation uses.
    """

    # the stages' classes: a reference implementation (tests/test_fastpaths.py) replaces them
    terms_class: type[Terms] = Terms
    reader_class: type[Reader] = Reader
    ranker_class: type[Ranker] = Ranker

    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds | None = None,
                 answers: Mapping[str, Sequence[str]] | None = None,
                 index: Index | None = None,
                 previous: tuple[KnowledgeBase, Index] | None = None) -> None:
        """`answers`: each entry's answer text in the catalog languages (grounding reads them);
        `index`, `previous`: a compiled index, or an earlier one to reuse (see answering.cache)."""
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        self.terms = terms = self.terms_class(kb)
        # phrasings, postings and vocabulary: built here or taken from the compiled-base cache
        # (`previous`: an earlier build with the same lexicon, for its unchanged entries)
        # (phrasings read as questions are, with the grammar's closed classes)
        self.index = index or build_index(kb, partial(grammar.sentence_terms, terms),
                                          terms.lang_words,
                                          terms.lexicon_words, MIN_TYPO_LENGTH - 1, previous)
        self.ranker = ranker = self.ranker_class(kb, self.index, terms, self.thresholds)
        self.reader = self.reader_class(terms, self.index, answers or {})
        self.grounder = Grounder(kb.entries, ranker.phrasings_of, ranker.entry_terms,
                                 ranker.co_occur, answers or {}, terms.of_words, terms.kinds,
                                 ranker.weight, ranker.derived_subject, ranker.phrasing_words,
                                 terms.phrase_terms, terms.name_places, terms.region_members)
        # (the tables the decision reads for every question, bound once)
        self._kinds = terms.kinds
        self._weights = ranker.weights
        self._entry_order = ranker.entry_order

    def analyse(self, question: str) -> Analysis:
        """How a question reads: its repaired words, terms, asking sentences and language."""
        return self.reader.analyse(question)

    def terms_of(self, text: str) -> list[str]:
        """The terms of a correctly written text (an answer, a subject), without repair."""
        return self.terms.terms_of(text)

    def knows(self, term: str) -> bool:
        """Whether a term is the lexicon's or a word some phrasing of the base uses."""
        return term.startswith(SYN_PREFIX) or term in self._weights

    def weight(self, term: str) -> float:
        """How much a term tells entries apart (rare terms weigh more)."""
        return self.ranker.weight(term)

    def rank(self, terms: Iterable[str], limit: int | None = RANK_LIMIT,
             names: frozenset[str] = frozenset(),
             among: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The best entries for the query's terms (at most `limit`), best first, scored 0..1."""
        return self.ranker.rank(terms, limit, names, among)

    def content_weight(self, question: str) -> float:
        """How much a question says beyond question words: the weight of its other terms."""
        terms = set(self.analyse(question).terms)
        return sum(self.ranker.weight(t) for t in terms if not t.startswith(QUESTION_WORD_PREFIX))

    def owners(self, question: str) -> tuple[str, ...]:
        """Entries having a phrasing that reads exactly like `question` (same terms)."""
        return self.ranker.exact.get(frozenset(self.analyse(question).terms), ())

    def candidates(self, analysis: Analysis, limit: int = RANK_LIMIT,
                   among: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Entries ranked for the whole message and, when only some sentences ask, for those
        sentences with the names the others give (each entry keeps its better score)."""
        return self._candidates(analysis, limit, among, _RankMemo())[0]

    def _candidates(self, analysis: Analysis, limit: int, among: np.ndarray | None,
                    memo: _RankMemo,
                    ) -> tuple[list[tuple[str, float]], float]:
        """`candidates`, and a score that no entry left out of them exceeds.

        `memo`: what was ranked so far for this analysis's terms, to be reused and added to.
        """
        def ranked(terms: Iterable[str]) -> list[tuple[str, float]]:
            key = frozenset(terms)
            # (`among` is None or the entries on the subject of the same terms: a flag)
            cut = (key, limit, among is None)
            found = memo.tops.get(cut)
            if found is None:
                if key not in memo.scorings:
                    memo.scorings[key] = self.ranker.scoring(key, analysis.names)
                found = memo.tops[cut] = self.ranker.top(memo.scorings[key], limit, among)
            # a ranking cut at `limit` leaves out entries scoring up to its last one
            rest.append(found[-1][1] if len(found) >= limit else -np.inf)
            return found

        rest: list[float] = []
        if all(t.startswith(QUESTION_WORD_PREFIX) or self._kinds.get(t) == "name"
               for t in analysis.focus) and analysis.focus != analysis.terms:
            # the asking sentence only points at a name another sentence gives
            return self._tied(dict(ranked(analysis.focus))), max(rest)
        best = dict(ranked(analysis.terms))
        asked = {*analysis.focus, *(t for t in analysis.terms if self._kinds.get(t))}
        if asked != set(analysis.terms):  # (the same terms would rank the same)
            for eid, score in ranked(asked):
                best[eid] = max(best.get(eid, 0.0), score)
        return self._tied(best), max(rest)

    def _pool(self, analysis: Analysis, ranked: list[tuple[str, float]], rest: float,
              memo: _RankMemo,
              ) -> tuple[list[tuple[str, float]], dict[str, Verdict]]:
        """The best candidates on the question's subject (at most MAX_VERIFIED, scoring at
        least `partial`), and the verdicts of those and of the best few of all, best first.

        The candidates on the subject are ranked among themselves: in a large base many
        entries about other organisations can outscore the one the question is about by not
        naming what it names, and they must not hide it. (`rest`: no entry left out of
        `ranked` scores above it; when those on the subject in `ranked` are enough and score
        above it, or nothing left out can reach `partial`, they are the answer already.)
        """
        th = self.thresholds
        checked = [(e, s) for e, s in ranked[:MAX_VERIFIED] if s >= th.partial]
        on = self.ranker.on_subject(analysis.terms)
        listed = [(e, s) for e, s in ranked
                  if s >= th.partial and on[self._entry_order[e]]][:MAX_VERIFIED]
        rest = round(rest, 9)
        if rest < th.partial or (len(listed) == MAX_VERIFIED and listed[-1][1] > rest):
            pool = listed
        else:
            pool = [(e, s) for e, s in self._candidates(analysis, MAX_VERIFIED, on, memo)[0]
                    if s >= th.partial][:MAX_VERIFIED]
        verdicts = {e: self.verify(analysis, e) for e, _ in sorted(
            {*checked, *pool}, key=lambda es: (-es[1], self._entry_order[es[0]]))}
        return [(e, s) for e, s in pool if verdicts[e].subject_ok], verdicts

    def _tied(self, scores: Mapping[str, float]) -> list[tuple[str, float]]:
        """Entries best first; scores equal but for float noise tie, so that the same entries
        are checked whatever order the ranking summed them in."""
        return sorted(((e, round(s, 9)) for e, s in scores.items()),
                      key=lambda kv: (-kv[1], self._entry_order[kv[0]]))

    def salient(self, analysis: Analysis) -> set[str]:
        """Terms of the question an answer must cover: names, places and numbers wherever they
        are; in the asking sentences also the specific facts asked for (founded, heads, costs)
        and the words the base's phrasings use. Words the base has never seen are left out:
        in real messages they are mostly chat, not the thing asked."""
        strong = {t for t in analysis.terms
                  if self._kinds.get(t) in ("name", "fact") or t.isdigit() or t in analysis.names}
        asked = {t for t in analysis.focus
                 if t.startswith(SYN_PREFIX) and not t.startswith(QUESTION_WORD_PREFIX)}
        # a negated wh-question asks for the complement ("where haven't they been let in?"):
        # its answer says what is not so (a negated yes/no question only expects "yes")
        if analysis.negated:
            asked.update(NEGATION_STEMS.intersection(analysis.focus))
        # (what "besides X" asks about is something no answer about X names)
        return (strong | asked | ({OTHER_THAN} if analysis.others else set())) - set(
            analysis.carried)

    def verify(self, analysis: Analysis, entry_id: str) -> Verdict:
        salient = self.salient(analysis)
        # places count strictly where the question asks; in the sentences around it ("ENEMO
        # is respected in Eastern Europe. So why...?") it is enough that the subject's
        # entries mention them
        strict = {t for t in salient if t.isdigit() or t in analysis.names or t == OTHER_THAN or (
            self._kinds.get(t) in ("name", "fact")) or t in NEGATION_STEMS or (
            self._kinds.get(t) == "place" and t in analysis.focus)}
        if analysis.loose_preamble:
            # a specific fact asked for counts from the question on: in the sentences before
            # it ("We'd like to observe the next elections.") it is context, after it ("I need
            # the actual articles.") part of the request
            after = Counter(analysis.terms)
            after.subtract(analysis.preamble)
            strict = {t for t in strict if self._kinds.get(t) != "fact" or after[t] > 0}
        own = [t for t in analysis.focus if t not in analysis.carried and self.knows(t)]
        # "which office": what an instance is asked of must be in the answer, as a list's item
        strict.update(t for t in analysis.instance_of if t in analysis.focus)
        item = counted_term(analysis.focus, ENUMERATE, QUANTIFIERS)
        if item is not None and not item.startswith(SYN_PREFIX):
            # "list the articles": what a list is asked of must be in the answer, even a word
            # the lexicon does not know (the answer's enumerations are of places and bodies)
            strict.add(item)
        # what "how many" counts is a noun, not the place adjective before it ("how many
        # Belarusian organizations", «сколько белорусских организаций»)
        places = frozenset(t for t in own if self._kinds.get(t) == "place")
        if OTHER_THAN in strict and self._lists_others(entry_id, analysis):
            strict.discard(OTHER_THAN)
            salient.discard(OTHER_THAN)
        counted = counted_term(own, skip=places) or counted_term(own)
        return self.grounder.verify(entry_id, analysis.terms, strict, salient - strict,
                                    asked_kind(analysis.focus), counted, own)

    def _lists_others(self, entry_id: str, analysis: Analysis) -> bool:
        """Whether the entry answers "besides X" with the rest of a list that X is in: a
        sentence of its answer names a place of the question and at least LIST_ITEMS others
        ("where, apart from Russia, have CEC members observed?": the twelve countries; not
        "apart from Kosovo, which Balkan states?", when Kosovo is all it names there)."""
        # (what is excluded is what follows the preposition: "besides NVW, who observed in
        # Norway?" asks about other observers, not other places)
        excluded = {t for w in excluded_words(analysis.words) for t in self.terms_of(w)
                    if self._kinds.get(t) == "place"}
        if not excluded:
            return False
        named = {t for t in analysis.terms if self._kinds.get(t) == "place"}
        for sentence in split_sentences(self.kb.entries[entry_id].answer):
            places = {t for t in self.terms_of(sentence) if self._kinds.get(t) == "place"}
            if places & excluded and len(places - named) >= LIST_ITEMS:
                return True
        return False

    def match(self, question: str) -> Match:
        """Answer, partial, suggest, small talk or decline for one question."""
        return self.decide(self.analyse(question))

    def named(self, analysis: Analysis) -> tuple[str, ...]:
        """The organisations and documents a question names (its own subject, if any)."""
        return tuple(dict.fromkeys(t for t in analysis.terms if self._kinds.get(t) == "name"))

    def kind(self, term: str) -> str | None:
        """The lexicon kind of a term: name, place, fact, or None."""
        return self._kinds.get(term)

    def decide(self, analysis: Analysis) -> Match:
        """Answer, partial, suggest, small talk or decline for an analysed question.

        The specific facts a message names before its question (the "next elections" of "We'd
        like to observe the next elections. Whom do we contact?") first count as asked: an
        entry that covers them is the better reading. Only when no entry answers that way are
        they read as the context they most often are."""
        # (the second reading ranks the same terms: what the first ranked is reused)
        memo = _RankMemo()
        found = self._decide(analysis, memo)
        if found.status != "answer" and analysis.preamble and not analysis.loose_preamble and (
                {t for t in analysis.preamble if self._kinds.get(t) == "fact"}):
            loose = self._decide(replace(analysis, loose_preamble=True), memo)
            found = loose if loose.status == "answer" else found
        return self._placed(found)

    def _placed(self, match: Match) -> Match:
        """A reply whose entry shares only places with the question ("what's the weather in
        Moscow?", "what time is it in Tokyo?"): the question is about those places, not about
        what the entry answers. It gets no answer when it asks them something the base has
        never heard of (weather, flights), else a did-you-mean («нет, с Россией»)."""
        if match.status not in ("answer", "partial") or match.entry_id is None or (
                match.analysis.carried):
            # (read with the conversation's context, the context links it: "and with Russia?"
            # after the CIS)
            return match
        verdict = match.verdict
        if verdict is None or not verdict.matched or any(
                not t.startswith(QUESTION_WORD_PREFIX) and self._kinds.get(t) != "place"
                for t in verdict.matched):
            return match
        analysis = match.analysis
        if any(not self.knows(t) and t not in RESPONSE_PARTICLES for t in analysis.terms):
            return self._decline(analysis, list(match.ranked), match.score, match.verdicts,
                                 f"only places link it to '{match.entry_id}'")
        return Match("suggest", None, match.score, ((match.entry_id, match.score),), analysis,
                     match.verdicts, f"only places link it to '{match.entry_id}'")

    def _decide(self, analysis: Analysis, memo: _RankMemo) -> Match:
        if analysis.smalltalk:
            return Match("smalltalk", None, 0.0, (), analysis, reason=analysis.smalltalk)
        # (only the best MAX_VERIFIED are ever read: ranking more would only cost)
        ranked, rest = self._candidates(analysis, MAX_VERIFIED, None, memo)
        th = self.thresholds
        top = ranked[0][1] if ranked else 0.0
        exact = self.ranker.only_exact(analysis.terms)
        if exact is not None and ranked and exact == ranked[0][0]:
            return Match("answer", exact, round(top, 4), tuple(ranked[:3]), analysis,
                         (self.verify(analysis, exact),), "the question reads exactly like "
                         "one of the entry's phrasings")
        on_subject, verdicts = self._pool(analysis, ranked, rest, memo)
        checked = tuple(verdicts.values())
        pool = verdicts
        if not on_subject:
            why = ("no entry's subject is named in the question" if pool
                   else "no entry shares enough words with the question")
            return self._decline(analysis, ranked, top, checked, why)
        best, best_score = on_subject[0]
        window = [(e, s) for e, s in on_subject if s >= best_score - th.suggest_window]
        grounded = [(e, s) for e, s in window if verdicts[e].grounded]
        if grounded and not self._beside_the_point(analysis, grounded[0][0]):
            eid, score = grounded[0]
            owner = self.asks_like(analysis, [e for e, _ in grounded])
            asked_this_way = None
            if owner is not None and dict(grounded)[owner] >= th.grounded_answer:
                asked_this_way = Match("answer", owner, round(dict(grounded)[owner], 4),
                                       tuple(ranked[:3]), analysis, checked,
                                       "close to others, but the only one whose phrasings ask "
                                       "this way (where, when, who...)")
            if owner is not None and asked_this_way is not None and owner != eid and not (
                    self._explains_less(_own_words(analysis), verdicts[owner], verdicts[eid])):
                # of the close answers, only one was written for this question word ("where",
                # "since when"): what is asked decides, not how many other words are shared —
                # unless it leaves a word of the message unexplained that the first explains
                # ("what does ENEMO do and where are its members from?": the members)
                return asked_this_way
            # a rival that leaves words of the question unexplained counts only when the
            # phrasings do not settle it (another asks with the question's own question word)
            settled = owner in (None, eid)
            rivals = [s for e, s in window if e != eid and verdicts[e].grounded and not (
                settled and self._explains_less(analysis, verdicts[e], verdicts[eid]))]
            clear = not rivals or score - rivals[0] >= th.margin
            # a question that names nothing and reads much more like entries on another subject
            # ("in which countries does she observe?") lacks its subject, not its answer
            unnamed = not self.named(analysis) and top - score > th.suggest_window
            if score >= th.grounded_answer and clear and not unnamed and (
                    score >= best_score - th.margin or self._outranks(verdicts[best])):
                return Match("answer", eid, round(score, 4), tuple(ranked[:3]), analysis,
                             checked, verdicts[eid].reason())
            if asked_this_way is not None:
                return asked_this_way
            if len(grounded) > 1 or score < th.grounded_answer:
                picks = tuple((e, round(s, 4)) for e, s in window[: th.max_suggestions])
                return Match("suggest", None, round(best_score, 4), picks, analysis, checked,
                             "several entries answer it about equally well")
        if analysis.outofscope:
            return self._decline(analysis, ranked, top, checked,
                                 f"asks for {analysis.outofscope[0]} matters in words that "
                                 f"'{best}' never uses, or {verdicts[best].reason()}")
        premise = self._premise(analysis, verdicts[best])
        if premise and best_score >= th.grounded_answer:
            return Match("answer", best, round(best_score, 4), tuple(ranked[:3]), analysis,
                         checked, f"asks to confirm {', '.join(premise)}, which '{best}' "
                         "does not state: its answer settles it", premise=premise)
        return Match("partial", best, round(best_score, 4), tuple(ranked[:3]), analysis, checked,
                     f"on the subject of '{best}', but {verdicts[best].reason()}")

    def _premise(self, analysis: Analysis, verdict: Verdict) -> tuple[str, ...]:
        """The years a statement to confirm takes for granted when they are all that keeps the
        entry from answering it and the entry's answer states a year of its own; or (ENDED,)
        when the question takes an end for granted ("when did the CEC leave ACEEEO?") that is
        all the entry lacks, and its answer states that the thing goes on; else ()."""
        # the date or year of an end that did not happen is not one the answer should give
        # ("when did the OSCE stop observing?", "did Viasna leave ENEMO in 2015?")
        if ([t for t in verdict.uncovered if not YEAR_RE.fullmatch(t)] == [ENDED]
                and verdict.subject_ok and (verdict.kind_ok or verdict.asked in ("date", "year"))
                and GOES_ON.search(self.kb.entries[verdict.entry_id].answer)):
            return (ENDED,)
        if not (analysis.confirms and verdict.uncovered and verdict.subject_ok
                and verdict.kind_ok and "year" in verdict.holds):
            return ()
        if all(YEAR_RE.fullmatch(t) for t in verdict.uncovered):
            return verdict.uncovered
        return ()

    def _explains_less(self, analysis: Analysis, rival: Verdict, top: Verdict) -> bool:
        """Whether the top candidate's texts use every content word of the question and the
        rival's leave some out: close scores then tell only how heavy the shared words are,
        which depends on the rest of the base."""
        content = {t for t in analysis.terms if not t.startswith(QUESTION_WORD_PREFIX)}
        return content <= set(top.matched) and not content <= set(rival.matched)

    def asks_like(self, analysis: Analysis, close: list[str]) -> str | None:
        """Of close, equally grounded entries, the only one with a phrasing that asks with the
        question's own question word ("where", "since when") — the maintainer wrote it for
        that question — if exactly one has. A negated question is asked so only by a negated
        phrasing ("where haven't they been let in?" is not "where do they observe?")."""
        asked = {t for t in analysis.focus if t.startswith(QUESTION_WORD_PREFIX)} - {
            QUESTION_WORD_PREFIX + "what"}
        if not asked or len(close) < 2:
            return None
        owners = [e for e in close if asked & (said := self.grounder.phrasing_terms(e)) and (
            not analysis.negated or not NEGATION_STEMS.isdisjoint(said))]
        return owners[0] if len(owners) == 1 else None

    def _outranks(self, top: Verdict) -> bool:
        """Whether a grounded candidate may answer below an ungrounded top: only when what the
        top lacks is a place or a name ("the Balkans"), which the grounded one mentions."""
        return bool(top.uncovered) and top.subject_ok and top.kind_ok and all(
            self._kinds.get(t) in NAMED_KINDS for t in top.uncovered)

    def _beside_the_point(self, analysis: Analysis, entry_id: str) -> bool:
        """Whether the question asks for an opinion or practical help in words the entry never
        uses ("how do I become an observer" is not answered by who invites observers)."""
        return any(not self.grounder.mentions(entry_id, p) for p in analysis.outofscope_stems)

    def _decline(self, analysis: Analysis, ranked: list[tuple[str, float]], top: float,
                 checked: tuple[Verdict, ...], why: str) -> Match:
        # a message about another subject altogether has words of its own the lexicon does
        # not know and none of the subject's; so has a wh-question with a phrase of judgement
        # when those words are more than its phrase and the names it asks about ("who won"
        # the football match: no election result). A yes/no judgement judges what was said
        # ("is that fair?"); a practical request keeps its reply, which lists what it cannot do
        phrases = {t for p in analysis.outofscope_stems for t in p}
        other = [t for t in analysis.terms if not (t.isdigit() or t.startswith(SYN_PREFIX))
                 and not (analysis.outofscope and (t in phrases or t in analysis.names))]
        judged = analysis.outofscope[:1] == (OPINION,) and any(
            self.terms.is_question_word(w) and tx.stem(w) not in phrases
            for w in analysis.words)  # (not the phrase's own: «як думаеце», "how do you rate")
        # a place alone is no sign of the subject ("the weather in Minsk") unless the message
        # points back or has a follow-up's opener ("and Belarus joined when?", «хто тады…»)
        follows = not self.terms.pronouns.isdisjoint(analysis.words) or any(
            tx.stem(w) in self.terms.opener_stems for w in analysis.words)
        return Match("none", None, round(top, 4), tuple(ranked[:3]), analysis, checked, why,
                     unrelated=(not analysis.outofscope or judged) and bool(other)
                     and not any(self._of_the_subject(t) and (
                         follows or self._kinds.get(t) != "place") for t in analysis.terms))

    def _of_the_subject(self, term: str) -> bool:
        """Whether a term is one of the lexicon's words for what the base is about (a body, a
        name, an act, a place its sources name): not a question word, another place or a word
        the lexicon does not know."""
        return (term.startswith(SYN_PREFIX) and not term.startswith(QUESTION_WORD_PREFIX)
                and not term.startswith(PLACE_PREFIX))

