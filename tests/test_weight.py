"""Light editions: what a reader downloads, measured in Chromium on the
published release; the fonts published once, as subsets that still cover
every character of the pages; nothing published that no page uses."""

from __future__ import annotations

import re
import sys
import zipfile
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from briefpub.project import typefaces
from conftest import BRIEF, briefpub, declare

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import weight  # noqa: E402 - the benchmark's own measure

UNUSED = ("searchtools.js", "doctools.js", "sphinx_highlight.js", "documentation_options.js", "language_data.js",
          "file.png", "plus.png", "minus.png", "basic.css", "pygments.css")


class _Text(HTMLParser):
    """The characters a page shows (its text and the attributes read aloud or shown)."""

    def __init__(self) -> None:
        super().__init__()
        self.chars: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        for name, value in attrs:
            if name in ("alt", "title", "aria-label") and value:
                self.chars.update(value)

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.chars.update(data)


def shown(markup: str) -> set[str]:
    parser = _Text()
    parser.feed(markup)
    return {c for c in parser.chars if not c.isspace() or c == "\u00a0"}


def cmap(data: bytes) -> set[str]:
    return {chr(code) for code in TTFont(BytesIO(data)).getBestCmap()}


@pytest.fixture(scope="module")
def loads(release, chromium, site):
    paths = weight.pages(release)
    editions = [p for p in paths if p.count("/") == 2]
    return weight.first_visits(chromium, site(), paths), weight.next_visits(chromium, site(), editions), editions


def test_every_html_edition_weighs_at_most_100_kb_on_a_first_visit(loads):
    first, _, editions = loads
    assert len(editions) == len(BRIEF.languages)
    for path in editions:
        load = first[path]
        assert load.total <= weight.HTML_LIMIT, f"{path}: {load.total} bytes: {load.files}"
        assert any(url.endswith(".woff2") for url in load.files), "the page is set in its own fonts"
        assert not [url for url in load.files if url.endswith(".ttf")]


def test_switching_language_downloads_no_font_again(loads):
    first, after, editions = loads
    for path in editions[1:]:
        fonts_again = {url: size for url, size in after[path].files.items() if "/_fonts/" in url}
        # At most revalidated from the cache (a 304 of some hundred bytes), never downloaded again.
        assert all(size < 1024 for size in fonts_again.values()), fonts_again
        assert after[path].total < first[path].total / 2


def test_fonts_are_published_once_for_every_edition_and_landing_page(release):
    shared = release / "html" / "_fonts"
    woff2 = sorted(p.name for p in shared.glob("*.woff2"))
    assert woff2 and not list(release.rglob("*.ttf")), "only WOFF2 subsets, only in html/_fonts/"
    for code in BRIEF.codes:
        assert not (release / "html" / code / "_static" / "fonts").exists()
    for page in (release / "index.html", release / "html" / "index.html", *(release / "html").glob("*/index.html")):
        assert re.search(r'<link rel="stylesheet" href="(\.\./)*(html/)?_fonts/fonts\.css"',
                         page.read_text(encoding="utf-8")), page
    css = (shared / "fonts.css").read_text(encoding="utf-8")
    assert css.count("font-display: swap") == css.count("@font-face") > 0
    assert 'format("woff2")' in css and "truetype" not in css
    # Only the faces a page uses are published: the brief has no italic or bold text.
    assert woff2 == ["PT_Sans-Web-Bold.woff2", "PT_Sans-Web-Regular.woff2", "PT_Serif-Web-Regular.woff2"]


def test_every_page_preloads_its_body_face(brief_html):
    for code, page in brief_html.items():
        markup = page.read_text(encoding="utf-8")
        preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2" crossorigin', markup)
        assert preloads and preloads[0] == "../_fonts/PT_Serif-Web-Regular.woff2", (code, preloads)
        # Preloaded before the stylesheets, so that the fonts are on their way at once.
        assert markup.index('rel="preload"') < markup.index('rel="stylesheet"')


def test_the_subsets_cover_every_character_of_every_page(release):
    shared = release / "html" / "_fonts"
    covered = {name: cmap(path.read_bytes()) for name, path in ((p.name, p) for p in shared.glob("*.woff2"))}
    full = cmap(typefaces.FACES[0].path.read_bytes())
    assert len(covered["PT_Serif-Web-Regular.woff2"]) < len(full) / 2, "a subset, not the whole font"
    for page in [release / "index.html", *(release / "html").rglob("*.html")]:
        text = shown(page.read_text(encoding="utf-8"))
        for name, chars in covered.items():
            assert not text - chars, f"{page.relative_to(release)}: {name} lacks {''.join(sorted(text - chars))}"


def test_no_file_is_published_that_no_page_uses(release):
    published = {path.name for path in release.rglob("*") if path.is_file()}
    assert not published & set(UNUSED)
    for css in release.rglob("*.css"):
        assert "@import" not in css.read_text(encoding="utf-8"), css
    for epub in release.glob("*.epub"):
        with zipfile.ZipFile(epub) as archive:
            assert not {Path(name).name for name in archive.namelist()} & set(UNUSED), epub.name


@pytest.mark.parametrize("code", BRIEF.codes)
def test_each_epub_carries_subsets_of_its_own_text_in_150_kb(release, code):
    epub = release / f"{BRIEF.name}-{code}.epub"
    assert epub.stat().st_size <= weight.EPUB_LIMIT
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        faces = [name for name in names if name.startswith("_static/fonts/")]
        assert faces and all(name.endswith(".ttf") for name in faces)
        text = set()
        for name in names:
            if name.endswith(".xhtml"):
                text |= shown(archive.read(name).decode("utf-8"))
        css = archive.read("_static/fonts.css").decode("utf-8")
        for face in faces:
            chars = cmap(archive.read(face))
            assert Path(face).name in css
            assert not text - chars, f"{face} lacks {''.join(sorted(text - chars))}"
            assert len(chars) < 400, "a subset of the edition's letters, not the whole font"


def test_the_pdfs_stay_as_small_as_they_were(release):
    for pdf in release.glob("*.pdf"):
        assert pdf.stat().st_size <= weight.PDF_LIMIT, pdf.name


def build_html(root: Path) -> None:
    for args in (("update",), ("build", "--format", "html")):
        run = briefpub(*args, "--root", str(root), cwd=root)
        assert run.returncode == 0, run.stdout + run.stderr


def test_highlighting_styles_come_only_with_code(tmp_path):
    """pygments.css is written and linked only by an edition whose text has code."""
    declare(tmp_path, source="en", langs=("en",), name="code")
    (tmp_path / "docs" / "index.md").write_text(
        "# Code\n\nSome text, in *italics*.\n\n```python\nprint('hello')\n```\n", encoding="utf-8")
    build_html(tmp_path)
    edition = tmp_path / "_build" / "html" / "en"
    assert (edition / "_static" / "pygments.css").is_file()
    assert 'href="_static/pygments.css' in (edition / "index.html").read_text(encoding="utf-8")
    # Italics in the text: the italic face is shipped too.
    assert (tmp_path / "_build" / "html" / "_fonts" / "PT_Serif-Web-Italic.woff2").is_file()
    (tmp_path / "docs" / "index.md").write_text("# Code\n\nNo code any more.\n", encoding="utf-8")
    build_html(tmp_path)
    assert "pygments.css" not in (edition / "index.html").read_text(encoding="utf-8")
