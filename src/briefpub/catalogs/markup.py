"""The markup a message carries, as MyST reads it.

Sphinx parses every translated message as a document of its own, with the
publication's MyST parser: a msgstr can hold block markup (a ``~~~`` fence is a
directive, ``[x]: url`` a link definition, ``2020. …`` a numbered list) as well
as inline markup.  :func:`inventory` parses a message the same way, blocks and
inline, and lists everything in it that is more than text, so that a checker
can hold a translation to the markup of its source.

The parser is myst-parser's own (``create_md_parser``) with the publication's
MyST settings (:data:`briefpub.project.config.MYST_SETTINGS`), plus two syntaxes that
are markup wherever they are enabled (substitutions and ``:::`` fences): a
checker that sees a little more than the build never lets markup through.
``{eval-rst}`` content is reStructuredText; its directives, roles, references
and targets are listed by :func:`rst_inventory`, with URIs normalised the way
docutils does (whitespace and backslash escapes removed: ``java script:`` is
``javascript:``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from docutils.utils import urischemes
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

ALWAYS = ("substitution", "colon_fence")
"""MyST extensions the checker always reads, enabled in the build or not."""


@functools.cache
def parser() -> MarkdownIt:
    from briefpub.project.config import MYST_SETTINGS as settings

    values = {
        item.name: settings[f"myst_{item.name}"]
        for item in dataclasses.fields(MdParserConfig) if f"myst_{item.name}" in settings
    }
    values["enable_extensions"] = set(values.get("enable_extensions", ())) | set(ALWAYS)
    return create_md_parser(MdParserConfig(**values), RendererHTML)


BLOCKS = {
    "heading_open": "a heading", "lheading_open": "a heading",
    "bullet_list_open": "a bulleted list", "ordered_list_open": "a numbered list",
    "blockquote_open": "a block quote", "code_block": "an indented code block", "fence": "a code block",
    "colon_fence": "a ::: block", "hr": "a horizontal rule", "table_open": "a table",
    "html_block": "an HTML block", "myst_target": "a target", "myst_line_comment": "a comment",
    "myst_block_break": "a block break (+++)", "front_matter": "front matter",
    "footnote_block_open": "a footnote definition", "footnote_reference_open": "a footnote definition", "math_block": "a math block",
    "amsmath": "a math block", "dl_open": "a definition list", "field_list_open": "a field list",
    "substitution_block": "a substitution block",
}
"""Block markup by token type, named for a translator."""

_IGNORED = frozenset({
    "paragraph_open", "inline", "list_item_open", "footnote_open", "footnote_anchor",
    "thead_open", "tbody_open", "tr_open", "th_open", "td_open", "dt_open", "dd_open",
    "field_list_item_open", "field_list_item_body_open", "fieldlist_name_open", "fieldlist_body_open",
})


@dataclass
class Inventory:
    """Everything in a message that is not plain text, counted."""

    blocks: Counter = field(default_factory=Counter)
    directives: Counter = field(default_factory=Counter)
    """``(name, argument)`` of every directive, MyST or reStructuredText."""
    options: Counter = field(default_factory=Counter)
    """``(directive, option, value)``: ``:file:``, ``:url:`` and the like."""
    roles: Counter = field(default_factory=Counter)
    """``(name, target)``: the target is what is in ``<…>``, or the whole text."""
    links: Counter = field(default_factory=Counter)
    images: Counter = field(default_factory=Counter)
    definitions: Counter = field(default_factory=Counter)
    """Link definitions and explicit targets: ``(label, url)``."""
    references: Counter = field(default_factory=Counter)
    """Named references of reStructuredText: ``name_``, `` `name`_ ``."""
    footnotes: Counter = field(default_factory=Counter)
    substitutions: Counter = field(default_factory=Counter)
    code: Counter = field(default_factory=Counter)
    attributes: Counter = field(default_factory=Counter)
    html: list[str] = field(default_factory=list)
    emphasis: int = 0
    strong: int = 0
    stray: str = ""
    """Markup characters left over as text: unbalanced backticks or asterisks."""


def inventory(text: str) -> Inventory:
    """The markup of ``text``; prose without a markup character is known to
    have none, and is not parsed (:func:`plain_inventory`)."""
    known = plain_inventory(text)
    return known if known is not None else parsed_inventory(text)


def parsed_inventory(text: str) -> Inventory:
    """The markup of ``text`` as the parser reads it."""
    found = Inventory()
    _walk_blocks(text, found, depth=0)
    return found


# --- prose without markup --------------------------------------------------------------
#
# Most messages are prose: no character in them can start markup, so the
# parser would find one paragraph of text.  Markup needs one of these
# characters anywhere (inline markup, entities, escapes, tables, attributes,
# link definitions, substitutions), or one of a few at the start of a line
# (block markup); a line indented by four columns is code.  A message that
# starts with a list number ("12. …" on one line) is a numbered list around
# the rest, which is held to the same test.

_MARKUP = re.compile(
    r"[\\`*_\[\]<>&~$={}|^]"
    r"|(?:\A|[\r\n])(?:[ ]{0,3}(?:[#+\-:%]|\d{1,9}[.)](?=[ \t\r\n]|\Z))|[ ]{0,3}\t|[ ]{4})"
)
"""A markup character anywhere, or a block's mark at the start of a line."""
_NUMBERED = re.compile(r"\d{1,9}[.)] (?=\S)")


def plain_inventory(text: str) -> Inventory | None:
    """The inventory of prose that cannot hold markup (:data:`PROSE`), or of
    one numbered-list line of such prose (:data:`NUMBERED_PROSE`); None when
    ``text`` has to be parsed."""
    numbered = _NUMBERED.match(text)
    if numbered and ("\n" in text or "\r" in text):
        numbered = None
    if _MARKUP.search(text[numbered.end():] if numbered else text):
        return None
    return NUMBERED_PROSE if numbered else PROSE


PROSE = Inventory()
NUMBERED_PROSE = Inventory(blocks=Counter({BLOCKS["ordered_list_open"]: 1}))
"""The inventories of prose, shared: an inventory is read, never changed, by
the checks, so two messages of prose have the very same one."""


_MAX_DEPTH = 8
"""Directives nest; a message that nests deeper than this is refused anyway."""

_DIRECTIVE = re.compile(r"^\{([^}\s]+)\}\s*(.*)$", re.DOTALL)
_OPTION = re.compile(r"^:([\w.+-]+):\s*(.*)$")


def _walk_blocks(text: str, found: Inventory, depth: int) -> None:
    env: dict = {}
    tokens = parser().parse(text, env)
    for label, reference in env.get("references", {}).items():
        found.definitions[(label.lower(), reference.get("href", ""))] += 1
    for token in tokens:
        if token.type in ("fence", "colon_fence"):
            directive = _DIRECTIVE.match(token.info.strip())
            if directive:
                _directive(directive.group(1), directive.group(2).strip(), token.content, found, depth)
                continue
        if token.type == "inline":
            _walk_inline(token.children or [], found)
        elif token.type in ("html_block",):
            found.html.append(token.content.strip())
        elif token.type in BLOCKS:
            found.blocks[BLOCKS[token.type]] += 1
        elif token.nesting >= 0 and token.type not in _IGNORED and not token.type.endswith("_close"):
            found.blocks[token.type.replace("_open", "").replace("_", " ")] += 1
        if token.type == "paragraph_open" and token.attrs:
            for name, value in token.attrs.items():
                found.attributes[(name, str(value))] += 1
        if token.type == "myst_target":
            found.definitions[(token.content, "")] += 1


def _directive(name: str, argument: str, body: str, found: Inventory, depth: int) -> None:
    found.directives[(name, argument)] += 1
    lines = body.splitlines()
    while lines and _OPTION.match(lines[0].strip()):
        option = _OPTION.match(lines.pop(0).strip())
        found.options[(name, option.group(1), option.group(2))] += 1
    content = "\n".join(lines)
    if depth >= _MAX_DEPTH:
        found.blocks["directives nested too deep"] += 1
    elif name == "eval-rst":
        rst_inventory(content, found)
    elif content.strip():
        _walk_blocks(content, found, depth + 1)


_ROLE_TARGET = re.compile(r"<([^<>]+)>\s*$")
_OWN_ATTRIBUTES = {
    "link_open": ("href", "title"), "image": ("src", "alt", "title"), "substitution_inline": ("class", "text"),
}
"""Attributes the parser itself sets; any other comes from attribute markup."""


def _walk_inline(tokens, found: Inventory) -> None:
    for token in tokens:
        kind = token.type
        if kind == "code_inline":
            found.code[token.content] += 1
        elif kind == "myst_role":
            target = _ROLE_TARGET.search(token.content)
            found.roles[(token.meta.get("name"), target.group(1) if target else token.content)] += 1
        elif kind == "link_open":
            found.links[token.attrs.get("href", "")] += 1
        elif kind == "image":
            found.images[token.attrs.get("src", "")] += 1
        elif kind == "footnote_ref":
            found.footnotes[token.meta.get("label", "")] += 1
        elif kind == "substitution_inline":
            found.substitutions[token.content.strip()] += 1
        elif kind == "em_open":
            found.emphasis += 1
        elif kind == "strong_open":
            found.strong += 1
        elif kind == "html_inline":
            found.html.append(token.content)
        elif kind in ("math_inline", "math_inline_double"):
            found.roles[("math", token.content)] += 1
        elif kind == "text":
            found.stray += "".join(char for char in token.content if char in "`*")
        for name, value in (token.attrs or {}).items():
            if name not in _OWN_ATTRIBUTES.get(kind, ()):
                found.attributes[(name, str(value))] += 1
        if token.children:
            _walk_inline(token.children, found)


# --- reStructuredText, inside {eval-rst} ---------------------------------------------

_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+(?:\|[^|]+\|\s+)?([\w:.+-]+)\s?::(.*)$", re.MULTILINE)
_RST_OPTION = re.compile(r"^\s+:([\w.+-]+):(.*)$", re.MULTILINE)
_RST_TARGET = re.compile(r"^\s*\.\.\s+_([^:`]+|`[^`]+`):(.*)$|^\s*(?:\.\.\s+)?__(?::)?\s+(\S.*)$", re.MULTILINE)
_RST_ROLE = re.compile(r":([\w.+:-]+):`((?:[^`\\]|\\.)*)`|`((?:[^`\\]|\\.)*)`:([\w.+:-]+):")
_RST_EMBEDDED = re.compile(r"`((?:[^`\\]|\\.)*?)<((?:[^`\\>]|\\.)*)>`(__?)?")
_RST_NAMED = re.compile(
    r"`((?:[^`\\<]|\\.)+)`__?(?!\w)|(?<![\w`|\\])([^\W_]+(?:[-._+:][^\W_]+)*)__?(?![\w`])"
)
_RST_FOOTNOTE = re.compile(r"\[(#[\w-]*|\*|\d+|[\w.-]+)\]_")
_RST_SUBSTITUTION = re.compile(r"(?<![\w\\])\|([^|\s](?:[^|]*[^|\s])?)\|(?:__?)?(?!\w)")
_RST_URI = re.compile(r"(?<![\w/\\])([A-Za-z][A-Za-z0-9.+-]*):(?=\S)[^\s<>`]*")


def uri(text: str) -> str:
    """A URI as docutils reads it: backslash escapes and all whitespace gone."""
    text = re.sub(r"\\\s", "", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return "".join(text.split())


def rst_inventory(text: str, found: Inventory) -> None:
    """The markup of reStructuredText, read without running it: no directive
    is executed and no file is opened, whatever the text says."""
    for match in _RST_DIRECTIVE.finditer(text):
        found.directives[(match.group(1), match.group(2).strip())] += 1
    for match in _RST_OPTION.finditer(text):
        found.options[("rst", match.group(1), match.group(2).strip())] += 1
    for match in _RST_TARGET.finditer(text):
        if match.group(3) is not None:
            found.definitions[("__", uri(match.group(3)))] += 1
        else:
            found.definitions[(match.group(1).strip("`").lower(), uri(match.group(2)))] += 1
    for match in _RST_ROLE.finditer(text):
        name = match.group(1) or match.group(4)
        content = match.group(2) if match.group(1) else match.group(3)
        target = _ROLE_TARGET.search(content)
        found.roles[(name, uri(target.group(1)) if target else content)] += 1
    for match in _RST_EMBEDDED.finditer(text):
        found.links[uri(match.group(2))] += 1
    for match in _RST_NAMED.finditer(_RST_EMBEDDED.sub("", text)):
        found.references[(match.group(1) or match.group(2)).lower()] += 1
    for match in _RST_FOOTNOTE.finditer(text):
        found.footnotes[match.group(1)] += 1
    for match in _RST_SUBSTITUTION.finditer(text):
        found.substitutions[match.group(1)] += 1
    for match in _RST_URI.finditer(text):
        if match.group(1).lower() in urischemes.schemes:
            found.links[uri(match.group(0))] += 1
