"""The translation catalogs under ``locale/``: reading them, bringing them up to
date with the source, and keeping their headers right for their language.

Reading and writing go through Babel; merging with the extracted templates is
sphinx-intl's (which is Babel's).  This module adds what neither does for us:
headers that name the language's team and plural rule, the previous msgid of
a changed entry, files left alone when nothing changed, and the layout of
``locale/``.
"""

from __future__ import annotations

import codecs
import copy
import datetime as dt
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import denormalize, read_po, write_po
from sphinx_intl import catalog as sphinx_intl_catalog

from briefpub.languages import Language
from briefpub.problems import ERROR, Problem

LINE_WIDTH = 76
"""Wrapping of msgid/msgstr lines: sphinx-intl's, so both tools agree."""


def catalog_dir(locale_dir: Path, language: Language) -> Path:
    return Path(locale_dir) / language.code / "LC_MESSAGES"


def po_files(locale_dir: Path, language: Language) -> list[Path]:
    """A language's catalogs that are safe to read (see :func:`scan`)."""
    return scan(locale_dir, language)[0]


# --- what may be read at all ------------------------------------------------------------
#
# A catalog comes from a volunteer; a symbolic link in a pull request can point
# anywhere on the build machine.  Nothing under locale/ is opened unless it is a
# regular file (a FIFO blocks, a device never ends) inside the project, and a
# refused file is never read, so no message can quote it.

MAX_CATALOG_BYTES = 16 * 1024 * 1024
"""The largest catalog briefpub reads: far above any brief's (the 50 × benchmark
brief's catalogs are under 1 MB), far below what would exhaust memory."""


class Refused(Exception):
    """A path under locale/ that is not read: why, for a person."""

    def __init__(self, path: Path, reason: str, rule: str = "file"):
        self.path, self.reason, self.rule = Path(path), reason, rule
        super().__init__(f"{path}: {reason}")

    def problem(self) -> Problem:
        return Problem(self.path, 0, ERROR, self.rule, self.reason)


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"),
)


def _not_a_file(path: Path, mode: int) -> Refused:
    kind = next((name for test, name in _KINDS if test(mode)), "something else")
    return Refused(path, f"this is {kind}, not a regular file; nothing was read from it: a catalog must be "
                         "a regular .po file")


def project_roots(locale_dir: Path) -> tuple[Path, ...]:
    """Where a path under ``locale_dir`` may lead: the project that holds
    locale/ (its parent folder), and locale/ itself wherever it really is."""
    locale_dir = Path(locale_dir).absolute()
    return tuple(dict.fromkeys((locale_dir.parent.resolve(), locale_dir.resolve())))


def check_link(path: Path, roots: tuple[Path, ...]) -> None:
    """Refuse ``path`` if it is a symbolic link leading out of the project
    (or nowhere); the link's target is named, its content is never read."""
    path = Path(path)
    if not path.is_symlink():
        return
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise Refused(path, f"this is a symbolic link to {os.readlink(path)!r}, which does not exist or "
                            "loops: replace the link with the file or folder itself") from None
    if not any(target.is_relative_to(root) for root in roots):
        raise Refused(path, f"this is a symbolic link to {target}, outside the project; nothing was read "
                            "from it: catalogs and their folders must be inside the project, so replace the "
                            "link with the file or folder itself")


def read_bytes(path: Path, limit: int = MAX_CATALOG_BYTES) -> bytes:
    """The bytes of a catalog, if it is a regular file of at most ``limit``
    bytes; otherwise :class:`Refused`, without reading anything.

    The file is opened without blocking and checked after opening, so a file
    swapped for a FIFO or a device between a check and the read is refused too.
    """
    path = Path(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise Refused(path, f"cannot read the catalog: {error.strerror}", "syntax") from None
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise _not_a_file(path, info.st_mode)
        if info.st_size > limit:
            raise Refused(path, f"the catalog is {info.st_size / 2**20:.1f} MiB, over the limit of "
                                f"{limit // 2**20} MiB: split the document, or check that this is the "
                                "right file", "bounds")
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew while being read
        raise Refused(path, f"the catalog is over the limit of {limit // 2**20} MiB", "bounds")
    return data


def scan(locale_dir: Path, language: Language) -> tuple[list[Path], list[Problem]]:
    """A language's catalogs (``*.po`` under ``LC_MESSAGES``, in sub-folders
    too) that may be read, and a problem for everything refused: links out of
    the project, FIFOs, devices, sockets.  Folders linked out of the project
    are not entered, so a link to ``/`` costs nothing."""
    roots = project_roots(locale_dir)
    top = catalog_dir(locale_dir, language)
    found: list[Path] = []
    try:
        for folder in (top.parent, top):
            check_link(folder, roots)
    except Refused as refused:
        return [], [refused.problem()]
    if not top.is_dir():
        return [], []
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()
    folders = [top]
    while folders:
        folder = folders.pop()
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            continue  # a link back to a folder already scanned
        seen.add((info.st_dev, info.st_ino))
        try:
            children = sorted(os.scandir(folder), key=lambda child: child.name)
        except OSError as error:
            problems.append(Problem(folder, 0, ERROR, "file", f"cannot list the folder: {error.strerror}"))
            continue
        for child in children:
            path = folder / child.name
            try:
                check_link(path, roots)
                mode = path.stat().st_mode
            except Refused as refused:
                if child.name.endswith(".po") or child.is_dir():
                    problems.append(refused.problem())
                continue
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                folders.append(path)
            elif child.name.endswith(".po"):
                if stat.S_ISREG(mode):
                    found.append(path)
                else:
                    problems.append(_not_a_file(path, mode).problem())
    return sorted(found), problems


THEME_DOMAIN = "sphinx"
"""The catalog of the theme's labels; every other catalog belongs to a document."""


def document_name(locale_dir: Path, language: Language, path: Path) -> str | None:
    """The document a catalog translates (``index`` for index.po), or None
    for the theme's catalog."""
    name = path.relative_to(catalog_dir(locale_dir, language)).with_suffix("").as_posix()
    return None if name == THEME_DOMAIN else name


def read(path: Path, data: bytes | None = None) -> Catalog:
    """Read a catalog that is known to be well formed (see :func:`parse`);
    ``data``, if given, is its content, already read."""
    data = read_bytes(path) if data is None else data
    catalog = read_po(io.BytesIO(data), charset="utf-8", abort_invalid=True)
    for msgid, previous in _previous_ids(data.decode("utf-8", errors="replace")).items():
        if msgid in catalog:
            catalog[msgid].previous_id = [previous]
    return catalog


_KEYWORD = re.compile(r"(?:#~\s*)?(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(.*)$")
_ESCAPES = set('\\"abfnrtv01234567x')


def _string_error(text: str) -> str | None:
    """Why ``text`` is not one well-formed PO string (``"…"``), or None."""
    text = text.rstrip()
    if not text.startswith('"'):
        return "expected a quoted string"
    index = 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            if index + 1 >= len(text) or text[index + 1] not in _ESCAPES:
                return "invalid escape sequence: write a backslash as \\\\"
            index += 2
            continue
        if char == '"':
            if index != len(text) - 1:
                return "text after the closing quote: escape a quote inside a string as \\\""
            return None
        index += 1
    return "unterminated string: the closing quote is missing"


def syntax_problems(path: Path, text: str) -> list[Problem]:
    """What makes a catalog unreadable, line by line.

    Babel's reader cuts an unterminated string short and only prints a note
    for a garbage line; gettext tools and translators deserve better, so every
    line is held to the PO grammar here: a comment, a keyword with a quoted
    string, a continuation string, or nothing.
    """
    problems = []
    expecting_string = False
    seen: dict[tuple[str | None, str], int] = {}
    context: str | None = None
    entry_id: list[str] | None = None
    entry_line = 0

    def close_entry() -> None:
        nonlocal entry_id, context
        if entry_id is not None:
            key = (context, "".join(entry_id))
            if key in seen and key[1]:
                problems.append(Problem(
                    path, entry_line, ERROR, "syntax",
                    f"duplicate msgid (first at line {seen[key]}): merge the two entries into one",
                ))
            seen.setdefault(key, entry_line)
        entry_id, context = None, None

    current: list[str] | None = None
    for number, line in enumerate(text.split("\n"), start=1):  # gettext ends a line at LF only
        stripped = line.strip()
        if not stripped:
            expecting_string = False
            continue
        if stripped.startswith("#"):
            match = _KEYWORD.match(stripped) if stripped.startswith("#~") else None
            if match is None:
                continue
        else:
            match = _KEYWORD.match(stripped)
        if match:
            keyword, rest = match.groups()
            error = _string_error(rest)
            if error:
                problems.append(Problem(path, number, ERROR, "syntax", f"{keyword}: {error}"))
            if stripped.startswith("#~"):
                current = None
                continue
            if keyword == "msgctxt":
                close_entry()
                context, current = rest, None
            elif keyword == "msgid":
                if entry_id is not None and context is None:
                    close_entry()
                entry_id, entry_line = [rest], number
                current = entry_id
            else:
                current = None
            expecting_string = True
            continue
        if stripped.startswith('"') and expecting_string:
            error = _string_error(stripped)
            if error:
                problems.append(Problem(path, number, ERROR, "syntax", error))
            elif current is not None:
                current.append(stripped)
            continue
        problems.append(Problem(
            path, number, ERROR, "syntax",
            f"garbage line {stripped[:40]!r}: a line must be a comment (#), a keyword "
            "(msgid, msgstr, …) with a quoted string, or a quoted continuation",
        ))
    close_entry()
    return problems


def parse(path: Path) -> tuple[Catalog | None, list[Problem]]:
    """Read a catalog strictly: the catalog when it is readable, and every
    problem that stands in the way, each with its line."""
    path = Path(path)
    try:
        data = read_bytes(path)
    except Refused as refused:
        return None, [refused.problem()]
    problems = byte_problems(path, data)
    if any(problem.rule == "encoding" for problem in problems):
        return None, problems
    text = data.decode("utf-8")
    problems += syntax_problems(path, text)
    if problems:
        return None, problems
    try:
        return read(path, data), []
    except Exception as error:  # Babel's reader has no single error type
        line = getattr(error, "lineno", 0) or 0
        return None, [Problem(path, line, ERROR, "syntax", f"unreadable catalog: {error}")]


_BOMS = (
    (b"\xef\xbb\xbf", None),
    (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"),
)
_CHARSET = re.compile(r'^"Content-Type:[^"]*?charset=([^\s;"\\]+)', re.MULTILINE | re.IGNORECASE)


def byte_problems(path: Path, data: bytes) -> list[Problem]:
    """What is wrong with a catalog's bytes before it can be read as text,
    each named for what it is: an empty file, a byte-order mark, line endings
    gettext does not know, a charset other than UTF-8, invalid UTF-8.  A
    problem of rule ``encoding`` means the text cannot be read at all."""
    if not data.strip():
        return [Problem(path, 1, ERROR, "syntax",
                        "the catalog is empty: run `make update-po` to write it anew from the source, "
                        "or delete it")]
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding:
                return [Problem(path, 1, ERROR, "encoding",
                                f"the file is {encoding} (it starts with a {encoding} byte-order mark): "
                                "save it as UTF-8")]
            return [Problem(path, 1, ERROR, "encoding",
                            "the file starts with a byte-order mark (BOM, bytes EF BB BF), which gettext "
                            "tools such as msgfmt refuse; it is harmless to remove: save the file as UTF-8 "
                            f"without BOM, or run `sed -i '1s/^\\xEF\\xBB\\xBF//' {path}`")]
    if b"\r" in data and b"\n" not in data:
        return [Problem(path, 1, ERROR, "encoding",
                        "the lines end with a carriage return only (CR, the line ending of old Mac OS), "
                        "which gettext tools read as one single line: save the file with LF (Unix) or "
                        "CRLF (Windows) line endings")]
    text = data.decode("utf-8", errors="replace")
    problems = []
    declared = _CHARSET.search(text)
    if declared:
        problems += _charset_problems(path, data, text, declared)
        if problems and problems[0].rule == "encoding":
            return problems
    lone = re.search(b"\r(?!\n)", data)
    if lone:
        problems.append(Problem(path, data.count(b"\n", 0, lone.start()) + 1, ERROR, "syntax",
                                "a carriage return (CR) without a line feed: gettext tools do not end a line "
                                "there; join the line or end it with LF"))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(Problem(
            path, line, ERROR, "encoding",
            f"invalid UTF-8 (byte 0x{data[error.start]:02x} at column {column}): "
            "save the file as UTF-8 (in Poedit: Catalog → Properties → Encoding)",
        ))
    return problems


def _charset_problems(path: Path, data: bytes, text: str, declared: re.Match) -> list[Problem]:
    """The ``charset`` of the header, held against the bytes of the file."""
    name = declared.group(1)
    line = text.count("\n", 0, declared.start()) + 1
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return [Problem(path, line, ERROR, "header",
                        f"the header declares charset={name}, which is no known encoding: "
                        "set Content-Type to 'text/plain; charset=UTF-8'")]
    if codec == "utf-8":
        return []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return [Problem(path, line, ERROR, "header",
                        f"the header declares charset={name} but the file is UTF-8: gettext would read every "
                        "letter wrong; set Content-Type to 'text/plain; charset=UTF-8'")]
    return [Problem(path, line, ERROR, "encoding",
                    f"the file is encoded in {name}, as its header says; catalogs must be UTF-8: convert it "
                    f"with `msgconv --to-code=UTF-8 {path} -o {path}` (or in Poedit: Catalog → Properties → "
                    "Encoding)")]


def _previous_ids(text: str) -> dict[str, str]:
    """The ``#| msgid`` of each fuzzy entry, which Babel's reader skips.

    Without it, rewriting a catalog would throw away what a translator needs
    to see how the source of a fuzzy entry changed.
    """
    found: dict[str, str] = {}
    previous: str | None = None
    lines = text.splitlines()
    index = 0

    def quoted(first: str, prefix: str) -> str:
        nonlocal index
        parts = [first]
        index += 1
        while index < len(lines) and lines[index].startswith(prefix + '"'):
            parts.append(lines[index][len(prefix):])
            index += 1
        return denormalize("\n".join(parts))

    while index < len(lines):
        line = lines[index]
        if line.startswith("#| msgid "):
            previous = quoted(line[len("#| msgid "):], "#| ")
        elif line.startswith("msgid ") and previous is not None:
            found[quoted(line[len("msgid "):], "")] = previous
            previous = None
        else:
            if not line.strip():
                previous = None
            index += 1
    return found


def write(path: Path, catalog: Catalog) -> None:
    """Write a catalog in one step: a crash mid-write never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(_serialise(catalog))
    partial.replace(path)


@dataclass(frozen=True)
class Completeness:
    """How far a catalog is translated, counted the way ``msgfmt --statistics``
    counts: a fuzzy entry without text is untranslated, a plural entry counts
    by its first form."""

    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated


def state(message) -> str:
    """``translated``, ``fuzzy`` or ``untranslated``."""
    first = message.string[0] if isinstance(message.string, (tuple, list)) else message.string
    if not first:
        return "untranslated"
    return "fuzzy" if message.fuzzy else "translated"


def completeness(catalog: Catalog) -> Completeness:
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for message in catalog:
        if message.id:
            counts[state(message)] += 1
    return Completeness(**counts)


def fix_header(catalog: Catalog, language: Language, now: dt.datetime) -> bool:
    """Give a catalog the header of its language; return whether it changed.

    sphinx-intl copies the template's header, which is marked fuzzy and names
    no team; Poedit and Weblate read these fields, and msgfmt --check insists
    on them.
    """
    changed = False
    if catalog.header_comment.startswith("# SOME DESCRIPTIVE TITLE"):
        catalog.header_comment = (
            f"# {language.english_name} translation of “{catalog.project}”.\n"
            f"# This file is distributed under the same license as the publication."
        )
        changed = True
    if catalog.fuzzy:
        catalog.fuzzy = False
        changed = True
    if str(catalog.locale) != language.code:
        catalog.locale = language.code
        changed = True
    if catalog.language_team != language.team:
        catalog.language_team = language.team
        changed = True
    if catalog.plural_forms != language.plural_forms:
        # Babel derives Plural-Forms from the locale; a differing value was
        # typed into the file by hand and is put right here.
        catalog._num_plurals, catalog._plural_expr = None, None
        changed = True
    if not isinstance(catalog.revision_date, dt.datetime):
        catalog.revision_date = now
        changed = True
    return changed


class CatalogError(Exception):
    """A catalog too broken to work on; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Update:
    path: Path
    status: str
    """``created``, ``updated`` or ``unchanged``."""
    fuzzy: int = 0
    """Entries this update marked fuzzy because their source changed."""
    obsolete: int = 0
    """Entries no longer in the source, kept at the end of the file."""


def _serialise(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=LINE_WIDTH, include_previous=True)
    return buffer.getvalue()


def merge(template: Catalog, path: Path, language: Language, now: dt.datetime) -> Update:
    """Merge one extracted template into one language's catalog.

    The merge is sphinx-intl's (Babel's ``Catalog.update``): translations are
    kept, an entry whose source changed comes back fuzzy, removed entries
    become obsolete.  What we add: the previous msgid is written out
    (``#| msgid``) so the translator sees what changed, the header is that of
    the language, and a catalog whose messages did not change is not
    rewritten at all, not even for a new POT-Creation-Date.
    """
    if path.exists():
        old = path.read_bytes()
        catalog, problems = parse(path)
        if catalog is None:
            raise CatalogError(problems)
        created = catalog.creation_date
        fuzzy_before = {m.id for m in catalog if m.fuzzy}
        sphinx_intl_catalog.update_with_fuzzy(catalog, template)
        fix_header(catalog, language, now)
        newly_fuzzy = sum(1 for m in catalog if m.id and m.fuzzy and m.id not in fuzzy_before)
        candidate = catalog.creation_date
        catalog.creation_date = created
        if _serialise(catalog) == old:
            return Update(path, "unchanged", 0, len(catalog.obsolete))
        catalog.creation_date = candidate
        status = "updated"
    else:
        catalog = copy.deepcopy(template)
        catalog.locale = language.code
        fix_header(catalog, language, now)
        status = "created"
        newly_fuzzy = 0
    write(path, catalog)
    return Update(path, status, newly_fuzzy, len(catalog.obsolete))


def update(pot_dir: Path, locale_dir: Path, langs: list[Language]) -> list[Update]:
    """Merge every extracted template into every language's catalogs."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    results = []
    for pot in sorted(Path(pot_dir).glob("*.pot")):
        template = read(pot)
        for language in langs:
            path = catalog_dir(locale_dir, language) / f"{pot.stem}.po"
            results.append(merge(template, path, language, now))
    return results
