"""The ePub edition: Sphinx's EPUB 3 builder, made into a publication.

What it adds: the package document carries EPUB Accessibility metadata,
derived from the content (a book with images is read visually too, and every
image has its text alternative), and a cover image in the edition's language;
the table of contents is titled as the brief titles its own; and the archive is
byte-for-byte reproducible (sorted entries, timestamps from ``SOURCE_DATE_EPOCH``).
"""

from __future__ import annotations

import html
import textwrap
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.builders.epub3 import Epub3Builder
from sphinx.util import logging

from briefpub.config import THEME_DIR
from briefpub.dates import build_date

logger = logging.getLogger(__name__)

PACKAGE_TEMPLATES = THEME_DIR / "epub3"
ACCESSIBILITY_FEATURES = ("structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability")


def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)


class EpubBuilder(Epub3Builder):
    name = "epub"

    def toc_add_files(self, refnodes: list[dict[str, Any]]) -> None:
        """The brief is one document: its sections are the table of contents."""
        super().toc_add_files(refnodes)
        root = self.config.root_doc
        doctree = self.env.get_doctree(root)
        position = next(i for i, node in enumerate(refnodes) if node["refuri"].startswith(root + self.out_suffix))
        sections = [
            {
                "level": 2,
                "refuri": html.escape(f"{root}{self.out_suffix}#{section['ids'][0]}"),
                "text": html.escape(section[0].astext()),
            }
            for section in doctree.findall(nodes.section)
            if isinstance(section.parent, nodes.section) and section.parent.parent is doctree
        ]
        refnodes[position + 1:position + 1] = sections

    def handle_finish(self) -> None:
        self.guide_titles = {**self.guide_titles, "toc": self.app.briefpub_edition.contents}
        self.write_cover()
        super().handle_finish()

    def write_cover(self) -> None:
        """An SVG cover with the edition's title, in its language."""
        meta = self.app.briefpub_edition
        title_lines = wrap(meta.title, 18)
        context = {
            **self.globalcontext,
            "brief": {"title": meta.title, "date": meta.dateline, "type": meta.type},
            "cover": {
                "title_lines": title_lines,
                "subtitle_lines": wrap(meta.subtitle, 44)[:8],
                "subtitle_top": 470 + len(title_lines) * 112 + 60,
            },
        }
        target = Path(self.outdir) / "_static" / "cover.svg"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.templates.render("cover.svg", context), encoding="utf-8")

    def toc_metadata(self, level: int, navpoints: list) -> dict[str, Any]:
        """The NCX names the book by its identifier (ISBN, DOI or URN), as
        the package does, or EPUBCheck rejects it (NCX-001)."""
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)
        return metadata

    def content_images(self) -> list[nodes.image]:
        """The images of the book's documents; one without a text alternative
        is reported (and, as every warning, stops the edition): the book says
        it conforms to WCAG, which asks for one."""
        docnames = sorted({docname for docnames, _ in self.env.images.values() for docname in docnames})
        found = [image for docname in docnames for image in self.env.get_doctree(docname).findall(nodes.image)]
        for image in found:
            if "alt" not in image:
                logger.warning("the image %s has no text alternative: give it one with the :alt: option",
                               image["uri"], location=image)
        return found

    def content_metadata(self) -> dict[str, Any]:
        """Accessibility metadata as the content is: images make the book
        visual as well as textual, and their text alternatives make the text
        alone sufficient."""
        metadata = super().content_metadata()
        images = bool(self.content_images())
        metadata["published"] = self.config.briefpub_date
        metadata["access_modes"] = ("textual", "visual") if images else ("textual",)
        metadata["access_modes_sufficient"] = ("textual", "textual,visual") if images else ("textual",)
        metadata["accessibility_features"] = ACCESSIBILITY_FEATURES + (("alternativeText",) if images else ())
        metadata["accessibility_summary"] = " ".join(
            self.templates.render("accessibility.html", {**self.globalcontext, "images": images}).split()
        )
        return metadata

    def build_content(self) -> None:
        # Only the package document differs from Sphinx's templates.
        sphinx_templates = self.template_dir
        self.template_dir = PACKAGE_TEMPLATES
        try:
            super().build_content()
        finally:
            self.template_dir = sphinx_templates

    def build_epub(self) -> None:
        """Write the archive so that the same sources give the same bytes."""
        built = build_date(self.app)
        # ZIP cannot store dates before 1980 (SOURCE_DATE_EPOCH may be 0).
        stamp = max(built.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
        outdir = Path(self.outdir)
        target = outdir / f"{self.config.epub_basename}.epub"
        names = ["META-INF/container.xml", "content.opf", "toc.ncx", *sorted(self.files)]
        with zipfile.ZipFile(target, "w") as archive:
            for name in ["mimetype", *names]:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                archive.writestr(info, (outdir / name).read_bytes())
