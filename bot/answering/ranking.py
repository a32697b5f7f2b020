"""Ranking: the entries whose phrasings best explain a query's terms, scored 0..1.

Each term weighs by how rare it is across entries (so ENEMO counts more than "elections"), and
a phrasing scores by the weighted F1 of the terms it shares with the query, blended with the
share of the query the entry's whole vocabulary explains. Scores are bounded before they are
worked out, so the cost grows with the entries that can make the cut, not with the base.

`Ranker` runs a little over 300 lines: the bounds and the exact scores that must stay in step
with them (`scoring`, `top`, `_best_f1` and its two readings) are kept side by side on purpose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from bot.answering.grounding import RAREST_SHARE, SUBJECT_SHARE, USED_SHARE, explicit_subject
from bot.answering.index import ExactPhrasings, Index, derived_subjects, ranges
from bot.answering.reading import MIN_TYPO_LENGTH
from bot.answering.terms import NAMED_KINDS, QUESTION_WORD_PREFIX, SYN_PREFIX, Terms
from bot.answering.thresholds import Thresholds
from bot.knowledge.base import KnowledgeBase

# Entries ranked for a question.
RANK_LIMIT = 8
# Ranking scores the entries with the best bounds exactly first (at least this many) to learn
# a floor for the final cut; only entries whose bound reaches that floor are looked at after.
RANK_PROBE = 64
# so few entries are scored one by one (fewer numpy calls than all at once)
FEW_ENTRIES = 4


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
Scorings = dict[frozenset[str], _Scoring | None]


class Ranker:
    """Term weights, entry subjects and scoring over one compiled index."""

    def __init__(self, kb: KnowledgeBase, index: Index, terms: Terms,
                 thresholds: Thresholds) -> None:
        self.index = index
        self.thresholds = thresholds
        ix = index
        self.entry_order = {eid: i for i, eid in enumerate(ix.entry_ids)}
        self._term_ids = ix.term_ids
        self.exact = ExactPhrasings(ix, self._term_ids)

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
        self.weights = {t: weights[i] for t, i in self._term_ids.items()}
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
        named_kind = np.fromiter((terms.kinds.get(t) in NAMED_KINDS for t in ix.terms),
                                 dtype=bool, count=len(ix.terms))
        self._subjects = derived_subjects(ix, named_kind, self._is_question_word,
                                          self._term_weights, SUBJECT_SHARE, USED_SHARE,
                                          RAREST_SHARE)
        # subjects stated by maintainers, which replace the derived ones
        self._explicit_subjects = {
            self.entry_order[e.id]: found for e in kb.entries.values()
            if e.subject and (found := explicit_subject(e, terms.of_words))}
        self._explicit_by_term: dict[str, list[int]] = defaultdict(list)
        for e, found in self._explicit_subjects.items():
            for t in found:
                self._explicit_by_term[t].append(e)
        self._explicit_rows = np.fromiter(self._explicit_subjects, dtype=np.int64,
                                          count=len(self._explicit_subjects))
        self._no_subject = np.diff(self._subjects.entry_ptr) == 0
        self._no_subject[self._explicit_rows] = False

    def phrasings_of(self, entry_id: str) -> list[frozenset[str]]:
        """The terms of each phrasing of one entry."""
        ix, e = self.index, self.entry_order[entry_id]
        return [ix.phrasing_term_set(p)
                for p in range(int(ix.entry_phrasings[e]), int(ix.entry_phrasings[e + 1]))]

    def entry_terms(self, entry_id: str) -> frozenset[str]:
        """The terms of all the phrasings of one entry."""
        ix, e = self.index, self.entry_order[entry_id]
        ptr = ix.phrasing_term_ptr
        lo, hi = ptr[ix.entry_phrasings[e]], ptr[ix.entry_phrasings[e + 1]]
        terms = ix.terms
        return frozenset([terms[t] for t in ix.phrasing_terms[lo:hi].tolist()])

    def phrasing_words(self, entry_id: str) -> list[str]:
        """The words of an entry's phrasings (each phrasing's once)."""
        ix, e = self.index, self.entry_order[entry_id]
        ptr = ix.phrasing_word_ptr
        lo, hi = ptr[ix.entry_phrasings[e]], ptr[ix.entry_phrasings[e + 1]]
        return [ix.words[w] for w in ix.phrasing_words[lo:hi].tolist()]

    def derived_subject(self, entry_id: str) -> frozenset[str]:
        """An entry's subject as derived from its phrasings."""
        sub, e = self._subjects, self.entry_order[entry_id]
        return frozenset(self.index.terms[t]
                         for t in sub.terms[sub.entry_ptr[e]:sub.entry_ptr[e + 1]].tolist())

    def on_subject(self, terms: Iterable[str]) -> np.ndarray:
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

    def entries_with(self, term: str) -> list[str]:
        """The entries that have `term` in some phrasing."""
        ids = self.index.entry_ids
        return [ids[e] for e in self._postings(term).tolist()]

    def co_occur(self, term: str, subject: frozenset[str]) -> bool:
        """Whether some entry's phrasings use `term` and name one of the `subject` terms."""
        with_term = self._postings(term)
        return any(np.intersect1d(with_term, self._postings(s), assume_unique=True).size
                   for s in subject)

    def weight(self, term: str, names: frozenset[str] = frozenset()) -> float:
        """How much a term tells entries apart (rare terms weigh more); unknown ones by kind."""
        weight = self.weights.get(term)
        if weight is not None:
            return weight
        th = self.thresholds
        if term in names:
            return th.unknown_name_weight
        return th.unknown_weight if len(term) >= MIN_TYPO_LENGTH else th.unknown_short_weight

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
        return self.top(self.scoring(terms, names), limit, among)

    def scoring(self, terms: Iterable[str], names: frozenset[str]) -> _Scoring | None:
        """A query's candidate entries and their score bounds (None: no entry can match)."""
        query = set(terms)
        weights = {t: self.weight(t, names) for t in query}
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

    def top(self, scoring: _Scoring | None, limit: int | None,
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

    def only_exact(self, terms: Iterable[str]) -> str | None:
        """The entry that owns a phrasing with exactly these terms, if only one does.

        A maintainer who wrote that phrasing for that entry has settled the question, even
        when a neighbour scores close by ("ACEEEO?" is about ACEEEO, not its membership).
        """
        owners = self.exact.get(frozenset(terms), ())
        return owners[0] if len(owners) == 1 else None
