"""Loading and validating the knowledge base: every error says file, line, id and a fix."""

from pathlib import Path
from textwrap import dedent

import pytest

from bot.knowledge.base import KnowledgeError, load_knowledge

VALID = """\
topic: demo
title: "Demo topic"
entries:
  - id: demo-one
    questions:
      be: ["Што такое дэма?"]
      ru: ["Что такое демо?"]
      en: ["What is a demo?"]
    answer: "A demo is a demonstration."
    sources:
      - title: "Demo source"
    related: [demo-two]
  - id: demo-two
    questions:
      be: ["Навошта дэма?"]
      ru: ["Зачем демо?"]
      en: ["Why a demo?"]
    answer: "To show things."
    sources:
      - title: "Demo source"
        url: "https://example.org/demo"
"""


def write(tmp_path: Path, **files: str) -> Path:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(content), encoding="utf-8")
    return tmp_path


def problems(tmp_path: Path, **files: str) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(write(tmp_path, **files))
    return [str(p) for p in info.value.problems]


def test_valid_base_loads(tmp_path: Path) -> None:
    kb = load_knowledge(write(tmp_path, **{"demo.yaml": VALID}))
    assert list(kb.entries) == ["demo-one", "demo-two"]
    one = kb.entries["demo-one"]
    assert one.topic == "demo" and one.file == "demo.yaml" and one.line == 4
    assert one.question("be") == "Што такое дэма?"
    assert one.question("de") == "What is a demo?"
    assert kb.entries["demo-two"].sources[0].url == "https://example.org/demo"
    assert kb.languages == ("be", "ru", "en")


def test_a_blank_line_in_an_answer_starts_a_paragraph(tmp_path: Path) -> None:
    folded = VALID.replace('answer: "To show things."',
                           "answer: >-\n      To show\n      things.\n\n      Second part.")
    kb = load_knowledge(write(tmp_path, **{"demo.yaml": folded}))
    assert kb.entries["demo-two"].answer == "To show things.\n\nSecond part."


def test_shipped_base_is_valid() -> None:
    kb = load_knowledge()
    assert len(kb.entries) >= 15


def test_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, **{"bad.yaml": "topic: x\nentries:\n  - id: [unclosed\n"})
    assert msg.startswith("bad.yaml:") and "YAML syntax error" in msg


def test_missing_language(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, **{"demo.yaml": VALID.replace('      be: ["Навошта дэма?"]\n', "")})
    assert msg.startswith("demo.yaml:15: entry 'demo-two':")
    assert "no 'be' phrasings" in msg and "questions.be" in msg


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    other = VALID.replace("topic: demo", "topic: other").replace("related: [demo-two]", "")
    msgs = problems(tmp_path, **{"a.yaml": VALID, "b.yaml": other})
    assert any("b.yaml:4: entry 'demo-one': duplicate id" in m and "a.yaml:4" in m for m in msgs)


def test_unknown_related_id(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, **{"demo.yaml": VALID.replace("[demo-two]", "[demo-three]")})
    assert "entry 'demo-one'" in msg and "related id 'demo-three' does not exist" in msg


def test_empty_answer(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, **{"demo.yaml": VALID.replace('"To show things."', '""')})
    assert "entry 'demo-two'" in msg and "'answer' is missing, empty" in msg


def test_empty_phrasing(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, **{"demo.yaml": VALID.replace('["Why a demo?"]', '["", "x"]')})
    assert "questions.en has an empty" in msg


def test_wrong_types(tmp_path: Path) -> None:
    msgs = problems(tmp_path, **{"demo.yaml": VALID.replace('"To show things."', "[1, 2]")
                                 .replace("related: [demo-two]", "related: demo-two")})
    assert any("'related' must be a list" in m for m in msgs)
    assert any("'answer' is missing, empty or not text" in m for m in msgs)


def test_no_sources_and_unknown_key(tmp_path: Path) -> None:
    broken = VALID.replace('    sources:\n      - title: "Demo source"\n    related', "    related")
    broken = broken.replace("answer: \"To show", "answr: \"To show")
    msgs = problems(tmp_path, **{"demo.yaml": broken})
    assert any("entry 'demo-one'" in m and "'sources' must be a non-empty list" in m for m in msgs)
    assert any("unknown key 'answr'" in m and "a typo?" in m for m in msgs)


def test_bad_id_and_long_id(tmp_path: Path) -> None:
    msgs = problems(tmp_path, **{"demo.yaml": VALID.replace("id: demo-one", "id: Demo One")
                                 .replace("id: demo-two", "id: " + "x" * 60)})
    assert any("'id' must look like" in m for m in msgs)
    assert any("characters long" in m for m in msgs)


def test_not_a_mapping_and_empty_dir(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, **{"demo.yaml": "- just\n- a list\n"})
    assert "a topic file must be a mapping" in msg
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(KnowledgeError, match="holds no"):
        load_knowledge(empty)


def test_lexicon_term_in_two_groups(tmp_path: Path) -> None:
    syn = "groups:\n  - key: a\n    terms: [x, y]\n  - key: b\n    terms: [y]\n"
    [msg] = problems(tmp_path, **{"demo.yaml": VALID, "lexicon/synonyms.yaml": syn})
    assert "term 'y' is in groups 'a' and 'b'" in msg


@pytest.mark.parametrize("group", [
    # a region's members are CLDR codes of a place group; a bare NO is YAML's false
    "  - key: r\n    kind: place\n    terms: [r]\n    members: [DK, NO]\n",
    "  - key: r\n    kind: place\n    terms: [r]\n    members: [DK, QQ]\n",
    "  - key: r\n    terms: [r]\n    members: [DK]\n",
    "  - key: r\n    kind: place\n    terms: [r]\n    members: DK\n",
])
def test_a_regions_members_are_country_codes(tmp_path: Path, group: str) -> None:
    msgs = problems(tmp_path, **{"demo.yaml": VALID, "lexicon/synonyms.yaml": "groups:\n" + group})
    assert any("has members" in m for m in msgs)


def test_a_regions_members_are_read_as_codes(tmp_path: Path) -> None:
    syn = 'groups:\n  - key: r\n    kind: place\n    terms: [r]\n    members: [dk, "NO"]\n'
    kb = load_knowledge(write(tmp_path, **{"demo.yaml": VALID, "lexicon/synonyms.yaml": syn}))
    assert [g.members for g in kb.lexicon.synonyms] == [("DK", "NO")]


def _same(a: object, b: object) -> bool:
    """Equal, of the same types, and with the same remembered lines, all the way down."""
    from bot.knowledge.base import Located

    if type(a) is not type(b):
        return False
    if isinstance(a, Located) and isinstance(b, Located):
        return a.line == b.line and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def test_fast_yaml_reading_gives_what_pyyaml_gives() -> None:
    """load_yaml takes common nodes directly; the result must be PyYAML's, lines included."""
    import yaml

    from bot.knowledge.base import LineLoader, load_yaml

    shipped = Path(__file__).resolve().parent.parent / "knowledge"
    texts = [p.read_text("utf-8") for p in sorted(shipped.rglob("*.yaml"))]
    texts += [
        "a: 1\nb: [yes, no, ~, 1.5, 0x1f, 2024-05-01, '007']\nc: {d: e}\n",
        "base: &b {x: 1, y: two}\nderived:\n  <<: *b\n  y: three\nsame: *b\n",
        "list: &l [1, 2]\nagain: *l\n1: numeric key\n? [complex, key]\n: value\n",
        "twice: 1\ntwice: 2\n",
        "- just\n- a list\n",
        "plain string\n",
        "",
        "!!set {a, b}\n",
        "&r [*r]\n",
    ]
    for text in texts:
        try:
            expected = yaml.load(text, Loader=LineLoader)
        except yaml.YAMLError as exc:
            with pytest.raises(type(exc)):
                load_yaml(text)
            continue
        got = load_yaml(text)
        if text == "&r [*r]\n":  # a list that contains itself
            assert got[0] is got
        else:
            assert _same(got, expected), text[:80]
