"""The PDF edition: the publication as one HTML page, printed by WeasyPrint.

A Sphinx builder of its own, so that the PDF is made from the same doctrees,
templates and catalogs as the other editions.  What it guards against:
fonts from the build machine standing in for the declared ones (one
``FontConfiguration`` serves every stylesheet and the PDF), a translation
making WeasyPrint read files outside the build (the URL fetcher refuses them),
and dates that change from one build to the next (``SOURCE_DATE_EPOCH``).
WeasyPrint's PDF/UA-1 tagging is finished by ``briefpub.editions.pdfua`` (a finisher
describes the links, a pikepdf step shapes the structure tree); an edition
that still falls short does not claim PDF/UA.

A publication of several documents (a report in chapters) becomes one page
here: every chapter starts a new page, ids are made unique across chapters
(each chapter's footnotes count from 1), references to another chapter are
links within the page, and a printed contents gives every chapter's page.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

from collections.abc import Iterator
from itertools import count

import pikepdf
from docutils import nodes
from sphinx import addnodes
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.errors import ExtensionError
from sphinx.locale import __, get_translation
from sphinx.util import logging
from sphinx.util.display import progress_message

from briefpub.editions import pdf_parts, pdfjoin, pdfua
from briefpub.project.layout import Project

logger = logging.getLogger(__name__)
_ = get_translation("sphinx")
"""The theme's labels (here: "Contents", also in layout.html where `make gettext` finds it)."""

PANGO_HINT = (
    "WeasyPrint cannot load the Pango library it renders text with: install the Debian "
    "packages libpango-1.0-0 and libpangoft2-1.0-0 (sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
)


def load_weasyprint():
    """Import WeasyPrint, turning a missing system library into advice."""
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
    except OSError as error:
        raise ExtensionError(f"{PANGO_HINT} ({error})") from None
    return weasyprint, FontConfiguration


def build_only_fetcher(root: Path, refused: list[str]):
    """A URL fetcher that serves files inside ``root`` and nothing else.

    A catalog is untrusted input: a translation that links to
    ``file:///etc/passwd`` as an attachment, or to any URL on the network,
    must not put that into the PDF.
    """
    from weasyprint.urls import URLFetcher

    root = root.resolve()

    class BuildOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(url2pathname(parts.path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return super().fetch(url, headers)
            refused.append(url)
            raise ValueError(f"refused to fetch {url}: an edition may only use the files of its own build")

    return BuildOnlyFetcher(allowed_protocols=("file", "data"))


class Stylesheets:
    """The stylesheets the PDF's pages link, parsed once for all of them.

    WeasyPrint parses the stylesheets of a page each time it renders one: a
    PDF in forty parts would parse the same four files forty times, a sixth
    of its rendering.  So each page is loaded with its stylesheet links taken
    out, and the sheets, parsed at their first use, are given to WeasyPrint
    instead, in the page's order (as the reader's stylesheets: with no author
    sheet left, the cascade among them is the same).
    """

    def __init__(self, weasyprint, fonts, fetcher):
        self.weasyprint, self.fonts, self.fetcher = weasyprint, fonts, fetcher
        self.parsed: dict[str, object] = {}

    def load(self, path: Path) -> tuple[object, list]:
        """The page at ``path`` without its stylesheet links, and its stylesheets."""
        from weasyprint.css.media_queries import evaluate_media_query

        html = self.weasyprint.HTML(filename=path, url_fetcher=self.fetcher)
        sheets = []
        for parent in html.etree_element.iter():
            for link in [child for child in parent if child.tag == "link"]:
                rel = link.get("rel", "").lower().split()
                if "stylesheet" not in rel or "alternate" in rel or not link.get("href"):
                    continue
                parent.remove(link)
                media = [medium.strip() for medium in (link.get("media", "").strip() or "all").split(",")]
                sheet = self.parse(urljoin(html.base_url, link.get("href"))) if evaluate_media_query(
                    media, "print") else None
                if sheet is not None:
                    sheets.append(sheet)
        return html, sheets

    def parse(self, url: str):
        """The stylesheet at ``url``; None when it cannot be fetched (as
        WeasyPrint leaves out such a link: the fetcher has noted a refusal,
        which the build reports)."""
        from weasyprint.urls import URLFetchingError

        if url not in self.parsed:
            try:
                self.parsed[url] = self.weasyprint.CSS(url=url, url_fetcher=self.fetcher, font_config=self.fonts)
            except URLFetchingError:
                self.parsed[url] = None
        return self.parsed[url]


def with_documents(tree: nodes.document, root: str) -> Iterator[tuple[nodes.Element, str]]:
    """Every element of the assembled page, with the name of the document it comes from."""
    def walk(node: nodes.Element, docname: str) -> Iterator[tuple[nodes.Element, str]]:
        if isinstance(node, addnodes.start_of_file):
            docname = node["docname"]
        yield node, docname
        for child in node.children:
            if isinstance(child, nodes.Element):
                yield from walk(child, docname)

    return walk(tree, root)


DOCUMENT_ANCHOR = "#document-"
"""How Sphinx's single page addresses a document (its writer puts an empty
``<span id="document-name">`` where the document begins)."""


def link_within_page(tree: nodes.document, root: str) -> None:
    """Make the ids of the assembled page unique and every reference a link within it.

    A document's ids are unique only within it: two chapters' first footnotes
    are both ``id1``, so the backlink of one would jump to the other.  The
    first element with an id keeps it; a later one from another document is
    renamed after its document.  References then follow their target: ids
    within a document, and the URIs ``#document-water#sec-nitrates`` that
    Sphinx 9 gives references to another document (sphinx-doc/sphinx#14221,
    which no reader resolves) become ``#sec-nitrates``, or the id of the
    document's first section when they name the document alone.
    """
    elements = list(with_documents(tree, root))
    taken = {DOCUMENT_ANCHOR[1:] + node["docname"] for node, _ in elements
             if isinstance(node, addnodes.start_of_file)}
    renamed: dict[tuple[str, str], str] = {}
    beginnings: dict[str, str] = {}
    for node, docname in elements:
        ids = []
        for old in node.get("ids", []):
            new, base = old, nodes.make_id(f"{docname}-{old}")
            for number in count(1):
                if new not in taken:
                    break
                new = base if number == 1 else f"{base}-{number}"
            taken.add(new)
            renamed.setdefault((docname, old), new)
            ids.append(new)
        if ids:
            node["ids"] = ids
        if isinstance(node, nodes.section) and ids:
            beginnings.setdefault(docname, ids[0])

    for node, docname in elements:
        if "refid" in node:
            node["refid"] = renamed.get((docname, node["refid"]), node["refid"])
        if node.get("backrefs"):
            node["backrefs"] = [renamed.get((docname, backref), backref) for backref in node["backrefs"]]
        refuri = node.get("refuri", "")
        if refuri.startswith(DOCUMENT_ANCHOR):
            target, _, fragment = refuri[len(DOCUMENT_ANCHOR):].partition("#")
            anchor = renamed.get((target, fragment), fragment) if fragment else beginnings.get(target)
            if anchor:
                node["refuri"] = f"#{anchor}"


def printed_contents(tree: nodes.document) -> None:
    """Mark each chapter (a document the root's toctree includes) and list
    them, with their sections, before the first one; the print styles start
    every chapter on a new page and give each entry its page number."""
    starts = list(pdf_parts.chapter_starts(tree))
    chapters = [section for _, start in starts if (section := _first_section(start)) is not None]
    if not chapters:
        return
    listing = nodes.bullet_list()
    for chapter in chapters:
        chapter["classes"].append("chapter")
        item = _contents_entry(chapter)
        sections = [child for child in chapter.children if isinstance(child, nodes.section)]
        if sections:
            item += nodes.bullet_list("", *map(_contents_entry, sections))
        listing += item
    contents = nodes.topic("", nodes.title("", _("Contents")), listing, classes=["contents", "printed-contents"])
    parent, first = starts[0]
    parent.insert(parent.index(first), contents)


def _first_section(node: nodes.Element) -> nodes.section | None:
    return next((child for child in node.children if isinstance(child, nodes.section)), None)


def _contents_entry(section: nodes.section) -> nodes.list_item:
    title = next(child for child in section.children if isinstance(child, nodes.title))
    link = nodes.reference("", title.astext(), refid=section["ids"][0], internal=True)
    return nodes.list_item("", nodes.paragraph("", "", link))


class PdfBuilder(SingleFileHTMLBuilder):
    name = "pdf"
    epilog = __("The PDF is in %(outdir)s.")
    html_scaled_image_link = False
    """A scaled image is not a link to its file: on paper there is nothing to open."""

    parts: list[pdf_parts.Part] = []
    writing: pdf_parts.Part | None = None
    page_context: dict | None = None

    def assemble_doctree(self) -> nodes.document:
        tree = super().assemble_doctree()
        link_within_page(tree, self.config.root_doc)
        printed_contents(tree)
        return tree

    def write_documents(self, _docnames) -> None:
        """Write the assembled page, cut into its parts (:mod:`briefpub.editions.pdf_parts`):
        the page itself when the publication has no chapters."""
        root = self.config.root_doc
        self.prepare_writing(self.env.all_docs.keys())
        self.page_context = None
        with progress_message(__("assembling single document"), nonl=False):
            doctree = self.assemble_doctree()
            self.env.toc_secnumbers = self.assemble_toc_secnumbers()
            self.env.toc_fignumbers = self.assemble_toc_fignumbers()
        self.running_head = next(iter(doctree.findall(nodes.title)), nodes.title()).astext()
        with progress_message(__("writing")):
            self.write_doc_serialized(root, doctree)
            self.parts = pdf_parts.split(doctree, root)
            for part in self.parts:
                self.writing = part
                self.write_doc(root, part.doctree)
            self.writing = None

    def get_output_path(self, page_name: str, /) -> Path:
        if self.writing is not None:
            return Path(self.outdir) / self.writing.file
        return super().get_output_path(page_name)

    def get_doc_context(self, docname: str, body: str, metatags: str) -> dict:
        """The context of the single page, or of a part: the single-page
        builder's, whose table of contents of the whole publication is made
        once for all the parts (the same for each)."""
        if self.page_context is None:
            self.page_context = super().get_doc_context(docname, body, metatags)
        context = {**self.page_context, "body": body, "metatags": metatags}
        part = self.writing
        context["pdf_part"] = {"first": part is None or part.first, "last": part is None or part.last}
        return context

    def finish(self) -> None:
        super().finish()
        self.write_pdf()

    @property
    def pdf_path(self) -> Path:
        return Path(self.outdir) / f"{self.config.epub_basename}.pdf"

    def write_pdf(self) -> None:
        weasyprint, FontConfiguration = load_weasyprint()
        outdir = Path(self.outdir)
        refused: list[str] = []
        fonts = FontConfiguration()
        fetcher = build_only_fetcher(outdir, refused)
        stylesheets = Stylesheets(weasyprint, fonts, fetcher)
        identifier = hashlib.sha256(self.config.epub_uid.encode()).hexdigest()[:32].encode()
        options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": identifier, "finisher": pdfua.describe_links}
        partial = self.pdf_path.with_suffix(".pdf.part")
        logger.info(__("rendering %s..."), self.pdf_path.name)

        def render(html: Path, stylesheet: str, target: Path | None) -> tuple[int, dict, list]:
            """Render ``html`` into ``target``: its pages, anchors and bookmarks
            (without a target, it is only laid out: its pages)."""
            page, sheets = stylesheets.load(html)
            if stylesheet:
                sheets.append(weasyprint.CSS(string=stylesheet, font_config=fonts))
            document = page.render(font_config=fonts, stylesheets=sheets)
            check_refused(refused)
            if target is None:
                return len(document.pages), {}, []
            document.write_pdf(target, **options)
            if len(self.parts) > 1:
                pdfjoin.prepare(target, outdir)
            anchors: dict[str, int] = {}
            for number, page in enumerate(document.pages):
                for name in page.anchors:  # an element over several pages is anchored on each
                    anchors.setdefault(name, number)
            return len(document.pages), anchors, pdfjoin.bookmarks_of(document)

        if len(self.parts) <= 1:
            render(outdir / f"{self.config.root_doc}{self.out_suffix}", "", partial)
            document = pikepdf.open(partial, allow_overwriting_input=True)
        else:
            renderer = pdf_parts.PartRenderer(outdir, render)
            renderings = pdf_parts.render_parts(self.parts, self.running_head, renderer)
            renderer.forget_others(renderings)
            logger.info(__("%d of %d parts rendered, the others unchanged"), renderer.rendered, len(self.parts))
            document = pdfjoin.join([(r.pdf, r.bookmarks) for r in renderings], outdir,
                                    Project(Path(self.srcdir).parent).font_subsets_dir)
        with document:
            left = pdfua.finish(document, self.config.language, shaped=len(self.parts) > 1)
            pdfua.save(document, partial)
        if left:
            logger.warning(__("%s does not claim PDF/UA-1: %s"), self.pdf_path.name, "; ".join(sorted(set(left))))
        partial.replace(self.pdf_path)


def check_refused(refused: list[str]) -> None:
    if refused:
        raise ExtensionError(
            "the PDF would have used files outside its build, which are refused: "
            + ", ".join(sorted(set(refused)))
            + " — remove these links from the translation"
        )
