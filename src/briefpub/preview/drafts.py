"""Preview only: a translator's drafts and a reviewer's side-by-side view.

Loaded by :mod:`briefpub.preview.preview` into preview builds, never into the builds
of a release.  A preview build translates with fuzzy entries too (Sphinx's
``gettext_allow_fuzzy_translations``), so a translator sees their own draft;
this extension marks each such passage "needs review", with the source text
it was written for (and the source now) shown on hover and on keyboard focus,
named by the publication's source language.

With ``briefpub preview uk --beside en``, every translated block also shows
the same block in the other language beside it: paragraphs in two columns,
headings with the other language's heading under them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

from briefpub import __version__

MSGID = "briefpub_msgid"
"""Node attribute: the message a node was translated from (kept only while reading)."""

STYLES = "briefpub-drafts.css"


class draft_mark(nodes.Inline, nodes.Element):
    """"Needs review", with the source text of a fuzzy entry for hover and focus."""


class beside_text(nodes.Inline, nodes.TextElement):
    """The same block in the language shown beside the translation."""


class RememberMessages(SphinxTransform):
    """Before Sphinx translates a node, note which message it came from."""

    default_priority = 15  # after PreserveTranslatableMessages (10), before Locale (20)

    def apply(self, **kwargs: Any) -> None:
        for node, message in extract_messages(self.document):
            if isinstance(node, nodes.TextElement) and not isinstance(node, nodes.Inline):
                node[MSGID] = message


class MarkDrafts(SphinxTransform):
    """After the contents are made (so that they list headings only), mark
    fuzzy translations and add the other language beside each block."""

    default_priority = 800

    def apply(self, **kwargs: Any) -> None:
        domain = docname_to_domain(self.env.current_document.docname, self.config.gettext_compact)
        drafts = _messages(self.env, self.config.language, domain, fuzzy=True)
        beside_code = self.config.briefpub_beside
        beside = _messages(self.env, beside_code, domain, fuzzy=False) if beside_code else None
        from briefpub.editions.sphinxext import publication

        source = publication(self.app).source
        for node in list(self.document.findall(lambda n: isinstance(n, nodes.Element) and MSGID in n)):
            message = node.attributes.pop(MSGID)
            translated = node.get("translated", False)
            added: list[nodes.Node] = []
            if beside is not None:
                added.append(self.beside(node, message, beside, beside_code))
            if translated and message in drafts:
                node["classes"].append("briefpub-draft")
                added.append(draft_mark(english=message, previous=drafts[message],
                                        source=source.code, source_name=source.english_name))
            self.place(node, added)

    def beside(self, node: nodes.Element, message: str, beside: dict[str, str],
               code: str) -> beside_text:
        """The block in the other language: its translation, or the source
        where it has none (an empty msgstr of the source language's catalog keeps it)."""
        from briefpub.editions.sphinxext import publication

        language = code if message in beside else publication(self.app).source.code
        text = plain_text(beside.get(message) or message)
        return beside_text("", text, classes=["briefpub-beside", f"language-{language}"])

    @staticmethod
    def place(node: nodes.Element, added: list[nodes.Node]) -> None:
        if not added:
            return
        if isinstance(node, nodes.title):
            # Under the heading, not in it: the contents, the page's title
            # and the table of contents take the heading's own text.
            block = nodes.container("", *added, classes=["briefpub-under-heading"])
            node.parent.insert(node.parent.index(node) + 1, block)
        elif isinstance(added[0], beside_text):
            # Two columns: the other language first (left), then the translation.
            translation = nodes.inline("", "", *node.children, classes=["briefpub-translation"])
            translation.extend(added[1:])
            node.clear()
            node += [added[0], translation]
            node["classes"].append("briefpub-pair")
        else:
            node.extend(added)


_ROLE = re.compile(r"\{[\w:.+-]+\}(?=`)")


def plain_text(markup: str) -> str:
    """A message's MyST markup as the reader sees its words: link texts,
    code and emphasis without their marks."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parseInline(_ROLE.sub("", markup))
    words = []
    for token in tokens[0].children if tokens else []:
        if token.type in ("text", "code_inline"):
            words.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            words.append(" ")
    return "".join(words) or markup


def _messages(env, code: str, domain: str, fuzzy: bool) -> dict[str, str]:
    """From one language's catalog for ``domain``: with ``fuzzy``, each
    fuzzy msgid and the previous source text it was translated from; else each
    translated msgid and its translation."""
    from briefpub.catalogs import store

    if not code:
        return {}
    path = Path(env.srcdir, env.config.locale_dirs[0], code, "LC_MESSAGES", f"{domain}.po")
    if not path.is_file():
        return {}
    env.note_dependency(str(path))
    try:
        catalog = store.read(path)
    except Exception:  # noqa: BLE001 - the preview's own checks report a broken catalog
        return {}
    found = {}
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        if fuzzy and message.fuzzy and message.string:
            previous = message.previous_id[0] if getattr(message, "previous_id", None) else ""
            found[message.id] = previous
        elif not fuzzy and not message.fuzzy and message.string:
            found[message.id] = message.string
    return found


# --- HTML ---------------------------------------------------------------------------


def visit_draft_mark(self, node: draft_mark) -> None:
    self.briefpub_drafts = getattr(self, "briefpub_drafts", 0) + 1
    tip = f"briefpub-draft-{self.briefpub_drafts}"
    english, previous = html.escape(node["english"]), html.escape(node["previous"])
    code, name = html.escape(node["source"]), html.escape(node["source_name"])
    if previous and previous != english:
        said = (f'<span class="briefpub-draft-line"><span class="briefpub-draft-label">Translated from this '
                f'{name}:</span> <span lang="{code}">{previous}</span></span>'
                f'<span class="briefpub-draft-line"><span class="briefpub-draft-label">The {name} now:</span> '
                f'<span lang="{code}">{english}</span></span>')
    else:
        said = f'<span class="briefpub-draft-label">{name}:</span> <span lang="{code}">{english}</span>'
    self.body.append(
        f'<span class="briefpub-draft-mark">'
        f'<button type="button" class="briefpub-draft-badge" aria-describedby="{tip}">needs review</button>'
        f'<span role="tooltip" id="{tip}" class="briefpub-draft-english">{said}</span></span>'
    )
    raise nodes.SkipNode


def visit_beside_text(self, node: beside_text) -> None:
    self.body.append(self.starttag(node, "span", ""))


def depart_beside_text(self, node: beside_text) -> None:
    self.body.append("</span>")


CSS = """/* Preview only (briefpub.preview.drafts). */
.briefpub-draft { background: #fff5cc; outline: 2px dashed #b38600; outline-offset: 2px; }
.briefpub-draft-mark { position: relative; display: inline-block; margin-inline-start: .4em; }
.briefpub-draft-badge { font: 600 .75rem/1.4 sans-serif; color: #fff; background: #8a5a00; border: 0;
  border-radius: .3em; padding: .05em .45em; cursor: help; }
.briefpub-draft-badge:focus-visible { outline: 3px solid #1a4d8f; outline-offset: 2px; }
.briefpub-draft-english { display: none; position: absolute; z-index: 5; inset-inline-start: 0; top: 1.8em;
  width: min(32rem, 80vw); padding: .6em .8em; background: #1d1d1d; color: #fff;
  font: .9rem/1.45 sans-serif; border-radius: .3em; box-shadow: 0 .2em .8em rgba(0, 0, 0, .35); }
.briefpub-draft-label { font-weight: 600; color: #ffd766; }
.briefpub-draft-line { display: block; }
.briefpub-draft-mark:hover .briefpub-draft-english,
.briefpub-draft-badge:focus + .briefpub-draft-english { display: block; }
.briefpub-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1.5rem; }
.briefpub-pair > .briefpub-beside { color: #444; border-inline-end: 1px solid #ccc; padding-inline-end: 1.5rem; }
.briefpub-under-heading { color: #444; font-size: .95rem; margin: -.4em 0 .8em; }
.briefpub-under-heading > .briefpub-beside { display: block; }
"""


def write_styles(app: Sphinx) -> None:
    if app.builder.name != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / STYLES).write_text(CSS, encoding="utf-8")
    app.add_css_file(STYLES)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(draft_mark, html=(visit_draft_mark, None))
    app.add_node(beside_text, html=(visit_beside_text, depart_beside_text))
    app.add_transform(RememberMessages)
    app.add_transform(MarkDrafts)
    app.connect("builder-inited", write_styles)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
