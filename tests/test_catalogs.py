"""The project's own catalogs: complete, well-formed, and true to the
terminology list, the orthography and the typography of their language."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from briefpub.catalogs import store, terminology
from conftest import BRIEF

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "locale"
TRANSLATED = [BRIEF.get(code) for code in ("uk", "be", "pl")]
ALL = list(BRIEF.languages)
DOMAINS = ("index", "sphinx")


# How Babel 2.17 and Babel 2.19 write the one plural rule of Ukrainian,
# Belarusian and Russian: a catalog of either kind is right under both.
OLD_SLAVIC = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
NEW_SLAVIC = ("nplurals=3; plural=n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 "
              "&& (n % 100 < 12 || n % 100 > 14) ? 1 : 2;")


@pytest.mark.parametrize("written", [OLD_SLAVIC, NEW_SLAVIC, NEW_SLAVIC.replace(" ", "")])
def test_a_plural_rule_written_another_way_is_kept_by_update(written):
    import datetime as dt

    language = BRIEF.get("uk")
    assert language.has_plural_forms(written)
    fields = store.header_for(language, {"Plural-Forms": written, "Language": "uk"}, {},
                              dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), messages_changed=False)
    assert fields["Plural-Forms"] == written, "an equivalent rule is the translator's: no churn"


@pytest.mark.parametrize("wrong", ["nplurals=2; plural=(n != 1);", OLD_SLAVIC.replace("? 1 : 2", "? 2 : 1"),
                                   "nplurals=3; plural=(n==1", ""])
def test_a_wrong_plural_rule_is_replaced_by_update(wrong):
    import datetime as dt

    language = BRIEF.get("uk")
    assert not language.has_plural_forms(wrong)
    fields = store.header_for(language, {"Plural-Forms": wrong}, {},
                              dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), messages_changed=False)
    assert fields["Plural-Forms"] == language.plural_forms


def messages(language):
    for domain in DOMAINS:
        for message in store.read(LOCALE / language.code / "LC_MESSAGES" / f"{domain}.po"):
            if message.id:
                yield domain, message


@pytest.mark.parametrize("language", ALL, ids=lambda lang: lang.code)
def test_every_language_has_a_catalog_per_domain(language):
    found = {path.stem for path in store.po_files(LOCALE, language)}
    assert found == set(DOMAINS)


@pytest.mark.parametrize("language", ALL, ids=lambda lang: lang.code)
def test_headers_name_the_language_its_plural_rule_and_its_team(language):
    for path in store.po_files(LOCALE, language):
        text = path.read_text(encoding="utf-8")
        header = text.split("\n\n", 1)[0]
        catalog = store.read(path)
        assert str(catalog.locale) == language.code
        assert language.has_plural_forms(dict(catalog.mime_headers)["Plural-Forms"])
        assert catalog.language_team == language.team
        assert catalog.charset.lower() == "utf-8"
        assert not catalog.fuzzy, f"{path}: the header is still marked fuzzy"
        assert "#, fuzzy" not in header
        assert "SOME DESCRIPTIVE TITLE" not in header


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (Debian: gettext) is checked by `make system`")
@pytest.mark.parametrize("language", ALL, ids=lambda lang: lang.code)
def test_msgfmt_accepts_every_catalog(language, tmp_path):
    for path in store.po_files(LOCALE, language):
        run = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "out.mo"), str(path)],
            capture_output=True, text=True,
        )
        assert run.returncode == 0, run.stderr
        if not language.is_source:
            assert "fuzzy" not in run.stderr and "untranslated" not in run.stderr, f"{path}: {run.stderr}"


@pytest.mark.parametrize("language", TRANSLATED, ids=lambda lang: lang.code)
def test_translations_are_complete(language):
    for path in store.po_files(LOCALE, language):
        counts = store.completeness(store.read(path))
        assert counts.fuzzy == 0 and counts.untranslated == 0, f"{path}: {counts}"
        assert counts.translated > 0


def test_the_english_catalog_is_an_editorial_layer_over_the_source():
    english = BRIEF.get("en")
    for path in store.po_files(LOCALE, english):
        for message in store.read(path):
            if message.id and message.string:
                assert message.string != message.id, f"{path}: an English msgstr that repeats its msgid"


@pytest.mark.parametrize("language", TRANSLATED, ids=lambda lang: lang.code)
def test_translations_follow_the_terminology_list(language):
    terms = terminology.load(LOCALE / "terminology.toml", BRIEF.source.code)
    problems = [
        f"{message.id[:50]!r}: expected {term.rendering(language)!r}"
        for _, message in messages(language)
        for term in terminology.unfollowed(terms, message.id, message.string, language)
    ]
    assert not problems, "\n".join(problems)


FOREIGN_LETTERS = {"uk": "ыэёъўЫЭЁЪЎ", "be": "ищїєґъИЩЇЄҐЪ", "pl": None}
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.mark.parametrize("language", TRANSLATED, ids=lambda lang: lang.code)
def test_translations_use_only_their_languages_letters(language):
    for _, message in messages(language):
        text = message.string
        if language.code == "pl":
            assert not CYRILLIC.search(text), text
            continue
        foreign = set(text) & set(FOREIGN_LETTERS[language.code])
        assert not foreign, f"{sorted(foreign)} in {text!r}"
        for word in re.findall(r"\w+", text):
            assert not (CYRILLIC.search(word) and LATIN.search(word)), f"mixed scripts in {word!r}"


@pytest.mark.parametrize("language", TRANSLATED, ids=lambda lang: lang.code)
def test_translations_use_their_languages_typography(language):
    opening, closing = language.quotes
    for _, message in messages(language):
        text = message.string
        assert '"' not in text and "'" not in text, f"straight quotes in {text!r}"
        assert "  " not in text and text == text.strip(), f"stray spaces in {text!r}"
        assert "−" not in text and " - " not in text, f"a minus or hyphen used as a dash in {text!r}"
        if "“" in message.id or "‘" in message.id:
            assert opening in text and closing in text, f"expected {opening}…{closing} in {text!r}"
        if message.id[-1] in ".;:!?":
            assert text[-1] == message.id[-1], f"final punctuation differs: {text!r}"
        for number in re.findall(r"\d+(?:/\d+)?", message.id):
            assert number in text, f"{number} is missing from {text!r}"
