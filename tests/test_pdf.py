"""The PDF editions: fonts embedded, labelled and tagged, text in its
language, and nothing from outside the build inside."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pypdf
import pytest

from briefpub.catalogs import store
from briefpub.editions.pdf import build_only_fetcher, load_weasyprint
from briefpub.project import typefaces
from conftest import BRIEF, REPO


def pdf(release: Path, code: str) -> pypdf.PdfReader:
    return pypdf.PdfReader(release / f"ukraine-belarus-brief-{code}.pdf")


def fonts_of(reader: pypdf.PdfReader) -> dict[str, dict]:
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            found[str(font["/BaseFont"])] = descriptor
    return found


@pytest.mark.parametrize("code", BRIEF.codes)
def test_only_the_declared_fonts_are_used_all_embedded_and_subset(release, code):
    used = fonts_of(pdf(release, code))
    assert used
    for name, descriptor in used.items():
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
        subset, _, family = name.lstrip("/").partition("+")
        assert len(subset) == 6 and subset.isupper(), f"{name} is not a subset"
        assert family.startswith(("Brief-Serif", "Brief-Sans")), f"{name} is not a declared font"


def test_the_declared_fonts_cover_the_four_languages():
    from fontTools.ttLib import TTFont

    for face in typefaces.FACES:
        cmap = TTFont(face.path).getBestCmap()
        missing = [c for c in typefaces.COVERAGE if not c.isspace() and ord(c) not in cmap]
        assert not missing, f"{face.file} lacks {missing}"


@pytest.mark.parametrize("code", BRIEF.codes)
def test_metadata_is_in_the_editions_language(release, code):
    reader = pdf(release, code)
    catalog = store.read(REPO / "locale" / code / "LC_MESSAGES" / "index.po")
    title = catalog["Ukraine and the Belarusian Democratic Movement"].string or \
        "Ukraine and the Belarusian Democratic Movement"
    assert reader.metadata.title == title
    assert reader.metadata.author
    assert str(reader.trailer["/Root"]["/Lang"]) == code
    assert reader.metadata["/CreationDate"].startswith("D:20251125")


@pytest.mark.parametrize("code", BRIEF.codes)
def test_tagged_for_screen_readers_with_bookmarks_and_no_attachments(release, code):
    root = pdf(release, code).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert "/Outlines" in root
    assert "/EmbeddedFiles" not in root.get("/Names", {})


@pytest.mark.parametrize("code", ["uk", "be", "pl"])
def test_the_text_reads_in_its_language_and_order(release, code):
    text = subprocess.run(
        ["pdftotext", "-layout", str(release / f"ukraine-belarus-brief-{code}.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    flat = " ".join(text.split())
    catalog = store.read(REPO / "locale" / code / "LC_MESSAGES" / "index.po")
    headings = [catalog[msgid].string for msgid in (
        "Ukraine and the Belarusian Democratic Movement",
        "Assistance at the level of civil society actors",
        "What to do together with European partners",
    )]
    positions = [flat.find(" ".join(heading.split())) for heading in headings]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions
    assert "Ukraine" not in flat and "Lukashenka" not in flat


def test_a_file_outside_the_build_is_never_fetched(tmp_path):
    weasyprint, FontConfiguration = load_weasyprint()
    secret = tmp_path / "secret.txt"
    secret.write_text("do not publish", encoding="utf-8")
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    page = build_dir / "index.html"
    page.write_text(
        f'<html lang="en"><head><title>t</title></head><body><p>x</p>'
        f'<a rel="attachment" href="file://{secret}">a</a>'
        f'<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png"></body></html>',
        encoding="utf-8",
    )
    refused: list[str] = []
    output = tmp_path / "out.pdf"
    weasyprint.HTML(filename=page, url_fetcher=build_only_fetcher(build_dir, refused)).write_pdf(output)
    assert f"file://{secret}" in refused and "file:///etc/passwd" in refused
    assert b"do not publish" not in output.read_bytes()
    assert "/EmbeddedFiles" not in pypdf.PdfReader(output).trailer["/Root"].get("/Names", {})


def test_fonts_installed_on_the_machine_do_not_change_the_pdf(tmp_path):
    """The editions' typefaces are declared under names no system font has:
    installing more fonts (here, the very families the PDF uses) changes nothing."""
    from conftest import briefpub, copy_project

    extra = tmp_path / "system-fonts"
    extra.mkdir()
    for face in typefaces.FACES:
        (extra / face.path.name).write_bytes(face.path.read_bytes())
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{extra}</dir>'
        f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>', encoding="utf-8")
    pdfs = []
    for name, env in (("plain", {}), ("more-fonts", {"FONTCONFIG_FILE": str(config)})):
        project = copy_project(tmp_path / name)
        run = briefpub("build", "--lang", "pl", "--format", "pdf", cwd=project.root, env=env)
        assert run.returncode == 0, run.stderr
        pdfs.append((project.output_dir(BRIEF.get("pl"), "pdf") / "ukraine-belarus-brief-pl.pdf").read_bytes())
    assert pdfs[0] == pdfs[1]
