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

The steps work on the structure tree read once into plain records
(``Tree``: each element's type, page and kids), written back once when they
are done: asked of pikepdf again at every step, the same objects cost more
than all the changes.  A page's margin content is found in the text of its
unparsed content stream, not instruction by instruction (``as_artifacts``).

Then ``problems`` checks the claims of PDF/UA-1 this module is about; an
edition that does not meet them does not claim PDF/UA (its ``pdfuaid`` is
removed, and the builder says why).
"""

from __future__ import annotations

import re
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

STRUCT_ELEM, OBJR = Name.StructElem, Name.OBJR
"""Made once: pikepdf makes a new name each time ``Name.StructElem`` is spelled."""


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


# -- the structure tree, read once into plain records ---------------------------------------------

class Element:
    """A structure element as read from the PDF: its type (``kind``, the
    ``/S`` name as text), the page it is marked on (``page``, its number, 0
    when it names none; ``page_key``, the page object's number) and its
    ``kids`` in order: elements, :class:`Annotation`, marked-content ids
    (``int``) and whatever else as pikepdf gives it (marked-content
    references).

    The steps below change ``kind`` and ``kids`` (the latter only with
    :func:`set_kids`, which also records the element's new ``parent``);
    :meth:`Tree.write` gives the PDF what they changed."""

    __slots__ = ("obj", "key", "kind", "read_kind", "page", "page_key", "kids", "read_kids", "parent", "rekidded")

    def __init__(self, obj: pikepdf.Object, key: tuple[int, int], kind: str, page: int,
                 page_key: tuple[int, int] | None):
        self.obj = obj
        self.key = key
        self.kind = self.read_kind = kind
        self.page = page
        self.page_key = page_key
        self.kids: list = []
        self.read_kids: list | None = None  # the kids as read, when /K holds them as write() would
        self.parent: Element | None = None
        self.rekidded = False


class Annotation:
    """A link annotation hung from the tree: ``ref`` the ``OBJR`` kid, ``obj`` the annotation."""

    __slots__ = ("ref", "obj")

    def __init__(self, ref: pikepdf.Object):
        self.ref = ref
        self.obj = ref.get("/Obj")


class Tree:
    """The structure tree of a PDF, read once from ``StructTreeRoot``
    (``root``, an :class:`Element` without a type), with the elements made
    since, all to be written back by :meth:`write`."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.numbers = page_index(pdf)
        self.known: dict[object, Element] = {}  # by object number (see remember)
        self.root = self.read(pdf.Root.StructTreeRoot)

    def read(self, obj: pikepdf.Object) -> Element:
        """The element ``obj``, with every element below it."""
        key = obj.objgen
        if key in self.known:
            return self.known[key]
        page = obj.get("/Pg")
        page_key = page.objgen if page is not None else None
        element = Element(obj, key, str(obj.get("/S", "")), self.numbers.get(page_key, 0), page_key)
        self.remember(element)
        stored = obj.get("/K")
        if isinstance(stored, Array):
            element.kids = [self.kid(kid) for kid in stored.as_list()]
            if not stored.is_indirect:
                element.read_kids = element.kids
        elif stored is not None:
            element.kids = [self.kid(stored)]
        return element

    def kid(self, kid):
        """A kid as the steps see it: an element read, an annotation, or as pikepdf gives it."""
        if isinstance(kid, int):
            return kid
        if isinstance(kid, Dictionary):
            kind = kid.get("/Type")
            if (kind is None or kind == STRUCT_ELEM) and "/S" in kid:
                return self.read(kid)
            if kind == OBJR:
                return Annotation(kid)
        return kid

    def remember(self, element: Element) -> None:
        key = element.key if element.key != (0, 0) else id(element)  # a direct object has no identity of its own
        self.known[key] = element

    def new_element(self, kind: str, parent: Element, children: list) -> Element:
        obj = self.pdf.make_indirect(Dictionary(Type=STRUCT_ELEM, S=Name(kind), P=parent.obj))
        if "/Pg" in parent.obj:
            obj.Pg = parent.obj.Pg
        element = Element(obj, obj.objgen, kind, parent.page, parent.page_key)
        self.remember(element)
        set_kids(element, children)
        return element

    def write(self) -> None:
        """Give the PDF what the steps changed: types, parents, and the kids
        of every element given kids by ``set_kids`` (unless they are those
        read, which the PDF already holds so)."""
        for element in self.known.values():
            if element.kind != element.read_kind:
                element.obj.S = Name(element.kind)
            if element.parent is not None:
                element.obj.P = element.parent.obj
            if element.rekidded and element.kids != element.read_kids:
                element.obj.K = Array([stored(kid) for kid in element.kids])


def stored(kid):
    """A kid as the PDF holds it."""
    if isinstance(kid, Element):
        return kid.obj
    if isinstance(kid, Annotation):
        return kid.ref
    return kid


def elements(element: Element) -> list[Element]:
    return [kid for kid in element.kids if isinstance(kid, Element)]


def walk(element: Element) -> list[Element]:
    """The element and every element below it, in reading order."""
    found, waiting = [], [element]
    while waiting:
        element = waiting.pop()
        found.append(element)
        waiting.extend(reversed(elements(element)))
    return found


def below_root(tree: Tree) -> list[Element]:
    return [element for top in elements(tree.root) for element in walk(top)]


def set_kids(element: Element, new: list) -> None:
    for kid in new:
        if isinstance(kid, Element):
            kid.parent = element
    element.kids = new
    element.rekidded = True


def page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: number for number, page in enumerate(pdf.pages)}


# Artifacts: the page's margins -----------------------------------------------------------------

MARKED = re.compile(rb"^/[^\s()<>\[\]{}/%]* << /MCID (-?\d+) >> BDC$", re.MULTILINE)
"""An unparsed instruction that begins marked content with a tag and an MCID alone, as WeasyPrint writes it."""

ENDS_BDC = re.compile(rb"BDC$", re.MULTILINE)
"""A line that ends in ``BDC``: among them, every unparsed instruction that begins marked content."""

PAGINATION = pikepdf.ContentStreamInstruction([Name.Artifact, Dictionary(Type=Name.Pagination)],
                                              pikepdf.Operator("BDC"))
PAGINATION_LINE = pikepdf.unparse_content_stream([PAGINATION])


def margins_to_artifacts(pdf: pikepdf.Pdf, tree: Tree) -> int:
    """Mark the content of elements no path from the root reaches (WeasyPrint's
    margin boxes: running heads, page numbers) as pagination artifacts."""
    found = {element.key for element in below_root(tree)}
    numbers = list(pdf.Root.StructTreeRoot.ParentTree.get("/Nums", []))
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
        content, count = as_artifacts(pikepdf.parse_content_stream(page), orphans)
        page.obj.Contents = pdf.make_stream(content)
        changed += count
    return changed


def as_artifacts(instructions: list, mcids: set[int]) -> tuple[bytes, int]:
    """The unparsed ``instructions``, the marked content of ``mcids`` begun as
    pagination artifacts instead; and how many were.

    What pikepdf unparses is one instruction a line: operands, then the
    operator, separated by spaces, and lines broken only between
    instructions (a string's line break is escaped; inline image data could
    hold one, which the count of line breaks tells).  A line that matches
    ``MARKED`` is then a ``BDC`` with a tag and a dictionary of the MCID
    alone, and nothing else: text is shown by ``TJ``/``Tj`` lines.  When
    every line that ends in ``BDC`` matches (WeasyPrint writes no other),
    the lines to change are found in the text, and changing them there gives
    the bytes that changing the instructions and unparsing them would.
    Otherwise the instructions are changed one by one."""
    content = pikepdf.unparse_content_stream(instructions)
    if content.count(b"\n") == len(instructions) - 1:
        changed = 0

        def artifact(line: re.Match) -> bytes:
            nonlocal changed
            if int(line[1]) not in mcids:
                return line[0]
            changed += 1
            return PAGINATION_LINE

        rewritten, marked = MARKED.subn(artifact, content)
        if marked == len(ENDS_BDC.findall(content)):
            return rewritten, changed
    changed = 0
    rewritten = []
    for instruction in instructions:
        operands = instruction.operands
        if (str(instruction.operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], Dictionary)
                and int(operands[1].get("/MCID", -1)) in mcids):
            instruction = PAGINATION
            changed += 1
        rewritten.append(instruction)
    return pikepdf.unparse_content_stream(rewritten), changed


# One element per element of the HTML, across pages -------------------------------------------

class Pages:
    """The last page an element's content reaches (remembered, so that
    joining the fragments of a long document reads each element once, not
    once per page break)."""

    def __init__(self):
        self._last: dict[Element, int] = {}

    def last(self, element: Element) -> int:
        if element in self._last:
            return self._last[element]
        last = max([element.page, *(self.last(kid) for kid in elements(element))])
        if element.key != (0, 0):  # a direct object has no identity to remember it by
            self._last[element] = last
        return last

    def joined(self, element: Element, fragment: Element) -> None:
        """``element`` took in the content of ``fragment``."""
        last = max(self.last(element), self.last(fragment))
        if element.key != (0, 0):
            self._last[element] = last


def continues(before: Element, after: Element, pages: Pages) -> bool:
    """Whether ``after`` is the rest, on the next page, of ``before``."""
    if before.kind != after.kind or before.kind not in CONTINUED:
        return False
    if after.page <= pages.last(before):
        return False
    opening = elements(after)
    return not (after.kind in SECTIONING and opening and opening[0].kind in HEADINGS)


def content_reference(kid, element: Element):
    """A kid moved to another element keeps its page: a bare MCID becomes a marked-content reference."""
    if isinstance(kid, int):
        return Dictionary(Type=Name.MCR, Pg=element.obj.Pg, MCID=int(kid))
    return kid


def join_fragments(element: Element, pages: Pages) -> int:
    """Join, below ``element``, every fragment with the one it continues."""
    joined = 0
    result: list = []
    for kid in element.kids:
        previous = result[-1] if result else None
        if isinstance(previous, Element) and isinstance(kid, Element) and continues(previous, kid, pages):
            moved = [content_reference(grandkid, kid) for grandkid in kid.kids]
            set_kids(previous, previous.kids + moved)
            pages.joined(previous, kid)
            joined += 1
        else:
            result.append(kid)
    set_kids(element, result)
    for kid in elements(element):
        joined += join_fragments(kid, pages)
    return joined


def drop_empty(element: Element) -> int:
    """Remove grouping elements that hold nothing (WeasyPrint's anonymous boxes without content)."""
    dropped = sum(drop_empty(kid) for kid in elements(element))
    empty = [kid for kid in elements(element) if not kid.kids and kid.kind in ("/NonStruct", "/Span", "/Div")]
    if empty:
        gone = {kid.key for kid in empty}
        set_kids(element, [kid for kid in element.kids if not (isinstance(kid, Element) and kid.key in gone)])
    return dropped + len(empty)


# Lists -----------------------------------------------------------------------------------------

def link_list(element: Element) -> bool:
    """A list whose every item is links to places in this document (a contents)."""
    items = elements(element)
    if element.kind != "/L" or not items:
        return False
    for item in items:
        if item.kind == "/L":
            if not link_list(item):
                return False
            continue
        links = [e for e in walk(item) if e.kind == "/Link"]
        if item.kind != "/LI" or not links:
            return False
        for link in links:
            for annotation in annotations_of(link):
                if "/Dest" not in annotation:
                    return False
    return True


def to_toc(listing: Element) -> list:
    """The items of a contents list as ``TOCI`` (a ``Lbl``, then the entry's
    paragraph); a nested list becomes a ``TOC`` inside its item, whether
    WeasyPrint put it in the item's body or after the item."""
    items: list = []
    for item in elements(listing):
        if item.kind == "/L" and items:
            item.kind = "/TOC"
            set_kids(item, to_toc(item))
            set_kids(items[-1], items[-1].kids + [item])
            continue
        item.kind = "/TOCI"
        entry: list = []
        for kid in item.kids:
            inner = kid.kids if isinstance(kid, Element) and kid.kind == "/LBody" else [kid]
            for part in inner:
                if isinstance(part, Element) and part.kind == "/L":
                    part.kind = "/TOC"
                    set_kids(part, to_toc(part))
                entry.append(part)
        set_kids(item, entry)
        items.append(item)
    return items


def contents_to_toc(tree: Tree) -> int:
    """The contents (a ``<nav>``: a title, then a list of links within the
    document) becomes ``TOC``, its title the ``Caption``, its items ``TOCI``."""
    made = 0
    for element in below_root(tree):
        parts = elements(element)
        if element.kind != "/NonStruct" or not parts or not link_list(parts[-1]):
            continue
        if any(part.kind not in ("/P", *HEADINGS) for part in parts[:-1]):
            continue
        element.kind = "/TOC"
        for title in parts[:-1]:
            title.kind = "/Caption"
        set_kids(element, element.kids[:-1] + to_toc(parts[-1]))
        made += 1
    return made


def list_bodies(tree: Tree) -> int:
    """Every ``LI`` holds a ``Lbl`` (its bullet or number) and one ``LBody``
    (its content, with the list nested in it, which WeasyPrint puts after the
    item in the outer list)."""
    wrapped = 0
    for listing in [e for e in below_root(tree) if e.kind == "/L"]:
        result: list = []
        for kid in listing.kids:
            if not isinstance(kid, Element):
                result.append(kid)
                continue
            if kid.kind == "/L" and result and isinstance(result[-1], Element) and result[-1].kind == "/LI":
                body = [k for k in elements(result[-1]) if k.kind == "/LBody"][0]
                set_kids(body, body.kids + [kid])
                continue
            if kid.kind == "/LI":
                labels = [k for k in kid.kids if isinstance(k, Element) and k.kind == "/Lbl"]
                rest = [k for k in kid.kids if not (isinstance(k, Element) and k.kind == "/Lbl")]
                if not (len(rest) == 1 and isinstance(rest[0], Element) and rest[0].kind == "/LBody"):
                    set_kids(kid, labels + [tree.new_element("/LBody", kid, rest)])
                    wrapped += 1
            result.append(kid)
        set_kids(listing, result)
    return wrapped


# Links -----------------------------------------------------------------------------------------

def annotations_of(link: Element) -> list:
    return [kid.obj for kid in link.kids if isinstance(kid, Annotation)]


def target_of(annotation: pikepdf.Object) -> str:
    if "/Dest" in annotation:
        return "#" + str(annotation.Dest)
    return str(annotation.get("/A", {}).get("/URI", ""))


def gather_links(element: Element, in_link: bool = False) -> list:
    """Make every link annotation a kid of the ``Link`` element of its link.

    WeasyPrint hangs the annotation of a ``<span>`` inside a link from that
    ``Span``, and makes the ``::before``/``::after`` of a link (a footnote's
    brackets, a leader and page number in the contents) a ``Link`` inside
    the ``Link``.  Here the inner ones become ``Span`` and give their
    annotations to the outer ``Link``; an element that holds an annotation
    outside any link becomes the ``Link``.  Returns the annotations to lift.
    """
    if in_link and element.kind == "/Link":
        element.kind = "/Span"
    elif not in_link and element.kind != "/Link" and any(isinstance(kid, Annotation) for kid in element.kids):
        element.kind = "/Link"
    here = element.kind == "/Link"
    result, lifted = [], []
    for kid in element.kids:
        if isinstance(kid, Annotation) and in_link:
            lifted.append(kid)
            continue
        result.append(kid)
        if isinstance(kid, Element):
            (result if here else lifted).extend(gather_links(kid, in_link or here))
    set_kids(element, result)
    return lifted


def describe_link_elements(tree: Tree) -> int:
    """A ``Link`` element and all its annotations say what its first
    annotation says, the link's visible text (``/Alt``, ``/Contents``); the
    pieces of one link broken over two lines are one ``Link``."""
    described = 0
    gather_links(tree.root)
    for element in below_root(tree):
        result: list = []
        for kid in element.kids:
            previous = result[-1] if result else None
            if (isinstance(kid, Element) and kid.kind == "/Link" and isinstance(previous, Element)
                    and previous.kind == "/Link" and same_link(previous, kid)):
                moved = [content_reference(k, kid) for k in kid.kids]
                set_kids(previous, previous.kids + moved)
                continue
            result.append(kid)
        set_kids(element, result)
    for link in below_root(tree):
        annotations = annotations_of(link) if link.kind == "/Link" else []
        if annotations and "/Contents" in annotations[0]:
            link.obj.Alt = annotations[0].Contents
            for annotation in annotations:
                annotation.Contents = link.obj.Alt
            described += 1
    return described


def same_link(first: Element, second: Element) -> bool:
    one, other = annotations_of(first), annotations_of(second)
    return bool(one and other) and target_of(one[0]) == target_of(other[0]) and \
        str(one[0].get("/Contents", "")) == str(other[0].get("/Contents", ""))


# The parent tree and the metadata --------------------------------------------------------------

def rebuild_parent_tree(pdf: pikepdf.Pdf, tree: Tree) -> None:
    """Map every MCID and annotation to the element that holds it now."""
    by_page: dict[int, dict[int, pikepdf.Object]] = {}
    annotations: dict[int, pikepdf.Object] = {}
    keys = {page.obj.objgen: int(page.obj.StructParents) for page in pdf.pages if "/StructParents" in page.obj}
    for element in below_root(tree):
        for kid in element.kids:
            if isinstance(kid, Element):
                continue
            if isinstance(kid, Annotation):
                annotations[int(kid.obj.StructParent)] = element.obj
            elif isinstance(kid, Dictionary):
                if kid.get("/Type") == Name.MCR:
                    by_page.setdefault(keys[kid.Pg.objgen], {})[int(kid.MCID)] = element.obj
            else:
                by_page.setdefault(keys[element.page_key], {})[int(kid)] = element.obj
    numbers: list = []  # not an Array: extending a pikepdf Array costs as much as its length
    for key in sorted(set(keys.values()) | set(annotations)):
        if key in annotations:
            numbers += [key, annotations[key]]
            continue
        marked = by_page.get(key, {})
        numbers += [key, pdf.make_indirect(Array(
            [marked.get(mcid, None) for mcid in range(max(marked, default=-1) + 1)]))]
    root = pdf.Root.StructTreeRoot
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(numbers)))
    root.ParentTreeNextKey = max([*keys.values(), *annotations], default=-1) + 1


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
    """What keeps the PDF from being the PDF/UA this module makes, in words
    (read from the PDF as it is, not from what the steps above meant to write)."""
    found = []
    everything = below_root(Tree(pdf))
    reached = {element.key for element in everything}
    numbers = list(pdf.Root.StructTreeRoot.ParentTree.get("/Nums", []))
    for key, parents in zip(numbers[::2], numbers[1::2]):
        if isinstance(parents, Array):
            stray = [p for p in parents if isinstance(p, Dictionary) and p.objgen not in reached]
            if stray:
                found.append(f"content of page key {key} belongs to elements outside the structure tree")
    for element in everything:
        parts = [kid.kind for kid in elements(element)]
        if element.kind == "/LI" and ("/LBody" not in parts or set(parts) - {"/Lbl", "/LBody"}):
            found.append(f"a list item holds {parts}, not Lbl and LBody")
        if element.kind == "/Link":
            annotations = annotations_of(element)
            if not annotations or "/Alt" not in element.obj:
                found.append("a Link element without its annotation or description")
            for annotation in annotations:
                if str(annotation.get("/Contents", "")) != str(element.obj.get("/Alt", "")):
                    found.append(f"a link annotation described as {str(annotation.get('/Contents'))!r}")
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") == Name.Link and "/StructParent" not in annotation:
                found.append("a link annotation outside the structure tree")
    pages = Pages()
    for parent in everything:
        siblings = elements(parent)
        for before, after in zip(siblings, siblings[1:]):
            if continues(before, after, pages):
                found.append(f"a {after.kind} element continues the one before it on the next page")
    if "dc:language" not in pdf.open_metadata():
        found.append("the XMP metadata states no dc:language")
    return found


def shape(pdf: pikepdf.Pdf) -> Tree:
    """Give WeasyPrint's structure tree the shape PDF/UA asks for (all but the
    parent tree and metadata); returns the tree as written."""
    tree = Tree(pdf)
    margins_to_artifacts(pdf, tree)
    drop_empty(tree.root)
    join_fragments(tree.root, Pages())
    contents_to_toc(tree)
    list_bodies(tree)
    describe_link_elements(tree)
    tree.write()
    return tree


def finish(pdf: pikepdf.Pdf, lang: str, shaped: bool = False) -> list[str]:
    """Make ``pdf`` the PDF/UA-1 it claims, or drop the claim; :func:`save` writes it.

    ``shaped``: the PDF was joined from parts shaped one by one
    (:func:`shape`); what the page breaks between two parts cut in two is
    joined here.  Returns the problems left (none when the claim holds).
    """
    if shaped:
        tree = Tree(pdf)
        join_fragments(tree.root, Pages())
        tree.write()
    else:
        tree = shape(pdf)
    rebuild_parent_tree(pdf, tree)
    state_language(pdf, lang)
    left = problems(pdf)
    if left:
        drop_claim(pdf)
    return left


def save(pdf: pikepdf.Pdf, path: Path) -> None:
    """Write the finished PDF, the same bytes for the same document."""
    pdf.save(path, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
