"""Text normalisation: case, punctuation, stems, transliteration and keyboard-layout repair."""

from __future__ import annotations

import functools
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


def words(text: str) -> list[str]:
    """The words of `text` (folded; punctuation, emoji and symbols dropped)."""
    folded = fold(text)
    found = _WORD_RE.findall(folded)
    if "'" in folded:
        found = [w[:-2] if w.endswith("'s") else w for w in found]
    return found if folded.isascii() else [_one_script(w) for w in found]


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
def stem(word: str) -> str:
    """A crude, language-neutral stem: truncate, then drop trailing vowels.

    Inflection in Belarusian and Russian mostly changes word endings (выборы, выборах, выборов),
    so a prefix of the word is a robust key across all three languages without per-language rules.
    """
    word = word.replace("'", "")
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


def spelled_letter(token: str) -> str | None:
    """The letter a token names when it spells a word letter by letter ("эс" → "с", "e" →
    "e"), or None."""
    word = fold(token).strip(".,;:!?()«»\"'“”„-")
    if len(word) == 1 and word.isalpha():
        return word
    return _LETTER_NAMES.get(word)
