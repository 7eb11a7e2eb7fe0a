"""The PDF of a publication in chapters is rendered part by part: after a
correction in one chapter only that chapter is rendered again, and the PDF
is the one a build from nothing makes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf

from conftest import REPO, briefpub

REPORT = REPO / "tests" / "fixtures" / "report"
FARMS_PL = Path("locale") / "pl" / "LC_MESSAGES" / "farms.po"


def report_copy(target: Path) -> Path:
    for part in ("docs", "locale"):
        shutil.copytree(REPORT / part, target / part, ignore=shutil.ignore_patterns("*.mo", "_build"))
    return target


def build_pdf(root: Path, code: str = "pl") -> Path:
    run = briefpub("build", "--lang", code, "--format", "pdf", "--root", str(root), cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    return next((root / "_build" / "pdf" / code).glob("*.pdf"))


def parts(root: Path, code: str = "pl") -> set[str]:
    return {path.name for path in (root / "_build" / "pdf" / code / "_parts").glob("*.pdf")}


def built_anew(root: Path, code: str = "pl") -> bytes:
    """The PDF as a build from nothing makes it, in the same place (WeasyPrint
    names images after their address)."""
    shutil.rmtree(root / "_build")
    return build_pdf(root, code).read_bytes()


def correct(root: Path) -> None:
    """A translator's correction in the second chapter (farms)."""
    path = root / FARMS_PL
    text = path.read_text(encoding="utf-8")
    assert "dokłada kolejną porcję" in text
    path.write_text(text.replace("dokłada kolejną porcję", "dodaje kolejną porcję"), encoding="utf-8")


def test_a_correction_renders_its_chapter_again_and_the_pdf_is_as_if_built_anew(tmp_path):
    root = report_copy(tmp_path / "report")
    build_pdf(root)
    before = parts(root)
    assert len(before) == 4  # the front matter and three chapters

    correct(root)
    pdf = build_pdf(root)
    after = parts(root)
    assert len(after) == 4 and len(after - before) == 1, "only the corrected chapter is rendered again"

    assert pdf.read_bytes() == built_anew(root)
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "dodaje kolejną porcję" in " ".join(printed.split())
    with pikepdf.open(pdf) as document:
        assert len(document.pages) > 4


def test_a_part_whose_pages_move_is_rendered_again_with_its_new_numbers(tmp_path):
    """A chapter that grows by pages pushes the chapters after it: they are
    rendered again, to carry their new page numbers, and so is the front
    matter, whose printed contents gives them."""
    root = report_copy(tmp_path / "report")
    build_pdf(root, "en")
    before = parts(root, "en")
    source = root / "docs" / "farms.md"
    text = source.read_text(encoding="utf-8")
    paragraph = ("Nitrogen that the crops do not take up is washed down into the shallow groundwater by autumn "
                 "and winter rain, and the wells nearest the fields receive the most of it.")
    grown = text.replace("## Fertiliser and manure\n", "## Fertiliser and manure\n\n" + "\n\n".join([paragraph] * 40))
    assert grown != text
    source.write_text(grown, encoding="utf-8")
    pdf = build_pdf(root, "en")
    assert len(parts(root, "en") - before) == 3  # the front matter, the grown chapter, the chapter after it
    assert pdf.read_bytes() == built_anew(root, "en")


def test_the_joined_pdf_embeds_each_face_once_with_its_text(tmp_path):
    """Every part embeds its own subsets of the fonts; joined, each face is one
    embedded font, whose glyphs still say what text they show (ligatures too)."""
    root = report_copy(tmp_path / "report")
    pdf = build_pdf(root, "en")
    with pikepdf.open(pdf) as document:
        faces: dict[str, set] = {}
        for page in document.pages:
            for font in page.Resources.Font.values():
                program = font.DescendantFonts[0].FontDescriptor.FontFile2
                faces.setdefault(str(font.BaseFont), set()).add(program.objgen)
    assert len(faces) >= 3 and all(len(programs) == 1 for programs in faces.values()), faces
    printed = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout.split())
    for words in ("arable fields", "a sealed floor", "One well in five"):
        assert words in printed


def test_a_translated_title_reaches_the_running_head_only_as_a_string():
    """The running head is a translation put into a stylesheet: whatever it holds
    (quotes, backslashes, a closing brace, a line break) stays one CSS string."""
    import tinycss2

    from briefpub.editions.pdf_parts import css_string

    hostile = 'Raport "}\\ @import url(x); \n</style>\x00 koniec'
    tokens = [t for t in tinycss2.parse_component_value_list(css_string(hostile)) if t.type != "whitespace"]
    assert [t.type for t in tokens] == ["string"]
    assert tokens[0].value == hostile.replace("\x00", "\ufffd")
