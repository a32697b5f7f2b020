"""Normalisation, stems, transliteration and keyboard-layout repair."""

import unicodedata

import pytest

from bot.language import text as tx


def test_fold_lowercases_and_unifies_yo_and_apostrophes() -> None:
    assert tx.fold("ЁЛКА Сям’я") == "елка сям'я"


def test_words_drop_punctuation_and_emoji_but_keep_apostrophe_words() -> None:
    assert tx.words("Што такое ЦВК??? 🙂 сям’я, OSCE!") == ["што", "такое", "цвк", "сям'я", "osce"]


@pytest.mark.parametrize(("text", "read"), [
    # an English negative contraction is its auxiliary and "not", with or without apostrophe
    ("Why weren't they asked?", ["why", "were", "not", "they", "asked"]),
    ("it won't, we can't", ["it", "will", "not", "we", "can", "not"]),
    ("they cannot come", ["they", "can", "not", "come"]),
    ("shouldnt it", ["should", "not", "it"]),
    ("NVW’s report isn’t out", ["nvw", "report", "is", "not", "out"]),
    # no contraction: a word that ends in "nt", a Belarusian apostrophe
    ("event, want, сям'я", ["event", "want", "сям'я"]),
])
def test_negative_contractions_are_spelled_out(text: str, read: list[str]) -> None:
    assert tx.words(text) == read


@pytest.mark.parametrize("text", [
    "What's the OSCE's role?", "Who `invites` observers", "ENEMO's report, 2024!",
    "They haven't, NVW’s can't", "isnt it",
    "Кто такой ЦИК?", "Што такое аcеееo", "mixed ЦВК and OSCE's view", "Café ﬁnal", "",
])
def test_words_fast_paths_read_like_the_general_one(text: str) -> None:
    # fold and words skip normalisation and script repair for ASCII text; the result must be
    # what the general path gives
    folded = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    for mark in tx._APOSTROPHES:
        folded = folded.replace(mark, "'")
    assert tx.fold(text) == folded
    folded = tx._CONTRACTION_RE.sub(tx._uncontracted, folded)
    assert tx.words(text) == [tx._one_script(w[:-2] if w.endswith("'s") else w)
                              for w in tx._WORD_RE.findall(folded)]
    assert tx.word_set(text) == set(tx.words(text))


def test_distinct_words_read_token_by_token_like_the_whole_text() -> None:
    """word_set reads each distinct whitespace-separated token once: the same words as reading
    the whole text (a final sigma, a spacing accent, a ligature, an apostrophe word)."""
    import random

    rng = random.Random(1)
    alphabet = "aZ ёЁʼ’`´¨ﬁΣσςİı\u0301\u00a0\t\n-'’s ЎўІі 1x_Ⅻ²ß🙂"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40)))
        assert tx.word_set(text) == set(tx.words(text)), text


@pytest.mark.parametrize(("a", "b"), [
    ("выборы", "выборах"), ("выборов", "выборы"), ("наблюдатели", "наблюдателей"),
    ("назіральнікі", "назіральнікаў"), ("observers", "observer"), ("invited", "invitation"),
    ("countries", "country"),
])
def test_inflections_share_a_stem(a: str, b: str) -> None:
    assert tx.stem(a) == tx.stem(b)


@pytest.mark.parametrize(("a", "b"), [("international", "interest"), ("член", "чем")])
def test_different_words_keep_different_stems(a: str, b: str) -> None:
    assert tx.stem(a) != tx.stem(b)


@pytest.mark.parametrize(("latin", "lang", "cyrillic"), [
    ("kto", "ru", "кто"), ("takie", "ru", "такие"), ("chto", "ru", "что"),
    ("nabljudateli", "ru", "наблюдатели"), ("priglashenie", "ru", "приглашение"),
    ("takoy", "ru", "такой"), ("vybory", "ru", "выборы"), ("eto", "ru", "это"),
    ("shto", "be", "што"), ("hto", "be", "гто"), ("supracoŭnictva", "be", "супрацоўніцтва"),
    ("dzie", "be", "дзе"),
    # volapuk: 4 for ч, 6 for ш inside a word; a number stays a number
    ("4ast", "ru", "част"), ("6kola", "ru", "школа"), ("ne4to", "ru", "нечто"),
    ("vy6e", "ru", "выше"), ("2008", "ru", "2008"), ("46", "ru", "46"),
])
def test_transliteration(latin: str, lang: str, cyrillic: str) -> None:
    assert tx.transliterate(latin, lang) == cyrillic


def test_layout_repair_both_ways() -> None:
    assert tx.from_en_layout("rnj nfrbt", "ru") == "кто такие"
    assert tx.from_en_layout("xnj nfrjt", "ru") == "что такое"
    # Belarusian layout: і on the b key, ў on o, apostrophe on ]
    assert tx.from_en_layout("yfpbhfkmybrfo", "be") == "назіральнікаў"
    assert tx.to_en_layout("црщ", "ru") == "who"


def test_script_detection() -> None:
    assert tx.is_cyrillic("цвк") and not tx.is_latin("цвк")
    assert tx.is_latin("enemo") and not tx.is_cyrillic("enemo")


def test_transliteration_takes_the_longest_letter_group() -> None:
    """The table lookup by length gives what trying every key, longest first, gives."""
    import random

    from bot.language import text as tx

    def reference(word: str, lang: str) -> str:
        table = tx._TRANSLIT[lang]
        keys = sorted(table, key=len, reverse=True)
        out: list[str] = []
        i = 0
        while i < len(word):
            for key in keys:
                if word.startswith(key, i):
                    piece = table[key]
                    if key == "y" and out and out[-1][-1:] in tx._VOWELS - {"й", "ь", "ў"}:
                        piece = "й"
                    if key == "e" and i == 0:
                        piece = "э"
                    out.append(piece)
                    i += len(key)
                    break
            else:
                out.append(word[i])
                i += 1
        return "".join(out)

    rng = random.Random(5)
    for _ in range(20_000):
        word = "".join(rng.choice("abcdeghijklmnoprstuvyzchkhshjw'")
                       for _ in range(rng.randint(1, 10)))
        for lang in tx._TRANSLIT:
            assert tx.transliterate(word, lang) == reference(word, lang), (word, lang)
