"""One embedded font per face in a PDF joined from parts.

Each part of a PDF in chapters (:mod:`briefpub.editions.pdf_parts`) embeds its own
subsets of the fonts: WeasyPrint keeps in a face only the glyphs the part
uses, under their glyph ids.  Joined, a face would be embedded once per part.
Here the fonts of one face — WeasyPrint names a face after its description,
the same in every part — come to share one embedded font: the widths and
the text of every glyph any part uses, and a subset of the face's file with
all of them, glyph ids kept.  The face's file is the build's copy
(``_static/fonts``), told from the others by the widths of the glyphs.

A face whose file cannot be told (a CFF font, or no file or two files that
fit) is left as the parts embed it: correct, only larger.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from briefpub.editions.fonts import kept

BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def share(pdf: pikepdf.Pdf, font_files: list[Path], cache: Path) -> int:
    """Give the fonts of each face one embedded font; returns how many faces
    were merged.  The subsets are kept in the folder ``cache`` (:func:`subset`)."""
    faces: dict[str, list[pikepdf.Object]] = {}
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary()).values():
            if font.get("/Subtype") == Name.Type0 and font.objgen not in seen:
                seen.add(font.objgen)
                faces.setdefault(str(font.BaseFont), []).append(font)
    sources = _Sources(font_files)
    merged = 0
    for fonts in faces.values():
        if len(fonts) > 1 and _merge(pdf, fonts, sources, cache):
            merged += 1
    return merged


def _merge(pdf: pikepdf.Pdf, fonts: list[pikepdf.Object], sources: _Sources, cache: Path) -> bool:
    descendants = [font.DescendantFonts[0] for font in fonts]
    if any("/FontFile2" not in cid.FontDescriptor or "/ToUnicode" not in font
           for font, cid in zip(fonts, descendants)):
        return False
    widths: dict[int, float] = {}
    texts: dict[int, bytes] = {}
    for font, cid in zip(fonts, descendants):
        for gid, width in read_widths(cid.get("/W", Array())).items():
            widths.setdefault(gid, width)
        for gid, text in read_unicode(font.ToUnicode.read_bytes()).items():
            texts.setdefault(gid, text)
    source = sources.fitting(widths)
    if source is None:
        return False
    program = subset(source, set(widths), cache)
    first = descendants[0]
    descriptor = pdf.make_indirect(Dictionary({key: first.FontDescriptor[key] for key in first.FontDescriptor.keys()}))
    descriptor.FontFile2 = pdf.make_stream(program, Length1=len(program))
    bbox = list(descriptor.FontBBox)
    descriptor.FontBBox = Array([bbox[0], bbox[1], max(widths.values(), default=0), bbox[3]])
    cid = pdf.make_indirect(Dictionary({key: first[key] for key in first.keys()}))
    cid.W = write_widths(widths)
    cid.FontDescriptor = descriptor
    to_unicode = pdf.make_stream(write_unicode(texts))
    for font in fonts:
        font.DescendantFonts = Array([cid])
        font.ToUnicode = to_unicode
    return True


def read_widths(array: pikepdf.Array) -> dict[int, float]:
    """A CID font's ``/W``: ``first [w w …]`` and ``first last w``."""
    items, widths, i = list(array), {}, 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], Array):
            widths.update({first + n: float(w) for n, w in enumerate(items[i + 1])})
            i += 2
        else:
            widths.update({gid: float(items[i + 2]) for gid in range(first, int(items[i + 1]) + 1)})
            i += 3
    return widths


def write_widths(widths: dict[int, float]) -> Array:
    result, run = Array(), None
    for gid in sorted(widths):
        if run is None or gid - 1 not in widths:
            run = Array()
            result.extend([gid, run])
        run.append(widths[gid])
    return result


def read_unicode(cmap: bytes) -> dict[int, bytes]:
    """The glyph → text pairs of a ``/ToUnicode`` CMap, the text as UTF-16BE hex."""
    return {int(gid, 16): text for block in BFCHAR.findall(cmap) for gid, text in PAIR.findall(block)}


def write_unicode(texts: dict[int, bytes]) -> bytes:
    """A ``/ToUnicode`` CMap, written as WeasyPrint writes them."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    pairs = sorted(texts.items())
    for start in range(0, len(pairs), 100):
        batch = pairs[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (gid, text) for gid, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


class _Sources:
    """The build's font files, each read once, with their advance widths (per 1000 units)."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self._widths: dict[Path, list[float]] = {}

    def widths(self, path: Path) -> list[float]:
        if path not in self._widths:
            from fontTools.ttLib import TTFont

            try:
                font = TTFont(path, lazy=True)
                scale = 1000 / font["head"].unitsPerEm
                metrics = font["hmtx"].metrics
                self._widths[path] = [metrics[name][0] * scale for name in font.getGlyphOrder()]
            except Exception:  # not a font fontTools reads: it fits no face
                self._widths[path] = []
        return self._widths[path]

    def fitting(self, widths: dict[int, float]) -> Path | None:
        """The one file whose glyphs have these widths, if there is exactly one."""
        fits = [path for path in self.paths
                if (known := self.widths(path)) and all(gid < len(known) and abs(known[gid] - width) < 0.5
                                                        for gid, width in widths.items())]
        return fits[0] if len(fits) == 1 else None


def subset(path: Path, gids: set[int], cache: Path) -> bytes:
    """The glyphs ``gids`` of the TrueType font at ``path``, under the same
    ids; kept in the folder ``cache`` by the file and the glyphs
    (:func:`briefpub.editions.fonts.kept`), so that a rebuild whose text
    brought no new glyph reads it."""
    glyphs = sorted(gids | {0})
    return kept(cache, path, ",".join(map(str, glyphs)), f"{path.stem}-glyphs{path.suffix}",
                functools.partial(_cut, path, glyphs))


def _cut(path: Path, glyphs: list[int]) -> bytes:
    from fontTools import subset as subsetting
    from fontTools.ttLib import TTFont

    options = subsetting.Options()
    options.retain_gids = True
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = []
    font = TTFont(path, recalcTimestamp=False)
    subsetter = subsetting.Subsetter(options)
    subsetter.populate(gids=glyphs)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()
