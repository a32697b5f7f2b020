"""The lexicon as lookup tables: a question's (repaired) words to language-neutral terms.

A word's term is its synonym group (@enemo), its place (@place-pt, from CLDR) or its stem;
filler and small talk give none; phrases of several words are found by their first stem.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import partial

from bot.knowledge.base import KnowledgeBase, SynonymGroup
from bot.language import text as tx
from bot.language.memo import remember
from bot.language.places import place_names

SYN_PREFIX = "@"
QUESTION_WORD_PREFIX = SYN_PREFIX + "q-"
# a country or territory the lexicon does not list (from CLDR): @place-pt
PLACE_PREFIX = SYN_PREFIX + "place-"
# small talk kinds in the order one wins over another in a mixed message
# (leave-taking before thanks: "thanks, bye" ends the conversation)
SMALLTALK_ORDER = ("insults", "bot", "farewells", "thanks", "closings", "greetings")
# pre-closings ("that's all I needed", «больше вопросов нет»): acknowledgements said as a
# statement, replied to as thanks; in a question they ask for more ("is that all?")
CLOSINGS = "closings"
# Synonym kinds that name a thing: a question naming one is about it.
NAMED_KINDS = ("name", "place")
# the shortest initialism of a name read as that name, and the nouns of the countries a name
# spans, which an initialism may leave out («стран Европы»)
MIN_INITIALISM = 4
COUNTRY_NOUNS = ("countr", "стран", "краін")
# each word's term(s) remembered (a pure function of the word and the base)
SIMPLE_TERMS_MEMO = 1 << 17


# the adverbial of reciprocity («в ответ», "in return") and what it is with an addressee after it
RECIPROCAL = SYN_PREFIX + "reciprocal"
REPLY = SYN_PREFIX + "reply"
# the endings of Russian and Belarusian verb forms: past (-л, -ла, -ли; -ў, -лі), infinitive
# (-ть, -ти, -чь; -ць, -ці) and reflexive (-ся, -сь, -цца), present (-ет, -ит, -ют, -ят, -ут,
# -ат; -юць, -уць, -аць, -яць)
VERB_ENDINGS = ("л", "ла", "ло", "ли", "ў", "лі", "ть", "ти", "чь", "ць", "ці", "ся", "сь",
                "цца", "ет", "ит", "ют", "ят", "ут", "ат")

# the follow-up phrases dropped from a question like filler (see followups.yaml)
DROPPED_FOLLOWUPS = ("switches", "corrections", "repairs", "examples", "elaborations")


class Terms:
    """Repaired words to terms, and the phrases (filler, small talk, out of scope) they hold."""

    def __init__(self, kb: KnowledgeBase) -> None:
        lex = kb.lexicon
        # (a Belarusian word's initial у is ў after a vowel: «і ўвогуле» is «увогуле»)
        self.stopwords: frozenset[str] = frozenset().union(*lex.stopwords.values()).union(
            "ў" + w[1:] for w in lex.stopwords.get("be", ()) if w[:1] == "у")
        self._synonyms, synonym_words = _synonym_table(kb, self.stopwords)
        self._synonym_words = frozenset(synonym_words)
        # the words of the lexicon's synonyms and filler phrases, known words all: typo repair
        # would take "least" of "at least" for "last"
        # (and a follow-up said in one word: "elaborate" is not a typo of "collaborate")
        self.lexicon_words = synonym_words | {w for p in lex.stop_phrases for w in p} | {
            p[0] for kind in DROPPED_FOLLOWUPS for phrases in lex.followups.get(kind, {}).values()
            for p in phrases if len(p) == 1}
        self.kinds = {SYN_PREFIX + g.key: g.kind for g in lex.synonyms if g.kind}
        # the follow-up pronouns of one word ("them", «туда», «іх»): they point back to a
        # subject named before
        self.pronouns = frozenset(p[0] for phrases in lex.followups.get("pronouns", {}).values()
                                  for p in phrases if len(p) == 1)
        # the stems of the follow-up openers of one word ("and", «а», «і»), which a question's
        # terms keep as they are
        self.opener_stems = frozenset(tx.stem(p[0]) for phrases in lex.followups.get(
            "openers", {}).values() for p in phrases if len(p) == 1)
        # every country and territory (CLDR): a name of several words is a synonym, a word
        # alone is looked up as typed (see _word_terms); the lexicon's own places keep theirs
        places, code_terms = _place_table(kb, self.stopwords, self.kinds)
        # each region → the terms of its countries (the Baltics: Latvia, Lithuania, Estonia)
        self.region_members = {
            SYN_PREFIX + g.key: frozenset(code_terms.get(c, PLACE_PREFIX + c.lower())
                                          for c in g.members)
            for g in lex.synonyms if g.members}
        for name, place in places.items():
            self.kinds.setdefault(place, "place")
            name_stems = _stems(name)
            if len(name) > 1 and name_stems not in self._synonyms:
                self._synonyms[name_stems] = place
        self.place_words = {ws[0]: key for ws, key in places.items() if len(ws) == 1}
        # the organisations' names written as one word (enemo, обсе): what a name heard as two
        # words is joined back into
        self.name_set = frozenset(
            w for g in lex.synonyms if g.kind == "name" for term in g.terms
            if len(ws := tx.words(term)) == 1 for w in ws)
        self.name_words = sorted(self.name_set)
        # filler phrases and small talk, as stem sequences: dropped from a question's terms
        self._stop_phrases = {_stems(p) for p in lex.stop_phrases} | {
            _stems(p) for kind in DROPPED_FOLLOWUPS
            for phrases in lex.followups.get(kind, {}).values() for p in phrases}
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
        self.lang_words: dict[str, set[str]] = defaultdict(set)
        for lang, words in lex.stopwords.items():
            self.lang_words[lang].update(words)
        for table in (*lex.smalltalk.values(), *lex.outofscope.values()):
            for lang, phrases in table.items():
                self.lang_words[lang].update(w for p in phrases for w in p)
        # each name → the places its full forms hold ("European Network of ...": Europe)
        self.name_places = {
            SYN_PREFIX + g.key: held for g in lex.synonyms if g.kind == "name" and (
                held := frozenset(t for term in g.terms if len(ws := tx.words(term)) > 1
                                    for w in ws for t in Terms.of_words(self, [w])
                                    if self.kinds.get(t) == "place"))}
        # each name's head noun → (the name's term, its other words' terms): see name_heads
        self.name_heads = name_heads(lex.synonyms, self.stopwords,
                                     partial(Terms.of_words, self))

    def is_question_word(self, word: str) -> bool:
        """Whether a word, read alone, is a question word (what, когда, дзе...)."""
        return any(t.startswith(QUESTION_WORD_PREFIX) for t in self.of_words([word]))

    def of_words(self, words: list[str]) -> list[str]:
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
                term = self._synonyms[tuple(stems[i : i + size])]
                if term == RECIPROCAL and i + size < len(words) and self._addressee(
                        words[i + size], stems[i + size]):
                    # «в ответ НВВ», «у адказ ЦВК»: in reply to someone, not "in return"
                    term = REPLY
                terms.append(term)
                return size
        terms += self._word_terms(words[i], stem)
        return 1

    def _addressee(self, word: str, stem: str) -> bool:
        """Whether a word after «в ответ» / «у адказ» is whom the reply went to: a name, or a
        noun — a content word without a lexicon term that no verb ending closes («в ответ
        приезжали», «у адказ назіралі» are "in return")."""
        if self._filler_at([stem], 0):
            return False  # (filler or small talk alone: «в ответ спасибо»)
        found = self._word_terms(word, stem)
        if any(self.kinds.get(t) == "name" for t in found):
            return True
        return bool(found) and not any(t.startswith(SYN_PREFIX) for t in found) and (
            not word.endswith(VERB_ENDINGS))

    def phrase_terms(self, words: list[str]) -> list[str]:
        """The terms of the phrases of several words (names, titles) in `words`, read as
        `of_words` reads them; with perhaps some terms of single words."""
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
        if word in self.stopwords and word not in self._synonym_words:
            # a function word that only shares its stem with a synonym is still a function
            # word ("currently" is no "currency", «реферат» no «референдум»)
            return ()
        key = self._one_word_synonyms.get(stem) or self.place_words.get(word)
        return (key,) if key is not None else () if word in self.stopwords else (stem,)

    def filler_positions(self, words: Sequence[str]) -> set[int]:
        """The positions of the words in filler and small-talk phrases («калі ласка»)."""
        stems = [tx.stem(w) for w in words]
        found: set[int] = set()
        i = 0
        while i < len(words):
            skip = self._filler_at(stems, i) if stems[i] in self._phrase_len else 0
            found.update(range(i, i + skip))
            i += skip or 1
        return found

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
        return self.of_words(tx.words(text))

    def smalltalk_kind(self, words: list[str], asked: bool = False) -> str | None:
        """The small-talk kind of a sentence made only of small talk and filler, else None
        (`asked`: the sentence ends with a question mark, so it closes nothing)."""
        stems = [tx.stem(w) for w in words]
        found: set[str] = set()
        i = 0
        while i < len(stems):
            for size in range(min(self._phrase_len.get(stems[i], 0), len(stems) - i), 0, -1):
                key = tuple(stems[i : i + size])
                if key in self._smalltalk and not (asked and self._smalltalk[key] == CLOSINGS):
                    found.add(self._smalltalk[key])
                    break
                if key in self._stop_phrases:
                    break
            else:
                if words[i] not in self.stopwords and not words[i].isdigit():
                    return None
                size = 1
            i += size
        kind = next((k for k in SMALLTALK_ORDER if k in found), None)
        return "thanks" if kind == CLOSINGS else kind

    def outofscope_phrases(self, words: list[str]) -> list[tuple[str, tuple[str, ...]]]:
        """(class, phrase stems) of every out-of-scope phrase in the words, in the order they
        come: what a question asks comes before what it asks about ("who will win the next
        election" asks for a prediction, "how do I register as an independent observer" for
        practical help), so the first phrase decides the class."""
        stems = [tx.stem(w) for w in words]
        found: dict[tuple[str, ...], tuple[int, str]] = {}
        for i, first in enumerate(stems):
            for phrase, cls in self._outofscope.get(first, ()):
                # (a filler word is no word of one of its own: "honestly" is not "honest")
                if len(phrase) == 1 and words[i] in self.stopwords:
                    continue
                if tuple(stems[i : i + len(phrase)]) == phrase and phrase not in found:
                    found[phrase] = (i, cls)
        return [(c, p) for p, (_, c) in sorted(found.items(), key=lambda f: f[1][0])]


# Singular nominative endings of Russian and Belarusian adjectives (a name's words before its
# head noun: «европейская сеть», «беларускі хельсінкскі камітэт»).
ADJECTIVE_ENDINGS = ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ы", "і", "ае")


def name_head(words: Sequence[str], stopwords: AbstractSet[str]) -> int | None:
    """Where the head noun of a name of several words stands, by the grammar of noun phrases:
    it comes before the first preposition or other function word (the complement follows
    it); in English it is the last word of that part ("European *Network* of ...",
    "Belarusian Helsinki *Committee*"), in Russian and Belarusian the first word that is not
    an adjective («Европейская *сеть* организаций ...», «*Ассоциация* организаторов ...»)."""
    part = list(itertools.takewhile(lambda w: w not in stopwords, words))
    if not part:
        return None
    if all(tx.is_latin(w) for w in part):
        return len(part) - 1
    return next((i for i, w in enumerate(part) if not w.endswith(ADJECTIVE_ENDINGS)), None)


def name_heads(groups: Iterable[SynonymGroup], stopwords: AbstractSet[str],
               word_terms: Callable[[list[str]], list[str]],
               ) -> dict[str, tuple[tuple[str, str, frozenset[str]], ...]]:
    """Head noun term → (name term, the name written as one word, the terms of the name's
    other words), for the names of several words whose head belongs to no other
    organisation's name (a head that several names share, "organization", names none of
    them) and that have a one-word form (an acronym) to be written as."""
    found: dict[str, set[tuple[str, str, frozenset[str]]]] = defaultdict(set)
    used_by: dict[str, set[str]] = defaultdict(set)
    for group in groups:
        if group.kind != "name":
            continue
        key = SYN_PREFIX + group.key
        word = next((term for term in group.terms if len(tx.words(term)) == 1), None)
        for name in group.terms:
            words = tx.words(name)
            terms = [word_terms([w]) for w in words]
            for t in itertools.chain(*terms):
                used_by[t].add(key)
            at = name_head(words, stopwords) if len(words) > 1 else None
            if at is None or not terms[at] or word is None:
                continue
            others = frozenset(t for i, ts in enumerate(terms) if i != at for t in ts) - {
                *terms[at]}
            if others:
                found[terms[at][0]].add((key, word, others))
    return {head: tuple(sorted(names)) for head, names in found.items()
            if len(used_by[head]) == 1 and not head.startswith(QUESTION_WORD_PREFIX)}


def _stems(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(tx.stem(w) for w in words)


def _place_table(kb: KnowledgeBase, stopwords: Iterable[str], kinds: Mapping[str, str]
                 ) -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
    """Every place's names (folded word tuples) → its term: the lexicon's place group that
    lists one of its names, else a term of its own (@place-pt); and the CLDR codes of the
    lexicon's places → their terms."""
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
            table[folded] = code_key.get(code, PLACE_PREFIX + code.lower())
    return table, code_key


def _synonym_table(kb: KnowledgeBase, stopwords: AbstractSet[str]
                   ) -> tuple[dict[tuple[str, ...], str], set[str]]:
    """Stem sequences of every synonym term → its group's term, and the words involved; and
    the initialisms of the organisations' names (see initialisms)."""
    table: dict[tuple[str, ...], str] = {}
    words: set[str] = set()
    for group in kb.lexicon.synonyms:
        for term in group.terms:
            ws = tx.words(term)
            if ws:
                table[tuple(tx.stem(w) for w in ws)] = SYN_PREFIX + group.key
                words.update(ws)
    for group in kb.lexicon.synonyms:
        if group.kind != "name":
            continue
        for term in group.terms:
            for initialism in initialisms(tx.words(term), stopwords):
                key = (tx.stem(initialism),)
                if key not in table and initialism not in stopwords:
                    table[key] = SYN_PREFIX + group.key
                    words.add(initialism)
    return table, words


def initialisms(words: Sequence[str], stopwords: AbstractSet[str]) -> set[str]:
    """The initialisms of a name of several words: the first letters of its words besides
    function words («ассоциация организаторов выборов стран Европы»: АОВСЕ, "European Network
    of Election Monitoring Organizations": ENEMO), also without the noun of the countries it
    spans (АОВЕ); those of fewer than MIN_INITIALISM letters are left out, being words or
    other names as often (ЦК, EC, FM)."""
    content = [w for w in words if w not in stopwords and w[:1].isalpha()]
    found = {"".join(w[0] for w in content),
             "".join(w[0] for w in content if not w.startswith(COUNTRY_NOUNS))}
    return {i for i in found if len(i) >= MIN_INITIALISM} if len(content) > 1 else set()
