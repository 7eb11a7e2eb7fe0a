"""A reader in a real browser: switching languages, downloading, the landing
page, phones, printing.  Screenshots of every edition at phone and desktop
width are left in _build/screenshots/ for people to look at."""

from __future__ import annotations

import re

import pytest

from briefpub.catalogs import store
from browser import DESKTOP, PHONE, SCREENSHOTS, native_names
from conftest import BRIEF, REPO

CODES = BRIEF.codes


def label(code: str, msgid: str, domain: str = "sphinx") -> str:
    message = store.read(REPO / "locale" / code / "LC_MESSAGES" / f"{domain}.po")[msgid]
    return message.string or message.id


def title_of(code: str) -> str:
    return label(code, "Ukraine and the Belarusian Democratic Movement", "index")


def test_a_reader_switches_from_ukrainian_to_belarusian_and_downloads_the_pdf(release, site, browse, tmp_path):
    page = browse()
    page.goto(site("html/uk/index.html"))
    assert page.locator("html").get_attribute("lang") == "uk"

    switcher = page.get_by_role("navigation", name=label("uk", "Language"))
    switcher.get_by_role("link", name=native_names()["be"]).click()

    page.wait_for_url(site("html/be/index.html"))
    assert page.locator("html").get_attribute("lang") == "be"
    # (the title's last two words are tied by a no-break space: briefpub.editions.typography)
    assert page.get_by_role("heading", level=1).inner_text().replace("\u00a0", " ") == title_of("be")
    current = page.get_by_role("navigation", name=label("be", "Language")).locator("[aria-current=page]")
    assert current.inner_text() == native_names()["be"]

    with page.expect_download() as download_info:
        page.locator(".downloads").get_by_role("link", name=re.compile(r"^PDF")).click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == "ukraine-belarus-brief-be.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes() == (release / "ukraine-belarus-brief-be.pdf").read_bytes()


def test_the_epub_download_is_the_editions_own(release, site, browse, tmp_path):
    page = browse()
    page.goto(site("html/pl/index.html"))
    with page.expect_download() as download_info:
        page.locator(".downloads").get_by_role("link", name=re.compile(r"^ePub")).click()
    saved = tmp_path / "book.epub"
    download_info.value.save_as(saved)
    assert download_info.value.suggested_filename == "ukraine-belarus-brief-pl.epub"
    assert saved.read_bytes() == (release / "ukraine-belarus-brief-pl.epub").read_bytes()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_screenshots_of_every_edition_for_people_to_look_at(site, browse, width):
    viewport = {"phone": PHONE, "desktop": DESKTOP}[width]
    page = browse(viewport=viewport, device_scale_factor=1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in [*((code, f"html/{code}/index.html") for code in CODES), ("landing", "html/index.html")]:
        page.goto(site(path))
        page.evaluate("document.fonts.ready")
        target = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_brief_reads_on_a_narrow_phone_without_sideways_scrolling(site, browse):
    page = browse(viewport={"width": 320, "height": 640})
    for code in CODES:
        page.goto(site(f"html/{code}/index.html"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, code
        assert page.get_by_role("navigation", name=label(code, "Language")).is_visible()


def test_the_switcher_is_reached_from_the_keyboard_right_after_the_skip_link(site, browse):
    page = browse()
    page.goto(site("html/en/index.html"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == native_names()["uk"]


@pytest.mark.parametrize("preferred, offered", [("be-BY", "be"), ("pl", "pl"), ("uk-UA", "uk")])
def test_the_landing_page_offers_the_edition_in_the_readers_language(site, browse, preferred, offered):
    page = browse(locale=preferred)
    page.goto(site("html/index.html"))
    first = page.locator(".editions > li").first
    assert first.get_attribute("lang") == offered
    assert "suggested" in first.get_attribute("class")
    assert first.get_by_role("link").text_content().strip().startswith(native_names()[offered])


def test_the_landing_page_without_a_match_or_without_javascript_lists_every_edition(site, browse):
    for page in (browse(locale="de-DE"), browse(java_script_enabled=False, locale="be-BY")):
        page.goto(site("html/index.html"))
        items = page.locator(".editions > li")
        assert [items.nth(i).get_attribute("lang") for i in range(items.count())] == list(CODES)
        assert page.locator(".suggested").count() == 0
    page.get_by_role("link", name=re.compile(native_names()["pl"])).click()
    page.wait_for_url(site("html/pl/index.html"))


def test_printing_from_the_browser_leaves_out_the_switcher_and_the_downloads(site, browse):
    page = browse()
    page.goto(site("html/uk/index.html"))
    page.emulate_media(media="print")
    assert not page.locator(".languages").is_visible()
    assert not page.locator(".downloads").is_visible()
    assert page.get_by_role("heading", level=1).is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("code", CODES)
def test_quotation_marks_and_hyphenation_follow_the_pages_language(site, browse, code):
    language = BRIEF.get(code)
    page = browse()
    page.goto(site(f"html/{code}/index.html"))
    quotes = page.evaluate(
        """() => { const q = document.createElement('q'); document.querySelector('main p').append(q);
                   return getComputedStyle(q).quotes; }"""
    )
    assert quotes == " ".join(f'"{mark}"' for mark in (*language.quotes, *language.inner_quotes))
    assert page.evaluate("getComputedStyle(document.querySelector('main li p, main p')).hyphens") == "auto"
    assert page.evaluate("document.documentElement.lang") == code
