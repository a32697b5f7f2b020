"""Country and territory names in be/ru/en, from CLDR (as babel ships it), in their case forms,
and the cities CLDR names time zones after, each read as its country.

A question that names a place asks about that place, and an answer that never mentions it does
not answer it ("Did CEC members observe the vote in Portugal?"). The knowledge base's lexicon
lists the places its sources name; this module knows every other one, so that an unknown
country is read as a place, not as a plain word or a typo of some known word.

Russian and Belarusian names are declined by the regular noun endings of their grammars
(feminine -а/-я/-ія/-ия, masculine hard and soft stems, plurals in -ы/-і); indeclinable names
(-о, -у, -е, -и/-і: Того, Перу, Чили) keep one form. Stem alternations (Египет → Египта) are
not generated: such forms are left to the matcher's stemming.

A city stands for its country because the sources name countries: "did they observe in
Tashkent?" asks about Uzbekistan. CLDR's exemplar cities (Ташкент, Рыга, Vilnius: capitals and
other large cities, one per time zone) are the city list every locale translates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

LANGUAGES = ("en", "ru", "be")
# CLDR codes of groupings, not places one observes a vote in
_GROUPINGS = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
# territories whose time zones are named after research stations, not cities (Восток: "east")
_NO_CITIES = frozenset({"AQ"})
# the part of a CLDR name that only tells two territories apart: "Congo - Kinshasa",
# "Конго (Киншаса)", "Macao SAR China"
_QUALIFIER = re.compile(r"\s+-\s+.*$|\s*\(.*\)\s*$|\s+SAR\s+.*$|\s+САР\s+.*$|\s+САР$")
# a Belarusian stem's last consonant and the dative and locative ending it alternates into
_BE_ALTERNATION = {"г": "зе", "к": "цы", "х": "се", "д": "дзе", "т": "це"}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Place:
    """One country or territory: its CLDR code and its names, each as lowercase words."""

    code: str
    names: frozenset[tuple[str, ...]]


def _declined(word: str, lang: str) -> set[str]:
    """The case forms of one (lowercase) Russian or Belarusian noun by its ending."""
    forms = {word}
    if lang not in ("ru", "be") or len(word) < 3:
        return forms
    i = "і" if lang == "be" else "и"
    if word.endswith(("ия", "ія")):  # Португалия, Партугалія
        base = word[:-1]
        forms |= {base + i, base + "ю", base + "ей", base + "яй", base + "яю", base + "е"}
    elif word.endswith("я"):  # Русь-like soft feminine
        base = word[:-1]
        forms |= {base + i, base + "ю", base + "ей", base + "е", base + "яй"}
    elif word.endswith("а") and word[-2] in "аеиоуыэюяіё":  # Самоа, Гоа: indeclinable
        pass
    elif word.endswith("а"):  # Куба, Літва
        base = word[:-1]
        # (after г к х, and in Russian after the hushing ж ш ч щ too, the ending is и/і)
        soft_after = "гкхжшчщ" if lang == "ru" else "гкх"
        hard = i if base[-1] in soft_after else "ы"
        forms |= {base + hard, base + "е", base + "у", base + "ой", base + "ою", base + "ай",
                  base + "аю", base + i}
        if lang == "be" and base[-1] in _BE_ALTERNATION:
            # Belarusian dative and locative alternate г/к/х/д/т with з/ц/с/дз/ц: Рыга → у
            # Рызе, Мексіка → у Мексіцы, Канада → у Канадзе, Мальта → на Мальце
            forms.add(base[:-1] + _BE_ALTERNATION[base[-1]])
    elif word.endswith("ы"):  # plurals: Нидерланды, Нідэрланды
        base = word[:-1]
        forms |= ({base + "ов", base + "ам", base + "ами", base + "ах"} if lang == "ru"
                  else {base + "аў", base + "ам", base + "амі", base + "ах"})
    elif word.endswith("й"):  # Парагвай, Уругвай
        base = word[:-1]
        forms |= {base + "я", base + "ю", base + "ем", base + "е", base + i}
    elif word.endswith("ь"):  # Беларусь-like soft feminine or masculine
        base = word[:-1]
        forms |= {base + i, base + "ю", base + "ем", base + "я", base + "е"}
    elif word[-1] not in "оуеиіэюё":  # Ирак, Ірак, Пакістан: hard masculine
        forms |= {word + "а", word + "у", word + "е", word + "ом", word + "ам", word + "ы"}
        if lang == "be" and word[-1] in "дт":  # the locative alternates too: у Тайландзе
            forms.add(word[:-1] + _BE_ALTERNATION[word[-1]])
    return forms


def _names(name: str, lang: str) -> set[tuple[str, ...]]:
    """The word sequences a CLDR name is written as, in every case (adjectives of a name of
    several words are left as they are: "Южная Корея" is found by its noun's forms)."""
    plain = _QUALIFIER.sub("", name).replace("ё", "е").lower()
    words = _WORD.findall(plain)
    if not words:
        return set()
    found = {tuple(words)}
    last = words[-1]
    for form in _declined(last, lang):
        found.add((*words[:-1], form))
    return found


def _is_place(code: str) -> bool:
    """Whether a CLDR territory code is a country or territory (not a continent's number or a
    grouping)."""
    return len(code) == 2 and code.isalpha() and code not in _GROUPINGS


@cache
def places() -> tuple[Place, ...]:
    """Every country and territory CLDR names in be, ru and en (groupings left out)."""
    names: dict[str, set[tuple[str, ...]]] = {}
    for lang in LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            if _is_place(code):
                names.setdefault(code, set()).update(_names(name, lang))
    return tuple(Place(code, frozenset(found)) for code, found in sorted(names.items()))


@cache
def territory_codes() -> frozenset[str]:
    """The CLDR codes of every country and territory (LV, XK)."""
    return frozenset(place.code for place in places())


@cache
def cities() -> tuple[Place, ...]:
    """The cities CLDR names time zones after, in be, ru and en, each under its territory's
    code (one Place per city)."""
    names: dict[tuple[str, str], set[tuple[str, ...]]] = {}
    for zone, code in sorted(get_global("zone_territories").items()):
        if not _is_place(code) or code in _NO_CITIES:
            continue
        located = [get_timezone_location(zone, locale=lang, return_city=True)
                   for lang in LANGUAGES]
        if any("," in city for city in located):
            # a town that CLDR tells apart by its state ("Center, North Dakota", «Центр,
            # Северная Дакота», "Petersburg, Indiana") only marks where a zone's border runs;
            # its name is mostly a common word or a better-known city's
            continue
        for lang, city in zip(LANGUAGES, located, strict=True):
            names.setdefault((zone, code), set()).update(_names(city, lang))
    return tuple(Place(code, frozenset(found)) for (_, code), found in names.items())


# A one-word name shorter than this is left out with its forms (Чад, Oman's "оаэ"): a
# three-letter word is one letter from too many others in a lower-case message. A longer name
# that is a function word ("того": Togo, and "of that") is left out by the stopwords.
MIN_ONE_WORD = 4


def place_names(stopwords: Iterable[str]) -> dict[tuple[str, ...], str]:
    """Each place's and city's names (word tuples) → its CLDR code. One-word names shorter than
    MIN_ONE_WORD and forms that are function words of one of the languages are left out (the
    lexicon lists such a place where the sources name it), and a name two territories share
    goes to the first in CLDR order."""
    skip = frozenset(stopwords)
    table: dict[tuple[str, ...], str] = {}
    # (countries first: a city that shares a country's name, Singapore or Panama, is the country)
    for place in (*places(), *cities()):
        short = {ws for ws in place.names if len(ws) == 1 and len(ws[0]) < MIN_ONE_WORD}
        for words in sorted(place.names):
            if len(words) == 1 and (words[0] in skip or any(
                    words[0].startswith(s[0][:-1]) and len(words[0]) <= len(s[0]) + 2
                    for s in short)):
                continue
            table.setdefault(words, place.code)
    return table
