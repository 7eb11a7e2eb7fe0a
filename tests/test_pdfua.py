"""PDF/UA-1 that holds: the structure tree of every PDF edition read with
pikepdf (what a screen reader follows), and an independent checker."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from briefpub import catalogs
from conftest import BRIEF, REPO
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
    catalog = catalogs.read(REPO / "locale" / code / "LC_MESSAGES" / "index.po")
    return [" ".join((catalog[msgid].string or msgid).split()) for msgid in msgids]




@pytest.mark.parametrize("code", BRIEF.codes)
def test_running_heads_and_page_numbers_are_artifacts_and_all_content_is_in_the_tree(release, code):
    pdf = open_pdf(release, code)
    painted, artifacts = marked_content(pdf)
    assert painted == tagged_content(pdf), "tagged content outside the structure tree"
    for number in range(len(pdf.pages)):
        assert artifacts[(number, "/Pagination")] >= 1, f"page {number + 1} has no pagination artifact"
    numbers = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    reached = {element.objgen for element in tree(pdf)}
    for parents in numbers[1::2]:
        values = parents if isinstance(parents, pikepdf.Array) else [parents]
        assert all(p.objgen in reached for p in values if isinstance(p, pikepdf.Dictionary))


@pytest.mark.parametrize("code", BRIEF.codes)
def test_lists_are_items_with_label_and_body(release, code):
    pdf = open_pdf(release, code)
    elements = tree(pdf)
    items = [e for e in elements if e.S == "/LI"]
    assert len(items) >= 25
    for item in items:
        kinds = [str(kid.S) for kid in structure(item)]
        assert kinds.count("/LBody") == 1 and set(kinds) <= {"/Lbl", "/LBody"}, kinds
    for listing in (e for e in elements if e.S == "/L"):
        assert {str(kid.S) for kid in structure(listing)} <= {"/LI", "/Caption"}
    nested = [e for e in elements if e.S == "/LBody" and any(kid.S == "/L" for kid in structure(e))]
    assert len(nested) == 1, "the lettered list is inside the body of its item"


@pytest.mark.parametrize("code", BRIEF.codes)
def test_the_contents_is_a_toc_whose_links_say_the_headings_in_the_editions_language(release, code):
    pdf = open_pdf(release, code)
    elements = tree(pdf)
    tocs = [e for e in elements if e.S == "/TOC"]
    assert len(tocs) == 1
    entries = [kid for kid in structure(tocs[0]) if kid.S == "/TOCI"]
    said = []
    for entry in entries:
        links = [e for e in _below(entry) if e.S == "/Link"]
        assert len(links) == 1, "one link per entry, even when it runs over two lines"
        said.append(str(links[0].Alt))
    assert said == translated(code, *SECTIONS)
    assert not any(e.S == "/NonStruct" and any(k.S == "/L" for k in structure(e)) for e in elements)


def _below(element):
    for kid in structure(element):
        yield kid
        yield from _below(kid)


@pytest.mark.parametrize("code", BRIEF.codes)
def test_every_link_annotation_is_described_by_its_visible_text(release, code):
    pdf = open_pdf(release, code)
    annotations = [a for page in pdf.pages for a in page.obj.get("/Annots", []) if a.Subtype == "/Link"]
    assert annotations
    described = {}
    for element in tree(pdf):
        for kid in children(element):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                assert element.S == "/Link"
                described[kid.Obj.objgen] = str(element.Alt)
    headings = set(translated(code, *SECTIONS))
    for annotation in annotations:
        text = str(annotation.Contents)
        assert described[annotation.objgen] == text
        assert int(annotation.F) & 4, "printed with the page"
        assert text in headings, text
        assert not re.fullmatch(r"[a-z0-9-]+", text), f"a slug: {text}"


@pytest.mark.parametrize("code", BRIEF.codes)
def test_one_structure_element_per_section(release, code):
    pdf = open_pdf(release, code)
    assert len(pdf.pages) > 1
    elements = tree(pdf)
    assert [str(e.S) for e in elements].count("/Part") == 1
    sections = [e for e in elements if e.S == "/Sect"]
    assert len(sections) == 1 + len(SECTIONS)
    headings = [str(structure(section)[0].S) for section in sections]
    assert headings == ["/H1"] + ["/H2"] * len(SECTIONS)


@pytest.mark.parametrize("code", BRIEF.codes)
def test_xmp_states_the_language_and_the_claim(release, code):
    pdf = open_pdf(release, code)
    meta = pdf.open_metadata()
    assert meta["dc:language"] == {code}
    assert meta[PDFUA] == "1"


OUTLOUD_KNOWN = {"ORD-001"}
"""outloud's reading-order check compares the order content is painted in
with the tree's: WeasyPrint paints list bullets after the text of the page,
so the order differs though the tree is right (a semantic check, not one of
PDF/UA-1's)."""


def test_an_independent_pdfua_checker_finds_nothing(release):
    """outloud (PyPI, Matterhorn Protocol checkpoints; veraPDF itself is a Java
    application on neither PyPI, npm nor Debian)."""
    tool = Path(sys.executable).with_name("outloud")
    pdfs = sorted(release.glob("*.pdf"))
    assert len(pdfs) == len(BRIEF.codes)
    run = subprocess.run([str(tool), "--json", "-", "--fail-on", "never", *map(str, pdfs)],
                         capture_output=True, text=True, check=True)
    for result in json.loads(run.stdout)["results"]:
        findings = [f for f in result["findings"] if f["rule"] not in OUTLOUD_KNOWN and f["severity"] != "info"]
        assert not findings, (result["path"], findings)
