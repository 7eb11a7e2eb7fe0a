"""How an HTML edition leads a reader to the others: the language switcher,
the alternates in the page's head, the landing page, the downloads, and
nothing in English on a page in another language."""

from __future__ import annotations

import html.parser
import posixpath
import re
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from briefpub.catalogs import store
from briefpub.project.languages import human_size
from briefpub.release import publish
from browser import native_names
from conftest import BASE_URL, BRIEF, REPO, read_page

CODES = BRIEF.codes
TRANSLATED = ("uk", "be", "pl")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    inside: tuple[str, ...] = ()
    """Classes of the elements around it, outermost first."""


@dataclass
class Markup:
    elements: list[Element] = field(default_factory=list)

    def find(self, tag: str, inside: str | None = None, **attrs: str) -> list[Element]:
        return [
            e for e in self.elements
            if e.tag == tag and (inside is None or inside in e.inside)
            and all(e.attrs.get(name.replace("_", "-")) == value for name, value in attrs.items())
        ]


class _Collector(html.parser.HTMLParser):
    VOID = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.markup = Markup()
        self.open: list[tuple[str, str, Element]] = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        element = Element(tag, attrs, inside=tuple(cls for _, cls, _ in self.open if cls))
        self.markup.elements.append(element)
        if tag not in self.VOID:
            self.open.append((tag, attrs.get("class", ""), element))

    def handle_endtag(self, tag):
        while self.open:
            opened, _, _ = self.open.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        for _, _, element in self.open:
            element.text += data


def markup(path: Path) -> Markup:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    for element in collector.markup.elements:
        element.text = re.sub(r"[ \t\r\n\f]+", " ", element.text).strip()  # keeps no-break spaces
    return collector.markup


def edition_pages(release: Path) -> list[tuple[str, Path]]:
    pages = [(code, page) for code in CODES for page in sorted((release / "html" / code).glob("*.html"))]
    assert pages
    return pages


def resolve(page: Path, href: str) -> Path:
    return Path(posixpath.normpath(posixpath.join(page.parent.as_posix(), href)))


def switcher(page: Path) -> list[Element]:
    found = markup(page)
    navs = [e for e in found.find("nav") if "languages" in e.attrs.get("class", "").split()]
    assert len(navs) == 1, f"{page}: expected one language switcher"
    return found.find("a", inside="languages")


# --- the language switcher -------------------------------------------------------


def test_every_page_offers_the_four_editions_by_their_native_names(release):
    for _code, page in edition_pages(release):
        links = switcher(page)
        assert [link.text for link in links] == [native_names()[c] for c in CODES], page
        for link, other in zip(links, CODES):
            assert link.attrs["lang"] == other and link.attrs["hreflang"] == other


def test_the_switcher_leads_to_the_same_page_in_the_other_edition(release):
    for _code, page in edition_pages(release):
        for link, other in zip(switcher(page), CODES):
            target = resolve(page, link.attrs["href"])
            assert target == release / "html" / other / page.name, f"{page}: {link.attrs['href']}"
            assert target.is_file()


def test_the_switcher_marks_the_edition_the_reader_is_in(release):
    for code, page in edition_pages(release):
        current = [link for link in switcher(page) if "aria-current" in link.attrs]
        assert len(current) == 1
        assert current[0].attrs["aria-current"] == "page"
        assert current[0].attrs["lang"] == code
        assert resolve(page, current[0].attrs["href"]) == page


def test_the_switcher_is_labelled_in_the_editions_language(release):
    for code, page in edition_pages(release):
        nav = next(e for e in markup(page).find("nav") if "languages" in e.attrs.get("class", ""))
        label = catalog_string(code, "Language")
        assert nav.attrs["aria-label"] == label


def published(release: Path, url: str) -> Path:
    """The file of ``release`` an absolute address of the release names."""
    assert url.startswith(BASE_URL), url
    path = release / url.removeprefix(BASE_URL)
    return path / "index.html" if url.endswith("/") else path


def test_every_page_names_its_alternates_and_the_release_index_as_default(release):
    for _code, page in edition_pages(release):
        alternates = markup(page).find("link", rel="alternate")
        assert [a.attrs["hreflang"] for a in alternates] == [*CODES, "x-default"], page
        for alternate in alternates:
            target = published(release, alternate.attrs["href"])
            expected = (release / "index.html" if alternate.attrs["hreflang"] == "x-default"
                        else release / "html" / alternate.attrs["hreflang"] / page.name)
            assert target == expected and target.is_file()


# --- the landing page -------------------------------------------------------------


def test_the_landing_page_lists_every_edition_in_its_own_language_without_javascript(release):
    landing = release / "html" / "index.html"
    found = markup(landing)
    links = [a for a in found.find("a") if "hreflang" in a.attrs]
    assert [a.attrs["hreflang"] for a in links] == list(CODES)
    for link, code in zip(links, CODES):
        item = next(li for li in found.find("li") if li.attrs.get("data-lang") == code)
        assert item.attrs["lang"] == code
        assert native_names()[code] in link.text
        assert title_of(code) in link.text
        assert resolve(landing, link.attrs["href"]) == release / "html" / code / "index.html"
    alternates = found.find("link", rel="alternate")
    assert [a.attrs["hreflang"] for a in alternates] == [*CODES, "x-default"]


def test_the_release_index_and_the_landing_page_use_the_editions_fonts(release):
    for page in (release / "index.html", release / "html" / "index.html"):
        stylesheets = [link for link in markup(page).find("link", rel="stylesheet")]
        assert stylesheets and all(resolve(page, link.attrs["href"]).is_file() for link in stylesheets)


# --- downloads --------------------------------------------------------------------


def downloads(page: Path) -> list[Element]:
    return markup(page).find("a", inside="downloads")


@pytest.mark.parametrize("code", CODES)
def test_each_edition_links_its_own_pdf_and_epub_with_their_sizes(release, code):
    language = BRIEF.get(code)
    for page in sorted((release / "html" / code).glob("*.html")):
        links = downloads(page)
        assert [link.attrs["type"] for link in links] == ["application/pdf", "application/epub+zip"], page
        for link, suffix in zip(links, ("pdf", "epub")):
            target = resolve(page, link.attrs["href"])
            assert target == release / f"ukraine-belarus-brief-{code}.{suffix}"
            assert target.is_file()
            assert link.text == f"{publish.FORMAT_NAMES[suffix]}, {human_size(target.stat().st_size, language)}"
            assert "download" in link.attrs


def test_an_html_build_offers_downloads_once_its_pdf_and_epub_are_built(tmp_path):
    from conftest import briefpub, copy_project

    project = copy_project(tmp_path)
    run = briefpub("build", "--format", "html", "--lang", "be", cwd=project.root)
    assert run.returncode == 0, run.stdout + run.stderr
    page = project.output_dir(BRIEF.get("be"), "html") / "index.html"
    text = page.read_text(encoding="utf-8")
    assert 'class="downloads"' not in text and ".pdf" not in text and ".epub" not in text
    assert len(switcher(page)) == 4
    landing = project.build_dir / "html" / "index.html"
    assert [a.attrs["hreflang"] for a in markup(landing).find("a") if "hreflang" in a.attrs] == ["be"]

    run = briefpub("build", "--lang", "be", cwd=project.root)
    assert run.returncode == 0, run.stdout + run.stderr
    links = downloads(page)
    assert [link.attrs["href"] for link in links] == [
        "../../ukraine-belarus-brief-be.pdf", "../../ukraine-belarus-brief-be.epub"]


def test_neither_the_pdf_nor_the_epub_carries_the_switcher_or_the_downloads(release):
    for code in CODES:
        with zipfile.ZipFile(release / f"ukraine-belarus-brief-{code}.epub") as epub:
            for name in epub.namelist():
                if name.endswith(".xhtml"):
                    text = epub.read(name).decode("utf-8")
                    assert "edition-bar" not in text and "hreflang" not in text, name
        text = subprocess.run(["pdftotext", str(release / f"ukraine-belarus-brief-{code}.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        others = [native_names()[c] for c in CODES if c != code]
        assert not any(name in text for name in others)
        assert catalog_string(code, "Download") not in text and "ePub" not in text


# --- nothing in English on a page in another language ----------------------------------


def theme_labels() -> list[str]:
    """The theme's English labels, as extracted into the catalogs."""
    labels = [m.id for m in store.read(REPO / "locale" / "en" / "LC_MESSAGES" / "sphinx.po") if m.id]
    assert labels
    return [label.split("%")[0].strip() for label in labels]


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_english_label_on_a_page_in_another_language(release, code):
    for page in sorted((release / "html" / code).glob("*.html")):
        text = read_page(page).text
        attributes = " ".join(
            value for e in markup(page).elements for name, value in e.attrs.items()
            if name in ("aria-label", "title", "alt", "content")
        )
        for label in theme_labels():
            assert not re.search(rf"\b{re.escape(label)}\b", text), f"{page.name}: {label!r}"
            assert not re.search(rf"\b{re.escape(label)}\b", attributes), f"{page.name}: {label!r} in an attribute"
        assert "search" not in text.lower()
        assert not list((release / "html" / code).glob("search*.html"))


def test_sizes_are_written_the_editions_way_and_never_broken_across_lines(release):
    shown = {code: [link.text.split(", ", 1)[1] for link in downloads(release / "html" / code / "index.html")]
             for code in CODES}
    assert shown["uk"][0].endswith("кБ") and shown["be"][0].endswith("КБ")
    assert shown["en"][0].endswith("kB") and shown["pl"][0].endswith("kB")
    assert all("\u00a0" in size and " " not in size for sizes in shown.values() for size in sizes)


# --- typography -------------------------------------------------------------------------


def test_each_languages_quotation_marks_come_from_briefpub_languages(release):
    for code in CODES:
        page = release / "html" / code / "index.html"
        stylesheet = next(link for link in markup(page).find("link", rel="stylesheet")
                          if "languages.css" in link.attrs["href"])
        css = resolve(page, stylesheet.attrs["href"].split("?")[0]).read_text(encoding="utf-8")
        for language in BRIEF.languages:
            marks = [*language.quotes, *language.inner_quotes]
            escaped = " ".join('"' + "".join(f"\\{ord(c):06X}" for c in mark) + '"' for mark in marks)
            assert f":lang({language.code}) {{ quotes: {escaped}; }}" in css


# --- helpers ------------------------------------------------------------------------------


def catalog_string(code: str, msgid: str) -> str:
    message = store.read(REPO / "locale" / code / "LC_MESSAGES" / "sphinx.po")[msgid]
    return message.string or message.id


def title_of(code: str) -> str:
    message = store.read(REPO / "locale" / code / "LC_MESSAGES" / "index.po")[
        "Ukraine and the Belarusian Democratic Movement"]
    return message.string or message.id
