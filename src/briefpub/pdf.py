"""The PDF edition: the brief as one HTML page, printed by WeasyPrint.

A Sphinx builder of its own, so that the PDF is made from the same doctrees,
templates and catalogs as the other editions.  What it guards against:
fonts from the build machine standing in for the declared ones (one
``FontConfiguration`` serves every stylesheet and the PDF), a translation
making WeasyPrint read files outside the build (the URL fetcher refuses them),
and dates that change from one build to the next (``SOURCE_DATE_EPOCH``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.errors import ExtensionError
from sphinx.locale import __
from sphinx.util import logging

from briefpub import pdfua

logger = logging.getLogger(__name__)

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


class PdfBuilder(SingleFileHTMLBuilder):
    name = "pdf"
    epilog = __("The PDF is in %(outdir)s.")

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
        logger.info(__("rendering %s..."), self.pdf_path.name)
        document = weasyprint.HTML(
            filename=outdir / f"{self.config.root_doc}{self.out_suffix}",
            url_fetcher=build_only_fetcher(outdir, refused),
        ).render(font_config=fonts)
        if refused:
            raise ExtensionError(
                "the PDF would have used files outside its build, which are refused: "
                + ", ".join(sorted(set(refused)))
                + " — remove these links from the translation"
            )
        identifier = hashlib.sha256(self.config.epub_uid.encode()).hexdigest()[:32].encode()
        partial = self.pdf_path.with_suffix(".pdf.part")
        document.write_pdf(partial, pdf_variant="pdf/ua-1", pdf_identifier=identifier,
                           finisher=pdfua.describe_links)
        left = pdfua.finish(partial, self.config.language)
        if left:
            logger.warning(__("%s does not claim PDF/UA-1: %s"), self.pdf_path.name, "; ".join(sorted(set(left))))
        partial.replace(self.pdf_path)
