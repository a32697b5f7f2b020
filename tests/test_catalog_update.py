"""`locales update`'s own rules: translations follow their context, English keeps no obsolete
texts, and `--check` reads content, not line wrapping."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from bot.authoring.catalog_update import _write, carry_by_context, render


def _catalog(*messages: tuple[str, str, str | None]) -> Catalog:
    catalog = Catalog(locale="be", project="electionbot")
    for msgid, string, context in messages:
        catalog.add(msgid, string, context=context)
    return catalog


def test_a_reworded_message_keeps_its_translation_as_fuzzy_by_its_context() -> None:
    catalog = _catalog(("Old wording of the answer.", "Старое", "entry-a"),
                       ("Shared source", "Крыніца", "source"),
                       ("Another shared source", "Іншая", "source"))
    template = _catalog(("Nothing in common with what came before!", "", "entry-a"),
                        ("A renamed source", "", "source"),
                        ("Another shared source", "", "source"))
    previous: dict[tuple[str, str | None], list[str]] = {}
    carry_by_context(catalog, template, previous)
    catalog.update(template, no_fuzzy_matching=True)
    carried = catalog.get("Nothing in common with what came before!", context="entry-a")
    assert carried is not None and carried.string == "Старое" and carried.fuzzy
    assert previous[("Nothing in common with what came before!", "entry-a")] == [
        "Old wording of the answer."]
    assert not any(m.context == "entry-a" for m in catalog.obsolete.values())
    # a context several messages share says nothing about which is which
    renamed = catalog.get("A renamed source", context="source")
    assert renamed is not None and not renamed.string


def test_an_untranslated_reworded_message_leaves_no_obsolete_block() -> None:
    catalog = _catalog(("Old wording.", "", "entry-a"))
    template = _catalog(("New wording.", "", "entry-a"))
    carry_by_context(catalog, template, {})
    catalog.update(template, no_fuzzy_matching=True)
    assert not catalog.obsolete


def test_check_ignores_an_editors_wrapping_and_stale_previous_lines(tmp_path: Path) -> None:
    catalog = _catalog(("A long English sentence that a translator's editor may wrap in its "
                        "own way, which is not a change.", "Доўгі пераклад " * 8, "entry-a"))
    data = render(catalog)
    path = tmp_path / "knowledge.po"
    lines = data.decode().replace('msgctxt "entry-a"',
                                  '#| msgid "Old text"\nmsgctxt "entry-a"')
    head = lines[:lines.rindex('msgstr ""\n')]
    path.write_text(head + f'msgstr "{"Доўгі пераклад " * 8}"\n', encoding="utf-8")
    written = _write(path, data, dry_run=True, lang="be")
    assert not written.changed
    path.write_text(head + 'msgstr "Іншы пераклад"\n', encoding="utf-8")
    assert _write(path, data, dry_run=True, lang="be").changed
