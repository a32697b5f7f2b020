"""Classes of questions, tested on members no eval set contains and on a base of their own:
places from CLDR in their case forms, acronyms spelled letter by letter, reported content and
lists asked for."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from bot.answering.matcher import Matcher
from bot.knowledge.base import load_knowledge
from bot.language import text as tx
from bot.language.places import place_names

from .helpers import shipped_lexicon_matcher

# Fifty countries that no eval set names, as a grammar declines them: (code, en, ru nominative,
# ru prepositional "в ...", be nominative, be locative "у ..."), written by hand.
COUNTRIES = [
    ("PT", "Portugal", "Португалия", "Португалии", "Партугалія", "Партугаліі"),
    ("NO", "Norway", "Норвегия", "Норвегии", "Нарвегія", "Нарвегіі"),
    ("SE", "Sweden", "Швеция", "Швеции", "Швецыя", "Швецыі"),
    ("FI", "Finland", "Финляндия", "Финляндии", "Фінляндыя", "Фінляндыі"),
    ("DK", "Denmark", "Дания", "Дании", "Данія", "Даніі"),
    ("DE", "Germany", "Германия", "Германии", "Германія", "Германіі"),
    ("FR", "France", "Франция", "Франции", "Францыя", "Францыі"),
    ("ES", "Spain", "Испания", "Испании", "Іспанія", "Іспаніі"),
    ("IT", "Italy", "Италия", "Италии", "Італія", "Італіі"),
    ("GR", "Greece", "Греция", "Греции", "Грэцыя", "Грэцыі"),
    ("TR", "Turkey", "Турция", "Турции", "Турцыя", "Турцыі"),
    ("AT", "Austria", "Австрия", "Австрии", "Аўстрыя", "Аўстрыі"),
    ("BE", "Belgium", "Бельгия", "Бельгии", "Бельгія", "Бельгіі"),
    ("CH", "Switzerland", "Швейцария", "Швейцарии", "Швейцарыя", "Швейцарыі"),
    ("IE", "Ireland", "Ирландия", "Ирландии", "Ірландыя", "Ірландыі"),
    ("IS", "Iceland", "Исландия", "Исландии", "Ісландыя", "Ісландыі"),
    ("EE", "Estonia", "Эстония", "Эстонии", "Эстонія", "Эстоніі"),
    ("PL", "Poland", "Польша", "Польше", "Польшча", "Польшчы"),
    ("HU", "Hungary", "Венгрия", "Венгрии", "Венгрыя", "Венгрыі"),
    ("RO", "Romania", "Румыния", "Румынии", "Румынія", "Румыніі"),
    ("BG", "Bulgaria", "Болгария", "Болгарии", "Балгарыя", "Балгарыі"),
    ("RS", "Serbia", "Сербия", "Сербии", "Сербія", "Сербіі"),
    ("HR", "Croatia", "Хорватия", "Хорватии", "Харватыя", "Харватыі"),
    ("SI", "Slovenia", "Словения", "Словении", "Славенія", "Славеніі"),
    ("SK", "Slovakia", "Словакия", "Словакии", "Славакія", "Славакіі"),
    ("AL", "Albania", "Албания", "Албании", "Албанія", "Албаніі"),
    ("MT", "Malta", "Мальта", "Мальте", "Мальта", "Мальце"),
    ("CY", "Cyprus", "Кипр", "Кипре", "Кіпр", "Кіпры"),
    ("MN", "Mongolia", "Монголия", "Монголии", "Манголія", "Манголіі"),
    ("AF", "Afghanistan", "Афганистан", "Афганистане", "Афганістан", "Афганістане"),
    ("PK", "Pakistan", "Пакистан", "Пакистане", "Пакістан", "Пакістане"),
    ("TM", "Turkmenistan", "Туркменистан", "Туркменистане", "Туркменістан",
     "Туркменістане"),
    ("IQ", "Iraq", "Ирак", "Ираке", "Ірак", "Іраку"),
    ("SY", "Syria", "Сирия", "Сирии", "Сірыя", "Сірыі"),
    ("IL", "Israel", "Израиль", "Израиле", "Ізраіль", "Ізраілі"),
    ("JO", "Jordan", "Иордания", "Иордании", "Іарданія", "Іарданіі"),
    ("SA", "Saudi Arabia", "Саудовская Аравия", "Саудовской Аравии", "Саудаўская Аравія",
     "Саудаўскай Аравіі"),
    ("NP", "Nepal", "Непал", "Непале", "Непал", "Непале"),
    ("TH", "Thailand", "Таиланд", "Таиланде", "Тайланд", "Тайландзе"),
    ("ID", "Indonesia", "Индонезия", "Индонезии", "Інданезія", "Інданезіі"),
    ("AU", "Australia", "Австралия", "Австралии", "Аўстралія", "Аўстраліі"),
    ("CA", "Canada", "Канада", "Канаде", "Канада", "Канадзе"),
    ("MX", "Mexico", "Мексика", "Мексике", "Мексіка", "Мексіцы"),
    ("BR", "Brazil", "Бразилия", "Бразилии", "Бразілія", "Бразіліі"),
    ("AR", "Argentina", "Аргентина", "Аргентине", "Аргенціна", "Аргенціне"),
    ("CO", "Colombia", "Колумбия", "Колумбии", "Калумбія", "Калумбіі"),
    ("VE", "Venezuela", "Венесуэла", "Венесуэле", "Венесуэла", "Венесуэле"),
    ("NG", "Nigeria", "Нигерия", "Нигерии", "Нігерыя", "Нігерыі"),
    ("KE", "Kenya", "Кения", "Кении", "Кенія", "Кеніі"),
    ("ZA", "South Africa", "ЮАР", "ЮАР", "Паўднёва-Афрыканская Рэспубліка",
     "Паўднёва-Афрыканскай Рэспубліцы"),
]

# Forms the declension rules leave out on purpose (the adjectives of a name of several words:
# Паўднёва-Афрыканскай Рэспубліцы, Саудовской Аравии), and names CLDR does not use (ЮАР;
# "Turkey": CLDR's English name is "Türkiye"): these are left to the matcher's stemming or
# the lexicon; the test says which, so that a new rule is seen.
NOT_GENERATED = {"Turkey", "ЮАР", "Паўднёва-Афрыканскай Рэспубліцы", "Саудовской Аравии",
                 "Саудаўскай Аравіі"}


def _key(name: str) -> tuple[str, ...]:
    return tuple(tx.words(name))


@pytest.mark.parametrize("row", COUNTRIES, ids=[r[0] for r in COUNTRIES])
def test_fifty_countries_in_three_languages_and_two_cases(row: tuple[str, ...]) -> None:
    code, *names = row
    table = place_names([])
    for name in names:
        assert (table.get(_key(name)) == code) == (name not in NOT_GENERATED), name


def test_short_names_that_are_common_words_are_left_out() -> None:
    table = place_names(["того"])
    # Того (Togo) is also "of that"; Чад is one letter from too many words
    for word in ("того", "чад", "чада"):
        assert (word,) not in table
    assert table[("тога",)] == "TG"  # (its Belarusian name is no function word)
    assert table[("кипре",)] == "CY"


LEXICON = {
    "synonyms.yaml": """\
        groups:
          - key: nvw
            kind: name
            terms: [nvw, нвв, nordwatch, "nordic vote watch"]
          - key: pkm
            kind: name
            terms: [пкм]
          - key: q-list
            terms: [list, перечислите, пералічыце]
          - key: q-how-many
            terms: ["how many", сколько, колькі]
          - key: q-how
            terms: [how, как, як]
          - key: budget
            kind: fact
            terms: [budget, бюджет]
          - key: reported
            kind: fact
            terms: [criticise, criticised, критиковали]
          - key: country
            terms: [country, countries, страна, краіна]
          - key: ceased
            kind: fact
            terms: [leave, left, stop, stopped, quit, вышла, перестала, выйшла, спыніла]
          - key: elections
            terms: [election, elections, выборы, выбары]
          - key: observe
            terms: [observe, observed, наблюдать, наблюдала, назіраць, назірала, назірае]
        """,
    "stopwords.yaml": """\
        stopwords:
          en: [the, in, of, is, are, a, did, does, it, what, who, they]
          ru: [в, и, что, это, ну, ли, за]
          be: [у, ў, і, што, гэта, ну, ці, за]
        """,
}

TOPIC = """\
    topic: watch
    title: "Vote watchers"
    entries:
      - id: nvw-about
        questions:
          en: ["What is Nordic Vote Watch?", "Who are NVW?"]
          ru: ["Что такое НВВ?"]
          be: ["Што такое НВВ?"]
        answer: >-
          According to its charter, Nordic Vote Watch (NVW) is a network of observer groups.
        sources: [{title: "The charter"}]
      - id: nvw-countries
        questions:
          en: ["In which countries does NVW observe elections?"]
          ru: ["В каких странах наблюдает НВВ?"]
          be: ["У якіх краінах назірае НВВ?"]
        answer: >-
          According to its charter, NVW has observed elections in Norway, Sweden, Finland and
          Iceland.
        sources: [{title: "The charter"}]
      - id: pkm-about
        questions:
          ru: ["Что такое ПКМ?"]
          be: ["Што такое ПКМ?"]
          en: ["What is the PKM?"]
        answer: "According to its statute, the PKM is a commission of 12 members."
        sources: [{title: "The statute"}]
    """


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    root: Path = tmp_path_factory.mktemp("kb")
    (root / "lexicon").mkdir()
    for name, text in LEXICON.items():
        (root / "lexicon" / name).write_text(dedent(text), encoding="utf-8")
    (root / "watch.yaml").write_text(dedent(TOPIC), encoding="utf-8")
    return Matcher(load_knowledge(root))


def test_a_country_the_answer_does_not_hold_is_not_answered(matcher: Matcher) -> None:
    # Norway is in the answer; Portugal (any case, any language, lower case too) is not
    assert matcher.match("Did NVW observe elections in Norway?").status == "answer"
    for question in ("Did NVW observe elections in Portugal?",
                     "Наблюдала ли НВВ за выборами в португалии?",
                     "Ці назірала НВВ за выбарамі ў Партугаліі?"):
        found = matcher.match(question)
        assert found.status != "answer", question
        assert "@place-pt" in found.analysis.terms


def test_a_country_in_another_language_covers_the_answer(matcher: Matcher) -> None:
    # the English answer's "Finland" is the Russian question's «Финляндии»
    found = matcher.match("Наблюдала ли НВВ за выборами в Финляндии?")
    assert (found.status, found.entry_id) == ("answer", "nvw-countries")


@pytest.mark.parametrize("question,entry_id", [
    ("um what is n v w", "nvw-about"),
    ("ну что такое пэ ка эм", "pkm-about"),
    ("што такое пэ ка эм", "pkm-about"),
])
def test_an_acronym_spelled_letter_by_letter(matcher: Matcher, question: str,
                                             entry_id: str) -> None:
    found = matcher.match(question)
    assert (found.status, found.entry_id) == ("answer", entry_id)


def test_spelled_letters_that_make_no_known_word_stay_words(matcher: Matcher) -> None:
    # "в и с" spells nothing the base knows: its letters stay prepositions and a conjunction
    assert matcher.analyse("НВВ в и с").words == ("нвв", "в", "и", "с")


def test_reported_content_is_not_answered_by_an_answer_that_quotes_none(
        matcher: Matcher) -> None:
    assert matcher.match("What did NVW criticise in Norway?").status != "answer"
    assert matcher.match("Что критиковали в НВВ?").status != "answer"


def test_a_list_is_answered_only_by_an_answer_that_enumerates(matcher: Matcher) -> None:
    listed = matcher.match("List the countries where NVW observes elections")
    assert (listed.status, listed.entry_id) == ("answer", "nvw-countries")
    # the PKM's answer counts its members but names none
    assert matcher.match("Перечислите членов ПКМ").status != "answer"


PREMISE_TOPIC = """\
    topic: club
    title: "Club"
    entries:
      - id: club-membership
        questions:
          en: ["Since when is the commission a member of the club?",
               "When did the commission join the club?"]
          ru: ["С какого года комиссия в клубе?"]
          be: ["З якога года камісія ў клубе?"]
        answer: >-
          According to the club, the commission has been its member since 1996. The club has
          9 members.
        sources: [{title: "The club's page"}]
    """


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    root: Path = tmp_path_factory.mktemp("club")
    (root / "lexicon").mkdir()
    for name, text in LEXICON.items():
        (root / "lexicon" / name).write_text(dedent(text), encoding="utf-8")
    (root / "club.yaml").write_text(dedent(PREMISE_TOPIC), encoding="utf-8")
    return Matcher(load_knowledge(root))


@pytest.mark.parametrize("question", [
    "Is it true that the commission joined the club in 2004?",
    "The commission is a member of the club since 2004, right?",
    "Правда ли, что комиссия в клубе с 2004 года?",
    "Комиссия в клубе с 2004 года, да?",
    "Ці праўда, што камісія ў клубе з 2004 года?",
])
def test_a_statement_with_a_year_the_sources_contradict_gets_the_entry(
        club: Matcher, question: str) -> None:
    found = club.match(question)
    assert (found.status, found.entry_id, found.premise) == (
        "answer", "club-membership", ("2004",))


@pytest.mark.parametrize("question", [
    # not put forward to be confirmed: the sources say nothing of 2004
    "What did the commission do in the club in 2004?",
    # a statement to confirm, but about a year the entry does not hold for anything else
    "Is it true that the commission joined the club in 2004 and left it in 2006?",
])
def test_other_unknown_years_stay_partial(club: Matcher, question: str) -> None:
    found = club.match(question)
    assert found.status != "answer" or not found.premise
    assert found.status != "answer"


def test_the_premise_reply_leads_with_what_the_sources_state(tmp_path: Path) -> None:
    from bot.conversation import Conversation
    from bot.conversation.render import plain_text
    from bot.knowledge.catalogs import load_catalogs

    (tmp_path / "kb" / "lexicon").mkdir(parents=True)
    for name, text in LEXICON.items():
        (tmp_path / "kb" / "lexicon" / name).write_text(dedent(text), encoding="utf-8")
    (tmp_path / "kb" / "club.yaml").write_text(dedent(PREMISE_TOPIC), encoding="utf-8")
    kb = load_knowledge(tmp_path / "kb")
    # the interface's catalogs (in English they are the source texts)
    locales = Path(__file__).resolve().parent.parent / "locales"
    conversation = Conversation(kb, load_catalogs(locales), Matcher(kb))
    reply = conversation.ask("Is it true that the commission joined the club in 2004?")
    assert reply.caveat == "My sources don't mention 2004. Here is what they do say:"
    assert plain_text(reply).startswith(reply.caveat)
    assert "since 1996" in reply.body and "since 1996" not in reply.caveat
    # a year further into the answer is not quoted: the answer with it follows the line
    (tmp_path / "kb" / "club.yaml").write_text(dedent(PREMISE_TOPIC.replace(
        "According to the club, the commission has been its member since 1996. The club has\n"
        "          9 members.", "The club has 9 members. According to the club, the commission "
        "has been its member since 1996.")), encoding="utf-8")
    kb = load_knowledge(tmp_path / "kb")
    conversation = Conversation(kb, load_catalogs(locales), Matcher(kb))
    reply = conversation.ask("Is it true that the commission joined the club in 2004?")
    assert reply.caveat == "My sources don't mention 2004. Here is what they do say:"
    assert plain_text(reply).count("since 1996") == 1


@pytest.mark.parametrize("question", [
    "When did the commission leave the club?",
    "Why did the commission stop being a member of the club?",
    "Since when is the commission no longer a member of the club?",
    "Когда комиссия вышла из клуба?", "Калі камісія выйшла з клуба?",
    "Калі камісія перастала быць членам клуба?",
])
def test_an_end_the_sources_contradict_gets_the_entry_with_what_they_state(
        tmp_path_factory: pytest.TempPathFactory, question: str) -> None:
    from bot.answering.matcher import ENDED
    found = shipped_lexicon_matcher(tmp_path_factory.mktemp("club-shipped"), {
        "club.yaml": PREMISE_TOPIC}).match(question)
    assert (found.status, found.entry_id, found.premise) == (
        "answer", "club-membership", (ENDED,))


def test_an_end_is_not_taken_as_contradicted_by_an_answer_that_gives_no_duration(
        tmp_path: Path) -> None:
    (tmp_path / "lexicon").mkdir()
    for name, text in LEXICON.items():
        (tmp_path / "lexicon" / name).write_text(dedent(text), encoding="utf-8")
    topic = PREMISE_TOPIC.replace("has been its member since 1996", "joined it in 1996")
    (tmp_path / "club.yaml").write_text(dedent(topic), encoding="utf-8")
    found = Matcher(load_knowledge(tmp_path)).match("When did the commission leave the club?")
    assert found.status != "answer" and not found.premise


def test_the_end_premise_reply_leads_with_one_line_then_the_whole_answer(
        tmp_path: Path) -> None:
    from bot.conversation import Conversation
    from bot.knowledge.catalogs import load_catalogs

    (tmp_path / "lexicon").mkdir()
    for name, text in LEXICON.items():
        (tmp_path / "lexicon" / name).write_text(dedent(text), encoding="utf-8")
    (tmp_path / "club.yaml").write_text(dedent(PREMISE_TOPIC), encoding="utf-8")
    kb = load_knowledge(tmp_path)
    locales = Path(__file__).resolve().parent.parent / "locales"
    conversation = Conversation(kb, load_catalogs(locales), Matcher(kb))
    reply = conversation.ask("When did the commission leave the club?")
    assert reply.kind == "answer"
    assert reply.caveat == ("My sources don't say whether this has changed, and they may not be "
                            "up to date. Here is what they say:")
    assert "has been its member since 1996" in reply.body


@pytest.mark.parametrize("form", [
    # the shipped lexicon's verbs of ending, in forms no eval set contains
    "withdrew", "ceased", "stopped", "quit", "покинула", "прекратила", "перестали",
    "пакінула", "перасталі", "спынілі",
])
def test_verbs_of_ending_in_the_shipped_lexicon(shipped_lexicon: Matcher, form: str) -> None:
    assert shipped_lexicon.terms_of(form) == ["@ceased"]


@pytest.fixture(scope="module")
def shipped_lexicon(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    """The shipped lexicon (the languages' words) over a topic of this test's own."""
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("lexicon"), {"watch.yaml": TOPIC})


@pytest.mark.parametrize("term,forms", [
    # кто / хто and что / што in every case (чаму asks "why" in Belarusian, not "what")
    ("@q-who", ["who", "whom", "кто", "кого", "кому", "кем", "ком", "хто", "каго", "каму",
                "кім"]),
    ("@q-what", ["what", "что", "чего", "чем", "чём", "што", "чаго", "чым"]),
    ("@q-where", ["where", "где", "куда", "откуда", "дзе", "куды", "адкуль"]),
])
def test_question_words_in_all_their_case_forms(shipped_lexicon: Matcher, term: str,
                                                forms: list[str]) -> None:
    for form in forms:
        assert shipped_lexicon.terms_of(form) == [term], form


def test_a_question_joined_by_and_to_one_asking_with_whom_is_split(
        shipped_lexicon: Matcher) -> None:
    from bot.answering.dialogue import split_questions
    assert split_questions(shipped_lexicon, "Што такое НВВ і з кім яна супрацоўнічае?") == [
        "Што такое НВВ", "з кім яна супрацоўнічае?"]


OUT_OF_SCOPE = """\
    practical:
      en: [register, "next election", "become an observer"]
      ru: ["стать наблюдателем"]
    opinion:
      en: [independent, "will win"]
      ru: ["кто победит"]
    """

INVITE_TOPIC = """\
    topic: invite
    title: "Invitations"
    entries:
      - id: invite-who
        questions:
          en: ["Who invites observers?", "How do observers get invited?"]
          ru: ["Кто приглашает наблюдателей?", "Как приглашают наблюдателей?"]
          be: ["Хто запрашае назіральнікаў?"]
        answer: "According to the article, the commission invites observers to every election."
        sources: [{title: "The article"}]
    """


@pytest.fixture(scope="module")
def invite(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    root: Path = tmp_path_factory.mktemp("invite")
    (root / "lexicon").mkdir()
    for name, text in {**LEXICON, "outofscope.yaml": OUT_OF_SCOPE}.items():
        (root / "lexicon" / name).write_text(dedent(text), encoding="utf-8")
    (root / "invite.yaml").write_text(dedent(INVITE_TOPIC), encoding="utf-8")
    kb = load_knowledge(root)
    # the Russian answer names the article («статья») and observers, never becoming one
    russian = "По данным статьи, комиссия приглашает наблюдателей на все выборы."
    return Matcher(kb, answers={"invite-who": [russian]})


@pytest.mark.parametrize("question,cls", [
    ("Who will win the next election?", "opinion"),
    ("The next election: who will win it?", "practical"),
    ("How do I register as an independent observer?", "practical"),
    ("Is the commission independent when it has to register observers?", "opinion"),
])
def test_the_first_out_of_scope_phrase_decides_the_class(invite: Matcher, question: str,
                                                         cls: str) -> None:
    assert invite.analyse(question).outofscope[0] == cls


@pytest.mark.parametrize("question", ["How do I become an observer?",
                                      "Как стать наблюдателем?"])
def test_a_practical_phrase_is_covered_only_as_a_phrase(invite: Matcher, question: str) -> None:
    # «статья» shares its stem with «стать», and the answer names observers: the phrase
    # «стать наблюдателем» is still nowhere in it
    found = invite.match(question)
    assert (found.status, found.outofscope) == ("none", "practical")
    assert invite.match("Кто приглашает наблюдателей?").status == "answer"


def test_context_before_the_question_is_read_as_context(invite: Matcher) -> None:
    # a practical phrase and a specific fact in the sentences before the question do not
    # decide it; the same words in the question do
    found = invite.match("Our budget is small and we'd like to register observers for the "
                         "next election. Who invites observers?")
    assert (found.status, found.entry_id) == ("answer", "invite-who")
    assert invite.match("Who invites observers for the next election?").status == "none"
    assert invite.match("Who invites observers and what is their budget?").status != "answer"


def test_a_fact_asked_after_the_question_still_counts(invite: Matcher) -> None:
    # "...? I need to know the budget." is part of the request
    assert invite.match("Who invites observers? I need to know their budget.").status != (
        "answer")


LATIN_TOPIC = """\
    topic: central
    title: "Central commission"
    entries:
      - id: central-about
        questions:
          en: ["What is the central commission?"]
          ru: ["Что такое центральная комиссия?"]
          be: ["Што такое цэнтральная камісія?"]
        answer: "According to its statute, the central commission runs elections."
        sources: [{title: "The statute"}]
    """


def test_belarusian_in_latin_letters_is_not_read_as_an_english_stem(
        tmp_path: Path) -> None:
    (tmp_path / "central.yaml").write_text(dedent(LATIN_TOPIC), encoding="utf-8")
    matcher = Matcher(load_knowledge(tmp_path))
    # "centralnaja" shares only "centr" with "central": it is Belarusian, transliterated
    words = matcher.analyse("shto heta za centralnaja kamisija").words
    assert all(tx.is_cyrillic(w) for w in words[-2:]), words
    assert matcher.match("centralnaja kamisija").ranked[0][0] == "central-about"
    # an English word with an English ending still reads as typed
    assert matcher.analyse("centrals").words == ("centrals",)


JOURNAL_TOPIC = """\
    topic: journal
    title: "Journal"
    entries:
      - id: club-journal
        questions:
          en: ["Does the club publish a journal?", "What does the club publish?"]
          ru: ["Издает ли клуб журнал?"]
          be: ["Ці выдае клуб часопіс?"]
        answer: >-
          According to the club, it publishes a journal. Since 2001 the club has held a
          congress every year.
        sources: [{title: "The club's page"}]
    """


def test_a_year_given_for_something_else_does_not_answer_when(tmp_path: Path) -> None:
    (tmp_path / "lexicon").mkdir()
    lexicon = {name: dedent(text) for name, text in LEXICON.items()}
    lexicon["synonyms.yaml"] += '  - key: q-year\n    terms: ["what year", "since what year"]\n'
    for name, text in lexicon.items():
        (tmp_path / "lexicon" / name).write_text(text, encoding="utf-8")
    (tmp_path / "journal.yaml").write_text(dedent(JOURNAL_TOPIC), encoding="utf-8")
    matcher = Matcher(load_knowledge(tmp_path))
    # the answer's one year is that of the congresses, not of the journal
    found = matcher.match("Since what year has the club published a journal?")
    assert found.status != "answer" and found.verdicts[0].asked == "year"
    assert "year" not in found.verdicts[0].holds
    held = matcher.verify(matcher.analyse("Since what year has the club held a congress?"),
                          "club-journal")
    assert (held.asked, "year" in held.holds) == ("year", True)


@pytest.mark.parametrize("message,parts", [
    ("what is nvw? where does it observe", ["what is nvw?", "where does it observe"]),
    ("что такое НВВ. где она наблюдает", ["что такое НВВ.", "где она наблюдает"]),
    # a statement without a question word stays context
    ("I read about NVW. What is it?", ["What is it?"]),
])
def test_a_sentence_that_opens_as_a_question_asks_without_a_question_mark(
        shipped_lexicon: Matcher, message: str, parts: list[str]) -> None:
    from bot.answering.dialogue import split_questions
    assert split_questions(shipped_lexicon, message) == parts


@pytest.mark.parametrize("said,number", [
    ("nineteen ninety eight", "1998"), ("nineteen ninety-eight", "1998"),
    ("two thousand and four", "2004"), ("one hundred and five", "105"),
    ("two thousand four", "2004"), ("twenty twenty", "2020"), ("twenty five", "25"),
    ("nine hundred ninety nine", "999"),
    ("тысяча девятьсот девяносто восьмом", "1998"), ("две тысячи четвертого", "2004"),
    ("двадцать пять", "25"), ("сто пятьдесят", "150"), ("двухтысячном", None),
    ("тысяча дзевяцьсот дзевяноста восьмым", "1998"), ("дзве тысячы чацвёртым", "2004"),
    ("дваццаць пяць", "25"),
])
def test_numbers_dictated_in_words(said: str, number: str | None) -> None:
    read = tx.read_numbers(tx.words(said))
    if number is None:
        assert not any(w.isdigit() for w in read), read
    else:
        assert read == [number]


@pytest.mark.parametrize("words", [
    "the first two countries", "друг друга", "сколько стоит семинар в пятницу",
    "семь семинаров", "two three", "в четверг два"])
def test_words_that_only_look_like_numerals_stay_words(words: str) -> None:
    assert tx.read_numbers(tx.words(words)) == tx.words(words)


@pytest.mark.parametrize("question", ["what is n vw", "who are nord wach", "who are nv w"])
def test_a_name_heard_as_two_words_is_joined(matcher: Matcher, question: str) -> None:
    assert "@nvw" in matcher.analyse(question).terms


def test_two_known_words_are_never_joined(matcher: Matcher) -> None:
    # "in" and "it" are words of their own even where "init" might be near something
    assert matcher.analyse("what is in it").words == ("what", "is", "in", "it")


@pytest.mark.parametrize("question", ["What's NVW's phone number?", "Какой телефон у НВВ?",
                                      "Які адрас у НВВ?", "How can I contact NVW?",
                                      "What is the NVW address?", "Where are NVW's addresses?"])
def test_contact_details_get_the_practical_reply(shipped_lexicon: Matcher,
                                                 question: str) -> None:
    found = shipped_lexicon.match(question)
    assert (found.status, found.outofscope) == ("none", "practical")


def test_international_contacts_are_not_contact_details(shipped_lexicon: Matcher) -> None:
    assert shipped_lexicon.analyse("З кім НВВ мае міжнародныя кантакты?").outofscope == ()


@pytest.mark.parametrize("question", [
    "Besides NVW, who observed elections in Norway?",
    "Did anyone other than NVW observe elections in Norway?",
    "Кроме НВВ, кто наблюдал за выборами в Норвегии?",
    "Акрамя НВВ, хто назіраў за выбарамі ў Нарвегіі?",
])
def test_a_question_about_others_than_what_it_names(matcher: Matcher, question: str) -> None:
    # the answer about NVW in Norway does not say who else observed there
    assert matcher.match(question).status != "answer"


@pytest.mark.parametrize("form", [
    # the superlative of "close", synthetic and analytic, in forms no eval set contains
    "most intensively", "теснейшее", "наиболее тесное", "самым близким", "самае цеснае",
    "самыя блізкія", "найбольш цесныя",
])
def test_the_superlative_of_close_in_the_shipped_lexicon(shipped_lexicon: Matcher,
                                                         form: str) -> None:
    assert shipped_lexicon.terms_of(form) == ["@closest"]


def test_belarusian_initial_u_after_a_vowel_is_the_same_word(shipped_lexicon: Matcher) -> None:
    # «у» is spelled «ў» after a vowel: the same word, the same phrase
    assert tx.stem("ўваходзіць") == tx.stem("уваходзіць")
    assert "@q-year" in shipped_lexicon.terms_of("і ў якім годзе")
    assert shipped_lexicon.terms_of("ў якім годзе") == shipped_lexicon.terms_of("у якім годзе")


PANEL = """\
    topic: panel
    title: "The panel"
    entries:
      - id: panel-about
        questions:
          en: ["What is the NVW panel?", "What does the NVW panel do?"]
          ru: ["Что такое комиссия НВВ?"]
          be: ["Што такое камісія НВВ?"]
        answer: >-
          According to its statute, the NVW panel is a body of 12 member countries that
          reviews election laws in the Nordic region.
        sources: [{title: "The statute"}]
      - id: panel-size
        questions:
          en: ["How many countries are in the NVW panel?"]
          ru: ["Сколько стран в комиссии НВВ?"]
          be: ["Колькі краін у камісіі НВВ?"]
        answer: "According to its statute, the NVW panel has 12 member countries."
        sources: [{title: "The statute"}]
      - id: panel-seats
        questions:
          en: ["Where does the NVW panel meet?"]
          ru: ["Где собирается комиссия НВВ?"]
          be: ["Дзе збіраецца камісія НВВ?"]
        answer: "According to its statute, the NVW panel meets in Norway, Finland and Iceland."
        sources: [{title: "The statute"}]
    """


def test_the_answer_that_gives_both_facts_comes_first(tmp_path: Path) -> None:
    from bot.answering.dialogue import understand
    panel = shipped_lexicon_matcher(tmp_path, {"panel.yaml": PANEL})
    # the answer on what the panel is gives its 12 countries too: it comes first, the other
    # still follows
    found = understand(panel, "How many countries are in the NVW panel and what does it do?",
                       None)
    assert [m.entry_id for m in found] == ["panel-about", "panel-size"]
    # where it meets: only the other answer names the places, so the order stays
    found = understand(panel, "Where does the NVW panel meet and what does it do?", None)
    assert [m.entry_id for m in found] == ["panel-seats", "panel-about"]


HABIT_TOPIC = """\
    topic: visits
    title: "Visits"
    entries:
      - id: panel-visits
        questions:
          en: ["Does the NVW panel visit the commission?"]
          ru: ["Посещает ли комиссия НВВ избирком?"]
          be: ["Ці наведвае камісія НВВ выбаркам?"]
        answer: >-
          According to the commission, the NVW panel traditionally visits it before elections.
        sources: [{title: "The commission's page"}]
    """


@pytest.mark.parametrize("question", [
    # an end that a habit contradicts: its date (or a year) is not a date the answer lacks
    "When did the NVW panel stop visiting the commission?",
    "Did the NVW panel stop visiting the commission in 2011?",
    "Когда комиссия НВВ перестала посещать избирком?",
    "Калі камісія НВВ перастала наведваць выбаркам?",
])
def test_an_end_a_habit_contradicts_gets_the_entry_with_what_it_states(
        tmp_path_factory: pytest.TempPathFactory, question: str) -> None:
    from bot.answering.matcher import ENDED
    found = shipped_lexicon_matcher(tmp_path_factory.mktemp("habit"), {
        "visits.yaml": HABIT_TOPIC}).match(question)
    assert (found.status, found.entry_id, found.premise) == (
        "answer", "panel-visits", (ENDED,)), found.reason


@pytest.mark.parametrize("question", [
    # a label that judges an organisation or a document, in forms no eval set contains
    "Are the people who invite observers extremists?", "Is the invitation procedure illegal?",
    "Являются ли приглашённые наблюдатели иноагентами?",
    "Хто запрашае назіральнікаў — тэрарыстычная структура?",
])
def test_a_label_that_judges_is_asked_as_an_opinion(shipped_lexicon: Matcher,
                                                      question: str) -> None:
    found = shipped_lexicon.match(question)
    assert found.status == "none" and found.analysis.outofscope[:1] == ("opinion",), (
        found.reason)


@pytest.mark.parametrize("message", [
    # thanks with an intensifier or what it is for, and farewells, in forms no eval set has
    "Огромное спасибо!", "Thank you very much", "Шчыра дзякую", "Всего доброго!",
    "Усяго найлепшага", "Much appreciated, take care",
])
def test_thanks_and_farewells_are_small_talk(shipped_lexicon: Matcher, message: str) -> None:
    assert shipped_lexicon.match(message).status == "smalltalk"


# Cities (CLDR's exemplar cities of time zones) read as their countries, in the nominative and
# the locative («у Празе», «у Бялградзе»: the Belarusian alternations); none is in an eval set.
CITIES = [
    ("SK", "Bratislava", "Братислава", "Братиславе", "Браціслава", "Браціславе"),
    ("CZ", "Prague", "Прага", "Праге", "Прага", "Празе"),
    ("GR", "Athens", "Афины", "Афинах", "Афіны", "Афінах"),
    ("PT", "Lisbon", "Лиссабон", "Лиссабоне", "Лісабон", "Лісабоне"),
    ("ES", "Madrid", "Мадрид", "Мадриде", "Мадрыд", "Мадрыдзе"),
    ("EE", "Tallinn", "Таллин", "Таллине", "Талін", "Таліне"),
    ("TJ", "Dushanbe", "Душанбе", "Душанбе", "Душанбэ", "Душанбэ"),
    ("HR", "Zagreb", "Загреб", "Загребе", "Заграб", "Заграбе"),
    ("RS", "Belgrade", "Белград", "Белграде", "Бялград", "Бялградзе"),
    ("AF", "Kabul", "Кабул", "Кабуле", "Кабул", "Кабуле"),
    ("IQ", "Baghdad", "Багдад", "Багдаде", "Багдад", "Багдадзе"),
]


@pytest.mark.parametrize("row", CITIES, ids=[r[1] for r in CITIES])
def test_cities_read_as_their_countries(row: tuple[str, ...]) -> None:
    code, *names = row
    table = place_names([])
    for name in names:
        assert table.get(_key(name)) == code, name


def test_a_city_that_names_a_country_is_the_country() -> None:
    # (countries first: Singapore, Panama, Kuwait are cities and countries alike)
    table = place_names([])
    assert table[("singapore",)] == "SG" and table[("kuwait",)] == "KW"
    # research stations are no cities: «Восток» is "east"
    assert ("восток",) not in table


@pytest.mark.parametrize("name", ["center", "центр", "knox", "monticello", "petersburg",
                                  "питерсберг", "beulah", "vincennes", "marengo"])
def test_a_town_told_apart_by_its_state_is_no_place(name: str) -> None:
    # ("Center, North Dakota", «Центр, Северная Дакота»: a zone's border town, whose name is
    # mostly a common word or a better-known city's)
    assert (name,) not in place_names([])


NAMES = """\
  - key: nvw
    kind: name
    terms: [nvw, нвв, "nordic vote watch"]
  - key: pkm
    kind: name
    terms: [pkm, пкм]
"""


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    """The shipped lexicon, the two organisations of TOPIC named in it, and TOPIC."""
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("named"), {"watch.yaml": TOPIC},
                                   NAMES)


@pytest.fixture(scope="module")
def long_named(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    """As `named`, with NVW's full names of several words (no initialism among them)."""
    return shipped_lexicon_matcher(
        tmp_path_factory.mktemp("long_named"), {"watch.yaml": TOPIC}, NAMES.replace(
            '"nordic vote watch"]', '"nordic vote watch", "nordic network of vote watchers",'
            ' "северная сеть наблюдателей за голосованием стран скандинавии",'
            ' "паўночная сетка назіральнікаў за галасаваннем"]'))


@pytest.mark.parametrize("question", [
    # the initials of a name's words besides function words, with or without the noun of its
    # countries, as people abbreviate a long name
    "Who are the NNVW?", "Что такое ССНГСС?", "Что такое ССНГС?", "Што такое ПСНГ?",
])
def test_a_name_is_known_by_its_initialism(long_named: Matcher, question: str) -> None:
    match = long_named.match(question)
    assert (match.status, match.entry_id) == ("answer", "nvw-about")


def test_initialisms_of_few_letters_are_left_out() -> None:
    from bot.answering.terms import initialisms
    assert initialisms(["central", "commission"], frozenset()) == set()
    assert initialisms(["vote", "watch", "of", "norway"], frozenset({"of"})) == set()
    assert initialisms(["nordic", "vote", "watch", "of", "norway"], frozenset({"of"})) == {
        "nvwn"}


@pytest.mark.parametrize("first,correction,entry_id", [
    ("What is NVW?", "Sorry, no, I meant the PKM", "pkm-about"),
    ("Что такое НВВ?", "Ой, нет, я имела в виду ПКМ", "pkm-about"),
    ("Што такое ПКМ?", "Не, я меў на ўвазе НВВ", "nvw-about"),
    # a place narrows the last question: the last answer covers it
    ("In which countries does NVW observe elections?", "no I mean Finland", "nvw-countries"),
    ("У якіх краінах назірае НВВ?", "не, я пра Ісландыю", "nvw-countries"),
])
def test_a_correction_asks_the_last_question_again(named: Matcher, first: str,
                                                   correction: str, entry_id: str) -> None:
    from bot.answering.dialogue import context_after, understand
    context = context_after(named, understand(named, first, None), None)
    found = understand(named, correction, context)
    assert [(m.status, m.entry_id) for m in found] == [("answer", entry_id)]


def test_a_correction_to_a_place_the_answer_lacks_is_not_answered(named: Matcher) -> None:
    from bot.answering.dialogue import context_after, understand
    context = context_after(
        named, understand(named, "In which countries does NVW observe elections?", None), None)
    assert understand(named, "no, I meant Portugal", context)[0].status != "answer"


@pytest.mark.parametrize("question", [
    "What's the weather in Norway?", "Какая погода в Исландии?", "Якое надвор'е ў Швецыі?",
    # a city is its country: Oslo is Norway, and no answer is about the time there
    "What time is it in Oslo now?",
])
def test_a_question_linked_to_an_answer_by_places_alone_is_not_answered(
        named: Matcher, question: str) -> None:
    found = named.match(question)
    assert found.status == "none", question


def test_a_place_beside_what_the_answer_is_about_still_answers(named: Matcher) -> None:
    found = named.match("Did NVW observe the elections in Oslo?")
    assert (found.status, found.entry_id) == ("answer", "nvw-countries")


@pytest.mark.parametrize("question", [
    "What is NVW, and where is my polling station?",
    "Что такое НВВ и где мой избирательный участок?",
    "Што такое НВВ? І дзе мой выбарчы ўчастак?",
])
def test_two_questions_one_outside_the_sources(named: Matcher, question: str) -> None:
    from bot.answering.dialogue import understand
    found = understand(named, question, None)
    # the answer, then the other question's decline with its class
    assert [(m.status, m.entry_id) for m in found] == [("answer", "nvw-about"), ("none", None)]
    assert found[1].outofscope == "practical"


@pytest.mark.parametrize("question", [
    # the evaluative scale asked of something, the bot's own view asked with ты/вы/you, and
    # whether someone tells the truth — in forms no eval set contains
    "Ці добрая сетка НВВ?", "Ці дрэнныя назіральнікі НВВ?", "Як ты ставішся да НВВ?",
    "Ці праўду кажуць у НВВ?", "ПКМ хлусіць пра выбары?",
    "Хорошая ли сеть НВВ?", "Как вы относитесь к ПКМ?", "ПКМ врёт о выборах?",
    "Можно ли верить НВВ?",
    "Is NVW bad?", "What do you make of NVW?", "Does the PKM lie about elections?",
])
def test_a_judgement_asked_in_other_words_is_an_opinion(shipped_lexicon: Matcher,
                                                          question: str) -> None:
    found = shipped_lexicon.match(question)
    assert found.status == "none" and found.analysis.outofscope[:1] == ("opinion",), (
        found.reason)


@pytest.mark.parametrize("question", [
    # «добры» and "good" of greetings are no judgement
    "Добры вечар! Што такое ПКМ?", "Добрый вечер, что такое ПКМ?",
    "Good evening, what is the PKM?",
])
def test_a_greeting_with_good_is_not_an_opinion(shipped_lexicon: Matcher, question: str) -> None:
    found = shipped_lexicon.match(question)
    assert (found.status, found.entry_id) == ("answer", "pkm-about"), found.reason


@pytest.mark.parametrize("question", [
    # scalar focus particles weigh what follows; they ask nothing of their own
    "Did NVW at least observe the elections in Norway?",
    "Наблюдала ли НВВ хотя бы за выборами в Норвегии?",
    "Ці назірала НВВ хаця б за выбарамі ў Нарвегіі?",
    "Did NVW even observe elections in Finland?",
])
def test_focus_particles_add_nothing_to_what_is_asked(shipped_lexicon: Matcher,
                                                      question: str) -> None:
    found = shipped_lexicon.match(question)
    assert (found.status, found.entry_id) == ("answer", "nvw-countries"), found.reason


YEARBOOK = """\
    topic: yearbook
    title: "The yearbook"
    entries:
      - id: nvw-laws
        questions:
          en: ["What does NVW review?"]
          ru: ["Что проверяет НВВ?"]
          be: ["Што правярае НВВ?"]
        answer: "According to its yearbook, NVW reviews election laws."
        sources: [{title: "NVW, yearbook"}]
      - id: pkm-about
        questions:
          en: ["What is the PKM?"]
          ru: ["Что такое ПКМ?"]
          be: ["Што такое ПКМ?"]
        answer: "According to the NVW yearbook, the PKM is a commission that observes elections."
        sources: [{title: "NVW, yearbook"}]
    """


def test_what_someone_says_is_answered_only_by_their_own_text(tmp_path: Path) -> None:
    yearbook = shipped_lexicon_matcher(tmp_path, {"yearbook.yaml": YEARBOOK}, NAMES)
    # NVW publishes the source: its answer is what NVW says
    found = yearbook.match("What does NVW say about the PKM?")
    assert (found.status, found.entry_id) == ("answer", "pkm-about"), found.reason
    # the PKM's own words are quoted nowhere
    for question in ("What does the PKM say about elections?", "Что ПКМ говорит о выборах?",
                     "Што ПКМ кажа пра выбары?"):
        found = yearbook.match(question)
        assert found.status != "answer", question
        assert "@reported" in found.analysis.terms


# the panel with an answer on who its members are, and a third entry in place of its size
MEMBERS = PANEL.replace(
    'en: ["What is the NVW panel?", "What does the NVW panel do?"]',
    'en: ["What is the NVW panel?", "What does the NVW panel do?",\n'
    '               "Who are the members of the NVW panel?"]').replace(
    "is a body of 12 member countries that\n          reviews election laws in the Nordic "
    "region.", "is a body whose members come from Norway and\n          Sweden; it reviews "
    "election laws.").replace("panel-size", "pkm-about").replace(
    "How many countries are in the NVW panel?", "What is the PKM?").replace(
    "Сколько стран в комиссии НВВ?", "Что такое ПКМ?").replace(
    "Колькі краін у камісіі НВВ?", "Што такое ПКМ?").replace(
    "the NVW panel has 12 member countries.", "the PKM is a commission of 12 members.")


def test_the_question_word_does_not_outweigh_a_word_left_unexplained(tmp_path: Path) -> None:
    panel = shipped_lexicon_matcher(tmp_path, {"panel.yaml": MEMBERS})
    # the entry written for "where" says nothing of members; the other does, and is first
    for question in ("Чем занимается комиссия НВВ и откуда её члены?",
                     "Чым займаецца камісія НВВ і адкуль яе члены?"):
        found = panel.match(question)
        assert (found.status, found.entry_id) == ("answer", "panel-about"), found.reason
    # where it meets is still the other's
    found = panel.match("Где собирается комиссия НВВ?")
    assert (found.status, found.entry_id) == ("answer", "panel-seats"), found.reason


@pytest.mark.parametrize("request_", [
    # other-initiated repair, a challenge of the source, a request to reformulate — in forms
    # no eval set contains
    "Sorry, what does that mean?", "How do you know?", "too long", "tl;dr",
    "В смысле?", "Откуда вы знаете?", "Можно покороче?",
    "Не зразумеў", "Адкуль ты ведаеш?", "Занадта доўга",
])
def test_a_request_about_the_last_answer_shows_it_again(named: Matcher, request_: str) -> None:
    from bot.answering.dialogue import context_after, understand
    context = context_after(
        named, understand(named, "In which countries does NVW observe elections?", None), None)
    found = understand(named, request_, context)
    assert [(m.status, m.entry_id, m.again) for m in found] == [
        ("answer", "nvw-countries", True)]
    # with nothing to refer to, nothing is shown again
    assert understand(named, request_, None)[0].status != "answer"


def test_a_request_that_names_something_is_a_question(named: Matcher) -> None:
    from bot.answering.dialogue import context_after, understand
    context = context_after(
        named, understand(named, "In which countries does NVW observe elections?", None), None)
    found = understand(named, "What do you mean by PKM?", context)
    assert [(m.status, m.entry_id, m.again) for m in found] == [("answer", "pkm-about", False)]


@pytest.mark.parametrize("form", [
    # the comparative of "close" in the three grammars, as the superlative is
    "closer", "more closely", "теснее", "более тесно", "цясней", "больш цесна",
])
def test_the_comparative_of_close_in_the_shipped_lexicon(shipped_lexicon: Matcher,
                                                         form: str) -> None:
    assert shipped_lexicon.terms_of(form) == ["@closest"]


@pytest.mark.parametrize("form", [
    # the superlative of any adjective of a close relationship, synthetic and analytic, in
    # forms no eval set contains
    "warmest", "tightest", "most intimate", "the most friendly", "самые дружеские",
    "наиболее дружественные", "теплее всего", "самыми тёплыми",
    "самыя сяброўскія", "найцяплейшыя", "на самай кароткай назе",
])
def test_the_superlative_of_any_word_of_closeness(shipped_lexicon: Matcher, form: str) -> None:
    assert "@closest" in shipped_lexicon.analyse(f"Who is the CEC {form} with?").terms


@pytest.mark.parametrize("form", [
    # neither a superlative of another adjective, nor a word of closeness without one
    "the most important", "самый короткий", "close cooperation", "дружеские отношения",
    "на короткой ноге", "цёплыя адносіны", "in the nearest future", "в ближайшие годы",
])
def test_other_superlatives_and_plain_closeness_are_not_the_closest(shipped_lexicon: Matcher,
                                                                    form: str) -> None:
    assert "@closest" not in shipped_lexicon.analyse(f"Who is the CEC {form} with?").terms


def test_a_superlative_of_closeness_is_no_typo(shipped_lexicon: Matcher) -> None:
    # "thickest" is not one letter off a word of the base: it is read, not repaired
    assert "@closest" in shipped_lexicon.analyse("Who is the CEC thickest with?").terms


@pytest.mark.parametrize(("question", "word"), [
    # volapuk (4 for ч, 6 for ш) in words no eval set contains
    ("4to takoe NVW?", "что"), ("skol'ko 4lenov v PKM?", "член"),
    ("NVW nabludaet 6ire?", "шир"),
])
def test_volapuk_is_read_as_translit(named: Matcher, question: str, word: str) -> None:
    # (the reading, perhaps then repaired to a word the base knows: членов → член)
    assert any(w.startswith(word) for w in named.analyse(question).words)


@pytest.mark.parametrize("word", ["NGOs", "CECs", "OSCEs"])
def test_the_plural_of_an_acronym_is_the_acronym(shipped_lexicon: Matcher, word: str) -> None:
    assert shipped_lexicon.analyse(f"Which {word} are there?").terms == \
        shipped_lexicon.analyse(f"Which {word[:-1]} are there?").terms


def test_how_many_counts_the_noun_not_the_place_before_it(named: Matcher) -> None:
    # the commission has 12 members: "how many Norwegian members" asks a number of members
    for question in ("How many Norwegian members does the PKM have?",
                     "Сколько норвежских членов в ПКМ?"):
        verdicts = {v.entry_id: v for v in named.match(question).verdicts}
        assert "number" in verdicts["pkm-about"].holds, question


@pytest.mark.parametrize("question", [
    "Кто такой этот НВВ?", "Кто такие наблюдатели НВВ?", "Кто такая эта лига?",
    "Хто такі гэты НВВ?", "Хто такія назіральнікі НВВ?", "Хто такая гэтая ліга?",
])
def test_who_is_such_asks_what_someone_is(shipped_lexicon: Matcher, question: str) -> None:
    # «кто такой», «хто такі» ask what someone is (identity), not who did something
    terms = shipped_lexicon.analyse(question).terms
    assert "@q-what" in terms and "@q-who" not in terms
