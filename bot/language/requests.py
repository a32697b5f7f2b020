"""Asking the bot to use a language: «па-беларуску, калі ласка», "in English, please", «можно
по-русски?».

A message that names one language and says nothing else but how it should be used (speak,
write, answer, switch; the noun "language"; please, can, could) asks for a reply language, not
a question. Language names are CLDR's, as babel ships them, for every language in en, ru and
be, so that a request for a language the bot lacks (по-польски, in German) is read as one too.

Russian and Belarusian name a language with an adjective (CLDR: «белорусский»,
«беларуская»); a request uses its adverb (по-белорусски, па-беларуску) or its prepositional
and instrumental (на белорусском, на беларускай мове, беларускай мовай), made here from the
adjective's ending (-ий → -и, -ом; -ая → -у, -ай, -ую, -аю). A bare name ("Russian?", «русский»)
is not a request: it may be the adjective of a question ("Russian CEC").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache

from babel import Locale

from bot.language import text as tx
from bot.language.places import LANGUAGES

_PLAIN_CODE = re.compile(r"[a-z]{2,3}")

# What a request for a language says besides its name, per language: verbs of speaking, writing,
# answering and switching and the noun "language" (each makes a bare name a request: "speak
# English"), then the modal and polite words a request takes (allowed, but not enough: "can
# English?"). Matched by stem; the imperatives, whose stems differ from the infinitive's, are
# listed as well.
_SPEECH = {
    "en": "speak talk write answer reply respond switch change understand language translate",
    "ru": ("говорить разговаривать общаться писать отвечать ответить переключиться перейти "
           "сменить поменять понимать язык перевести говори говорите пиши пишите напиши "
           "напишите ответь ответьте отвечай отвечайте переключи переключите переключись "
           "поговорить поговори поговорите"),
    "be": ("гаварыць размаўляць пісаць адказваць адказаць пераключыцца перайсці змяніць "
           "памяняць разумець мова перакласці гавары гаварыце пішы пішыце напішы напішыце "
           "адкажы адкажыце адказвай адказвайце пераключы пераключыце пераключыся "
           "пагаварыць пагавары пагаварыце"),
}
_POLITE = {
    "en": ("please can could would will you me us we let lets i want prefer only do does is it "
           "to with if possible"),
    "ru": ("пожалуйста можно можете можешь могли бы вы ты мне нам со мной с нами давай давайте "
           "хочу нужно лучше ли если"),
    "be": ("калі ласка можна можаце можаш маглі б вы ты мне нам са з мной намі давай давайце "
           "хачу трэба лепш ці"),
}
# prepositions and polite words that make a bare name a request ("in English", "English,
# please", «на русском»); the adverb (по-русски) is one by itself
_MARKERS = frozenset(["in", "please", "на", "по", "па", "пожалуйста", "ласка"])
# the prepositions before the language a conversation is held in ("switching to English",
# "asks in English", «перайду на беларускую», «по-русски»)
_MEDIUM = frozenset(["in", "into", "to", "на", "по", "па"])
# the beginnings of the verbs and nouns of translating: a language after them is where a text
# goes ("how do you say «выбарчая камісія» in Polish?" is a question about words)
_TRANSLATING = ("translat", "перев", "перакла", "say")


def _forms(name: str, lang: str) -> dict[str, bool]:
    """The forms of one CLDR language name a request uses, each marked True when it is an
    adverb (a request by itself)."""
    if lang == "ru" and name.endswith(("ий", "ой")):
        stem = name[:-2]
        return {name: False, stem + "и": True, stem + "ом": False, stem + "ого": False}
    if lang == "be" and name.endswith("ая"):
        stem = name[:-2]
        return {name: False, stem + "у": True, stem + "ай": False, stem + "ую": False,
                stem + "аю": False}
    return {name: False}


@cache
def language_names() -> dict[str, tuple[str, bool]]:
    """Each one-word form of a language's name (folded) -> (its code, whether it is an
    adverb); a form two languages share names neither."""
    found: dict[str, set[tuple[str, bool]]] = {}
    for lang in LANGUAGES:
        for code, name in Locale.parse(lang).languages.items():
            if not _PLAIN_CODE.fullmatch(code) or " " in name or "-" in name:
                continue
            for form, adverb in _forms(tx.fold(name), lang).items():
                found.setdefault(form, set()).add((code, adverb))
    return {form: next(iter(codes)) for form, codes in found.items()
            if len({code for code, _ in codes}) == 1 and len(codes) == 1}


def _words(table: dict[str, str]) -> list[str]:
    return [w for words in table.values() for w in words.split()]


def _english_forms(verb: str) -> set[str]:
    """A regular English verb's -s, -ing and -ed forms (a final silent e dropped before -ing
    and -ed: writing, changed)."""
    base = verb[:-1] if verb.endswith("e") else verb
    return {verb, verb + ("es" if verb.endswith(("ch", "sh", "s", "x")) else "s"),
            base + "ing", base + "ed"}


def request_words() -> frozenset[str]:
    """The words of a request besides the language's name, and the English verbs' inflected
    forms (typo repair must leave them: "switching" is not "watching")."""
    english = {f for w in _SPEECH["en"].split() for f in _english_forms(w)}
    return frozenset(_words(_SPEECH) + _words(_POLITE)) | english


@cache
def _request_stems() -> tuple[frozenset[str], frozenset[str]]:
    """The stems of the verbs of speech and of the polite words."""
    return (frozenset(tx.stem(w) for w in _words(_SPEECH)),
            frozenset(tx.stem(w) for w in _words(_POLITE)))


def requested_language(words: Iterable[str], filler: Callable[[str], bool]) -> str | None:
    """The language code a message asks to be answered in, or None: `words` are the message's
    (folded) words, `filler` says which words carry no meaning of their own (stopwords)."""
    names = language_names()
    speech, polite = _request_stems()
    codes: set[str] = set()
    marked = False
    for word in words:
        word = tx.plain_u(word)  # «на ўкраінскай»
        stem = tx.stem(word)
        if word in names:
            code, adverb = names[word]
            codes.add(code)
            marked = marked or adverb
        elif word in _MARKERS or stem in speech:
            marked = True
        elif not (stem in polite or filler(word)):
            return None
    return next(iter(codes)) if len(codes) == 1 and marked else None


def medium_words(words: Sequence[str], content: Callable[[str], bool]) -> frozenset[int]:
    """The positions of the words that name the language a message is written or wanted in
    rather than anything it asks about: a language's adverb (по-русски, па-беларуску), or its
    name after a preposition of medium when no content word follows ("sorry, switching to
    English — who…", «перайду на беларускую», but not "in Russian elections"), with that
    preposition and a verb of speech before it."""
    names = language_names()
    speech, _ = _request_stems()
    found: set[int] = set()
    if any(w.startswith(_TRANSLATING) for w in words):
        return frozenset()
    for i, word in enumerate(words):
        entry = names.get(tx.plain_u(word))
        if entry is None or i == 0 or words[i - 1] not in _MEDIUM:
            continue
        after = words[i + 1] if i + 1 < len(words) else None
        if entry[1] or after is None or not content(after) or tx.stem(after) in speech:
            found.update((i - 1, i))
            if i > 1 and tx.stem(words[i - 2]) in speech:
                found.add(i - 2)
    return frozenset(found)
