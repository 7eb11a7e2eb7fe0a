"""Parts of a PDF, rendered apart, joined into the one WeasyPrint would have made.

The parts come from :mod:`briefpub.editions.pdf_parts`, each a tagged PDF of its own.
The first (the front matter) gives the document its catalog: metadata,
language, viewer preferences.  The others give their pages, and with them:

- their structure: the elements under each part's ``Document`` element are
  moved under the first part's, and the numbers that tie pages and link
  annotations to the structure (``/StructParents``, ``/StructParent``, the
  parent tree) are shifted past those already taken;
- their named destinations (every anchor), merged into one name tree, the
  first of a name winning as in WeasyPrint;
- their links to another part's page (``part.html#anchor``), made links to
  the anchor within the joined document as each part is prepared;
- their bookmarks, given again as one outline, nested by heading level
  through the whole book, as WeasyPrint nests them;
- their fonts: each face embedded once (:mod:`briefpub.editions.pdffonts`).

Each part is shaped for PDF/UA before it is kept (:func:`prepare`); what
is left — joining what the breaks between parts cut, the parent tree, the
metadata, the checks — is finished on the joined document
(:func:`briefpub.editions.pdfua.finish`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from briefpub.editions import pdffonts, pdfua
from briefpub.project.layout import EDITION_FONTS

PX_TO_PT = 0.75
"""WeasyPrint's scale from CSS pixels to PDF points."""


def join(parts: list[tuple[Path, list[dict]]], folder: Path, font_cache: Path) -> pikepdf.Pdf:
    """The PDFs of ``parts`` (each with its pages' bookmarks, see
    :func:`bookmarks_of`) joined into one, open, to be finished and saved
    (:mod:`briefpub.editions.pdfua`); ``folder`` is where the parts' HTML
    files are, whose addresses the links between parts use; ``font_cache``
    where the faces' merged subsets are kept (:func:`briefpub.editions.pdffonts.subset`)."""
    first, _ = parts[0]
    pdf = pikepdf.open(first)
    try:
        tree = pdf.Root.StructTreeRoot
        document = _document_element(tree)
        numbers = list(tree.ParentTree.get("/Nums", Array()))
        next_key = _next_key(numbers)
        names = _names(pdf)
        for path, _ in parts[1:]:
            with pikepdf.open(path) as part:
                next_key = _append(pdf, part, document, numbers, names, next_key)
        tree.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(numbers)))
        tree.ParentTreeNextKey = next_key
        _set_names(pdf, names)
        pdffonts.share(pdf, sorted((folder / EDITION_FONTS).glob("*")), font_cache)
        _set_outline(pdf, [page for _, pages in parts for page in pages])
    except BaseException:
        pdf.close()
        raise
    return pdf


def _document_element(tree: pikepdf.Object) -> pikepdf.Object:
    kid = tree.K
    return kid if isinstance(kid, Dictionary) else kid[0]


def _names(pdf: pikepdf.Pdf) -> list:
    dests = pdf.Root.get("/Names", Dictionary()).get("/Dests", Dictionary())
    flat = list(dests.get("/Names", Array()))
    return list(zip(flat[::2], flat[1::2]))


def _append(pdf: pikepdf.Pdf, part: pikepdf.Pdf, document: pikepdf.Object, numbers: list, names: list,
            offset: int) -> int:
    """Add the pages, structure, parent-tree entries and named destinations
    of ``part``; returns the next free parent-tree key."""
    for page in part.pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", Array()):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    tree = part.Root.StructTreeRoot
    own = list(tree.ParentTree.get("/Nums", Array()))
    destinations = _names(part)
    carried = part.make_indirect(Dictionary(
        Kids=_document_element(tree).get("/K", Array()),
        Nums=Array(own[1::2]),
        Names=Array([destination for _, destination in destinations]),
    ))
    with warnings.catch_warnings():  # named destinations are merged here, not by pikepdf
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        pdf.pages.extend(part.pages)  # copied first, so that what refers to them refers to the copies
    copied = pdf.copy_foreign(carried)
    kids = copied.Kids if isinstance(copied.Kids, Array) else Array([copied.Kids])
    for kid in kids:
        if isinstance(kid, Dictionary):
            kid.P = document
    existing = document.get("/K", Array())
    document.K = Array([*(existing if isinstance(existing, Array) else [existing]), *kids])
    for key, value in zip(own[::2], copied.Nums):
        numbers.extend([int(key) + offset, value])
    names.extend(zip((name for name, _ in destinations), copied.Names))
    return offset + _next_key(own)


def _next_key(numbers: list) -> int:
    """The first parent-tree key not taken (WeasyPrint writes no ``/ParentTreeNextKey``)."""
    return max((int(key) for key in numbers[::2]), default=-1) + 1


def _set_names(pdf: pikepdf.Pdf, names: list) -> None:
    """One name tree of every anchor, sorted as a name tree must be; the first of a name wins."""
    kept: dict[str, pikepdf.Object] = {}
    for name, destination in names:
        kept.setdefault(str(name), destination)
    flat = Array()
    for name in sorted(kept):
        flat.extend([String(name), kept[name]])
    if "/Names" not in pdf.Root:
        pdf.Root.Names = Dictionary()
    pdf.Root.Names.Dests = pdf.make_indirect(Dictionary(Names=flat))


def prepare(path: Path, folder: Path) -> None:
    """Ready a part, as rendered, to be joined: its links to other parts'
    pages are made links to their anchors, and its structure is shaped for
    PDF/UA as far as the part alone allows (:func:`briefpub.editions.pdfua.shape`)."""
    with pikepdf.open(path) as pdf:
        _link_within(pdf, folder.resolve())
        pdfua.shape(pdf)
        shaped = path.with_name(path.name + ".shaped")
        pdf.save(shaped)
    shaped.replace(path)


def _link_within(pdf: pikepdf.Pdf, folder: Path) -> None:
    """A link to a part's page (``file:///…/index-part-003.html#anchor``) is a link to the anchor."""
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", Array()):
            action = annotation.get("/A")
            if action is None or action.get("/S") != Name.URI:
                continue
            address = urlsplit(str(action.URI))
            if address.scheme != "file" or not address.fragment:
                continue
            if Path(url2pathname(address.path)).parent != folder:
                continue
            del annotation.A
            annotation.Dest = String(address.fragment)


# -- bookmarks -----------------------------------------------------------------------------------

def bookmarks_of(document) -> list[dict]:
    """A rendered WeasyPrint document's bookmarks, page by page, in PDF
    coordinates: what the joined outline is made from."""
    pages = []
    for page in document.pages:
        marks = [[level, label, point_x * PX_TO_PT, (page.height - point_y) * PX_TO_PT, state]
                 for level, label, (point_x, point_y), state in page.bookmarks]
        pages.append({"bookmarks": marks})
    return pages


def _set_outline(pdf: pikepdf.Pdf, pages: list[dict]) -> None:
    """The outline of the whole book: each bookmark under the last one of a lower level before it."""
    root: list = []
    open_levels: list[tuple[int, list]] = [(0, root)]
    for number, page in enumerate(pages):
        for level, label, x, y, state in page["bookmarks"]:
            while open_levels[-1][0] >= level:
                open_levels.pop()
            children: list = []
            open_levels[-1][1].append((label, number, x, y, state, children))
            open_levels.append((level, children))
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines))
    count = _outline_items(pdf, outlines, root)
    if root:
        outlines.Count = count
        pdf.Root.Outlines = outlines
    elif "/Outlines" in pdf.Root:
        del pdf.Root.Outlines


def _outline_items(pdf: pikepdf.Pdf, parent: pikepdf.Object, items: Iterable) -> int:
    """Write ``items`` under ``parent``; returns how many are visible (open ones with their children)."""
    made = []
    visible = 0
    for label, page, x, y, state, children in items:
        item = pdf.make_indirect(Dictionary(
            Title=String(label), Parent=parent,
            Dest=Array([pdf.pages[page].obj, Name.XYZ, x, y, 0]),
        ))
        shown = _outline_items(pdf, item, children)
        if children:
            item.Count = shown if state != "closed" else -shown
        visible += 1 + (shown if state != "closed" else 0)
        if made:
            item.Prev = made[-1]
            made[-1].Next = item
        made.append(item)
    if made:
        parent.First, parent.Last = made[0], made[-1]
    return visible

