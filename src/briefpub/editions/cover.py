"""The ePub edition's cover: an SVG whose text is drawn as outlines.

An ePub reader shows a cover SVG as an image: it cannot load the edition's
fonts for it, and a reader without PT Sans would set the title in whatever it
has, running off the edge.  So the cover's words are laid out here, with the
metrics and kerning of the publication's own typefaces (fontTools), and drawn
as the glyphs' outlines: every reader shows the same picture.  Each glyph is
defined once and placed with ``<use>``; the words themselves stay in the
SVG's ``<title>`` and ``<desc>`` for assistive technology.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

from briefpub.project.typefaces import Face, FontSet, SANS, SERIF

WIDTH, HEIGHT = 1200, 1800
MARGIN = 110
MEASURE = WIDTH - 2 * MARGIN
ACCENT, MUTED, PAPER = "#1f4e79", "#5b5b62", "#fdfcf9"


@cache
def _font(path: Path) -> TTFont:
    return TTFont(path, lazy=True)


@dataclass(frozen=True)
class Typeface:
    """One face of the publication's fonts, as the cover sets it."""

    face: Face

    @property
    def font(self) -> TTFont:
        return _font(self.face.path)

    @property
    def key(self) -> str:
        """A short prefix for the ids of this face's glyphs."""
        return f"{'s' if self.face.family == SANS else 'r'}{self.face.weight or 0}"

    def glyphs(self, text: str) -> list[str]:
        cmap = self.font.getBestCmap()
        return [cmap.get(ord(char), ".notdef") for char in text]

    def advances(self, glyphs: list[str], tracking: float = 0) -> list[float]:
        """Each glyph's advance in font units, kerned with the next one."""
        metrics = self.font["hmtx"].metrics
        pairs = _kerning(self.face.path)
        return [
            metrics[glyph][0] + tracking + (pairs.get((glyph, glyphs[i + 1]), 0) if i + 1 < len(glyphs) else 0)
            for i, glyph in enumerate(glyphs)
        ]

    def width(self, text: str, size: float, tracking: float = 0) -> float:
        return sum(self.advances(self.glyphs(text), tracking)) * size / self.font["head"].unitsPerEm

    def outline(self, glyph: str) -> str:
        """The glyph's outline as SVG path data, in font units, y pointing up."""
        glyphs = self.font.getGlyphSet()
        pen = SVGPathPen(glyphs, ntos=lambda n: f"{n:g}")
        glyphs[glyph].draw(pen)
        return pen.getCommands()


@cache
def _kerning(path: Path) -> dict[tuple[str, str], int]:
    """The font's ``kern`` pairs (the PT faces carry their kerning there too)."""
    font = _font(path)
    pairs: dict[tuple[str, str], int] = {}
    if "kern" in font:
        # The PT faces' kern subtables outgrow their 16-bit length field;
        # fontTools reads them whole and says so, which is no news here.
        logging.getLogger("fontTools.ttLib.tables._k_e_r_n").setLevel(logging.ERROR)
        for table in font["kern"].kernTables:
            pairs.update(getattr(table, "kernTable", {}) or {})
    return pairs


def pick(fontset: FontSet, family: str, weight: int) -> Typeface:
    """The upright face of ``family`` closest to ``weight``."""
    faces = [face for face in fontset.faces() if face.family == family and face.style == "normal"] or [
        face for face in fontset.faces() if face.family == family]
    return Typeface(min(faces, key=lambda face: abs((face.weight or weight) - weight)))


def wrap(face: Typeface, text: str, size: float, measure: float = MEASURE) -> list[str]:
    """``text`` in as few lines as fit ``measure``, then balanced: the lines
    as even as that number allows, so no word is left alone on the last."""
    words = text.split()
    if not words:
        return []

    def fill(width: float) -> list[str]:
        lines: list[str] = []
        for word in words:
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and face.width(candidate, size) <= width:
                lines[-1] = candidate
            else:
                lines.append(word)
        return lines

    fewest = len(fill(measure))
    low, high = max(face.width(word, size) for word in words), measure
    while high - low > 1:
        middle = (low + high) / 2
        low, high = (low, middle) if len(fill(middle)) <= fewest else (middle, high)
    return fill(high)


@dataclass
class Cover:
    """The cover being drawn: the glyphs it defines and the lines it places."""

    defs: dict[str, str]
    body: list[str]

    def line(self, face: Typeface, text: str, x: float, y: float, size: float, fill: str,
             tracking: float = 0) -> None:
        units = face.font["head"].unitsPerEm
        scale = size / units
        glyphs = face.glyphs(text)
        uses, pen_x = [], 0.0
        for glyph, advance in zip(glyphs, face.advances(glyphs, tracking / scale)):
            ident = f"{face.key}-{glyph}".replace(".", "_")
            if ident not in self.defs:
                self.defs[ident] = face.outline(glyph)
            if self.defs[ident]:
                uses.append(f'<use xlink:href="#{ident}" x="{round(pen_x)}"/>')
            pen_x += advance
        self.body.append(
            f'<g transform="translate({x:g} {y:g}) scale({scale:.5f} {-scale:.5f})" fill="{fill}">'
            + "".join(uses) + "</g>")

    def lines(self, face: Typeface, lines: list[str], top: float, size: float, leading: float,
              fill: str) -> float:
        """Set ``lines`` from baseline ``top``; return the last baseline."""
        for number, text in enumerate(lines):
            self.line(face, text, MARGIN, top + number * leading, size, fill)
        return top + (len(lines) - 1) * leading


def fitting(face: Typeface, text: str, sizes: tuple[int, ...], most: int) -> tuple[int, list[str]]:
    """The largest of ``sizes`` at which ``text`` takes at most ``most`` lines."""
    for size in sizes:
        lines = wrap(face, text, size)
        if len(lines) <= most:
            return size, lines
    return sizes[-1], lines[:most]


def render(fontset: FontSet, *, language: str, kind: str, title: str, subtitle: str, authors: str,
           publisher: str, dateline: str) -> str:
    """The cover as an SVG document (1200×1800)."""
    bold, regular = pick(fontset, SANS, 700), pick(fontset, SANS, 400)
    serif = pick(fontset, SERIF, 400)
    cover = Cover({}, [])
    cover.line(bold, kind.upper(), MARGIN, 260, 40, ACCENT, tracking=4)
    title_size, title_lines = fitting(bold, title, (96, 84, 72, 64), 5)
    last = cover.lines(bold, title_lines, 470, title_size, title_size * 1.17, ACCENT)
    subtitle_size, subtitle_lines = fitting(serif, subtitle, (42, 38, 34), 7)
    cover.lines(serif, subtitle_lines, last + 60 + subtitle_size * 1.4, subtitle_size, subtitle_size * 1.43, MUTED)
    credits = [authors] if publisher == authors else [authors, publisher]
    credit_lines = [line for credit in credits for line in wrap(bold, credit, 36)][:3]
    cover.lines(bold, credit_lines, 1560 - 48 * (len(credit_lines) - 1), 36, 48, ACCENT)
    cover.line(regular, dateline, MARGIN, 1660, 36, MUTED)

    description = " · ".join(part for part in (kind, subtitle, *credits, dateline) if part)
    defs = "".join(f'<path id="{ident}" d="{path}"/>' for ident, path in cover.defs.items() if path)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" xml:lang="{language}"'
        ' role="img" aria-labelledby="cover-title" aria-describedby="cover-description">\n'
        f'<title id="cover-title">{html.escape(title)}</title>\n'
        f'<desc id="cover-description">{html.escape(description)}</desc>\n'
        f"<defs>{defs}</defs>\n"
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{PAPER}"/>\n'
        f'<rect width="{WIDTH}" height="24" fill="{ACCENT}"/>\n'
        f'<rect x="{MARGIN}" y="300" width="{MEASURE}" height="6" fill="{ACCENT}"/>\n'
        f'<rect x="{MARGIN}" y="{1560 - 48 * (len(credit_lines) - 1) - 80}" width="{MEASURE}" height="2"'
        f' fill="{ACCENT}"/>\n'
        + "\n".join(cover.body) + "\n</svg>\n"
    )
