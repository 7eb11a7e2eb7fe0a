"""Where GNU gettext breaks a PO string across lines.

msgcat, msgmerge and Poedit write every string of a catalog at 79 columns,
breaking it where the Unicode line breaking algorithm (UAX #14) allows, as
GNU libunistring implements it.  A catalog whose new entries are broken the
same way is left as it is by those tools, so a translator's save shows only
what the translator changed.

The line breaking classes of the characters a publication in European
languages uses are stated here (``_CLASSES``); other letters count as
alphabetic, other digits as numeric, combining marks as combining and wide
(East Asian) characters as ideographic, which is what UAX #14 says of them.
The pair table is libunistring's (version 1.0, the one GNU gettext 0.21
links on Debian 12).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

PAGE_WIDTH = 79
"""GNU gettext's default page width (``msgcat --width``)."""

# Line breaking classes.  The first 33 index the pair table; the others are
# resolved before it is consulted.
_TABLE_CLASSES = ("WJ GL B2 BA BB HY CL CP1 CP2 EX IN NS OP1 OP2 QU IS NU PO PR SY AL "
                  "H2 H3 ID1 ID2 JL JV JT HL RI ZWJ EB EM").split()
_INDEX = {name: index for index, name in enumerate(_TABLE_CLASSES)}

# The pair table: row = class before the break, column = class after it.
# D: a direct break is allowed; I: only with spaces between; P: prohibited.
_PAIRS = [
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",  # WJ
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",  # GL
    "PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # B2
    "PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # BA
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",  # BB
    "PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD",  # HY
    "PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD",  # CL
    "PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD",  # CP1
    "PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD",  # CP2
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # EX
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # IN
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # NS
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",  # OP1
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",  # OP2
    "PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII",  # QU
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD",  # IS
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",  # NU
    "PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD",  # PO
    "PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII",  # PR
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD",  # SY
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",  # AL
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD",  # H2
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD",  # H3
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD",  # ID1
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI",  # ID2
    "PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD",  # JL
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD",  # JV
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD",  # JT
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",  # HL
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # RI
    "PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII",  # ZWJ
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI",  # EB
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD",  # EM
]

_CLASSES: dict[str, str] = {
    "\t": "BA", " ": "SP", "!": "EX", '"': "QU", "$": "PR", "%": "PO", "'": "QU", "(": "OP1",
    ")": "CP1", "+": "PR", ",": "IS", "-": "HY", ".": "IS", "/": "SY", ":": "IS", ";": "IS",
    "?": "EX", "[": "OP1", "\\": "PR", "]": "CP1", "{": "OP1", "|": "BA", "}": "CL",
    "\u00a0": "GL", "¡": "OP1", "¢": "PO", "£": "PR", "¤": "PR", "¥": "PR", "«": "QU", "\u00ad": "BA",
    "°": "PO", "±": "PR", "´": "BB", "»": "QU", "¿": "OP1",
    "\u2000": "BA", "\u2001": "BA", "\u2002": "BA", "\u2003": "BA", "\u2004": "BA", "\u2005": "BA",
    "\u2006": "BA", "\u2007": "GL", "\u2008": "BA", "\u2009": "BA", "\u200a": "BA", "\u200b": "ZW",
    "\u200c": "CM", "\u200d": "ZWJ", "\u200e": "CM", "\u200f": "CM",
    "‐": "BA", "\u2011": "GL", "‒": "BA", "–": "BA", "—": "B2",
    "‘": "QU", "’": "QU", "‚": "OP1", "‛": "QU", "“": "QU", "”": "QU", "„": "OP1", "‟": "QU",
    "․": "IN", "‥": "IN", "…": "IN", "‧": "BA", "\u2028": "BK", "\u2029": "BK", "\u202f": "GL",
    "‰": "PO", "‱": "PO", "′": "PO", "″": "PO", "‴": "PO", "‹": "QU", "›": "QU", "‼": "NS",
    "‽": "NS", "⁄": "IS", "⁅": "OP1", "⁆": "CL", "⁇": "NS", "⁈": "NS", "⁉": "NS",
    "\u205f": "BA", "\u2060": "WJ", "\ufeff": "WJ", "\u3000": "BA", "\u1680": "BA",
    "№": "PR", "€": "PR", "₴": "PR", "₽": "PR", "₸": "PR", "℃": "PO", "℉": "PO",
}


@lru_cache(maxsize=4096)
def _class(char: str) -> str:
    known = _CLASSES.get(char)
    if known:
        return known
    if char in "\n\x0b\x0c\x85":
        return "BK"
    if char == "\r":
        return "CR"
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Mc") or (category == "Cc" and char not in "\t"):
        return "CM"
    if category == "Cf" and "\u202a" <= char <= "\u206f":
        return "CM"
    if category == "Nd":
        return "NU"
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return "ID1"
    if category == "Sc":
        return "PR"
    return "AL"


@lru_cache(maxsize=4096)
def _width(char: str) -> int:
    """Columns a character takes on a terminal, as libunistring counts them."""
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cf", "Cc") or char == "\u200b":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


PROHIBITED, POSSIBLE, MANDATORY = 0, 1, 2


def possible_breaks(text: str) -> list[int]:
    """For each character, whether a line may be broken just before it."""
    breaks = [PROHIBITED] * len(text)
    prev_class = last_class = "BK"  # the previous character; the last one that is not a space
    seen_space = False
    regional = 0
    for index, char in enumerate(text):
        cls = _class(char)
        if cls in ("BK", "CR"):
            breaks[index] = MANDATORY
            prev_class = last_class = "BK"
            seen_space = False
        else:
            if cls == "SP":
                seen_space = True
            elif cls == "ZW":
                last_class, seen_space = "ZW", False
            elif cls in ("CM", "ZWJ"):
                if last_class == "BK":
                    last_class, seen_space = "AL", False
                elif last_class == "ZW" or seen_space:
                    breaks[index] = POSSIBLE
                    last_class, seen_space = "AL", False
            else:
                if last_class == "BK":
                    pass
                elif last_class == "ZW":
                    breaks[index] = POSSIBLE
                elif prev_class == "ZWJ":
                    pass
                elif last_class == "RI" and cls == "RI":
                    breaks[index] = POSSIBLE if seen_space or regional % 2 == 0 else PROHIBITED
                elif prev_class == "HL_BA":
                    pass
                else:
                    rule = _PAIRS[_INDEX[last_class]][_INDEX[cls]]
                    if rule == "D" or (rule == "I" and seen_space):
                        breaks[index] = POSSIBLE
                last_class, seen_space = cls, False
            prev_class = "HL_BA" if prev_class == "HL" and cls in ("HY", "BA") else cls
        regional = regional + 1 if cls == "RI" else 0
    return breaks


def width_breaks(text: str, width: int, start_column: int, overrides: list[int | None]) -> list[bool]:
    """Where to break ``text`` so that its lines fit in ``width`` columns, the
    first starting at ``start_column``: libunistring's greedy choice among the
    possible breaks (``overrides`` forces or forbids some)."""
    possible = possible_breaks(text)
    chosen = [False] * len(text)
    last_break: int | None = None
    last_column, piece = start_column, 0
    for index, char in enumerate(text):
        kind = overrides[index] if overrides[index] is not None else possible[index]
        if kind in (POSSIBLE, MANDATORY) and last_break is not None and last_column + piece > width:
            chosen[last_break] = True
            last_column = 0
        if kind == MANDATORY:
            last_break, last_column, piece = None, 0, 0
            continue
        if kind == POSSIBLE:
            last_break = index
            last_column += piece
            piece = 0
        piece += _width(char)
    if last_break is not None and last_column + piece > width:
        chosen[last_break] = True
    return chosen


_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v", "\\": "\\", '"': '"'}


def _escaped(portion: str) -> tuple[str, list[int | None]]:
    """A portion as it is written between quotes, and the break overrides:
    never inside an escape sequence."""
    chars: list[str] = []
    overrides: list[int | None] = []
    for char in portion:
        if char in _ESCAPES:
            chars += ["\\", _ESCAPES[char]]
            overrides += [None, PROHIBITED]
        else:
            chars.append(char)
            overrides.append(None)
    return "".join(chars), overrides


def wrap(keyword: str, value: str, prefix: str = "", page_width: int = PAGE_WIDTH) -> list[str]:
    """The lines GNU gettext writes for ``keyword "value"`` (``msgid``,
    ``msgstr[1]``…), each starting with ``prefix`` (``#| ``, ``#~ ``)."""
    portions = re.findall(r"[^\n]*\n|[^\n]+", value) or [""]
    lines: list[str] = []
    for number, portion in enumerate(portions):
        head = keyword if number == 0 else None
        lines += _portion_lines(portion, prefix, head, number < len(portions) - 1, page_width)
    return lines


def continuation(value: str, prefix: str = "", page_width: int = PAGE_WIDTH) -> list[str]:
    """The lines of ``value`` when it continues a string already begun
    (one field of a catalog's header, for instance)."""
    portions = re.findall(r"[^\n]*\n|[^\n]+", value)
    return [line for portion in portions for line in _portion_lines(portion, prefix, None, False, page_width)]


def _portion_lines(portion: str, prefix: str, keyword: str | None, more: bool, page_width: int) -> list[str]:
    """One ``\\n``-terminated portion of a string: on the keyword's line
    (``keyword`` given) if it fits there whole and nothing follows it, else
    on lines of its own."""
    after_break = len(prefix) + 1
    width = page_width - 1 - after_break
    text, overrides = _escaped(portion)
    if portion.endswith("\n"):
        overrides[-2] = PROHIBITED  # never break just before the final \n
    lines = []
    start = len(prefix) + len(keyword) + 2 - after_break if keyword is not None else 0
    chosen = width_breaks(text, width, start, overrides)
    if keyword is not None and text and (more or start > width or any(chosen)):
        lines.append(f'{prefix}{keyword} ""')
        keyword = None
        chosen = width_breaks(text, width, 0, overrides)
    head = f"{prefix}{keyword} " if keyword is not None else prefix
    segment_start = 0
    for index, cut in enumerate(chosen):
        if cut:
            lines.append(f'{head}"{text[segment_start:index]}"')
            head, segment_start = prefix, index
    lines.append(f'{head}"{text[segment_start:]}"')
    return lines
