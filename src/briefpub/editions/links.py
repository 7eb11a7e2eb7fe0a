"""What an edition may point to, checked in the doctree of every edition.

Whatever put it there — the source, a catalog, a Sphinx role — a reference
that survives into an edition (an HTML or ePub link, a PDF link action) goes
to ``http``, ``https`` or ``mailto``, or somewhere inside the publication;
nothing else.  Files an edition carries (``:download:``, images) are files of
the source folder, and a remote image is never downloaded into an ePub or a
PDF.  Markup docutils could not make sense of (``problematic`` nodes) is an
error on every run, also when the doctree comes from the cache.

Each offending node is reported at its location and taken out of the doctree,
so that even the files of a failed build hold nothing of it.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from briefpub import __version__
from briefpub.editions.sandbox import drop

logger = logging.getLogger(__name__)

SCHEMES = frozenset({"http", "https", "mailto"})
"""Where a link may go outside the publication."""

FILE_FOLDERS = ("_downloads/", "_images/")
"""Where Sphinx puts the files an edition carries, beside its pages."""

EMBEDDING_BUILDERS = frozenset({"epub", "pdf"})
"""Editions that carry their images inside themselves: a remote image would
have to be fetched while building."""

SINGLE_FILE_BUILDERS = frozenset({"pdf"})
"""Editions that are one file: they carry no downloads, and a link to one
would become a ``file://`` link to the build machine."""

_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f]")
"""What browsers strip from a URL before reading its scheme (``java\\tscript:``)."""


def refuse(node: nodes.Element, what: str, advice: str) -> None:
    logger.warning("%s: %s", what, advice, location=node, type="briefpub", subtype="links")
    if isinstance(node, (nodes.system_message, nodes.problematic)):
        node.replace_self(nodes.inline(ids=node["ids"]) if node.get("ids") else [])  # not even its words
    else:
        drop(node)


# --- when a document is read: files of the source only ---------------------------------


def outside_source(app: Sphinx, docname: str, target: str) -> bool:
    """Whether a file an edition would carry is outside the source folder."""
    _, absolute = app.env.relfn2path(target, docname)
    return not Path(absolute).resolve().is_relative_to(Path(app.srcdir).resolve())


def check_files(app: Sphinx, doctree: nodes.document) -> None:
    """Downloads and images name files of the source folder (runs before
    Sphinx's collectors note them for copying)."""
    docname = app.env.current_document.docname
    for node in list(doctree.findall(addnodes.download_reference)):
        target = node.get("reftarget", "")
        if "://" in target or outside_source(app, docname, target):
            refuse(node, f"the download {target!r} is not a file of the source folder",
                   "an edition offers only files of docs/; copy the file there or remove the link")
    for node in list(doctree.findall(nodes.image)):
        uri = node.get("uri", "")
        if "://" in uri or uri.startswith("data:"):
            continue  # judged per edition (RemoteImages, check_references)
        if outside_source(app, docname, uri):
            refuse(node, f"the image {uri!r} is not a file of the source folder",
                   "an edition shows only images of docs/; copy the image there or remove it")


# --- before Sphinx would download remote images -------------------------------------------


class RemoteImages(SphinxPostTransform):
    """A remote image in an ePub or PDF edition is an error, never a download
    (Sphinx's ``ImageDownloader`` runs at priority 100; WeasyPrint would fetch
    it for the PDF)."""

    default_priority = 90

    def run(self, **kwargs: Any) -> None:
        if self.app.builder.name not in EMBEDDING_BUILDERS and self.app.builder.supported_remote_images:
            return
        for node in list(self.document.findall(nodes.image)):
            if "://" in node.get("uri", ""):
                refuse(node, f"the remote image {node['uri']!r} is not downloaded into the "
                       f"{self.app.builder.name} edition",
                       "a build fetches nothing from the network; save the image in docs/ and refer to it there")


# --- once the doctree is resolved, in every edition -------------------------------------


def external_scheme(uri: str) -> str | None:
    """The scheme a browser would see in ``uri`` (lower case), or None."""
    scheme = urlsplit(_INVISIBLE.sub("", uri)).scheme
    return scheme.lower() or None


def in_publication(app: Sphinx, pagename: str, uri: str) -> bool:
    """Whether a relative ``uri`` on the page ``pagename`` names a page of
    this edition, a file it carries, or a place on the page itself."""
    if _INVISIBLE.search(uri):
        return False
    parts = urlsplit(uri)
    if parts.scheme or parts.netloc or parts.path.startswith("/"):
        return False
    if not parts.path:
        return True
    here = posixpath.dirname(app.builder.get_target_uri(pagename))
    target = posixpath.normpath(posixpath.join(here, parts.path))
    if target.startswith("../") or target == "..":
        return False
    pages = {app.builder.get_target_uri(doc).partition("#")[0] for doc in app.env.all_docs}
    return target in pages or target.startswith(FILE_FOLDERS)


def allowed_link(app: Sphinx, pagename: str, uri: str) -> bool:
    scheme = external_scheme(uri)
    if scheme is None:
        return in_publication(app, pagename, uri)
    return scheme in SCHEMES and not _INVISIBLE.search(uri.strip())


def check_references(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Every link, image and leftover of broken markup of the page, as the
    edition's writer is about to write it."""
    for node in list(doctree.findall(nodes.Element)):
        if node.parent is None and node is not doctree:
            continue  # taken out with an ancestor
        if isinstance(node, addnodes.download_reference) and app.builder.name in SINGLE_FILE_BUILDERS:
            drop(node)  # the words stay; the file is offered by the other editions
        elif isinstance(node, (nodes.reference, nodes.target)) and "refuri" in node:
            if not allowed_link(app, docname, node["refuri"]):
                refuse(node, f"the link {node['refuri']!r} leads neither to the web nor into the publication",
                       "links may use http, https or mailto, or name a part of the publication; "
                       "remove or correct it")
        elif isinstance(node, nodes.image):
            uri = node.get("uri", "")
            scheme = external_scheme(uri) if "://" in uri or ":" in uri.split("/")[0] else None
            if scheme is not None and (scheme not in ("http", "https") or app.builder.name in EMBEDDING_BUILDERS):
                refuse(node, f"the image {uri!r} is not a file of the edition",
                       "an edition shows images of docs/ or, on the web, from http(s) addresses; remove it")
        elif isinstance(node, nodes.problematic):
            refuse(node, f"markup that could not be read: {node.astext()!r}",
                   "fix the markup (an undefined substitution or reference, an unbalanced role)")
        elif isinstance(node, nodes.system_message):
            refuse(node, f"a problem in the markup: {node.astext()!r}", "fix the markup")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", check_files, priority=400)
    app.add_post_transform(RemoteImages)
    app.connect("doctree-resolved", check_references)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
