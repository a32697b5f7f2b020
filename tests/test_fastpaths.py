"""The matcher's fast paths give exactly what a straightforward reference implementation gives."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from bot.answering.grammar import NEGATION_FORMS
from bot.answering.index import Index
from bot.answering.matcher import Matcher
from bot.answering.ranking import Ranker
from bot.answering.reading import MIN_TYPO_LENGTH, TYPO_CUTOFF, Reader, _Reading
from bot.answering.terms import QUESTION_WORD_PREFIX, RECIPROCAL, REPLY, VERB_ENDINGS, Terms
from bot.answering.thresholds import Thresholds
from bot.knowledge.base import KnowledgeBase, load_knowledge
from bot.knowledge.catalogs import Catalogs
from bot.language import text as tx

from .benchmark import _eval_sets, generate_base
from .conftest import FIXTURE_KB

ROOT = Path(__file__).resolve().parent.parent


class ReferenceTerms(Terms):
    """Every span length tried at every position (the reference's index is built with this)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        super().__init__(kb)
        self._max_syn_len = max((len(k) for k in self._synonyms), default=1)

    def of_words(self, words: list[str]) -> list[str]:
        stems = [tx.stem(w) for w in words]
        terms: list[str] = []
        i = 0
        while i < len(words):
            skip = self._filler_at(stems, i)
            if skip:
                i += skip
                continue
            for size in range(min(self._max_syn_len, len(words) - i), 0, -1):
                key = self._synonyms.get(tuple(stems[i : i + size]))
                if key is not None:
                    if key == RECIPROCAL and i + size < len(words):
                        # «в ответ НВВ»: in reply to a name or a noun (no verb ending)
                        after = self.of_words([words[i + size]])
                        if any(self.kinds.get(t) == "name" for t in after) or (
                                after and not any(t.startswith("@") for t in after)
                                and not words[i + size].endswith(VERB_ENDINGS)):
                            key = REPLY
                    terms.append(key)
                    i += size
                    break
            else:
                # a country or territory in one word, as CLDR writes it (see bot.language.places)
                place = self.place_words.get(words[i])
                if place is not None:
                    terms.append(place)
                elif words[i] not in self.stopwords:
                    terms.append(stems[i])
                i += 1
        return terms


class ReferenceReader(Reader):
    """Every reading scored, the whole vocabulary scanned for a typo."""

    def __init__(self, terms: Terms, index: Index, answers: Mapping[str, Sequence[str]]) -> None:
        super().__init__(terms, index, answers)
        self.words = list(self._vocab.words)

    def _nearest(self, word: str) -> tuple[str, float] | None:
        hit = process.extractOne(word, self.words, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
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


class ReferenceRanker(Ranker):
    """Every phrasing of every entry scored one by one."""

    def __init__(self, kb: KnowledgeBase, index: Index, terms: Terms,
                 thresholds: Thresholds) -> None:
        super().__init__(kb, index, terms, thresholds)
        ix = index
        self.phrasings = [(ix.entry_ids[e], ix.phrasing_term_set(p))
                          for e in range(len(ix.entry_ids))
                          for p in range(ix.entry_phrasings[e], ix.entry_phrasings[e + 1])]

    def rank(self, terms: Iterable[str], limit: int | None = 8,
             names: frozenset[str] = frozenset(),
             among: np.ndarray | None = None) -> list[tuple[str, float]]:
        query = set(terms)
        weights = {t: self.weight(t, names) for t in query}
        q_weight = sum(weights.values())
        if not q_weight:
            return []
        best: dict[str, float] = {}
        coverage: dict[str, set[str]] = {}
        for eid, terms_ in self.phrasings:
            coverage.setdefault(eid, set()).update(terms_)
            hit = sum(weights[t] for t in query & terms_)
            f1 = 0.0
            if hit:
                p = hit / q_weight
                r = hit / (sum(self.weight(t) for t in terms_) or 1.0)
                f1 = 2 * p * r / (p + r)
            best[eid] = max(best.get(eid, 0.0), f1)
        blend = self.thresholds.coverage_blend
        scored = []
        for eid, vocab in coverage.items():
            if not any(t in vocab for t in query if not t.startswith(QUESTION_WORD_PREFIX)):
                continue
            if among is not None and not among[self.entry_order[eid]]:
                continue
            cov = sum(weights[t] for t in query & vocab) / q_weight
            scored.append((eid, (1 - blend) * best[eid] + blend * cov))
        scored.sort(key=lambda kv: (-kv[1], self.entry_order[kv[0]]))
        return scored[:limit] if limit is not None else scored


class Reference(Matcher):
    """Scores every phrasing of every entry one by one and scans the whole vocabulary."""

    terms_class = ReferenceTerms
    reader_class = ReferenceReader
    ranker_class = ReferenceRanker


def _noisy(question: str, rng: random.Random) -> str:
    """A question with a typo, a swapped layout or transliteration, as people type."""
    kind = rng.randrange(4)
    if kind == 0:
        return question
    if kind == 1:
        words = question.split()
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        return " ".join(words)
    if kind == 2:
        return tx.to_en_layout(tx.fold(question), "ru")
    return " ".join(w[::-1] if len(w) >= MIN_TYPO_LENGTH and rng.random() < 0.2 else w
                    for w in question.split())


def _questions(kb: KnowledgeBase, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = [r["q"] for rows in _eval_sets().values() for r in rows]
    pool += [q for e in kb.entries.values() for qs in e.questions.values() for q in qs]
    return [_noisy(q, rng) for q in rng.sample(pool, min(count, len(pool)))]


def _same_ranking(fast: list[tuple[str, float]], ref: list[tuple[str, float]], q: str) -> None:
    """Same scores in the same order; entries whose scores tie to float precision may swap."""
    assert [s for _, s in fast] == pytest.approx([s for _, s in ref], abs=1e-9), q
    ref_scores = dict(ref)
    for eid, score in fast:
        assert eid in ref_scores or any(abs(s - score) < 1e-9 for _, s in ref), q
        if eid in ref_scores:
            assert score == pytest.approx(ref_scores[eid], abs=1e-9), q


def _same(fast: Matcher, ref: Reference, questions: list[str]) -> None:
    for q in questions:
        a, b = fast.match(q), ref.match(q)
        assert a.analysis == b.analysis, q
        assert (a.status, a.entry_id) == (b.status, b.entry_id), q
        assert a.score == pytest.approx(b.score, abs=1e-9), q
        _same_ranking(list(a.ranked), list(b.ranked), q)
        full_b = ref.rank(b.analysis.terms, limit=None, names=b.analysis.names)
        _same_ranking(fast.rank(a.analysis.terms, limit=None, names=a.analysis.names), full_b, q)
        for limit in (1, 3, 8):
            cut = fast.rank(a.analysis.terms, limit=limit, names=a.analysis.names)
            _same_ranking(cut, full_b[:limit], q)


def test_exact_phrasings_match_a_plain_dict(kb: KnowledgeBase) -> None:
    ref = Reference(kb)
    assert isinstance(ref.ranker, ReferenceRanker)
    plain: dict[frozenset[str], list[str]] = {}
    for eid, terms in ref.ranker.phrasings:
        if terms and eid not in plain.setdefault(terms, []):
            plain[terms].append(eid)
    assert {k: tuple(v) for k, v in plain.items()} == dict(ref.ranker.exact.items())
    for q in _questions(kb, 100, seed=4):
        terms = frozenset(ref.analyse(q).terms)
        assert ref.ranker.exact.get(terms, ()) == tuple(plain.get(terms, ())), q


def test_terms_read_like_the_reference(kb: KnowledgeBase) -> None:
    """Words remembered with their terms give what reading every span gives, memo cold or warm
    (fillers, small talk and synonyms of several words included)."""
    fast, ref = Matcher(kb), Reference(kb)
    texts = [q for e in kb.entries.values() for qs in e.questions.values() for q in qs]
    texts += [e.answer for e in kb.entries.values()]
    texts += [r["q"] for rows in _eval_sets().values() for r in rows]
    lexicon = fast.terms
    phrases = [" ".join(p)
               for p in (*lexicon._stop_phrases, *lexicon._smalltalk, *lexicon._synonyms)]
    rng = random.Random(5)
    texts += [" ".join(rng.sample(phrases, 3)) for _ in range(300)]
    for _ in range(2):
        for text in texts:
            words = tx.words(text)
            assert fast.terms.of_words(words) == ref.terms.of_words(words), text
            assert fast.terms.of_words(words[::-1]) == ref.terms.of_words(words[::-1]), text


def test_shipped_base_matches_reference(kb: KnowledgeBase) -> None:
    _same(Matcher(kb), Reference(kb), _questions(kb, 300, seed=1))


@pytest.mark.slow
def test_grown_base_matches_reference(tmp_path: Path) -> None:
    """Hundreds of entries, so that ranking prunes and typo repair filters for real."""
    big = load_knowledge(generate_base(tmp_path / "kb", 400))
    _same(Matcher(big), Reference(big), _questions(big, 150, seed=2))


def test_vocabulary_filter_loses_no_hit(matcher: Matcher) -> None:
    vocab = matcher.reader._vocab
    rng = random.Random(3)
    for word in rng.sample(vocab.words, 200):
        # (also typos in another script, or with a digit: words are kept apart by script)
        for typo in (word[1:], word + "x", word[:-2] + word[-1:] + word[-2], word.upper(),
                     word + "1", word[:-1] + "ж", "x" + word[1:]):
            full = process.extractOne(typo, vocab.words, scorer=fuzz.ratio,
                                      score_cutoff=TYPO_CUTOFF)
            fast = process.extractOne(typo, vocab.candidates(typo, TYPO_CUTOFF),
                                      scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
            assert (full and full[:2]) == (fast and fast[:2]), typo


def test_a_small_base_keeps_plain_idf() -> None:
    """Scale-invariant weights are the plain IDF for a base of up to `idf_entries` entries (the
    tests' own base: the shipped one may grow past it)."""
    import math

    kb = load_knowledge(FIXTURE_KB)
    matcher = Matcher(kb)
    n = len(kb.entries)
    assert n <= matcher.thresholds.idf_entries
    ix = matcher.index
    for term, tid in ix.term_ids.items():
        df = int(ix.term_entry_ptr[tid + 1] - ix.term_entry_ptr[tid])
        cap = 10.0 if term.startswith("@") else matcher.thresholds.plain_word_cap
        expected = min(max(math.log((n + 1) / (df + 0.5)), 0.1), cap)
        assert matcher.ranker.weights[term] == pytest.approx(expected, rel=1e-12), term


@pytest.mark.slow
def test_weights_keep_their_range_as_the_base_grows(tmp_path: Path) -> None:
    """A term's weight depends on its share of the base, and never exceeds the small base's."""
    small = Matcher(load_knowledge(ROOT / "knowledge"))
    big = Matcher(load_knowledge(generate_base(tmp_path / "kb", 600)))
    assert max(big.ranker.weights.values()) <= max(small.ranker.weights.values()) + 1e-12
    assert min(big.ranker.weights.values()) >= 0.1


@pytest.fixture(scope="module")
def distracted(tmp_path_factory: pytest.TempPathFactory, catalogs: Catalogs) -> Matcher:
    """The shipped base among 1,500 synthetic entries about made-up organisations, read with
    the answers in every catalog language, as the bot reads it."""
    from bot.conversation import answer_texts

    big = load_knowledge(generate_base(tmp_path_factory.mktemp("kb") / "kb", 1500))
    return Matcher(big, answers=answer_texts(big, catalogs))


@pytest.mark.slow
@pytest.mark.parametrize(("question", "entry_id"), [
    # dozens of entries ask this about made-up organisations, each naming its own
    ("Who is responsible for inviting foreign observers?", "observer-invitations"),
    ("Кто отвечает за приглашение иностранных наблюдателей?", "observer-invitations"),
    # hundreds of made-up protocols of the same date outrank it by not naming Russia either
    ("Протокол 4 июня 1998 года — это о чём? Сотрудничество ограничивается только им?",
     "russia-cec-protocol"),
    ("What is the Central Election Commission of Belarus?", "cec-about"),
])
def test_distractors_about_other_organisations_do_not_hide_the_entry(
        distracted: Matcher, question: str, entry_id: str) -> None:
    assert answer(distracted, question) == entry_id


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "Did experts from Brazil meet with the CEC?",       # not a made-up BRZL two letters off
    "What's the weather like in Minsk this weekend?",  # Minsk is not what the CEC entry is about
])
def test_distractors_do_not_make_an_answer(distracted: Matcher, question: str) -> None:
    assert distracted.match(question).status != "answer"


def answer(matcher: Matcher, question: str) -> str | None:
    match = matcher.match(question)
    return match.entry_id if match.status == "answer" else None


@pytest.mark.slow
def test_no_synthetic_entry_answers_an_eval_question(distracted: Matcher) -> None:
    questions = [r["q"] for rows in _eval_sets().values() for r in rows] or [
        q for e in load_knowledge(ROOT / "knowledge").entries.values()
        for qs in e.questions.values() for q in qs]
    answered = {q: m.entry_id for q in questions
                if (m := distracted.match(q)).status == "answer"}
    assert not {q: e for q, e in answered.items() if "-syn" in str(e)}


def _reference_subject(matcher: Matcher, entry_id: str) -> frozenset[str]:
    """An entry's derived subject, worked out from its texts one phrasing at a time."""
    from collections import Counter

    from bot.answering.grounding import RAREST_SHARE, SUBJECT_SHARE, USED_SHARE

    entry = matcher.kb.entries[entry_id]
    phrasings = [frozenset(matcher.terms.of_words(tx.words(q)))
                 for qs in entry.questions.values() for q in qs]
    if not phrasings:
        return frozenset()
    names: dict[str, float] = {}
    for questions in entry.questions.values():
        written: Counter[str] = Counter()
        for q in questions:
            terms = set(matcher.terms.of_words(tx.words(q)))
            written.update(s for s in _plain_written_names(q) if s in terms)
        for s, n in written.items():
            if n >= SUBJECT_SHARE * len(questions):
                names[s] = max(names.get(s, 0.0), n / len(questions))
    counts = Counter(t for ts in phrasings for t in ts if not t.startswith(QUESTION_WORD_PREFIX))
    shared = {t for t, n in counts.items() if n >= SUBJECT_SHARE * len(phrasings)}
    if not shared and counts:
        top = max(counts.values())
        shared = {t for t, n in counts.items() if n == top}
    share = {t: counts[t] / len(phrasings) for t in shared
             if matcher.kind(t) in ("name", "place")}
    share.update(names)
    most = max(share.values(), default=0.0)
    named = {t for t, v in share.items() if v >= USED_SHARE * most} or shared
    if not named:
        return frozenset()
    rarest = max(matcher.weight(t) for t in named)
    return frozenset(t for t in named if matcher.weight(t) >= RAREST_SHARE * rarest)


@pytest.mark.slow
def test_derived_subjects_match_reference(matcher: Matcher, distracted: Matcher) -> None:
    for m in (matcher, distracted):
        for eid in m.kb.entries:
            assert m.ranker.derived_subject(eid) == _reference_subject(m, eid), eid
    # the made-up organisations are what their entries are about
    synthetic = [e for e in distracted.kb.entries if "-syn" in e]
    assert all(distracted.ranker.derived_subject(e) for e in synthetic)
    assert sum(not any(t.startswith("@") for t in distracted.ranker.derived_subject(e))
               for e in synthetic) > 0.9 * len(synthetic)


@pytest.mark.slow
def test_on_subject_mask_matches_verdicts(distracted: Matcher) -> None:
    for q in _questions(distracted.kb, 60, seed=5):
        a = distracted.analyse(q)
        mask = distracted.ranker.on_subject(a.terms)
        for e in random.Random(q).sample(list(distracted.kb.entries), 40):
            expected = distracted.verify(a, e).subject_ok
            assert bool(mask[distracted.ranker.entry_order[e]]) == expected, (q, e)


def _plain_written_names(text: str) -> set[str]:
    found: set[str] = set()
    for n, token in enumerate(text.split()):
        bare = token.strip(".,;:!?()«»\"'“”„—-")
        if re.match(r"^[A-ZА-ЯЁІЎ]{2,6}$", bare.replace("-", "")) or (
                n > 0 and bare[:1].isupper() and bare[1:].islower()):
            found.update(tx.stem(w) for w in tx.words(bare))
    return found


@pytest.mark.slow
def test_phrasings_read_like_the_reference(distracted: Matcher) -> None:
    """The index reads a phrasing's words and written names token by token, each token once:
    the same as reading the whole text (words never span whitespace, and neither normalisation
    nor lower-casing looks across it: a final sigma, a spacing accent, a ligature)."""
    from bot.answering.index import _read_phrasing

    texts = [q for e in distracted.kb.entries.values() for qs in e.questions.values()
             for q in qs] + ["  Élan Ñandu Їжак x", "Ünter Den", "A-WEB and «ENEMO»?", "ЦВК-2 ok",
                             "\tВалмерия\u00a0Торсел", "OSCE's ODIHR", "«ЦВК» i ЦИК"]
    rng = random.Random(8)
    alphabet = "aZ ёЁʼ’`´¨ﬁΣσςİı\u0301\u00a0\t-'’s ЎўІі 1x_Ⅻ²ß🙂«»CEC"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 30)))
              for _ in range(3000)]
    memo: dict[str, Any] = {}
    for _ in range(2):  # memo cold, then warm
        for text in texts:
            assert _read_phrasing(text, memo) == (tx.words(text), _plain_written_names(text)), text


@pytest.mark.slow
def test_both_ways_of_reading_phrasings_score_alike(distracted: Matcher) -> None:
    """Phrasing by phrasing or through the postings, an entry's best F1 is the one a plain loop
    over its phrasings gives."""
    m = distracted
    ix = m.index
    rng = random.Random(6)
    for q in _questions(m.kb, 40, seed=6):
        a = m.analyse(q)
        scoring = m.ranker.scoring(a.terms, a.names)
        if scoring is None:
            continue
        weights = {t: m.ranker.weight(t, a.names) for t in set(a.terms)}
        q_weight = sum(weights.values())
        for size in (1, 5, 60, len(scoring.cand)):
            entries = np.sort(rng.sample(scoring.cand.tolist(), min(size, len(scoring.cand))))
            entries = entries.astype(np.int32)
            firsts = ix.entry_phrasings[entries]
            counts = np.diff(ix.entry_phrasings)[entries]
            offsets = np.cumsum(counts) - counts
            by_phrasing = m.ranker._hits_by_phrasing(scoring, entries, firsts, offsets,
                                              int(counts.sum()))
            by_posting = m.ranker._hits_by_posting(scoring, entries, firsts, counts, offsets)
            assert by_phrasing == pytest.approx(by_posting, abs=1e-12), q
            expected = []
            for e in entries.tolist():
                best = 0.0
                for p in range(ix.entry_phrasings[e], ix.entry_phrasings[e + 1]):
                    terms = ix.phrasing_term_set(p)
                    hit = sum(weights[t] for t in terms & weights.keys())
                    own = sum(m.weight(t) for t in terms) or 1.0
                    best = max(best, 2 * hit / (q_weight + own))
                expected.append(best)
            assert m.ranker._best_f1(scoring, entries) == pytest.approx(expected, abs=1e-12), q


@pytest.mark.slow
def test_entry_facts_read_like_the_reference(distracted: Matcher) -> None:
    """What grounding reads from an entry's texts: its phrasings' terms, each word's own terms
    and stem, and the terms of each text as it runs (names of several words)."""
    m, g = distracted, distracted.grounder
    rng = random.Random(7)
    ids = [e for e in m.kb.entries if "-syn" not in e]
    ids += rng.sample([e for e in m.kb.entries if "-syn" in e], 100)
    for eid in ids:
        entry = m.kb.entries[eid]
        texts = [entry.answer, *g._answers.get(eid, ()), *(s.title for s in entry.sources)]
        words = {w for t in texts for w in tx.words(t)} | set(m.ranker.phrasing_words(eid))
        covered = frozenset().union(*m.ranker.phrasings_of(eid))
        covered |= {t for w in words for t in (tx.stem(w), *m.terms.of_words([w]))}
        covered |= {t for text in texts for t in m.terms.of_words(tx.words(text))}
        if words & NEGATION_FORMS:  # (a negation covers every form of it)
            covered |= {tx.stem(w) for w in NEGATION_FORMS}
        # (a country covers its regions)
        covered |= {r for r, members in m.terms.region_members.items() if members & covered}
        facts = g._facts_of(eid)
        assert facts.covered == covered, eid
        assert facts.words == tuple(sorted(w for w in words if len(w) >= 6)), eid
