"""The font files an edition ships: only the faces its pages use, each cut
down to the characters the publication shows.

The HTML editions of all languages share one set of WOFF2 files
(``html/_fonts/`` in dist/, :data:`briefpub.project.layout.FONTS_DIR`): they are
subsets of the characters of the whole publication (every language's text
and the theme's labels), so every HTML build writes the same bytes and a
reader who switches language downloads nothing again.  An ePub carries
TrueType subsets of its own language's characters; a PDF the full files,
which WeasyPrint subsets as it embeds them.

Which faces are used is read from the doctrees: the running text and the
theme's labels always, italic and bold only where the text has emphasis,
strong words, a rubric…  The typefaces themselves are :mod:`briefpub.project.typefaces`.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.environment import BuildEnvironment

from briefpub.editions import fonts, noting
from briefpub.project import typefaces
from briefpub.project.config import THEME_DIR, THEME_LOCALE_DIR
from briefpub.project.languages import Language

THEME_FACES = {fonts.BODY, (typefaces.SANS, "normal", 400), (typefaces.SANS, "normal", 700)}
"""What the theme sets on every page: the text, and labels and headings in
the sans (brief.css, print.css)."""

ITALIC = (nodes.emphasis, nodes.title_reference)
BOLD = (nodes.strong, nodes.rubric, nodes.field_name, nodes.thead)
SANS = (nodes.title, nodes.caption)
"""Nodes whose text the stylesheets set in italic, bold or the sans; the
contents box is in the sans too (``topic.contents``)."""


def _asks_for(text: nodes.Node) -> tuple[str, str, int]:
    italic = bold = sans = False
    for node in _ancestors(text):
        italic = italic or isinstance(node, ITALIC)
        bold = bold or isinstance(node, BOLD) or isinstance(node, nodes.title)
        sans = sans or isinstance(node, SANS) or (isinstance(node, nodes.topic) and "contents" in node["classes"])
    return (typefaces.SANS if sans else typefaces.SERIF, "italic" if italic else "normal", 700 if bold else 400)


def _ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


FACES = "faces"
"""The name under which :mod:`briefpub.editions.noting` keeps each document's faces."""


def faces_of(doctree: nodes.document) -> set[tuple[str, str, int]]:
    """Every (family, style, weight) one document sets text in."""
    return {_asks_for(text) for text in doctree.findall(nodes.Text)}


def faces_asked(env: BuildEnvironment) -> set[tuple[str, str, int]]:
    """Every (family, style, weight) the pages of the edition set text in."""
    return set(THEME_FACES).union(*noting.of_every_document(env, FACES, faces_of))


def texts(locale_dir: Path, declaration: Path, docs: list[Path],
          languages: tuple[Language, ...]) -> list[str]:
    """What the pages of ``languages`` are made of: the source documents, the
    declaration, the translations, and the theme with its translated labels."""
    files = [declaration, *docs, *sorted((THEME_DIR / "brief").glob("*.html"))]
    for language in languages:
        files += sorted((locale_dir / language.code).rglob("*.po"))
        files += sorted((THEME_LOCALE_DIR / language.code).rglob("*.po"))
    found = []
    for path in files:
        try:
            found.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue  # the catalogs' own checks report an unreadable file
    return found
