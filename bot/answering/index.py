"""The compiled matching index of a knowledge base: term postings and phrasings as int32 arrays.

Ranking reads it with numpy so that the work per question grows with the entries that can still
make the cut, not with every phrasing that shares a common term ("what", "elections").
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.knowledge.base import KnowledgeBase
from bot.language import text as tx

IntArray = npt.NDArray[np.int32]
_ACRONYM_RE = re.compile(r"^[A-ZА-ЯЁІЎ]{2,6}$")
_EDGE = ".,;:!?()«»\"'“”„—-"
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
    # terms each phrasing writes as a name (capitalised inside it, or an acronym): an imported
    # base names its own organisations, which the lexicon does not know
    phrasing_name_ptr: IntArray
    phrasing_names: IntArray
    lang_words: Mapping[str, frozenset[str]]  # words seen per language (phrasings + lexicon)
    known_words: frozenset[str]  # every word of the phrasings and the lexicon
    known_stems: frozenset[str]
    vocabulary: Vocabulary  # typo repair's choices
    # a random 64-bit number per term, per phrasing the sum of its terms' (see ExactPhrasings),
    # and those sums sorted
    term_hashes: npt.NDArray[np.uint64]
    phrasing_hashes: npt.NDArray[np.uint64]
    sorted_phrasing_hashes: npt.NDArray[np.uint64]

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
    # ids in order of first use (a dict keeps that order); a rebuild keeps the old ones
    term_id: dict[str, int] = _numbering(old.terms if old else ())
    words_id: dict[str, int] = _numbering(old.words if old else ())
    langs: dict[str, int] = _numbering(old.langs if old else ())
    old_pos = {eid: i for i, eid in enumerate(old.entry_ids)} if old else {}
    # all phrasings' term ids, term counts, word ids, word counts, name ids, name counts and
    # languages, one after another
    ts: list[int] = []
    tn: list[int] = []
    wl: list[int] = []
    wn: list[int] = []
    nl: list[int] = []
    nn: list[int] = []
    ls: list[int] = []
    counts: list[int] = []
    tokens: dict[str, _Token] = {}
    for entry in kb.entries.values():
        before = old_kb.entries.get(entry.id) if old_kb else None
        if old and before and list(before.questions.items()) == list(entry.questions.items()):
            e = old_pos[entry.id]
            a, b = int(old.entry_phrasings[e]), int(old.entry_phrasings[e + 1])
            for values, sizes, ptr, found in ((ts, tn, old.phrasing_term_ptr, old.phrasing_terms),
                                              (wl, wn, old.phrasing_word_ptr, old.phrasing_words),
                                              (nl, nn, old.phrasing_name_ptr, old.phrasing_names)):
                values.extend(found[ptr[a]:ptr[b]].tolist())
                sizes.extend(np.diff(ptr[a:b + 1]).tolist())
            ls.extend(old.phrasing_langs[a:b].tolist())
            counts.append(b - a)
            continue
        before_count = len(ls)
        for lang, questions in entry.questions.items():
            lang_id = langs[lang]
            for question in questions:
                ws, names = _read_phrasing(question, tokens)
                terms = terms_of(ws)
                ids = sorted({term_id[t] for t in terms})
                ts.extend(ids)
                tn.append(len(ids))
                named = sorted({term_id[t] for t in names.intersection(terms)}) if names else []
                nl.extend(named)
                nn.append(len(named))
                wids = sorted({words_id[w] for w in ws})
                wl.extend(wids)
                wn.append(len(wids))
                ls.append(lang_id)
        counts.append(len(ls) - before_count)

    def pointers(sizes: IntArray | list[int]) -> IntArray:
        out = np.zeros(len(sizes) + 1, dtype=np.int32)
        np.cumsum(sizes, out=out[1:])
        return out

    def ints(values: list[int]) -> IntArray:
        return np.asarray(values, dtype=np.int32)

    p_terms, p_sizes = ints(ts), ints(tn)
    p_words, w_sizes, p_lang = ints(wl), ints(wn), ints(ls)
    p_names, n_sizes = ints(nl), ints(nn)
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
    term_hashes, phrasing_hashes = _hashes(len(term_id), pointers(p_sizes), p_terms)
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
        phrasing_name_ptr=pointers(n_sizes),
        phrasing_names=p_names,
        lang_words={lang: frozenset(found) for lang, found in lang_words.items()},
        known_words=known,
        known_stems=frozenset(tx.stem(w) for w in known),
        vocabulary=Vocabulary(sorted(w for w in known if len(w) >= min_typo_length)),
        term_hashes=term_hashes,
        phrasing_hashes=phrasing_hashes,
        sorted_phrasing_hashes=np.sort(phrasing_hashes),
    )


def _numbering(known: tuple[str, ...]) -> dict[str, int]:
    """Ids for strings: the known ones keep theirs, a new one gets the next number on first
    use (the dict's order is the ids' order)."""
    return defaultdict(itertools.count(len(known)).__next__, {k: i for i, k in enumerate(known)})


def _hashes(n_terms: int, ptr: IntArray, terms: IntArray,
            ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """A random 64-bit number per term, and per phrasing the sum of its terms' (0: none)."""
    term_hash = np.random.default_rng(11).integers(
        1, np.iinfo(np.int64).max, size=n_terms, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        sums = np.add.reduceat(np.append(term_hash[terms], np.uint64(0)),
                               ptr[:-1]) if len(ptr) > 1 else np.zeros(0, np.uint64)
    return term_hash, np.where(np.diff(ptr) > 0, sums, np.uint64(0))


# What a whitespace-separated token of a phrasing gives: its words, and the stems of the name it
# writes where it does not start the phrasing and where it does (a plain tuple: thousands are
# kept while a base is read)
_Token = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _read_phrasing(text: str, memo: dict[str, _Token]) -> tuple[list[str], set[str]]:
    """The words of a phrasing (as `tx.words` reads them) and the stems of the names it writes:
    acronyms, and capitalised words that do not start it (an imported base names its own
    organisations so). One pass over its tokens, each token read once (`memo`): a base's
    hundred thousand phrasings are made of a few tens of thousands of tokens."""
    found: list[str] = []
    names: set[str] = set()
    for n, token in enumerate(text.split()):
        known = memo.get(token)
        if known is None:
            known = memo[token] = _read_token(token)
        found.extend(known[0])
        stems = known[1] if n else known[2]
        if stems:
            names.update(stems)
    return found, names


def _read_token(token: str) -> _Token:
    """One token's words and name stems (see _Token)."""
    words = tuple(tx.words(token))
    if token.islower():  # most words: neither an acronym nor capitalised
        return words, (), ()
    bare = token.strip(_EDGE)
    acronym = bool(_ACRONYM_RE.match(bare.replace("-", "")))
    if not acronym and not (bare[:1].isupper() and bare[1:].islower()):
        return words, (), ()
    # (a plain Latin name is its one word, lower-cased)
    stems = ((tx.stem(bare.lower()),) if bare.isascii() and bare.isalpha()
             else tuple(tx.stem(w) for w in tx.words(bare)))
    # a capitalised word names something only inside a text; an acronym anywhere
    return words, stems, stems if acronym else ()


class ExactPhrasings(Mapping[frozenset[str], tuple[str, ...]]):
    """A phrasing's set of terms → the entries that have a phrasing with exactly those terms.

    Looked up from the postings on demand: a dict of every phrasing's terms would be the
    largest part of the compiled base and of its loading time. Each phrasing's hash (the sum
    of its terms' random numbers) is in the index: phrasings with other terms almost never
    share it, so a question that reads like no phrasing is turned away by one binary search,
    and the exact comparison that follows reads a handful of phrasings.
    """

    def __init__(self, index: Index, term_ids: Mapping[str, int]) -> None:
        self._ix, self._term_ids = index, term_ids

    def __getitem__(self, terms: frozenset[str]) -> tuple[str, ...]:
        ix = self._ix
        wanted = {i for t in terms if (i := self._term_ids.get(t)) is not None}
        if not terms or len(wanted) != len(terms):
            raise KeyError(terms)
        # only phrasings that have the rarest of the terms (one slice of the postings), with
        # as many terms, the same sum of term numbers, and all of them wanted
        with np.errstate(over="ignore"):
            target = ix.term_hashes[np.fromiter(wanted, dtype=np.int64)].sum(dtype=np.uint64)
        ordered = ix.sorted_phrasing_hashes
        at = int(np.searchsorted(ordered, target))
        if at == len(ordered) or ordered[at] != target:
            raise KeyError(terms)
        rarest = min(wanted, key=lambda t: ix.term_entry_ptr[t + 1] - ix.term_entry_ptr[t])
        pp = ix.posting_phrasing_ptr
        phrasings = ix.posting_phrasings[pp[ix.term_entry_ptr[rarest]]:
                                         pp[ix.term_entry_ptr[rarest + 1]]]
        phrasings = phrasings[ix.phrasing_hashes[phrasings] == target]
        ptr = ix.phrasing_term_ptr
        phrasings = phrasings[ptr[phrasings + 1] - ptr[phrasings] == len(wanted)]
        found = ix.phrasing_terms[ranges(ptr[phrasings], ptr[phrasings + 1])]
        same = np.isin(found, np.fromiter(wanted, dtype=np.int32)).reshape(-1, len(wanted))
        hits = phrasings[same.all(axis=1)]
        if not len(hits):
            raise KeyError(terms)
        # (a handful: sorted in Python, which also spares a first question np.unique's lazy
        # import of numpy.ma)
        owners = sorted(set((np.searchsorted(ix.entry_phrasings, hits, side="right") - 1).tolist()))
        return tuple(ix.entry_ids[e] for e in owners)

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
    offsets = (starts - (lengths.cumsum() - lengths)).repeat(lengths)
    return (np.arange(total, dtype=np.int32) + offsets).astype(np.int32, copy=False)


class Vocabulary:
    """Typo repair's word list with a filter that drops words that cannot reach the cutoff.

    rapidfuzz's ratio is 100·(1 − d/(|a|+|b|)) with d the insert/delete distance, and d is at
    least the length difference and at least the number of letters found in only one of the
    two words. Words whose bound already misses the cutoff are skipped; the rest keep their
    order, so extractOne returns exactly what it would over the whole list. Words written in
    other characters altogether (Cyrillic for a Latin word) share no letter and score 0: they
    are kept apart by script and not even looked at.
    """

    def __init__(self, words: list[str], masks: npt.NDArray[np.uint64] | None = None) -> None:
        """`masks`: each word's letter mask, in word order (`self.word_masks`), if known."""
        self.words = words  # sorted: the order extractOne breaks ties by
        lengths = np.fromiter(map(len, words), dtype=np.int32, count=len(words))
        if masks is None or len(masks) != len(words):
            masks = np.fromiter(map(_letter_mask, words), dtype=np.uint64, count=len(words))
        self.word_masks = masks
        # The scripts a word uses are in its letter mask's top bits: a group per script with
        # the words that use it, and in each group the words by length, so that a length window
        # is one slice.
        scripts = (masks >> np.uint64(_SCRIPT_SHIFT)).astype(np.int64)
        self.groups: list[_Group] = []
        # per (cutoff, word length): where to look (see _plan)
        self._plans: dict[tuple[float, int], list[tuple[_Group, int, int,
                                                         npt.NDArray[np.uint8]]]] = {}
        for script in (1, 2, 4):
            members = np.flatnonzero(scripts & script)
            if not len(members):
                continue
            order = members[np.argsort(lengths[members], kind="stable")].astype(np.int32)
            ordered = lengths[order]
            starts = np.searchsorted(ordered, np.arange(ordered.max(initial=0) + 2))
            self.groups.append(_Group(script, order, ordered,
                                      masks[order] & np.uint64(_LETTERS), starts.astype(np.int32)))

    def prepare(self, cutoff: float, shortest: int) -> None:
        """Work out where words of every length from `shortest` to the longest known one look,
        at load rather than in the middle of the first question with such a word."""
        longest = max((len(g.length_starts) for g in self.groups), default=0)
        for n in range(shortest, longest):
            self._plan(n, cutoff)

    def candidates(self, word: str, cutoff: float) -> list[str]:
        """The words that may score at least `cutoff` against `word`, in list order."""
        plan = self._plan(len(word), cutoff)
        mask = _letter_mask(word)
        letters, scripts = np.uint64(mask & _LETTERS), mask >> _SCRIPT_SHIFT
        # (words of no script the word uses share no character with it: ratio 0)
        found = [group.words[a:b][np.bitwise_count(group.masks[a:b] ^ letters) <= allowed]
                 for group, a, b, allowed in plan if group.script & scripts or cutoff <= 0]
        if not found:
            return []
        keep = np.sort(np.concatenate(found))
        if len(found) > 1:  # (a word written in two scripts is in both groups)
            keep = keep[np.flatnonzero(np.diff(keep, prepend=-1))]
        return [self.words[i] for i in keep.tolist()]

    def _plan(self, n: int, cutoff: float) -> list[tuple[_Group, int, int, npt.NDArray[np.uint8]]]:
        """Where a word of length `n` looks in each group: the slice of words whose length can
        reach `cutoff`, and for each of them the most letters it may differ in (worked out
        once per length and cutoff)."""
        found = self._plans.get((cutoff, n))
        if found is None:
            found = self._plans[(cutoff, n)] = self._work_out_plan(n, cutoff)
        return found

    def _work_out_plan(self, n: int, cutoff: float,
                       ) -> list[tuple[_Group, int, int, npt.NDArray[np.uint8]]]:
        slack = 1 - cutoff / 100
        # d >= |n - m| and d <= slack·(n + m) bound m to one run of lengths (a small margin
        # keeps float edges in); within it only the letters need checking
        lo = max(0, int(np.floor(n * (1 - slack) / (1 + slack) - 1e-9)))
        hi = int(np.ceil(n * (1 + slack) / (1 - slack) + 1e-9)) if slack < 1 else n * 100
        fits = [m for m in range(lo, hi + 1) if abs(m - n) <= slack * (m + n) + 1e-9]
        if not fits:
            return []
        lo, hi = fits[0], fits[-1]
        plan = []
        for group in self.groups:
            starts = group.length_starts
            bottom, top = min(lo, len(starts) - 1), min(hi + 1, len(starts) - 1)
            a, b = int(starts[bottom]), int(starts[top])
            if a < b:
                # per length m, d <= slack·(n + m): one number per length, spread over the
                # words of that length
                allowed = np.floor(np.arange(bottom, top, dtype=np.float64) * slack
                                   + (slack * n + 1e-9)).astype(np.uint8)
                plan.append((group, a, b, allowed.repeat(np.diff(starts[bottom:top + 1]))))
        return plan


@dataclass(frozen=True)
class _Group:
    """The vocabulary's words that use one script, by length."""

    script: int  # the script its words use (they may use others too): ASCII, Cyrillic, other
    words: IntArray  # word numbers, shortest first
    lengths: IntArray
    masks: npt.NDArray[np.uint64]
    length_starts: IntArray  # words of length L: words[length_starts[L]:length_starts[L + 1]]


# A letter mask: which letters a word has, folded into 61 bits, and in the top 3 bits which
# scripts it uses (ASCII, Cyrillic, other), which set words with no character in common apart.
_SCRIPT_SHIFT = 61
_FOLD_BITS = 61
_LETTERS = (1 << _FOLD_BITS) - 1


def _char_bits(code: int) -> int:
    """A character's letter bit and script bit."""
    return (1 << (code % _FOLD_BITS)) | (1 << (_SCRIPT_SHIFT + (
        0 if code < 128 else 1 if 0x400 <= code < 0x500 else 2)))


# the bits of every Latin and Cyrillic character, looked up rather than worked out
_BITS = tuple(_char_bits(code) for code in range(0x500))


def _letter_mask(word: str) -> int:
    """Which letters a word has (a shared bit only weakens the bound), and its scripts."""
    mask = 0
    for code in map(ord, word):
        mask |= _BITS[code] if code < 0x500 else _char_bits(code)
    return mask


@dataclass(frozen=True)
class Subjects:
    """Each entry's derived subject as term ids (entry → terms), and the other way round."""

    entry_ptr: IntArray  # entry e's subject: terms[entry_ptr[e]:entry_ptr[e+1]]
    terms: IntArray
    term_ptr: IntArray  # term t is in the subject of entries[term_ptr[t]:term_ptr[t+1]]
    entries: IntArray


def derived_subjects(ix: Index, named_kind: npt.NDArray[np.bool_],
                     question_word: npt.NDArray[np.bool_], weights: FloatArray,
                     shared_share: float, used_share: float, rarest_share: float) -> Subjects:
    """Every entry's subject at once, from the postings (what grounding's derivation does
    entry by entry): the terms at least `shared_share` of its phrasings use (else the most
    used), of those the named ones (lexicon names and places, or names its phrasings write
    with capitals in at least `shared_share` of one language's phrasings) that at least
    `used_share` as many phrasings use as the most used one, and of those the rarest
    (weight at least `rarest_share` of the heaviest)."""
    n_entries, n_terms = len(ix.entry_ids), len(ix.terms)
    per_entry = np.diff(ix.entry_phrasings).astype(np.float64)
    post_term = np.repeat(np.arange(n_terms, dtype=np.int64), np.diff(ix.term_entry_ptr))
    post_entry = ix.term_entries.astype(np.int64)
    count = np.diff(ix.posting_phrasing_ptr).astype(np.float64)
    size = per_entry[post_entry]
    valid = ~question_word[post_term]
    shared = valid & (count >= shared_share * size)
    has_shared = np.zeros(n_entries, dtype=bool)
    has_shared[post_entry[shared]] = True
    most_used = np.zeros(n_entries)
    np.maximum.at(most_used, post_entry[valid], count[valid])
    in_shared = np.where(has_shared[post_entry], shared, valid & (count == most_used[post_entry]))
    share = np.where(in_shared & named_kind[post_term], count / np.maximum(size, 1), 0.0)
    written = _written_share(ix, shared_share)
    share = np.where(written > 0, written, share)
    most = np.zeros(n_entries)
    np.maximum.at(most, post_entry, share)
    top = most[post_entry]
    named = np.where(top > 0, (share > 0) & (share >= used_share * top), in_shared)
    heaviest = np.zeros(n_entries)
    np.maximum.at(heaviest, post_entry[named], weights[post_term[named]])
    chosen = np.flatnonzero(named & (weights[post_term] >= rarest_share * heaviest[post_entry]))
    # postings are sorted by term, then entry: the term → entries side is a slice of them
    term_ptr = np.zeros(n_terms + 1, dtype=np.int32)
    np.cumsum(np.bincount(post_term[chosen], minlength=n_terms), out=term_ptr[1:])
    by_entry = chosen[np.argsort(post_entry[chosen], kind="stable")]
    entry_ptr = np.zeros(n_entries + 1, dtype=np.int32)
    np.cumsum(np.bincount(post_entry[chosen], minlength=n_entries), out=entry_ptr[1:])
    return Subjects(entry_ptr, post_term[by_entry].astype(np.int32), term_ptr,
                    post_entry[chosen].astype(np.int32))


def _written_share(ix: Index, least: float) -> FloatArray:
    """Per posting (term, entry): the largest share of one language's phrasings of the entry
    that write the term as a name, when at least `least`; else 0."""
    n_entries, n_langs = len(ix.entry_ids), max(len(ix.langs), 1)
    out = np.zeros(len(ix.term_entries))
    if not len(ix.phrasing_names):
        return out
    owner = np.repeat(np.arange(n_entries, dtype=np.int64), np.diff(ix.entry_phrasings))
    langs = ix.phrasing_langs.astype(np.int64)
    per_lang = np.bincount(owner * n_langs + langs, minlength=n_entries * n_langs)
    phrasing = np.repeat(np.arange(len(owner), dtype=np.int64), np.diff(ix.phrasing_name_ptr))
    entry = owner[phrasing]
    key = (ix.phrasing_names.astype(np.int64) * n_entries + entry) * n_langs + langs[phrasing]
    keys, counts = np.unique(key, return_counts=True)
    slot = keys % n_langs
    pair = keys // n_langs  # term * n_entries + entry
    ratio = counts / per_lang[(pair % n_entries) * n_langs + slot]
    keep = ratio >= least
    postings = (np.repeat(np.arange(len(ix.terms), dtype=np.int64),
                          np.diff(ix.term_entry_ptr)) * n_entries + ix.term_entries)
    where = np.searchsorted(postings, pair[keep])
    np.maximum.at(out, where, ratio[keep])
    return out
