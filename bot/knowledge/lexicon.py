"""Reading and validating the lexicon (`knowledge/lexicon/*.yaml`): synonyms, filler words,
small talk, out-of-scope and follow-up phrases."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.knowledge.base import (
    ID_RE,
    Lexicon,
    Problem,
    SynonymGroup,
    line_of,
    read_yaml_file,
)
from bot.language.places import territory_codes
from bot.language.text import words as fold_words

LEXICON_DIR = "lexicon"
# kinds a synonym group may declare: what a question naming it is about (see grounding)
GROUP_KINDS = ("name", "place", "fact")
# the classes of out-of-scope questions the lexicon may describe (outofscope.yaml)
OUT_OF_SCOPE_CLASSES = ("practical", "opinion")
SMALLTALK_KINDS = ("greetings", "thanks", "closings", "farewells", "bot", "insults")
FOLLOWUP_KINDS = ("openers", "pronouns", "switches", "corrections", "repairs", "examples",
                  "elaborations")


def _members(raw: object, key: str, kind: str | None, rel: str, line: int | None,
             problems: list[Problem]) -> tuple[str, ...]:
    """A region's `members:`, the CLDR codes of its countries (a place group's only)."""
    if raw is None:
        return ()
    codes = tuple(str(c).strip().upper() for c in raw) if isinstance(raw, list) else ()
    if kind != "place" or not codes or not territory_codes().issuperset(codes):
        problems.append(Problem(rel, line, f"group '{key}' has members {raw!r}",
                                "give a place group's countries as a list of CLDR codes: "
                                "members: [LV, LT, EE]"))
        return ()
    return codes


def read_lexicon(directory: Path, problems: list[Problem]) -> Lexicon:
    """The lexicon under `directory`, empty where a file is missing."""
    lex_dir = directory / LEXICON_DIR
    groups: list[SynonymGroup] = []
    syn_path = lex_dir / "synonyms.yaml"
    if syn_path.is_file():
        rel = f"{LEXICON_DIR}/synonyms.yaml"
        data = read_yaml_file(syn_path, rel, problems)
        raw_groups = data.get("groups") if isinstance(data, dict) else None
        if data is not None and not isinstance(raw_groups, list):
            problems.append(Problem(rel, 1, "expected a 'groups' list",
                                    "write groups: [{key: cec, terms: [...]}]"))
        seen_terms: dict[str, str] = {}
        for raw in raw_groups or []:
            line = line_of(raw, 1)
            key = raw.get("key") if isinstance(raw, dict) else None
            terms = raw.get("terms") if isinstance(raw, dict) else None
            if not isinstance(key, str) or not ID_RE.match(key) or not isinstance(terms, list):
                problems.append(Problem(rel, line, "each group needs a 'key' id and a 'terms' list",
                                        "write - key: cec\n    terms: [cec, цик, цвк]"))
                continue
            kind = raw.get("kind")
            if kind is not None and kind not in GROUP_KINDS:
                problems.append(Problem(rel, line, f"group '{key}' has kind {kind!r}",
                                        f"use one of: {', '.join(GROUP_KINDS)}, or leave it out"))
                kind = None
            clean = tuple(t.strip().lower() for t in terms if isinstance(t, str) and t.strip())
            for term in clean:
                if term in seen_terms and seen_terms[term] != key:
                    problems.append(Problem(rel, line, f"term '{term}' is in groups "
                                            f"'{seen_terms[term]}' and '{key}'",
                                            "keep each term in one group"))
                seen_terms[term] = key
            groups.append(SynonymGroup(key, clean, kind, _members(raw.get("members"), key,
                                                                  kind, rel, line, problems)))
    stopwords = _read_word_lists(lex_dir / "stopwords.yaml", "stopwords", problems)
    stop_phrases = frozenset(
        tuple(fold_words(p)) for phrases in _read_phrase_lists(
            lex_dir / "stopwords.yaml", "phrases", problems, True).values()
        for p in phrases if len(fold_words(p)) > 1)
    smalltalk = {kind: _phrase_sets(by_lang) for kind in SMALLTALK_KINDS
                 if (by_lang := _read_phrase_lists(lex_dir / "smalltalk.yaml", kind, problems,
                                                   True))}
    outofscope = {cls: _phrase_sets(by_lang) for cls in OUT_OF_SCOPE_CLASSES
                  if (by_lang := _read_phrase_lists(lex_dir / "outofscope.yaml", cls, problems,
                                                    True))}
    followups = {kind: _phrase_sets(by_lang) for kind in FOLLOWUP_KINDS
                 if (by_lang := _read_phrase_lists(lex_dir / "followups.yaml", kind, problems,
                                                   True))}
    return Lexicon(tuple(groups), stopwords, stop_phrases, smalltalk, outofscope, followups)


def _phrase_sets(by_lang: Mapping[str, list[str]]) -> dict[str, frozenset[tuple[str, ...]]]:
    """Phrases per language as tuples of folded words."""
    return {lang: frozenset(ws for p in phrases if (ws := tuple(fold_words(p))))
            for lang, phrases in by_lang.items()}


def _read_word_lists(path: Path, key: str, problems: list[Problem],
                     optional: bool = False) -> dict[str, frozenset[str]]:
    """A lexicon mapping `key: {lang: [words]}`, folded the way the matcher folds text."""
    return {lang: frozenset(w for item in items for w in fold_words(item))
            for lang, items in _read_phrase_lists(path, key, problems, optional).items()}


def _read_phrase_lists(path: Path, key: str, problems: list[Problem],
                       optional: bool = False) -> dict[str, list[str]]:
    """A lexicon mapping `key: {lang: [phrases]}`, as written."""
    if not path.is_file():
        return {}
    rel = f"{LEXICON_DIR}/{path.name}"
    data = read_yaml_file(path, rel, problems)
    raw = data.get(key) if isinstance(data, dict) else None
    if optional and isinstance(data, dict) and key not in data:
        return {}
    if data is not None and not isinstance(raw, dict):
        problems.append(Problem(rel, 1, f"expected a '{key}' mapping of language → words",
                                f"write {key}: {{en: [...], ru: [...], be: [...]}}"))
        return {}
    result: dict[str, list[str]] = {}
    for lang, words in (raw or {}).items():
        if not isinstance(words, list):
            problems.append(Problem(rel, line_of(raw, 1), f"{key}.{lang} must be a list",
                                    "write the words as a list"))
            continue
        result[str(lang)] = [str(item) for item in words]
    return result

