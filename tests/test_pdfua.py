"""PDF/UA-1 that holds: the structure tree of every PDF edition read with
pikepdf (what a screen reader follows), of the brief and of a report in
chapters (tests/fixtures/report), and an independent checker."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from briefpub.catalogs import store
from briefpub.editions import pdfua
from conftest import BRIEF, REPO, briefpub
from test_epub import SECTIONS

PDFUA = "{http://www.aiim.org/pdfua/ns/id/}part"


def open_pdf(release: Path, code: str) -> pikepdf.Pdf:
    return pikepdf.open(release / f"ukraine-belarus-brief-{code}.pdf")


def children(element) -> list:
    kid = element.get("/K")
    if kid is None:
        return []
    return list(kid) if isinstance(kid, pikepdf.Array) else [kid]


def structure(element) -> list:
    return [kid for kid in children(element) if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def tree(pdf: pikepdf.Pdf) -> list:
    """Every structure element reachable from the root, in reading order."""
    found = []

    def visit(element):
        found.append(element)
        for kid in structure(element):
            visit(kid)

    for top in structure(pdf.Root.StructTreeRoot):
        visit(top)
    return found


def tagged_content(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """(page, MCID) of every piece of content the structure tree reaches."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    reached = set()
    for element in tree(pdf):
        for kid in children(element):
            if isinstance(kid, int):
                reached.add((pages[element.Pg.objgen], kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                reached.add((pages[kid.Pg.objgen], int(kid.MCID)))
    return reached


def marked_content(pdf: pikepdf.Pdf) -> tuple[set[tuple[int, int]], Counter]:
    """(page, MCID) of the tagged content painted on the pages, and the artifacts of each page by type."""
    tagged, artifacts = set(), Counter()
    for number, page in enumerate(pdf.pages):
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) != "BDC":
                continue
            if operands[0] == pikepdf.Name.Artifact:
                artifacts[(number, str(operands[1].get("/Type", "")))] += 1
            elif "/MCID" in operands[1]:
                tagged.add((number, int(operands[1].MCID)))
    return tagged, artifacts


def translated(code: str, *msgids: str) -> list[str]:
    catalog = store.read(REPO / "locale" / code / "LC_MESSAGES" / "index.po")
    return [" ".join((catalog[msgid].string or msgid).split()) for msgid in msgids]


def below(element):
    for kid in structure(element):
        yield kid
        yield from below(kid)


# What every PDF must show ----------------------------------------------------------------------

def check_artifacts_and_tree(pdf: pikepdf.Pdf) -> None:
    """Running heads and page numbers are pagination artifacts; every piece of
    tagged content is reached from the structure root, and the parent tree
    names only elements of the tree."""
    painted, artifacts = marked_content(pdf)
    assert painted == tagged_content(pdf), "tagged content outside the structure tree"
    for number in range(len(pdf.pages)):
        assert artifacts[(number, "/Pagination")] >= 1, f"page {number + 1} has no pagination artifact"
    numbers = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    reached = {element.objgen for element in tree(pdf)}
    for parents in numbers[1::2]:
        values = parents if isinstance(parents, pikepdf.Array) else [parents]
        assert all(p.objgen in reached for p in values if isinstance(p, pikepdf.Dictionary))


def check_lists(elements: list) -> list:
    """Every item is a ``Lbl`` and one ``LBody``; a list holds items only. Returns the items."""
    items = [e for e in elements if e.S == "/LI"]
    for item in items:
        kinds = [str(kid.S) for kid in structure(item)]
        assert kinds.count("/LBody") == 1 and set(kinds) <= {"/Lbl", "/LBody"}, kinds
    for listing in (e for e in elements if e.S == "/L"):
        assert {str(kid.S) for kid in structure(listing)} <= {"/LI", "/Caption"}
    return items


def check_toc(elements: list) -> list[list[str]]:
    """One ``TOC`` of ``TOCI``, one ``Link`` an entry; returns what each level's links say."""
    tocs = [e for e in elements if e.S == "/TOC" and e.P.S != "/TOCI"]
    assert len(tocs) == 1
    assert not any(e.S == "/NonStruct" and any(k.S == "/L" for k in structure(e)) for e in elements)

    def entries(toc) -> list[list[str]]:
        said = []
        for entry in structure(toc):
            assert entry.S in ("/TOCI", "/Caption"), entry.S
            if entry.S == "/Caption":
                continue
            links = [e for e in structure(entry) if e.S == "/P" for e in structure(e) if e.S == "/Link"]
            assert len(links) == 1, "one link an entry, even when it runs over two lines"
            said.append([str(links[0].Alt)] + [text for nested in structure(entry) if nested.S == "/TOC"
                                               for line in entries(nested) for text in line])
        return said

    return entries(tocs[0])


def check_links(pdf: pikepdf.Pdf) -> list[str]:
    """Every link annotation is a kid of a ``Link`` element, printed, and says
    what the element says; returns what they say."""
    annotations = [a for page in pdf.pages for a in page.obj.get("/Annots", []) if a.Subtype == "/Link"]
    assert annotations
    described = {}
    for element in tree(pdf):
        for kid in children(element):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                assert element.S == "/Link"
                described[kid.Obj.objgen] = str(element.Alt)
    said = []
    for annotation in annotations:
        text = str(annotation.Contents)
        assert described[annotation.objgen] == text
        assert int(annotation.F) & 4, "printed with the page"
        assert text and text != str(annotation.get("/Dest", "")), f"described by its target: {text}"
        said.append(text)
    return said


def check_sections(elements: list, pages: list[Path]) -> None:
    """One ``Part`` and one ``Sect`` per section of the pages printed (a PDF
    in chapters is printed from a page per chapter, where the sections around
    a chapter are repeated without their ids), each beginning with its heading."""
    assert [str(e.S) for e in elements].count("/Part") == 1
    sections = [e for e in elements if e.S == "/Sect"]
    assert len(sections) == sum(len(re.findall(r"<section[^>]*\sid=", page.read_text(encoding="utf-8")))
                                for page in pages)
    for section in sections:
        assert re.fullmatch(r"/H[1-6]", str(structure(section)[0].S)), str(structure(section)[0].S)


def check_metadata(pdf: pikepdf.Pdf, code: str) -> None:
    meta = pdf.open_metadata()
    assert meta["dc:language"] == {code}
    assert meta[PDFUA] == "1"


OUTLOUD_KNOWN = {"ORD-001"}
"""outloud's reading-order check compares the order content is painted in
with the tree's: WeasyPrint paints list bullets after the text of the page,
so the order differs though the tree is right (a semantic check, not one of
PDF/UA-1's)."""


def outloud_findings(pdfs: list[Path]) -> list:
    """outloud (PyPI: Matterhorn Protocol checkpoints of PDF/UA-1; veraPDF
    itself is a Java application on neither PyPI, npm nor Debian)."""
    tool = Path(sys.executable).with_name("outloud")
    run = subprocess.run([str(tool), "--json", "-", "--fail-on", "never", *map(str, pdfs)],
                         capture_output=True, text=True, check=True)
    results = json.loads(run.stdout)["results"]
    assert len(results) == len(pdfs)
    return [(result["path"], finding) for result in results for finding in result["findings"]
            if finding["rule"] not in OUTLOUD_KNOWN and finding["severity"] != "info"]


# The brief, in every language ------------------------------------------------------------------

@pytest.mark.parametrize("code", BRIEF.codes)
def test_running_heads_and_page_numbers_are_artifacts_and_all_content_is_in_the_tree(release, code):
    pdf = open_pdf(release, code)
    assert len(pdf.pages) > 1
    check_artifacts_and_tree(pdf)


@pytest.mark.parametrize("code", BRIEF.codes)
def test_lists_are_items_with_label_and_body(release, code):
    pdf = open_pdf(release, code)
    elements = tree(pdf)
    assert len(check_lists(elements)) >= 25
    nested = [e for e in elements if e.S == "/LBody" and any(kid.S == "/L" for kid in structure(e))]
    assert len(nested) == 1, "the lettered list is inside the body of its item"


@pytest.mark.parametrize("code", BRIEF.codes)
def test_the_contents_is_a_toc_whose_links_say_the_headings_in_the_editions_language(release, code):
    pdf = open_pdf(release, code)
    assert check_toc(tree(pdf)) == [[heading] for heading in translated(code, *SECTIONS)]


@pytest.mark.parametrize("code", BRIEF.codes)
def test_every_link_annotation_is_described_by_its_visible_text(release, code):
    pdf = open_pdf(release, code)
    assert set(check_links(pdf)) == set(translated(code, *SECTIONS))


@pytest.mark.parametrize("code", BRIEF.codes)
def test_one_structure_element_per_section(release, code):
    pdf = open_pdf(release, code)
    elements = tree(pdf)
    check_sections(elements, [release / "html" / code / "index.html"])
    headings = [str(structure(e)[0].S) for e in elements if e.S == "/Sect"]
    assert headings == ["/H1"] + ["/H2"] * len(SECTIONS)


@pytest.mark.parametrize("code", BRIEF.codes)
def test_xmp_states_the_language_and_the_claim(release, code):
    pdf = open_pdf(release, code)
    check_metadata(pdf, code)


def test_an_independent_pdfua_checker_finds_nothing(release):
    pdfs = sorted(release.glob("*.pdf"))
    assert len(pdfs) == len(BRIEF.codes)
    assert not outloud_findings(pdfs)


# A report in chapters: figures, tables, footnotes, a printed contents over two levels ----------

REPORT = REPO / "tests" / "fixtures" / "report"
REPORT_CODES = ("pl", "uk")


@pytest.fixture(scope="module")
def report_pdfs(tmp_path_factory) -> dict[str, Path]:
    """The report's PDF editions, built once for this module."""
    root = tmp_path_factory.mktemp("report")
    for part in ("docs", "locale"):
        shutil.copytree(REPORT / part, root / part, ignore=shutil.ignore_patterns("*.mo", "_build"))
    run = briefpub("build", "--lang", ",".join(REPORT_CODES), "--format", "pdf", "--root", str(root), cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PDF/UA" not in run.stdout + run.stderr, "an edition dropped its claim"
    return {code: next((root / "_build" / "pdf" / code).glob("*.pdf")) for code in REPORT_CODES}


@pytest.mark.parametrize("code", REPORT_CODES)
def test_the_report_in_chapters_holds_its_pdfua_claim(report_pdfs, code):
    path = report_pdfs[code]
    pdf = pikepdf.open(path)
    elements = tree(pdf)
    assert len(pdf.pages) > 4
    check_artifacts_and_tree(pdf)
    assert check_lists(elements)
    contents = check_toc(elements)
    assert len(contents) == 3 and all(len(chapter) == 3 for chapter in contents), contents
    said = check_links(pdf)
    assert "[1]" in said and all(chapter[0] in said for chapter in contents)
    check_sections(elements, [path.parent / "index.html", *sorted(path.parent.glob("index-part-*.html"))])
    check_metadata(pdf, code)
    assert any(e.S == "/Figure" and str(e.get("/Alt", "")) for e in elements)
    assert any(e.S == "/Table" for e in elements)


def test_an_independent_pdfua_checker_finds_nothing_in_the_report(report_pdfs):
    assert not outloud_findings(list(report_pdfs.values()))


# Margin content, found in the unparsed content stream ------------------------------------------

MARGIN_STREAMS = {
    "as WeasyPrint writes it":
        b"/Span\n<</MCID 0>>\nBDC\nBT\n[<0038>0<004e>] TJ\nET\nEMC\n/Span\n<</MCID 1>>\nBDC\nBT\n[<0041>] TJ\nET\nEMC",
    "a marked-content dictionary with more than its MCID":
        b"/Span <</MCID 0>> BDC EMC /Span <</MCID 1 /Lang (pl)>> BDC EMC",
    "inline image data that reads like marked content":
        b"/Span <</MCID 1>> BDC EMC BI /W 26 /H 1 /BPC 8 /CS /G ID \n/Span << /MCID 1 >> BDC\n EI",
}
"""A page's content, found changed in its text (the first) or instruction by instruction (the others)."""


@pytest.mark.parametrize("stream", MARGIN_STREAMS.values(), ids=MARGIN_STREAMS.keys())
def test_margin_content_becomes_an_artifact_and_the_stream_is_what_its_instructions_unparse_to(stream):
    pdf = pikepdf.new()
    instructions = pikepdf.parse_content_stream(pdf.make_stream(stream))
    content, changed = pdfua.as_artifacts(instructions, {1})
    expected = [pdfua.PAGINATION if str(i.operator) == "BDC" and i.operands[1].MCID == 1 else i
                for i in instructions]
    assert changed == 1
    assert content == pikepdf.unparse_content_stream(expected)
