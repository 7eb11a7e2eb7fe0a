"""Only the files a page uses: what Sphinx's HTML builders would publish and
load besides the edition's own stylesheets and fonts, held back at the source.

Sphinx's basic theme brings search scripts, their translations, icons for
collapsible lists and a stylesheet for every kind of documentation page; the
brief's theme does not inherit it (``theme.toml``: ``inherit = "none"``) and
carries the few rules the documents' markup needs itself.  What remains is
the stylesheet of code highlighting, which every HTML builder writes and
links: an edition writes and links it only when its text has code.
"""

from __future__ import annotations

from collections.abc import Set

from docutils import nodes

from briefpub.editions import noting

PYGMENTS_CSS = "pygments.css"


class OnlyUsedAssets:
    """Mixed into the HTML, ePub and PDF builders (:func:`only_used_assets`)."""

    highlights_code = False

    def init_css_files(self) -> None:
        super().init_css_files()
        self._css_files[:] = [css for css in self._css_files if css.filename != f"_static/{PYGMENTS_CSS}"]

    def prepare_writing(self, docnames: Set[str]) -> None:
        self.highlights_code = has_code(self.env)
        if self.highlights_code:
            self.add_css_file(PYGMENTS_CSS, priority=200)
        super().prepare_writing(docnames)

    def create_pygments_style_file(self) -> None:
        if self.highlights_code:
            super().create_pygments_style_file()


CODE = "code"
"""The name under which :mod:`briefpub.editions.noting` keeps whether a document has code."""


def code_in(doctree: nodes.document) -> bool:
    return next(doctree.findall(nodes.literal_block), None) is not None


def has_code(env) -> bool:
    """Whether any document of the edition has a code block to highlight."""
    return any(noting.of_every_document(env, CODE, code_in))


def only_used_assets(builder: type) -> type:
    """``builder`` that publishes and loads only the files its pages use."""
    return type(builder.__name__, (OnlyUsedAssets, builder), {"__doc__": builder.__doc__,
                                                              "__module__": builder.__module__})
