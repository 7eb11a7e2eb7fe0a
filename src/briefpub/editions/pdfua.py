"""PDF/UA-1 that holds: what WeasyPrint's tagging leaves undone, finished.

WeasyPrint (70) claims PDF/UA-1 with ``pdf_variant="pdf/ua-1"`` and tags the
document, but builds its structure tree page by page
(``weasyprint/pdf/tags.py``): every page gets its own ``Part`` and ``Sect``
elements, so a section is cut in as many elements as it has pages; running
heads and page numbers are marked as tagged content and hung from elements no
path from the structure root reaches, instead of being artifacts; a list
item's content is put in the ``LI`` itself, without ``LBody``; a ``<nav>`` is
``NonStruct``; and a link annotation's ``/Contents`` is its target's name, an
English slug in every language.

Each is fixed at the depth that can see it:

- link descriptions, in ``describe_links``: a *finisher*, WeasyPrint's hook
  for the PDF objects before they are written, which still knows each link
  annotation's HTML element, so the annotation says what its visible text
  says, in the edition's language (and is printed, like the text);
- everything else in ``finish``, a post-processing step with pikepdf on the
  written PDF, because no option or hook of WeasyPrint reaches the shape of
  the structure tree or the marked content of the pages: margin content
  becomes ``/Artifact /Pagination``, the fragments of one element on
  consecutive pages become one element, list items get ``Lbl``/``LBody``,
  the contents becomes ``TOC``/``TOCI``, a ``Link`` element takes its
  annotation's description as ``/Alt``, the parent tree is rebuilt from the
  structure tree, and the XMP states ``dc:language``.

Which fragments continue one another is not written in the PDF; it is read
from the shape of the tree: at a page break, the last element of a page and
the first of the next are the same element when they have the same container
type and the later one does not begin with a heading (a section always does,
see ``CONTINUED``).

Then ``problems`` checks the claims of PDF/UA-1 this module is about; an
edition that does not meet them does not claim PDF/UA (its ``pdfuaid`` is
removed, and the builder says why).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

CONTINUED = {"/Part", "/Art", "/Sect", "/Div", "/BlockQuote", "/NonStruct", "/L", "/Table", "/TBody",
             "/TOC"}
"""Containers that a page break cuts in two fragments, to join again."""

SECTIONING = {"/Part", "/Art", "/Sect"}
"""Containers that begin with their heading: a fragment that begins with one is a new element."""

HEADINGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}

PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"


# -- the finisher: WeasyPrint's objects, before they are written ---------------------------------

def visible_text(element) -> str:
    """The text a reader sees in an HTML element, whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


def describe_links(document, pdf) -> None:
    """Describe every link annotation by the visible text of its link.

    A WeasyPrint *finisher* (``write_pdf(finisher=...)``): WeasyPrint sets
    ``/Contents`` to the link's target, a slug made from the source
    language's heading; the visible text is what a screen reader should say.
    The Print flag (4) makes the annotation part of the printed page, as
    PDF/UA asks of annotations that carry content.
    """
    import pydyf

    for page in document.pages:
        for _, target, _, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            if annotation is None:
                continue
            text = visible_text(box.element) if box.element is not None else ""
            annotation["Contents"] = pydyf.String(text or target)
            annotation["F"] = 4


# -- the structure tree, read and changed with pikepdf -------------------------------------------

def kids(element: pikepdf.Object) -> list:
    kid = element.get("/K")
    if kid is None:
        return []
    return list(kid) if isinstance(kid, Array) else [kid]


def is_element(kid) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type", Name.StructElem) == Name.StructElem and "/S" in kid


def elements(element: pikepdf.Object) -> list:
    return [kid for kid in kids(element) if is_element(kid)]


def walk(element: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """The element and every element below it, in reading order."""
    yield element
    for kid in elements(element):
        yield from walk(kid)


def set_kids(element: pikepdf.Object, new: list) -> None:
    for kid in new:
        if is_element(kid):
            kid.P = element
    element.K = Array(new)


def new_element(pdf: pikepdf.Pdf, kind: str, parent: pikepdf.Object, children: list) -> pikepdf.Object:
    element = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name(kind), P=parent))
    if "/Pg" in parent:
        element.Pg = parent.Pg
    set_kids(element, children)
    return element


def page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: number for number, page in enumerate(pdf.pages)}


def root_elements(pdf: pikepdf.Pdf) -> list:
    return elements(pdf.Root.StructTreeRoot)


def reachable(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    return {element.objgen for top in root_elements(pdf) for element in walk(top)}


# Artifacts: the page's margins -----------------------------------------------------------------

def margins_to_artifacts(pdf: pikepdf.Pdf) -> int:
    """Mark the content of elements no path from the root reaches (WeasyPrint's
    margin boxes: running heads, page numbers) as pagination artifacts."""
    tree = pdf.Root.StructTreeRoot
    found = reachable(pdf)
    numbers = list(tree.ParentTree.get("/Nums", []))
    parents = dict(zip(numbers[::2], numbers[1::2]))
    changed = 0
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parents or not isinstance(parents[int(key)], Array):
            continue
        orphans = {mcid for mcid, parent in enumerate(parents[int(key)])
                   if isinstance(parent, Dictionary) and parent.objgen not in found}
        if not orphans:
            continue
        rewritten = []
        for instruction in pikepdf.parse_content_stream(page):
            operands = instruction.operands
            if (str(instruction.operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], Dictionary)
                    and int(operands[1].get("/MCID", -1)) in orphans):
                instruction = pikepdf.ContentStreamInstruction(
                    [Name.Artifact, Dictionary(Type=Name.Pagination)], instruction.operator)
                changed += 1
            rewritten.append(instruction)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(rewritten))
    return changed


# One element per element of the HTML, across pages -------------------------------------------

class Pages:
    """Where elements lie: the page an element is marked on, and the last
    page its content reaches (remembered, so that joining the fragments of a
    long document reads each element once, not once per page break)."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.numbers = page_index(pdf)
        self._last: dict[tuple[int, int], int] = {}

    def first(self, element: pikepdf.Object) -> int:
        return self.numbers.get(element.Pg.objgen, 0) if "/Pg" in element else 0

    def last(self, element: pikepdf.Object) -> int:
        key = element.objgen
        if key in self._last:
            return self._last[key]
        last = max([self.first(element), *(self.last(kid) for kid in elements(element))])
        if key != (0, 0):  # a direct object has no identity to remember it by
            self._last[key] = last
        return last

    def joined(self, element: pikepdf.Object, fragment: pikepdf.Object) -> None:
        """``element`` took in the content of ``fragment``."""
        last = max(self.last(element), self.last(fragment))
        if element.objgen != (0, 0):
            self._last[element.objgen] = last


def continues(before: pikepdf.Object, after: pikepdf.Object, pages: Pages) -> bool:
    """Whether ``after`` is the rest, on the next page, of ``before``."""
    if before.S != after.S or str(before.S) not in CONTINUED:
        return False
    if pages.first(after) <= pages.last(before):
        return False
    opening = elements(after)
    return not (str(after.S) in SECTIONING and opening and str(opening[0].S) in HEADINGS)


def content_reference(kid, element: pikepdf.Object) -> pikepdf.Object:
    """A kid moved to another element keeps its page: a bare MCID becomes a marked-content reference."""
    if isinstance(kid, int):
        return Dictionary(Type=Name.MCR, Pg=element.Pg, MCID=int(kid))
    return kid


def join_fragments(element: pikepdf.Object, pages: Pages) -> int:
    """Join, below ``element``, every fragment with the one it continues."""
    joined = 0
    result: list = []
    for kid in kids(element):
        previous = result[-1] if result else None
        if previous is not None and is_element(previous) and is_element(kid) and continues(previous, kid, pages):
            moved = [content_reference(grandkid, kid) for grandkid in kids(kid)]
            set_kids(previous, kids(previous) + moved)
            pages.joined(previous, kid)
            joined += 1
        else:
            result.append(kid)
    set_kids(element, result)
    for kid in elements(element):
        joined += join_fragments(kid, pages)
    return joined


def drop_empty(element: pikepdf.Object) -> int:
    """Remove grouping elements that hold nothing (WeasyPrint's anonymous boxes without content)."""
    dropped = sum(drop_empty(kid) for kid in elements(element))
    empty = [kid for kid in elements(element) if not kids(kid) and str(kid.S) in ("/NonStruct", "/Span", "/Div")]
    if empty:
        gone = {kid.objgen for kid in empty}
        set_kids(element, [kid for kid in kids(element) if not (is_element(kid) and kid.objgen in gone)])
    return dropped + len(empty)


# Lists -----------------------------------------------------------------------------------------

def link_list(element: pikepdf.Object) -> bool:
    """A list whose every item is links to places in this document (a contents)."""
    items = elements(element)
    if str(element.S) != "/L" or not items:
        return False
    for item in items:
        if str(item.S) == "/L":
            if not link_list(item):
                return False
            continue
        links = [e for e in walk(item) if str(e.S) == "/Link"]
        if str(item.S) != "/LI" or not links:
            return False
        for link in links:
            for kid in kids(link):
                if is_annotation(kid) and "/Dest" not in kid.Obj:
                    return False
    return True


def to_toc(listing: pikepdf.Object) -> list:
    """The items of a contents list as ``TOCI`` (a ``Lbl``, then the entry's
    paragraph); a nested list becomes a ``TOC`` inside its item, whether
    WeasyPrint put it in the item's body or after the item."""
    items: list = []
    for item in elements(listing):
        if str(item.S) == "/L" and items:
            item.S = Name.TOC
            set_kids(item, to_toc(item))
            set_kids(items[-1], kids(items[-1]) + [item])
            continue
        item.S = Name.TOCI
        entry: list = []
        for kid in kids(item):
            inner = kids(kid) if is_element(kid) and str(kid.S) == "/LBody" else [kid]
            for part in inner:
                if is_element(part) and str(part.S) == "/L":
                    part.S = Name.TOC
                    set_kids(part, to_toc(part))
                entry.append(part)
        set_kids(item, entry)
        items.append(item)
    return items


def contents_to_toc(pdf: pikepdf.Pdf) -> int:
    """The contents (a ``<nav>``: a title, then a list of links within the
    document) becomes ``TOC``, its title the ``Caption``, its items ``TOCI``."""
    made = 0
    for top in root_elements(pdf):
        for element in list(walk(top)):
            parts = elements(element)
            if str(element.S) != "/NonStruct" or not parts or not link_list(parts[-1]):
                continue
            if any(str(part.S) not in ("/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6") for part in parts[:-1]):
                continue
            element.S = Name.TOC
            for title in parts[:-1]:
                title.S = Name.Caption
            set_kids(element, kids(element)[:-1] + to_toc(parts[-1]))
            made += 1
    return made


def list_bodies(pdf: pikepdf.Pdf) -> int:
    """Every ``LI`` holds a ``Lbl`` (its bullet or number) and one ``LBody``
    (its content, with the list nested in it, which WeasyPrint puts after the
    item in the outer list)."""
    wrapped = 0
    for top in root_elements(pdf):
        for listing in [e for e in walk(top) if str(e.S) == "/L"]:
            result: list = []
            for kid in kids(listing):
                if is_element(kid) and str(kid.S) == "/L" and result and str(result[-1].S) == "/LI":
                    body = [k for k in elements(result[-1]) if str(k.S) == "/LBody"][0]
                    set_kids(body, kids(body) + [kid])
                    continue
                if is_element(kid) and str(kid.S) == "/LI":
                    labels = [k for k in kids(kid) if is_element(k) and str(k.S) == "/Lbl"]
                    rest = [k for k in kids(kid) if not (is_element(k) and str(k.S) == "/Lbl")]
                    if not (len(rest) == 1 and is_element(rest[0]) and str(rest[0].S) == "/LBody"):
                        set_kids(kid, labels + [new_element(pdf, "/LBody", kid, rest)])
                        wrapped += 1
                result.append(kid)
            set_kids(listing, result)
    return wrapped


# Links -----------------------------------------------------------------------------------------

def annotations_of(link: pikepdf.Object) -> list:
    return [kid.Obj for kid in kids(link) if is_annotation(kid)]


def target_of(annotation: pikepdf.Object) -> str:
    if "/Dest" in annotation:
        return "#" + str(annotation.Dest)
    return str(annotation.get("/A", {}).get("/URI", ""))


def is_annotation(kid) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR


def gather_links(element: pikepdf.Object, in_link: bool = False) -> list:
    """Make every link annotation a kid of the ``Link`` element of its link.

    WeasyPrint hangs the annotation of a ``<span>`` inside a link from that
    ``Span``, and makes the ``::before``/``::after`` of a link (a footnote's
    brackets, a leader and page number in the contents) a ``Link`` inside
    the ``Link``.  Here the inner ones become ``Span`` and give their
    annotations to the outer ``Link``; an element that holds an annotation
    outside any link becomes the ``Link``.  Returns the annotations to lift.
    """
    kind = str(element.get("/S", ""))
    if in_link and kind == "/Link":
        element.S = Name.Span
    elif not in_link and kind != "/Link" and any(is_annotation(kid) for kid in kids(element)):
        element.S = Name.Link
    here = str(element.get("/S", "")) == "/Link"
    result, lifted = [], []
    for kid in kids(element):
        if is_annotation(kid) and in_link:
            lifted.append(kid)
            continue
        result.append(kid)
        if is_element(kid):
            (result if here else lifted).extend(gather_links(kid, in_link or here))
    set_kids(element, result)
    return lifted


def describe_link_elements(pdf: pikepdf.Pdf) -> int:
    """A ``Link`` element and all its annotations say what its first
    annotation says, the link's visible text (``/Alt``, ``/Contents``); the
    pieces of one link broken over two lines are one ``Link``."""
    described = 0
    gather_links(pdf.Root.StructTreeRoot)
    for top in root_elements(pdf):
        for element in list(walk(top)):
            result: list = []
            for kid in kids(element):
                previous = result[-1] if result else None
                if (is_element(kid) and str(kid.S) == "/Link" and previous is not None and is_element(previous)
                        and str(previous.S) == "/Link" and same_link(previous, kid)):
                    moved = [content_reference(k, kid) for k in kids(kid)]
                    set_kids(previous, kids(previous) + moved)
                    continue
                result.append(kid)
            set_kids(element, result)
    for top in root_elements(pdf):
        for link in walk(top):
            annotations = annotations_of(link) if str(link.S) == "/Link" else []
            if annotations and "/Contents" in annotations[0]:
                link.Alt = annotations[0].Contents
                for annotation in annotations:
                    annotation.Contents = link.Alt
                described += 1
    return described


def same_link(first: pikepdf.Object, second: pikepdf.Object) -> bool:
    one, other = annotations_of(first), annotations_of(second)
    return bool(one and other) and target_of(one[0]) == target_of(other[0]) and \
        str(one[0].get("/Contents", "")) == str(other[0].get("/Contents", ""))


# The parent tree and the metadata --------------------------------------------------------------

def rebuild_parent_tree(pdf: pikepdf.Pdf) -> None:
    """Map every MCID and annotation to the element that holds it now."""
    by_page: dict[int, dict[int, pikepdf.Object]] = {}
    annotations: dict[int, pikepdf.Object] = {}
    keys = {page.obj.objgen: int(page.obj.StructParents) for page in pdf.pages if "/StructParents" in page.obj}
    for top in root_elements(pdf):
        for element in walk(top):
            for kid in kids(element):
                if is_annotation(kid):
                    annotations[int(kid.Obj.StructParent)] = element
                elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                    by_page.setdefault(keys[kid.Pg.objgen], {})[int(kid.MCID)] = element
                elif not isinstance(kid, Dictionary):
                    by_page.setdefault(keys[element.Pg.objgen], {})[int(kid)] = element
    numbers = Array()
    for key in sorted(set(keys.values()) | set(annotations)):
        if key in annotations:
            numbers.extend([key, annotations[key]])
            continue
        marked = by_page.get(key, {})
        numbers.extend([key, pdf.make_indirect(Array(
            [marked.get(mcid, None) for mcid in range(max(marked, default=-1) + 1)]))])
    tree = pdf.Root.StructTreeRoot
    tree.ParentTree = pdf.make_indirect(Dictionary(Nums=numbers))
    tree.ParentTreeNextKey = max([*keys.values(), *annotations], default=-1) + 1


def state_language(pdf: pikepdf.Pdf, lang: str) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:language"] = [lang]


def drop_claim(pdf: pikepdf.Pdf) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        if f"{{{PDFUA_NS}}}part" in meta:
            del meta[f"{{{PDFUA_NS}}}part"]


def claims_pdfua(pdf: pikepdf.Pdf) -> bool:
    return f"{{{PDFUA_NS}}}part" in pdf.open_metadata()


# The claims, checked ---------------------------------------------------------------------------

def problems(pdf: pikepdf.Pdf) -> list[str]:
    """What keeps the PDF from being the PDF/UA this module makes, in words."""
    found = []
    tops = root_elements(pdf)
    everything = [element for top in tops for element in walk(top)]
    reached = {element.objgen for element in everything}
    numbers = list(pdf.Root.StructTreeRoot.ParentTree.get("/Nums", []))
    for key, parents in zip(numbers[::2], numbers[1::2]):
        if isinstance(parents, Array):
            stray = [p for p in parents if isinstance(p, Dictionary) and p.objgen not in reached]
            if stray:
                found.append(f"content of page key {key} belongs to elements outside the structure tree")
    for element in everything:
        kind = str(element.S)
        parts = [str(k.S) for k in elements(element)]
        if kind == "/LI" and ("/LBody" not in parts or set(parts) - {"/Lbl", "/LBody"}):
            found.append(f"a list item holds {parts}, not Lbl and LBody")
        if kind == "/Link":
            annotations = annotations_of(element)
            if not annotations or "/Alt" not in element:
                found.append("a Link element without its annotation or description")
            for annotation in annotations:
                if str(annotation.get("/Contents", "")) != str(element.get("/Alt", "")):
                    found.append(f"a link annotation described as {str(annotation.get('/Contents'))!r}")
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") == Name.Link and "/StructParent" not in annotation:
                found.append("a link annotation outside the structure tree")
    pages = Pages(pdf)
    for parent in everything:
        siblings = elements(parent)
        for before, after in zip(siblings, siblings[1:]):
            if continues(before, after, pages):
                found.append(f"a {after.S} element continues the one before it on the next page")
    if "dc:language" not in pdf.open_metadata():
        found.append("the XMP metadata states no dc:language")
    return found


def shape(pdf: pikepdf.Pdf) -> None:
    """Give WeasyPrint's structure tree the shape PDF/UA asks for (all but the parent tree and metadata)."""
    margins_to_artifacts(pdf)
    drop_empty(pdf.Root.StructTreeRoot)
    join_fragments(pdf.Root.StructTreeRoot, Pages(pdf))
    contents_to_toc(pdf)
    list_bodies(pdf)
    describe_link_elements(pdf)


def finish(path: Path, lang: str, shaped: bool = False) -> list[str]:
    """Make the PDF at ``path`` the PDF/UA-1 it claims, or drop the claim.

    ``shaped``: the PDF was joined from parts shaped one by one
    (:func:`shape`); what the page breaks between two parts cut in two is
    joined here.  Returns the problems left (none when the claim holds).
    """
    with pikepdf.open(path) as pdf:
        if shaped:
            join_fragments(pdf.Root.StructTreeRoot, Pages(pdf))
        else:
            shape(pdf)
        rebuild_parent_tree(pdf)
        state_language(pdf, lang)
        left = problems(pdf)
        if left:
            drop_claim(pdf)
        finished = path.with_suffix(".ua" + path.suffix)
        pdf.save(finished, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finished.replace(path)
    return left
