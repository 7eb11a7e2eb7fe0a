"""`briefpub check`: each rule fires on the mistake it is for, stays quiet on
good work, and says where (file:line) and what to do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefpub.catalogs import checks, terminology
from briefpub.project import languages
from briefpub.project.problems import ERROR, WARNING
from conftest import BRIEF

REPO = Path(__file__).resolve().parent.parent
TERMS = terminology.load(REPO / "locale" / "terminology.toml", BRIEF.source.code)

HEADER = """\
# test catalog
msgid ""
msgstr ""
"Project-Id-Version: test 1\\n"
"Language: {lang}\\n"
"Language-Team: test\\n"
"Plural-Forms: {plural}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

"""


def po_text(lang: str, entries: str = "", plural: str | None = None, language_header: str | None = None) -> str:
    return HEADER.format(
        lang=language_header if language_header is not None else lang,
        plural=plural or BRIEF.get(lang).plural_forms,
    ) + entries


def entry(msgid: str, msgstr: str, fuzzy: bool = False) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    flag = "#, fuzzy\n" if fuzzy else ""
    return f"#: index.md:1\n{flag}msgid {quote(msgid)}\nmsgstr {quote(msgstr)}\n\n"


def run_check(tmp_path: Path, lang: str, text: str | bytes, release: bool = False):
    folder = tmp_path / "locale" / lang / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.po"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path, checks.check_catalog(path, BRIEF.get(lang), TERMS, release=release)


def rules(problems, severity=None):
    return {p.rule for p in problems if severity is None or p.severity == severity}


# --- syntax and headers: each case breaks one thing in a good catalog --------------

GOOD = po_text("uk", entry("The first paragraph.", "Перший абзац."))


@pytest.mark.parametrize(("name", "text", "rule", "line"), [
    ("unterminated string", GOOD.replace('"Перший абзац."', '"Перший абзац.'), "syntax", 14),
    ("garbage line", GOOD.replace("msgid \"The", "what is this\nmsgid \"The"), "syntax", 13),
    ("invalid UTF-8", GOOD.encode("utf-8").replace("абзац".encode(), b"\xd0\xd0\xff"), "encoding", 14),
    ("Plural-Forms that does not parse", po_text("uk", entry("a b", "а б"), plural="nplurals=3; plural=(n%10==1 &&;"),
     "header", 7),
    ("Plural-Forms of another language", po_text("uk", entry("a b", "а б"), plural="nplurals=2; plural=(n != 1);"),
     "header", 7),
    ("Language header of another folder", po_text("uk", entry("a b", "а б"), language_header="be"), "header", 5),
    ("duplicate msgid", GOOD + entry("The first paragraph.", "Знову."), "syntax", 17),
])
def test_broken_catalogs_are_reported_at_their_line(tmp_path, name, text, rule, line):
    path, problems = run_check(tmp_path, "uk", text)
    assert any(p.rule == rule and p.severity == ERROR and p.line == line for p in problems), \
        [str(p) for p in problems]
    assert all(str(p).startswith(f"{path}:") for p in problems)


def test_a_good_catalog_has_no_problem(tmp_path):
    _, problems = run_check(tmp_path, "uk", GOOD, release=True)
    assert problems == []


# --- entry rules: (language, msgid, msgstr, rule that must fire or None) ---------------

CASES = [
    # completeness
    ("uk", "A sentence.", "", "untranslated"),
    ("en", "A sentence.", "", None),
    # markup parity
    ("uk", "Use `make html` now.", "Запустіть `make html` зараз.", None),
    ("uk", "Use `make html` now.", "Запустіть make html зараз.", "markup"),
    ("uk", "See {ref}`the list <lists>`.", "Див. {ref}`список <lists>`.", None),
    ("uk", "See {ref}`the list <lists>`.", "Див. {ref}`список <other>`.", "markup"),
    ("uk", "See {ref}`the list <lists>`.", "Див. {doc}`список <lists>`.", "markup"),
    ("uk", "Read [the report](https://example.org/r).", "Читайте [звіт](https://example.org/r).", None),
    ("uk", "Read [the report](https://example.org/r).", "Читайте [звіт](https://example.org/x).", "markup"),
    ("uk", "As {{ org }} says.", "Як каже {{ org }}.", None),
    ("uk", "As {{ org }} says.", "Як каже організація.", "markup"),
    ("uk", "A claim.[^1]", "Твердження.[^1]", None),
    ("uk", "A claim.[^1]", "Твердження.", "markup"),
    ("uk", "A *strong* claim.", "Твердження *сильне.", "markup"),
    ("uk", "A `code claim.", "Твердження `код.", None),
    ("uk", "A claim.", "Твердження `код.", "markup"),
    # raw HTML
    ("uk", "A claim.", "Твердження.<script>alert(1)</script>", "raw-html"),
    ("uk", "A claim.", 'Твердження <img src=x onerror="alert(1)">.', "raw-html"),
    ("uk", "A claim.", '<a rel="attachment" href="file:///etc/passwd">Твердження</a>.', "raw-html"),
    ("uk", "A claim.", "Твердження < 3 і > 2.", None),
    # numbers, years, URLs
    ("uk", "Over 1/3 of supplies in 2020.", "Понад 1/3 поставок у 2020 р.", None),
    ("uk", "Over 1/3 of supplies in 2020.", "Понад третину поставок у 2020 р.", "numbers"),
    ("uk", "Over 1/3 of supplies in 2020.", "Понад 1/3 поставок торік.", "numbers"),
    ("uk", "See https://example.org/a for more.", "Див. https://example.org/b.", "urls"),
    # orthography
    ("be", "Belarus and Ukraine.", "Беларусь і Украіна.", None),
    ("be", "Belarus and Ukraine.", "Беларусь і Україна.", "orthography"),
    ("be", "Belarus and Ukraine.", "Беларусь и Украіна.", "orthography"),
    ("uk", "Belarus and Ukraine.", "Білорусь і Україна.", None),
    ("uk", "Belarus and Ukraine.", "Білорусь і Украіна ў.", "orthography"),
    ("uk", "Belarus and Ukraine.", "Бiлорусь і Україна.", "orthography"),  # Latin i
    ("pl", "Belarus and Ukraine.", "Białoruś i Ukraina.", None),
    ("pl", "Belarus and Ukraine.", "Białoruś i Украина.", "orthography"),
    # terminology
    ("pl", "Lukashenka’s regime.", "Reżim Łukaszenki.", None),
    ("pl", "Lukashenka’s regime.", "Reżim Lukaszenki.", "terminology"),
    ("be", "The Lublin Triangle met.", "Люблінскі трохвугольнік сабраўся.", None),
    ("be", "The Lublin Triangle met.", "Люблінскі трыкутнік сабраўся.", "terminology"),
    # typography
    ("uk", "A group “For Belarus!” was set up.", "Створено групу «За Білорусь!».", None),
    ("uk", "A group “For Belarus!” was set up.", "Створено групу \"За Білорусь!\".", "typography"),
    ("uk", "A group “For Belarus!” was set up.", "Створено групу “За Білорусь!”.", "typography"),
    ("pl", "A group “For Belarus!” was set up.", "Powstała grupa „Za Białoruś!”.", None),
    ("pl", "A group “For Belarus!” was set up.", "Powstała grupa «Za Białoruś!».", "typography"),
    ("uk", "One sentence.", "Одне  речення.", "doublespacing"),
    ("uk", "One sentence.", " Одне речення.", "startwhitespace"),
    ("uk", "One sentence.", "Одне речення", "endpunc"),
    ("uk", "a list item", "пункт списку", None),
    # untranslated copies
    ("uk", "A sentence.", "A sentence.", "copy"),
    ("pl", "E40", "E40", None),
    ("en", "A sentence.", "A sentence.", "copy"),
]


@pytest.mark.parametrize(("lang", "msgid", "msgstr", "rule"), CASES)
def test_entry_rules(tmp_path, lang, msgid, msgstr, rule):
    _, problems = run_check(tmp_path, lang, po_text(lang, entry(msgid, msgstr)))
    found = rules(problems)
    if rule is None:
        assert not {p.rule for p in problems if p.severity == ERROR}, [str(p) for p in problems]
    else:
        assert rule in found, [str(p) for p in problems]
        assert all(p.line == 13 for p in problems if p.rule == rule)  # the msgid's line


@pytest.mark.parametrize("release", [False, True])
def test_unfinished_work_is_a_warning_until_release(tmp_path, release):
    text = po_text("pl", entry("One.", "") + entry("Two.", "Dwa.", fuzzy=True) + entry("Three.", "Trzy."))
    _, problems = run_check(tmp_path, "pl", text, release=release)
    expected = ERROR if release else WARNING
    assert {(p.rule, p.severity) for p in problems} == {("untranslated", expected), ("fuzzy", expected)}


def test_a_folder_that_is_no_language_is_reported(tmp_path):
    (tmp_path / "locale" / "xx").mkdir(parents=True)
    (tmp_path / "locale" / "uk" / "LC_MESSAGES").mkdir(parents=True)
    problems = checks.check(tmp_path / "locale", BRIEF, [BRIEF.get("uk")])
    assert {p.rule for p in problems} == {"language", "missing"}


def test_the_projects_own_catalogs_pass_the_release_check():
    problems = checks.check(REPO / "locale", BRIEF, release=True)
    assert [str(p) for p in problems if p.is_error] == []
    assert [str(p) for p in problems if p.rule == "orthography"] == []


# --- letters of another script, in any language CLDR knows ------------------------------

ORTHOGRAPHY = [
    # (language, translation, severity of the finding or None, what it says)
    ("el", "Η Ελλάδα και η Pfizer συμφώνησαν.", None, ""),  # a brand name in Latin letters
    ("el", "Η Ελλaδα συμφώνησε.", ERROR, "'Ελλaδα' mixes Greek and Latin letters (Latin 'a')"),
    ("el", "Η Ελλάδα και η Kύπρος.", ERROR, "'Kύπρος' mixes Greek and Latin letters (Latin 'K')"),
    ("el", "Η Ελλάδα και η Кύπρος.", ERROR, "'Кύπρος' mixes Greek and Cyrillic letters (Cyrillic 'К')"),
    ("el", "Ο Путин είπε.", WARNING, "'Путин' is in Cyrillic letters, and Greek is written in Greek ones"),
    ("ru", "Россия и NATO.", None, ""),
    ("ru", "Бeларусь и Россия.", ERROR, "'Бeларусь' mixes Cyrillic and Latin letters (Latin 'e')"),
    ("ru", "Беларусь и Україна.", ERROR, "ї is not Russian"),  # the table's letters, in a word of the script
    ("ru", "Россия и Ελλάδα.", WARNING, "'Ελλάδα' is in Greek letters"),
    ("be", "Беларусь і Google.", None, ""),
    ("be", "Беларусь і Украiна.", ERROR, "'Украiна' mixes Cyrillic and Latin letters (Latin 'i')"),
    ("uk", "Київ і Wikipedia.", None, ""),
    ("uk", "Мовою оригіналу ʼ, 5 µm, на́голос.", None, ""),  # common and combining characters
    ("uk", "Kиїв і Львів.", ERROR, "'Kиїв' mixes Cyrillic and Latin letters (Latin 'K')"),
    ("pl", "Białoruś, Köln i Ørsted.", None, ""),  # CLDR's auxiliary letters of Polish
    ("pl", "Białоruś i Ukraina.", ERROR, "'Białоruś' mixes Latin and Cyrillic letters (Cyrillic 'о')"),
    ("pl", "Białoruś i Ελλάδα.", WARNING, "'Ελλάδα' is in Greek letters, and Polish is written in Latin ones"),
    ("ka", "საქართველო და NATO.", None, ""),
    ("ka", "საქართველo.", ERROR, "'საქართველo' mixes Georgian and Latin letters (Latin 'o')"),
    # a whole word typed in another alphabet's look-alike letters, among the language's words
    ("be", "Беларусь i Украіна.", ERROR,
     "'i' is written in Latin letters among Belarusian words: retype it in Cyrillic ('і')"),
    ("be", "Мы прыйшлі. I тады ўсё пачалося.", ERROR, "retype it in Cyrillic ('І')"),  # starting a sentence
    ("be", "I тады ўсё пачалося.", ERROR, "retype it in Cyrillic ('І')"),  # starting the text
    ("uk", "Зустріч y Києві.", ERROR, "'y' is written in Latin letters among Ukrainian words: "
                                      "retype it in Cyrillic ('у')"),
    ("uk", "Він пішов. Ha вулиці темно.", ERROR, "'Ha' is written in Latin letters among Ukrainian words: "
                                                  "retype it in Cyrillic ('На')"),
    ("uk", "Пункти a) і б) виконано.", ERROR, "retype it in Cyrillic ('а')"),
    ("uk", "Звіт у %(year)s році, a https://example.org/a і далі.", ERROR, "'a' is written in Latin letters"),
    ("ru", "Встреча c друзьями.", ERROR, "'c' is written in Latin letters among Russian words: "
                                         "retype it in Cyrillic ('с')"),
    ("ru", "Все ушли. B 2020 году стало тихо.", ERROR, "retype it in Cyrillic ('В')"),
    ("ru", "Bce ушли.", ERROR, "'Bce' is written in Latin letters among Russian words: retype it in Cyrillic ('Все')"),
    ("el", "Ο Νίκος και o Γιάννης.", ERROR, "'o' is written in Latin letters among Greek words: "
                                             "retype it in Greek ('ο')"),
    ("pl", "Białoruś і Ukraina.", ERROR, "'і' is written in Cyrillic letters among Polish words: "
                                          "retype it in Latin ('i')"),
    ("pl", "Polska а Białoruś.", ERROR, "retype it in Latin ('a')"),
    # … but not a name, an acronym, a label, a quotation or a word next to another script's words
    ("uk", "Фахівці IT з OSCE та Kia.", None, ""),  # acronyms, a name inside a sentence
    ("ru", "Категория B и витамин C.", None, ""),  # one-letter labels inside a sentence
    ("be", "Ён сказаў: «I am a citizen» і пайшоў.", None, ""),  # a Latin quotation
    ("uk", "Газогін Nord Stream. A потім прийшла зима.", None, ""),  # next to Latin words
    ("uk", "Тихановська (Tikhanovsky) заявила, що ok.", None, ""),  # not every letter has a look-alike
    ("uk", "Розмір 3 x 4 метри, eBay і A4.", None, ""),  # no Ukrainian word "х"; mixed capitals; a digit
    ("uk", "Звіт у %(year)s році.", None, ""),  # a placeholder
    ("pl", "Napisał «Слава Україні» і wyszedł.", WARNING, "'Слава', 'Україні', 'і' are in Cyrillic letters"),
]


def orthography(tmp_path: Path, code: str, msgstr: str) -> list:
    """The orthography rule's findings on one entry in any language CLDR knows."""
    language = languages.describe(code)
    text = HEADER.format(lang=code, plural=language.plural_forms) + entry("Some text.", msgstr)
    path = tmp_path / "locale" / code / "LC_MESSAGES" / "index.po"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return [p for p in checks.check_catalog(path, language, []) if p.rule == "orthography"]


@pytest.mark.parametrize(("code", "msgstr", "severity", "said"), ORTHOGRAPHY)
def test_letters_of_another_script_inside_a_word_are_found_in_any_language(tmp_path, code, msgstr, severity, said):
    found = orthography(tmp_path, code, msgstr)
    if severity is None:
        assert found == [], [str(p) for p in found]
    else:
        assert [p.severity for p in found] == [severity] and said in found[0].message, [str(p) for p in found]
        assert found[0].line == 13


def test_look_alike_words_in_a_row_are_each_reported(tmp_path):
    found = orthography(tmp_path, "uk", "Мінськ i a Гомель, i знову i.")
    assert sorted(p.message.split()[0] for p in found) == ["'a'", "'i'"], [str(p) for p in found]


def test_the_command_prints_file_line_severity_rule_and_exits_1(tmp_path):
    run_check(tmp_path, "uk", po_text("uk", entry("In 2020.", "У році.")))
    run = subprocess.run([sys.executable, "-m", "briefpub.cli", "check", "--lang", "uk",
                          "--locale-dir", str(tmp_path / "locale")], capture_output=True, text=True)
    assert run.returncode == 1
    path = tmp_path / "locale" / "uk" / "LC_MESSAGES" / "index.po"
    assert f"{path}:13: error: [numbers] the number 2020 of the source is missing" in run.stdout

    run = subprocess.run([sys.executable, "-m", "briefpub.cli", "check", "--json", "--lang", "uk",
                          "--locale-dir", str(tmp_path / "locale")], capture_output=True, text=True)
    assert run.returncode == 1
    assert json.loads(run.stdout)[0] | {"path": ""} == {
        "path": "", "line": 13, "severity": "error", "rule": "numbers",
        "message": "the number 2020 of the source is missing: keep numbers and years as digits (if this is "
                   "intended, accept it for this entry with the flag '#, ignore-numbers')"}


def test_a_usage_error_exits_2():
    run = subprocess.run([sys.executable, "-m", "briefpub.cli", "check", "--lang", "../../etc"],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert "unknown language" in run.stderr
