"""Matching a free-text question to FAQ entries, across be/ru/en and noisy typing."""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from bot import text as tx
from bot.knowledge import KnowledgeBase

Status = Literal["answer", "suggest", "none"]
SYN_PREFIX = "@"
QUESTION_WORD_PREFIX = SYN_PREFIX + "q-"
# Spellings that Belarusian has and Russian lacks, beyond the letters і and ў: дз (дзень),
# шч (шчыра), a final ць (рабіць) and цц/ддз doubled consonants.
BE_SPELLING = re.compile(r"дз|шч|ць$|цц|ддз")
ACRONYM_RE = re.compile(r"^[A-ZА-ЯЁІЎ]{2,6}$")
# Typo repair: words shorter than this are left alone (too many short words are one letter
# apart), longer ones must be this similar (rapidfuzz ratio, 0..100) to a known word.
MIN_TYPO_LENGTH = 5
TYPO_CUTOFF = 80.0


@dataclass(frozen=True)
class Thresholds:
    """Decision boundaries; tuned on a development corpus, checked on an independent one."""

    answer: float = 0.6
    margin: float = 0.06
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


@dataclass(frozen=True)
class Analysis:
    """How a question was read: its words after repair, the terms matched, its language."""

    words: tuple[str, ...]
    terms: tuple[str, ...]
    lang: str | None
    # unknown words typed in capitals (ООН, NATO): names of something the base does not cover
    names: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Match:
    """The matcher's verdict for one question."""

    status: Status
    entry_id: str | None
    score: float
    ranked: tuple[tuple[str, float], ...]
    analysis: Analysis

    @property
    def suggestions(self) -> tuple[str, ...]:
        return tuple(eid for eid, _ in self.ranked) if self.status == "suggest" else ()


class _Reading:
    """One way to read a chunk of typed text (as typed, transliterated, other layout)."""

    __slots__ = ("kind", "score", "words")

    def __init__(self, kind: str, words: list[str], score: float) -> None:
        self.kind, self.words, self.score = kind, words, score


class Matcher:
    """Scores questions against every phrasing of a knowledge base.

    Words are stemmed and mapped through the synonyms lexicon to language-neutral terms; each
    term weighs by how rare it is across entries (so ENEMO counts more than "elections"), and a
    phrasing scores by the weighted F1 of shared terms. Unknown words are repaired first:
    transliteration, wrong keyboard layout, then typos against the known vocabulary.
    """

    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds | None = None) -> None:
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        lex = kb.lexicon
        self._stopwords: frozenset[str] = frozenset().union(*lex.stopwords.values())
        self._synonyms, synonym_words = _synonym_table(kb)
        self._max_syn_len = max((len(k) for k in self._synonyms), default=1)
        # words per language: what a typed word is checked against to tell be/ru/en apart
        self._lang_words: dict[str, set[str]] = defaultdict(set)
        for lang, words in lex.stopwords.items():
            self._lang_words[lang].update(words)
        for by_lang in lex.smalltalk.values():
            for lang, words in by_lang.items():
                self._lang_words[lang].update(words)

        # every phrasing as a set of terms, kept in parallel tuples indexed by phrasing
        entry_ids: list[str] = []
        phrasing_terms: list[frozenset[str]] = []
        for entry in kb.entries.values():
            for lang, questions in entry.questions.items():
                for question in questions:
                    ws = tx.words(question)
                    self._lang_words[lang].update(ws)
                    entry_ids.append(entry.id)
                    phrasing_terms.append(frozenset(self._terms(ws)))
        self._phrasing_terms = tuple(phrasing_terms)
        self._entry_order = {eid: i for i, eid in enumerate(kb.entries)}
        entry_terms: dict[str, set[str]] = defaultdict(set)
        entry_phrasings: dict[str, list[int]] = defaultdict(list)
        for i, (eid, terms) in enumerate(zip(entry_ids, phrasing_terms, strict=True)):
            entry_terms[eid].update(terms)
            entry_phrasings[eid].append(i)
        self._entry_phrasings = {eid: tuple(ix) for eid, ix in entry_phrasings.items()}
        exact: dict[frozenset[str], list[str]] = defaultdict(list)
        for eid, terms in zip(entry_ids, phrasing_terms, strict=True):
            if terms and eid not in exact[terms]:
                exact[terms].append(eid)
        self._exact = {terms: tuple(owners) for terms, owners in exact.items()}

        # inverse document frequency over entries: rare terms (ENEMO) outweigh common ones
        df = Counter(t for terms in entry_terms.values() for t in terms)
        n = max(len(kb.entries), 1)
        cap = self.thresholds.plain_word_cap
        self._weights = {t: min(max(math.log((n + 1) / (c + 0.5)), 0.1),
                                10.0 if t.startswith(SYN_PREFIX) else cap)
                         for t, c in df.items()}
        self._phrasing_weights = tuple(sum(self._weight(t) for t in terms) or 1.0
                                       for terms in phrasing_terms)
        entry_index: dict[str, list[str]] = defaultdict(list)
        for eid, ts in entry_terms.items():
            for t in ts:
                entry_index[t].append(eid)
        self._entry_index = {t: tuple(es) for t, es in entry_index.items()}

        self._known_words = set().union(*self._lang_words.values()) | synonym_words
        self._known_stems = {tx.stem(w) for w in self._known_words}
        # rapidfuzz choices, prepared once: typo repair looks words up here
        self._vocab = sorted(w for w in self._known_words if len(w) >= MIN_TYPO_LENGTH - 1)

    def _terms(self, words: list[str]) -> list[str]:
        """Content terms of already-repaired words: synonyms mapped, filler dropped."""
        stems = [tx.stem(w) for w in words]
        terms: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(self._max_syn_len, len(words) - i), 0, -1):
                key = self._synonyms.get(tuple(stems[i : i + size]))
                if key is not None:
                    terms.append(key)
                    i += size
                    break
            else:
                if words[i] not in self._stopwords:
                    terms.append(stems[i])
                i += 1
        return terms

    # --- reading noisy input -----------------------------------------------------------------

    def _known(self, word: str) -> float:
        """1.0 for a known word, 0.95 for a known stem, 0.0 otherwise (no fuzzy search)."""
        if word in self._known_words or word in self._stopwords:
            return 1.0
        if tx.stem(word) in self._known_stems and len(word) > 3:
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
        hit = process.extractOne(word, self._vocab, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return (hit[0], hit[1]) if hit else None

    def _readings(self, chunk: str) -> list[_Reading]:
        folded = tx.fold(chunk)
        as_typed = tx.words(folded)
        if not as_typed:
            return []
        readings = [_Reading("typed", as_typed, self._score_words(as_typed, typed=True))]
        if all(tx.is_latin(w) or w.isdigit() for w in as_typed):
            for lang in ("ru", "be"):
                tr = [tx.transliterate(w, lang) for w in as_typed]
                readings.append(_Reading(f"translit-{lang}", tr, self._score_words(tr) - 0.02))
            keys = folded.rstrip("?!")
            if keys and all(c in tx.LAYOUT_CHARS or c.isspace() for c in keys):
                for lang in ("ru", "be"):
                    lw = tx.words(tx.from_en_layout(keys, lang))
                    readings.append(_Reading(f"layout-{lang}", lw, self._score_words(lw) - 0.03))
        elif all(tx.is_cyrillic(w) for w in as_typed):
            lw = tx.words(tx.to_en_layout(folded, "ru"))
            readings.append(_Reading("layout-en", lw, self._score_words(lw) - 0.03))
        return readings

    def _score_words(self, words: list[str], typed: bool = False) -> float:
        if not words:
            return 0.0
        return sum(self._knownness(w, typed) for w in words) / len(words)

    def _repair(self, word: str) -> str:
        """The known word a typo most likely meant (or the word itself)."""
        if self._known(word) or len(word) < MIN_TYPO_LENGTH:
            return word
        hit = self._nearest(word)
        return hit[0] if hit else word

    def analyse(self, question: str) -> Analysis:
        """Read a question: repair each chunk, map to terms, guess the language."""
        words: list[str] = []
        capitals: set[str] = set()
        for chunk in question.split():
            readings = self._readings(chunk)
            if readings:
                best = max(readings, key=lambda r: r.score)
                words.extend(best.words)
                if best.kind == "typed" and ACRONYM_RE.match(chunk.strip(".,;:!?()«»\"'")):
                    capitals.update(best.words)
        repaired = [self._repair(w) for w in words]
        terms = self._terms(repaired)
        names = frozenset(tx.stem(w) for w in capitals if self._knownness(w) == 0.0)
        return Analysis(tuple(repaired), tuple(terms), self.detect_language(repaired), names)

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

    def rank(self, terms: Iterable[str], limit: int | None = 8,
             names: frozenset[str] = frozenset()) -> list[tuple[str, float]]:
        """The best entries for the query's terms (at most `limit`), best first, scored 0..1.

        The score blends the best single phrasing (weighted F1: the query and that phrasing
        explain each other) with the entry's coverage, the share of the query that the entry's
        whole vocabulary explains, so a question that mixes words from two phrasings of one
        entry still finds it. Coverage bounds the score from above, so entries are visited by
        falling coverage and the walk stops once no remaining entry can make the cut: the cost
        grows with the entries that share a term with the query, not with all phrasings.
        """
        query = set(terms)
        weights = {t: self._weight(t, names) for t in query}
        q_weight = sum(weights.values())
        if not q_weight:
            return []
        coverage: dict[str, float] = defaultdict(float)
        content: set[str] = set()  # question words alone ("what?") never make a match
        for term, weight in weights.items():
            entries = self._entry_index.get(term, ())
            for eid in entries:
                coverage[eid] += weight
            if not term.startswith(QUESTION_WORD_PREFIX):
                content.update(entries)
        blend = self.thresholds.coverage_blend
        order = sorted(content, key=lambda e: (-coverage[e], self._entry_order[e]))
        scored: list[tuple[str, float]] = []
        kept: list[float] = []  # min-heap of the best `limit` scores so far
        for eid in order:
            cov = coverage[eid] / q_weight
            # F1 <= 2P/(1+P) and P <= coverage: nothing further can beat the current cut
            bound = (1 - blend) * 2 * cov / (1 + cov) + blend * cov
            if limit is not None and len(kept) >= limit and bound <= kept[0]:
                break
            best = 0.0
            for i in self._entry_phrasings[eid]:
                hit = sum(weights[t] for t in query & self._phrasing_terms[i])
                if hit:
                    precision = hit / q_weight
                    recall = hit / self._phrasing_weights[i]
                    best = max(best, 2 * precision * recall / (precision + recall))
            score = (1 - blend) * best + blend * cov
            scored.append((eid, score))
            if limit is not None:
                (heapq.heappush if len(kept) < limit else heapq.heappushpop)(kept, score)
        scored.sort(key=lambda kv: (-kv[1], self._entry_order[kv[0]]))
        return scored[:limit] if limit is not None else scored

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

    def match(self, question: str) -> Match:
        """Answer, suggest or decline for one question."""
        analysis = self.analyse(question)
        ranked = self.rank(analysis.terms, names=analysis.names)
        th = self.thresholds
        top = ranked[0][1] if ranked else 0.0
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        # a name the base does not know (ООН, NATO) means the question is about something else:
        # at most "did you mean", never a confident answer about a neighbour
        confident = bool(ranked) and not analysis.names and (
            top - second >= th.margin or self._only_exact(analysis.terms) == ranked[0][0])
        if top >= th.answer and confident:
            return Match("answer", ranked[0][0], round(top, 4), tuple(ranked[:3]), analysis)
        if top >= th.suggest:
            floor = max(th.suggest, top - th.suggest_window)
            picks = tuple((eid, round(s, 4)) for eid, s in ranked[: th.max_suggestions]
                          if s >= floor)
            return Match("suggest", None, round(top, 4), picks, analysis)
        return Match("none", None, round(top, 4), tuple(ranked[:3]), analysis)


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
