"""Translated messages, parsed as the untrusted input they are.

Sphinx applies a catalog by parsing each msgstr again with the document's own
parser and settings (``sphinx.transforms.i18n.Locale``), so whatever markup a
translator writes runs with the powers of the publisher's source: a
``literalinclude`` of ``/proc/self/environ``, a ``raw`` block fetched from a
URL, a ``:download:`` of ``/etc/passwd``.  The catalog checks refuse such
markup; this extension makes sure that, even past them, it does nothing:

- a msgstr is parsed with docutils' ``file_insertion_enabled`` and
  ``raw_enabled`` off (the source document keeps both);
- a translated message may point only where its source message points: links,
  images, downloads and cross-references it adds are errors and are dropped;
- errors in a translation name the catalog's file and line, not
  ``docs/index.md:14:<translated>``.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.transforms.i18n import Locale
from sphinx.util import logging as sphinx_logging
from sphinx.util.i18n import CatalogRepository, docname_to_domain
from sphinx.util.nodes import extract_messages

from briefpub import __version__

logger = sphinx_logging.getLogger(__name__)

TRANSLATED = ":<translated>"
"""How Sphinx names the document a msgstr is parsed into (``docs/index.md:14:<translated>``)."""

RESTRICTED_SETTINGS = {"file_insertion_enabled": False, "raw_enabled": False}
"""Docutils settings for parsing a msgstr: no directive may read a file or a
URL (``include``, ``literalinclude``, ``csv-table :file:/:url:``, ``raw
:file:/:url:``), and no raw content passes at all."""


# --- what a message points to ----------------------------------------------------------


def pointers(node: nodes.Node) -> Iterator[tuple[nodes.Element, tuple[str, str]]]:
    """Every node under ``node`` that points somewhere or carries content the
    writer passes through, with what it points to as ``(kind, target)``."""
    for found in node.findall(nodes.Element):
        if isinstance(found, addnodes.download_reference):
            yield found, ("download", found.get("reftarget", ""))
        elif isinstance(found, addnodes.pending_xref):
            yield found, ("cross-reference", f"{found.get('reftype', '')}:{found.get('reftarget', '')}")
        elif isinstance(found, (nodes.reference, nodes.target)) and "refuri" in found:
            yield found, ("link", found["refuri"])
        elif isinstance(found, nodes.image):
            yield found, ("image", found.get("uri", ""))
        elif isinstance(found, nodes.raw):
            yield found, ("raw content", found.get("format", ""))


def drop(node: nodes.Element) -> None:
    """Take a pointer out of the doctree, keeping the words a reader sees
    (and the ids others refer to)."""
    if isinstance(node, nodes.target):
        del node["refuri"]
        return
    keep: list[nodes.Node] = list(node.children)
    if isinstance(node, nodes.image):
        keep = [nodes.Text(node["alt"])] if node.get("alt") and isinstance(node.parent, nodes.TextElement) else []
    elif isinstance(node, nodes.raw):
        keep = []
    if node.get("ids") and isinstance(node.parent, nodes.TextElement):
        keep = [nodes.inline("", "", *keep, ids=node["ids"])]
    elif node.get("ids"):
        keep = [nodes.container("", *keep, ids=node["ids"])]
    node.replace_self(keep)


# --- the catalog behind a translated message -----------------------------------------


def catalog_entries(srcdir: Path, config: Config, docname: str) -> dict[str, str]:
    """``msgid → "path:line"`` for the catalog that translates ``docname``
    (paths relative to the project, as `briefpub check` prints them)."""
    domain = docname_to_domain(docname, config.gettext_compact)
    repo = CatalogRepository(srcdir, config.locale_dirs, config.language, config.source_encoding)
    for catalog in repo.catalogs:
        if catalog.domain != domain:
            continue
        path = Path(catalog.po_path)
        try:
            with path.open("rb") as file:
                entries = read_po(file, charset="utf-8")
        except Exception:  # an unreadable catalog: the checks name it; errors keep Sphinx's location
            return {}
        shown = display_path(srcdir, config, path)
        return {
            message.id: f"{shown}:{message.lineno}" for message in entries
            if isinstance(message.id, str) and message.string and message.string != message.id and not message.fuzzy
        }
    return {}


def display_path(srcdir: Path, config: Config, path: Path) -> str:
    """A catalog's path as the translator knows it, relative to the project:
    ``locale/pl/LC_MESSAGES/index.po``, also when the build reads it from a
    release's snapshot of the catalogs (``briefpub_catalog_origin``)."""
    srcdir = Path(srcdir)
    root = srcdir.parent.resolve()
    catalogs = (srcdir / config.locale_dirs[0]).resolve()
    origin = (srcdir / (config.briefpub_catalog_origin or config.locale_dirs[0])).resolve()
    path = path.resolve()
    if path.is_relative_to(catalogs):
        path = origin / path.relative_to(catalogs)
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


# --- the transform ------------------------------------------------------------------


class SandboxedLocale(Locale):
    """Sphinx's ``Locale`` transform, with the msgstrs parsed without file
    insertion or raw content, and translations held to their source's pointers."""

    def apply(self, **kwargs: Any) -> None:
        document = self.document
        messages = list(extract_messages(document))
        allowed = {id(node): {target for _, target in pointers(node)} for node, _ in messages}
        note_origins(self.env, self.config, document, messages)
        settings = document.settings
        restricted = copy.copy(settings)
        for name, value in RESTRICTED_SETTINGS.items():
            setattr(restricted, name, value)
        document.settings = restricted
        try:
            super().apply(**kwargs)
        finally:
            document.settings = settings
        for node, msgid in messages:
            if node.get("translated"):
                refuse_new_pointers(node, allowed[id(node)])
                refuse_lost_text(node, msgid)


def refuse_new_pointers(node: nodes.Element, allowed: set[tuple[str, str]]) -> None:
    for found, (kind, target) in list(pointers(node)):
        if (kind, target) in allowed:
            continue
        logger.warning("the translation adds %s %r, which its source message does not have: "
                       "a translation may only link, show and offer what its source does; "
                       "remove it from the msgstr", kind, target, location=node, type="briefpub", subtype="sandbox")
        drop(found)


def refuse_lost_text(node: nodes.Element, msgid: str) -> None:
    """Sphinx keeps only the first block a msgstr parses into, and only its
    words: a msgstr that starts with a directive or a fence leaves the
    paragraph empty, silently.  That is a translation not published."""
    if msgid.strip() and not node.astext().strip():
        logger.warning("the translation has no text: it is block markup (a directive, a fence, a table) where "
                       "its source is text, and Sphinx would publish nothing of it; write the translation as "
                       "text with the markup of its source", location=node, type="briefpub", subtype="sandbox")


# --- errors at the catalog's line ------------------------------------------------------


def note_origins(env: BuildEnvironment, config: Config, document: nodes.document, messages) -> None:
    """Remember, for each line of the source that has a translated message,
    the catalog entry it came from: warnings about ``index.md:14:<translated>``
    are then shown at that entry."""
    docname = env.current_document.docname
    entries = catalog_entries(env.srcdir, config, docname)
    source = document["source"]
    init_origins(None, env)
    origins = env.briefpub_translation_origins.setdefault(docname, {})
    origins.clear()
    for node, msgid in messages:
        if node.line and msgid in entries:
            origins.setdefault(f"{source}:{node.line}", entries[msgid])


DISABLED = re.compile(r"disabled|deactivated", re.IGNORECASE)
"""Docutils' words for markup refused under :data:`RESTRICTED_SETTINGS`."""
DISABLED_ADVICE = "a translation may not insert files, URLs or raw content; remove this markup from the msgstr"
_WARNING_TYPE = re.compile(r"(.*?)( \[[\w.-]+\])?$", re.DOTALL)
"""A warning's text and the ``[type.subtype]`` Sphinx appends to it."""
_LOCATION = re.compile(r"^(?P<source>.+?:\d+)(?P<translated>" + re.escape(TRANSLATED) + r"(?::\d+)?)?$")


class CatalogLocations(logging.Filter):
    """Show a warning about a translated message at its catalog entry
    (``locale/pl/LC_MESSAGES/index.po:57``), with the source line it
    translates, and each such warning once (Sphinx parses a msgstr twice).

    A warning on a source line whose message is translated is the
    translation's: the source alone builds without warnings."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__()
        self.app = app
        self.seen: set[tuple[str, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        location = getattr(record, "location", None)
        if not isinstance(location, str):
            return True
        match = _LOCATION.match(location)
        if match is None:
            return True
        source = match["source"]
        origins = getattr(self.app.env, "briefpub_translation_origins", {})
        entry = next((found[source] for found in origins.values() if source in found), None)
        if entry is None and not match["translated"]:
            return True  # the source's own markup
        message, suffix = _WARNING_TYPE.match(str(record.msg)).groups()
        notes = f": {DISABLED_ADVICE}" if DISABLED.search(message) else ""
        if entry is not None:
            record.location = entry
            notes += f" (in the translation of {self.relative(source)})"
        record.msg = f"{message}{notes.replace('%', '%%') if record.args else notes}{suffix or ''}"
        key = (record.location, record.getMessage())
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def relative(self, source: str) -> str:
        root = Path(self.app.srcdir).parent
        path, _, line = source.rpartition(":")
        try:
            return f"{Path(path).resolve().relative_to(root.resolve()).as_posix()}:{line}"
        except ValueError:
            return source


def install_catalog_locations(app: Sphinx) -> None:
    for handler in logging.getLogger(sphinx_logging.NAMESPACE).handlers:
        if isinstance(handler, sphinx_logging.WarningStreamHandler):
            handler.addFilter(CatalogLocations(app))


def init_origins(app: Sphinx | None, env: BuildEnvironment, *args: Any) -> None:
    if not hasattr(env, "briefpub_translation_origins"):
        env.briefpub_translation_origins = {}


def purge_origins(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "briefpub_translation_origins", {}).pop(docname, None)


def merge_origins(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    init_origins(app, env)
    for docname in docnames:
        if docname in getattr(other, "briefpub_translation_origins", {}):
            env.briefpub_translation_origins[docname] = other.briefpub_translation_origins[docname]


def replace_locale_transform(app: Sphinx) -> None:
    transforms = app.registry.transforms
    if Locale not in transforms:
        raise ExtensionError("briefpub.editions.sandbox: Sphinx's Locale transform is not registered; this Sphinx "
                             "version applies translations in a way briefpub does not know how to make safe")
    transforms[transforms.index(Locale)] = SandboxedLocale


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("briefpub_catalog_origin", "", "", str)
    replace_locale_transform(app)
    app.connect("builder-inited", install_catalog_locations)
    app.connect("env-before-read-docs", init_origins)
    app.connect("env-purge-doc", purge_origins)
    app.connect("env-merge-info", merge_origins)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
