"""The scores the decision rests on, in one place (fitted by `python -m tests.fit_thresholds`)."""

from __future__ import annotations

from dataclasses import dataclass


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
    # share of the score that comes from the entry's whole vocabulary (see Ranker.rank)
    coverage_blend: float = 0.4
    # Ceiling on the weight of a plain word (not a synonyms-lexicon term). In a small base an
    # incidental word used by one entry ("send") would otherwise outweigh the names the
    # lexicon curates (ENEMO), which appear in several entries.
    plain_word_cap: float = 1.2
    # IDF is computed as if the base had at most this many entries (see Ranker.__init__)
    idf_entries: int = 15

