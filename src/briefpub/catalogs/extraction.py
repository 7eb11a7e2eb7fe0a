"""What the source tells its translators: notes, contexts and where each
message comes from.

An editor writes a note for translators as a MyST comment just before a
block, and can give the block's messages a context when the same English
needs two translations::

    % Translators: "bill" is a draft law here, not an invoice.
    % Context: parliament
    The bill was passed.

The note becomes a ``#.`` comment on each of the block's messages (as
xgettext does with ``--add-comments=Translators:``), the context their
``msgctxt``.  A context travels through Sphinx as gettext itself keys a
contextual message in a compiled catalog, ``context + "\\x04" + msgid``: it
is put in front of the message before Sphinx's i18n transform looks the
message up, so the edition takes the contextual translation, and taken away
again after it.

The extraction builder writes the templates in GNU gettext's layout with
references from the repository root (``docs/index.md:33``), which editors,
Poedit (``X-Poedit-Basepath``) and Weblate's repository browser all resolve.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.gettext import I18nBuilder, MessageCatalogBuilder, should_write
from sphinx.builders.gettext import ctime as creation_time
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

from briefpub.catalogs import pofile

CONTEXT_SEPARATOR = "\x04"
"""Between msgctxt and msgid in a compiled catalog's keys (GNU gettext's)."""

NOTE_TAG = "Translators:"
CONTEXT_TAG = "Context:"
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def _directions(comment: nodes.comment) -> tuple[str | None, str | None]:
    """The note and the context that a source comment gives, if any."""
    note_lines: list[str] = []
    context = None
    for line in comment.astext().splitlines():
        line = line.strip()
        if line.startswith(CONTEXT_TAG):
            context = line[len(CONTEXT_TAG):].strip() or None
        elif line.startswith(NOTE_TAG) or (note_lines and line):
            note_lines.append(line)
    return (" ".join(note_lines) or None), context


def _block_after(comment: nodes.comment) -> nodes.Element | None:
    """The block a comment stands before: the next one in document order,
    a section's title for a comment before a heading."""
    node = comment.next_node(descend=False, siblings=True, ascend=True)
    while isinstance(node, (nodes.comment, nodes.target)):
        node = node.next_node(descend=False, siblings=True, ascend=True)
    if isinstance(node, nodes.section):
        return node.next_node(nodes.title)
    return node if isinstance(node, nodes.Element) else None


class TranslatorDirections(SphinxTransform):
    """Attach the notes and contexts of source comments to the messages of
    the block that follows each; give a contextual message its key."""

    default_priority = 15  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs: Any) -> None:
        for comment in list(self.document.findall(nodes.comment)):
            note, context = _directions(comment)
            if note is None and context is None:
                continue
            block = _block_after(comment)
            if block is None:
                continue
            for node, _message in extract_messages(block):
                if note:
                    node["briefpub_notes"] = [*node.get("briefpub_notes", []), note]
                if context and CONTEXT_SEPARATOR not in node.rawsource:
                    node.rawsource = f"{context}{CONTEXT_SEPARATOR}{node.rawsource}"


class ContextKeysRemoved(SphinxTransform):
    """Once the catalog has been applied, a message left untranslated gets
    its own source back (in every build but the extraction, which reads the
    keys)."""

    default_priority = 21

    def apply(self, **kwargs: Any) -> None:
        for node in self.document.findall(nodes.Element):
            if CONTEXT_SEPARATOR in getattr(node, "rawsource", ""):
                node.rawsource = node.rawsource.split(CONTEXT_SEPARATOR, 1)[1]


class TemplateBuilder(MessageCatalogBuilder):
    """Sphinx's gettext builder, writing what it extracts with notes,
    contexts and references from the repository root, in GNU layout."""

    def init(self) -> None:
        super().init()
        self.notes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        super().write_doc(docname, doctree)
        notes = self.notes[docname_to_domain(docname, self.config.gettext_compact)]
        for node, message in extract_messages(doctree):
            for note in node.get("briefpub_notes", []):
                if note not in notes[message]:
                    notes[message].append(note)

    def reference(self, source: str, line: int) -> str:
        path = Path(source).resolve()
        for base in (self.repository_root(), PACKAGE_ROOT):
            if path.is_relative_to(base):
                path = path.relative_to(base)
                break
        return f"{path.as_posix()}:{line}" if line >= 0 else path.as_posix()

    def repository_root(self) -> Path:
        """The folder of ``locale/``, which the catalogs' references start from."""
        locale_dirs = self.config.locale_dirs or ["locales"]
        return (Path(self.confdir) / locale_dirs[0]).resolve().parent

    def template(self, domain: str, catalog) -> str:
        header = {
            "Project-Id-Version": f"{self.config.project} {self.config.version}",
            "Report-Msgid-Bugs-To": "",
            "POT-Creation-Date": creation_time,
            "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
            "Last-Translator": self.config.gettext_last_translator,
            "Language-Team": self.config.gettext_language_team,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
        }
        entries = [pofile.Entry(
            msgid="", msgstr=["".join(f"{name}: {value}\n" for name, value in header.items())],
            comments=["SOME DESCRIPTIVE TITLE.", f"Copyright (C) {self.config.copyright}",
                      f"This file is distributed under the same license as the {self.config.project} package.",
                      "FIRST AUTHOR <EMAIL@ADDRESS>, YEAR.", ""],
            flags=["fuzzy"],
        )]
        notes = self.notes.get(domain, {})
        for message in catalog:
            context, _, msgid = message.text.rpartition(CONTEXT_SEPARATOR)
            entries.append(pofile.Entry(
                msgid=msgid, msgctxt=context or None,
                extracted=notes.get(message.text, []),
                references=[self.reference(source, line) for source, line in message.locations]
                if self.config.gettext_location else [],
            ))
        return pofile.PoFile(entries).render()

    def finish(self) -> None:
        super(MessageCatalogBuilder, self).finish()
        for domain, catalog in self.catalogs.items():
            path = Path(self.outdir) / f"{domain}.pot"
            path.parent.mkdir(parents=True, exist_ok=True)
            content = self.template(domain, catalog)
            if should_write(path, content):
                path.write_text(content, encoding="utf-8")


def _after_translation(app: Sphinx) -> None:
    if not isinstance(app.builder, I18nBuilder):
        app.add_transform(ContextKeysRemoved)


def setup(app: Sphinx) -> dict:
    app.add_transform(TranslatorDirections)
    app.connect("builder-inited", _after_translation)
    app.add_builder(TemplateBuilder, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
