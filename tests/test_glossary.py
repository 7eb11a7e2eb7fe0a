"""`briefpub glossary`: the terminology list as TBX and CSV for translators' tools."""

from __future__ import annotations

import csv
import tomllib

import pytest
from translate.storage import tbx


from conftest import BRIEF, REPO, briefpub, declare

TERMS = tomllib.loads((REPO / "locale" / "terminology.toml").read_text(encoding="utf-8"))["term"]


def forms(term: dict, code: str) -> list[str]:
    if code == "en" or term.get("invariant"):
        return list(term["en"]) if code == "en" else list(term["en"][:1])
    value = term[code]
    return [value] if isinstance(value, str) else list(value)


@pytest.mark.parametrize("code", [lang.code for lang in BRIEF.targets])
def test_the_tbx_reads_in_translate_toolkit_one_entry_per_term_with_every_language(tmp_path, code):
    output = tmp_path / "terminology.tbx"
    run = briefpub("glossary", "--format", "tbx", "--root", str(REPO), "--output", str(output), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    store = tbx.tbxfile.parsestring(output.read_bytes(), sourcelanguage="en", targetlanguage=code)
    assert len(store.units) == len(TERMS)
    for unit, term in zip(store.units, TERMS):
        assert [t.text for t in unit.get_source_terms()] == forms(term, "en")
        assert [t.text for t in unit.get_target_terms()] == forms(term, code)


def test_the_csv_has_a_column_per_language_and_a_row_per_term(tmp_path):
    run = briefpub("glossary", "--format", "csv", "--root", str(REPO), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(run.stdout.splitlines()))
    assert list(rows[0]) == ["en"] + [lang.code for lang in BRIEF.targets]
    assert len(rows) == len(TERMS)
    for row, term in zip(rows, TERMS):
        for code in BRIEF.codes:
            assert row[code].split(" | ") == forms(term, code)


def test_a_broken_terminology_list_is_reported_without_a_traceback(tmp_path):
    declare(tmp_path)
    (tmp_path / "locale").mkdir()
    (tmp_path / "locale" / "terminology.toml").write_text("[[term]\nen = 1", encoding="utf-8")
    run = briefpub("glossary", "--root", str(tmp_path), cwd=tmp_path)
    assert run.returncode == 1 and run.stdout == ""
    assert "locale/terminology.toml:1: error: [terminology-file] not valid TOML" in run.stderr
    assert "Traceback" not in run.stderr


# --- a publication written in Ukrainian ---------------------------------------------------

UKRAINIAN_TERMS = """\
[[term]]
uk = ["Лукашенко", "Лукашенка"]
en = "Lukashenka"
pl = ["Łukaszenka", "Łukaszenki"]

[[term]]
uk = "ОБСЄ"
en = "OSCE"

[[term]]
uk = "E40"
invariant = true
"""


def ukrainian_source(root, terms: str = UKRAINIAN_TERMS):
    declare(root, source="uk", langs=("uk", "en", "pl"))
    (root / "locale").mkdir()
    (root / "locale" / "terminology.toml").write_text(terms, encoding="utf-8")
    return root


def test_the_glossary_of_a_ukrainian_source_gives_the_ukrainian_forms_first(tmp_path):
    root = ukrainian_source(tmp_path)
    run = briefpub("glossary", "--format", "csv", "--root", str(root), cwd=root)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "uk,en,pl", "Лукашенко | Лукашенка,Lukashenka,Łukaszenka | Łukaszenki", "ОБСЄ,OSCE,", "E40,E40,E40",
    ]
    run = briefpub("glossary", "--format", "tbx", "--root", str(root), cwd=root)
    assert run.returncode == 0, run.stderr
    assert '<martif type="TBX" xml:lang="uk">' in run.stdout
    store = tbx.tbxfile.parsestring(run.stdout.encode("utf-8"), sourcelanguage="uk", targetlanguage="pl")
    assert [[t.text for t in unit.get_source_terms()] for unit in store.units] == [
        ["Лукашенко", "Лукашенка"], ["ОБСЄ"], ["E40"]]
    assert [[t.text for t in unit.get_target_terms()] for unit in store.units] == [
        ["Łukaszenka", "Łukaszenki"], [], ["E40"]]


def test_a_term_without_the_declared_source_languages_forms_is_reported_at_its_line(tmp_path):
    root = ukrainian_source(tmp_path, UKRAINIAN_TERMS + '\n[[term]]\nen = "Minsk"\npl = "Mińsk"\n')
    run = briefpub("glossary", "--root", str(root), cwd=root)
    assert run.returncode == 1 and run.stdout == "" and "Traceback" not in run.stderr
    assert "locale/terminology.toml:14: error: [terminology-file] the term has no 'uk' forms, and 'uk' is the " \
           "source language that docs/publication.toml declares" in run.stderr, run.stderr
