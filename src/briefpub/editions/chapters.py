"""A publication of several documents: how the HTML edition's pages lead to each other.

The root document's toctree names the chapters, in reading order.  Every page
of such an HTML edition then lists them (the publication's title first, the
page being read marked) and links to the previous and next page, which Sphinx
already knows from the toctree.  The theme (``layout.html``) shows both, with
labels in the edition's language.  A publication of one document, like the
brief, has no toctree and so no navigation at all.

The PDF edition makes its own contents (:mod:`briefpub.editions.pdf`), the ePub's
reading system its own from the package's navigation document.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from briefpub import __version__


def chapters(app: Sphinx, pagename: str, pathto) -> list[dict[str, Any]]:
    """The root document and the documents its toctrees include, each with
    its title, its link from ``pagename`` and whether it is that page; empty
    for a publication of one document."""
    env, root = app.env, app.config.root_doc
    included = env.toctree_includes.get(root, [])
    if not included:
        return []
    return [
        {"title": env.titles[docname].astext(), "href": pathto(docname), "current": docname == pagename}
        for docname in (root, *included)
        if docname in env.titles
    ]


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.name != "html":
        return
    context["chapters"] = chapters(app, pagename, context["pathto"])


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", page_context)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
