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
- **A name of several words called by its head noun** ("some European association",
  «европейская сеть наблюдателей», «асацыяцыя арганізатараў», "the network", «про
  ассоциацию»): the head noun of a name (see terms.name_head) that no other name of the base
  has names the organisation, as people recall a long name by its core or refer to it by a
  definite description — with the name's other words next to it, or alone, unless a name, a
  place or a word the lexicon does not know modifies it ("the NVW network", «социальная
  сеть», «комиссия России»).
- **"Which countries" in the plural** ("Which countries are members?", «Какие страны
  входят…?», «Якія краіны…?»), with no preposition of place or "with" before, asks for the
  places themselves (a list), which a count of them does not give.
- **An additive particle with only a question word** ("who else?", «а что ещё?», «хто
  яшчэ?») asks for more of what was just said (dialogue.py: the last answer is all there is).
- **Who did a deed that has a doer** ("who signed it", «кто его подписал»): the question asks
  for the signatory, whatever words stand between "who" and the verb.
- **What someone said or asked** ("what did the experts say?", «что ответил МИД?», «што
  сказана ў пратаколе?»): "what" opening a question (after a conjunction or a preposition at
  most) and a verb of communication after it ask for the content of speech or of a text —
  what was said, replied, written (reported) or asked (discussed) — which an answer must
  quote. A question put to the bot ("what can you tell me", «что скажете») asks nothing of
  the kind, nor does «что» as the conjunction "that" («говорят, что…»), which follows its
  verb. "Which questions did they ask?" («какие вопросы задавали») asks what was discussed.
- **A contrast that negates one member** ("not ENEMO but the OSCE", «не ЕНЕМО, а ОБСЕ», «не
  ENEMO, а АБСЕ»): the words between the negation and the adversative conjunction are what
  the message does not ask about.
- **"When" as a conjunction** ("how did that work out for ENEMO when it wrote?", "who headed
  the network when the requests went unanswered?"): in an English question already opened by
  a question word or an auxiliary, a later "when" that no coordinating conjunction precedes
  opens a clause of time and asks nothing; so does an opening "when" that no auxiliary
  follows, before a question word of its own ("When NVW observers arrive, who invites them?").
- **Adverbs of present time and of continuation** ("now", "still", "these days", «сейчас»,
  «до сих пор», «цяпер», «дагэтуль») frame a question in the present: they name nothing an
  answer must hold, and the reply says that the dated sources cannot tell whether it still
  holds ("is that still so?" after an answer asks exactly that of it).
- **An opening style disjunct** ("Honestly, …", «Честно говоря, …», «Калі шчыра, …») comments
  on the asking and asks nothing (reading.py leaves it out).
- **"How many" with a unit of time** ("how many years", «сколько лет», «колькі гадоў») asks
  how long, as "how long" does: a year since when answers it, not a count.
- **An opening condition** ("If I ran an NGO in Poland, …?", «Если бы…, …?», «Калі б…, …?»)
  states a supposition (reading.py sets it apart as a sentence before the question).
- **The superlative of closeness** ("friendliest", "the most friendly", "thickest with",
  «теснейшие», «на самой короткой ноге», «найбліжэйшы», «самыя сяброўскія»): the superlative
  degree — synthetic (-est, -ейш-/-айш-, наи-/най-) or analytic ("most", «самый», «наиболее»,
  «найбольш», «самы», "best") — of an adjective or adverb of a close relationship (close,
  tight, thick, friendly, warm, intimate; the Russian idiom «на короткой ноге», the
  Belarusian «на кароткай назе») asks who is closest, as "closest" does.
- **The modal periphrasis of permission** («имеет (ли) право», «мае права», «маюць права»):
  a form of "have" and the noun "right" say whether something may be done, as «вправе» does
  (a stopword); the noun is not the rights that human rights defenders defend.
- **Where something was seen** ("I saw it on their website", «на сайце ЦВК»): a website after a
  preposition of place or source is where the message read something, not the website asked
  for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.answering.terms import COUNTRY_NOUNS, NAMED_KINDS, QUESTION_WORD_PREFIX, SYN_PREFIX, Terms
from bot.language import text as tx

# the particles that make a question word indefinite (ru, be), after or before it
INDEFINITE_AFTER = frozenset({"то", "нибудь", "нить", "либо", "небудзь", "колечы"})
# (and as Russian typed in Latin letters often reaches us: without the soft sign, "nibud")
_INDEFINITE_HARD = frozenset(w.rstrip("ь") for w in INDEFINITE_AFTER)
INDEFINITE_BEFORE = frozenset({"кое", "абы"})
# the additive particles of the three grammars ("who else?", «кто ещё?», «хто яшчэ?»): with
# only a question word, they ask for more of what was just said
ADDITIVE = frozenset({"else", "еще", "ещё", "яшчэ"})
# the determiners of remainder ask for the rest of a set just listed ("and the rest?", "the
# other ones?", «а остальные страны?», «а прочие?», «а астатнія?»): English rest, other(s) and
# remaining; Russian остальной, прочий and Belarusian астатні in every case of the plural
REMAINDER = frozenset({
    "rest", "other", "others", "remaining",
    "остальные", "остальных", "остальным", "остальными",
    "прочие", "прочих", "прочим", "прочими",
    "астатнія", "астатніх", "астатнім", "астатнімі"})
# the answer particles of the three languages, which reply to the last message rather than ask
# ("no, I meant…", «нет, с Россией», «не, я пра…»)
RESPONSE_PARTICLES = frozenset({"yes", "yeah", "yep", "no", "nope", "да", "нет", "не", "так",
                                "ні", "ага", "угу"})
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
# the predicates of existence and of need ("exist", «существует», «нужна», «існуе»,
# «патрэбна»): "why does X exist?", «зачем нужна X?», «навошта існуе X?» ask what X is for —
# what it does — as «для чего нужна X?» does, not the reason for something X did
WHY = QUESTION_WORD_PREFIX + "why"
WHAT = QUESTION_WORD_PREFIX + "what"
PURPOSE_PREDICATES = ("exist", "need", "нужн", "нужен", "существ", "патрэб", "існу", "існав")
# a day asked for: a noun of the day or date after an interrogative or "exact" («какого
# числа», «якога чысла», "what day", "the exact date", «в какой день»); a month or a year
# does not give it ("in June")
DAY_ASKED = QUESTION_WORD_PREFIX + "day"
# (the forms Russian and Belarusian share — дня, дата, даты, дату — once)
DAY_NOUNS = frozenset({"day", "date", "число", "числа", "день", "дня", "дата", "даты", "дату",
                       "чысло", "чысла", "дзень"})
# the verbs of getting information — reading, finding, learning, looking up (en, ru, be; by the
# beginnings of their forms): "where can I read about…", «где узнать…», «дзе пачытаць…» ask
# where the fact is written, which every answer names as its source, not where anything
# took place
READING_VERBS = ("read", "find", "learn", "look", "чита", "чте", "почит", "прочит", "прочес",
                 "найти", "найд", "узна", "посмотр", "чыта", "пачыт", "прачыт", "знайс",
                 "знойд", "даведа", "паглядз")
# the negation and the adversative conjunction of a contrast ("not X but Y", «не X, а Y»), and
# how many words the negated member may have
NEGATIONS = frozenset({"not", "не", "ні"})
# every form the negation takes in the three grammars: the particles, the predicative of
# absence («нет», «няма») and the negative adverbs of time and pronoun particle ("never",
# «никогда», «ніколі», «ни»): "why not?", «почему нет?» and «чаму не?» ask the same of an
# answer that says "never"
NEGATION_FORMS = frozenset({"not", "no", "never", "не", "нет", "ни", "никогда", "ні", "няма",
                            "ніколі"})
NEGATION_STEMS = frozenset(tx.stem(w) for w in NEGATION_FORMS)
ADVERSATIVES = frozenset({"but", "а"})
CONTRAST_WINDOW = 2
# the English auxiliaries that open a yes/no question, the subordinating "when", and the
# conjunctions after which it asks again ("who invites them, and when?")
AUXILIARIES = DO_FORMS | {"is", "are", "was", "were", "has", "have", "had", "can", "could",
                          "will", "would", "should", "may", "might", "must"}
WHEN = "when"
WH_WORDS = frozenset({"what", "which", "who", "whom", "whose", "where", "why", "how"})
COORDINATORS = frozenset({"and", "or", "but", "since", "until", "till", "from"})
# the relative pronouns that open a clause describing a noun («ЦВК, пра якую кажуць»): a verb
# after one belongs to that clause
RELATIVES = ("which", "whom", "whose", "котор", "які", "якая", "якое", "якую", "якія", "якога",
             "якой", "якім", "якіх")
# "what" as a question word, what may stand before it at the head of a question (conjunctions,
# prepositions: "and what", «а о чём», «пра што»), and the verbs of communication after it by
# the beginnings of their forms (en, ru, be): of saying, replying and writing (the say and tell
# classes of English verbs and their counterparts), and of asking
WHAT_WORDS = frozenset({"what", "что", "чо", "што", "шо", "чём", "чем", "чым"})
WHAT_LEADERS = frozenset({"and", "so", "but", "then", "about", "и", "а", "но", "ну", "так",
                          "тогда", "о", "об", "про", "і", "тады", "дык", "пра", "аб"})
SAY_VERBS = ("say", "said", "tell", "told", "repl", "answer", "respond", "write", "wrote",
             "writt", "claim", "mention", "announc", "declar", "promis",
             "сказал", "сказан", "говорил", "говорит", "говорят", "говорится", "ответил",
             "отвечал", "писал", "написал", "написан", "прописан", "заявил", "сообщил",
             "обещал", "упомина", "упомян",
             "сказаў", "сказал", "сказан", "казаў", "казал", "кажа", "кажуць", "гаварыў",
             "гаварыл", "гаворыцца", "гавораць", "адказаў", "адказал", "пісаў", "пісал",
             "напісаў", "напісал", "напісан", "прапісан", "заявіў", "заявіл", "паведаміў",
             "паведаміл", "абяцаў", "абяцал", "згадва")
ASK_VERBS = ("ask", "inquir", "enquir", "спрашивал", "спросил", "интересовал", "пытаў",
             "пыталі", "пытала", "спытаў", "спыталі", "спытала", "цікавіл")
COMMUNICATION_VERBS = SAY_VERBS + ASK_VERBS
# "which questions did they ask" («какие вопросы задавали», «якія пытанні задавалі»): an
# interrogative determiner before the noun "question" with the light verb that asks it
QUESTION_NOUNS = ("question", "вопрос", "пытанн")
ASK_LIGHT_VERBS = ("ask", "pose", "put", "задава", "задал", "задаў", "задавал")
# the second person (the bot addressed: "what can you tell me") and the objects of an
# imperative "tell me" / «скажи нам»
ADDRESSEE = frozenset({"you", "your", "me", "us", "вы", "ты", "вам", "тебе", "вас", "тебя",
                       "ваш", "твой", "мне", "нам", "табе", "цябе", "ваша", "твая", "мяне"})
# the personal pronouns after which a negation is the answer particle («не, я пра…», "no, we…")
PERSONAL = ADDRESSEE | {"i", "we", "я", "мы"}
REPORTED = SYN_PREFIX + "reported"
DISCUSSED = SYN_PREFIX + "discussed"
# (what these add is what the question word and its verb ask, not another thing named)
ASKED_CONTENT = frozenset({REPORTED, DISCUSSED})
# the nouns of a website (en, ru, be) by the beginnings of their forms, the prepositions of
# place and source before them (a website is «на», not «в»; «у ЦВК ёсць сайт» is "has"), and
# how far before (over "the", "their", "CEC", «официальном»), and the lexicon's group they
# belong to
WEB_NOUNS = ("site", "website", "webpage", "сайт", "вебсайт", "вэбсайт")
ON_PREPOSITIONS = frozenset({"on", "at", "from", "via", "на", "с", "со", "з", "са", "по",
                             "па"})
ON_WINDOW = 3
CONTACTS = SYN_PREFIX + "contacts"
# interrogative determiners (en; ru and be in every gender, number and case) and the nouns of
# place by the beginnings of their forms
WHICH = frozenset({
    "which", "what", "какой", "какая", "какое", "какие", "каких", "каким", "какую", "каком",
    "какими", "какого", "які", "якая", "якое", "якія", "якіх", "якім", "якую", "якой",
    "якімі", "якога"})
# the plural interrogative determiners of ru and be in every case ("which" in the plural), and
# the term of a list asked for
PLURAL_WHICH = frozenset({"какие", "каких", "каким", "какими", "якія", "якіх", "якімі"})
LIST = QUESTION_WORD_PREFIX + "list"
# the prepositions "with" (en, ru, be): "with which countries" asks for partners
WITH = frozenset({"with", "с", "со", "з", "са"})
# prepositions of place and direction (en, ru, be); be «з» is left out, as it means both
# "from" and "with"
PLACE_PREPOSITIONS = frozenset({"in", "at", "to", "into", "from", "в", "во", "на", "из", "у",
                                "ў", "ва", "да", "до"})
PLACE_NOUNS = (*COUNTRY_NOUNS, "city", "cities", "town", "region", "republic", "territor",
               "город", "регион", "республик", "территор", "государств", "горад", "рэгіён",
               "рэгіен", "рэспублік", "тэрыторы", "дзяржав")
# the prepositions of location and direction alone, not of origin or limit ("in Belarus", «в
# Беларуси», «у Беларусі»; not "from Belarus", «из Беларуси», «до Минска»)
LOCATIVE = (PLACE_PREPOSITIONS - {"from", "из", "да", "до"}) | {"inside", "within"}
# "how many" and the nouns of units of time after it (en, ru, be; by the beginnings of their
# forms): "how many years", «сколько лет», «колькі гадоў» ask how long, as "how long" does —
# which a year since when answers, not a count
HOW_MANY = QUESTION_WORD_PREFIX + "how-many"
WHEN_ASKED = QUESTION_WORD_PREFIX + "when"
YEAR_ASKED = QUESTION_WORD_PREFIX + "year"
HOW_MANY_WORDS = frozenset({"many", "сколько", "скольких", "колькі"})
TIME_UNITS = ("year", "month", "decade", "лет", "год", "месяц", "месяцев", "десятилет",
              "гадо", "гады", "месяцаў", "дзесяцігод")
# what before "which countries" makes it ask something else than a list: where, or with whom
NOT_A_LIST = PLACE_PREPOSITIONS | WITH
# what asks for a day before its noun: the singular interrogative determiner in every case, or
# "exact" («какого числа», "what day", «у які дзень», "the exact date", «точная дата»)
DAY_ASKERS = (WHICH - PLURAL_WHICH) | {"exact", "exactly", "precise", "точная", "точную",
                                       "точной", "точный", "дакладная", "дакладную",
                                       "дакладны"}

# A which-question asks for an instance of its determiner's noun ("which office", «какое
# ведомство», «на якой мове»): an answer must name one. Between the two stand words that
# narrow the noun without being it: degree and kind words ("exactly", "what kind of",
# «именно», «менавіта»), numerals, and in ru and be the adjectives, which agree with the
# determiner and so share its ending (the adjective endings of each case, gender and number,
# as the grammars give them: «какое международное ведомство», «якая міжнародная ўстанова»).
# the demonstratives a ru or be determiner may reach its noun across («якія гэта краіны»)
DEMONSTRATIVES = frozenset({"это", "эти", "гэта", "гэтыя", "these", "those"})
WHICH_NARROWERS = frozenset({
    "exactly", "precisely", "particular", "specific", "kind", "kinds", "sort", "sorts", "type",
    "types", "of", "именно", "конкретно", "точно", "менавіта", "канкрэтна", "дакладна"})
# the collective and quantity nouns, which a which-question passes through to the noun of
# their members ("which range of partners", «какой круг партнёров», «які круг партнёраў»)
COLLECTIVES = ("range", "circle", "group", "set", "list", "number", "круг", "групп", "список",
               "число", "кола", "груп", "спіс", "лік")
# the nouns with which a which-phrase asks how, how far or why, not for an instance: manner,
# means, extent, role and grounds ("in what way", "through which channel", "to what extent",
# "what role", "on what basis"; «каким образом», «каким путём», «в каком порядке», «в какой
# степени», «какую роль», «на каком основании»; «якім чынам», «якім спосабам», «у якой
# ступені», «на якой падставе»), by the beginnings of their forms
# "who" with a partitive preposition before a body ("who from the CEC", "who at the ENEMO
# Secretariat", «кто из ЦИК», «хто з ЦВК»): one of the people in it, whose name an answer that
# names only the body does not give
PARTITIVE = frozenset({"from", "at", "among", "из", "среди", "з", "сярод"})
PARTITIVE_SPAN = 3
WHO_SUBJECTS = frozenset({"who", "кто", "хто"})
PERSON_NAME = SYN_PREFIX + "person-name"
HEAD = SYN_PREFIX + "head"
# the nouns of a category ("what kind of", «какого рода», «якога кшталту», «какой тип»): a
# which-question about a category of something asks what it is
TYPE_NOUNS = ("kind", "sort", "type", "вид", "род", "тип", "сорт", "від", "тып", "кшталт",
              "гатун")
NOT_INSTANCES = ("way", "manner", "extent", "degree", "means", "channel", "route", "procedure",
                 "role", "function", "basis", "ground", "канал", "маршрут", "процедур",
                 "працэдур", "образом", "способ", "путь", "путём", "путем", "порядк", "порядок",
                 "степен", "мере", "меры", "роль", "роли", "функци", "основани", "чын",
                 "спосаб", "шлях", "парад", "ступен", "роля", "ролю", "функцы", "падстав")
AGREEING_ENDINGS = {
    "какой": ("ой", "ый", "ий"), "какая": ("ая", "яя"), "какое": ("ое", "ее"),
    "какие": ("ие", "ые"), "каких": ("их", "ых"), "каким": ("им", "ым"), "какую": ("ую", "юю"),
    "каком": ("ом", "ем"), "какими": ("ими", "ыми"), "какого": ("ого", "его"),
    "какому": ("ому", "ему"), "які": ("і", "ы"), "якая": ("ая",), "якое": ("ое", "ае"),
    "якія": ("ія", "ыя"), "якіх": ("іх", "ых"), "якім": ("ім", "ым"), "якую": ("ую",),
    "якой": ("ой", "ай"), "якімі": ("імі", "ымі"), "якога": ("ога", "ага"),
    "якому": ("ому", "аму")}
# the relational nouns (Barker 1995: a noun that names someone by a relation to another, as
# "colleague", "counterpart", "partner", "ally", "neighbour"; «коллега», «партнёр», «союзник»,
# «сосед»; «калега», «партнёр», «саюзнік», «сусед»), by the beginnings of their forms: "with
# which colleagues" asks who they are, which any answer naming them gives
RELATIONAL_NOUNS = ("colleague", "counterpart", "partner", "ally", "allies", "neighbo",
                    "friend", "коллег", "колег", "партн", "союзн", "сосед", "соседн", "друз",
                    "калег", "саюзн", "сусед", "сябр")
# what a which-phrase's first noun shows it asks instead of an instance (see both above)
_NO_INSTANCE = NOT_INSTANCES + RELATIONAL_NOUNS
# the prepositions that may stand before the determiner at the head of a question ("in which
# language", «на каком языке», «з якой установы»)
HEAD_PREPOSITIONS = PLACE_PREPOSITIONS | WITH | {
    "of", "for", "by", "about", "under", "through", "для", "от", "по", "через", "под", "при",
    "о", "об", "ад", "па", "праз", "пад", "пры", "пра", "аб", "за"}
HEAD_WINDOW = 4
# the nouns with which a which-phrase asks for something else than an instance, by the
# beginnings of their forms: places ("which countries": a list), units of time ("which year":
# a date) and questions ("which question")
OTHER_ASKED_NOUNS = PLACE_NOUNS + TIME_UNITS + QUESTION_NOUNS

# the universal quantifiers of the three grammars ("all", «все», «усе»), by stem: "list them
# all" names nothing to list (the stem reads Belarusian «ўсе» as «усе»)
QUANTIFIERS = frozenset(tx.stem(w) for w in (
    "all", "every", "each", "everything", "everyone", "whole", "entire", "весь", "все", "всё",
    "всех", "каждый", "увесь", "усе", "усіх", "кожны"))

# The deictic adverbs of present time and of continuation of the three grammars ("now",
# "currently", "still", "these days"; «сейчас», «теперь», «до сих пор», «всё ещё»; «цяпер»,
# «зараз», «дагэтуль», «усё яшчэ»), folded, as word sequences: they ask whether something
# holds today, which dated sources cannot settle (the reply says so), and name nothing an
# answer must hold. The adjectives of the same time («нынешний», "current") ask for the
# latest of something instead (the lexicon's recency).
PRESENT_TIME = frozenset(tuple(p.split()) for p in (
    "now", "currently", "nowadays", "presently", "today", "still", "these days", "at present",
    "at the moment", "right now", "as of now", "as of today", "to this day", "to date",
    "сейчас", "щас", "теперь", "ныне", "нынче", "сегодня", "в настоящее время",
    "на данный момент", "в данный момент", "на сегодня", "на сегодняшний день", "до сих пор",
    "по сей день", "по прежнему", "все еще", "поныне",
    "цяпер", "зараз", "сення", "у цяперашні час", "на дадзены момант", "на сення",
    "ў цяперашні час", "на сенняшні дзень", "дагэтуль", "да гэтага часу", "па ранейшаму",
    "усе яшчэ", "ўсе яшчэ"))
_PRESENT_STARTS = frozenset(p[0] for p in PRESENT_TIME)

# the adjectives and adverbs of a close relationship (en, ru, be; by the beginnings of their
# forms), the idiom «на короткой ноге» (be «на кароткай назе») by its adjective and noun, and
# the markers of the superlative: analytic (before the word, within SUPERLATIVE_WINDOW) and
# synthetic (suffixes and prefixes of the word itself); read as CLOSEST_WORD (see above)
# («ближайший», «найбліжэйшы» are left out: mostly "the coming" — «ближайшие выборы»)
CLOSENESS = ("close", "tight", "thick", "friend", "warm", "intimate", "близк", "тесн", "тесен",
             "друж", "тепл", "блізк", "цесн", "цясн", "сябр", "цепл", "цяпл")  # (ё folded)
CLOSENESS_IDIOMS = (("коротк", "ног"), ("каротк", "наз"))
_IDIOM_STARTS = tuple(adjective for adjective, _ in CLOSENESS_IDIOMS)
SUPERLATIVE_MARKERS = frozenset({
    "most", "best", "наиболее", "лучше", "лучшие", "лучший", "найбольш", "лепшыя", "лепшы",
    # the forms of «самый» (ru) and «самы» (be), which share самой, самым, самых
    "самый", "самая", "самое", "самые", "самого", "самой", "самому", "самым", "самых", "самом",
    "самую", "самыми", "самою", "самы", "самае", "самыя", "самага", "самай", "самаму",
    "самымі"})
# (after the word: «теснее всего», «бліжэй за ўсё»)
SUPERLATIVE_AFTER = frozenset({"всего", "всех", "усіх", "ўсіх", "усё", "ўсё", "усе", "ўсе"})
SUPERLATIVE_WINDOW = 2
SUPERLATIVE_SUFFIXES = ("est", "ейш", "айш")
SUPERLATIVE_PREFIXES = ("наи", "най")
CLOSEST_WORD = "closest"

# the present and past forms of "have" (ru, be) and the noun "right" of the modal periphrasis
# of permission, with at most one particle («ли», «ці») between them
MODAL_HAVE = frozenset({"имею", "имеешь", "имеет", "имеем", "имеете", "имеют", "имел", "имела",
                        "имело", "имели", "маю", "маеш", "мае", "маем", "маеце", "маюць", "меў",
                        "мела", "мелі"})
MODAL_RIGHT = frozenset({"право", "права"})
MODAL_PARTICLES = frozenset({"ли", "ці"})

# the ordinal "first" (by the beginnings of its forms) standing for a thing already said:
# after a preposition of direction (and an article), at the end of its clause ("back to the
# first", «к первому», «да першага»); not the extreme of a set ("the first country")
ORDINAL_FIRST = ("first", "перв", "перш")
ARTICLES = frozenset({"the", "a"})
DIRECTION_PREPOSITIONS = frozenset({"to", "к", "ко", "да"})
# (what ends the clause after it: the next question's word, or a conjunction)
ORDINAL_REFERENCE_ENDS = frozenset({"and", "then", "а", "и", "і", "тогда", "тады"})

# how many of a name's other words beside its head are read as part of it
NAME_WINDOW = 2


def sentence_terms(terms: Terms, words: Sequence[str]) -> list[str]:
    """The terms of one sentence's words, read with the rules above: how questions and the
    base's own phrasings are both read, so that they compare alike."""
    plain = recall_names(plain_words(closest_read(words), terms.is_question_word), terms)
    found = asked_terms(words, terms.of_words(plain))
    # "who" of a body's people ("who at the ENEMO Secretariat") or with a verb of leading
    # ("who heads it?") asks for a person, by name
    if WHO in found and PERSON_NAME in terms.kinds and PERSON_NAME not in found and (
            HEAD in found or any(_partitive_of(terms, words, i)
                                 for i, w in enumerate(words) if w in WHO_SUBJECTS)):
        found.append(PERSON_NAME)
    return found


def _partitive_of(terms: Terms, words: Sequence[str], at: int) -> bool:
    """Whether the nominative "who" at `at` has a partitive preposition and a body's name after
    it, at most a word between each ("who at the ENEMO Secretariat", «хто менавіта з ЦВК»; not
    «хто з беларусаў у ENEMO», whose body comes after another preposition, nor «хто з краін
    СНД»)."""
    for i in range(at + 1, min(at + 3, len(words))):
        if words[i] in PARTITIVE:
            after = list(words[i + 1 : i + 1 + PARTITIVE_SPAN])
            # (of the countries of a body, "who" asks for countries: «хто з краін СНД»)
            return not PLACE_PREPOSITIONS & set(after) and not any(
                w.startswith(PLACE_NOUNS) for w in after) and any(
                terms.kinds.get(t) == "name" for t in terms.of_words(after))
    return False


def closest_read(words: Sequence[str]) -> list[str]:
    """The words with a superlative of closeness (see above) read as CLOSEST_WORD."""
    if not any(_close(w) for w in words):
        return list(words)
    out: list[str] = []
    last = -1  # (the last position a superlative took)
    for i, word in enumerate(words):
        if i <= last:
            continue
        idiom = _idiom_end(words, i) if _close(word) else None
        if idiom is None and not _close(word, idioms=False):
            out.append(word)
            continue
        end = i if idiom is None else idiom
        before = [j for j in range(max(0, i - SUPERLATIVE_WINDOW, last + 1), i)
                  if words[j] in SUPERLATIVE_MARKERS]
        after = end + 1 < len(words) and words[end + 1] in SUPERLATIVE_AFTER
        if before or after or (idiom is None and is_superlative(word)):
            if before:
                del out[len(out) - (i - before[0]):]
            out.append(CLOSEST_WORD)
            last = end + (1 if after else 0)
        else:
            out.append(word)
    return out


def is_superlative(word: str) -> bool:
    """Whether a word is a synthetic superlative of closeness ("friendliest", «теснейший»,
    «найцяплейшы»): typo repair leaves it as it is."""
    return _prefixed(word) or (word.startswith(CLOSENESS) and any(
        x in word[3:] for x in SUPERLATIVE_SUFFIXES))


def _prefixed(word: str) -> bool:
    """Whether a word is a word of closeness with the superlative prefix (наи-, най-)."""
    return word.startswith(SUPERLATIVE_PREFIXES) and word[3:].startswith(CLOSENESS)


def _close(word: str, idioms: bool = True) -> bool:
    """Whether a word is a word of closeness, or (with `idioms`) starts an idiom of it."""
    return word.startswith(CLOSENESS) or _prefixed(word) or (
        idioms and word.startswith(_IDIOM_STARTS))


def _idiom_end(words: Sequence[str], i: int) -> int | None:
    """The position of the idiom's noun when an idiom of closeness starts at `i`."""
    for adjective, noun in CLOSENESS_IDIOMS:
        if words[i].startswith(adjective) and i + 1 < len(words) and words[i + 1].startswith(
                noun):
            return i + 1
    return None


def recall_names(words: Sequence[str], terms: Terms) -> list[str]:
    """The words with a name called by its head noun and another of its words written as
    that name: its modifiers before the head (adjectives, nouns: "European association") or
    its complements after it ("network of observers", «ассоциация организаторов»); a word
    before the head across a preposition is not its modifier ("countries in the
    association")."""
    heads = terms.name_heads
    found = [terms.of_words([w]) for w in words]
    if not any(ts and ts[0] in heads for ts in found):
        return list(words)
    # (a name written in full, or by an acronym, is read as such already)
    named = set(terms.of_words(list(words)))
    out: list[str | None] = list(words)
    for i, ts in enumerate(found):
        for name, word, others in heads.get(ts[0], ()) if ts else ():
            if out[i] is None:
                continue
            if name in named:
                # apposition: the head beside the name itself ("the ENEMO network", «сеть
                # ENEMO») is the name's own noun, not another thing asked about
                if any(name in found[j] for j in (i - 1, i + 1) if 0 <= j < len(words)):
                    out[i] = None
                continue
            near = _modifiers(words, found, i, others, terms.kinds)
            if near is None or (not near and not _definite(words, found, i, terms.kinds)):
                continue
            out[i] = word
            named.add(name)
            for j in near:
                out[j] = None
    return [w for w in out if w is not None]


def _definite(words: Sequence[str], found: Sequence[list[str]], head: int,
              kinds: dict[str, str]) -> bool:
    """Whether a head noun without its name's other words is a definite description of the
    one organisation it heads ("the network", «эта ассоциация», «про ассоциацию»): so unless
    its complement names something else ("the commissions *of the CIS*", «комиссия *России*»),
    looked for over a noun of place ("of the CIS countries")."""
    for k in range(head + 1, len(words)):
        if found[k] and not words[k].startswith(PLACE_NOUNS):
            return not any(kinds.get(t) in NAMED_KINDS for t in found[k])
    return True


def _specific(ts: Sequence[str], kinds: dict[str, str]) -> bool:
    """Whether a word's terms name something of their own: a name, a place, or a word the
    lexicon does not know (a stem)."""
    return any(not t.startswith(SYN_PREFIX) or kinds.get(t) in NAMED_KINDS for t in ts)


def _modifiers(words: Sequence[str], found: Sequence[list[str]], head: int,
               others: frozenset[str], kinds: dict[str, str]) -> list[int] | None:
    """Where the other words of a name stand around its head: each way, the name's words
    that follow on from it, NAME_WINDOW at most; function words may stand between them
    after the head ("network *of* observers"), not before it ("countries *in* the
    association"), and any other word ends the run ("the commission *monitored* the vote").
    None when a name, a place or a word the lexicon does not know modifies the head: it names
    something else ("the *NVW* network", "a *hockey* league", «*социальная* сеть»); an
    adjective of the lexicon does not ("that *international* network")."""
    near: list[int] = []
    for step in (-1, 1):
        j = head + step
        while 0 <= j < len(words) and len(near) < NAME_WINDOW:
            if not found[j]:
                if step < 0:
                    break
            elif found[j][0] in others:
                near.append(j)
            elif step < 0 and j == head - 1 and _specific(found[j], kinds):
                return None
            else:
                break
            j += step
    return near


def plain_words(words: Sequence[str], is_question_word: Callable[[str], bool]) -> list[str]:
    """The words with indefinite pronouns and the negated member of a contrast left out, and
    the main verb "do" read as activity."""
    drop = (_contrasted(words) | _clauses_of_time(words, is_question_word)
            | present_time(words) | _modal_of_permission(words)
            | _ordinal_references(words, is_question_word))
    # (the particle is looked for first: few sentences have one)
    for i, word in enumerate(words):
        if word.rstrip("ь") in _INDEFINITE_HARD and i > 0 and is_question_word(words[i - 1]):
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


def _ordinal_references(words: Sequence[str],
                        is_question_word: Callable[[str], bool]) -> set[int]:
    """The positions of the ordinal "first" standing for a thing already said, not the extreme
    of a set asked about: after a preposition of direction, at the end of its clause ("back to
    the first, how many…", «вернёмся к первому», «вернемся да першага: колькі…»)."""
    found: set[int] = set()
    for i, word in enumerate(words):
        if not word.startswith(ORDINAL_FIRST) or i == 0:
            continue
        before = words[i - 2] if words[i - 1] in ARTICLES and i > 1 else words[i - 1]
        # (English props the ordinal up with "one": "back to the first one")
        j = i + 2 if i + 1 < len(words) and words[i + 1] in ("one", "ones") else i + 1
        if before in DIRECTION_PREPOSITIONS and (
                j >= len(words) or words[j] in ORDINAL_REFERENCE_ENDS
                or is_question_word(words[j])):
            found.add(i)
    return found


def _modal_of_permission(words: Sequence[str]) -> set[int]:
    """The positions of the words of a modal periphrasis of permission (see above)."""
    found: set[int] = set()
    for i, word in enumerate(words):
        if word in MODAL_RIGHT and i > 0:
            j = i - 1 if words[i - 1] not in MODAL_PARTICLES or i < 2 else i - 2
            if words[j] in MODAL_HAVE:
                found |= set(range(j, i + 1))
    return found


# the disjunctions of an alternative question's tag ("…, or not?", «…, или нет?», «…, ці не?»)
ALTERNATIVES = frozenset({"or", "или", "либо", "ли", "ці", "або", "альбо"})


def negated_question(terms: Terms, words: Sequence[str]) -> bool:
    """Whether a sentence is a negated wh-question, which asks for the complement ("where
    haven't they been let in?", «кого не зовут?»): a negation after its last question word
    (not one of a filler phrase: «калі ласка» is "please"). A negation before a question word
    belongs to a request around it («не подскажете, что такое ЦИК?», "if you don't mind: what
    is ACEEEO?"); the tag of an alternative question ("…, or not?", «…, ці не?») asks yes or
    no; and a negation in the other script than most of the words is one read across scripts
    ("ngo net" as «нет»)."""
    if NEGATION_FORMS.isdisjoint(words) or (
            len(words) > 1 and words[-1] in NEGATION_FORMS and words[-2] in ALTERNATIVES):
        return False
    filler = terms.filler_positions(words)
    last = max((i for i, w in enumerate(words) if i not in filler and (
        w in WH_WORDS or w in WHICH or terms.is_question_word(w))), default=None)
    latin = 2 * sum(w.isascii() for w in words) > len(words)
    return last is not None and any(w in NEGATION_FORMS and w.isascii() == latin
                                    for w in words[last + 1 :])


def present_time(words: Sequence[str]) -> set[int]:
    """The positions of the words that frame a sentence in the present (see PRESENT_TIME)."""
    found: set[int] = set()
    for i, word in enumerate(words):
        if word in _PRESENT_STARTS:
            for phrase in PRESENT_TIME:
                if tuple(words[i : i + len(phrase)]) == phrase:
                    found.update(range(i, i + len(phrase)))
    return found


def _contrasted(words: Sequence[str]) -> set[int]:
    """The positions of a contrast's negation and of what it negates: "not *X* but Y", or Y
    first and the negated member last ("Y, but not *X*", «Y, а не *X*»). A negation before a
    personal pronoun is the answer particle («не, я пра…»)."""
    drop: set[int] = set()
    for i, word in enumerate(words):
        if word not in NEGATIONS or (i + 1 < len(words) and words[i + 1] in PERSONAL):
            continue
        if i > 0 and words[i - 1] in ADVERSATIVES:
            if len(words) - i - 1 <= CONTRAST_WINDOW:
                drop.update(range(i - 1, len(words)))
            continue
        j = next((j for j in range(i + 2, min(i + 2 + CONTRAST_WINDOW, len(words) - 1))
                  if words[j] in ADVERSATIVES), None)
        if j is not None:
            drop.update(range(i, j))
    return drop


def _clauses_of_time(words: Sequence[str], is_question_word: Callable[[str], bool]) -> set[int]:
    """The positions of an English "when" that opens a clause of time (see above)."""
    if WHEN not in words:
        return set()
    opened = False
    found: set[int] = set()
    for i, word in enumerate(words):
        if word == WHEN and opened and words[i - 1] not in COORDINATORS:
            found.add(i)
        opened = opened or (i == 0 and word in AUXILIARIES) or is_question_word(word)
    # an opening "when" that no auxiliary follows, before a question of its own ("When CEC
    # members travel abroad, which countries…?"), opens a clause of time too
    if words[0] == WHEN and len(words) > 1 and words[1] not in AUXILIARIES and any(
            (w in WH_WORDS or is_question_word(w)) and words[j - 1] not in COORDINATORS
            for j, w in enumerate(words[1:-1], start=1)):
        found.add(0)
    return found


def _main_do(words: Sequence[str], i: int) -> bool:
    """Whether the "do" at `i` is the verb itself: a what-question's, with no subject after."""
    after = words[i + 1 :]
    return "what" in words[:i] and (not after or after[0] in AFTER_MAIN_DO)


# The nouns of a value that may head a verbless question ("and the date?", «а год?», «Дата
# подписания?», «а месца?»): such a question asks for that value, as its question word would
# (when, which year, where). Their forms in the three languages, ё as е. (Not "name": «Название
# кампании…?» asks what the campaign is, which its other words say.)
VALUE_NOUNS = {
    **dict.fromkeys(("date", "dates", "дата", "даты", "дату", "дате", "датой", "даце"),
                    WHEN_ASKED),
    **dict.fromkeys(("year", "год", "года", "годзе"), YEAR_ASKED),
    **dict.fromkeys(("place", "venue", "location", "место", "месца"), WHERE)}
# what may stand before the head of a verbless question: the conjunctions and particles that
# open a follow-up, the article and the possessive pronouns ("and its date?", «а их
# названия?», «і іх назвы?»)
NOMINAL_LEADERS = frozenset({
    "and", "so", "but", "then", "the", "its", "their", "his", "her", "а", "и", "но", "ну",
    "так", "его", "ее", "их", "і", "дык", "але", "яго", "яе", "іх"})


def nominal_value(words: Sequence[str]) -> tuple[str, str] | None:
    """The head noun of a verbless question that asks for a value and the question word it
    stands for: its first word past NOMINAL_LEADERS, when that is one of VALUE_NOUNS."""
    head = next((w for w in words if w not in NOMINAL_LEADERS), None)
    if head is None or head not in VALUE_NOUNS:
        return None
    return head, VALUE_NOUNS[head]


def asked_terms(words: Sequence[str], terms: list[str]) -> list[str]:
    """A sentence's terms with the title-of-office, which-place, signatory and value-noun
    readings applied."""
    value = nominal_value(words)
    if value is not None and not any(t.startswith(QUESTION_WORD_PREFIX) for t in terms):
        noun, asked = value
        terms = [asked, *(t for t in terms if t != tx.stem(noun))]
    if PRESIDENTIAL in terms and ELECTIONS not in terms and any(
            w.startswith(TITLE_NOUNS) and not w.startswith(TITLE_ADJECTIVES) for w in words):
        terms = [HEAD if t == PRESIDENTIAL else t for t in terms]
    if WHERE not in terms and any(
            w in WHICH and i > 0 and words[i - 1] in PLACE_PREPOSITIONS
            and _places_after(words, i) for i, w in enumerate(words)):
        terms = [*terms, WHERE]
    if WHERE in terms and any(w.startswith(READING_VERBS) for w in words):
        terms = [t for t in terms if t != WHERE]
    if DAY_ASKED not in terms and any(
            w in DAY_NOUNS and DAY_ASKERS.intersection(words[max(0, i - 2) : i])
            for i, w in enumerate(words)):
        terms = [DAY_ASKED, *terms]
    if WHY in terms and any(w.startswith(PURPOSE_PREDICATES) for w in words):
        terms = [WHAT if t == WHY else t for t in terms]
    if LIST not in terms and WHERE not in terms and _which_places(words):
        terms = [*terms, LIST]
    if WHO in terms and SIGNATORY not in terms and any(
            w.startswith(SIGN_VERBS) and not w.startswith(SIGNATURE_NOUNS) for w in words):
        terms = [*terms, SIGNATORY]
    if HOW_MANY in terms:
        units = [tx.stem(w) for i, w in enumerate(words[1:], start=1)
                 if words[i - 1] in HOW_MANY_WORDS and w.startswith(TIME_UNITS)]
        if units:
            terms = [WHEN_ASKED if t == HOW_MANY else t for t in terms if t not in units]
    if CONTACTS in terms and _only_seen_on(words):
        terms = [t for t in terms if t != CONTACTS]
    content = _content_asked(words)
    if content and content not in terms:
        terms = [*terms, content]
    kinds = [i for i, w in enumerate(words[1:], start=1)
             if words[i - 1] in WHICH and w.startswith(TYPE_NOUNS)]
    if kinds:
        dropped = {tx.stem(words[j]) for i in kinds for j in (i - 1, i)}
        terms = [*([] if WHAT in terms else [WHAT]), *(t for t in terms if t not in dropped)]
    return terms


def _which_places(words: Sequence[str]) -> bool:
    """Whether the sentence asks which places, in the plural and with no preposition of place
    or "with" before ("Which countries are members?", «Какие страны входят…?», «Якія
    краіны…?»): it asks for the places themselves, which a count of them does not give."""
    for i, w in enumerate(words):
        if (w not in PLURAL_WHICH and w not in ("which", "what")) or (
                i > 0 and words[i - 1] in NOT_A_LIST):
            continue
        places = _places_after(words, i)
        # (English "which" has no plural of its own: its noun's tells)
        if places and (w in PLURAL_WHICH or any(v.endswith("s") for v in places)):
            return True
    return False


def _places_after(words: Sequence[str], i: int) -> list[str]:
    """The nouns of place among the two words after a determiner at `i` ("which European
    countries"), a cardinal numeral, a narrowing adverb and a demonstrative not counted (they
    belong to the noun: «какие именно 25 стран», "which 25 countries", «якія менавіта гэта
    краіны»)."""
    after = [v for v in words[i + 1 : i + 5]
             if not v.isdigit() and v not in WHICH_NARROWERS and v not in DEMONSTRATIVES][:2]
    if after[:1] == ["ones"]:
        # (the pro-form stands for a noun said before it: "of the 25 countries, which ones?")
        after = list(words[:i])
    return [v for v in after if v.startswith(PLACE_NOUNS)]


def _content_asked(words: Sequence[str]) -> str | None:
    """REPORTED or DISCUSSED when the sentence asks what someone said or asked (see above).

    English "what" asks wherever it stands ("Fwd: … — what did the experts say?") unless a
    verb of communication governs it ("tell me what…"); «что», «што» only at the head of the
    sentence, being elsewhere mostly the conjunction "that"."""
    if ADDRESSEE.intersection(words):
        return None
    if any(w in WHICH and words[i + 1].startswith(QUESTION_NOUNS)
           for i, w in enumerate(words[:-1])) and any(
            w.startswith(ASK_LIGHT_VERBS) for w in words):
        return DISCUSSED
    start = next((i for i, w in enumerate(words) if w not in WHAT_LEADERS), len(words))
    at = start if start < len(words) and words[start] in WHAT_WORDS else None
    if at is None and "what" in words:
        at = words.index("what")
        if any(w.startswith(COMMUNICATION_VERBS) for w in words[:at]):
            return None
    for w in words[at + 1:] if at is not None else ():
        if w.startswith(RELATIVES):
            break
        if w.startswith(SAY_VERBS):
            return REPORTED
        if w.startswith(ASK_VERBS):
            return DISCUSSED
    return None


def _only_seen_on(words: Sequence[str]) -> bool:
    """Whether every website the sentence names follows a preposition of place or source."""
    at = [i for i, w in enumerate(words) if w.startswith(WEB_NOUNS)]
    return bool(at) and all(ON_PREPOSITIONS.intersection(words[max(0, i - ON_WINDOW):i])
                            for i in at)


def which_noun_words(words: Sequence[str]) -> tuple[str, list[str]]:
    """A determiner heading the sentence (after its leaders and a preposition) and the words
    after it that may be its noun, in order, the narrowers and agreeing adjectives left out
    (English adjectives agree with nothing: the caller passes over what it knows as names
    and places); ("", []) when no determiner heads it."""
    at = next((i for i, w in enumerate(words) if w not in WHAT_LEADERS), len(words))
    if at < len(words) - 1 and words[at] in HEAD_PREPOSITIONS:
        at += 1
    # (English "what" asks for an instance only before a noun, and is as often a pronoun
    # before a verb: "what came of it", "what makes it different")
    if at >= len(words) or words[at] not in WHICH or words[at] == "what":
        return "", []
    agreeing = AGREEING_ENDINGS.get(words[at], ())
    found = []
    for w in words[at + 1 : at + 1 + HEAD_WINDOW]:
        if w.startswith(COLLECTIVES):
            agreeing = ()  # (what follows a collective is its genitive, agreeing with nothing)
        elif w not in WHICH_NARROWERS and not w.isdigit() and len(w) > 2 and not (
                agreeing and w.endswith(agreeing)):
            found.append(w)
    return words[at], [] if found and found[0].startswith(_NO_INSTANCE) else found


# The asker as the agent of what is asked: a first-person pronoun with a modal of ability,
# permission, necessity or volition, or with a question word of manner or place, and then the
# verb of the action ("how can I join them?", "can I go as an observer?", «можно мне поехать
# наблюдателем?», «как мне туда устроиться?», «ці можна мне трапіць на іх канферэнцыю?»); or
# the question word of manner with a bare infinitive, whose agent is anyone who asks ("how to
# join?", «как туда устроиться?», «як туды трапіць?»). The sources tell what bodies do, never
# what a citizen can or should do. English puts the pronoun after the modal in a question
# ("can I") and before it in a statement ("I want to go"); Russian and Belarusian put the
# dative beside an impersonal modal («мне можно», «можна мне») or inflect the modal for the
# first person («могу», «магу»); without the pronoun an impersonal modal may have a body as its
# agent («можно ли ENEMO наблюдать?»). A verb of learning or asking, of speech, or of addressing
# a request after them only frames a question the sources may answer ("can I ask who…", «как
# мне узнать…», "where should I apply for an invitation?": who handles it), as a noun in place
# of the verb asks for a fact («мне трэба поўная назва»).
FIRST_PERSON = frozenset({"i", "we"})
FIRST_PERSON_RU_BE = frozenset({"я", "мне", "мы", "нам"})
AGENT_MODALS_EN = frozenset({"can", "could", "may", "might", "must", "shall", "should", "will",
                             "would", "do"})
# (the modals of need and volition take "to" before their verb)
AGENT_MODALS_TO = frozenset({"need", "want", "have"})
AGENT_MODALS = frozenset({
    "можно", "нужно", "надо", "нельзя", "стоит", "следует", "следовало", "получится", "как",
    "где", "куда", "можна", "трэба", "нельга", "варта", "атрымаецца", "як", "дзе", "куды"})
# (a bare infinitive is told from the present tense only in English and Russian: Belarusian
# «ладзіць», «называецца» are both; so only ru «как» asks with one)
BARE_MANNER = "как"
# (the forms that are first person by their ending need no pronoun)
FIRST_PERSON_MODALS = frozenset({
    "могу", "можем", "смогу", "сможем", "хочу", "хотим", "магу", "можам", "змагу", "зможам",
    "хачу", "хочам"})
# (how far after the modal its verb may stand: «ці можна мне, звычайнаму чалавеку, трапіць»)
AGENT_SPAN = 4
FRAMING_VERBS = (*READING_VERBS,
    "ask", "know", "understand", "check", "verify", "see", "hear", "get", "tell", "talk",
    "speak", "say", "discuss", "switch", "need",
    "спрос", "спраш", "уточн", "провер", "поня", "понима", "зна", "говор", "поговор", "сказ",
    "спыт", "пытац", "удакладн", "правер", "зразуме", "разуме", "веда", "гавар", "пагавар",
    "разобра", "разабра")
# the verbs of addressing a request, and the question words that ask whom to address: "whom
# do we contact?", «куда мне обращаться?» ask which body handles it (the sources may say),
# "how do I contact them?" how to reach it (they do not)
ADDRESSING_VERBS = ("contact", "apply", "address", "turn", "write", "обращ", "обрат", "связ",
                    "писа", "напис", "звярт", "звярну", "звяза", "піса", "напіс")
ADDRESSEE_ASKED = frozenset({"who", "whom", "where", "кто", "кому", "куда", "хто", "каму",
                             "куды"})
# the conjunctions that join clauses ("what is it, and how do I…", «а как мне…»)
CLAUSE_JOINERS = frozenset({"and", "but", "or", "и", "а", "но", "или", "і", "ды", "ці"})
# the English focusing, hedging and time adverbs that may stand before a verb ("would I
# actually need", "should I even bother")
FOCUSING = frozenset({"even", "still", "ever", "just", "also", "really", "actually", "then",
                      "now", "only", "first", "perhaps", "maybe", "possibly", "personally",
                      "somehow"})
# the infinitive endings of Russian and Belarusian; -ти, -чь, -ці, -чы end nouns as often
# («власти», «сустрэчы») and Belarusian -ць, -цца the present tense too («ладзіць»,
# «называецца»), so a bare «как» takes only the Russian -ть
INFINITIVE_ENDINGS = ("ть", "ться", "ти", "тись", "чь", "ць", "цца", "ці", "чы")
RUSSIAN_INFINITIVE = ("ть", "ться")
# (the words an English action's reading can start at: a modal, "I" or "we", "how")
_ENGLISH_AGENT_STARTS = FIRST_PERSON | AGENT_MODALS_EN | {"how"}


def asker_acts(words: Sequence[str]) -> tuple[str, ...]:
    """The modal and the verb that make the asker the agent of the action a question asks
    about, if any (see FIRST_PERSON)."""
    for i, w in enumerate(words):
        if w in _ENGLISH_AGENT_STARTS:
            verb = _english_action(words, i)
        elif w in FIRST_PERSON_MODALS or w == BARE_MANNER or (w in AGENT_MODALS and (
                FIRST_PERSON_RU_BE & set(words[max(0, i - 1) : i + 1 + AGENT_SPAN]))):
            # (a bare «как» reaches less far: it is also "as", «как студенту»)
            bare = w == BARE_MANNER and not FIRST_PERSON_RU_BE & set(words[i + 1 : i + 3])
            span = AGENT_SPAN - 1 if bare else AGENT_SPAN
            endings = RUSSIAN_INFINITIVE if bare else INFINITIVE_ENDINGS
            verb = next((v for v in words[i + 1 : i + 1 + span]
                         if v.endswith(endings) and len(v) > 3), "")
        else:
            continue
        if verb and not verb.startswith(FRAMING_VERBS) and not (
                verb.startswith(ADDRESSING_VERBS) and ADDRESSEE_ASKED & set(words)):
            return (w, verb)
    return ()


def clause_of(words: Sequence[str], at: int) -> list[str]:
    """The words of the clause the word at `at` stands in: between the coordinating
    conjunctions around it ("what is it, and how do I…, and…")."""
    start = max((i + 1 for i, w in enumerate(words[:at]) if w in CLAUSE_JOINERS), default=0)
    end = next((i for i in range(at + 1, len(words)) if words[i] in CLAUSE_JOINERS),
               len(words))
    return list(words[start:end])


def _english_action(words: Sequence[str], i: int) -> str:
    """The verb after a modal and "I" or "we" ("can I go"), "I" or "we" and a modal ("we want
    to go", "I would like to go"), or "how to" ("how to join") at `i`; empty if none."""
    w = words[i]
    rest = [v for v in words[i + 1 : i + 8] if v not in FOCUSING]
    # ("can I" in a question, "I can" in a statement)
    if rest and {w, rest[0]} & FIRST_PERSON and {w, rest[0]} & AGENT_MODALS_EN:
        verb = rest[1:]
    elif w in FIRST_PERSON and rest[:1] and rest[0] in AGENT_MODALS_TO and rest[1:2] == ["to"]:
        verb = rest[2:]
    elif w == "how" and rest[:1] == ["to"]:
        verb = rest[1:]
    else:
        return ""
    if verb[:2] == ["like", "to"]:
        verb = verb[2:]
    return verb[0] if verb else ""


# The positive degree of the evaluative scale in every form (en good, bad; ru хороший, плохой;
# be добры, дрэнны, кепскі): predicated in a polar question ("Is ENEMO good?", «ENEMO
# хорошая?», «Ці добрая арганізацыя ENEMO?») it asks for a judgement, which the bot does not
# give. At the head of a sentence it answers what came before («Хорошо, а…», "Good, and…");
# before a time of day or a question noun it greets or remarks ("good morning", «добры дзень»,
# "good question").
EVALUATIVE = frozenset({
    "good", "bad", "хороший", "хорошая", "хорошее", "хорошие", "хорошо", "хороша", "хорош",
    "плохой", "плохая", "плохое", "плохие", "плохо", "плоха", "плох", "добры", "добрая",
    "добрае", "добрыя", "добра", "дрэнны", "дрэнная", "дрэннае", "дрэнныя", "дрэнна", "кепскі",
    "кепская", "кепскае", "кепскія", "кепска"})
NOT_EVALUATED = ("morning", "afternoon", "evening", "night", "day", "luck", "утр", "дн", "день",
                 "вечер", "ноч", "ранак", "дзень", "вечар", *QUESTION_NOUNS)


def evaluation(words: Sequence[str]) -> tuple[str, ...]:
    """The stem of the evaluative word a polar sentence predicates, if any (see EVALUATIVE)."""
    for i, w in enumerate(words[1:], start=1):
        if w in EVALUATIVE and not (i + 1 < len(words)
                                    and words[i + 1].startswith(NOT_EVALUATED)):
            return (tx.stem(w),)
    return ()
