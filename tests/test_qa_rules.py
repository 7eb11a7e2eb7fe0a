"""The QA rules a translator knows from pofilter, the terminology list's forms,
flags that accept one finding for one entry, and a terminology file that is
wrong in any way a person can make it wrong."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BRIEF, briefpub, declare
from test_checks import REPO, TERMS, entry, po_text, run_check

from briefpub.catalogs import checks, terminology
from briefpub.project import publication
from briefpub.project.problems import ERROR, WARNING

NBSP = "\u00a0"

# (language, msgid, msgstr, rule expected at the entry or None, its severity)
CASES = [
    # doubled words, as pofilter's doublewords, through MyST emphasis but not across punctuation or code
    ("uk", "Support in our media.", "Підтримка на на медіа.", "doublewords", ERROR),
    ("uk", "Support in our media.", "Підтримка **на** на медіа.", "doublewords", ERROR),
    ("pl", "The Belarusian people.", "Naród Naród białoruski.", "doublewords", ERROR),
    ("pl", "Very, very good.", "Bardzo, bardzo dobrze.", None, None),
    ("uk", "Run `make` or make.", "Запустіть `make` або make.", None, None),
    ("uk", "Really, really.", "Дуже дуже.", "doublewords", ERROR),
    ("pl", "Say bye bye.", "Powiedz pa pa.", None, None),
    # brackets: unbalanced and mismatched are errors; a list item's mark “а)” is fine
    ("uk", "Pressure (on Minsk) grew.", "Тиск (на Мінськ зріс.", "brackets", ERROR),
    ("uk", "Pressure (on Minsk) grew.", "Тиск на Мінськ) зріс.", "brackets", ERROR),
    ("uk", "Pressure (on Minsk) grew.", "Тиск (на Мінськ] зріс.", "brackets", ERROR),
    ("uk", "(a) providing floor;", "а) давати слово;", None, None),
    ("pl", "(b) supporting media;", "b) wspierać media;", None, None),
    ("uk", "See [the list](https://example.org/a_(b)).", "Див. [список](https://example.org/a_(b)).", None, None),
    ("uk", "Pressure (on Minsk) grew.", "Тиск на Мінськ зріс.", "brackets", WARNING),
    # final punctuation, as pofilter's endpunc
    ("uk", "It was done.", "Це зроблено", "endpunc", WARNING),
    ("uk", "Was it done?!", "Чи це зроблено?", "endpunc", WARNING),
    ("uk", "It was done...", "Це зроблено…", None, None),
    ("uk", "A group “For Belarus!”", "Група «За Білорусь!»", None, None),
    ("uk", "**Note:**", "**Примітка**:", None, None),
    # URLs and e-mail addresses of the running text
    ("uk", "See https://example.org/a.", "Див. https://example.org/a.", None, None),
    ("uk", "See https://example.org/a.", "Див. https://example.org/b.", "urls", ERROR),
    ("uk", "See www.example.org now.", "Див. www.example.com зараз.", "urls", ERROR),
    ("uk", "Write to info@example.org.", "Пишіть на inf@example.org.", "urls", ERROR),
    ("uk", "Read the report.", "Читайте звіт на https://example.org/uk.", "urls", WARNING),
    # numbers by value, read with the language's own separators
    ("uk", "In 2020.", "У 2020 і 2021 роках.", "numbers", WARNING),
    ("uk", "About 2,550 people.", f"Близько 2{NBSP}550 людей.", None, None),
    ("uk", "About 2,550 people.", "Близько 2 550 людей.", None, None),
    ("uk", "About 2,550 people.", "Близько 2550 людей.", None, None),
    ("uk", "About 2,550 people.", "Близько 2,550 людей.", "numbers", ERROR),  # 2,55 in Ukrainian
    ("pl", "It grew 1.5 times.", "Wzrosło 1,5 raza.", None, None),
    ("pl", "It grew 1.5 times.", "Wzrosło 15 razy.", "numbers", ERROR),
    # whitespace and double spaces
    ("uk", "One sentence.", "Одне речення. ", "endwhitespace", ERROR),
    ("uk", "Run `a  b` now.", "Запустіть `a  b` зараз.", None, None),
    # copies of the source, as pofilter's unchanged: whatever the case, spacing and emphasis
    ("uk", "Contents", "contents", "copy", ERROR),
    ("uk", "**Belarus** and Ukraine", "Belarus and  Ukraine", "copy", ERROR),
]


@pytest.mark.parametrize(("lang", "msgid", "msgstr", "rule", "severity"), CASES)
def test_pofilters_tests_without_its_false_positives(tmp_path, lang, msgid, msgstr, rule, severity):
    _, problems = run_check(tmp_path, lang, po_text(lang, entry(msgid, msgstr)))
    if rule is None:
        assert not [p for p in problems if p.is_error or p.rule in ("brackets", "endpunc", "urls", "numbers")], \
            [str(p) for p in problems]
    else:
        assert (rule, severity, 13) in {(p.rule, p.severity, p.line) for p in problems}, [str(p) for p in problems]


def test_the_briefs_own_catalogs_have_no_finding_at_all():
    problems = checks.check(REPO / "locale", BRIEF)
    assert [str(p) for p in problems] == []


# --- the terminology list: forms on word boundaries ------------------------------------

@pytest.mark.parametrize(("lang", "msgstr", "accepted"), [
    ("pl", "Reżim Łukaszenki upadnie.", True),
    ("pl", "Reżim Łukaszenko upadnie.", False),  # a prefix pattern let this one through
    ("pl", "Reżim Łukaszenkowy upadnie.", False),
    ("uk", "Режим Лукашенка впаде.", True),
    ("uk", "Режим Лукашенки впаде.", False),
    ("be", "Рэжым Лукашэнкі ўпадзе.", True),
    ("be", "Рэжым Лукашенкі ўпадзе.", False),
])
def test_a_name_is_accepted_only_in_its_listed_forms(tmp_path, lang, msgstr, accepted):
    _, problems = run_check(tmp_path, lang, po_text(lang, entry("Lukashenka’s regime will fall.", msgstr)))
    found = [p for p in problems if p.rule == "terminology"]
    assert (not found) == accepted, [str(p) for p in problems]
    if found:
        assert "Łukaszenka" in found[0].message or "Лукаш" in found[0].message
        assert "#, ignore-terminology" in found[0].message


def test_every_listed_form_is_accepted_and_every_term_covers_the_translations():
    for term in TERMS:
        for code in ("uk", "be", "pl"):
            language = BRIEF.get(code)
            assert term.covers(code), f"{term.source_forms[0]!r} has no {code} forms"
            for form in term.accepted_forms(language):
                assert term.followed_by(f"… {form} …", language), (term.source_forms, form)
                assert term.followed_by(f"{form[:1].upper()}{form[1:]} …", language)
                assert not term.followed_by(f"… {form}ь …", language), (term.source_forms, form)


def test_the_adjective_of_a_place_is_a_correct_rendering(tmp_path):
    msgid = "The OSCE invoked the Moscow Mechanism."
    _, problems = run_check(tmp_path, "uk", po_text("uk", entry(msgid, "ОБСЄ задіяла механізм Московського механізму.")))
    assert not [p for p in problems if p.is_error], [str(p) for p in problems]


def write_terms(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "locale" / "terminology.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_longer_term_decides_for_the_shorter_one_inside_it(tmp_path):
    terms = terminology.load(write_terms(tmp_path, """
[[term]]
en = "Moscow"
uk = ["Москва", "Москви"]

[[term]]
en = "Moscow Mechanism"
uk = ["Московський механізм", "Московського механізму"]
"""), "en")
    uk = BRIEF.get("uk")
    assert terminology.unfollowed(terms, "Under the Moscow Mechanism.", "Відповідно до Московського механізму.", uk) == []
    assert [t.source_forms for t in terminology.unfollowed(
        terms, "The Moscow Mechanism, not Moscow.", "Московський механізм, а не Київ.", uk)] == [("Moscow",)]


def test_a_term_without_forms_for_a_language_is_not_checked_in_it(tmp_path):
    write_terms(tmp_path, '[[term]]\nen = "Lukashenka"\nuk = "Лукашенко"\n')
    for lang, msgstr in (("uk", "Режим Лукашенки."), ("pl", "Reżim Łukaszenko.")):
        folder = tmp_path / "locale" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "index.po").write_text(po_text(lang, entry("Lukashenka’s regime.", msgstr)), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "briefpub.cli", "check", "--lang", "uk,pl",
                          "--locale-dir", str(tmp_path / "locale")], capture_output=True, text=True)
    assert "Traceback" not in run.stderr
    assert run.stdout.count("[terminology]") == 1 and "uk/LC_MESSAGES" in run.stdout, run.stdout + run.stderr


# --- a publication written in another language than English ----------------------------

UKRAINIAN_TERMS = """\
[[term]]
uk = ["Лукашенко", "Лукашенка"]
en = "Lukashenka"
pl = ["Łukaszenka", "Łukaszenki"]
"""


def ukrainian_source(root: Path, terms: str = UKRAINIAN_TERMS) -> Path:
    """A publication written in Ukrainian (its msgids are), translated into
    English, wrongly, and Polish, rightly."""
    declare(root, source="uk", langs=("uk", "en", "pl"))
    (root / "docs" / "index.md").write_text("# Режим Лукашенка\n", encoding="utf-8")
    write_terms(root, terms)
    for lang, msgstr in (("uk", ""), ("en", "Lukashenko’s regime"), ("pl", "Reżim Łukaszenki")):
        folder = root / "locale" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "index.po").write_text(po_text(lang, entry("Режим Лукашенка", msgstr)), encoding="utf-8")
    return root


def test_the_terms_of_a_ukrainian_source_are_looked_for_in_its_msgids(tmp_path):
    root = ukrainian_source(tmp_path)
    run = briefpub("check", "--root", str(root), cwd=root)
    assert "Traceback" not in run.stderr
    terminology_lines = [line for line in run.stdout.splitlines() if "[terminology" in line]
    assert terminology_lines == [
        "locale/en/LC_MESSAGES/index.po:13: error: [terminology] 'Лукашенко' is rendered 'Lukashenka' in English "
        "(a correct form missing from terminology.toml: add it there) (if this is intended, accept it for this entry with the flag '#, ignore-terminology')"
    ], run.stdout + run.stderr
    assert run.returncode == 1


def test_a_term_without_the_declared_source_languages_forms_is_reported_at_its_line(tmp_path):
    root = ukrainian_source(tmp_path, UKRAINIAN_TERMS + '\n[[term]]\nen = "Minsk"\npl = "Mińsk"\n')
    run = briefpub("check", "--root", str(root), cwd=root)
    assert "Traceback" not in run.stderr and run.returncode == 1
    assert "locale/terminology.toml:6: error: [terminology-file] the term has no 'uk' forms, and 'uk' is the " \
           "source language that docs/publication.toml declares" in run.stdout, run.stdout + run.stderr


def test_a_builds_remembered_checks_follow_the_declared_source_language(tmp_path):
    root = ukrainian_source(tmp_path)
    record, english = tmp_path / "_build" / "checks" / "en.json", publication.load(root).get("en")
    as_ukrainian = checks.remembered(record, root / "locale", english, "uk")
    assert [(p.rule, p.line) for p in as_ukrainian if p.rule == "terminology"] == [("terminology", 13)]
    # the same files, the English catalog now the source's: nothing remembered is reused
    assert not [p for p in checks.remembered(record, root / "locale", english, "en") if p.rule == "terminology"]
    assert checks.remembered(record, root / "locale", english, "uk") == as_ukrainian


def test_a_build_checks_again_only_the_catalog_that_changed(tmp_path, monkeypatch):
    shutil.copytree(REPO / "locale", tmp_path / "locale")
    locale, polish, record = tmp_path / "locale", BRIEF.get("pl"), tmp_path / "_build" / "checks" / "pl.json"
    assert not checks.remembered(record, locale, polish, "en")
    path = locale / "pl" / "LC_MESSAGES" / "index.po"
    path.write_text(path.read_text(encoding="utf-8").replace('msgstr "Spis treści"', 'msgstr "Spis trеści"'),
                    encoding="utf-8")  # a Cyrillic е
    checked = []
    real = checks.check_catalog
    monkeypatch.setattr(checks, "check_catalog", lambda path, *args: checked.append(path) or real(path, *args))
    found = checks.remembered(record, locale, polish, "en")
    assert checked == [path]
    assert found == checks.check_language(locale, polish, "en") and [p.rule for p in found] == ["orthography"]


# --- flags: one finding accepted for one entry -------------------------------------------

def flagged_entry(msgid: str, msgstr: str, flags: str) -> str:
    return f"#, {flags}\n" + entry(msgid, msgstr)


@pytest.mark.parametrize(("flags", "msgid", "msgstr", "rule"), [
    ("ignore-terminology", "Lukashenka’s regime.", "Reżim Łukaszenko.", "terminology"),
    ("ignore-doublewords", "In our media.", "W w naszych mediach.", "doublewords"),
    ("ignore-duplicate", "In our media.", "W w naszych mediach.", "doublewords"),  # Weblate's name
    ("ignore-end-stop", "It was done.", "Zrobiono", "endpunc"),  # Weblate's name
    ("ignore-same", "Lublin", "Lublin", "copy"),  # Weblate's name
    ("ignore-numbers", "In 2020.", "W roku 2021.", "numbers"),
    ("python-format, ignore-brackets", "It (was) done.", "Zrobiono (to.", "brackets"),
])
def test_a_flag_accepts_its_rules_finding_for_that_entry_only(tmp_path, flags, msgid, msgstr, rule):
    text = po_text("pl", flagged_entry(msgid, msgstr, flags) + entry("2. " + msgid, "2. " + msgstr))
    _, problems = run_check(tmp_path, "pl", text)
    assert {p.line for p in problems if p.rule == rule} == {18}, [str(p) for p in problems]
    flag = "ignore-" + rule
    assert all(f"'#, {flag}'" in p.message for p in problems if p.rule == rule)


def test_a_roman_numeral_that_starts_a_sentence_is_accepted_with_a_flag(tmp_path):
    """The Latin I of "I квартал" (the first quarter) starting a sentence
    cannot be told from the conjunction "І" typed in Latin: the translator says which."""
    text = po_text("uk", flagged_entry("Q1 grew.", "I квартал зріс.", "ignore-orthography")
                   + entry("And then it grew.", "I тоді він зріс."))
    _, problems = run_check(tmp_path, "uk", text)
    assert [(p.line, p.severity) for p in problems if p.rule == "orthography"] == [(18, ERROR)], \
        [str(p) for p in problems]
    assert "retype it in Cyrillic ('І')" in next(p.message for p in problems if p.rule == "orthography")


def test_a_flag_never_waves_through_markup_or_unfinished_work(tmp_path):
    text = po_text("pl", flagged_entry("A claim.", "Twierdzenie<script>x</script>.", "ignore-raw-html, ignore-markup")
                   + flagged_entry("Two.", "", "ignore-untranslated"))
    _, problems = run_check(tmp_path, "pl", text, release=True)
    assert {"raw-html", "untranslated"} <= {p.rule for p in problems if p.is_error}
    assert not any("ignore-" in p.message for p in problems if p.rule in ("raw-html", "untranslated"))


# --- a terminology file wrong in every way a person makes it wrong ----------------------

GOOD_TERM = '[[term]]\nen = "Kyiv"\nuk = ["Київ", "Києва"]\n'
BROKEN = [
    ("bad TOML", GOOD_TERM + '\n[[term]]\nen = "Minsk\nuk = "Мінськ"\n', 6, "not valid TOML"),
    ("a number for a form", GOOD_TERM + "\n[[term]]\nen = 5\nuk = \"Мінськ\"\n", 6, "'en' must be a form"),
    ("an empty list", GOOD_TERM + '\n[[term]]\nen = "Minsk"\nuk = []\n', 7, "'uk' must be a form"),
    ("an unknown key", GOOD_TERM + 'mach = { uk = "Ки" }\n', 4, "unknown key 'mach'"),
    ("an unknown top-level key", 'version = 2\n' + GOOD_TERM, 1, "unknown key 'version'"),
    ("a term without its source", '[[term]]\nuk = "Київ"\n', 1, "no 'en' forms"),
    ("a bad regular expression", GOOD_TERM + 'match = { uk = "Ки(їв" }\n', 4, "not a valid regular expression"),
    ("an old prefix pattern", GOOD_TERM + 'match = { uk = "Ки" }\n', 4, "does not match the whole dictionary form"),
    ("invariant not a boolean", '[[term]]\nen = "E40"\ninvariant = "yes"\n', 3, "'invariant' must be true or false"),
    ("term not a table list", 'term = "Kyiv"\n', 1, "must be a list of tables"),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), BROKEN, ids=[case[0] for case in BROKEN])
def test_a_malformed_terminology_file_is_reported_at_its_line(tmp_path, name, text, line, message):
    path = write_terms(tmp_path, text)
    with pytest.raises(terminology.TerminologyError) as raised:
        terminology.load(path, "en")
    assert any(p.line == line and message in p.message and p.path == path for p in raised.value.problems), \
        [str(p) for p in raised.value.problems]


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for part in ("docs", "locale"):
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns("*.mo"))
    (root / "locale" / "terminology.toml").write_text(GOOD_TERM + 'match = { uk = "Ки(їв" }\n', encoding="utf-8")
    return root


@pytest.mark.parametrize("command", [
    ["check"], ["build", "--lang", "uk", "--format", "html"], ["dist", "--no-wait"],
])
def test_every_verb_reports_a_malformed_terminology_file_without_a_traceback(broken_project, command):
    run = subprocess.run([sys.executable, "-m", "briefpub.cli", *command] + (["--root", "."] if command != ["check"] else []),
                         cwd=broken_project, capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output
    assert "locale/terminology.toml:4: error: [terminology-file] match.uk is not a valid regular expression" in output
