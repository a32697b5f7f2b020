"""The compiled matching index of a knowledge base: term postings and phrasings as int32 arrays.

Ranking reads it with numpy so that the work per question grows with the entries that can still
make the cut, not with every phrasing that shares a common term ("what", "elections").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot import text as tx
from bot.knowledge import KnowledgeBase

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Index:
    """Everything the matcher derives from the base's phrasings, ready to be cached."""

    entry_ids: tuple[str, ...]
    terms: tuple[str, ...]  # term id → term
    entry_phrasings: IntArray  # entry i owns phrasings entry_phrasings[i]:entry_phrasings[i+1]
    phrasing_term_ptr: IntArray  # phrasing p has terms phrasing_terms[ptr[p]:ptr[p+1]]
    phrasing_terms: IntArray  # distinct term ids of each phrasing, ascending
    term_entry_ptr: IntArray  # term t occurs in entries term_entries[ptr[t]:ptr[t+1]]
    term_entries: IntArray
    # posting j (term t, entry e) → the phrasings of e that have t: posting_phrasings[ptr[j]:...]
    posting_phrasing_ptr: IntArray
    posting_phrasings: IntArray
    # distinct words of each phrasing and its language: what a rebuild reuses
    words: tuple[str, ...]
    phrasing_word_ptr: IntArray
    phrasing_words: IntArray
    langs: tuple[str, ...]
    phrasing_langs: IntArray
    lang_words: Mapping[str, frozenset[str]]  # words seen per language (phrasings + lexicon)
    known_words: frozenset[str]  # every word of the phrasings and the lexicon
    known_stems: frozenset[str]
    vocabulary: Vocabulary  # typo repair's choices

    @property
    def term_ids(self) -> dict[str, int]:
        """Term → id, for the terms some phrasing has (a reuse may leave ids of dead ones)."""
        live = np.flatnonzero(np.diff(self.term_entry_ptr)).tolist()
        return {self.terms[i]: i for i in live}

    def phrasing_term_set(self, phrasing: int) -> frozenset[str]:
        """The terms of one phrasing (phrasings are numbered entry by entry)."""
        lo, hi = self.phrasing_term_ptr[phrasing], self.phrasing_term_ptr[phrasing + 1]
        return frozenset(self.terms[t] for t in self.phrasing_terms[lo:hi])


def build_index(kb: KnowledgeBase, terms_of: Callable[[list[str]], list[str]],
                base_lang_words: Mapping[str, set[str]], extra_words: set[str],
                min_typo_length: int, previous: tuple[KnowledgeBase, Index] | None = None,
                ) -> Index:
    """Tokenise every phrasing once and lay the result out as postings.

    `previous` is an index built by the same code with the same lexicon: entries whose
    phrasings did not change take their slices of its arrays instead of being tokenised again
    (its term and word ids are kept, so the slices need no renumbering).
    """
    old_kb, old = previous if previous else (None, None)
    term_id = {t: i for i, t in enumerate(old.terms)} if old else {}
    words_id = {w: i for i, w in enumerate(old.words)} if old else {}
    langs = {lang: i for i, lang in enumerate(old.langs)} if old else {}
    old_pos = {eid: i for i, eid in enumerate(old.entry_ids)} if old else {}
    # per entry: its phrasings' terms, term counts, words, word counts and languages
    t_parts: list[IntArray] = []
    tn_parts: list[IntArray] = []
    w_parts: list[IntArray] = []
    wn_parts: list[IntArray] = []
    l_parts: list[IntArray] = []
    counts: list[int] = []
    for entry in kb.entries.values():
        before = old_kb.entries.get(entry.id) if old_kb else None
        if old and before and list(before.questions.items()) == list(entry.questions.items()):
            e = old_pos[entry.id]
            a, b = int(old.entry_phrasings[e]), int(old.entry_phrasings[e + 1])
            tp, wp = old.phrasing_term_ptr, old.phrasing_word_ptr
            t_parts.append(old.phrasing_terms[tp[a]:tp[b]])
            tn_parts.append(np.diff(tp[a:b + 1]))
            w_parts.append(old.phrasing_words[wp[a]:wp[b]])
            wn_parts.append(np.diff(wp[a:b + 1]))
            l_parts.append(old.phrasing_langs[a:b])
            counts.append(b - a)
            continue
        ts: list[int] = []
        tn: list[int] = []
        wl: list[int] = []
        wn: list[int] = []
        ls: list[int] = []
        for lang, questions in entry.questions.items():
            for question in questions:
                ws = tx.words(question)
                ids = sorted({term_id.setdefault(t, len(term_id)) for t in terms_of(ws)})
                ts.extend(ids)
                tn.append(len(ids))
                wids = sorted({words_id.setdefault(w, len(words_id)) for w in ws})
                wl.extend(wids)
                wn.append(len(wids))
                ls.append(langs.setdefault(lang, len(langs)))
        for part, values in ((t_parts, ts), (tn_parts, tn), (w_parts, wl), (wn_parts, wn),
                             (l_parts, ls)):
            part.append(np.asarray(values, dtype=np.int32))
        counts.append(len(ls))

    def joined(parts: list[IntArray]) -> IntArray:
        return np.concatenate(parts).astype(np.int32) if parts else np.zeros(0, np.int32)

    def pointers(sizes: IntArray | list[int]) -> IntArray:
        out = np.zeros(len(sizes) + 1, dtype=np.int32)
        np.cumsum(sizes, out=out[1:])
        return out

    p_terms, p_sizes = joined(t_parts), joined(tn_parts)
    p_words, w_sizes, p_lang = joined(w_parts), joined(wn_parts), joined(l_parts)
    entry_ptr = pointers(counts)
    n_entries = len(counts)
    # term → entries: the distinct (term, entry) pairs, sorted by term then entry; and for
    # each such posting, the entry's phrasings that have the term
    phrasing_of = np.repeat(np.arange(len(p_sizes), dtype=np.int32), p_sizes)
    owner = np.repeat(np.arange(n_entries, dtype=np.int64), counts)[phrasing_of]
    keys = p_terms.astype(np.int64) * max(n_entries, 1) + owner
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = np.flatnonzero(np.diff(keys, prepend=-1))
    pairs = keys[starts]
    pair_terms = pairs // max(n_entries, 1)
    term_ptr = pointers(np.bincount(pair_terms, minlength=len(term_id)).astype(np.int32))

    lang_words: dict[str, set[str]] = defaultdict(set)
    for lang, base in base_lang_words.items():
        lang_words[lang].update(base)
    word_table = tuple(words_id)
    for lang, li in langs.items():
        mask = np.repeat(p_lang == li, w_sizes)
        lang_words[lang].update(word_table[w] for w in np.unique(p_words[mask]).tolist())
    known = frozenset(extra_words.union(*lang_words.values()))
    return Index(
        entry_ids=tuple(kb.entries),
        terms=tuple(term_id),
        entry_phrasings=entry_ptr,
        phrasing_term_ptr=pointers(p_sizes),
        phrasing_terms=p_terms,
        term_entry_ptr=term_ptr,
        term_entries=(pairs % max(n_entries, 1)).astype(np.int32),
        posting_phrasing_ptr=np.append(starts, len(keys)).astype(np.int32),
        posting_phrasings=phrasing_of[order],
        words=word_table,
        phrasing_word_ptr=pointers(w_sizes),
        phrasing_words=p_words,
        langs=tuple(langs),
        phrasing_langs=p_lang,
        lang_words={lang: frozenset(found) for lang, found in lang_words.items()},
        known_words=known,
        known_stems=frozenset(tx.stem(w) for w in known),
        vocabulary=Vocabulary(sorted(w for w in known if len(w) >= min_typo_length)),
    )


class ExactPhrasings(Mapping[frozenset[str], tuple[str, ...]]):
    """A phrasing's set of terms → the entries that have a phrasing with exactly those terms.

    Looked up from the postings on demand: a dict of every phrasing's terms would be the
    largest part of the compiled base and of its loading time.
    """

    def __init__(self, index: Index, term_ids: Mapping[str, int]) -> None:
        self._ix, self._term_ids = index, term_ids

    def __getitem__(self, terms: frozenset[str]) -> tuple[str, ...]:
        ix = self._ix
        wanted = {i for t in terms if (i := self._term_ids.get(t)) is not None}
        if not terms or len(wanted) != len(terms):
            raise KeyError(terms)
        # only phrasings that have the rarest of the terms (one slice of the postings), with
        # as many terms, all of them wanted
        rarest = min(wanted, key=lambda t: ix.term_entry_ptr[t + 1] - ix.term_entry_ptr[t])
        pp = ix.posting_phrasing_ptr
        phrasings = ix.posting_phrasings[pp[ix.term_entry_ptr[rarest]]:
                                         pp[ix.term_entry_ptr[rarest + 1]]]
        ptr = ix.phrasing_term_ptr
        phrasings = phrasings[ptr[phrasings + 1] - ptr[phrasings] == len(wanted)]
        found = ix.phrasing_terms[ranges(ptr[phrasings], ptr[phrasings + 1])]
        same = np.isin(found, np.fromiter(wanted, dtype=np.int32)).reshape(-1, len(wanted))
        hits = phrasings[same.all(axis=1)]
        if not len(hits):
            raise KeyError(terms)
        owners = np.unique(np.searchsorted(ix.entry_phrasings, hits, side="right") - 1)
        return tuple(ix.entry_ids[e] for e in owners.tolist())

    def __iter__(self) -> Iterator[frozenset[str]]:
        seen: set[frozenset[str]] = set()
        for p in range(len(self._ix.phrasing_term_ptr) - 1):
            key = self._ix.phrasing_term_set(p)
            if key and key not in seen:
                seen.add(key)
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


def ranges(starts: IntArray, ends: IntArray) -> IntArray:
    """The concatenation of arange(s, e) for each pair, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int32)
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return (np.arange(total, dtype=np.int32) + offsets).astype(np.int32, copy=False)


class Vocabulary:
    """Typo repair's word list with a filter that drops words that cannot reach the cutoff.

    rapidfuzz's ratio is 100·(1 − d/(|a|+|b|)) with d the insert/delete distance, and d is at
    least the length difference and at least the number of letters found in only one of the
    two words. Words whose bound already misses the cutoff are skipped; the rest keep their
    order, so extractOne returns exactly what it would over the whole list.
    """

    def __init__(self, words: list[str]) -> None:
        self.words = words  # sorted: the order extractOne breaks ties by
        lengths = np.fromiter((len(w) for w in words), dtype=np.int32, count=len(words))
        masks = np.fromiter((_letter_mask(w) for w in words), dtype=np.uint64, count=len(words))
        # words by length, so that a length window is one contiguous slice
        self.by_length = np.argsort(lengths, kind="stable").astype(np.int32)
        self.lengths, self.masks = lengths[self.by_length], masks[self.by_length]
        self.length_starts = np.searchsorted(self.lengths, np.arange(lengths.max(initial=0) + 2))

    def candidates(self, word: str, cutoff: float) -> list[str]:
        """The words that may score at least `cutoff` against `word`, in list order."""
        n = len(word)
        slack = 1 - cutoff / 100
        # d >= |n - m| and d <= slack·(n + m) bound m; a small margin keeps float edges in
        lo = max(0, int(np.floor(n * (1 - slack) / (1 + slack) - 1e-9)))
        hi = int(np.ceil(n * (1 + slack) / (1 - slack) + 1e-9)) if slack < 1 else n * 100
        starts = self.length_starts
        a = starts[min(lo, len(starts) - 1)]
        b = starts[min(hi + 1, len(starts) - 1)]
        if a >= b:
            return []
        lengths = self.lengths[a:b]
        differ = np.bitwise_count(self.masks[a:b] ^ np.uint64(_letter_mask(word)))
        bound = np.maximum(np.abs(lengths - n), differ)
        keep = self.by_length[a:b][bound <= slack * (lengths + n) + 1e-9]
        keep.sort()
        return [self.words[i] for i in keep.tolist()]


def _letter_mask(word: str) -> int:
    """Which letters a word has, folded into 64 bits (a shared bit only weakens the bound)."""
    mask = 0
    for c in word:
        mask |= 1 << (ord(c) % 64)
    return mask
