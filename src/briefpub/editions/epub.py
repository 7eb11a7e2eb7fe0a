"""The ePub edition: Sphinx's EPUB 3 builder, made into a publication.

What it adds: the package document carries EPUB Accessibility metadata,
derived from the content (a book with images is read visually too, and every
image has its text alternative), and a cover in the edition's language, its
words drawn as outlines (:mod:`briefpub.editions.cover`); the table of contents is
titled as the brief titles its own, and its navigation document carries the
ARIA role of its ``epub:type`` (Ace by DAISY checks both); and the archive is
byte-for-byte reproducible (sorted entries, timestamps from ``SOURCE_DATE_EPOCH``).
"""

from __future__ import annotations

import hashlib
import html
import json
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.builders.epub3 import Epub3Builder
from sphinx.util import logging

from briefpub.editions import cover
from briefpub.editions.sphinxext import edition_language, publication
from briefpub.project.config import THEME_DIR
from briefpub.project.dates import build_date

logger = logging.getLogger(__name__)

PACKAGE_TEMPLATES = THEME_DIR / "epub3"
ACCESSIBILITY_FEATURES = ("structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability")


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
        """The cover: the edition's kind, title, subtitle, authors, publisher
        and date, in its language, drawn in the publication's typefaces;
        kept beside the doctrees by what it is drawn from, since laying out
        its words with the fonts' metrics takes longer than a rebuild's pages."""
        meta = self.app.briefpub_edition
        language = edition_language(self.app)
        fontset = publication(self.app).fonts(language)
        words = {"language": language.code, "kind": meta.type, "title": meta.title, "subtitle": meta.subtitle,
                 "authors": meta.authors, "publisher": meta.publisher, "dateline": meta.dateline}
        stats = [(str(face.path), face.path.stat()) for face in fontset.faces()]
        files = [(path, stat.st_size, stat.st_mtime_ns) for path, stat in stats]
        made_from = [words, Path(cover.__file__).read_text(encoding="utf-8"), files]
        key = hashlib.sha256(json.dumps(made_from, sort_keys=True).encode()).hexdigest()[:32]
        kept = Path(self.doctreedir) / f"cover-{key}.svg"
        if not kept.is_file():
            for old in Path(self.doctreedir).glob("cover-*.svg"):
                old.unlink()
            partial = kept.with_suffix(".part")
            partial.write_text(cover.render(fontset, **words), encoding="utf-8")
            partial.replace(kept)
        target = Path(self.outdir) / "_static" / "cover.svg"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(kept.read_bytes())

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

    @contextmanager
    def own_templates(self):
        """The package document and the navigation document come from
        briefpub's templates; the rest from Sphinx's."""
        sphinx_templates = self.template_dir
        self.template_dir = PACKAGE_TEMPLATES
        try:
            yield
        finally:
            self.template_dir = sphinx_templates

    def build_content(self) -> None:
        with self.own_templates():
            super().build_content()

    def build_navigation_doc(self) -> None:
        with self.own_templates():
            super().build_navigation_doc()

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
