"""Text normalisation: case, punctuation, stems, transliteration and keyboard-layout repair."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

# Apostrophe look-alikes people type in Belarusian words (сям'я) and in transliteration.
_APOSTROPHES = "\u2019\u02bc\u2018`\u00b4\u02b9"
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*", re.UNICODE)
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f]", re.IGNORECASE)
_VOWELS = set("aeiouyаеёиоуыэюяіўйь")
_VOWEL_CHARS = "".join(sorted(_VOWELS))  # (what rstrip takes)

STEM_LENGTH = 6


def fold(text: str) -> str:
    """Unicode-normalised, lower-cased text with ё→е and one kind of apostrophe."""
    if text.isascii():  # most phrasings and messages in English: nothing to normalise
        return text.lower().replace("`", "'")
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("ё", "е")
    for mark in _APOSTROPHES:
        text = text.replace(mark, "'")
    return text


# English negative contractions whose auxiliary is not the word without n't, "cannot", and
# the contractions of the other auxiliaries typed without their apostrophe ("isnt", "dont")
_NEGATED_AUXILIARIES = {"won't": "will", "can't": "can", "shan't": "shall", "ain't": "is",
                        "cannot": "can", "wont": "will", "cant": "can", "shant": "shall",
                        "aint": "is"} | {
    aux + "nt": aux for aux in ("do", "does", "did", "is", "are", "was", "were", "has", "have",
                                "had", "could", "would", "should", "must", "need", "might")}
# (whole words only: a letter, a digit or an apostrophe after one ends no contraction)
_CONTRACTION_RE = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _NEGATED_AUXILIARIES),
                                                         key=len, reverse=True))
                             + r"|[a-z]+n't)(?![\w'])")


def words(text: str) -> list[str]:
    """The words of `text` (folded; punctuation, emoji and symbols dropped; an English negative
    contraction as its auxiliary and "not": "wasn't" is "was not")."""
    folded = fold(text)
    if "n" in folded:  # (every contraction has one: most Cyrillic texts skip the search)
        folded = _CONTRACTION_RE.sub(_uncontracted, folded)
    found = _WORD_RE.findall(folded)
    if "'" in folded:
        found = [w[:-2] if w.endswith("'s") else w for w in found]
    return found if folded.isascii() else [_one_script(w) for w in found]


def _uncontracted(match: re.Match[str]) -> str:
    """A negative contraction spelled out: its auxiliary and "not"."""
    word = match.group()
    auxiliary = _NEGATED_AUXILIARIES.get(word)
    return (word[:-3] if auxiliary is None else auxiliary) + " not"


def word_set(text: str) -> set[str]:
    """The distinct words of `text`, as `words` reads them (each distinct whitespace-separated
    token read once: a word never spans whitespace, and neither does folding look across it)."""
    return set(words(" ".join(set(text.split()))))


# Latin and Cyrillic letters that look alike: a word typed half on each keyboard ("аcеееo")
# (lower-case pairs of letters that look alike at least in capitals: М/M, Н/H, В/B, Т/T)
_LOOK_ALIKE_LATIN, _LOOK_ALIKE_CYRILLIC = "abcehikmoptxy", "авсенікмортху"
_HOMOGLYPHS_TO_CYRILLIC = str.maketrans(_LOOK_ALIKE_LATIN, _LOOK_ALIKE_CYRILLIC)
_HOMOGLYPHS_TO_LATIN = str.maketrans(_LOOK_ALIKE_CYRILLIC, _LOOK_ALIKE_LATIN)


@functools.lru_cache(maxsize=1 << 16)
def _one_script(word: str) -> str:
    """A word that mixes look-alike Latin and Cyrillic letters, written in the script most of its
    letters are in (memoised: a base's hundreds of thousands of words are a few tens of
    thousands of distinct ones)."""
    if word.isascii():
        return word
    if not (_CYRILLIC_RE.search(word) and _LATIN_RE.search(word)):
        return word
    cyrillic = len(_CYRILLIC_RE.findall(word))
    latin = sum(1 for c in word if c.isalpha()) - cyrillic
    table = _HOMOGLYPHS_TO_CYRILLIC if cyrillic >= latin else _HOMOGLYPHS_TO_LATIN
    return word.translate(table)


@functools.lru_cache(maxsize=1 << 16)  # the same few tens of thousands of words recur
def plain_u(word: str) -> str:
    """The word with its initial ў as у: Belarusian spells a word's initial у as ў after a
    vowel (official orthography, § "у нескладовае"), so «у якім годзе» and «і ў якім годзе»
    are one phrase."""
    return "у" + word[1:] if word[:1] == "ў" else word


def stem(word: str) -> str:
    """A crude, language-neutral stem: truncate, then drop trailing vowels.

    Inflection in Belarusian and Russian mostly changes word endings (выборы, выборах, выборов),
    so a prefix of the word is a robust key across all three languages without per-language rules.
    """
    word = plain_u(word.replace("'", ""))
    if len(word) <= 3 or word.isdigit():
        return word
    core = word[:STEM_LENGTH]
    trimmed = core.rstrip(_VOWEL_CHARS)
    if len(trimmed) >= 4 or (len(trimmed) == 3 and len(word) <= 4):
        return trimmed  # ЦИКа → цик, but какой stays apart from как
    return core[:4]


def is_cyrillic(word: str) -> bool:
    return bool(_CYRILLIC_RE.search(word))


def is_latin(word: str) -> bool:
    return bool(_LATIN_RE.search(word)) and not is_cyrillic(word)


# --- transliteration (Latin → Cyrillic), as people type it informally -------------------------

_TRANSLIT_COMMON = {
    "shch": "щ", "sch": "щ", "zh": "ж", "kh": "х", "ch": "ч", "sh": "ш", "ts": "ц", "tz": "ц",
    "yu": "ю", "ju": "ю", "iu": "ю", "ya": "я", "ja": "я", "ia": "я", "yo": "е", "jo": "е",
    "ye": "е", "je": "е", "ck": "к", "ph": "ф",
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з", "'": "ь",
    # "volapuk", the chat translit of phones without Cyrillic, writes ч and ш as the digits
    # that look like them: 4to (что), 6kola (школа); only inside a word with letters
    "4": "ч", "6": "ш",
}
_TRANSLIT = {
    "ru": _TRANSLIT_COMMON,
    # Belarusian: і not и, ў, шч, г for h, and the Łacinka letters.
    "be": {
        **_TRANSLIT_COMMON,
        # Łacinka marks softness with i (cie → це), so a bare e after a consonant is hard (э)
        "shch": "шч", "sch": "шч", "ie": "е", "io": "е", "e": "э", "i": "і", "h": "г", "w": "ў",
        "ŭ": "ў", "'": "'",
        "č": "ч", "š": "ш", "ž": "ж", "ć": "ць", "ś": "сь", "ź": "зь", "ń": "нь", "ł": "л",
    },
}
_TRANSLIT_LENGTHS = {lang: sorted({len(k) for k in table}, reverse=True)
                     for lang, table in _TRANSLIT.items()}


@functools.lru_cache(maxsize=1 << 15)
def transliterate(word: str, lang: str) -> str:
    """Latin-script `word` read as Russian or Belarusian translit ("kto takie" → "кто такие")."""
    table, lengths = _TRANSLIT[lang], _TRANSLIT_LENGTHS[lang]
    if word.isdigit():
        return word  # a number (2008), not volapuk
    out: list[str] = []
    i = 0
    while i < len(word):
        # the longest letter group that has a reading (at most one of each length can match)
        for size in lengths:
            key = word[i:i + size]
            if len(key) == size and key in table:
                piece = table[key]
                # "y" after a vowel is й (takoy → такой), elsewhere ы (vybory → выборы).
                if key == "y" and out and out[-1][-1:] in _VOWELS - {"й", "ь", "ў"}:
                    piece = "й"
                # a word-initial e is э in Russian (eto → это); in Belarusian too (эксперт).
                if key == "e" and i == 0:
                    piece = "э"
                out.append(piece)
                i += len(key)
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


# --- keyboard layouts ---------------------------------------------------------------------------

_EN_KEYS = "`qwertyuiop[]asdfghjkl;'zxcvbnm,./"
_LAYOUT_KEYS = {
    "ru": "ёйцукенгшщзхъфывапролджэячсмитьбю.",
    "be": "ёйцукенгшўзх'фывапролджэячсмітьбю.",
}
_TO_CYRILLIC = {lang: str.maketrans(_EN_KEYS, keys) for lang, keys in _LAYOUT_KEYS.items()}
_TO_LATIN = {lang: str.maketrans(keys, _EN_KEYS) for lang, keys in _LAYOUT_KEYS.items()}
LAYOUT_CHARS = frozenset(_EN_KEYS)


def from_en_layout(word: str, lang: str) -> str:
    """What `word` typed on an English layout meant on the `lang` layout ("rnj" → "кто")."""
    return word.lower().translate(_TO_CYRILLIC[lang])


def to_en_layout(word: str, lang: str) -> str:
    """What Cyrillic `word` meant on an English layout ("цру" → "who")."""
    return word.lower().translate(_TO_LATIN[lang])


# The names of the letters, as speech-to-text writes a spelled-out acronym ("цэ вэ ка", "о бэ
# эс е", "e n e m o"): the standard letter names of the Russian and Belarusian alphabets and
# of the English one (with its common spellings), each → its letter. A letter typed alone is
# itself.
_LETTER_NAMES: dict[str, str] = {
    # Russian and Belarusian (where they differ, both)
    "бэ": "б", "вэ": "в", "гэ": "г", "дэ": "д", "жэ": "ж", "зэ": "з", "ка": "к", "эль": "л",
    "эл": "л", "эм": "м", "эн": "н", "пэ": "п", "эр": "р", "эс": "с", "тэ": "т", "эф": "ф",
    "ха": "х", "цэ": "ц", "че": "ч", "чэ": "ч", "ша": "ш", "ща": "щ",
    # English
    "bee": "b", "cee": "c", "dee": "d", "ef": "f", "eff": "f", "gee": "g", "aitch": "h",
    "jay": "j", "kay": "k", "el": "l", "em": "m", "en": "n", "pee": "p", "cue": "q",
    "ar": "r", "ess": "s", "es": "s", "tee": "t", "vee": "v", "ex": "x", "wy": "y",
    "zed": "z", "zee": "z",
}


@functools.lru_cache(maxsize=1 << 14)
def bare(token: str) -> str:
    """A whitespace-separated token folded, without the punctuation around it."""
    return fold(token).strip(".,;:!?()«»\"'“”„-")


@functools.lru_cache(maxsize=1 << 14)
def spelled_letter(token: str) -> str | None:
    """The letter a token names when it spells a word letter by letter ("эс" → "с", "e" →
    "e"), or None."""
    word = bare(token)
    if len(word) == 1 and word.isalpha():
        return word
    return _LETTER_NAMES.get(word)


# Numbers dictated in words ("nineteen ninety-eight", «тысяча девятьсот девяносто восьмом»,
# «дваццаць пяць»): the cardinal and ordinal numerals of the three languages' grammars, by
# the beginning every case form of the word shares, with its value. Units and teens end a
# number, tens and hundreds add, тысяча/thousand multiplies what came before it.
_NUMERAL_STEMS: dict[str, int] = {
    # English
    "one": 1, "first": 1, "two": 2, "second": 2, "three": 3, "third": 3, "four": 4,
    "fourth": 4, "five": 5, "fifth": 5, "six": 6, "sixth": 6, "seven": 7, "seventh": 7,
    "eight": 8, "eighth": 8, "nine": 9, "ninth": 9, "ten": 10, "tenth": 10, "eleven": 11,
    "twelve": 12, "twelfth": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "thousand": 1000,
    # Russian (cardinals and the stems of their ordinals and cases)
    "один": 1, "одна": 1, "одно": 1, "перв": 1, "два": 2, "две": 2, "двух": 2, "втор": 2,
    "три": 3, "трет": 3, "трех": 3, "четыр": 4, "четверт": 4, "пят": 5, "шест": 6,
    "сем": 7, "седьм": 7, "восем": 8, "восьм": 8, "девят": 9, "десят": 10,
    "одиннадцат": 11, "двенадцат": 12, "тринадцат": 13, "четырнадцат": 14,
    "пятнадцат": 15, "шестнадцат": 16, "семнадцат": 17, "восемнадцат": 18,
    "девятнадцат": 19, "двадцат": 20, "тридцат": 30, "сорок": 40, "пятидесят": 50,
    "пятьдесят": 50, "шестьдесят": 60, "шестидесят": 60, "семьдесят": 70, "семидесят": 70,
    "восемьдесят": 80, "восьмидесят": 80, "девяност": 90, "сто": 100, "сотн": 100,
    "двести": 200, "двухсот": 200, "триста": 300, "трехсот": 300, "четыреста": 400,
    "четырехсот": 400, "пятьсот": 500, "пятисот": 500, "шестьсот": 600, "шестисот": 600,
    "семьсот": 700, "семисот": 700, "восемьсот": 800, "восьмисот": 800,
    "девятьсот": 900, "девятисот": 900, "тысяч": 1000, "двухтысячн": 2000,
    # Belarusian (the beginnings Russian shares are above)
    "адзін": 1, "адна": 1, "адно": 1, "перш": 1, "дзве": 2, "тры": 3, "трэц": 3, "чатыр": 4,
    "чацвёрт": 4, "чацверт": 4, "пяць": 5, "шэсць": 6, "шост": 6, "сём": 7, "дзевяць": 9,
    "дзявят": 9, "дзесяць": 10, "дзясят": 10, "адзінаццат": 11, "дванаццат": 12, "трынаццат": 13,
    "чатырнаццат": 14, "пятнаццат": 15, "шаснаццат": 16, "сямнаццат": 17, "васямнаццат": 18,
    "дзевятнаццат": 19, "дваццат": 20, "дваццаць": 20, "трыццат": 30, "трыццаць": 30, "сорак": 40,
    "пяцьдзесят": 50, "пяцідзесят": 50, "шэсцьдзесят": 60, "шасцідзесят": 60, "семдзесят": 70,
    "сямідзесят": 70, "восемдзесят": 80, "васьмідзесят": 80, "дзевяност": 90, "дзевяноста": 90,
    "дзвесце": 200, "трыста": 300, "чатырыста": 400, "пяцьсот": 500, "шэсцьсот": 600,
    "семсот": 700, "васямсот": 800, "дзевяцьсот": 900,
}
# The endings the case forms of numerals add to those beginnings: the noun and adjective
# (ordinal) declensions of Russian and Belarusian, and English "-s". A word whose rest is not
# one of them is another word («стоит», «семинар», «пятница»).
_NUMERAL_ENDINGS = frozenset({
    "", "s", "ь", "и", "і", "ы", "о", "а", "у", "е", "ю", "ью", "ем", "ём", "ом", "ой", "ою",
    "ей", "ам", "ах", "ами", "ями", "ях", "ти", "ці", "ый", "ий", "ая", "ое", "ые", "ого",
    "ому", "ым", "ых", "ыми", "ую", "ага", "аму", "ае", "ыя", "ай", "аю", "ымі", "ім", "іх",
    "ох", "ёх", "ух", "ёма", "ыма", "юх"})


_NUMERAL_LONGEST = max(map(len, _NUMERAL_STEMS))


@functools.lru_cache(maxsize=1 << 14)
def numeral(word: str) -> int | None:
    """The value of one (folded) numeral word in any of its forms, or None."""
    # (the longest beginning first, looked up: a word costs a few dictionary look-ups)
    for size in range(min(len(word), _NUMERAL_LONGEST), 2, -1):
        value = _NUMERAL_STEMS.get(word[:size])
        if value is not None and word[size:] in _NUMERAL_ENDINGS:
            return value
    return None


def read_numbers(words: list[str]) -> list[str]:
    """The words with each run of two or more numeral words read as the number it says
    ("nineteen ninety eight" → "1998", «дваццаць пяць» → "25"); a numeral alone ("two
    NGOs") stays a word."""
    out: list[str] = []
    i = 0
    while i < len(words):
        j, values = i, list[int]()
        while j < len(words):
            if (words[j] == "and" and values and j + 1 < len(words)
                    and numeral(words[j + 1]) is not None):
                j += 1  # "two thousand and four", "one hundred and five"
            value = numeral(words[j])
            if value is None:
                break
            values.append(value)
            j += 1
        number = _number(values) if len(values) >= 2 else None
        if number is not None:
            out.append(str(number))
            i = j
        else:
            out.append(words[i])
            i += 1
    return out


def _rank(value: int) -> str:
    return ("unit" if value < 10 else "teen" if value < 20 else "ten" if value < 100
            else "thousand" if value >= 1000 else "hundred")


# what may follow what in a number said in words ("ninety eight", "nineteen ninety", "two
# thousand four", «девятьсот девяносто восьмом»); anything else is two numbers or none
_FOLLOWS = {
    "unit": {"hundred", "thousand"},
    "teen": {"ten", "teen", "thousand", "hundred"},
    "ten": {"unit", "thousand", "ten", "teen"},
    "hundred": {"ten", "teen", "unit", "thousand"},
    "thousand": {"hundred", "ten", "teen", "unit"},
}


def _number(values: list[int]) -> int | None:
    """The number a run of numeral values says, or None when they make no one number."""
    for a, b in itertools.pairwise(values):
        if _rank(b) not in _FOLLOWS[_rank(a)] or (b == 100 and a >= 10):
            return None
    total = current = 0
    for v in values:
        if v == 1000:
            total += max(current, 1) * 1000
            current = 0
        elif v == 100 and 0 < current < 10:
            current *= 100  # "nine hundred"
        elif 10 <= current < 100 and current % 10 == 0 and v < 10:
            current += v  # "ninety eight"
        elif 10 <= current < 100 and v >= 10 and v < 100:
            current = current * 100 + v  # "nineteen ninety" (a year said in pairs)
        else:
            current += v
    return total + current
