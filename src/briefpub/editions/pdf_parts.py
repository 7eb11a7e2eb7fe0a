"""The PDF of a publication in chapters, made part by part.

WeasyPrint lays out a document as a whole: the PDF of a forty-chapter report
would take as long after one corrected sentence as the first time.  So the
single page Sphinx assembles for the PDF (:mod:`briefpub.editions.pdf`) is cut into
*parts* — the front matter (title, summary, printed contents) and each
chapter of the root's table of contents with whatever follows it up to the
next — and each part is written as a page of its own, rendered alone and
remembered by everything it is made from: its HTML, the build's stylesheets,
fonts and images, and the page it begins on.  After a change only the parts
that changed are rendered again; :mod:`briefpub.editions.pdfjoin` joins the parts
into one PDF, as if it had been laid out at once.

What a part cannot know alone is given to it:

- where it begins: its first page number (pages are numbered through the
  book; the footer shows the number, the viewer shows the count);
- the running head: the publication's title, which only the front matter's
  heading sets;
- the page numbers of the printed contents, read from the chapters' renderings
  (the front matter is rendered again when they change);
- references to another part: they point to that part's page and are made
  links within the joined PDF.

A part that begins inside sections (a chapter sits in the root document's
section) keeps those sections around it, without their ids or titles, so that
its headings keep their level and its stylesheets apply as in the whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

from briefpub import __version__
from briefpub.project.layout import code_files

CACHE = "_parts"
"""The folder, in the PDF edition's output folder, where rendered parts are kept."""


# -- the parts of the assembled page -------------------------------------------------------------

def chapter_starts(node: nodes.Element) -> Iterator[tuple[nodes.Element, addnodes.start_of_file]]:
    """Where the documents of the root's toctrees begin, with their parents
    (Sphinx moves the children of an inlined document without re-parenting
    them, so the tree is walked downwards)."""
    for child in node.children:
        if isinstance(child, addnodes.start_of_file):
            yield node, child
        elif isinstance(child, nodes.Element):
            yield from chapter_starts(child)


@dataclass
class Part:
    file: str
    """The part's HTML file, in the PDF edition's output folder."""
    doctree: nodes.document
    first: bool
    last: bool
    contents: dict[str, str] = field(default_factory=dict)
    """The printed contents' links in this part: their href and target id."""


def split(tree: nodes.document, root: str) -> list[Part]:
    """The parts of the assembled page, in reading order: one (the page
    itself) when the publication has no chapters."""
    starts = [start for _, start in chapter_starts(tree)]
    if not starts:
        return [Part(f"{root}.html", tree, first=True, last=True)]
    order = {id(node): number for number, node in enumerate(tree.findall())}
    last = _last_descendants(tree, order)
    cuts = [0] + [order[id(start)] for start in starts] + [len(order)]
    parts = []
    for number, (begin, end) in enumerate(zip(cuts, cuts[1:])):
        doctree = _cut(tree, begin, end, order, last)
        name = f"{root}.html" if number == 0 else f"{root}-part-{number:03d}.html"
        parts.append(Part(name, doctree, first=number == 0, last=end == len(order)))
    _link_across(parts)
    return parts


def _last_descendants(tree: nodes.Node, order: dict[int, int]) -> dict[int, int]:
    """For every node, the position of the last node of its subtree."""
    last: dict[int, int] = {}

    def visit(node: nodes.Node) -> int:
        end = order[id(node)]
        for child in node.children if isinstance(node, nodes.Element) else ():
            end = visit(child)
        last[id(node)] = end
        return end

    visit(tree)
    return last


def _cut(node: nodes.Node, begin: int, end: int, order: dict[int, int], last: dict[int, int]):
    """The part of ``node``'s subtree between two positions: whole nodes
    copied, the nodes around them kept as empty wrappers."""
    first, final = order[id(node)], last[id(node)]
    if final < begin or first >= end:
        return None
    if begin <= first and final < end:
        return node.deepcopy()
    wrapper = node.copy()
    if first < begin:  # it began in an earlier part: that part has its ids
        wrapper["ids"] = []
    for child in node.children:
        if first < begin and isinstance(child, nodes.title):
            continue
        piece = _cut(child, begin, end, order, last)
        if piece is not None:
            wrapper += piece
    return wrapper


def _link_across(parts: list[Part]) -> None:
    """References to another part point to its page (``part.html#id``),
    which the joined PDF turns into a link within itself."""
    where: dict[str, str] = {}
    for part in parts:
        for node in part.doctree.findall(nodes.Element):
            for identifier in node.get("ids", []):
                where.setdefault(identifier, part.file)
    for part in parts:
        contents = {id(reference) for topic in part.doctree.findall(nodes.topic)
                    if "printed-contents" in topic["classes"] for reference in topic.findall(nodes.reference)}
        for node in part.doctree.findall(nodes.reference):
            target = node.get("refid") or (node.get("refuri", "")[1:] if node.get("refuri", "").startswith("#")
                                           else None)
            if not target or where.get(target, part.file) == part.file:
                continue
            node["refuri"] = f"{where[target]}#{target}"
            node.attributes.pop("refid", None)
            node["internal"] = False
            if id(node) in contents:
                part.contents[node["refuri"]] = target


# -- rendering, part by part ---------------------------------------------------------------------

@dataclass
class Rendered:
    pdf: Path
    pages: int
    anchors: dict[str, int]
    """Every anchor of the part, with the page (0-based, within the part) it is on."""
    bookmarks: list[list]
    """Every bookmark of the part in order: level, label, page (0-based, within the part)."""


LEADER = r'leader(". \2003")'
"""The printed contents' leader, as the theme's print.css sets it."""


def css_string(text: str) -> str:
    """``text`` as a CSS string."""
    return '"' + "".join(c if c not in '"\\\n' and c.isprintable() else f"\\{ord(c):x} " for c in text) + '"'


def part_stylesheet(first_page: int, running_head: str | None, page_numbers: dict[str, int]) -> str:
    """What a part needs to know of the others, as a stylesheet (see the
    module's docstring).  WeasyPrint reads it as the reader's stylesheet,
    which yields to the publication's own unless its rules are important."""
    rules = ["@page { @bottom-right { content: counter(page) !important; } }"]
    if first_page > 1:
        rules.append(f"@page :first {{ counter-reset: page {first_page} !important; }}")
    if running_head is not None:
        head = css_string(running_head)
        rules.append(f"@page {{ @top-left {{ content: {head} !important; }} }}")
        rules.append(f"@page :first {{ @top-left {{ content: {head} !important; }} }}")
        # A part begins a page by itself: a chapter that opens it needs no break before it.
        rules.append("section.chapter { break-before: auto !important; page-break-before: auto !important; }")
    for href, number in sorted(page_numbers.items()):
        rules.append(f'.printed-contents a[href={css_string(href)}]::after '
                     f'{{ content: {LEADER} " {number}" !important; }}')
    return "\n".join(rules) + "\n"


def inputs_digest(outdir: Path) -> str:
    """What every part is made from besides its own page: the stylesheets,
    fonts and images of the build, and the renderer (WeasyPrint and briefpub's own code)."""
    import weasyprint

    digest = hashlib.sha256(f"{__version__}\0{weasyprint.__version__}\0".encode())
    for path in code_files():
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for folder in ("_static", "_images"):
        for path in sorted((outdir / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(outdir).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class PartRenderer:
    """Renders parts with WeasyPrint, or takes them from the last build's
    renderings when nothing they are made from changed."""

    def __init__(self, outdir: Path, render: Callable[[Path, str, Path | None], tuple[int, dict, list]]):
        self.outdir = outdir
        self.folder = outdir / CACHE
        self.folder.mkdir(exist_ok=True)
        self.salt = inputs_digest(outdir)
        self._render = render
        self.rendered = 0

    def _files(self, part: Part, stylesheet: str) -> tuple[Path, Path]:
        """Where the rendering of ``part`` with ``stylesheet`` is kept: its PDF and its facts."""
        html = (self.outdir / part.file).read_bytes()
        key = hashlib.sha256(f"{self.salt}\0{stylesheet}\0".encode() + html).hexdigest()[:40]
        return self.folder / f"{key}.pdf", self.folder / f"{key}.json"

    def __call__(self, part: Part, stylesheet: str) -> Rendered:
        pdf, facts = self._files(part, stylesheet)
        try:
            known = json.loads(facts.read_text(encoding="utf-8"))
            if pdf.is_file():
                return Rendered(pdf, known["pages"], known["anchors"], known["bookmarks"])
        except (OSError, ValueError, KeyError):
            pass
        partial = pdf.with_suffix(".pdf.part")
        pages, anchors, bookmarks = self._render(self.outdir / part.file, stylesheet, partial)
        partial.replace(pdf)
        facts.write_text(json.dumps({"pages": pages, "anchors": anchors, "bookmarks": bookmarks}), encoding="utf-8")
        self.rendered += 1
        return Rendered(pdf, pages, anchors, bookmarks)

    def pages(self, part: Part, stylesheet: str) -> int:
        """How many pages ``part`` takes: its rendering's, or, when it has
        none yet, its layout's (nothing is written)."""
        pdf, facts = self._files(part, stylesheet)
        try:
            if pdf.is_file():
                return json.loads(facts.read_text(encoding="utf-8"))["pages"]
        except (OSError, ValueError, KeyError):
            pass
        pages, _, _ = self._render(self.outdir / part.file, stylesheet, None)
        return pages

    def forget_others(self, renderings: list[Rendered]) -> None:
        """Keep only the renderings of the parts as they are now (and the contents' page numbers)."""
        kept = {self.folder / NUMBERS} | {path for r in renderings for path in (r.pdf, r.pdf.with_suffix(".json"))}
        for path in self.folder.iterdir():
            if path not in kept:
                path.unlink()


def render_parts(parts: list[Part], running_head: str, renderer: PartRenderer) -> list[Rendered]:
    """Render every part where it falls in the book.  The front matter's
    contents needs the chapters' page numbers, and the chapters' first pages
    depend on the front matter's length: the front matter is rendered with
    the numbers of the last build, then again if they changed.  A first
    build knows no numbers: its front matter is only laid out, to learn
    where the chapters begin, and rendered once they are known."""
    contents = {href: target for part in parts for href, target in part.contents.items()}
    numbers = _previous_numbers(renderer, contents)
    front: Rendered | None = None
    for _ in range(3):
        stylesheet = part_stylesheet(1, None, numbers)
        if contents and not numbers:
            front, front_pages = None, renderer.pages(parts[0], stylesheet)
        else:
            front = renderer(parts[0], stylesheet)
            front_pages = front.pages
        page = 1 + front_pages
        chapters = []
        for part in parts[1:]:
            chapters.append(renderer(part, part_stylesheet(page, running_head, {})))
            page += chapters[-1].pages
        found = _page_numbers(chapters, contents, front_pages)
        if front is not None and found == numbers:
            break
        numbers = found
        _remember_numbers(renderer, numbers)
    if front is None:  # no entry of the contents found its chapter: rendered without numbers
        front = renderer(parts[0], part_stylesheet(1, None, numbers))
    return [front, *chapters]


def _page_numbers(chapters: list[Rendered], contents: dict[str, str], front_pages: int) -> dict[str, int]:
    numbers, first = {}, 1 + front_pages
    where = {}
    for rendered in chapters:
        for anchor, page in rendered.anchors.items():
            where.setdefault(anchor, first + page)
        first += rendered.pages
    for href, target in contents.items():
        if target in where:
            numbers[href] = where[target]
    return numbers


NUMBERS = "contents-pages.json"


def _previous_numbers(renderer: PartRenderer, contents: dict[str, str]) -> dict[str, int]:
    path = renderer.folder / NUMBERS
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {href: number for href, number in known.items() if href in contents and isinstance(number, int)}


def _remember_numbers(renderer: PartRenderer, numbers: dict[str, int]) -> None:
    (renderer.folder / NUMBERS).write_text(json.dumps(numbers, sort_keys=True), encoding="utf-8")
