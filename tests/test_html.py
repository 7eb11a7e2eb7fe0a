"""Each HTML edition is entirely in its language."""

from __future__ import annotations

import pytest

from briefpub.catalogs import store
from conftest import BRIEF, REPO, read_page

THEME_LABELS = ("Skip to the text", "Policy brief", "The authors", "Version", "Contents")


def translations(code: str, domain: str = "index") -> list:
    path = REPO / "locale" / code / "LC_MESSAGES" / f"{domain}.po"
    return [message for message in store.read(path) if message.id]


@pytest.mark.parametrize("code", BRIEF.codes)
def test_the_page_is_labelled_with_its_language(brief_html, code):
    assert read_page(brief_html[code]).lang == code


@pytest.mark.parametrize("code", ["uk", "be", "pl"])
def test_title_and_headings_are_translated(brief_html, code):
    page = read_page(brief_html[code])
    title = next(m.string for m in translations(code) if m.id == "Ukraine and the Belarusian Democratic Movement")
    assert page.title == title
    assert page.headings[0] == title
    sources = {m.id for m in translations(code)}
    assert not sources & set(page.headings)


@pytest.mark.parametrize("code", ["uk", "be", "pl"])
def test_no_source_text_is_left_on_a_translated_page(brief_html, code):
    page = read_page(brief_html[code])
    for message in translations(code):
        assert message.id not in page.text
        assert " ".join(message.string.split()) in page.text


@pytest.mark.parametrize("code", ["uk", "be", "pl"])
def test_the_themes_labels_are_in_the_editions_language(brief_html, code):
    page = read_page(brief_html[code])
    for label in THEME_LABELS:
        assert label not in page.text
    shown = {m.id: m.string for m in translations(code, "sphinx")}
    for label in ("Skip to the text", "Policy brief", "The authors", "Version %(version)s"):
        assert shown[label].split("%")[0].strip() in page.text


@pytest.mark.parametrize("code", BRIEF.codes)
def test_no_software_documentation_boilerplate(brief_html, code):
    html = brief_html[code].read_text(encoding="utf-8")
    assert "documentation" not in html.lower()
    assert "Created using" not in html
    assert "search" not in read_page(brief_html[code]).text.lower()


def test_the_english_edition_is_the_source_text(brief_html):
    page = read_page(brief_html["en"])
    assert page.title == "Ukraine and the Belarusian Democratic Movement"
    for message in translations("en"):
        assert message.id in page.text


def test_dates_are_written_in_the_editions_language(brief_html):
    assert "листопада 2026" in read_page(brief_html["uk"]).text
    assert "лістапада 2026" in read_page(brief_html["be"]).text
    assert "listopada 2026" in read_page(brief_html["pl"]).text
    assert "November 25, 2026" in read_page(brief_html["en"]).text
