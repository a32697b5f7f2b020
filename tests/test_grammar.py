"""The closed classes of bot/answering/grammar.py, tested on members no eval set contains, with
the shipped lexicon (the languages' words) over topics of the tests' own."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.dialogue import split_questions
from bot.answering.matcher import Match, Matcher
from bot.answering.terms import name_head

from .helpers import shipped_lexicon_matcher
from .test_generalise import TOPIC

# a second entry beside test_generalise's watch topic (same indentation as its entries)
CHARTER = """\
      - id: nvw-charter
        questions:
          en: ["When was the NVW charter adopted?"]
          ru: ["Когда принят устав НВВ?"]
          be: ["Калі прыняты статут НВВ?"]
        answer: "According to its charter, NVW adopted the charter on 3 May 2001."
        sources: [{title: "The charter"}]
    """
NAME_GROUP = """\
  - key: north-south
    kind: name
    terms: ["комиссия севера и юга", "камісія поўначы і поўдня"]
  - key: nvl
    kind: name
    terms: [nvl, "league of northern voters", "северная лига избирателей",
            "паўночная ліга выбаршчыкаў"]
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("grammar"), {
        "watch.yaml": TOPIC.rstrip(" ") + CHARTER}, NAME_GROUP)


def _asks(matcher: Matcher, question: str) -> set[str]:
    return {t for t in matcher.analyse(question).terms if t.startswith("@q-")}


@pytest.mark.parametrize("pronoun", [
    # Russian: -то, -нибудь, -либо, colloquial -нить, кое-; in several cases
    "кто-то", "кого-нибудь", "кому-либо", "что-то", "чего-нибудь", "где-то", "куда-нибудь",
    "откуда-то", "когда-то", "когда-либо", "как-нибудь", "почему-то", "зачем-то", "кто-нить",
    "кое-кто", "кое-где", "кое-как", "кто то",
    # Belarusian: -небудзь, -колечы, абы-
    "хто-небудзь", "каго-небудзь", "што-небудзь", "дзе-небудзь", "калі-небудзь", "як-небудзь",
    "абы-хто", "абы-дзе", "абы-як", "хто-колечы", "дзе-колечы",
])
def test_an_indefinite_pronoun_asks_nothing(matcher: Matcher, pronoun: str) -> None:
    assert _asks(matcher, f"А {pronoun} из НВВ наблюдал?") == set()


@pytest.mark.parametrize("question,asked", [
    ("Кто из НВВ наблюдал?", {"@q-who"}),
    ("Когда принимали устав НВВ?", {"@q-when"}),
    ("Калі прынялі статут НВВ?", {"@q-when"}),
    ("Дзе назірае НВВ?", {"@q-where"}),
])
def test_question_words_without_a_particle_still_ask(matcher: Matcher, question: str,
                                                     asked: set[str]) -> None:
    assert _asks(matcher, question) == asked


@pytest.mark.parametrize("question", [
    "What does NVW do?", "And what did they do in Norway?", "What is NVW doing these days?",
    "What exactly do the NVW groups do?",
])
def test_the_main_verb_do_asks_about_an_activity(matcher: Matcher, question: str) -> None:
    assert "@activity" in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    "What do you know about NVW?", "What does NVW observe?", "How do I contact NVW?",
])
def test_the_auxiliary_do_does_not(matcher: Matcher, question: str) -> None:
    assert "@activity" not in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    "Who is the president of NVW?", "Who is NVW's president?", "Кто президент НВВ?",
    "Кто сейчас президентом в НВВ?", "Хто прэзідэнт НВВ?", "Як завуць прэзідэнта НВВ?",
])
def test_a_title_of_office_outside_elections_asks_for_the_head(matcher: Matcher,
                                                                question: str) -> None:
    terms = matcher.analyse(question).terms
    assert "@head" in terms and "@presidential" not in terms
    # the answer names no head: the bot does not answer with the nearest entry
    assert matcher.match(question).status != "answer"


@pytest.mark.parametrize("question", [
    "Did NVW observe the presidential election?", "Наблюдала ли НВВ выборы президента?",
    "Ці назірала НВВ прэзідэнцкія выбары?", "Did NVW watch the vote for president?",
])
def test_a_title_beside_an_election_names_its_kind(matcher: Matcher, question: str) -> None:
    terms = matcher.analyse(question).terms
    assert "@presidential" in terms and "@head" not in terms


@pytest.mark.parametrize("question", [
    "Who signed the NVW charter?", "And who has signed it for NVW?", "А кто его подписал?",
    "Кто со стороны НВВ подписывал устав?", "Хто яго падпісаў?", "А хто падпісваў статут НВВ?",
])
def test_who_signed_asks_for_the_signatory(matcher: Matcher, question: str) -> None:
    assert "@signatory" in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    "When was the NVW charter signed?", "Когда подписан устав НВВ?",
    "Whose signature is on the charter?",
])
def test_signing_asked_otherwise_is_no_signatory(matcher: Matcher, question: str) -> None:
    assert "@signatory" not in matcher.analyse(question).terms


def test_a_charter_question_without_a_signatory_is_answered(matcher: Matcher) -> None:
    match = matcher.match("When was the NVW charter adopted?")
    assert (match.status, match.entry_id) == ("answer", "nvw-charter")
    assert matcher.match("Who signed the NVW charter?").status != "answer"


@pytest.mark.parametrize("text", [
    "Комиссия Севера и Юга — что это такое?",
    "Камісія Поўначы і Поўдня — што гэта за арганізацыя?",
])
def test_a_conjunction_inside_a_name_does_not_split_the_question(matcher: Matcher,
                                                                 text: str) -> None:
    assert split_questions(matcher, text) == [text]


def test_a_conjunction_between_two_questions_still_splits(matcher: Matcher) -> None:
    assert split_questions(matcher, "Что такое НВВ и где она наблюдает?") == [
        "Что такое НВВ", "где она наблюдает?"]


@pytest.mark.parametrize("question", [
    "In which countries does NVW observe?", "In which European countries does NVW observe?",
    "В каких странах наблюдает НВВ?", "У якіх краінах назірае НВВ?",
    "To which countries did NVW go?", "В какие страны ездила НВВ?", "Ў якія краіны ездзіла НВВ?",
])
def test_in_which_country_asks_where(matcher: Matcher, question: str) -> None:
    assert "@q-where" in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    "With which country does NVW work most closely?", "С какой страной НВВ дружит?",
    "З якой краінай НВВ супрацоўнічае?", "Which countries are members of NVW?",
])
def test_which_country_otherwise_asks_no_place(matcher: Matcher, question: str) -> None:
    assert "@q-where" not in matcher.analyse(question).terms


WATCH = """\
    topic: watch
    title: "Vote watchers"
    entries:
      - id: nvw-about
        questions:
          en: ["What is the NVW network?", "What does the NVW network of observers do?",
               "Is NVW a network of election observers?"]
          ru: ["Что такое сеть НВВ?"]
          be: ["Што такое сетка НВВ?"]
        answer: >-
          According to its charter, NVW is a network of observer groups that observe elections
          in Norway, Sweden and Finland.
        sources: [{title: "The charter"}]
      - id: nvw-countries
        questions:
          en: ["In which countries does NVW observe?"]
          ru: ["В каких странах наблюдает НВВ?"]
          be: ["У якіх краінах назірае НВВ?"]
        answer: "According to its charter, NVW observes elections in Norway, Sweden and Finland."
        sources: [{title: "The charter"}]
      - id: nvw-observers
        questions:
          en: ["Does NVW observe elections in Iceland?", "Are NVW observers in Iceland?"]
          ru: ["Наблюдает ли НВВ выборы в Исландии?"]
          be: ["Ці назірае НВВ выбары ў Ісландыі?"]
        answer: "According to its charter, NVW observers are regularly invited to Iceland."
        sources: [{title: "The charter"}]
      - id: invitations
        questions:
          en: ["Who invites observers to Iceland?", "Who sends the invitations to observers?"]
          ru: ["Кто приглашает наблюдателей в Исландию?"]
          be: ["Хто запрашае назіральнікаў у Ісландыю?"]
        answer: "According to the ministry, the Icelandic foreign ministry invites observers."
        sources: [{title: "The ministry"}]
    """


@pytest.fixture(scope="module")
def watch(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("watch"), {"watch.yaml": WATCH})


def test_the_only_entry_written_for_the_question_word_answers_it(watch: Matcher) -> None:
    # the about-entry shares more words ("network", "observers", "elections"); only the
    # countries entry was written to answer "where"
    match = watch.match("Where does the NVW network of observers observe elections?")
    assert (match.status, match.entry_id) == ("answer", "nvw-countries")


def test_a_follow_up_asking_who_goes_to_the_entry_written_for_who(watch: Matcher) -> None:
    from bot.answering.dialogue import context_after, understand
    first = understand(watch, "Does NVW observe elections in Iceland?", None)
    assert first[0].entry_id == "nvw-observers"
    context = context_after(watch, first, None)
    (match,) = understand(watch, "and who invites them?", context)
    assert (match.status, match.entry_id) == ("answer", "invitations")


@pytest.mark.parametrize("name,head", [
    ("European Network of Election Monitoring Organizations", "network"),
    ("Belarusian Helsinki Committee", "committee"),
    ("Commonwealth of Independent States", "commonwealth"),
    ("Европейская сеть организаций по мониторингу выборов", "сеть"),
    ("Ассоциация организаторов выборов стран Европы", "ассоциация"),
    ("Белорусский Хельсинкский комитет", "комитет"),
    ("Цэнтральная выбарчая камісія", "камісія"),
    ("Садружнасць Незалежных Дзяржаў", "садружнасць"),
    ("Праваабарончы цэнтр", "цэнтр"),
])
def test_the_head_of_a_name_by_the_grammar_of_noun_phrases(name: str, head: str) -> None:
    words = name.lower().split()
    at = name_head(words, frozenset({"of", "for", "по", "за", "па"}))
    assert at is not None and words[at] == head


@pytest.mark.parametrize("question", [
    "What is the northern league?", "Who is in the league of voters?",
    "Что такое северная лига?", "Кто входит в лигу избирателей?",
    "Што такое паўночная ліга?", "Хто ўваходзіць у лігу выбаршчыкаў?",
])
def test_a_name_called_by_its_head_and_another_word_names_it(matcher: Matcher,
                                                             question: str) -> None:
    terms = matcher.analyse(question).terms
    assert "@nvl" in terms
    # its words are the name's, as when it is written in full
    assert "@elections" not in terms and "@voter" not in terms


@pytest.mark.parametrize("question", [
    # a definite description: the head alone, or with an adjective of the lexicon before it
    "How many countries are in the league?", "Сколько стран в лиге?",
    "Колькі краін уваходзіць у лігу?", "What does that international league actually do?",
    "Про лигу: она государственная?", "Гэтая ліга — што яна сабой уяўляе?",
    "Какие страны входят в эту международную лигу?",
])
def test_the_head_alone_names_the_one_organisation_it_heads(matcher: Matcher,
                                                            question: str) -> None:
    assert "@nvl" in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    # a word the lexicon does not know, a place or another name modifies the head
    "Is there a northern hockey league?", "Есть ли в Исландии футбольная лига?",
    "Does the league of Iceland hold elections?", "Кто входит в лигу Норвегии?",
    "Што робіць ліга Ісландыі?", "Is the Norwegian league independent?",
    # a head that several names share (the OSCE's, ENEMO's, ACEEEO's "organization")
    "Какие организации по безопасности есть в Европе?",
])
def test_a_head_modified_by_something_else_names_nothing(matcher: Matcher,
                                                         question: str) -> None:
    terms = matcher.analyse(question).terms
    assert "@nvl" not in terms and "@osce" not in terms


@pytest.mark.parametrize("text", [
    "НВВ и ПКМ как сотрудничают?", "НВВ і ПКМ як супрацоўнічаюць?",
    "NVW and the PKM how do they work together?",
])
def test_and_between_two_names_before_one_question_word_joins_members(matcher: Matcher,
                                                                      text: str) -> None:
    # without a comma, "and" after a clause that asks nothing joins two members of one
    # question (the grammars' homogeneous members), not two questions
    assert split_questions(matcher, text) == [text]


@pytest.mark.parametrize("text", [
    "How many members does the PKM have? List them all.",
    "Сколько членов в ПКМ? Перечислите всех.",
    "Колькі сяброў у ПКМ? Пералічы ўсіх 12.",
    "PKM members: how many are there? Please name all of them.",
])
def test_an_imperative_of_enumeration_asks_the_question_before_it_for_its_items(
        matcher: Matcher, text: str) -> None:
    # the PKM's answer counts its members (12) but does not name them: no confident answer,
    # and the PKM's entry is offered first
    assert len(split_questions(matcher, text)) == 1
    match = matcher.match(text)
    assert match.status in ("partial", "suggest"), match.reason
    assert match.ranked[0][0] == "pkm-about"
    assert matcher.match(text.split("?")[0] + "?").status == "answer"


def test_a_list_as_a_noun_asks_for_no_list(matcher: Matcher) -> None:
    text = "I am compiling a list of observer groups. In which countries does NVW observe?"
    assert matcher.match(text).status == "answer"


@pytest.mark.parametrize("text", [
    "Was the NVW charter adopted in 2005?", "Устав НВВ принят в 2005 году?",
    "Ці прыняты статут НВВ у 2005 годзе?", "NVW charter adopted in 2005?",
])
def test_a_yes_no_question_with_a_year_the_answer_contradicts_is_settled(
        matcher: Matcher, text: str) -> None:
    # a question without a question word is polar: it asks to confirm what it says, and the
    # charter's own year (2001) settles it
    match = matcher.match(text)
    assert (match.status, match.entry_id, match.premise) == ("answer", "nvw-charter",
                                                             ("2005",)), match.reason


def test_a_question_word_with_a_year_the_answer_lacks_stays_partial(matcher: Matcher) -> None:
    match = matcher.match("What happened to the NVW charter in 2005?")
    assert match.status != "answer" or match.premise == ()


@pytest.mark.parametrize("question,bare", [
    ("What is the NVL league?", "What is NVL?"),
    ("Что такое лига NVL?", "Что такое NVL?"),
    ("Што такое ліга NVL?", "Што такое NVL?"),
])
def test_a_name_s_head_beside_the_name_is_its_apposition(matcher: Matcher, question: str,
                                                         bare: str) -> None:
    # "the NVL league" asks about NVL, not about some league besides it
    assert matcher.analyse(question).terms == matcher.analyse(bare).terms


@pytest.mark.parametrize("text,entry_id,answered", [
    ("List the countries where NVW observes.", "nvw-countries", True),
    ("Перечислите страны, где наблюдает НВВ.", "nvw-countries", True),
    ("List the articles of the NVW charter.", "nvw-charter", False),
    ("Перечисли пункты устава НВВ.", "nvw-charter", False),
    ("Пералічы пункты статута НВВ.", "nvw-charter", False),
    # the countries' answer lists countries, not cities
    ("List the cities where NVW observed.", "nvw-countries", False),
    ("Перечисли города, где наблюдала НВВ.", "nvw-countries", False),
    ("Пералічы гарады, дзе назірала НВВ.", "nvw-countries", False),
])
def test_what_a_list_is_asked_of_must_be_in_the_answer(matcher: Matcher, text: str,
                                                       entry_id: str, answered: bool) -> None:
    # the charter's answer gives its date, not its articles: a list of them is not in it
    match = matcher.match(text)
    assert (match.status == "answer") == answered, match.reason
    assert match.ranked[0][0] == entry_id


@pytest.mark.parametrize("question,bare", [
    ("Что это за НВВ, в которой они наблюдают за выборами?", "Что это за НВВ?"),
    ("Што гэта за НВВ, у якой яны назіраюць за выбарамі?", "Што гэта за НВВ?"),
    ("What is NVW, which they observe elections with?", "What is NVW?"),
])
def test_a_relative_clause_describes_and_does_not_ask(matcher: Matcher, question: str,
                                                      bare: str) -> None:
    assert matcher.analyse(question).focus == matcher.analyse(bare).focus


def test_a_question_word_after_a_comma_still_asks(matcher: Matcher) -> None:
    assert "@q-where" in matcher.analyse("НВВ, у якіх краінах яна назірае?").focus


# an entry that quotes what someone replied, beside test_generalise's entries, which only
# attribute their facts to a charter
REPLY = """\
      - id: nvw-reply
        questions:
          en: ["Did the PKM reply to NVW's letter?"]
          ru: ["Ответила ли ПКМ на письмо НВВ?"]
          be: ["Ці адказала ПКМ на ліст НВВ?"]
        answer: >-
          According to its charter, the PKM replied to NVW's letter that “observers are welcome
          in every member country”.
        sources: [{title: "The charter"}]
    """


@pytest.fixture(scope="module")
def quoting(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("quoting"), {
        "watch.yaml": TOPIC.rstrip(" ") + REPLY}, NAME_GROUP)


@pytest.mark.parametrize("question", [
    "What did the PKM reply to NVW?", "So what exactly did the PKM answer NVW's letter?",
    "И что ПКМ ответила НВВ?", "А о чём написала ПКМ в ответ НВВ?",
    "А што адказала ПКМ на ліст НВВ?", "Што ПКМ напісала ў адказ на ліст НВВ?",
])
def test_what_someone_replied_is_answered_by_the_entry_that_quotes_it(
        quoting: Matcher, question: str) -> None:
    found = quoting.match(question)
    assert "@reported" in found.analysis.terms
    assert (found.status, found.entry_id) == ("answer", "nvw-reply")


@pytest.mark.parametrize("question", [
    "What did the NVW observers say about the vote in Iceland?",
    "Forwarded: 'NVW praised Finland' — what did the observers in Finland actually say?",
    "Что сказали наблюдатели НВВ о выборах в Исландии?",
    "Што казалі назіральнікі НВВ пра выбары ў Ісландыі?",
])
def test_what_someone_said_is_not_answered_by_an_entry_that_quotes_nobody(
        quoting: Matcher, question: str) -> None:
    found = quoting.match(question)
    assert "@reported" in found.analysis.terms
    assert found.status != "answer"


@pytest.mark.parametrize("question", [
    "What did the observers in Norway ask NVW?", "О чём спрашивали НВВ наблюдатели в Норвегии?",
    "Пра што пыталіся ў НВВ назіральнікі ў Нарвегіі?",
])
def test_what_someone_asked_is_not_answered_by_the_facts_alone(quoting: Matcher,
                                                               question: str) -> None:
    found = quoting.match(question)
    assert "@discussed" in found.analysis.terms
    assert found.status != "answer"


@pytest.mark.parametrize("question", [
    "What can you tell me about NVW?", "Tell me what NVW is", "Скажите, что такое НВВ?",
    "Говорят, что НВВ наблюдала в Норвегии. Это так?", "Кажуць, што НВВ назірала ў Нарвегіі?",
    "Что вы можете сказать о НВВ?",
])
def test_a_question_put_to_the_bot_or_that_after_a_verb_asks_no_content(
        quoting: Matcher, question: str) -> None:
    terms = quoting.analyse(question).terms
    assert "@reported" not in terms and "@discussed" not in terms


@pytest.mark.parametrize("question", [
    "Will NVW observe the next elections in Norway?", "Is NVW going to watch upcoming votes?",
    "Будет ли НВВ наблюдать на следующих выборах в Норвегии?",
    "Где НВВ будет наблюдать в ближайшие годы?",
    "Ці будзе НВВ назіраць на наступных выбарах у Нарвегіі?",
])
def test_what_is_still_to_come_is_not_in_an_answer_about_what_was(quoting: Matcher,
                                                                  question: str) -> None:
    found = quoting.match(question)
    assert "@upcoming" in found.analysis.terms
    assert found.status != "answer"


@pytest.mark.parametrize("question", [
    "Кто представители НВВ в Норвегии?", "Ці будучы членам НВВ, можна назіраць у Нарвегіі?",
])
def test_words_sharing_a_stem_with_future_adjectives_are_not_future(quoting: Matcher,
                                                                    question: str) -> None:
    assert "@upcoming" not in quoting.analyse(question).terms


@pytest.mark.parametrize("question", [
    "Does NVW have a website?", "What is NVW's site?", "Есть ли у НВВ сайт?",
    "Какой сайт у НВВ?", "Ці ёсць у НВВ сайт?", "Які вэбсайт у НВВ?",
])
def test_a_website_asked_for_is_a_fact_the_answers_lack(quoting: Matcher,
                                                        question: str) -> None:
    found = quoting.match(question)
    assert "@contacts" in found.analysis.terms
    assert found.status != "answer"


@pytest.mark.parametrize("question", [
    "I read on the NVW website about Norway. In which countries does NVW observe elections?",
    "Saw this at their site: in which countries does NVW observe elections?",
    "Прочитал на сайте НВВ про Норвегию. В каких странах наблюдает НВВ?",
    "Бачыў на сайце НВВ пра Нарвегію. У якіх краінах назірае НВВ?",
])
def test_a_website_something_was_seen_on_is_not_asked_for(quoting: Matcher,
                                                          question: str) -> None:
    found = quoting.match(question)
    assert "@contacts" not in found.analysis.terms
    assert (found.status, found.entry_id) == ("answer", "nvw-countries")


@pytest.mark.parametrize("question", [
    "Which Norwegian groups watch votes with NVW?", "Какие группы наблюдателей есть в НВВ?",
    "Якія групы ўваходзяць у НВВ?",
])
def test_a_group_is_an_organisation(quoting: Matcher, question: str) -> None:
    assert "@organization" in quoting.analyse(question).terms


@pytest.mark.parametrize("question,kept,negated", [
    ("Not NVW but the PKM: how many members does it have?", "pkm", "nvw"),
    ("Я пытаю не пра ПКМ, а пра НВВ: дзе яна назірае?", "нвв", "пкм"),
    ("Меня интересует не НВВ, а ПКМ — сколько в ней членов?", "пкм", "нвв"),
    ("Сколько членов в ПКМ, а не в НВВ?", "пкм", "нвв"),
])
def test_the_negated_member_of_a_contrast_is_not_asked_about(
        matcher: Matcher, question: str, kept: str, negated: str) -> None:
    terms = matcher.analyse(question).terms
    assert kept in terms and negated not in terms


@pytest.mark.parametrize("question,named", [
    # a negated verb phrase, or the answer particle before a pronoun, is no contrast
    ("Правда ли, что НВВ так и не ответила на письмо ПКМ, а устав молчит?", "пкм"),
    ("Не, я пра ПКМ, а не пра НВВ", "пкм"),
])
def test_a_negation_that_is_no_contrast_keeps_its_words(matcher: Matcher, question: str,
                                                        named: str) -> None:
    assert named in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    "How did the vote go for NVW when its observers arrived?",
    "Who chaired the PKM when the charter was adopted?",
    "Did NVW observe in Finland when the PKM asked it to?",
    "When NVW observers arrive in a country, who invites them?",
    "When the PKM holds a seminar, which experts come?",
])
def test_when_opening_a_clause_of_time_asks_no_date(matcher: Matcher, question: str) -> None:
    assert "@q-when" not in _asks(matcher, question)


@pytest.mark.parametrize("question", [
    "When did NVW observe in Finland?", "Since when has the PKM had 12 members?",
    "Who invited NVW, and when?", "NVW observed in Finland — when?",
    "When and where did NVW observe?", "When NVW was founded, and who founded it?",
])
def test_when_as_a_question_word_still_asks_for_a_date(matcher: Matcher, question: str) -> None:
    assert "@q-when" in _asks(matcher, question)


@pytest.mark.parametrize("question", [
    "А што такое НВВ, пра якую пішуць у газетах?",
    "Что такое ПКМ, о которой говорят по радио?",
])
def test_a_verb_of_speech_in_a_relative_clause_asks_no_content(matcher: Matcher,
                                                               question: str) -> None:
    assert "@reported" not in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    "Who coordinates Nordic Vote Watch?", "Кто координирует НВВ?", "Хто каардынуе НВВ?",
    "Who was the coordinator of NVW?", "Кто координатор НВВ?", "Хто каардынатар НВВ?",
])
def test_who_coordinates_asks_for_a_person_the_answer_lacks(matcher: Matcher,
                                                            question: str) -> None:
    assert "@head" in matcher.analyse(question).terms
    assert matcher.match(question).status != "answer"


@pytest.mark.parametrize("question", [
    "Насколько часто НВВ наблюдает за выборами?", "Наколькі часта НВВ назірае за выбарамі?",
])
def test_an_adverb_of_degree_asks_no_number(matcher: Matcher, question: str) -> None:
    assert "@q-how-many" not in _asks(matcher, question)


@pytest.mark.parametrize("question", [
    "If I wrote for a newspaper in Chile, in which countries would I say NVW observes?",
    "Hypothetically, if a reporter from Peru asked, in which countries does NVW observe?",
    "Если бы я был журналистом из Чили, в каких странах наблюдает НВВ?",
    "Калі б я быў журналістам з Перу, у якіх краінах назірае НВВ?",
])
def test_an_opening_condition_states_a_supposition_and_asks_nothing(matcher: Matcher,
                                                                    question: str) -> None:
    # the place of the condition is the asker's, not one the answer must hold
    match = matcher.match(question)
    assert (match.status, match.entry_id) == ("answer", "nvw-countries")


@pytest.mark.parametrize("question,asked", [
    ("What questions did the NVW observers ask?", True),
    ("Which questions were put to the PKM?", True),
    ("Какие вопросы задавали наблюдатели НВВ?", True),
    ("What questions can I ask you about NVW?", False),
    ("Which questions does the charter answer?", False),
])
def test_which_questions_were_asked_asks_for_what_was_discussed(matcher: Matcher,
                                                                question: str,
                                                                asked: bool) -> None:
    assert ("@discussed" in matcher.analyse(question).terms) is asked


LEAGUE = """\
    topic: league
    title: "The league"
    entries:
      - id: league-about
        questions:
          en: ["What is the League of Northern Voters?"]
          ru: ["Что такое Северная лига избирателей?"]
          be: ["Што такое Паўночная ліга выбаршчыкаў?"]
        answer: "According to its statute, the League of Northern Voters is a federation of
          voters' clubs that holds a congress every year."
        sources: [{title: "The statute"}]
        subject: [League of Northern Voters]
      - id: league-members
        questions:
          en: ["Which clubs are members of the League of Northern Voters?"]
          ru: ["Какие клубы входят в Северную лигу избирателей?"]
          be: ["Якія клубы ўваходзяць у Паўночную лігу выбаршчыкаў?"]
        answer: "According to its statute, the League of Northern Voters has two member clubs:
          the Harbour Club and the Fjord Club."
        sources: [{title: "The statute"}]
        subject: [League of Northern Voters]
      - id: league-joined
        questions:
          en: ["Since when has the Harbour Club been a member of the League of Northern Voters?"]
          ru: ["С какого года Клуб гавани входит в Северную лигу избирателей?"]
          be: ["З якога года Клуб гавані ўваходзіць у Паўночную лігу выбаршчыкаў?"]
        answer: "According to its statute, the Harbour Club has been a member of the League of
          Northern Voters since 2004."
        sources: [{title: "The statute"}]
        subject: [League of Northern Voters]
    """
# the league's name holds a place: its full form in every language
LEAGUE_NAME = NAME_GROUP.replace(
    '"league of northern voters",',
    '"league of northern voters", "league of voters of iceland",') + """\
  - key: harbour
    kind: name
    terms: ["harbour club", "клуб гавани", "клуб гавані"]
"""


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("league"), {"league.yaml": LEAGUE},
                                   LEAGUE_NAME)


@pytest.mark.parametrize("question", [
    "The league of voters from Iceland — which clubs are members of it?",
    "Which Icelandic clubs are members of the League of Voters of Iceland?",
])
def test_a_place_of_the_name_s_full_form_is_said_by_the_name(league: Matcher,
                                                             question: str) -> None:
    # (the members' answer never says "Iceland"; the league's full name does)
    match = league.match(question)
    assert (match.status, match.entry_id) == ("answer", "league-members")


@pytest.mark.parametrize("first,then", [
    ("Which clubs are members of the League of Northern Voters?",
     "And what is this league, actually?"),
    ("Какие клубы входят в Северную лигу избирателей?", "А что это вообще за лига?"),
    ("Якія клубы ўваходзяць у Паўночную лігу выбаршчыкаў?", "А што гэта ўвогуле за ліга?"),
])
def test_a_question_about_the_last_answer_s_own_name_asks_anew(league: Matcher, first: str,
                                                               then: str) -> None:
    # not the last question again ("members") about it: what the league is
    from bot.answering.dialogue import context_after, understand
    shown = understand(league, first, None)
    assert shown[0].entry_id == "league-members"
    (match,) = understand(league, then, context_after(league, shown, None))
    assert (match.status, match.entry_id) == ("answer", "league-about")


@pytest.mark.parametrize("text", [
    "What is the League of Northern Voters and since when is the Harbour Club a member?",
    "Что такое Северная лига избирателей и с какого года в ней Клуб гавани?",
    "Што такое Паўночная ліга выбаршчыкаў і з якога года ў ёй Клуб гавані?",
])
def test_a_later_question_of_a_message_leaves_out_what_the_first_named(league: Matcher,
                                                                       text: str) -> None:
    # the second question names a club of its own but not what it is a member of
    from bot.answering.dialogue import understand
    matches = understand(league, text, None)
    assert [(m.status, m.entry_id) for m in matches] == [
        ("answer", "league-about"), ("answer", "league-joined")]


@pytest.mark.parametrize("question,asked", [
    ("Which countries are members of NVW?", True), ("What countries does NVW cover?", True),
    ("Какие страны входят в НВВ?", True), ("Каких стран представители есть в НВВ?", True),
    ("Якія краіны ўваходзяць у НВВ?", True), ("Якіх краін прадстаўнікі ёсць у НВВ?", True),
    # a preposition of place asks where; "with" asks for partners; one country is no list
    ("In which countries does NVW observe?", False), ("В каких странах наблюдает НВВ?", False),
    ("With which countries does NVW cooperate?", False), ("С какими странами работает НВВ?", False),
    ("З якімі краінамі супрацоўнічае НВВ?", False), ("Which country hosts NVW?", False),
    # a cardinal numeral belongs to the noun it counts
    ("Which 12 countries are in NVW?", True), ("Какие конкретно 12 стран входят в НВВ?", True),
    ("Якія менавіта 12 краін уваходзяць у НВВ?", True),
])
def test_which_places_in_the_plural_asks_for_a_list(matcher: Matcher, question: str,
                                                    asked: bool) -> None:
    # (a count of them, "25 countries", does not name them)
    assert ("@q-list" in matcher.analyse(question).terms) is asked


@pytest.mark.parametrize("question", [
    # the present-time adverbs of each grammar, in questions no eval set contains
    "Which clubs are in the League of Northern Voters nowadays?",
    "Which clubs are members of the League of Northern Voters right now?",
    "Какие клубы сейчас входят в Северную лигу избирателей?",
    "Какие клубы на данный момент входят в Северную лигу избирателей?",
    "Якія клубы цяпер уваходзяць у Паўночную лігу выбаршчыкаў?",
    "Якія клубы на сённяшні дзень уваходзяць у Паўночную лігу выбаршчыкаў?",
])
def test_a_question_framed_in_the_present_is_answered_as_of_the_sources(
        league: Matcher, question: str) -> None:
    # (what the sources state, marked so: whether it still holds they cannot say)
    match = league.match(question)
    assert (match.status, match.entry_id, match.analysis.present) == (
        "answer", "league-members", True)


@pytest.mark.parametrize("then", [
    "Is that still so?", "and now?", "А сейчас?", "И до сих пор так?", "А цяпер?",
    "І дагэтуль так?",
])
def test_whether_the_last_answer_still_holds_gets_it_again(league: Matcher, then: str) -> None:
    from bot.answering.dialogue import context_after, understand
    shown = understand(league, "Which clubs are members of the League of Northern Voters?",
                       None)
    (match,) = understand(league, then, context_after(league, shown, None))
    assert (match.status, match.entry_id, match.analysis.present) == (
        "answer", "league-members", True)


def test_the_present_reply_says_the_sources_may_be_out_of_date(tmp_path: Path) -> None:
    from bot.conversation import Conversation
    from bot.knowledge.catalogs import load_catalogs

    matcher = shipped_lexicon_matcher(tmp_path, {"league.yaml": LEAGUE}, LEAGUE_NAME)
    locales = Path(__file__).resolve().parent.parent / "locales"
    conversation = Conversation(matcher.kb, load_catalogs(locales), matcher)
    reply = conversation.ask("Which clubs are in the League of Northern Voters today?")
    assert reply.caveat == ("My sources don't say whether this has changed, and they may not be "
                            "up to date. Here is what they say:")
    assert "the Harbour Club and the Fjord Club" in reply.body
    assert conversation.ask("Which clubs are in the League of Northern Voters?").caveat is None


@pytest.mark.parametrize("word,stem_of", [
    # a function word that shares only its stem with a lexicon word names nothing
    ("currently", "currency"), ("реферат", "референдум"), ("рэферат", "рэферэндум"),
])
def test_a_function_word_is_no_synonym_by_its_stem(matcher: Matcher, word: str,
                                                   stem_of: str) -> None:
    assert matcher.terms_of(word) == []
    assert matcher.terms_of(stem_of) != []


@pytest.mark.parametrize("question", [
    "Frankly, which countries does NVW observe in?",
    "Seriously speaking, in which countries does NVW observe elections?",
    "Если откровенно, в каких странах наблюдает НВВ?",
    "Честно говоря, в каких странах наблюдает НВВ?",
    "Калі шчыра, у якіх краінах назірае НВВ?",
    "Шчыра кажучы, у якіх краінах назірае НВВ?",
])
def test_an_opening_style_disjunct_asks_nothing(matcher: Matcher, question: str) -> None:
    # (not the evaluation "honest" is elsewhere, which the bot declines)
    match = matcher.match(question)
    assert (match.status, match.entry_id, match.analysis.outofscope) == (
        "answer", "nvw-countries", ())


@pytest.mark.parametrize("question", [
    "Were the NVW observers honest?", "Честно ли наблюдает НВВ?",
    "Is NVW a good model for other observers?", "НВВ — хороший пример для других?",
    "Ці НВВ добры прыклад для іншых?",
])
def test_an_evaluation_is_still_an_opinion(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert match.status == "none" and match.analysis.outofscope == ("opinion",)


@pytest.mark.parametrize("question", [
    "Do I need a visa to travel with NVW to Norway?", "Можно ли поездом доехать до Осло?",
    "Ці патрэбная віза, каб паехаць у Нарвегію?", "How much is a flight to Iceland?",
])
def test_travel_is_a_practical_matter(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert match.status == "none" and match.analysis.outofscope == ("practical",)


DENMARK = """\
    topic: watch
    title: "Vote watchers"
    entries:
      - id: nvw-countries
        questions:
          en: ["In which countries does NVW observe elections?"]
          ru: ["В каких странах наблюдает НВВ?"]
          be: ["У якіх краінах назірае НВВ?"]
        answer: "According to its charter, NVW observes elections in Norway, Sweden and
          Finland; Denmark has never invited it."
        sources: [{title: "The charter"}]
      - id: nvw-denmark
        questions:
          en: ["Has NVW been invited to observe elections in Denmark?",
               "Was NVW ever invited to Denmark?"]
          ru: ["Приглашали ли НВВ наблюдать за выборами в Дании?"]
          be: ["Ці запрашалі НВВ назіраць за выбарамі ў Даніі?"]
        answer: "According to its charter, Denmark has never invited NVW to observe its
          elections, and NVW's requests went unanswered."
        sources: [{title: "The charter"}]
      - id: nvw-danes
        questions:
          en: ["Which groups from Denmark are members of NVW?",
               "Are there groups from Denmark in NVW?"]
          ru: ["Какие группы из Дании входят в НВВ?"]
          be: ["Якія групы з Даніі ўваходзяць у НВВ?"]
        answer: "According to its charter, two Danish groups are members of NVW."
        sources: [{title: "The charter"}]
    """


@pytest.fixture(scope="module")
def denmark(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("denmark"), {"watch.yaml": DENMARK})


@pytest.mark.parametrize("first,then", [
    ("In which countries does NVW observe elections?", "And in Denmark itself?"),
    ("В каких странах наблюдает НВВ?", "А в Дании?"),
    ("У якіх краінах назірае НВВ?", "А ў Даніі?"),
])
def test_and_in_a_place_the_last_answer_names_in_passing_asks_the_entry_about_it(
        denmark: Matcher, first: str, then: str) -> None:
    from bot.answering.dialogue import context_after, understand
    shown = understand(denmark, first, None)
    assert shown[0].entry_id == "nvw-countries"
    (match,) = understand(denmark, then, context_after(denmark, shown, None))
    assert (match.status, match.entry_id) == ("answer", "nvw-denmark")


def test_and_from_a_place_is_not_asked_where(denmark: Matcher) -> None:
    # "from" names an origin (who is in it), not where it observes
    from bot.answering.dialogue import _place_asked_elsewhere, context_after, understand
    shown = understand(denmark, "In which countries does NVW observe elections?", None)
    context = context_after(denmark, shown, None)
    assert context is not None
    found = _place_asked_elsewhere(denmark, denmark.analyse("And in Denmark?"), context)
    assert found is not None and found.entry_id == "nvw-denmark"
    assert _place_asked_elsewhere(
        denmark, denmark.analyse("And anyone from Denmark?"), context) is None


@pytest.mark.parametrize("question", [
    "Apart from Norway, where has NVW observed elections?",
    "Кроме Норвегии, в каких странах наблюдает НВВ?",
    "Акрамя Нарвегіі, у якіх краінах назірае НВВ?",
])
def test_besides_a_place_is_answered_by_the_rest_of_its_list(matcher: Matcher,
                                                             question: str) -> None:
    # the answer lists Norway, Sweden, Finland and Iceland: the others are there
    match = matcher.match(question)
    assert (match.status, match.entry_id) == ("answer", "nvw-countries")


def test_besides_a_place_named_alone_is_not_answered(denmark: Matcher) -> None:
    # the answer names Denmark with no list of others
    match = denmark.match("Besides Denmark, which countries have never invited NVW?")
    assert match.status != "answer"


@pytest.mark.parametrize("question", [
    "How many years has the Harbour Club been a member of the League of Northern Voters?",
    "Сколько лет Клуб гавани входит в Северную лигу избирателей?",
    "Колькі гадоў Клуб гавані ўваходзіць у Паўночную лігу выбаршчыкаў?",
])
def test_how_many_units_of_time_asks_how_long(league: Matcher, question: str) -> None:
    # a year since when answers it, not a count
    assert "@q-when" in league.analyse(question).terms
    match = league.match(question)
    assert (match.status, match.entry_id) == ("answer", "league-joined")


# an entry whose answer names places only as the parties to something, beside where NVW observes
ACCORD = """\
      - id: nvw-accord
        questions:
          en: ["When did NVW and the commission of Denmark sign their accord?"]
          ru: ["Когда НВВ и комиссия Дании подписали соглашение?"]
          be: ["Калі НВВ і камісія Даніі падпісалі пагадненне?"]
        answer: "According to its charter, NVW and the election commission of Denmark signed an
          accord on 3 May 2001."
        sources: [{title: "The charter"}]
      - id: nvw-letter
        questions:
          en: ["When did NVW write to the commission of Denmark?"]
          ru: ["Когда НВВ написала комиссии Дании?"]
          be: ["Калі НВВ напісала камісіі Даніі?"]
        answer: "According to its charter, NVW wrote to the election commission of Denmark in
          June 2003."
        sources: [{title: "The charter"}]
    """


@pytest.fixture(scope="module")
def accord(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("accord"), {
        "watch.yaml": TOPIC.rstrip(" ") + ACCORD})


@pytest.mark.parametrize("question", [
    "Where did NVW and the commission of Denmark sign their accord?",
    "Где НВВ и комиссия Дании подписали соглашение?",
    "Дзе НВВ і камісія Даніі падпісалі пагадненне?",
])
def test_where_is_not_answered_by_places_that_only_name_a_party(accord: Matcher,
                                                                question: str) -> None:
    # "NVW and the election commission of Denmark signed…": Denmark is a party, not a place
    # where anything took place
    match = accord.match(question)
    assert match.status != "answer"
    verdict = next(v for v in match.verdicts if v.entry_id == "nvw-accord")
    assert not verdict.kind_ok
    assert accord.match(question.replace("Where", "When").replace("Где", "Когда")
                        .replace("Дзе", "Калі")).entry_id == "nvw-accord"


@pytest.mark.parametrize("question", [
    "Where did NVW observe elections?",
    "Где наблюдала НВВ?",
    "Дзе назірала НВВ?",
])
def test_where_is_answered_by_a_place_of_location(matcher: Matcher, question: str) -> None:
    # "has observed elections in Norway, Sweden…": places after a preposition of location
    match = matcher.match(question)
    assert (match.status, match.entry_id) == ("answer", "nvw-countries")


@pytest.mark.parametrize("question", [
    "Where can I read about the NVW charter?",
    "Where do I find out when the NVW charter was adopted?",
    "Где можно прочитать про устав НВВ?",
    "Где посмотреть устав НВВ?",
    "Дзе можна пачытаць пра статут НВВ?",
    "Дзе знайсці статут НВВ?",
])
def test_where_to_read_asks_for_the_source_not_a_place(matcher: Matcher,
                                                       question: str) -> None:
    # every answer names its source; no place is asked
    analysis = matcher.analyse(question)
    assert "@q-where" not in analysis.terms
    match = matcher.match(question)
    assert (match.status, match.entry_id) == ("answer", "nvw-charter")


@pytest.mark.parametrize("then", [
    "Can you give an example?",
    "Can you give an example of a country?",
    "Можно пример?",
    "Приведите, например, одну страну.",
    "Прыклад можаце прывесці?",
])
def test_a_request_for_an_example_gets_the_last_answer_again(matcher: Matcher,
                                                             then: str) -> None:
    # the last answer holds what it lists
    from bot.answering.dialogue import context_after, understand
    shown = understand(matcher, "In which countries does NVW observe elections?", None)
    assert shown[0].entry_id == "nvw-countries"
    (match,) = understand(matcher, then, context_after(matcher, shown, None))
    assert (match.status, match.entry_id, match.again) == ("answer", "nvw-countries", True)


def test_an_example_of_what_the_last_answer_lacks_is_not_that_answer(matcher: Matcher) -> None:
    from bot.answering.dialogue import context_after, understand
    shown = understand(matcher, "In which countries does NVW observe elections?", None)
    (match,) = understand(matcher, "Can you give an example from Portugal?",
                          context_after(matcher, shown, None))
    assert match.entry_id != "nvw-countries" or match.status != "answer"


@pytest.mark.parametrize("question", [
    "Why does Nordic Vote Watch exist?",
    "Why do we need Nordic Vote Watch at all?",
    "Зачем нужна НВВ?",
    "Зачем вообще существует НВВ?",
    "Навошта патрэбна НВВ?",
    "Навошта існуе НВВ?",
])
def test_why_with_a_predicate_of_existence_asks_what_it_is_for(matcher: Matcher,
                                                               question: str) -> None:
    # what it does, as «для чего нужна НВВ?» asks — not the reason for something it did
    terms = matcher.analyse(question).terms
    assert "@q-what" in terms and "@q-why" not in terms
    match = matcher.match(question)
    assert (match.status, match.entry_id) == ("answer", "nvw-about")


@pytest.mark.parametrize("question", [
    "Ці ездзілі назіральнікі НВВ у іншыя краіны?",
    "Назірала НВВ выбары ў іншых краінах?",
    "Ці запрашалі НВВ іншыя камісіі?",
])
def test_the_determiner_other_is_no_place(matcher: Matcher, question: str) -> None:
    # «іншыя» is one letter from «Індыя»: a word of the language is never repaired into a name
    assert not [t for t in matcher.analyse(question).terms
                if matcher.kind(t) == "place" and t != "@country"]


@pytest.mark.parametrize("question", [
    "How do I become a member of the NVW charter commission?",
    "How can I join NVW?",
    "Как мне вступить в НВВ?",
    "Как я могу стать членом НВВ?",
    "Як мне ўступіць у НВВ?",
    "Як я магу стаць сябрам НВВ?",
])
def test_how_the_asker_can_join_is_practical(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert match.status == "none" and match.outofscope == "practical"


@pytest.mark.parametrize("question", [
    "On what day did NVW write to the commission of Denmark?",
    "What was the exact date NVW wrote to the commission of Denmark?",
    "Какого числа НВВ написала комиссии Дании?",
    "В какой день НВВ написала комиссии Дании?",
    "Якога чысла НВВ напісала камісіі Даніі?",
])
def test_a_day_asked_is_not_given_by_a_month(accord: Matcher, question: str) -> None:
    # "in June 2003" gives the month and the year, not the day
    match = accord.match(question)
    assert match.status != "answer"
    verdict = next(v for v in match.verdicts if v.entry_id == "nvw-letter")
    assert verdict.asked == "day" and not verdict.kind_ok
    assert accord.match("When did NVW write to the commission of Denmark?").status == "answer"


@pytest.mark.parametrize("question", [
    "On what day did NVW and the commission of Denmark sign their accord?",
    "What was the exact date when NVW and the commission of Denmark signed their accord?",
])
def test_a_day_asked_is_given_by_a_day_of_the_month(accord: Matcher, question: str) -> None:
    # "on 3 May 2001" (in English: this base has no translations for the Russian and
    # Belarusian words of the question to meet in the answer's sentence)
    match = accord.match(question)
    assert (match.status, match.entry_id) == ("answer", "nvw-accord")


@pytest.mark.parametrize("question", [
    "Did NVW send observers to Norway in return?",
    "Присылала ли НВВ наблюдателей в Норвегию в ответ?",
    "НВВ, у сваю чаргу, дасылала назіральнікаў у Нарвегію?",
])
def test_an_adverbial_of_reciprocity_asks_for_no_reply(matcher: Matcher, question: str) -> None:
    # "in return", «в ответ», «у сваю чаргу»: one side did the same, nobody replied
    assert "@reply" not in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    "What did NVW say in reply to the commission?",
    "Что НВВ написала в ответ на письмо комиссии?",
    "Што НВВ напісала ў адказ на ліст камісіі?",
])
def test_in_reply_to_something_is_a_reply(matcher: Matcher, question: str) -> None:
    assert "@reply" in matcher.analyse(question).terms


@pytest.mark.parametrize("question,kind", [
    ("In your opinion, should NVW observe in Norway?", "opinion"),
    ("Как вы считаете, стоило бы НВВ наблюдать в Норвегии?", "opinion"),
    ("Вы асабіста лічыце, што НВВ варта назіраць у Нарвегіі?", "opinion"),
    ("What does NVW's work in Norway mean if I want to vote from Oslo?", "practical"),
    # the verbs of belief put to the bot in the second person
    ("Do you reckon NVW did a proper job in Norway?", "opinion"),
    ("Вам кажется, НВВ хорошо поработала в Норвегии?", "opinion"),
    ("Як думаеце, НВВ добра папрацавала ў Нарвегіі?", "opinion"),
])
def test_the_bot_s_own_view_and_the_asker_s_vote_are_out_of_scope(matcher: Matcher, question: str,
                                                                  kind: str) -> None:
    match = matcher.match(question)
    assert match.status == "none" and match.outofscope == kind


@pytest.mark.parametrize("question,words", [
    ("Кто из этих стран наблюдал за НВВ?", {"этих"}),
    ("Какую роль этому уставу отвела НВВ?", {"этому"}),
    ("Хто з гэтых краін назіраў за НВВ?", {"гэтых"}),
    ("Якую ролю гэтаму статуту адвяла НВВ?", {"гэтаму"}),
])
def test_every_case_form_of_the_demonstrative_is_a_function_word(matcher: Matcher,
                                                                 question: str,
                                                                 words: set[str]) -> None:
    assert not words & set(matcher.analyse(question).terms)


@pytest.mark.parametrize("question,words", [
    # the modal periphrasis of permission and the modal predicatives, in forms no eval set
    # contains: "right" there is no human rights
    ("Имели ли право наблюдатели НВВ приехать в Норвегию?", {"имели", "право"}),
    ("Маюць права назіральнікі НВВ ездзіць у Нарвегію?", {"маюць", "права"}),
])
def test_the_modal_periphrasis_of_permission_names_nothing(matcher: Matcher, question: str,
                                                           words: set[str]) -> None:
    terms = matcher.analyse(question).terms
    assert "@human-rights" not in terms
    assert not any(t.startswith(tuple(w[:4] for w in words)) for t in terms)


@pytest.mark.parametrize("question", [
    "Обязаны ли власти Норвегии приглашать НВВ?", "Должна ли Норвегия приглашать НВВ?",
    "Ці павінны ўлады Нарвегіі запрашаць НВВ?", "Ці абавязаныя ўлады Нарвегіі запрашаць НВВ?",
])
def test_the_modal_predicatives_of_obligation_are_function_words(matcher: Matcher,
                                                                 question: str) -> None:
    assert not any(t.startswith(("обяз", "долж", "павін", "абавяз"))
                   for t in matcher.analyse(question).terms)


@pytest.mark.parametrize("question,noun", [
    # a which-question asks for an instance of its determiner's noun, past names and places,
    # numerals, narrowers and (ru, be) the adjectives agreeing with the determiner
    ("Which NVW department adopted the charter?", "department"),
    ("Which Icelandic office of NVW adopted the charter?", "office"),
    ("In which language was the NVW charter adopted?", "language"),
    ("Какое подразделение НВВ приняло устав?", "подразделение"),
    ("На каком языке принят устав НВВ?", "языке"),
    ("Какое именно внутреннее подразделение НВВ приняло устав?", "подразделение"),
    ("Якое ўпраўленне НВВ прыняла статут?", "ўпраўленне"),
    ("На якой мове прыняты статут НВВ?", "мове"),
    ("З якога канкрэтна аддзела НВВ прыйшоў статут?", "аддзела"),
])
def test_a_which_question_must_find_its_noun_in_the_answer(matcher: Matcher, question: str,
                                                          noun: str) -> None:
    match = matcher.match(question)
    assert match.analysis.instance_of == tuple(matcher.terms_of(noun)), match.analysis
    assert match.status != "answer", match.reason


@pytest.mark.parametrize("question", [
    # manner, means, extent, role and grounds: asked how, not for an instance
    "In what way did NVW adopt the charter?", "Through which channel did NVW adopt the charter?",
    "Каким образом принят устав НВВ?", "В каком порядке принят устав НВВ?",
    "На каком основании принят устав НВВ?", "Якім чынам прыняты статут НВВ?",
    "На якой падставе прыняты статут НВВ?",
    # a date, a list of places, a question noun, no noun at all, and English "what"
    "Which exact day was the NVW charter adopted?", "В какой день принят устав НВВ?",
    "Which republics does NVW observe in?", "У якіх рэспубліках назірае НВВ?",
    "Which is the NVW charter?", "What charter did NVW adopt?",
    # a relational noun names whoever stands in the relation: asked is who
    "With which counterparts does NVW work?", "С какими зарубежными коллегами работает НВВ?",
    "З якімі суседзямі супрацоўнічае НВВ?",
])
def test_a_which_phrase_asking_how_or_when_names_no_instance(matcher: Matcher,
                                                             question: str) -> None:
    assert matcher.analyse(question).instance_of == ()


def test_a_collective_noun_passes_to_its_members(matcher: Matcher) -> None:
    # «какой круг партнёров»: the partners are asked for, not the circle
    assert matcher.analyse("Какой круг подразделений НВВ принял устав?").instance_of == tuple(
        matcher.terms_of("подразделений"))


@pytest.mark.parametrize("question", [
    # Belarusian writes a word's initial у as ў after a vowel: the function word is the same
    "А ўвогуле што такое НВВ?", "Што ўвогуле такое НВВ?", "Што такое НВВ увогуле?",
])
def test_a_function_word_with_initial_u_short_is_still_one(matcher: Matcher,
                                                            question: str) -> None:
    assert not any(t.startswith("увог") for t in matcher.analyse(question).terms)


@pytest.mark.parametrize("question", [
    # the evaluative scale predicated in a polar question asks for a judgement
    "Is NVW good?", "Is the PKM any good or not?", "Are the NVW observers bad?",
    "НВВ хорошая сеть?", "ПКМ плохая комиссия?", "Ці добрая сетка НВВ?", "ПКМ кепская?",
])
def test_good_or_bad_asked_of_something_asks_an_opinion(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert match.analysis.outofscope[:1] == ("opinion",)
    assert match.status == "none", match.reason


@pytest.mark.parametrize("question", [
    # a greeting, a remark on the question, a reply to what came before, a question word
    "Good morning, is NVW a network?", "Добрый день, НВВ — это сеть?",
    "Добры вечар, ці НВВ — сетка?", "Хорошо, а что такое НВВ?", "Good question: is NVW a network?",
    "How good is the NVW charter?",
])
def test_good_elsewhere_asks_no_opinion(matcher: Matcher, question: str) -> None:
    assert "opinion" not in matcher.analyse(question).outofscope


@pytest.mark.parametrize(("first", "more"), [
    # a request to elaborate, with nothing else asked: the last answer is all the sources say
    ("What is Nordic Vote Watch?", "Could you elaborate?"),
    ("What is Nordic Vote Watch?", "more info please"),
    ("Что такое НВВ?", "А поподробнее?"), ("Что такое НВВ?", "Расскажите больше, пожалуйста"),
    ("Што такое НВВ?", "Раскажы падрабязней"), ("Што такое НВВ?", "больш інфармацыі"),
])
def test_tell_me_more_after_an_answer_says_it_gave_all(matcher: Matcher, first: str,
                                                       more: str) -> None:
    from bot.answering.dialogue import context_after, understand
    shown = understand(matcher, first, None)
    assert shown[0].entry_id == "nvw-about"
    (match,) = understand(matcher, more, context_after(matcher, shown, None))
    assert match.beyond and match.entry_id == "nvw-about", match.reason


GREENLAND = """\
      - id: nvw-greenland
        questions:
          en: ["Has NVW been invited to Greenland?"]
          ru: ["Приглашали ли НВВ в Гренландию?"]
          be: ["Ці запрашалі НВВ у Грэнландыю?"]
        answer: >-
          According to its charter, NVW has never been invited to observe in Greenland, as
          Greenland has no treaty with it.
        sources: [{title: "The charter"}]
      - id: nvw-members
        questions:
          en: ["Who are the members of NVW?"]
          ru: ["Кто входит в НВВ?"]
          be: ["Хто ўваходзіць у НВВ?"]
        answer: >-
          According to its charter, NVW's members are independent, politically unaffiliated
          observer groups; some of them also observe for the NVL.
        sources: [{title: "The charter"}]
    """


@pytest.fixture(scope="module")
def invited(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("invited"), {
        "watch.yaml": WATCH.rstrip(" ") + CHARTER.rstrip(" ") + GREENLAND}, NAME_GROUP)


def _reply_after(matcher: Matcher, first: str, then: str) -> Match:
    """The match for `then` read with the context `first` left."""
    from bot.answering.dialogue import context_after, understand
    shown = understand(matcher, first, None)
    (match,) = understand(matcher, then, context_after(matcher, shown, None))
    return match


def _after(matcher: Matcher, *turns: str) -> list[tuple[str, str | None, bool]]:
    """Each turn's (status, entry, beyond), the context carried between turns."""
    from bot.answering.dialogue import context_after, understand
    context = None
    seen = []
    for turn in turns:
        matches = understand(matcher, turn, context)
        context = context_after(matcher, matches, context)
        seen += [(m.status, m.entry_id, m.beyond) for m in matches]
    return seen


@pytest.mark.parametrize(("first", "more"), [
    # the quantifier of totality alone, or a determiner of remainder (with a noun the last
    # answer has): the list just given is all the sources hold
    ("In which countries does NVW observe?", "is that everything?"),
    ("In which countries does NVW observe?", "and the others?"),
    ("В каких странах наблюдает НВВ?", "И это всё?"),
    ("В каких странах наблюдает НВВ?", "а прочие страны?"),
    ("У якіх краінах назірае НВВ?", "і гэта ўсё?"),
    ("У якіх краінах назірае НВВ?", "а астатнія краіны?"),
])
def test_is_that_all_after_a_list_shows_it_again_as_all(invited: Matcher, first: str,
                                                        more: str) -> None:
    assert _after(invited, first, more)[1] == ("answer", "nvw-countries", True)


@pytest.mark.parametrize(("closing", "kind"), [
    # a pre-closing says the asker has what they came for: small talk, not "is that all?"
    ("No further questions, thank you.", "thanks"),
    ("Fair enough, cheers", "thanks"),
    ("У меня всё, спасибо.", "thanks"),
    ("Теперь ясно, до встречи!", "farewells"),
    ("Пытанняў больш няма, дзякуй.", "thanks"),
    ("Ну добра, усё, шчасліва", "farewells"),
])
def test_a_closing_after_a_list_is_small_talk(invited: Matcher, closing: str,
                                              kind: str) -> None:
    match = _reply_after(invited, "In which countries does NVW observe?", closing)
    assert (match.status, match.analysis.smalltalk, match.beyond) == ("smalltalk", kind, False)


@pytest.mark.parametrize("more", ["Thanks! Is that everything?", "Спасибо, и это всё?",
                                  "Дзякуй, а гэта ўсё?"])
def test_thanks_with_is_that_all_still_asks_for_more(invited: Matcher, more: str) -> None:
    assert _after(invited, "In which countries does NVW observe?", more)[1] == (
        "answer", "nvw-countries", True)


def test_is_that_all_after_a_reply_that_found_nothing_is_not_about_the_answer_before(
        invited: Matcher) -> None:
    # (the reply it would ask about gave nothing: the list two turns back is not it)
    seen = _after(invited, "In which countries does NVW observe?", "How do I cook borscht?",
                  "is that all?")
    assert seen[1][0] == "none" and not seen[2][2] and seen[2][1] != "nvw-countries"


@pytest.mark.parametrize(("first", "then"), [
    # a judgement asked about another subject than the last answer's is declined, as alone,
    # though the last answer has its words (NVW's members are "independent"; the NVL)
    ("Who are the members of NVW?", "Is the NVL independent?"),
    ("Кто входит в НВВ?", "Северная лига избирателей независима?"),
    ("Хто ўваходзіць у НВВ?", "Ці незалежная Паўночная ліга выбаршчыкаў?"),
])
def test_a_judgement_of_another_subject_is_no_follow_up(invited: Matcher, first: str,
                                                        then: str) -> None:
    seen = _after(invited, first, then)
    assert seen[0][1] == "nvw-members" and seen[1][0] == "none"


@pytest.mark.parametrize(("first", "why"), [
    # the negation in any of its forms: the particle, the predicative of absence
    ("Has NVW been invited to Greenland?", "why not?"),
    ("Has NVW been invited to Greenland?", "and why no invitation?"),
    ("Приглашали ли НВВ в Гренландию?", "А почему нет?"),
    ("Ці запрашалі НВВ у Грэнландыю?", "А чаму няма?"),
])
def test_why_not_after_a_never_follows_up_in_any_form_of_negation(invited: Matcher, first: str,
                                                                   why: str) -> None:
    assert _after(invited, first, why)[1][:2] == ("answer", "nvw-greenland")


@pytest.mark.parametrize(("question", "asked"), [
    # a verbless question headed by a noun of a value asks for that value
    ("А дата?", "@q-when"), ("and the date?", "@q-when"), ("Дата принятия устава?", "@q-when"),
    ("і дата?", "@q-when"), ("and its year?", "@q-year"), ("А год?", "@q-year"),
    ("Год прыняцця статута?", "@q-year"), ("the venue?", "@q-where"), ("а месца?", "@q-where"),
])
def test_a_verbless_question_of_a_value_asks_it(matcher: Matcher, question: str,
                                               asked: str) -> None:
    assert _asks(matcher, question) == {asked}


@pytest.mark.parametrize("question", [
    # the noun not at the head: a time frame, a unit after a number
    "В этом году НВВ наблюдала?", "НВВ наблюдает с 2003 года?", "Did NVW observe this year?",
])
def test_a_value_noun_elsewhere_asks_nothing(matcher: Matcher, question: str) -> None:
    assert not _asks(matcher, question) & {"@q-when", "@q-year"}


@pytest.mark.parametrize("more", ["А дата?", "and the year?", "А ў якім годзе?"])
def test_a_date_asked_in_one_noun_follows_up(invited: Matcher, more: str) -> None:
    assert _after(invited, "Was the NVW charter adopted?", more)[1][:2] == (
        "answer", "nvw-charter")


UNDATED = """\
    topic: clubs
    title: "Clubs"
    entries:
      - id: harbour-club
        questions:
          en: ["Since when has the Harbour Club observed elections for NVW?"]
          ru: ["С какого года клуб «Гавань» наблюдает за выборами для НВВ?"]
          be: ["З якога года клуб «Гавань» назірае за выбарамі для НВВ?"]
        answer: >-
          According to its charter, the Harbour Club has observed elections for NVW since 2003.
          The charter does not say when the club joined NVW, and gives no year for its first
          congress, held in May.
        sources: [{title: "The charter"}]
    """


@pytest.fixture(scope="module")
def clubs(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("clubs"), {"clubs.yaml": UNDATED},
                                   NAME_GROUP)


@pytest.mark.parametrize("question", [
    # the answer says its source gives no time for what is asked: whatever else it dates
    "When did the Harbour Club join NVW?", "In what year did the Harbour Club join NVW?",
    "In what year was the Harbour Club's first congress?",
])
def test_an_answer_that_says_it_gives_no_time_for_it_does_not_date_it(
        clubs: Matcher, question: str) -> None:
    match = clubs.match(question)
    assert match.status != "answer", match.reason


@pytest.mark.parametrize("question", [
    # what it dates
    "Since when has the Harbour Club observed elections for NVW?",
    "Since what year has the Harbour Club observed elections for NVW?",
])
def test_what_the_answer_does_date_is_still_answered(clubs: Matcher, question: str) -> None:
    match = clubs.match(question)
    assert (match.status, match.entry_id) == ("answer", "harbour-club"), match.reason


@pytest.mark.parametrize("question", [
    # Russian typed in Latin letters often drops the soft sign of the indefinite particle
    "NVW kogda-nibud nabljudala za vyborami?", "NVW gde-nibud' nabljudala za vyborami?",
    "kto-nibud iz NVW nabljudal za vyborami?",
])
def test_a_latin_indefinite_pronoun_asks_nothing(matcher: Matcher, question: str) -> None:
    assert not _asks(matcher, question) & {"@q-when", "@q-where", "@q-who"}


@pytest.mark.parametrize("question", [
    # the extreme of a set (superlatives of size and age, the ordinal "first" and its adverbs)
    "What was the oldest observer group in NVW?", "Which was NVW's biggest group?",
    "In which country did NVW observe elections for the first time?",
    "Самая крупная группа наблюдателей НВВ?", "В какой стране НВВ впервые наблюдала выборы?",
    "Найстарэйшая група назіральнікаў НВВ?", "У якой краіне НВВ упершыню назірала выбары?",
    # who pays (the verbs of paying and funding, their agent nouns)
    "Who sponsors Nordic Vote Watch?", "Who are NVW's donors?", "Кто финансирует НВВ?",
    "Хто фінансуе НВВ?",
    # a person's name (surnames, the verb of calling)
    "What are the surnames of the NVW observers?", "Как зовут наблюдателей НВВ?",
    "Прозвішчы назіральнікаў НВВ?", "Як завуць назіральнікаў НВВ?",
])
def test_a_fact_of_a_class_the_answer_never_states_is_not_answered(matcher: Matcher,
                                                                    question: str) -> None:
    match = matcher.match(question)
    assert match.status != "answer", (match.entry_id, match.reason)


@pytest.mark.parametrize("question", [
    # "first" for a thing already said, after a preposition of direction: no extreme asked
    "Back to the first one: where does NVW observe?", "Вернёмся к первому: где наблюдает НВВ?",
    "Вернемся да першага: дзе назірае НВВ?",
])
def test_back_to_the_first_asks_no_extreme(matcher: Matcher, question: str) -> None:
    assert "@extreme" not in matcher.analyse(question).terms


@pytest.mark.parametrize("message", [
    # leave-taking formulas, the night-time ones too
    "Farewell!", "good bye", "Доброй ночи!", "До скорого", "Пакуль!", "Добрай ночы", "Да хуткага",
])
def test_leave_taking_is_a_farewell(matcher: Matcher, message: str) -> None:
    assert matcher.analyse(message).smalltalk == "farewells"


REQUESTS = """\
      - id: nvw-requests
        questions:
          en: ["Did NVW ask to observe in Iceland?"]
          ru: ["Просила ли НВВ наблюдать в Исландии?"]
          be: ["Ці прасіла НВВ назіраць у Ісландыі?"]
        answer: >-
          According to its charter, NVW asked the Icelandic foreign ministry for an invitation
          in 2019, and the ministry replied that “observers are invited by the government”.
        sources: [{title: "The charter"}]
      - id: iceland-invitations
        questions:
          en: ["Who invites observers to Iceland?", "Who sends the invitations to observers?",
               "What does the foreign ministry reply to observers?"]
          ru: ["Кто приглашает наблюдателей в Исландию?", "Кто рассылает приглашения?",
               "Что отвечает МИД наблюдателям?"]
          be: ["Хто запрашае назіральнікаў у Ісландыю?", "Хто рассылае запрашэнні?",
               "Што адказвае МЗС назіральнікам?"]
        subject: [invite, observers, foreign ministry]
        answer: >-
          According to the ministry, the Icelandic foreign ministry invites observers; it
          replied to NVW's request of 2019 that “observers are invited by the government”.
        sources: [{title: "The ministry"}]
    """


@pytest.fixture(scope="module")
def requests(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("requests"), {
        "watch.yaml": TOPIC.rstrip(" ") + REQUESTS}, NAME_GROUP)


@pytest.mark.parametrize(("first", "then"), [
    # "and" or a pronoun, a body the last answer mentions, and what that answer says of it:
    # the conversation stays on that answer, though another entry holds the same words
    ("Did NVW ask to observe in Iceland?", "And what did the foreign ministry reply?"),
    ("Просила ли НВВ наблюдать в Исландии?", "А МИД что ответил?"),
    ("Ці прасіла НВВ назіраць у Ісландыі?", "А МЗС што адказала?"),
])
def test_a_detail_of_the_last_answer_stays_on_it(requests: Matcher, first: str,
                                                 then: str) -> None:
    assert _after(requests, first, then) == [("answer", "nvw-requests", False)] * 2


@pytest.mark.parametrize(("first", "then"), [
    # the body's own entry, when it holds what is asked, or a question asked on its own
    ("Did NVW ask to observe in Iceland?", "Who invites observers to Iceland?"),
    ("Did NVW ask to observe in Iceland?", "and who sends invitations to observers?"),
    # (inviting is what the other entry is about)
    ("Did NVW ask to observe in Iceland?", "And does the foreign ministry invite observers?"),
])
def test_a_question_the_other_entry_asks_leaves_the_last_answer(requests: Matcher, first: str,
                                                               then: str) -> None:
    assert _after(requests, first, then)[1][:2] == ("answer", "iceland-invitations")


@pytest.mark.parametrize(("question", "acts"), [
    # the asker as the agent of a modal or of "how", and the verb of the action
    ("How could we start working for them?", ("could", "start")),
    ("Can I attend their next congress?", ("can", "attend")),
    ("We would like to sponsor them, how?", ("we", "sponsor")),
    ("how to enrol with NVW", ("how", "enrol")),
    ("Могу ли я поехать на их съезд?", ("могу", "поехать")),
    ("Нам можно прийти на заседание?", ("можно", "прийти")),
    ("Как мне с ними связаться?", ("как", "связаться")),
    ("А как туда попасть стажёром?", ("как", "попасть")),
    ("Ці магу я далучыцца да іх?", ("магу", "далучыцца")),
    ("Ці можна нам, студэнтам, пайсці да іх у валанцёры?", ("можна", "пайсці")),
])
def test_the_asker_as_agent_is_read(question: str, acts: tuple[str, ...]) -> None:
    from bot.answering import grammar
    from bot.language import text as tx
    assert grammar.asker_acts(tx.fold(question).replace("?", "").replace(",", "").split()) == acts


@pytest.mark.parametrize("question", [
    # a verb of learning, asking or speech, or of addressing a request when whom is asked, only
    # frames the question; a noun in place of the verb asks for a fact; a body as the agent
    "Can I ask you about NVW?", "How can I find out who invites observers?",
    "I would like to know more", "Whom do we contact for an invitation?", "I have a question",
    "Как мне узнать, кто приглашает?", "Можно ли мне почитать устав?",
    "Куда мне обращаться за приглашением?", "Можно ли НВВ наблюдать в Исландии?",
    "Як мне даведацца, хто запрашае?", "Мне трэба поўная назва ПКМ",
    "Как власти отреагировали?", "Як ПКМ ладзіць з НВВ?",
])
def test_a_frame_or_another_agent_is_no_action_of_the_asker(question: str) -> None:
    from bot.answering import grammar
    from bot.language import text as tx
    words = tx.fold(question).replace("?", "").replace(",", "").split()
    assert grammar.asker_acts(words) == ()


@pytest.mark.parametrize(("first", "then"), [
    # what the asker could do about the subject of the last answer is not in any answer
    ("What is Nordic Vote Watch?", "How can I donate to them?"),
    ("Что такое НВВ?", "Можно мне к ним поехать волонтёром летом?"),
    ("Что такое НВВ?", "А как к ним устроиться на работу?"),
    ("Што такое НВВ?", "Ці магу я з імі паехаць?"),
])
def test_what_the_asker_could_do_is_declined_as_practical(requests: Matcher, first: str,
                                                          then: str) -> None:
    match = _reply_after(requests, first, then)
    assert match.status == "none" and match.outofscope == "practical", match.reason


@pytest.mark.parametrize("message", [
    # a real word one letter from a function word is not that function word ("bother" is not
    # "other", which would ask for the rest of a list)
    "Should I even bother asking?", "Why bother with them at all?",
])
def test_a_word_is_not_repaired_into_a_function_word_of_another_initial(
        matcher: Matcher, message: str) -> None:
    assert "other" not in matcher.analyse(message).words


@pytest.mark.parametrize(("question", "kind"), [
    # the scale of importance asked of something is a judgement; whether travel is safe, advice
    ("Is NVW membership a big deal?", "opinion"),
    ("How significant is the NVW charter?", "opinion"),
    ("Это важно для НВВ?", "opinion"), ("Ці мае значэнне статут НВВ?", "opinion"),
    ("Is it safe to go to Oslo in May?", "practical"), ("Безопасно ли ехать в Осло?", "practical"),
    ("Ці бяспечна ехаць у Осла?", "practical"),
])
def test_importance_is_judged_and_safety_advised(matcher: Matcher, question: str,
                                                kind: str) -> None:
    assert matcher.analyse(question).outofscope[:1] == (kind,)


@pytest.mark.parametrize("question", [
    # a which-determiner before a noun of category asks what something is
    "Which type of network is NVW?", "Какого типа сеть НВВ?", "Какого сорта комиссия ПКМ?",
    "Якога гатунку сетка НВВ?", "Якога тыпу камісія ПКМ?",
    "Якога кшталту сетка НВВ?",
])
def test_a_kind_asked_asks_what_it_is(matcher: Matcher, question: str) -> None:
    terms = matcher.analyse(question).terms
    assert "@q-what" in terms
    assert not any(t.startswith(("typ", "тип", "сорт", "гатун", "тып", "кшталт")) for t in terms)


HOME = """\
      - id: nvw-belarus
        questions:
          en: ["Has NVW been invited to Belarus?"]
          ru: ["Приглашали ли НВВ в Беларусь?"]
          be: ["Ці запрашалі НВВ у Беларусь?"]
        answer: "According to its charter, NVW has never been invited to Belarus."
        sources: [{title: "The charter"}]
    """


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("home"), {
        "watch.yaml": WATCH.rstrip(" ") + HOME})


@pytest.mark.parametrize(("first", "then"), [
    # the asker's country as "us" after a preposition of place, asked after a list of others
    ("В каких странах наблюдает НВВ?", "А у нас?"),
    ("У якіх краінах назірае НВВ?", "А ў нас?"),
    ("In which countries does NVW observe?", "and in our country?"),
])
def test_us_after_a_list_of_countries_asks_about_the_home_country(home: Matcher, first: str,
                                                                  then: str) -> None:
    assert _after(home, first, then)[1][:2] == ("answer", "nvw-belarus")


@pytest.mark.parametrize(("first", "again"), [
    # a verb of repeating, with nothing the last answer lacks: that answer once more
    ("In which countries does NVW observe?", "sorry, could you repeat the list?"),
    ("In which countries does NVW observe?", "Can you repeat which countries?"),
    ("В каких странах наблюдает НВВ?", "Повторите, пожалуйста, в каких странах"),
    ("У якіх краінах назірае НВВ?", "Паўтары, калі ласка, у якіх краінах?"),
])
def test_a_request_to_repeat_shows_the_last_answer_again(home: Matcher, first: str,
                                                         again: str) -> None:
    match = _reply_after(home, first, again)
    assert (match.entry_id, match.again) == ("nvw-countries", True), match.reason


def test_a_request_to_repeat_something_else_is_no_repeat(home: Matcher) -> None:
    match = _reply_after(home, "In which countries does NVW observe?",
                         "Could you repeat whether NVW was invited to Belarus?")
    assert match.entry_id == "nvw-belarus" and not match.again, match.reason


@pytest.mark.parametrize("message", [
    # what the bot can do, asked of it, or a bare call for help: the reply that says what it is
    "What can you do?", "help", "Что вы умеете?", "Помощь", "Што ты можаш?", "Дапамога",
])
def test_what_the_bot_can_do_is_asked_of_the_bot(matcher: Matcher, message: str) -> None:
    assert matcher.analyse(message).smalltalk == "bot"


@pytest.mark.parametrize("question", [
    # "who" with a partitive preposition before a body asks for one of its people by name
    "Who from the NVL observed in Norway?", "Who at the NVL signed the letter?",
    "Кто из Северной лиги избирателей наблюдал в Норвегии?",
    "Хто менавіта з Паўночнай лігі выбаршчыкаў назіраў у Нарвегіі?",
])
def test_who_of_a_body_asks_for_a_person(matcher: Matcher, question: str) -> None:
    assert "@person-name" in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    # a place or the countries of a body, another case of "who", a body after another
    # preposition: no person asked
    "Who from Norway observed with the NVL?", "Кто из стран НВЛ наблюдал?",
    "С кем из НВЛ работает ПКМ?", "Хто з нарвежцаў у НВЛ?", "Who invites the NVL observers?",
])
def test_who_of_a_place_or_of_countries_asks_no_person(matcher: Matcher, question: str) -> None:
    assert "@person-name" not in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    # a plural which-question about places reaches its noun across a narrowing adverb and a
    # demonstrative, and "which ones" across the pro-form: the places themselves are asked
    "А якія менавіта гэта краіны?", "Какие именно эти страны?",
    "Of the three NVW countries, which ones are they exactly?",
    "Which exactly are these countries?",
])
def test_which_places_asks_for_the_list_across_narrowers(matcher: Matcher, question: str) -> None:
    assert "@q-list" in matcher.analyse(question).terms


@pytest.mark.parametrize(("question", "negated"), [
    # a negation after the question word asks for the complement
    ("Which countries haven't invited the NVL?", True),
    ("Кто так и не ответил Северной лиге избирателей?", True),
    ("Чаму НВВ ніколі не запрашалі?", True),
    ("When did the NVL never observe?", True),
    # a negation in a request around the question, a yes/no tag, a polar question
    ("Wouldn't you know what the NVL is?", False),
    ("Не скажете, где наблюдает Северная лига избирателей?", False),
    ("Ці не падкажаце, дзе назірае НВВ?", False),
    ("Як НВВ, ці не?", False),
    ("Isn't the NVL a network?", False),
])
def test_a_negated_wh_question_is_told_from_a_polite_one(matcher: Matcher, question: str,
                                                         negated: bool) -> None:
    assert matcher.analyse(question).negated is negated


NEGATED = """\
    topic: watch
    title: "Vote watchers"
    entries:
      - id: nvl-countries
        questions:
          en: ["Where does the NVL observe elections?"]
          ru: ["Где наблюдает Северная лига избирателей?"]
          be: ["Дзе назірае Паўночная ліга выбаршчыкаў?"]
        answer: "According to its charter, the NVL observes elections in Norway and Sweden."
        sources: [{title: "The charter"}]
      - id: nvl-not-invited
        questions:
          en: ["Has the NVL been invited to Belarus?"]
          ru: ["Приглашали ли Северную лигу избирателей в Беларусь?"]
          be: ["Ці запрашалі Паўночную лігу выбаршчыкаў у Беларусь?"]
        subject: [nvl]
        answer: >-
          According to its charter, the NVL has never been invited to observe in Belarus, and
          its requests were not answered.
        sources: [{title: "The charter"}]
    """


@pytest.fixture(scope="module")
def negated(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return shipped_lexicon_matcher(tmp_path_factory.mktemp("negated"), {"watch.yaml": NEGATED},
                                   NAME_GROUP)


@pytest.mark.parametrize(("first", "then"), [
    # a negated wh-question is answered by the entry that says what is not so, not by the one
    # that says where it is so
    ("Where does the NVL observe elections?", "and where weren't they allowed in?"),
    ("Где наблюдает Северная лига избирателей?", "А куда их не пускают?"),
    ("Дзе назірае Паўночная ліга выбаршчыкаў?", "А куды іх не пускаюць?"),
    (None, "Where hasn't the NVL been invited?"),
])
def test_a_negated_wh_question_asks_what_is_not_so(negated: Matcher, first: str | None,
                                                   then: str) -> None:
    match = _reply_after(negated, first, then) if first else negated.match(then)
    assert (match.status, match.entry_id) == ("answer", "nvl-not-invited"), match.reason


@pytest.mark.parametrize("then", [
    # a request to reformulate (simpler, briefly) asks about the last answer itself
    "Can you explain it in plain English?", "in layman's terms?", "Можно попроще?",
    "Коротко, пожалуйста", "Можна прасцей?", "А ў двух словах?",
])
def test_a_request_to_say_it_simpler_gets_the_last_answer_again(matcher: Matcher,
                                                                then: str) -> None:
    match = _reply_after(matcher, "In which countries does NVW observe elections?", then)
    assert (match.status, match.entry_id, match.again) == ("answer", "nvw-countries", True)


@pytest.mark.parametrize(("question", "answered"), [
    # a region is named by an answer that names one of its countries (Norway: Scandinavia)
    ("Does the NVL observe elections in Scandinavia?", True),
    ("Наблюдает ли Северная лига избирателей за выборами в Скандинавии?", True),
    ("Ці назірае Паўночная ліга выбаршчыкаў за выбарамі ў Скандынавіі?", True),
    # and not by one that names none of them
    ("Does the NVL observe elections in the South Caucasus?", False),
    ("Наблюдает ли Северная лига избирателей за выборами в Закавказье?", False),
    ("Ці назірае Паўночная ліга выбаршчыкаў за выбарамі ў Сярэдняй Азіі?", False),
])
def test_a_region_is_named_by_its_countries(negated: Matcher, question: str,
                                            answered: bool) -> None:
    match = negated.match(question)
    assert (match.status == "answer" and match.entry_id == "nvl-countries") is answered, (
        match.status, match.entry_id, match.reason)


@pytest.mark.parametrize("question", [
    # "who" with a verb of leading asks for a person, by name
    "Who heads the NVL?", "Кто руководит Северной лигой избирателей?",
    "Хто ўзначальвае Паўночную лігу выбаршчыкаў?",
])
def test_who_leads_asks_for_a_person(matcher: Matcher, question: str) -> None:
    assert "@person-name" in matcher.analyse(question).terms


@pytest.mark.parametrize("question", [
    # a verb of telling as an infinitive after a polite modal frames the question, as its
    # imperative does (it is no typo of «адказаць», "to answer")
    "Не могли бы вы объяснить, где наблюдает Северная лига избирателей?",
    "Ці не маглі б вы расказаць, дзе назірае Паўночная ліга выбаршчыкаў?",
    "Ці не маглі б вы падказаць, дзе назірае Паўночная ліга выбаршчыкаў?",
])
def test_a_polite_infinitive_of_telling_frames_the_question(negated: Matcher,
                                                            question: str) -> None:
    match = negated.match(question)
    assert (match.status, match.entry_id) == ("answer", "nvl-countries"), match.reason


@pytest.mark.parametrize("question", [
    # a filler adverb shares its stem with a word of judgement, but is no judgement
    "Honestly I'm lost on where the NVL observes elections.",
    "Honestly I can't work out where the NVL observes elections.",
])
def test_a_filler_adverb_is_no_word_of_judgement(negated: Matcher, question: str) -> None:
    match = negated.match(question)
    assert (match.status, match.entry_id) == ("answer", "nvl-countries"), match.reason
