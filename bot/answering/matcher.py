"""Matching a free-text question to FAQ entries, across be/ru/en and noisy typing."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process

from bot.answering.grounding import (
    RAREST_SHARE,
    SUBJECT_SHARE,
    USED_SHARE,
    YEAR_RE,
    Grounder,
    Verdict,
    asked_kind,
    counted_term,
    explicit_subject,
)
from bot.answering.index import ExactPhrasings, Index, build_index, derived_subjects, ranges
from bot.knowledge.base import KnowledgeBase
from bot.language import text as tx
from bot.language.memo import remember
from bot.language.places import place_names

Status = Literal["answer", "partial", "suggest", "none", "smalltalk"]
# small talk kinds in the order one wins over another in a mixed message
SMALLTALK_ORDER = ("insults", "bot", "thanks", "greetings")
# a sentence ends at . ! ? … or a line break; the question mark tells which sentence asks
_SENTENCE_RE = re.compile(r"[^.!?…\n]+[.!?…]*")
SYN_PREFIX = "@"
QUESTION_WORD_PREFIX = SYN_PREFIX + "q-"
# Spellings that Belarusian has and Russian lacks, beyond the letters і and ў: дз (дзень),
# шч (шчыра), a final ць (рабіць) and цц/ддз doubled consonants.
BE_SPELLING = re.compile(r"дз|шч|ць$|цц|ддз")
ACRONYM_RE = re.compile(r"^[A-ZА-ЯЁІЎ]{2,6}$")
# A statement put forward to be confirmed: the confirmation frames ("is it true that", "правда
# ли", "ці праўда") and the tag questions at the end ("..., right?", "..., да?", "..., так?")
# of the three languages' grammars.
CONFIRMS = re.compile(
    r"\b(is it|it is|is that|that's|am i) (true|correct|right|so)\b|\bdid i get it right\b"
    r"|[,—-] *(right|correct|true|isn't it|didn't it|wasn't it|no|yes)\s*\?"
    r"|\b(правда|верно|правильно)(,)? (ли|что)\b|\bтак ли\b|\bэто так\b"
    r"|[,—-] *(да|так|верно|правда|правильно|не так ли|не правда ли)\s*\?"
    r"|\b(ці )?(праўда|дакладна|правільна)(,)? (што|ці)\b|\bці так\b|\bгэта так\b"
    r"|[,—-] *(так|праўда|дакладна|ці не так)\s*\?")
# Typo repair: words shorter than this are left alone (too many short words are one letter
# apart), longer ones must be this similar (rapidfuzz ratio, 0..100) to a known word.
MIN_TYPO_LENGTH = 5
TYPO_CUTOFF = 80.0
# English endings are short (-s, -ed, -ing, -ers, -ions): a Latin word that shares only its
# first letters with a known one ("centralnaja", Belarusian in Latin letters) is no form of it.
MAX_LATIN_ENDING = 4
# Synonym kinds that name a thing: a question naming one is about it.
NAMED_KINDS = ("name", "place")
# Candidates on the question's subject checked by grounding, best first.
MAX_VERIFIED = 5
# Entries ranked for a question.
RANK_LIMIT = 8
# Ranking scores the entries with the best bounds exactly first (at least this many) to learn
# a floor for the final cut; only entries whose bound reaches that floor are looked at after.
RANK_PROBE = 64
# so few entries are scored one by one (fewer numpy calls than all at once)
FEW_ENTRIES = 4
# typo-repair answers and readings of typed chunks remembered (pure functions of the text
# and the base)
NEAREST_MEMO = 4096
SIMPLE_TERMS_MEMO = 1 << 17
READINGS_MEMO = 8192


@dataclass(frozen=True)
class Thresholds:
    """Decision boundaries; tuned on a development corpus, checked on an independent one."""

    answer: float = 0.6
    # a grounded candidate (subject named, every salient term covered) needs less score
    grounded_answer: float = 0.42
    margin: float = 0.06
    # below this, an on-subject candidate that does not answer exactly is not shown at all
    partial: float = 0.3
    suggest: float = 0.30
    suggest_window: float = 0.25
    max_suggestions: int = 3
    # Weight of a query word the knowledge base has never seen: it is evidence that the
    # question is about something else, so it lowers confidence. Short unknown words are
    # more often mistyped filler, so they weigh less.
    unknown_weight: float = 0.8
    unknown_short_weight: float = 0.5
    # an unknown name in capitals (ООН, NATO) says the question is about something else
    unknown_name_weight: float = 1.5
    # share of the score that comes from the entry's whole vocabulary (see Matcher.rank)
    coverage_blend: float = 0.4
    # Ceiling on the weight of a plain word (not a synonyms-lexicon term). In a small base an
    # incidental word used by one entry ("send") would otherwise outweigh the names the
    # lexicon curates (ENEMO), which appear in several entries.
    plain_word_cap: float = 1.2
    # IDF is computed as if the base had at most this many entries (see Matcher.__init__)
    idf_entries: int = 15


@dataclass(frozen=True)
class Analysis:
    """How a question was read: its words after repair, the terms matched, its language."""

    words: tuple[str, ...]
    terms: tuple[str, ...]
    lang: str | None
    # unknown words typed in capitals (ООН, NATO): names of something the base does not cover
    names: frozenset[str] = frozenset()
    # terms of the sentences that ask (end with "?"); all terms when none does
    focus: tuple[str, ...] = ()
    # the kind of small talk when the whole message is small talk
    smalltalk: str | None = None
    # out-of-scope classes (opinion, practical) the message's words point to, and the stems
    # of the phrases that did
    outofscope: tuple[str, ...] = ()
    outofscope_stems: tuple[tuple[str, ...], ...] = ()
    # terms a conversation's context supplied (the last answer's subject): they lead to
    # entries but, not being the user's words, need not all be covered
    carried: tuple[str, ...] = ()
    # the message asks to confirm a statement ("is it true that...", "..., right?")
    confirms: bool = False
    # terms of the sentences before the first one that asks: the context a message gives
    # before its question ("We'd like to observe the next elections. Whom do we contact?")
    preamble: tuple[str, ...] = ()
    # the facts of the preamble are read as context only (see Matcher.decide)
    loose_preamble: bool = False
    # the question asks about something other than what it names ("any associations besides
    # ACEEEO?"): an answer about what it names does not answer it
    others: bool = False


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

    @property
    def suggestions(self) -> tuple[str, ...]:
        return tuple(eid for eid, _ in self.ranked) if self.status == "suggest" else ()

    @property
    def outofscope(self) -> str | None:
        """The out-of-scope class that decided a "none", if one did."""
        if self.status == "none" and self.analysis.outofscope:
            return self.analysis.outofscope[0]
        return None


@dataclass(frozen=True, eq=False)
class _Scoring:
    """One query's candidate entries (those sharing a content term) with their score bounds.

    `score` holds the exact scores worked out so far (NaN: not yet), so that rankings of the
    same terms among different entries share the work.
    """

    cand: np.ndarray
    cov: np.ndarray
    tight: np.ndarray  # no candidate scores above it
    score: np.ndarray
    q_weight: float
    # the query's known terms with their weights, and their postings: each term's range of
    # posting numbers, and the postings' entries and weights, term after term
    tids: np.ndarray
    weights: np.ndarray
    first: np.ndarray
    last: np.ndarray
    entries: np.ndarray
    posting_weights: np.ndarray
    # worked out once some ranking needs them (see below)
    memo: dict[str, np.ndarray] = field(default_factory=dict)

    def posting_numbers(self) -> np.ndarray:
        """Each posting's number (term after term, as `entries`)."""
        found = self.memo.get("numbers")
        if found is None:
            found = self.memo["numbers"] = ranges(self.first, self.last)
        return found

    def term_weights(self, terms: int) -> np.ndarray:
        """The query's weight of every term of the base (0 for most)."""
        found = self.memo.get("weights")
        if found is None:
            found = self.memo["weights"] = np.zeros(terms)
            found[self.tids] = self.weights
        return found


# the queries scored for one analysis, by their terms
_Scorings = dict[frozenset[str], _Scoring | None]


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way to read a chunk of typed text (as typed, transliterated, other layout)."""

    kind: str
    words: tuple[str, ...]
    score: float


class Matcher:
    """Scores questions against every phrasing of a knowledge base.

    Words are stemmed and mapped through the synonyms lexicon to language-neutral terms; each
    term weighs by how rare it is across entries (so ENEMO counts more than "elections"), and a
    phrasing scores by the weighted F1 of shared terms. Unknown words are repaired first:
    transliteration, wrong keyboard layout, then typos against the known vocabulary.
    """

    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds | None = None,
                 answers: Mapping[str, Sequence[str]] | None = None,
                 index: Index | None = None,
                 previous: tuple[KnowledgeBase, Index] | None = None) -> None:
        """`answers`: each entry's answer text in the catalog languages (grounding reads them);
        `index`, `previous`: a compiled index, or an earlier one to reuse (see kbcache)."""
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        lex = kb.lexicon
        self._stopwords: frozenset[str] = frozenset().union(*lex.stopwords.values())
        self._synonyms, synonym_words = _synonym_table(kb)
        self._kinds = {SYN_PREFIX + g.key: g.kind for g in lex.synonyms if g.kind}
        # every country and territory (CLDR): a name of several words is a synonym, a word
        # alone is looked up as typed (see _word_terms); the lexicon's own places keep theirs
        self._places = _place_table(kb, self._stopwords, self._kinds)
        for name, place in self._places.items():
            self._kinds.setdefault(place, "place")
            name_stems = _stems(name)
            if len(name) > 1 and name_stems not in self._synonyms:
                self._synonyms[name_stems] = place
        self._place_words = {ws[0]: key for ws, key in self._places.items() if len(ws) == 1}
        # the organisations' names written as one word (enemo, обсе): what a name heard as two
        # words is joined back into
        self._name_set = frozenset(
            w for g in lex.synonyms if g.kind == "name" for term in g.terms
            if len(ws := tx.words(term)) == 1 for w in ws)
        self._name_words = sorted(self._name_set)
        self._max_syn_len = max((len(k) for k in self._synonyms), default=1)
        # filler phrases and small talk, as stem sequences: dropped from a question's terms
        self._stop_phrases = {_stems(p) for p in lex.stop_phrases} | {
            _stems(p) for phrases in lex.followups.get("switches", {}).values() for p in phrases}
        self._smalltalk = {_stems(p): kind for kind in reversed(SMALLTALK_ORDER)
                           for phrases in lex.smalltalk.get(kind, {}).values() for p in phrases}
        # out-of-scope phrases by their first stem, so a question is scanned once
        self._outofscope: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for cls, by_lang in lex.outofscope.items():
            for phrases in by_lang.values():
                for phrase in phrases:
                    stems = _stems(phrase)
                    self._outofscope[stems[0]].append((stems, cls))
        # the longest filler or small-talk phrase starting with each stem
        self._phrase_len: dict[str, int] = {}
        for phrase in (*self._stop_phrases, *self._smalltalk):
            if phrase:
                self._phrase_len[phrase[0]] = max(self._phrase_len.get(phrase[0], 0),
                                                  len(phrase))
        # the longest synonym starting with each stem: longer spans need not be looked up
        self._one_word_synonyms = {k[0]: v for k, v in self._synonyms.items() if len(k) == 1}
        self._syn_len: dict[str, int] = {}
        for key in self._synonyms:
            self._syn_len[key[0]] = max(self._syn_len.get(key[0], 1), len(key))
        # the stems that can follow each stem in a longer phrase (filler, small talk, synonym):
        # where the next word is not one of them, the word alone decides its term
        self._follows: dict[str, set[str]] = defaultdict(set)
        for phrase in (*self._stop_phrases, *self._smalltalk, *self._synonyms):
            if len(phrase) > 1:
                self._follows[phrase[0]].add(phrase[1])
        # each word's term(s) when it starts no phrase (everywhere / where nothing follows)
        self._simple_terms: dict[str, tuple[str, ...]] = {}
        self._alone_terms: dict[str, tuple[str, ...]] = {}
        # words per language: what a typed word is checked against to tell be/ru/en apart
        self._lang_words: dict[str, set[str]] = defaultdict(set)
        for lang, words in lex.stopwords.items():
            self._lang_words[lang].update(words)
        for table in (*lex.smalltalk.values(), *lex.outofscope.values()):
            for lang, phrases in table.items():
                self._lang_words[lang].update(w for p in phrases for w in p)

        # phrasings, postings and vocabulary: built here or taken from the compiled-base cache
        # (`previous`: an earlier build with the same lexicon, for its unchanged entries)
        self.index = index or build_index(kb, self._terms, self._lang_words, synonym_words,
                                          MIN_TYPO_LENGTH - 1, previous)
        ix = self.index
        self._lang_words.update({lang: set(ws) for lang, ws in ix.lang_words.items()})
        self._entry_order = {eid: i for i, eid in enumerate(ix.entry_ids)}
        self._term_ids = ix.term_ids
        self._exact = ExactPhrasings(ix, self._term_ids)

        # inverse document frequency over entries: rare terms (ENEMO) outweigh common ones
        df = np.diff(ix.term_entry_ptr).astype(np.float64)
        n = max(len(kb.entries), 1)
        cap = self.thresholds.plain_word_cap
        is_syn = np.fromiter((t.startswith(SYN_PREFIX) for t in ix.terms), dtype=bool,
                             count=len(ix.terms))
        # Measured as in a base of at most `idf_entries` entries (a term's share of the base
        # counts, and no term is rarer than one such entry): the same range of weights at 15
        # and at 20,000 entries, so the fixed weights beside them (unknown words, the plain-word
        # cap) and the thresholds keep their meaning as the base grows.
        size = min(n, self.thresholds.idf_entries)
        share = np.maximum(df * (size / n), 1.0)
        idf = np.maximum(np.log((size + 1) / (share + 0.5)), 0.1)
        self._term_weights = np.minimum(idf, np.where(is_syn, 10.0, cap))
        weights = self._term_weights.tolist()
        self._weights = {t: weights[i] for t, i in self._term_ids.items()}
        # a phrasing's own weight: the sum over its terms (1.0 for a phrasing of filler only)
        per_term = self._term_weights[ix.phrasing_terms]
        owner = np.arange(len(ix.phrasing_term_ptr) - 1).repeat(np.diff(ix.phrasing_term_ptr))
        sums = np.bincount(owner, weights=per_term, minlength=len(ix.phrasing_term_ptr) - 1)
        self._phrasing_weights = np.where(sums > 0, sums, 1.0)
        # per entry: its phrasings counted, and where their terms start and how many there are;
        # and the phrasing each of those terms is of
        self._entry_phrasing_counts = np.diff(ix.entry_phrasings)
        self._entry_term_starts = ix.phrasing_term_ptr[ix.entry_phrasings]
        self._entry_term_counts = np.diff(self._entry_term_starts)
        self._slot_phrasings = np.arange(len(ix.phrasing_term_ptr) - 1, dtype=np.int32).repeat(
            np.diff(ix.phrasing_term_ptr))
        # for each posting (term t, entry e): the lightest phrasing of e that has t, which
        # bounds the F1 that e can reach through t
        pp = ix.posting_phrasing_ptr
        self._posting_lightest = (
            np.minimum.reduceat(self._phrasing_weights[ix.posting_phrasings], pp[:-1])
            if len(pp) > 1 else np.zeros(0))
        self._is_question_word = np.fromiter(
            (t.startswith(QUESTION_WORD_PREFIX) for t in ix.terms), dtype=bool,
            count=len(ix.terms))

        # every entry's subject at once: which entries a question is about is then a lookup
        named_kind = np.fromiter((self._kinds.get(t) in NAMED_KINDS for t in ix.terms),
                                 dtype=bool, count=len(ix.terms))
        self._subjects = derived_subjects(ix, named_kind, self._is_question_word,
                                          self._term_weights, SUBJECT_SHARE, USED_SHARE,
                                          RAREST_SHARE)
        # subjects stated by maintainers, which replace the derived ones
        self._explicit_subjects = {
            self._entry_order[e.id]: found for e in kb.entries.values()
            if e.subject and (found := explicit_subject(e, self._terms))}
        self._explicit_by_term: dict[str, list[int]] = defaultdict(list)
        for e, found in self._explicit_subjects.items():
            for t in found:
                self._explicit_by_term[t].append(e)
        self._explicit_rows = np.fromiter(self._explicit_subjects, dtype=np.int64,
                                          count=len(self._explicit_subjects))
        self._no_subject = np.diff(self._subjects.entry_ptr) == 0
        self._no_subject[self._explicit_rows] = False
        self.grounder = Grounder(kb.entries, self._phrasings_of, self._entry_terms,
                                 self._co_occur,
                                 answers or {}, self._terms, self._kinds, self._weight,
                                 self._derived_subject, self._phrasing_words,
                                 self.phrase_terms)
        # words of the answers count as known too, so typo repair does not turn a real word
        # of the answers ("цесна") into a name it resembles ("вясна")
        # (all texts read as one, each distinct word once)
        answer_words = tx.word_set("\n".join(t for texts in (answers or {}).values()
                                             for t in texts))
        self._known_words = ix.known_words | answer_words | self._place_words.keys()
        self._known_stems = ix.known_stems | {tx.stem(w) for w in answer_words}
        # rapidfuzz choices, prepared once: typo repair looks words up here
        self._vocab = ix.vocabulary
        self._vocab.prepare(TYPO_CUTOFF, MIN_TYPO_LENGTH)
        self._nearest_memo: dict[str, tuple[str, float] | None] = {}
        self._readings_memo: dict[str, tuple[str, tuple[str, ...]] | tuple[()]] = {}

    def _phrasings_of(self, entry_id: str) -> list[frozenset[str]]:
        """The terms of each phrasing of one entry."""
        ix, e = self.index, self._entry_order[entry_id]
        return [ix.phrasing_term_set(p)
                for p in range(int(ix.entry_phrasings[e]), int(ix.entry_phrasings[e + 1]))]

    def _entry_terms(self, entry_id: str) -> frozenset[str]:
        """The terms of all the phrasings of one entry."""
        ix, e = self.index, self._entry_order[entry_id]
        ptr = ix.phrasing_term_ptr
        lo, hi = ptr[ix.entry_phrasings[e]], ptr[ix.entry_phrasings[e + 1]]
        terms = ix.terms
        return frozenset([terms[t] for t in ix.phrasing_terms[lo:hi].tolist()])

    def _phrasing_words(self, entry_id: str) -> list[str]:
        """The words of an entry's phrasings (each phrasing's once)."""
        ix, e = self.index, self._entry_order[entry_id]
        ptr = ix.phrasing_word_ptr
        lo, hi = ptr[ix.entry_phrasings[e]], ptr[ix.entry_phrasings[e + 1]]
        return [ix.words[w] for w in ix.phrasing_words[lo:hi].tolist()]

    def _derived_subject(self, entry_id: str) -> frozenset[str]:
        """An entry's subject as derived from its phrasings."""
        sub, e = self._subjects, self._entry_order[entry_id]
        return frozenset(self.index.terms[t]
                         for t in sub.terms[sub.entry_ptr[e]:sub.entry_ptr[e + 1]].tolist())

    def _on_subject(self, terms: Iterable[str]) -> np.ndarray:
        """Which entries (as a mask) have a subject the terms name, or none at all."""
        sub = self._subjects
        mask = self._no_subject.copy()
        for t in set(terms):
            tid = self._term_ids.get(t)
            if tid is not None:
                mask[sub.entries[sub.term_ptr[tid]:sub.term_ptr[tid + 1]]] = True
        # a stated subject replaces the derived one
        mask[self._explicit_rows] = False
        for t in set(terms):
            mask[self._explicit_by_term.get(t, [])] = True
        return mask

    def _postings(self, term: str) -> np.ndarray:
        """The entries (as numbers) that have `term` in some phrasing."""
        tid = self._term_ids.get(term)
        if tid is None:
            return np.zeros(0, dtype=np.int32)
        ix = self.index
        return ix.term_entries[int(ix.term_entry_ptr[tid]):int(ix.term_entry_ptr[tid + 1])]

    def _co_occur(self, term: str, subject: frozenset[str]) -> bool:
        """Whether some entry's phrasings use `term` and name one of the `subject` terms."""
        with_term = self._postings(term)
        return any(np.intersect1d(with_term, self._postings(s), assume_unique=True).size
                   for s in subject)

    def _terms(self, words: list[str]) -> list[str]:
        """Content terms of already-repaired words: synonyms mapped, filler dropped."""
        # Most words start no longer phrase (filler, small talk, synonym): such a word gives a
        # term (or none) of its own, remembered the first time; only the others are looked at.
        mapped = [self._simple_terms.get(w) for w in words]
        if None not in mapped:
            return [t for found in mapped if found for t in found]
        stems = [tx.stem(w) for w in words]
        terms: list[str] = []
        i = 0
        for j in [j for j, found in enumerate(mapped) if found is None]:
            if j >= i:  # (not inside a phrase read already)
                terms += [t for found in mapped[i:j] if found for t in found]
                i = j + self._term_at(words, stems, j, terms)
        terms += [t for found in mapped[i:] if found for t in found]
        return terms

    def _term_at(self, words: list[str], stems: list[str], i: int, terms: list[str]) -> int:
        """Add the term that starts at word `i` (if any) to `terms`; the words it took."""
        stem = stems[i]
        follows = self._follows.get(stem)
        if follows is None or i + 1 == len(words) or stems[i + 1] not in follows:
            # the word alone decides; a word that starts no longer phrase does so everywhere
            memo = self._simple_terms if follows is None else self._alone_terms
            found = memo.get(words[i])
            if found is None:
                found = remember(memo, words[i], (
                    () if (stem,) in self._stop_phrases or (stem,) in self._smalltalk
                    else self._word_terms(words[i], stem)), SIMPLE_TERMS_MEMO)
            terms += found
            return 1
        if stem in self._phrase_len:
            skip = self._filler_at(stems, i)
            if skip:
                return skip
        longest = self._syn_len.get(stem, 1)
        if longest > 1 and len(words) - i > 1:
            size = next((size for size in range(min(longest, len(words) - i), 1, -1)
                         if tuple(stems[i : i + size]) in self._synonyms), 1)
            if size > 1:
                terms.append(self._synonyms[tuple(stems[i : i + size])])
                return size
        terms += self._word_terms(words[i], stem)
        return 1

    def phrase_terms(self, words: list[str]) -> list[str]:
        """The terms of the phrases of several words (names, titles) in `words`, read as
        `_terms` reads them; with perhaps some terms of single words."""
        stems = [tx.stem(w) for w in words]
        found: list[str] = []
        i = 0
        while i < len(words) - 1:
            follows = self._follows.get(stems[i])
            # (a word that the next cannot continue adds only its own terms)
            i += (self._term_at(words, stems, i, found)
                  if follows is not None and stems[i + 1] in follows else 1)
        return found

    def _word_terms(self, word: str, stem: str) -> tuple[str, ...]:
        """The term of a word that starts no phrase: its synonym group, its stem, or none."""
        key = self._one_word_synonyms.get(stem) or self._place_words.get(word)
        return (key,) if key is not None else () if word in self._stopwords else (stem,)

    def _filler_at(self, stems: list[str], i: int) -> int:
        """How many words from `i` on form a filler or small-talk phrase (0: none)."""
        # only as long as the longest such phrase starting with this stem
        for size in range(min(self._phrase_len.get(stems[i], 0), len(stems) - i), 0, -1):
            key = tuple(stems[i : i + size])
            if key in self._stop_phrases or key in self._smalltalk:
                return size
        return 0

    def terms_of(self, text: str) -> list[str]:
        """The terms of a correctly written text (an answer, a subject), without repair."""
        return self._terms(tx.words(text))

    def _smalltalk_kind(self, words: list[str]) -> str | None:
        """The small-talk kind of a sentence made only of small talk and filler, else None."""
        stems = [tx.stem(w) for w in words]
        found: set[str] = set()
        i = 0
        while i < len(stems):
            for size in range(min(self._phrase_len.get(stems[i], 0), len(stems) - i), 0, -1):
                key = tuple(stems[i : i + size])
                if key in self._smalltalk:
                    found.add(self._smalltalk[key])
                    break
                if key in self._stop_phrases:
                    break
            else:
                if words[i] not in self._stopwords and not words[i].isdigit():
                    return None
                size = 1
            i += size
        return next((k for k in SMALLTALK_ORDER if k in found), None)

    def _outofscope_phrases(self, words: list[str]) -> list[tuple[str, tuple[str, ...]]]:
        """(class, phrase stems) of every out-of-scope phrase in the words, in the order they
        come: what a question asks comes before what it asks about ("who will win the next
        election" asks for a prediction, "how do I register as an independent observer" for
        practical help), so the first phrase decides the class."""
        stems = [tx.stem(w) for w in words]
        found: dict[tuple[str, ...], tuple[int, str]] = {}
        for i, first in enumerate(stems):
            for phrase, cls in self._outofscope.get(first, ()):
                if tuple(stems[i : i + len(phrase)]) == phrase and phrase not in found:
                    found[phrase] = (i, cls)
        return [(c, p) for p, (_, c) in sorted(found.items(), key=lambda f: f[1][0])]

    # --- reading noisy input -----------------------------------------------------------------

    def _known(self, word: str) -> float:
        """1.0 for a known word, 0.95 for a known stem, 0.0 otherwise (no fuzzy search)."""
        if word in self._known_words or word in self._stopwords:
            return 1.0
        stem = tx.stem(word)
        if stem in self._known_stems and len(word) > 3 and (
                len(word) - len(stem) <= MAX_LATIN_ENDING or not tx.is_latin(word)):
            return 0.95
        return 0.0

    def _knownness(self, word: str, typed: bool = True) -> float:
        """How surely `word` is one the knowledge base or the language knows (0..1)."""
        exact = self._known(word)
        if exact:
            return exact
        # a short word read through transliteration or another layout is too easily "close"
        # to some known word by chance; only exact hits count for it
        if len(word) < (MIN_TYPO_LENGTH if typed else MIN_TYPO_LENGTH + 1):
            return 0.0
        hit = self._nearest(word)
        return 0.85 * hit[1] / 100 if hit else 0.0

    def _nearest(self, word: str) -> tuple[str, float] | None:
        # one question asks about the same word up to three times (reading, repair, names)
        if word in self._nearest_memo:
            return self._nearest_memo[word]
        # only words that can reach the cutoff, in list order: the same hit as the full scan
        choices = self._vocab.candidates(word, TYPO_CUTOFF)
        hit = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return remember(self._nearest_memo, word, (hit[0], hit[1]) if hit else None,
                        NEAREST_MEMO)

    def _reading(self, chunk: str) -> tuple[str, tuple[str, ...]] | tuple[()]:
        """The kind and words of the best way to read `chunk` (the first of equals); empty when
        it has no words."""
        # The same chunks ("the", "CEC?", "выбарах") recur in message after message. (Kept as
        # plain tuples of strings, which Python's cycle collector stops looking at.)
        found = self._readings_memo.get(chunk)
        if found is None:
            readings = self._readings(chunk)
            best = max(readings, key=lambda r: r.score) if readings else None
            found = remember(self._readings_memo, chunk,
                             (best.kind, tuple(best.words)) if best else (), READINGS_MEMO)
        return found

    def _readings(self, chunk: str) -> list[_Reading]:
        """The ways to read `chunk` (as typed, transliterated, in another keyboard layout)
        that can still win, in that order, scored.

        The best one (the first of equals) is the same as if all were scored: each reading's
        best possible score is known without fuzzy search, readings are scored from the most
        promising on, and one that cannot beat (or, coming later, equal) the best so far is
        left out.
        """
        folded = tx.fold(chunk)
        as_typed = tx.words(folded)
        if not as_typed:
            return []
        # No other reading scores above 1 - its penalty (0.02 at least) and the typed one wins
        # ties: when typed text reaches that, the others are not even spelled out.
        if self._best_possible(as_typed, True) >= 0.98:
            plain = _Reading("typed", tuple(as_typed),
                             self._score_words(as_typed, typed=True))
            if plain.score >= 0.98:
                return [plain]
        # (kind, words, penalty, typed)
        options: list[tuple[str, list[str], float, bool]] = [("typed", as_typed, 0.0, True)]
        if all(tx.is_latin(w) or w.isdigit() for w in as_typed):
            for lang in ("ru", "be"):
                options.append((f"translit-{lang}",
                                [tx.transliterate(w, lang) for w in as_typed], 0.02, False))
            keys = folded.rstrip("?!")
            if keys and all(c in tx.LAYOUT_CHARS or c.isspace() for c in keys):
                for lang in ("ru", "be"):
                    options.append((f"layout-{lang}", tx.words(tx.from_en_layout(keys, lang)),
                                    0.03, False))
        elif all(tx.is_cyrillic(w) for w in as_typed):
            options.append(("layout-en", tx.words(tx.to_en_layout(folded, "ru")), 0.03, False))
        bounds = [self._best_possible(words, typed) - penalty
                  for _, words, penalty, typed in options]
        scored: dict[int, _Reading] = {}
        best, best_at = -1.0, -1
        for i in sorted(range(len(options)), key=lambda i: (-bounds[i], i)):
            if bounds[i] < best or (bounds[i] == best and i > best_at):
                continue  # cannot win: skip its fuzzy searches
            kind, words, penalty, typed = options[i]
            reading = _Reading(kind, tuple(words), self._score_words(words, typed) - penalty)
            scored[i] = reading
            if reading.score > best or (reading.score == best and i < best_at):
                best, best_at = reading.score, i
        return [scored[i] for i in sorted(scored)]

    def _best_possible(self, words: list[str], typed: bool = False) -> float:
        """An upper bound of `_score_words(words, typed)` that needs no fuzzy search."""
        if not words:
            return 0.0
        # a fuzzy hit is worth at most 0.85 and only long enough words get one
        shortest = MIN_TYPO_LENGTH if typed else MIN_TYPO_LENGTH + 1
        return sum(self._known(w) or (0.85 if len(w) >= shortest else 0.0)
                   for w in words) / len(words)

    def _score_words(self, words: list[str], typed: bool = False) -> float:
        if not words:
            return 0.0
        return sum(self._knownness(w, typed) for w in words) / len(words)

    def _repair(self, word: str, name: bool = False) -> str:
        """The known word a typo most likely meant (or the word itself).

        A `name` (typed capitalised: Brazil, ACEEO) is taken for another one only a letter
        longer or shorter: in a base of many names, some other one is always two letters off.
        """
        if self._known(word) or len(word) < MIN_TYPO_LENGTH:
            return word
        hit = self._nearest(word)
        if hit and name and abs(len(hit[0]) - len(word)) > 1:
            return word
        return hit[0] if hit else word

    def _read_sentence(self, sentence: str, capitals: set[str]) -> list[str]:
        """The repaired words of one sentence, each chunk read the way the base knows best.

        Words typed in capitals (ООН) or capitalised inside the sentence (Poland) go into
        `capitals`: they name something, and an answer must mention it.
        """
        words: list[str] = []
        chunks = self._join_heard(self._join_spelled(sentence.split()))
        for n, chunk in enumerate(chunks):
            reading = self._reading(chunk)
            if reading:
                kind, read = reading
                words.extend(read)
                bare = chunk.strip(".,;:!?()«»\"'“”„")
                if kind == "typed" and (ACRONYM_RE.match(bare.replace("-", "")) or (
                        n > 0 and bare[:1].isupper() and bare[1:].islower())):
                    capitals.update(read)
        # (numbers said in words before typo repair, which would take them for other words)
        return [self._repair(w, w in capitals) for w in tx.read_numbers(words)]

    def _join_spelled(self, chunks: list[str]) -> list[str]:
        """The chunks with each run of spelled letters ("e n e m o", "цэ вэ ка") joined into the
        acronym it spells, when the base knows that word (a run of letters that spells nothing
        known, "в и с", stays as it was)."""
        if not any(len(c) < 6 and tx.spelled_letter(c) for c in chunks):
            return chunks
        joined: list[str] = []
        i = 0
        while i < len(chunks):
            letters: list[str] = []
            while i + len(letters) < len(chunks) and (
                    letter := tx.spelled_letter(chunks[i + len(letters)])):
                letters.append(letter)
            # the longest run from here (two letters at least) that spells a known word
            size = next((k for k in range(len(letters), 1, -1)
                         if self._known("".join(letters[:k])) == 1.0), 0)
            if size:
                joined.append("".join(letters[:size]).upper())
                i += size
            else:
                joined.append(chunks[i])
                i += 1
        return joined

    def _join_heard(self, chunks: list[str]) -> list[str]:
        """The chunks with a name that speech-to-text heard as two words ("a nemo", «ены мо»)
        joined again: two neighbours, not both words the base knows, whose letters together are
        (or are one typo from) the name of an organisation the lexicon knows."""
        if len(chunks) < 2:
            return chunks
        bare = [tx.bare(c) for c in chunks]
        # (alphabetic and unknown: only such a word can be half of a name; most are known)
        odd = [w.isalpha() and not self._known(w) for w in bare]
        if not any(odd):
            return chunks
        joined: list[str] = []
        i = 0
        while i < len(chunks):
            if i + 1 < len(chunks) and (odd[i] or odd[i + 1]):
                a, b = bare[i], bare[i + 1]
                word = a + b
                if (a.isalpha() and b.isalpha()
                        and (word in self._name_set or len(word) >= MIN_TYPO_LENGTH)):
                    name = word if word in self._name_set else self._nearest_name(word)
                    if name is not None and abs(len(name) - len(word)) <= 1:
                        joined.append(chunks[i] + chunks[i + 1])
                        i += 2
                        continue
            joined.append(chunks[i])
            i += 1
        return joined

    def _nearest_name(self, word: str) -> str | None:
        """The organisation's one-word name a word is a typo of (long words only), or None."""
        if len(word) < MIN_TYPO_LENGTH:
            return None
        hit = process.extractOne(word, self._name_words, scorer=fuzz.ratio,
                                 score_cutoff=TYPO_CUTOFF)
        return hit[0] if hit else None

    def analyse(self, question: str) -> Analysis:
        """Read a question: split it into sentences, repair each chunk, map to terms, guess the
        language; greetings and thanks are set apart and the asking sentences marked."""
        capitals: set[str] = set()
        words: list[str] = []
        terms: list[str] = []
        focus: list[str] = []
        asking: list[str] = []  # the words of the asking sentences
        preamble: list[str] = []  # the terms of the sentences before the first that asks
        small: list[str] = []
        for sentence in split_sentences(question):
            ws = self._read_sentence(sentence, capitals)
            if not ws:
                continue
            kind = self._smalltalk_kind(ws)
            if kind:
                small.append(kind)
                words.extend(ws)
                continue
            ts = self._terms(ws)
            words.extend(ws)
            terms.extend(ts)
            if sentence.rstrip().endswith("?"):
                focus.extend(ts)
                asking.extend(ws)
            if not asking:
                preamble.extend(ts)
        names = frozenset(tx.stem(w) for w in capitals
                          if self._knownness(w) == 0.0
                          or (not self._known(w) and self._repair(w, True) == w))
        smalltalk = None
        if small and not terms:
            smalltalk = next(k for k in SMALLTALK_ORDER if k in small)
        content = [t for t in focus if not t.startswith(QUESTION_WORD_PREFIX)]
        if focus and not content:
            # "I read about ENEMO. Who are they?": the question is the asking sentence about
            # what the others name, not everything else they say
            focus += [t for t in terms if self._kinds.get(t) == "name" and t not in focus]
            content = focus
        # an opinion or practical matter counts where the message asks ("We'd like to observe
        # the next elections. Whom do we contact for an invitation?" asks no practical matter)
        oos = (asking and self._outofscope_phrases(asking)) or (
            [] if asking and content else self._outofscope_phrases(words))
        return Analysis(tuple(words), tuple(terms), self.detect_language(words), names,
                        tuple(focus) if content else tuple(terms), smalltalk,
                        tuple(dict.fromkeys(c for c, _ in oos)), tuple(p for _, p in oos),
                        confirms=bool(CONFIRMS.search(tx.fold(question))),
                        preamble=tuple(preamble) if asking else (),
                        others=_excludes(asking or words))

    # --- language ------------------------------------------------------------------------

    def detect_language(self, words: list[str]) -> str | None:
        """be, ru or en for already-repaired words; None when there is nothing to go on."""
        votes: dict[str, float] = defaultdict(float)
        cyr = lat = 0
        be_words, ru_words, en_words = (self._lang_words[c] for c in ("be", "ru", "en"))
        for w in words:
            if tx.is_cyrillic(w):
                cyr += 1
                if any(c in w for c in "іў'") or BE_SPELLING.search(w):
                    votes["be"] += 2
                elif any(c in w for c in "щъи"):
                    votes["ru"] += 2
                in_be, in_ru = w in be_words, w in ru_words
                if in_be != in_ru:
                    votes["be" if in_be else "ru"] += 1
            elif tx.is_latin(w) and not (w in be_words or w in ru_words):
                # Latin names (ENEMO, OSCE) appear in every language: only other words count
                lat += 1
                votes["en"] += 1 if w in en_words else 0.5
        if lat > cyr and votes["en"] >= votes["be"] + votes["ru"]:
            return "en"
        if votes["be"] > votes["ru"]:
            return "be"
        if votes["ru"] > votes["be"] or cyr:
            return "ru"
        return "en" if lat else None

    # --- scoring -------------------------------------------------------------------------

    def _weight(self, term: str, names: frozenset[str] = frozenset()) -> float:
        weight = self._weights.get(term)
        if weight is not None:
            return weight
        th = self.thresholds
        if term in names:
            return th.unknown_name_weight
        return th.unknown_weight if len(term) >= MIN_TYPO_LENGTH else th.unknown_short_weight

    def weight(self, term: str) -> float:
        """How much a term tells entries apart (rare terms weigh more)."""
        return self._weight(term)

    def rank(self, terms: Iterable[str], limit: int | None = RANK_LIMIT,
             names: frozenset[str] = frozenset(),
             among: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The best entries for the query's terms (at most `limit`), best first, scored 0..1.

        The score blends the best single phrasing (weighted F1: the query and that phrasing
        explain each other) with the entry's coverage, the share of the query that the entry's
        whole vocabulary explains, so a question that mixes words from two phrasings of one
        entry still finds it. Coverage bounds the score from above: the entries with the best
        bounds are scored first, and an entry whose bound is below the cut they set is never
        scored, so the cost grows with the entries that can make the cut, not with all
        phrasings. The result is the exact top `limit` (ties: base order).
        `among`: only these entries (a mask), ranked as they would be among all.
        """
        return self._top(self._scoring(terms, names), limit, among)

    def _scoring(self, terms: Iterable[str], names: frozenset[str]) -> _Scoring | None:
        """A query's candidate entries and their score bounds (None: no entry can match)."""
        query = set(terms)
        weights = {t: self._weight(t, names) for t in query}
        q_weight = sum(weights.values())
        if not q_weight:
            return None
        ix = self.index
        n = len(ix.entry_ids)
        # the query's terms that the base has, with their weights, and all their postings
        known = [(tid, w) for t, w in weights.items() if (tid := self._term_ids.get(t)) is not None]
        if not known:
            return None
        tids = np.fromiter((tid for tid, _ in known), dtype=np.int32, count=len(known))
        term_weights = np.fromiter((w for _, w in known), dtype=np.float64, count=len(known))
        # question words last, so that the content terms' postings come first
        asks = self._is_question_word[tids]
        if asks.any():
            order = np.argsort(asks, kind="stable")
            tids, term_weights, asks = tids[order], term_weights[order], asks[order]
        first, last = ix.term_entry_ptr[tids], ix.term_entry_ptr[tids + 1]
        spans = list(zip(first.tolist(), last.tolist(), strict=True))
        # (each term's postings are a slice: joined, not gathered one by one)
        entries = np.concatenate([ix.term_entries[a:b] for a, b in spans])
        posting_lightest = np.concatenate([self._posting_lightest[a:b] for a, b in spans])
        posting_weights = term_weights.repeat(last - first)
        # (float sums in whatever order the terms come: scores equal to 9 digits tie, see _top)
        coverage = np.bincount(entries, minlength=n, weights=posting_weights)
        # Each query term t of an entry's best phrasing p adds w_t/(q + W_p) to its F1, and
        # W_p is at least the weight of the entry's lightest phrasing with t: summed over the
        # terms, a bound of the F1, reached by an entry that shares a single term.
        shares = np.bincount(entries, minlength=n,
                             weights=posting_weights / (q_weight + posting_lightest))
        count = np.bincount(entries, minlength=n)
        # question words alone ("what?") never make a match
        asked = int((last - first)[asks].sum())
        cand = np.flatnonzero(count > np.bincount(entries[len(entries) - asked:], minlength=n)
                              if asked else count).astype(np.int32)
        if not len(cand):
            return None
        blend = self.thresholds.coverage_blend
        # (np.take: a gather, several times faster than indexing with an array)
        cov = coverage.take(cand) / q_weight
        tight = (1 - blend) * 2 * shares.take(cand) + blend * cov
        # exact for an entry that shares a single term with the query: no phrasing to read
        score = np.where(count.take(cand) == 1, tight, np.nan)
        # (an entry can score an ulp above a bound that its F1 reaches: a margin)
        tight += 1e-9
        return _Scoring(cand, cov, tight, score, q_weight, tids, term_weights,
                        first, last, entries, posting_weights)

    def _scores(self, scoring: _Scoring, picked: np.ndarray) -> np.ndarray:
        """The scores of these candidates (positions in `scoring`), worked out once each."""
        known = scoring.score.take(picked)
        todo = picked[np.isnan(known)]
        if not len(todo):
            return known
        blend = self.thresholds.coverage_blend
        scoring.score[todo] = ((1 - blend) * self._best_f1(scoring, scoring.cand.take(todo))
                               + blend * scoring.cov.take(todo))
        return scoring.score.take(picked)

    def _top(self, scoring: _Scoring | None, limit: int | None,
             among: np.ndarray | None) -> list[tuple[str, float]]:
        """The exact best `limit` of a query's candidates (`among`: of these entries only)."""
        if scoring is None:
            return []
        # (positions in `scoring`: all, or those among the given entries)
        at = None if among is None else np.flatnonzero(among.take(scoring.cand))
        size = max(RANK_PROBE, 4 * (limit or 0))
        if limit is not None and (len(scoring.cand) if at is None else len(at)) > size:
            # the best few by bound give a floor for the final cut (their `limit`-th best
            # score): an entry whose bound is below it cannot make the cut
            tight = scoring.tight if at is None else scoring.tight.take(at)
            probe = tight.argpartition(len(tight) - size)[len(tight) - size:]
            if at is not None:
                probe = at.take(probe)
            floor = np.partition(self._scores(scoring, probe), size - limit)[size - limit]
            # an entry whose bound is below the floor scores below the cut: only the others
            # are scored (some are already)
            keep = np.flatnonzero(tight >= floor)
            at = keep if at is None else at.take(keep)
        elif at is None:
            at = np.arange(len(scoring.cand))
        # The best of them are the best of all, ties broken by base order. Scores equal but
        # for float noise tie (a score's last bits depend on the order its terms were added).
        score = self._scores(scoring, at)
        cand = scoring.cand.take(at)
        level = np.round(score, 9)
        if limit is not None and len(score) > limit:  # sort only what can make the cut
            top = np.flatnonzero(level >= np.partition(level, len(level) - limit)[-limit])
            cand, score, level = cand.take(top), score.take(top), level.take(top)
        best = np.lexsort((cand, -level))[:limit]
        ids = self.index.entry_ids
        return [(ids[i], s) for i, s in zip(cand.take(best).tolist(),
                                            score.take(best).tolist(), strict=True)]

    def _best_f1(self, scoring: _Scoring, entries: np.ndarray) -> np.ndarray:
        """Each entry's best weighted F1 over its phrasings, computed for all at once.

        A few entries are read phrasing by phrasing; many, through the query's postings, which
        reach only the phrasings that share a term with the query. Whichever costs less.
        """
        ix = self.index
        if len(entries) <= FEW_ENTRIES:
            return np.array([self._entry_f1(scoring, e) for e in entries.tolist()])
        firsts = ix.entry_phrasings.take(entries)
        counts = self._entry_phrasing_counts.take(entries)
        offsets = np.cumsum(counts) - counts
        own = int(self._entry_term_counts.take(entries).sum())
        # (measured: reading the phrasings costs about 1.7 times as much per term read)
        hit = (self._hits_by_phrasing(scoring, entries, firsts, offsets, int(counts.sum()))
               if own * 5 < len(scoring.entries) * 3
               else self._hits_by_posting(scoring, entries, firsts, counts, offsets))
        # F1 of precision hit/q and recall hit/w is 2·hit/(q + w) (0 without a hit)
        f1 = 2 * hit / (scoring.q_weight
                        + self._phrasing_weights.take(ranges(firsts, firsts + counts)))
        best = np.zeros(len(entries))
        has = counts > 0
        best[has] = np.maximum.reduceat(f1, offsets[has])
        return best

    def _entry_f1(self, scoring: _Scoring, entry: int) -> float:
        """One entry's best F1, as `_best_f1` works it out, its phrasings read as slices."""
        ix = self.index
        first, last = int(ix.entry_phrasings[entry]), int(ix.entry_phrasings[entry + 1])
        if first == last:
            return 0.0
        a, b = int(ix.phrasing_term_ptr[first]), int(ix.phrasing_term_ptr[last])
        weights = scoring.term_weights(len(ix.terms)).take(ix.phrasing_terms[a:b])
        hit = np.bincount(self._slot_phrasings[a:b] - first, weights=weights,
                          minlength=last - first)
        return float((2 * hit / (scoring.q_weight + self._phrasing_weights[first:last])).max())

    def _hits_by_phrasing(self, scoring: _Scoring, entries: np.ndarray, firsts: np.ndarray,
                          offsets: np.ndarray, size: int) -> np.ndarray:
        """The query's weight in each phrasing of these entries (in a row), read from the
        phrasings' own terms."""
        ix = self.index
        weights = scoring.term_weights(len(ix.terms))
        # an entry's phrasings' terms are one run of phrasing_terms
        starts = self._entry_term_starts.take(entries)
        counts = self._entry_term_counts.take(entries)
        slots = ranges(starts, starts + counts)
        owner = self._slot_phrasings.take(slots) + (offsets - firsts).repeat(counts)
        return np.bincount(owner, weights=weights.take(ix.phrasing_terms.take(slots)),
                           minlength=size)

    def _hits_by_posting(self, scoring: _Scoring, entries: np.ndarray, firsts: np.ndarray,
                         counts: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """The same, read through the query's postings of these entries."""
        ix = self.index
        local = np.full(len(ix.entry_ids), -1, dtype=np.int32)
        local[entries] = np.arange(len(entries), dtype=np.int32)
        owner = local.take(scoring.entries)
        picked = np.flatnonzero(owner >= 0)
        postings = scoring.posting_numbers().take(picked)
        owner = owner.take(picked)
        lo = ix.posting_phrasing_ptr.take(postings)
        hi = ix.posting_phrasing_ptr.take(postings + 1)
        shift = (offsets - firsts).take(owner).repeat(hi - lo)
        numbered = ix.posting_phrasings.take(ranges(lo, hi)) + shift
        return np.bincount(numbered, weights=scoring.posting_weights.take(picked).repeat(hi - lo),
                           minlength=int(counts.sum()))

    def content_weight(self, question: str) -> float:
        """How much a question says beyond question words: the weight of its other terms."""
        terms = set(self.analyse(question).terms)
        return sum(self._weight(t) for t in terms if not t.startswith(QUESTION_WORD_PREFIX))

    def owners(self, question: str) -> tuple[str, ...]:
        """Entries having a phrasing that reads exactly like `question` (same terms)."""
        return self._exact.get(frozenset(self.analyse(question).terms), ())

    def _only_exact(self, terms: Iterable[str]) -> str | None:
        """The entry that owns a phrasing with exactly these terms, if only one does.

        A maintainer who wrote that phrasing for that entry has settled the question, even
        when a neighbour scores close by ("ACEEEO?" is about ACEEEO, not its membership).
        """
        owners = self._exact.get(frozenset(terms), ())
        return owners[0] if len(owners) == 1 else None

    def candidates(self, analysis: Analysis, limit: int = RANK_LIMIT,
                   among: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Entries ranked for the whole message and, when only some sentences ask, for those
        sentences with the names the others give (each entry keeps its better score)."""
        return self._candidates(analysis, limit, among, {})[0]

    def _candidates(self, analysis: Analysis, limit: int, among: np.ndarray | None,
                    scorings: _Scorings,
                    ) -> tuple[list[tuple[str, float]], float]:
        """`candidates`, and a score that no entry left out of them exceeds.

        `scorings`: the queries scored so far for this analysis, to be reused and added to.
        """
        def ranked(terms: Iterable[str]) -> list[tuple[str, float]]:
            key = frozenset(terms)
            if key not in scorings:
                scorings[key] = self._scoring(key, analysis.names)
            found = self._top(scorings[key], limit, among)
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
              scorings: _Scorings,
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
        on = self._on_subject(analysis.terms)
        listed = [(e, s) for e, s in ranked
                  if s >= th.partial and on[self._entry_order[e]]][:MAX_VERIFIED]
        rest = round(rest, 9)
        if rest < th.partial or (len(listed) == MAX_VERIFIED and listed[-1][1] > rest):
            pool = listed
        else:
            pool = [(e, s) for e, s in self._candidates(analysis, MAX_VERIFIED, on, scorings)[0]
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
        # (what "besides X" asks about is something no answer about X names)
        return (strong | asked | ({OTHER_THAN} if analysis.others else set())) - set(
            analysis.carried)

    def verify(self, analysis: Analysis, entry_id: str) -> Verdict:
        salient = self.salient(analysis)
        # places count strictly where the question asks; in the sentences around it ("ENEMO
        # is respected in Eastern Europe. So why...?") it is enough that the subject's
        # entries mention them
        strict = {t for t in salient if t.isdigit() or t in analysis.names or t == OTHER_THAN or (
            self._kinds.get(t) in ("name", "fact")) or (
            self._kinds.get(t) == "place" and t in analysis.focus)}
        if analysis.loose_preamble:
            # a specific fact asked for counts from the question on: in the sentences before
            # it ("We'd like to observe the next elections.") it is context, after it ("I need
            # the actual articles.") part of the request
            after = Counter(analysis.terms)
            after.subtract(analysis.preamble)
            strict = {t for t in strict if self._kinds.get(t) != "fact" or after[t] > 0}
        own = [t for t in analysis.focus if t not in analysis.carried
               and (t.startswith(SYN_PREFIX) or t in self._weights)]
        return self.grounder.verify(entry_id, analysis.terms, strict, salient - strict,
                                    asked_kind(analysis.focus), counted_term(own), own)

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
        found = self._decide(analysis)
        if found.status == "answer" or not analysis.preamble or analysis.loose_preamble or not (
                {t for t in analysis.preamble if self._kinds.get(t) == "fact"}):
            return found
        loose = self._decide(replace(analysis, loose_preamble=True))
        return loose if loose.status == "answer" else found

    def _decide(self, analysis: Analysis) -> Match:
        if analysis.smalltalk:
            return Match("smalltalk", None, 0.0, (), analysis, reason=analysis.smalltalk)
        # (only the best MAX_VERIFIED are ever read: ranking more would only cost)
        scorings: _Scorings = {}
        ranked, rest = self._candidates(analysis, MAX_VERIFIED, None, scorings)
        th = self.thresholds
        top = ranked[0][1] if ranked else 0.0
        exact = self._only_exact(analysis.terms)
        if exact is not None and ranked and exact == ranked[0][0]:
            return Match("answer", exact, round(top, 4), tuple(ranked[:3]), analysis,
                         (self.verify(analysis, exact),), "the question reads exactly like "
                         "one of the entry's phrasings")
        on_subject, verdicts = self._pool(analysis, ranked, rest, scorings)
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
            # a rival that leaves words of the question unexplained counts only when the
            # phrasings do not settle it (another asks with the question's own question word)
            settled = self._asks_like(analysis, [e for e, _ in grounded]) in (None, eid)
            rivals = [s for e, s in window if e != eid and verdicts[e].grounded and not (
                settled and self._explains_less(analysis, verdicts[e], verdicts[eid]))]
            clear = not rivals or score - rivals[0] >= th.margin
            if score >= th.grounded_answer and clear and (
                    score >= best_score - th.margin or self._outranks(verdicts[best])):
                return Match("answer", eid, round(score, 4), tuple(ranked[:3]), analysis,
                             checked, verdicts[eid].reason())
            owner = self._asks_like(analysis, [e for e, _ in grounded])
            if owner is not None and dict(grounded)[owner] >= th.grounded_answer:
                return Match("answer", owner, round(dict(grounded)[owner], 4),
                             tuple(ranked[:3]), analysis, checked,
                             "close to others, but the only one whose phrasings ask this way "
                             "(where, when, who...)")
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
        entry from answering it and the entry's answer states a year of its own; else ()."""
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

    def _asks_like(self, analysis: Analysis, close: list[str]) -> str | None:
        """Of close, equally grounded entries, the only one with a phrasing that asks with the
        question's own question word ("where", "since when") — the maintainer wrote it for
        that question — if exactly one has."""
        asked = {t for t in analysis.focus if t.startswith(QUESTION_WORD_PREFIX)} - {
            QUESTION_WORD_PREFIX + "what"}
        if not asked or len(close) < 2:
            return None
        owners = [e for e in close if asked & self.grounder.phrasing_terms(e)]
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
        return Match("none", None, round(top, 4), tuple(ranked[:3]), analysis, checked, why)


# The prepositions of exclusion and addition ("besides X", «кроме X», «акрамя X»): a question
# with one asks about things other than X.
EXCLUSIONS = frozenset({
    ("besides",), ("except",), ("apart", "from"), ("aside", "from"), ("other", "than"),
    ("in", "addition", "to"), ("кроме",), ("помимо",), ("за", "исключением"), ("акрамя",),
    ("апроч",), ("апрача",), ("за", "выключэннем")})
_EXCLUSION_STARTS = frozenset(p[0] for p in EXCLUSIONS)
OTHER_THAN = SYN_PREFIX + "other-than"


def _excludes(words: Sequence[str]) -> bool:
    """Whether the words hold a preposition of exclusion or addition."""
    return any(tuple(words[i : i + len(p)]) == p
               for i, w in enumerate(words) if w in _EXCLUSION_STARTS
               for p in EXCLUSIONS if p[0] == w)


def split_sentences(text: str) -> list[str]:
    """The sentences of a message, each with its closing punctuation."""
    return [m.group().strip() for m in _SENTENCE_RE.finditer(text) if m.group().strip()]


def _stems(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(tx.stem(w) for w in words)


def _place_table(kb: KnowledgeBase, stopwords: Iterable[str],
                 kinds: Mapping[str, str]) -> dict[tuple[str, ...], str]:
    """Every place's names (folded word tuples) → its term: the lexicon's place group that
    lists one of its names, else a term of its own (@place-pt)."""
    by_name = place_names(stopwords)
    code_key: dict[str, str] = {}
    for group in kb.lexicon.synonyms:
        if kinds.get(SYN_PREFIX + group.key) != "place":
            continue
        for term in group.terms:
            code = by_name.get(tuple(tx.words(term)))
            if code is not None:
                code_key.setdefault(code, SYN_PREFIX + group.key)
    table: dict[tuple[str, ...], str] = {}
    for words, code in by_name.items():
        folded = tuple(tx.words(" ".join(words)))
        if folded:
            table[folded] = code_key.get(code, f"{SYN_PREFIX}place-{code.lower()}")
    return table


def _synonym_table(kb: KnowledgeBase) -> tuple[dict[tuple[str, ...], str], set[str]]:
    """Stem sequences of every synonym term → its group's term, and the words involved."""
    table: dict[tuple[str, ...], str] = {}
    words: set[str] = set()
    for group in kb.lexicon.synonyms:
        for term in group.terms:
            ws = tx.words(term)
            if ws:
                table[tuple(tx.stem(w) for w in ws)] = SYN_PREFIX + group.key
                words.update(ws)
    return table, words
