"""Font files made for the editions from the publication's typefaces
(:mod:`briefpub.project.typefaces`): a face cut to the characters a
publication shows, kept by what it is made from, its file name and its
``@font-face`` rule.  Which faces and characters an edition needs is
:mod:`briefpub.editions.edition_fonts`'s.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

from briefpub.project.languages import Language
from briefpub.project.typefaces import COVERAGE, FACES, SERIF, Face, FontError

WEB_FLAVOR = "woff2"
"""What the HTML editions' fonts are: WOFF2, which every current browser reads.
An ePub carries TrueType, which every reading system reads (EPUB 3 names no
WOFF2); a PDF embeds what WeasyPrint subsets itself from the full files."""

BODY = (SERIF, "normal", 400)
"""The face of the running text: the one a page preloads."""

SIGNS = "\u00a0©·…•′″№§°±×"
"""Signs the theme and typesetting put on a page besides the letters and
ASCII: the no-break space, the colophon's ©, the middle dot…"""


def font_face_css(url_prefix: str, faces: tuple[Face, ...] = FACES, flavor: str | None = None) -> str:
    """``@font-face`` rules for every face, with files under ``url_prefix``
    (full TrueType files, or subsets in ``flavor``).  Text shows at once in a
    fallback face and swaps to its own when the file arrives."""
    rules = []
    for face in faces:
        rules.append(
            "@font-face {\n"
            f'  font-family: "{face.family}";\n'
            f'  src: url("{url_prefix}{file_name(face, flavor)}") format("{flavor or "truetype"}");\n'
            f"  font-weight: {face.css_weight};\n"
            f"  font-style: {face.style};\n"
            "  font-display: swap;\n"
            "}\n"
        )
    return "\n".join(rules)


def file_name(face: Face, flavor: str | None = None) -> str:
    """The file name of ``face`` in an edition: the full TrueType file, or
    its subset in ``flavor``."""
    return str(Path(face.target_name).with_suffix(f".{flavor}")) if flavor else face.target_name


def uses(face: Face, family: str, style: str, weight: int) -> bool:
    """Whether text in ``family``/``style``/``weight`` is set in ``face``
    (a variable face covers every weight)."""
    return face.family == family and face.style == style and (face.weight is None or face.weight == weight)


def used_faces(faces: tuple[Face, ...], wanted: set[tuple[str, str, int]]) -> tuple[Face, ...]:
    """The faces that set the (family, style, weight) a page asks for."""
    return tuple(face for face in faces if any(uses(face, *one) for one in wanted))


def body_face(faces: tuple[Face, ...]) -> Face | None:
    return next((face for face in faces if uses(face, *BODY)), None)


def characters(texts: list[str], languages: tuple[Language, ...]) -> str:
    """Every character a publication's pages may show: the characters of its
    ``texts`` (source, catalogs, the theme's labels), the alphabets and
    quotation marks of its ``languages``, printable ASCII and the signs of
    :data:`COVERAGE` and :data:`SIGNS`; each letter in both cases, as
    stylesheets may set labels in capitals."""
    found = {chr(code) for code in range(0x20, 0x7F)} | set(COVERAGE) | set(SIGNS)
    for language in languages:
        found |= set(language.letters) | set(language.quotes) | set(language.inner_quotes)
    for text in texts:
        found.update(text)
    found |= {c.upper() for c in found if len(c.upper()) == 1} | {c.lower() for c in found if len(c.lower()) == 1}
    return "".join(sorted(c for c in found if c.isprintable() or c == "\u00a0"))


def subset(face: Face, text: str, flavor: str | None) -> bytes:
    """The glyphs of ``face`` that ``text`` needs (a TrueType file, or WOFF2
    with ``flavor="woff2"``), with the OpenType features the typesetting uses
    (kerning, ligatures, small figures), the font's copyright and licence,
    and without hinting, which screens of today do without.  The same face
    and text give the same bytes."""
    from fontTools import subset as subsetting
    from fontTools.ttLib import TTFont

    options = subsetting.Options()
    options.flavor = flavor
    options.layout_features = ["*"]
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # with the copyright and the licence (OFL)
    try:
        font = TTFont(face.path, recalcTimestamp=False)
    except OSError as error:
        raise FontError(f"{face.path}: font file cannot be read ({error.strerror}): "
                        "reinstall with `make setup`") from None
    subsetter = subsetting.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.flavor = flavor
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()


def kept(cache: Path, source: Path, made_from: str, name: str, make: Callable[[], bytes]) -> bytes:
    """What ``make`` cuts from the font file ``source`` (the rest of what it
    is made from said by ``made_from``), made once and kept in the folder
    ``cache`` by both (the file by its name, size and modification time):
    the editions that need the same cut — the HTML editions of every
    language share their subsets — and the builds after a change that
    brought no new character read it instead of making it again."""
    stat = source.stat()
    key = hashlib.sha256(f"{source.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0{made_from}".encode()).hexdigest()
    path = cache / f"{key[:32]}-{name}"
    if path.is_file():
        return path.read_bytes()
    data = make()
    cache.mkdir(parents=True, exist_ok=True)
    write_if_changed(path, data)
    return data


def write_if_changed(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` in one step (editions of several languages
    may write the same file at once), unless it already holds them."""
    if not target.is_file() or target.read_bytes() != data:
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(target)


def write_subsets(faces: tuple[Face, ...], text: str, folder: Path, flavor: str | None, cache: Path) -> list[Path]:
    """The subsets of ``faces`` for ``text`` in ``folder``, each kept in
    ``cache`` (:func:`kept`)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for face in faces:
        target = folder / file_name(face, flavor)
        write_if_changed(target, kept(cache, face.path, f"{flavor}\0{text}", target.name,
                                      functools.partial(subset, face, text, flavor)))
        written.append(target)
    return written
