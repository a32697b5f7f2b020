"""The sets that were blind until they were released (dev3, dialogues-dev2) and this project's
own blind sets, one pair per session (4, 5, 6): floors at today's figures, so a change that
answers them worse is seen (counted as ../shared/eval/score.py counts, see scoring.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation import Conversation

from .conftest import load_jsonl, shared_eval_set
from .scoring import score_lines

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def dev3() -> list[dict[str, object]]:
    return shared_eval_set("ELECTIONBOT_DEV3_SET", "dev3.jsonl")


@pytest.fixture(scope="module")
def dialogues2() -> list[dict[str, object]]:
    return shared_eval_set("ELECTIONBOT_DIALOGUES2_SET", "dialogues-dev2.jsonl")


def test_dev3(conversation: Conversation, dev3: list[dict[str, object]]) -> None:
    c, bad = score_lines(conversation, dev3)
    why = "\n".join(bad)
    assert c.right >= 0.89 * c.in_scope, why
    assert c.wrong <= 0.025 * c.in_scope, why
    assert c.nearmiss_answered <= 0.20 * c.nearmiss, why
    assert c.oos_answered == 0, why
    assert c.oos_noise <= 0.03 * c.oos, why


def test_dialogues_dev2(conversation: Conversation,
                        dialogues2: list[dict[str, object]]) -> None:
    c, bad = score_lines(conversation, dialogues2)
    why = "\n".join(bad)
    assert c.right >= 0.80 * c.in_scope, why
    assert c.wrong <= 0.095 * c.in_scope, why
    assert c.nearmiss_answered <= 0.08 * c.nearmiss, why


def test_this_sessions_blind_set(conversation: Conversation) -> None:
    """Written from the seeds and the entry list by a helper who had not read the code; its
    first run (right 0.800, wrong 0.048) is the blind measure of that session."""
    c, bad = score_lines(conversation, load_jsonl(DATA / "questions4.jsonl"))
    why = "\n".join(bad)
    assert c.right >= 0.88 * c.in_scope, why
    assert c.wrong <= 0.02 * c.in_scope, why
    assert c.nearmiss_answered <= 0.05 * c.nearmiss, why
    assert c.oos_answered <= 1, why


def test_this_sessions_blind_conversations(conversation: Conversation) -> None:
    c, bad = score_lines(conversation, load_jsonl(DATA / "dialogues4.jsonl"))
    why = "\n".join(bad)
    assert c.right >= 0.87 * c.in_scope, why
    assert c.wrong <= 0.045 * c.in_scope, why


@pytest.mark.parametrize("name,right,wrong,nearmiss,oos", [
    # 5: first run right 0.949, wrong 0.026; 6: first run right 0.819, wrong 0.043, near-misses
    # answered 0.120 (3 of the wrong lines there are labels too narrow: "how many countries
    # are in ACEEEO" is answered by the membership entry too); 7: first run right 0.815, wrong
    # 0.017, near-misses answered 0.160, one out-of-scope line answered ("how do i export my
    # telegram chats": typo repair reads the real word "export" as "expert")
    ("questions5.jsonl", 0.94, 0.03, 0.0, 0),
    ("questions6.jsonl", 0.83, 0.03, 0.08, 0),
    ("questions7.jsonl", 0.87, 0.01, 0.08, 1),
    # 8: first run right 0.890, wrong 0.025, near-misses answered 0.040 (two of its three
    # wrong lines ask how many countries are in ACEEEO: both ACEEEO entries state it)
    ("questions8.jsonl", 0.90, 0.01, 0.0, 0),
    # 9: first run right 0.831, wrong 0.017, near-misses answered 0.080 (an ACEEEO conference
    # in Minsk; the Japanese experts by name)
    ("questions9.jsonl", 0.83, 0.0, 0.04, 0),
    # 10: first run right 0.860, wrong 0.009, near-misses answered 0.042 (three lines asking
    # how many countries are in ACEEEO were labelled with one of the two entries that state
    # it; both are accepted here)
    ("questions10.jsonl", 0.88, 0.0, 0.042, 0),
    # 11: first run right 0.757, wrong 0.063, near-misses answered 0.080 (organisations named
    # by a description, "where can I read about…", comparisons; one line asking how many
    # countries are in ACEEEO accepts both entries that state it)
    ("questions11.jsonl", 0.78, 0.028, 0.08, 0),
    # 12: first run right 0.857, wrong 0.038, near-misses answered 0.056 (Łacinka, volapuk
    # with 4 for ч and 6 for ш, elderly and slang wordings, other names of the bodies)
    ("questions12.jsonl", 0.87, 0.02, 0.06, 0),
    # 13: first run right 0.906, wrong 0.028, near-misses answered 0.139 (what the Japanese
    # experts said, "the next elections", the CEC's website in Belarusian; the line asking how
    # many countries are in ACEEEO accepts both entries that state it)
    ("questions13.jsonl", 0.91, 0.02, 0.06, 0),
    # 14: first run right 0.808, wrong 0.010, near-misses answered 0.050 (hedged and indirect
    # questions, conditions "if I were…", "насколько тесно" read as "how many", "who
    # coordinates")
    ("questions14.jsonl", 0.83, 0.011, 0.025, 0),
    # 15: first run right 0.806, wrong 0.041, near-misses answered 0.048 (bodies described
    # instead of named, "the network", «про ассоциацию», topics set off by a dash, roles given
    # first, questions about where a fact comes from)
    ("questions15.jsonl", 0.81, 0.052, 0.072, 0),
    # 16: first run right 0.789, wrong 0.021, near-misses answered 0.050 (time framing:
    # "still", «цяпер», "currently"; "honestly," before the question; "apart from Russia";
    # "how many years"; the line asking how many countries ACEEEO unites accepts both entries
    # that state it)
    ("questions16.jsonl", 0.87, 0.011, 0.075, 0),
    # 17: first run right 0.828, wrong 0.020, near-misses answered 0.119 (purpose and
    # frequency, "how closely", the writer's own standpoint first, reported speech «чуў, што…»,
    # "which day in June", "where was it signed?")
    ("questions17.jsonl", 0.82, 0.011, 0.12, 0),
    # 18: first run right 0.880, wrong 0.040, near-misses answered 0.122 (permission and
    # obligation, "who is the CEC friendliest with?", «на самой короткой ноге», АОВЕ for
    # ACEEEO, beginnings and origins, headline style)
    ("questions18.jsonl", 0.91, 0.031, 0.125, 0),
    # 19: first run right 0.937, wrong 0.021, near-misses answered 0.190 (quiz and
    # fill-in-the-blank, forum and social-media wording, "on what basis", "where do they
    # meet", "which office", genitive chains; the line asking how many countries are in
    # ACEEEO accepts both entries that state it)
    ("questions19.jsonl", 0.94, 0.012, 0.096, 0),
    # 20: first run right 0.918, wrong 0.031, near-misses answered 0.195 (reverse lookup,
    # superlatives and ordinals, permission and obligation, "who is behind", "how come",
    # «что там с», «як там з»)
    ("questions20.jsonl", 0.91, 0.031, 0.05, 0),
    # 21: first run right 0.861, wrong 0.010, near-misses answered 0.049 (figurative wording,
    # "what kind of outfit", «якога кшталту», precision «конкретно», «менавіта», half-remembered
    # names, «у нас», «к нам»)
    ("questions21.jsonl", 0.89, 0.010, 0.05, 0),
    # 22: first run right 0.949, wrong 0.010, near-misses answered 0.050 (self-reformulation
    # "I mean…", the name as an afterthought, an anecdote first, very formal courtesy «Ці не
    # маглі б вы падказаць», discourse markers «Короче», «Дык вось», confusion statements
    # "I'm lost on what…"; the line asking which part of the world ACEEEO's members come from
    # accepts both entries that state it)
    ("questions22.jsonl", 0.97, 0.010, 0.05, 0),
])
def test_later_sessions_blind_sets(conversation: Conversation, name: str, right: float,
                                   wrong: float, nearmiss: float, oos: int) -> None:
    """Written from the seeds and the entry list by helpers who had not read the code."""
    c, bad = score_lines(conversation, load_jsonl(DATA / name))
    why = "\n".join(bad)
    assert c.right >= right * c.in_scope, why
    assert c.wrong <= wrong * c.in_scope, why
    assert c.nearmiss_answered <= nearmiss * c.nearmiss, why
    assert c.oos_answered <= oos, why


@pytest.mark.parametrize("name,right,wrong,nearmiss,oos", [
    # 5: first run right 0.935, wrong 0.022; 6: first run right 0.854, wrong 0.125
    ("dialogues5.jsonl", 0.93, 0.025, 0, 0),
    ("dialogues6.jsonl", 0.89, 0.085, 0, 0),
    # 7: first run right 0.873, wrong 0.018
    ("dialogues7.jsonl", 0.89, 0.01, 0, 0),
    # 8: first run right 0.922, wrong 0.047, one near-miss answered ("who runs it these
    # days?": "run" is not read as "lead")
    ("dialogues8.jsonl", 0.95, 0.02, 1, 0),
    # 9: first run right 0.833, wrong 0.100, near-misses answered 3 of 13 ("which election
    # exactly?", "which Japanese experts exactly?": a request for a detail the last answer
    # says it lacks is still answered with an entry)
    ("dialogues9.jsonl", 0.85, 0.07, 3, 0),
    # 10: first run right 0.754, wrong 0.116 (two of the wrong lines ask how many countries
    # are in ACEEEO, which both ACEEEO entries state; corrections such as "no, I meant ACEEEO"
    # were not read as such)
    ("dialogues10.jsonl", 0.84, 0.075, 0, 0),
    # 11: first run right 0.808, wrong 0.115, near-misses answered 4 of 9 ("where is that
    # from?", "shorter please" about the last answer were not read as such; two turns asking
    # how many countries are in ACEEEO accept both entries that state it)
    ("dialogues11.jsonl", 0.92, 0.077, 4, 0),
    # 12: first run right 0.852, wrong 0.057, near-misses answered 4 of 18 ("where was it
    # signed?" of a protocol the answer only dates)
    ("dialogues12.jsonl", 0.85, 0.06, 4, 0),
    # 13: first run right 0.868, wrong 0.055, near-misses answered 3 of 22 ("and is the CEC a
    # member of it?" read without "it"; the turn asking how many countries are in ACEEEO
    # accepts both entries that state it)
    ("dialogues13.jsonl", 0.91, 0.025, 2, 1),
    # 14: first run right 0.634, wrong 0.108, near-misses answered 4 of 21 (a switch of
    # language mid-conversation, "не ЕНЕМО, а ОБСЕ", "there"/«туды» beside a name of its own,
    # "when" opening a clause of time; the turn asking how many countries are in ACEEEO
    # accepts both entries that state it)
    ("dialogues14.jsonl", 0.71, 0.11, 3, 1),
    # 15: first run right 0.643, wrong 0.112, near-misses answered 6 of 24 ("that network",
    # «гэтая сетка», "who else?", a second question that leaves out what the first named; the
    # two turns asking how many countries are in ACEEEO accept both entries that state it)
    ("dialogues15.jsonl", 0.75, 0.083, 6, 0),
    # 16: first run right 0.691, wrong 0.096, no near-miss answered ("is that still so?",
    # «і цяпер таксама?», "and in Belarus itself?" after ENEMO's countries; the two turns
    # asking how many countries are in ACEEEO accept both entries that state it)
    ("dialogues16.jsonl", 0.77, 0.075, 0, 0),
    # 17: first run right 0.646, wrong 0.121, near-misses answered 5 of 21 ("can you give an
    # example?", "how often?", «зачем вообще нужна ENEMO?», what the CEC replied "and under
    # what circumstances"; the two turns asking how many countries are in ACEEEO accept both
    # entries that state it)
    ("dialogues17.jsonl", 0.70, 0.071, 2, 0),
    # 18: first run right 0.720, wrong 0.120, near-misses answered 4 of 25 ("is that official?",
    # "who decides?", «что было дальше?», «мае права», "do you think…?"; the turn asking how
    # many countries are in ACEEEO accepts both entries that state it)
    ("dialogues18.jsonl", 0.77, 0.081, 2, 1),
    # 19: first run right 0.700, wrong 0.100, near-misses answered 7 of 19 ("wait, what?",
    # "which of them?", "since when?", "on what basis?", "is that all?"; the turn asking how
    # many countries are in ACEEEO accepts both entries that state it)
    ("dialogues19.jsonl", 0.72, 0.082, 3, 0),
    # 20: first run right 0.694, wrong 0.133, near-misses answered 3 of 18 (bare nouns "and the
    # year?", «а дата?», "why not?", «почему нет?», "really?", "how so?", "is that all?"; the
    # turns asking how many countries are in ACEEEO accept both entries that state it)
    ("dialogues20.jsonl", 0.76, 0.103, 2, 0),
    # 21: first run right 0.660, wrong 0.064, near-misses answered 2 of 20, out-of-scope
    # answered 7 of 16 (figurative wording, "what kind of", «якога кшталту», precision «именно»,
    # «у нас»; in conversations "how can I donate to them?", «как туда устроиться?», "is that a
    # big deal?", "could you repeat the list?"; the turns asking how many countries are in
    # ACEEEO accept both entries that state it)
    ("dialogues21.jsonl", 0.71, 0.054, 2, 0),
    # 22: first run right 0.787, wrong 0.067, near-misses answered 1 of 27, out-of-scope
    # answered 3 of 16 (closings "that's all I needed", «усё, дзякуй, бывайце»; negated
    # follow-ups «а кого не зовут?», "where haven't they been let in?"; "in simple words",
    # «а калі прасцей?»; "also/too" follow-ups, «а ў Прыбалтыцы таксама?»)
    ("dialogues22.jsonl", 0.88, 0.045, 1, 0),
])
def test_later_sessions_blind_conversations(conversation: Conversation, name: str,
                                            right: float, wrong: float, nearmiss: int,
                                            oos: int) -> None:
    c, bad = score_lines(conversation, load_jsonl(DATA / name))
    why = "\n".join(bad)
    assert c.right >= right * c.in_scope, why
    assert c.wrong <= wrong * c.in_scope, why
    assert c.nearmiss_answered <= nearmiss, why
    assert c.oos_answered <= oos, why
