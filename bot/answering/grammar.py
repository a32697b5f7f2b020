"""What a sentence asks that its words' terms alone miss: closed classes of the three grammars.

Each rule here stands for a class a grammar defines, not for a question seen in a test:

- **Indefinite pronouns** (Russian: a question word with -то, -нибудь, -либо, colloquial -нить,
  or кое-; Belarusian: with -небудзь, -колечы, or абы-): «кто-то», «когда-нибудь»,
  «хто-небудзь» are "someone", "ever", and ask nothing.
- **The main verb "do"** (English): "do" followed by its subject is the auxiliary of a question
  ("what do you know"); "do" with nothing after it, or only a preposition or an adverb, is the
  verb itself, and "what does it do" asks about an activity.
- **A title of office as a noun** ("president", «президент», «прэзідэнт») outside any talk of
  elections names the head of something ("who is ENEMO's president?"); beside an election
  word it is the election's kind ("presidential election", «выборы президента»).
- **"In which country" asks where** ("in which countries", «в каких странах», «у якіх
  краінах», "to which cities"): a preposition of place or direction, an interrogative
  determiner and a noun of place, with at most one word between ("in which European
  countries"), ask the same as "where" — but "with which country" asks for a partner.
- **Who did a deed that has a doer** ("who signed it", «кто его подписал»): the question asks
  for the signatory, whatever words stand between "who" and the verb.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.answering.terms import QUESTION_WORD_PREFIX, SYN_PREFIX, Terms

# the particles that make a question word indefinite (ru, be), after or before it
INDEFINITE_AFTER = frozenset({"то", "нибудь", "нить", "либо", "небудзь", "колечы"})
INDEFINITE_BEFORE = frozenset({"кое", "абы"})
# English forms of "do", and what may follow the main verb in a question: English
# prepositions and the adverbs of place, time and degree that end a clause
DO_FORMS = frozenset({"do", "does", "did", "doing"})
AFTER_MAIN_DO = frozenset({
    "in", "at", "on", "for", "with", "about", "inside", "within", "outside", "there", "here",
    "exactly", "now", "today", "nowadays", "actually", "then", "these", "days", "really",
    "precisely", "specifically", "generally", "mostly", "usually", "abroad", "locally",
    "besides", "apart", "during", "between", "among", "across", "around", "after", "before"})
ACTIVITY = SYN_PREFIX + "activity"
# the noun of the title, by the beginnings of its forms (en, ru, be), and the beginnings of its
# adjective, which names the kind of an election
TITLE_NOUNS = ("president", "президент", "прэзідэнт")
TITLE_ADJECTIVES = ("presidential", "президентск", "прэзідэнцк")
PRESIDENTIAL = SYN_PREFIX + "presidential"
ELECTIONS = SYN_PREFIX + "elections"
HEAD = SYN_PREFIX + "head"
# the verb of signing (en, ru, be), by the beginnings of its forms, and what its doer is
SIGN_VERBS = ("sign", "подпис", "подпиш", "падпіс", "падпіш")
SIGNATURE_NOUNS = ("signature", "подписи", "подпись", "подпіс")
SIGNATORY = SYN_PREFIX + "signatory"
WHO = QUESTION_WORD_PREFIX + "who"
WHERE = QUESTION_WORD_PREFIX + "where"
# interrogative determiners (en; ru and be in every gender, number and case) and the nouns of
# place by the beginnings of their forms
WHICH = frozenset({
    "which", "what", "какой", "какая", "какое", "какие", "каких", "каким", "какую", "каком",
    "какими", "какого", "які", "якая", "якое", "якія", "якіх", "якім", "якую", "якой",
    "якімі", "якога"})
# prepositions of place and direction (en, ru, be); be «з» is left out, as it means both
# "from" and "with"
PLACE_PREPOSITIONS = frozenset({"in", "at", "to", "into", "from", "в", "во", "на", "из", "у",
                                "ў", "ва", "да", "до"})
PLACE_NOUNS = ("countr", "city", "cities", "town", "region", "стран", "город", "регион",
               "краін", "горад", "рэгіён", "рэгіен")


def sentence_terms(terms: Terms, words: Sequence[str]) -> list[str]:
    """The terms of one sentence's words, read with the rules above: how questions and the
    base's own phrasings are both read, so that they compare alike."""
    def is_question_word(word: str) -> bool:
        return any(t.startswith(QUESTION_WORD_PREFIX) for t in terms.of_words([word]))
    return asked_terms(words, terms.of_words(plain_words(words, is_question_word)))


def plain_words(words: Sequence[str], is_question_word: Callable[[str], bool]) -> list[str]:
    """The words with indefinite pronouns left out and the main verb "do" read as activity."""
    drop: set[int] = set()
    # (the particle is looked for first: few sentences have one)
    for i, word in enumerate(words):
        if word in INDEFINITE_AFTER and i > 0 and is_question_word(words[i - 1]):
            drop |= {i - 1, i}
        elif word in INDEFINITE_BEFORE and i + 1 < len(words) and is_question_word(
                words[i + 1]):
            drop |= {i, i + 1}
    plain = []
    for i, word in enumerate(words):
        if i in drop:
            continue
        if word in DO_FORMS and _main_do(words, i):
            plain.append("activity")
        else:
            plain.append(word)
    return plain


def _main_do(words: Sequence[str], i: int) -> bool:
    """Whether the "do" at `i` is the verb itself: a what-question's, with no subject after."""
    after = words[i + 1 :]
    return "what" in words[:i] and (not after or after[0] in AFTER_MAIN_DO)


def asked_terms(words: Sequence[str], terms: list[str]) -> list[str]:
    """A sentence's terms with the title-of-office, which-place and signatory readings
    applied."""
    if PRESIDENTIAL in terms and ELECTIONS not in terms and any(
            w.startswith(TITLE_NOUNS) and not w.startswith(TITLE_ADJECTIVES) for w in words):
        terms = [HEAD if t == PRESIDENTIAL else t for t in terms]
    if WHERE not in terms and any(
            w in WHICH and i > 0 and words[i - 1] in PLACE_PREPOSITIONS
            and any(v.startswith(PLACE_NOUNS) for v in words[i + 1 : i + 3])
            for i, w in enumerate(words)):
        terms = [*terms, WHERE]
    if WHO in terms and SIGNATORY not in terms and any(
            w.startswith(SIGN_VERBS) and not w.startswith(SIGNATURE_NOUNS) for w in words):
        terms = [*terms, SIGNATORY]
    return terms
