"""Grounding: does the best candidate really answer *this* question?

The matcher ranks entries by shared words; that finds candidates but cannot tell "since when is
the CEC a member of ACEEEO" from "when was ACEEEO founded". Before a candidate becomes a confident
answer, three checks must pass:

- its **subject** (what the entry is about: ENEMO, the protocol with Russia...) is named in the
  question — derived from the terms most of its phrasings share, or stated by a maintainer;
- every **salient** term of the question (names, places, numbers, content words) appears in the
  entry's phrasings or in its answer text in some catalog language — a word the entry never
  mentions ("founded", "Poland") means the question asks about something else;
- the **kind of answer asked** (a date, a number, a place, a name) is one the answer holds.
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeVar, cast

from rapidfuzz import fuzz, process

from bot.answering.grammar import (
    LOCATIVE,
    NEGATION_FORMS,
    NEGATION_STEMS,
    PLACE_NOUNS,
    PLACE_PREPOSITIONS,
    REPORTED,
)
from bot.knowledge.base import Entry
from bot.language import text as tx
from bot.language.memo import remember

# A term must be shared by at least this share of an entry's phrasings to count as its subject.
SUBJECT_SHARE = 0.5
# Of the named ones, those that at least this share as many phrasings use as the most used one.
USED_SHARE = 0.8
# Of those, the ones at least this close in weight to the rarest make the subject.
RAREST_SHARE = 0.75
# Question words → the kind of fact the answer must hold.
ASKED_KINDS = {"@q-day": "day", "@q-year": "year", "@q-when": "date", "@q-how-many": "number",
               "@q-where": "place", "@q-list": "list"}
# Kinds of fact that a sentence gives for something: the one asked must be given for it.
DATED_KINDS = frozenset({"day", "year", "date", "number"})
_DIGITS = re.compile(r"\d+")
# An answer lists things when it names at least this many places or organisations.
LIST_ITEMS = 3
# A word of the question that differs from a word of the entry only by a vowel alternation or
# an ending (сустракаліся / сустракацца) still counts as covered at this similarity (0..100).
COVER_CUTOFF = 84.0
MIN_COVER_FUZZY = 6
# Entries whose facts are kept read (the most recently checked), and words read for them.
FACTS_KEPT = 512
WORDS_KEPT = 1 << 16
_T = TypeVar("_T")
# Share of the question's weight that off-subject lexicon words must reach to count against it.
TOPICAL_SHARE = 0.25
# A number counts the words this close after it ("two non-governmental organizations").
COUNT_WINDOW = 3
# A place says where something happens or comes from when a preposition of place stands at
# most this many words before it ("in 12 countries", «в странах бывшего СССР», "in parts of the
# Balkans", "organizations from Belarus"); a place in the genitive names a party ("the CECs of
# Belarus and Russia").
LOCATIVE_WINDOW = 4
# (the prepositions of place and "inside", "within"; not Belarusian «з» or Russian «с», which
# also mean "with" and name a party)
_OF_PLACE = PLACE_PREPOSITIONS | LOCATIVE

YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUMBER_RE = re.compile(r"\d")
# (a sentence in parentheses ends after its bracket: "…that election.)"; a paragraph ends one)
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\)?\s+|\n\s*\n")
# A sentence that says its source gives no time for something ("it does not say when they
# joined ENEMO", "gives no year", «не сказано, когда», «год … не указан», «калі …, не
# ўдакладняецца»): a negation and a word of time, and no year of its own. What it names is
# what the answer does not date.
# (a year alone is not a date: "gives no year for the June requests" gives the month)
_TIME_WORD = re.compile(r"\b(?:when|date|dates|когда|дат\w*|калі|year|years|год\w*|гад\w*)\b")
_YEAR_WORD = re.compile(r"year|years|год\w*|гад\w*")
_CLAUSE_END = re.compile(r"[,;:()]")
# the separators of an enumeration in the (English) answer
_ENUMERATION = re.compile(r",|\band\b|\bor\b")
_NUMBER_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "twenty", "hundred", "thousand", "million"})
_MONTHS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"})


@dataclass(frozen=True)
class Verdict:
    """Why an entry does or does not answer a question."""

    entry_id: str
    subject: tuple[str, ...]
    subject_found: tuple[str, ...]
    matched: tuple[str, ...]
    uncovered: tuple[str, ...]
    asked: str | None
    holds: tuple[str, ...]

    @property
    def subject_ok(self) -> bool:
        return bool(self.subject_found) or not self.subject

    @property
    def kind_ok(self) -> bool:
        return self.asked is None or self.asked in self.holds

    @property
    def grounded(self) -> bool:
        return self.subject_ok and not self.uncovered and self.kind_ok

    def reason(self) -> str:
        """One line a maintainer can read."""
        if not self.subject_ok:
            return f"its subject ({', '.join(self.subject)}) is not in the question"
        problems = []
        if self.uncovered:
            problems.append(f"it never mentions {', '.join(self.uncovered)}")
        if not self.kind_ok:
            problems.append(f"the question asks for a {self.asked}, the answer holds none")
        return "; ".join(problems) or "grounded: subject named, every salient term covered"


# (REPORTED, the lexicon's group of what a third party said or wrote: an answer gives it for
# the body whose own text is its source ("what does the CEC say about ACEEEO?"), for those it
# quotes ("what did the CEC reply?"), or where its phrasings ask it; not because its texts
# attribute their facts to someone «ЦИК сообщает, что…»; see Grounder._reports)

# a quotation in an (English) answer, and a lower-case word of one: words of speech, where a
# title or a name in quotation marks has its words capitalised ("Human Rights Defenders for
# Free Elections")
_QUOTATION = re.compile(r"[“\"]([^”\"]+)[”\"]")
_SPEECH_WORD = re.compile(r"\b[a-z]{4,}\b")
# lower-case words of four letters or more that English title case may leave so
_TITLE_LOWER = frozenset({"with", "from", "into", "onto", "over", "upon", "than", "that"})


@dataclass(frozen=True)
class _EntryFacts:
    covered: frozenset[str]  # terms and plain stems of the phrasings and the answers
    words: tuple[str, ...]  # the answer's and phrasings' words, for near spellings
    holds: tuple[str, ...]  # kinds of facts the answer holds
    counted: frozenset[str]  # terms the answer gives a number of ("25 countries")
    # the kinds the entry's phrasings ask (a maintainer's word that it holds them)
    asked: frozenset[str]
    # its answers and source titles, for what few questions need (read when they do)
    texts: tuple[str, ...]


class Grounder:
    """Checks candidates against what their entries actually say.

    An entry's facts are read from its texts when it is first checked and kept for the most
    recently checked entries only: a question checks a handful of candidates, and a base of
    many thousands of entries should not pay at start-up for entries nobody asks about.
    """

    def __init__(self, entries: Mapping[str, Entry],
                 phrasings_of: Callable[[str], list[frozenset[str]]],
                 entry_terms: Callable[[str], frozenset[str]],
                 co_occur: Callable[[str, frozenset[str]], bool],
                 answers: Mapping[str, Sequence[str]], terms_of: Callable[[list[str]], list[str]],
                 kinds: Mapping[str, str], weight: Callable[[str], float],
                 derived_subject: Callable[[str], frozenset[str]],
                 phrasing_words: Callable[[str], Iterable[str]],
                 phrase_terms: Callable[[list[str]], list[str]],
                 name_places: Mapping[str, frozenset[str]],
                 region_members: Mapping[str, frozenset[str]]) -> None:
        """`derived_subject`: an entry's subject derived from its phrasings (the matcher
        derives every entry's at once, see index.derived_subjects); `phrasing_words`: the
        words of its phrasings, as the index keeps them; `phrase_terms`: the terms of phrases
        of several words in a text's words; `name_places`: the places each name's full form
        holds (ENEMO's "European"); `region_members`: each region's countries."""
        self._entries = entries
        self._derived_subject = derived_subject
        self._phrasing_words = phrasing_words
        self._phrase_terms = phrase_terms
        self._name_places = name_places
        self._regions = region_members
        self._phrasings_of = phrasings_of
        self._entry_terms = entry_terms
        self._co_occur = co_occur
        self._answers = answers
        self._terms_of = terms_of
        self._kinds = kinds
        self._places = frozenset(t for t, kind in kinds.items() if kind == "place")
        self._weight = weight
        self._facts: OrderedDict[str, _EntryFacts] = OrderedDict()
        self._word_cover: dict[str, tuple[str, ...]] = {}
        self._subjects: dict[str, frozenset[str]] = {}
        # (term, subject) → whether some entry on that subject uses the term
        self._used_on: dict[tuple[str, frozenset[str]], bool] = {}
        # what few questions need of an entry, read when one does (see _later)
        self._read_later: dict[tuple[str, str], object] = {}

    def subject(self, entry_id: str) -> frozenset[str]:
        """What the entry is about: its `subject:` words, or derived from its phrasings."""
        found = self._subjects.get(entry_id)
        if found is None:
            entry = self._entries[entry_id]
            found = explicit_subject(entry, self._terms_of) or self._derived_subject(entry_id)
            self._subjects[entry_id] = found
        return found

    def covers_any(self, entry_id: str, terms: Iterable[str]) -> bool:
        """Whether the entry's texts or phrasings have any of these terms."""
        covered = self._facts_of(entry_id).covered
        return any(t in covered for t in terms)

    def covers_all(self, entry_id: str, terms: Iterable[str]) -> bool:
        """Whether the entry's texts or phrasings have every one of these terms."""
        covered = self._facts_of(entry_id).covered
        return all(t in covered for t in terms)

    def asks_about(self, entry_id: str, term: str) -> bool:
        """Whether at least half of the entry's phrasings have the term: the entry asks about
        it ("Belarus" in "Has ENEMO been invited to Belarus?"), not only mentions it."""
        phrasings = self._phrasings_of(entry_id)
        return bool(phrasings) and sum(term in p for p in phrasings) >= SUBJECT_SHARE * len(
            phrasings)

    def phrasing_terms(self, entry_id: str) -> frozenset[str]:
        """Every term of the entry's phrasings."""
        return self._entry_terms(entry_id)

    def aspect(self, entry_id: str) -> tuple[str, ...]:
        """What an entry says about its subject: terms most of its phrasings share besides the
        subject ("invite" for "are OSCE observers invited?"), for "and the ENEMO?"."""
        phrasings = self._phrasings_of(entry_id)
        counts = Counter(t for ts in phrasings for t in ts)
        subject = self.subject(entry_id)
        return tuple(sorted(
            t for t, n in counts.items() if n >= SUBJECT_SHARE * len(phrasings)
            and not t.startswith("@q-") and t not in subject
            and self._kinds.get(t) not in ("name", "place")))

    def _facts_of(self, entry_id: str) -> _EntryFacts:
        facts = self._facts.get(entry_id)
        if facts is not None:
            self._facts.move_to_end(entry_id)
            return facts
        entry = self._entries[entry_id]
        own = self._entry_terms(entry_id)
        # (the English catalog repeats the answer: each text is read once)
        texts = list(dict.fromkeys([entry.answer, *self._answers.get(entry_id, ()),
                                    *(s.title for s in entry.sources)]))
        tokens = [tx.words(t) for t in texts]
        words = set().union(*tokens, self._phrasing_words(entry_id))
        covered = set(own)
        # each word's own terms and stem, then the phrases (names of several words) as the
        # texts run
        for w in words:
            covered.update(self._word_cover.get(w) or self._read_word(w))
        for ws in tokens:
            covered.update(self._phrase_terms(ws))
        if not words.isdisjoint(NEGATION_FORMS):
            # (a negation in one form covers a question's negation in any other)
            covered.update(NEGATION_STEMS)
        # a text that names Latvia names a place in the Baltics
        covered.update(r for r, members in self._regions.items() if not members.isdisjoint(
            covered))
        facts = _EntryFacts(frozenset(covered),
                            tuple(sorted(w for w in words if len(w) >= MIN_COVER_FUZZY)),
                            _holds(entry.answer, tokens[0], covered, self._places, own),
                            _counted(tokens[0], self._terms_of),
                            frozenset(kind for t, kind in ASKED_KINDS.items() if t in own),
                            tuple(texts))
        self._facts[entry_id] = facts
        if len(self._facts) > FACTS_KEPT:
            self._facts.popitem(last=False)
        return facts

    def _reports(self, entry_id: str, terms: set[str]) -> bool:
        """Whether the entry says what the question asks someone said (see REPORTED): the
        question names its source's publisher, or someone it quotes, or nobody at all ("and
        what did they reply?") where it quotes anyone; or its phrasings ask it."""
        if REPORTED in self._entry_terms(entry_id) or (
                self._later("voices", entry_id, self._voices) & terms):
            return True
        speakers = self._later("speakers", entry_id, self._speakers)
        named = {t for t in terms if self._kinds.get(t) == "name"}
        return speakers is not None and (bool(speakers & named) or not named)

    def _speakers(self, entry_id: str) -> frozenset[str] | None:
        """The names in the sentences of the entry's answer that quote someone's words (a
        quotation with lower-case words), None when it quotes nobody. A sentence names who
        spoke, and to whom: either may be asked about."""
        quoting = [sentence for sentence in _SENTENCE_END.split(self._entries[entry_id].answer)
                   if any(len(set(_SPEECH_WORD.findall(q)) - _TITLE_LOWER) >= 2
                          for q in _QUOTATION.findall(sentence))]
        if not quoting:
            return None
        return frozenset(t for sentence in quoting for t in self._text_terms(tx.words(sentence))
                         if self._kinds.get(t) == "name")

    def _voices(self, entry_id: str) -> frozenset[str]:
        """The names of the entry's sources' publishers (a title names its publisher first,
        before a comma): a name of the lexicon, or one of the entry's subject."""
        subject = self.subject(entry_id)
        return frozenset(t for s in self._entries[entry_id].sources
                         for t in self._terms_of(tx.words(s.title.split(",")[0]))
                         if self._kinds.get(t) == "name" or t in subject)

    def values(self, entry_id: str, kind: str) -> frozenset[str]:
        """The facts of one kind that an entry's (English) answer gives: its numbers for a
        number, a year or a date, the places it names for a place; none for other kinds."""
        facts = self._facts_of(entry_id)
        if kind in DATED_KINDS:
            return frozenset(_DIGITS.findall(facts.texts[0]))
        if kind == "place":
            return facts.covered & self._places
        return frozenset()

    def _later(self, what: str, entry_id: str, read: Callable[[str], _T]) -> _T:
        """What `read` finds for an entry, worked out the first time a question needs it and
        kept for the entries checked last (most questions need none of these)."""
        key = (what, entry_id)
        if key not in self._read_later:
            return cast(_T, remember(self._read_later, key, read(entry_id), FACTS_KEPT))
        return cast(_T, self._read_later[key])

    def _pairs(self, entry_id: str) -> frozenset[tuple[str, str]]:
        """The stems of neighbouring words in the entry's texts and phrasings."""
        texts = self._facts_of(entry_id).texts
        return frozenset(pair for ws in (*map(tx.words, texts),
                                         list(self._phrasing_words(entry_id)))
                         for pair in _stem_pairs(ws))

    def _dated_of(self, entry_id: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
        return self._dated(self._facts_of(entry_id).texts)

    def _undated(self, entry_id: str, said: AbstractSet[str], asked: str) -> bool:
        """Whether a sentence of the entry says its source gives no time for what is asked:
        it names every word of the question's predicate (what is said, its names and places
        aside: "when did BHC *join* ENEMO?")."""
        predicate = {t for t in said if self._kinds.get(t) not in ("name", "place")}
        # (English stems are cut short: "join" of "joined")
        return bool(predicate) and any(
            asked in kinds and all(t in terms or any(u.startswith(t) for u in terms)
                                   for t in predicate)
            for kinds, terms in self._later("undated", entry_id, self._undated_of))

    def _undated_of(self, entry_id: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
        """The kinds of time that the entry's texts say their source does not give (a year;
        or a date, and so also a day or a year), each with the terms of what it is not given
        for: the clause after the word of time, to the next comma or word of time ("it does
        not say *when* they joined ENEMO", "gives no *year* for the June requests", «*когда*
        они вступили в ENEMO, в статье не сказано»)."""
        found = []
        for text in self._facts_of(entry_id).texts:
            for sentence in _SENTENCE_END.split(text):
                low = sentence.lower()
                if NEGATION_FORMS.isdisjoint(tx.words(low)) or YEAR_RE.search(sentence):
                    continue
                times = list(_TIME_WORD.finditer(low))
                for n, time in enumerate(times):
                    stop = times[n + 1].start() if n + 1 < len(times) else len(low)
                    clause = _CLAUSE_END.split(low[time.end() : stop], maxsplit=1)[0]
                    words = tx.words(clause)
                    kinds = (frozenset({"year"}) if _YEAR_WORD.fullmatch(time.group())
                             else frozenset({"date", "day", "year"}))
                    found.append((kinds, frozenset({*self._text_terms(words),
                                                    *(tx.stem(w) for w in words)})))
        return tuple(found)

    def _located(self, entry_id: str) -> bool:
        """Whether a text of the entry says where something happens or comes from: a place
        after a preposition of place ("observed elections in Lithuania", «у краінах СНД»)."""
        for text in self._facts_of(entry_id).texts:
            words = tx.words(text)
            for i, w in enumerate(words):
                if w not in _OF_PLACE:
                    continue
                after = words[i + 1 : i + 1 + LOCATIVE_WINDOW]
                if any(v.startswith(PLACE_NOUNS) for v in after) or not self._places.isdisjoint(
                        self._text_terms(after)):
                    return True
        return False

    def _listed(self, entry_id: str) -> int:
        return self._named_in(self._entries[entry_id].answer)

    def _dated(self, texts: Iterable[str]) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
        """The sentences of the texts that give a date, a year or a number, with their terms."""
        found = []
        for text in texts:
            for sentence in _SENTENCE_END.split(text):
                words = tx.words(sentence)
                kinds = _kinds_of(sentence, words)
                if kinds:
                    found.append((kinds, frozenset(
                        {*self._text_terms(words), *(tx.stem(w) for w in words)})))
        return tuple(found)

    def _text_terms(self, words: list[str]) -> set[str]:
        """The terms of a correctly written text's words: each word's and each name's of
        several words."""
        return {*self._terms_of(words), *self._phrase_terms(words)}

    def _named_in(self, text: str) -> int:
        """The most places and organisations one sentence of a text enumerates: its parts
        between commas and "and"s that name one ("Armenia, Georgia and Moldova": 3)."""
        most = 0
        for sentence in _SENTENCE_END.split(text):
            named = 0
            for part in _ENUMERATION.split(sentence):
                named += any(self._kinds.get(t) in ("place", "name")
                             for t in self._text_terms(tx.words(part)))
            most = max(most, named)
        return most

    def _read_word(self, word: str) -> tuple[str, ...]:
        """A word's stem and its terms when read alone (remembered: answers share words)."""
        return remember(self._word_cover, word, (tx.stem(word), *self._terms_of([word])),
                        WORDS_KEPT)

    def _on_subject(self, entry_id: str, term: str) -> bool:
        """Whether the entry, or an entry on its subject, uses `term` (ENEMO's entries together
        say what "network" means for ENEMO)."""
        if term in self._facts_of(entry_id).covered:
            return True
        subject = self.subject(entry_id)
        key = (term, subject)
        known = self._used_on.get(key)
        if known is None:
            known = remember(self._used_on, key, self._co_occur(term, subject), FACTS_KEPT)
        return known

    def verify(self, entry_id: str, terms: Iterable[str], strict: Iterable[str],
               topical: Iterable[str], asked: str | None, counted: str | None = None,
               constraint: Iterable[str] = ()) -> Verdict:
        """The verdict for one entry. `terms` are all the question's terms; `strict` ones (names,
        places, numbers, facts) must be covered by the entry itself, `topical` ones by some
        entry on the same subject (ENEMO's answers together say what "network" means for
        ENEMO); `asked` is the kind of fact the question wants, `constraint` the terms of the
        asking sentences, what that fact must be given for."""
        subject = self.subject(entry_id)
        terms = set(terms)
        if subject and not subject & terms:
            # off the subject: nothing else can make it an answer, so its texts are not read
            return Verdict(entry_id, tuple(sorted(subject)), (), (), (), asked, ())
        facts = self._facts_of(entry_id)
        matched = sorted(t for t in terms if t in facts.covered)
        off_topic = {t for t in topical if not self._on_subject(entry_id, t)}
        # a lexicon word the subject's entries never use is evidence only when it carries a
        # real share of the question ("is the CEC independent?"), not as one word of many
        total = sum(self._weight(t) for t in terms if not t.startswith("@q-")) or 1.0
        if sum(self._weight(t) for t in off_topic) < TOPICAL_SHARE * total:
            off_topic = set()
        # (an entry that names ENEMO says "European": its full name does)
        named = {p for t in subject & terms for p in self._name_places.get(t, ())}
        uncovered = sorted({t for t in strict if t not in named and not (
            self._reports(entry_id, terms) if t == REPORTED else self._covers(facts, t))}
                           | off_topic)
        holds = facts.holds
        if asked == "number" and counted and counted not in facts.counted:
            # "how many observers": a number of something else ("two NGOs") does not answer it
            holds = tuple(k for k in holds if k != "number")
        if asked in DATED_KINDS and asked in holds and asked not in facts.asked:
            # "since what year is Viasna a member?": the year must be given in a sentence about
            # what is asked, not for something else the answer also dates ("since 2008 it has
            # observed...") — where the answer says what is asked at all
            said = {t for t in constraint if t not in subject and not t.startswith("@q-")
                    and self._covers(facts, t)}
            if said and not any(asked in kinds and said & terms
                                for kinds, terms in self._later("dated", entry_id,
                                                                self._dated_of)):
                holds = tuple(k for k in holds if k != asked)
        if asked in DATED_KINDS and asked in holds and self._undated(
                entry_id, {t for t in terms if t not in subject and not t.startswith("@q-")},
                asked):
            # "when did BHC join ENEMO?" of an answer that says "it does not say when they
            # joined ENEMO": whatever else it dates, and however its phrasings ask
            holds = tuple(k for k in holds if k != asked)
        if asked == "place" and asked in holds and asked not in facts.asked and not self._later(
                "located", entry_id, self._located):
            # "where was the protocol signed?": an answer that names places only as parties
            # ("the CECs of Belarus and Russia") does not say where anything took place
            holds = tuple(k for k in holds if k != asked)
        if asked == "list" and asked not in holds and self._later(
                "listed", entry_id, self._listed) >= LIST_ITEMS:
            holds = tuple(sorted((*holds, "list")))
        return Verdict(entry_id, tuple(sorted(subject)), tuple(sorted(subject & terms)),
                       tuple(matched), tuple(uncovered), asked, holds)

    def mentions(self, entry_id: str, stems: Sequence[str]) -> bool:
        """Whether the entry's phrasings or answers use these word stems: a word alone
        anywhere, a phrase of several as a phrase (word after word), so that "стать
        наблюдателем" is not found in "статья ... наблюдатели"."""
        if len(stems) == 1:
            return stems[0] in self._facts_of(entry_id).covered
        pairs = self._later("pairs", entry_id, self._pairs)
        return all(pair in pairs for pair in pairwise(stems))

    def _covers(self, facts: _EntryFacts, term: str) -> bool:
        if term in facts.covered:
            return True
        if term.startswith("@") or len(term) < MIN_COVER_FUZZY - 2:
            return False
        hit = process.extractOne(term, facts.words, scorer=fuzz.partial_ratio,
                                 processor=None, score_cutoff=COVER_CUTOFF)
        return hit is not None and hit[0].startswith(term[:3])


def _stem_pairs(words: Sequence[str]) -> Iterable[tuple[str, str]]:
    return pairwise([tx.stem(w) for w in words])


def _kinds_of(sentence: str, words: Sequence[str]) -> frozenset[str]:
    """The kinds of dated or counted fact one sentence gives (day, year, date, number)."""
    kinds = set()
    if YEAR_RE.search(sentence):
        kinds |= {"year", "date"}
    if _MONTHS.intersection(words):
        kinds.add("date")
        # (a day of the month beside its month: "June 4", "4 June")
        if any(w in _MONTHS and any(v.isdigit() and len(v) <= 2
                                    for v in words[max(0, i - 1) : i + 2])
               for i, w in enumerate(words)):
            kinds.add("day")
    if _NUMBER_RE.search(sentence) or _NUMBER_WORDS.intersection(words):
        kinds.add("number")
    return frozenset(kinds)


def asked_kind(terms: Iterable[str]) -> str | None:
    """The kind of fact a question's terms ask for (date, number, place), if any."""
    for t in terms:
        if t in ASKED_KINDS:
            return ASKED_KINDS[t]
    return None


def counted_term(terms: Sequence[str], asking: str = "@q-how-many",
                 skip: AbstractSet[str] = frozenset()) -> str | None:
    """What a "how many" question counts (or, with "@q-list", what a list asks for): the
    first content term after the question word."""
    for i, t in enumerate(terms):
        if t == asking:
            return next((u for u in terms[i + 1 :] if not u.startswith("@q-")
                         and not u.isdigit() and u not in skip), None)
    return None


def _counted(words: Sequence[str], terms_of: Callable[[list[str]], list[str]],
             ) -> frozenset[str]:
    """Terms that a number in the (English) answer's words counts: "in 12 countries" →
    country."""
    counted: set[str] = set()
    for i, w in enumerate(words):
        if (w.isdigit() and not YEAR_RE.fullmatch(w)) or w in _NUMBER_WORDS:
            counted.update(terms_of(list(words[i + 1 : i + 1 + COUNT_WINDOW])))
    return frozenset(counted)


def explicit_subject(entry: Entry, terms_of: Callable[[list[str]], list[str]]) -> frozenset[str]:
    """The terms of the subject a maintainer stated for an entry (empty when none)."""
    return frozenset(t for s in entry.subject for t in terms_of(tx.words(s)))


def _holds(answer: str, answer_words: Iterable[str], covered: set[str],
           places: frozenset[str], asks: AbstractSet[str]) -> tuple[str, ...]:
    """Kinds of facts an answer holds, read from its English text (and its words) and its
    terms; `places`: the terms that name places, `asks`: the terms of the entry's phrasings.
    (Whether it lists things is read only when a question asks for a list.)"""
    holds = set(_kinds_of(answer, list(answer_words)))
    if not places.isdisjoint(covered):
        holds.add("place")
    # a phrasing that asks the same kind of question settles it (the maintainer wrote it)
    holds.update(kind for t, kind in ASKED_KINDS.items() if t in asks)
    return tuple(sorted(holds))
