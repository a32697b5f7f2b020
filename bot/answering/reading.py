"""Reading a message: each chunk read the way the base knows best, then sentences and terms.

Unknown words are repaired first (transliteration, wrong keyboard layout, typos against the
known vocabulary; acronyms spelled letter by letter and names heard as two words joined), then
mapped to terms; the asking sentences, small talk, out-of-scope phrases, statements to confirm
and the language are read off the result as an `Analysis`.

`Reader` runs a little over 300 lines: each way of repairing a chunk is a few lines that only
make sense beside the scoring that chooses between them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.answering import grammar
from bot.answering.index import Index
from bot.answering.terms import QUESTION_WORD_PREFIX, SMALLTALK_ORDER, SYN_PREFIX, Terms
from bot.language import text as tx
from bot.language.memo import remember
from bot.language.requests import medium_words, request_words, requested_language

# a sentence ends at . ! ? … or a line break; the question mark tells which sentence asks
_SENTENCE_RE = re.compile(r"[^.!?…\n]+[.!?…]*")
# Spellings that Belarusian has and Russian lacks, beyond the letters і and ў: дз (дзень),
# шч (шчыра), a final ць (рабіць) and цц/ддз doubled consonants.
BE_SPELLING = re.compile(r"дз|шч|ць$|цц|ддз")
ACRONYM_RE = re.compile(r"^[A-ZА-ЯЁІЎ]{2,6}$")
_PLURAL_ACRONYM = re.compile(r"\b([A-Z]{2,6})s\b")
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
ENUMERATE = QUESTION_WORD_PREFIX + "list"
# the out-of-scope classes of a request for a judgement and for practical help
# (outofscope.yaml)
OPINION = "opinion"
PRACTICAL = "practical"
# A relative clause: after a comma, a relative pronoun (ru «который» in every form; be «які»
# in every form and en "which", "that", "who", "whom" — these also ask, so only with a
# personal pronoun as the clause's subject after them), perhaps after a preposition; it runs
# to the next comma or the end.
_PREPOSITIONS = r"(?:(?:у|ў|в|во|на|з|с|со|да|до|ад|от|для|пра|про|in|to|of|with|from|for)\s+)?"
_PERSONAL = (r"(?:яны|ён|яна|яно|мы|вы|я|ты|они|он|она|оно|they|he|she|it|we|you|i)\b")
RELATIVE_CLAUSE = re.compile(
    r",\s*" + _PREPOSITIONS + r"(?:котор\w*\b|(?:як(?:і|ая|ое|ія|ога|ой|ую|ім|імі|іх)|which"
    r"|that|who|whom)\s+" + _PERSONAL + r")[^,]*")
# an imperative opens its sentence, after at most a "please" or a name ("Please list them")
IMPERATIVE_SPAN = 3
# a digit that volapuk writes for a letter (4 for ч, 6 for ш), next to a Latin letter
_VOLAPUK = re.compile(r"[a-z][46]|[46][a-z]")
# Analysis.smalltalk of a message that only asks for a reply language
LANGUAGE_REQUEST = "language"
TYPO_CUTOFF = 80.0
# English endings are short (-s, -ed, -ing, -ers, -ions): a Latin word that shares only its
# first letters with a known one ("centralnaja", Belarusian in Latin letters) is no form of it.
MAX_LATIN_ENDING = 4
# typo-repair answers and readings of typed chunks remembered (pure functions of the text
# and the base)
NEAREST_MEMO = 4096
READINGS_MEMO = 8192


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
    # the language the message asks to be answered in («па-беларуску, калі ласка»), when that
    # is all it asks (smalltalk is then LANGUAGE_REQUEST)
    requested_language: str | None = None
    # an asking sentence frames the question in the present ("is it still…?", «сейчас»):
    # the sources answer it as of their own date
    present: bool = False
    # the terms of what a which-question asks for an instance of, where the lexicon has no
    # word for it ("which office", «на каком языке»): an answer must name it
    instance_of: tuple[str, ...] = ()
    # a sentence of the message ends with a question mark (thanks in it close nothing:
    # «спасибо, а это всё?»)
    questioned: bool = False
    # an asking sentence (any, when none ends with "?") is a negated wh-question ("where
    # haven't they been let in?"): its answer must say what is not so
    negated: bool = False



@dataclass(frozen=True, slots=True)
class _Reading:
    """One way to read a chunk of typed text (as typed, transliterated, other layout)."""

    kind: str
    words: tuple[str, ...]
    score: float


class Reader:
    """Reads messages against one base: its terms, its known words and their typos."""

    def __init__(self, terms: Terms, index: Index,
                 answers: Mapping[str, Sequence[str]]) -> None:
        # (the lexicon's tables and readers bound once: every chunk read uses them)
        self._stopwords = terms.stopwords
        self._kinds = terms.kinds
        self._name_set = terms.name_set
        self._name_words = terms.name_words
        self._terms = terms
        self._smalltalk_kind = terms.smalltalk_kind
        self._outofscope_phrases = terms.outofscope_phrases
        # words per language, the lexicon's and the phrasings'
        self._lang_words: dict[str, set[str]] = defaultdict(set, terms.lang_words)
        self._lang_words.update({lang: set(ws) for lang, ws in index.lang_words.items()})
        # words of the answers count as known too, so typo repair does not turn a real word
        # of the answers ("цесна") into a name it resembles ("вясна")
        # (all texts read as one, each distinct word once)
        answer_words = tx.word_set("\n".join(t for texts in answers.values()
                                             for t in texts))
        self._known_words = index.known_words | answer_words | terms.place_words.keys()
        # words typo repair leaves as they are though the base does not know them: those
        # that ask for a reply language ("switch" is no typo of "with")
        self._real_words = request_words()
        self._known_stems = index.known_stems | {tx.stem(w) for w in answer_words}
        # rapidfuzz choices, prepared once: typo repair looks words up here
        self._vocab = index.vocabulary
        self._vocab.prepare(TYPO_CUTOFF, MIN_TYPO_LENGTH)
        self._nearest_memo: dict[str, tuple[str, float] | None] = {}
        self._readings_memo: dict[str, tuple[str, tuple[str, ...]] | tuple[()]] = {}

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
        # (kind, words, penalty, typed); a Latin word with a 4 or 6 in it is volapuk (4to:
        # что), never meant as typed
        odd = 0.05 if any(_VOLAPUK.search(w) for w in as_typed) else 0.0
        options: list[tuple[str, list[str], float, bool]] = [("typed", as_typed, odd, True)]
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
        if (self._known(word) or len(word) < MIN_TYPO_LENGTH or word in self._real_words
                or grammar.is_superlative(word)):
            return word
        hit = self._nearest(word)
        if hit and name and abs(len(hit[0]) - len(word)) > 1:
            return word
        if hit and hit[0] in self._stopwords and hit[0][0] != word[0]:
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
            # an English plural of an acronym is the acronym and a lower-case s ("NGOs")
            chunk = _PLURAL_ACRONYM.sub(r"\1", chunk)
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
        instance_of: list[str] = []
        judged: list[str] = []  # the evaluative words polar asking sentences predicate
        acts: list[str] = []  # the modal and verb of an action the asker asks how to take
        preamble: list[str] = []  # the terms of the sentences before the first that asks
        small: list[str] = []
        present = questioned = False
        # whether an asking sentence, and whether any sentence, is a negated wh-question
        negated = negated_any = False
        for sentence in _conditions_apart(split_sentences(question)):
            ws = self._read_sentence(sentence, capitals)
            if not ws:
                continue
            asked = sentence.rstrip().endswith("?")
            questioned = questioned or asked
            kind = self._smalltalk_kind(ws, asked)
            if kind:
                small.append(kind)
                words.extend(ws)
                continue
            # (the language the conversation is held in is not something asked about)
            medium = medium_words(ws, self._content)
            ts = grammar.sentence_terms(
                self._terms, [w for i, w in enumerate(ws) if i not in medium] if medium else ws)
            negation = grammar.negated_question(self._terms, ws)
            negated_any = negated_any or negation
            words.extend(ws)
            terms.extend(ts)
            # an imperative of enumeration asks as a question does ("Which countries are in
            # it? List all 25."): the mood of a request, with or without "?" — where an
            # imperative stands, first in its sentence ("a list of groups" is a noun)
            if asked or (ENUMERATE in ts and ENUMERATE in (
                    grammar.sentence_terms(self._terms, ws[:IMPERATIVE_SPAN]))):
                relative = RELATIVE_CLAUSE.search(tx.fold(sentence))
                if relative:
                    # a relative clause describes a noun of the question ("the network,
                    # which they belong to"): what it says is not what is asked
                    said = grammar.sentence_terms(self._terms, self._read_sentence(
                        relative.group(), set()))
                    rest = Counter(ts)
                    rest.subtract(said)
                    focus.extend(t for t in dict.fromkeys(ts) if rest[t] > 0)
                else:
                    focus.extend(ts)
                asking.extend(ws)
                negated = negated or negation
                instance_of.extend(self._instance_asked(ws, capitals))
                if not any(t.startswith(QUESTION_WORD_PREFIX) for t in ts):
                    judged.extend(grammar.evaluation(ws))
                acts = acts or self._acts_on_subject(ws)
                present = present or bool(grammar.present_time(ws))
            if not asking:
                preamble.extend(ts)
        names = frozenset(tx.stem(w) for w in capitals
                          if self._knownness(w) == 0.0
                          or (not self._known(w) and self._repair(w, True) == w))
        smalltalk = None
        if small and not terms:
            smalltalk = next(k for k in SMALLTALK_ORDER if k in small)
        wanted = requested_language(words, self._filler)
        if wanted:
            smalltalk = LANGUAGE_REQUEST
        content = [t for t in focus if not t.startswith(QUESTION_WORD_PREFIX)]
        if focus and not content:
            # "I read about ENEMO. Who are they?": the question is the asking sentence about
            # what the others name, not everything else they say
            focus += [t for t in terms if self._kinds.get(t) == "name" and t not in focus]
            content = focus
        # an opinion or practical matter counts where the message asks ("We'd like to observe
        # the next elections. Whom do we contact for an invitation?" asks no practical matter)
        oos = [*((OPINION, (stem,)) for stem in judged),
               *((asking and self._outofscope_phrases(asking)) or (
                   [] if asking and content else self._outofscope_phrases(words)))]
        if acts and not oos:
            oos.append((PRACTICAL, tuple(tx.stem(w) for w in acts)))
        return Analysis(tuple(words), tuple(terms), self.detect_language(words), names,
                        tuple(focus) if content else tuple(terms), smalltalk,
                        tuple(dict.fromkeys(c for c, _ in oos)), tuple(p for _, p in oos),
                        confirms=bool(CONFIRMS.search(tx.fold(question))) or _polar(focus),
                        preamble=tuple(preamble) if asking else (),
                        others=_excludes(asking or words), requested_language=wanted,
                        present=present or (not asking and bool(grammar.present_time(words))),
                        instance_of=tuple(dict.fromkeys(instance_of)), questioned=questioned,
                        negated=negated if asking else negated_any)

    def _acts_on_subject(self, words: Sequence[str]) -> list[str]:
        """The modal and verb of an action the asker asks how to take about what the base is
        about, named or pointed back to in the same clause ("how can I donate to them?"; not
        "what is ENEMO and how do I cook borscht?")."""
        acts = grammar.asker_acts(words)
        if not acts:
            return []
        clause = grammar.clause_of(words, words.index(acts[0]))
        named = any(t.startswith(SYN_PREFIX) and not t.startswith(QUESTION_WORD_PREFIX)
                    for t in grammar.sentence_terms(self._terms, clause))
        return list(acts) if named or self._terms.pronouns & set(clause) else []

    def _instance_asked(self, words: Sequence[str], capitals: set[str]) -> list[str]:
        """The terms of the noun a which-question asks for an instance of, when the lexicon
        has no word for it (a lexicon word is asked anyway). A function word, a place, a time
        or a question is no such noun ("which is", "which countries": a list; "what year": a
        date). English premodifies its noun with names and places ("which OSCE office", a
        word typed in `capitals`); ru and be put the noun first, a name after it being its
        genitive («какое ведомство Боливии»), and a name first the noun itself («какие НКО»)."""
        determiner, after = grammar.which_noun_words(words)
        agreeing = determiner in grammar.AGREEING_ENDINGS
        for w in after:
            if w in self._stopwords and agreeing:
                # (a ru or be determiner reaches its noun across particles: «какие вообще
                # организации»; English "which is" has no noun)
                continue
            if (w in self._stopwords or self._terms.is_question_word(w)
                    or w.startswith(grammar.OTHER_ASKED_NOUNS) or w in grammar.DAY_NOUNS):
                return []
            ts = self._terms.of_words([w])
            if w in capitals or any(self._kinds.get(t) in ("name", "place") for t in ts):
                if agreeing:
                    return []
                continue
            return [t for t in ts if not t.startswith(SYN_PREFIX)]
        return []

    def _content(self, word: str) -> bool:
        """A word that says what is asked about: neither filler nor a question word."""
        return not self._filler(word) and not self._terms.is_question_word(word)

    def _filler(self, word: str) -> bool:
        """A word that carries no question of its own: a stopword or a word of small talk."""
        return word in self._stopwords or self._smalltalk_kind([word]) is not None

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


# The prepositions of exclusion and addition ("besides X", «кроме X», «акрамя X»): a question
# with one asks about things other than X.
EXCLUSIONS = frozenset({
    ("besides",), ("except",), ("apart", "from"), ("aside", "from"), ("other", "than"),
    ("in", "addition", "to"), ("кроме",), ("помимо",), ("за", "исключением"), ("акрамя",),
    ("апроч",), ("апрача",), ("за", "выключэннем")})
_EXCLUSION_STARTS = frozenset(p[0] for p in EXCLUSIONS)
OTHER_THAN = SYN_PREFIX + "other-than"


def _exclusion_ends(words: Sequence[str]) -> list[int]:
    """Where each preposition of exclusion or addition in the words ends."""
    return [i + len(p) for i, w in enumerate(words) if w in _EXCLUSION_STARTS
            for p in EXCLUSIONS if p[0] == w and tuple(words[i : i + len(p)]) == p]


def _excludes(words: Sequence[str]) -> bool:
    """Whether the words hold a preposition of exclusion or addition."""
    return bool(_exclusion_ends(words))


def excluded_words(words: Sequence[str]) -> list[str]:
    """The word right after each preposition of exclusion: what "besides X" leaves out."""
    return [words[j] for j in _exclusion_ends(words) if j < len(words)]


def _polar(focus: Sequence[str]) -> bool:
    """Whether the asking sentences are polar (yes/no) questions: in the three grammars a
    question without an interrogative word ("Has the CEC been in ACEEEO since 2005?", «ЦИК в
    ACEEEO с 2005 года?») asks to confirm what it says."""
    return bool(focus) and not any(t.startswith(QUESTION_WORD_PREFIX) for t in focus)


# a sentence that opens with a condition ("If I ran an NGO in Poland, whom would I write
# to?", «Если бы я был наблюдателем из Казахстана, кто бы меня пригласил?»): the condition up to
# its comma states a supposition, as a sentence before the question does
_CONDITION_RE = re.compile(r"^\s*(?:(?:hypothetically|suppose|say|so|and|but|а|и|і|но|але)[\s,]+)?"
                          r"(?:if|suppose|supposing|imagine|если|допустим|предположим|калі\s+б"
                          r"|дапусцім|уявіце)\b[^,?]*,", re.IGNORECASE)


# A style disjunct at the head of a sentence, set off by a comma (Quirk et al.: "honestly,",
# "frankly speaking,", "to be honest,"; «честно говоря,», «если честно,», «вот честно,»;
# «шчыра кажучы,», «калі шчыра,»): it comments on the manner of asking and asks nothing — not
# the evaluation that "honest" is elsewhere ("were the elections honest?").
_DISJUNCT_RE = re.compile(
    r"^\s*(?:(?:and|but|so|well|ok|а|и|ну|вот|так|і|дык)[\s,]+)*"
    r"(?:honestly|frankly|seriously|truthfully|to be (?:honest|frank)|in all honesty"
    r"|честно|откровенно|серь[её]зно|по правде|если честно|если откровенно|если серь[её]зно"
    r"|шчыра|сур['’]?[ёе]зна|па праўдзе|калі шчыра|калі сур['’]?[ёе]зна)"
    r"(?:\s+(?:speaking|говоря|кажучы|сказать|сказаць))?\s*,", re.IGNORECASE)


def _conditions_apart(sentences: list[str]) -> list[str]:
    """The sentences with an opening condition set apart as a sentence of its own, and an
    opening style disjunct left out."""
    out = []
    for sentence in sentences:
        disjunct = _DISJUNCT_RE.match(sentence)
        if disjunct and sentence[disjunct.end():].strip():
            sentence = sentence[disjunct.end():].strip()
        condition = _CONDITION_RE.match(sentence)
        if condition and sentence[condition.end():].strip():
            out += [condition.group().rstrip(",") + ".", sentence[condition.end():].strip()]
        else:
            out.append(sentence)
    return out


def split_sentences(text: str) -> list[str]:
    """The sentences of a message, each with its closing punctuation."""
    return [m.group().strip() for m in _SENTENCE_RE.finditer(text) if m.group().strip()]

