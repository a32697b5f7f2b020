"""Asking for a reply language in words: CLDR's language names in the forms a request takes,
tested on languages and wordings no eval set contains, and on questions that only name one."""

from __future__ import annotations

import pytest

from bot.conversation import Conversation

# (message, the language it asks for): languages the bot has and languages it lacks, each in
# the adverb, the prepositional or instrumental, and with a verb of speaking
REQUESTS = [
    ("по-польски можно?", "pl"), ("Пишите, пожалуйста, по-украински", "uk"),
    ("на литовском, если можно", "lt"), ("Давайте на немецком языке", "de"),
    ("Можна па-польску?", "pl"), ("Адказвайце, калі ласка, на ўкраінскай мове", "uk"),
    ("па-літоўску", "lt"), ("Would you answer in Lithuanian, please?", "lt"),
    ("Do you speak French?", "fr"), ("Finnish, please", "fi"), ("Talk to me in Georgian", "ka"),
    ("Отвечай по-английски", "en"), ("Пішы па-руску", "ru"), ("in Belarusian please", "be"),
    # the perfective verb of talking and the addressee with "with" ("with me", «со мной»)
    ("Поговорите со мной по-эстонски", "et"), ("Пагаварыце са мной па-латышску", "lv"),
    ("Can you talk with me in Estonian?", "et"), ("Можешь писать по-латышски?", "lv"),
]
# questions that name a language or a people's adjective but ask something else
NOT_REQUESTS = [
    "Is the Polish election commission a member of ACEEEO?", "Russian?", "English",
    "Какие украинские организации входят в ENEMO?", "Польская ЦИК сотрудничает с ЦИК?",
    "Ці ёсць артыкул па-англійску пра ENEMO?", "What does the Lithuanian CEC do?",
]


@pytest.mark.parametrize(("message", "code"), REQUESTS)
def test_a_request_for_a_language_is_read_as_one(own_conversation: Conversation, message: str,
                                                 code: str) -> None:
    match = own_conversation.matcher.match(message)
    assert (match.status, match.analysis.requested_language) == ("smalltalk", code)


@pytest.mark.parametrize("message", NOT_REQUESTS)
def test_naming_a_language_is_not_asking_for_it(own_conversation: Conversation,
                                                message: str) -> None:
    assert own_conversation.matcher.match(message).analysis.requested_language is None


def test_a_language_the_bot_has_is_chosen(own_conversation: Conversation) -> None:
    reply = own_conversation.ask("Пишите по-белорусски, пожалуйста", chosen="en")
    assert (reply.set_language, reply.lang) == ("be", "be")
    assert reply.body == own_conversation.press("setlang:be", "en").body  # as if pressed


def test_a_language_the_bot_lacks_gets_the_menu(own_conversation: Conversation) -> None:
    reply = own_conversation.ask("Можно по-польски?", chosen="ru")
    offered = [b.action for row in reply.buttons for b in row]
    assert reply.set_language is None and reply.lang == "ru"
    assert offered == [f"setlang:{code}" for code in own_conversation.catalogs.languages]


# the language a message is written or wanted in, beside a question: CLDR's names after a
# preposition of medium, and the adverbs, in languages and wordings no eval set contains
MEDIUM = [
    ("Sorry, switching to Polish — who invites observers?", "Sorry — who invites observers?"),
    ("My neighbour asks in Lithuanian: who invites observers?", "My neighbour asks: who invites "
     "observers?"),
    ("Извините, перейду на украинский. Кто приглашает наблюдателей?",
     "Извините. Кто приглашает наблюдателей?"),
    ("Пишу по-французски плохо, кто приглашает наблюдателей?",
     "Пишу плохо, кто приглашает наблюдателей?"),
    ("Прабачце, перайду на польскую. Хто запрашае назіральнікаў?",
     "Прабачце. Хто запрашае назіральнікаў?"),
    ("Па-літоўску: хто запрашае назіральнікаў?", "Хто запрашае назіральнікаў?"),
]


@pytest.mark.parametrize(("message", "without"), MEDIUM)
def test_the_language_of_the_conversation_is_not_asked_about(
        own_conversation: Conversation, message: str, without: str) -> None:
    matcher = own_conversation.matcher
    assert matcher.analyse(message).terms == matcher.analyse(without).terms


@pytest.mark.parametrize("message", [
    "Do observers come to Polish elections?", "Кто наблюдал на литовских выборах?",
    "Ці назіраюць за польскімі выбарамі?",
])
def test_a_people_s_adjective_before_a_noun_stays_asked_about(
        own_conversation: Conversation, message: str) -> None:
    matcher = own_conversation.matcher
    analysis = matcher.analyse(message)
    assert len(analysis.terms) == len(set(analysis.terms)) and any(
        w.startswith(("polish", "литов", "польск")) for w in analysis.words)
    assert not {t for t in analysis.terms} <= set(matcher.analyse(
        message.replace("Polish ", "").replace("литовских ", "").replace("польскімі ", "")).terms)


@pytest.mark.parametrize("message", [
    "Як перакласці «назіральнік» на літоўскую?", "Как перевести «наблюдатель» на латышский?",
    "How do you say «назіральнік» in Lithuanian?",
])
def test_a_language_words_are_translated_into_stays_asked_about(
        own_conversation: Conversation, message: str) -> None:
    analysis = own_conversation.matcher.analyse(message)
    assert len(analysis.terms) > len(own_conversation.matcher.analyse(
        message.rsplit(" ", 2)[0]).terms) or any(
        t.startswith(("@lithuania", "@latvia", "литов", "латыш", "lithuan"))
        for t in analysis.terms)
