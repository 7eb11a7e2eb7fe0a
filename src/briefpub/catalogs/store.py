"""The translation catalogs under ``locale/``: reading them, bringing them up to
date with the source, and keeping their headers right for their language.

Catalogs are read by briefpub's own PO reader (:mod:`briefpub.catalogs.pofile`), as
Babel catalogs.  Merging with the extracted templates and writing work entry
by entry (:mod:`briefpub.catalogs.merging`, :mod:`briefpub.catalogs.pofile`): whichever tool
last wrote a catalog, an update changes only the entries and header fields
whose content changed, writes them in GNU gettext's layout, and writes every
catalog or none.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import fcntl
import os
import re
import stat
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from briefpub.catalogs import merging, pofile
from briefpub.project.languages import Language
from briefpub.project.problems import ERROR, Problem

LINE_WIDTH = pofile.gnuwrap.PAGE_WIDTH
"""Wrapping of the entries briefpub writes: GNU gettext's, so that msgcat and
Poedit leave them as they are."""


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
    ``data``, if given, is its content, already read.

    The file is read by briefpub's own PO reader (:mod:`briefpub.catalogs.pofile`, the
    one ``update`` merges with), not Babel's, which refuses the ``#~|`` lines
    of obsolete fuzzy entries and takes ``#|`` lines for translator comments;
    strings are read as Babel reads them, since Sphinx compiles the catalogs
    with Babel.  :class:`pofile.PoSyntaxError` if it is not well formed."""
    data = read_bytes(path) if data is None else data
    return _as_babel(pofile.parse(data.decode("utf-8"), unescape=pofile.babel_unescape).entries)


def _as_babel(entries: list[pofile.Entry]) -> Catalog:
    """A Babel catalog of ``entries``, as Babel's own reader would make it,
    with the previous msgid of every fuzzy entry."""
    catalog = Catalog(charset="utf-8")
    for entry in entries:
        msgid, string = entry.msgid, entry.msgstr[0] if entry.msgstr else ""
        if entry.msgid_plural is not None:
            forms = catalog.num_plurals  # the header, read first, says how many
            if len(entry.msgstr) > forms:
                raise pofile.PoSyntaxError(entry.line, f"msgstr[{len(entry.msgstr) - 1}], but the header's "
                                                       f"Plural-Forms has nplurals={forms}: remove the extra forms")
            msgid, string = (entry.msgid, entry.msgid_plural), tuple(entry.msgstr + [""] * (forms - len(entry.msgstr)))
        previous = [text for text in (entry.previous_msgid, entry.previous_msgid_plural) if text is not None]
        message = Message(
            msgid, string, _locations(entry.references), entry.flags,
            [text.strip() for text in entry.extracted if text.strip()], [text.strip() for text in entry.comments],
            previous_id=previous, lineno=entry.line, context=entry.msgctxt,
        )
        if entry.is_header:
            try:
                catalog[msgid] = message
            except Exception as error:  # Babel's reading of header fields has no single error type
                raise pofile.PoSyntaxError(entry.line, f"a header field cannot be read ({error})") from None
        elif not entry.obsolete:
            catalog[msgid] = message
        else:
            key = entry.msgid if entry.msgctxt is None else (entry.msgid, entry.msgctxt)
            catalog.obsolete[key] = message
    return catalog


def _locations(references: list[str]) -> list[tuple[str, int | None]]:
    """``docs/index.md:33`` as ``("docs/index.md", 33)``; one whose line is no number is left out, as Babel does."""
    found = []
    for reference in references:
        name, colon, line = reference.rpartition(":")
        if not colon:
            found.append((reference, None))
        elif line.isdigit():
            found.append((name, int(line)))
    return found


_KEYWORD = re.compile(r"(?:#~\s*)?(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(.*)$")
_ESCAPES = set('\\"abfnrtv01234567x')
_WELL_FORMED = re.compile(r'"[^"\\]*(?:\\[\\"abfnrtv0-7x][^"\\]*)*"\s*')
"""One PO string with gettext's escapes, and nothing after it."""


def _string_error(text: str) -> str | None:
    """Why ``text`` is not one well-formed PO string (``"…"``), or None."""
    return None if _WELL_FORMED.fullmatch(text) else _string_fault(text)


def _string_fault(text: str) -> str | None:
    """What is wrong with a PO string, found character by character."""
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


_PREVIOUS = re.compile(r"#~?\|\s*(?:(msgctxt|msgid|msgid_plural)\s+)?(.*)$")


def _previous_problems(path: Path, number: int, line: str) -> list[Problem]:
    """A previous msgid (``#| msgid "…"``, ``#| "…"``) must be PO strings,
    one a line, as msgfmt, msgcat, polib and translate-toolkit read them."""
    keyword, rest = _PREVIOUS.match(line).groups()
    error = _string_error(rest)
    if error is None:
        return []
    return [Problem(path, number, ERROR, "syntax",
                    f"#| {keyword or 'previous msgid'}: {error}; `briefpub update` rewrites a previous msgid "
                    "in gettext's layout")]


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
        if stripped.startswith(("#|", "#~|")):
            problems += _previous_problems(path, number, stripped)
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
    except pofile.PoSyntaxError as error:
        return None, [Problem(path, error.line, ERROR, "syntax", f"unreadable catalog: {error.message}")]


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


def write(path: Path, catalog: Catalog) -> None:
    """Save a catalog as read and changed through Babel: only the entries
    that differ from the file are written anew, in GNU gettext's layout."""
    path = Path(path)
    write_all({path: _serialise(catalog, _read_text(path))})


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



# --- the header ---------------------------------------------------------------------

UNSET = {"", "LANGUAGE <LL@li.org>", "FULL NAME <EMAIL@ADDRESS>", "YEAR-MO-DA HO:MI+ZONE"}
"""Values of a template's header that mean 'not filled in yet'."""

POEDIT_BASEPATH = "../../.."
"""From ``locale/<lang>/LC_MESSAGES/`` to the repository root, where the
references (``#: docs/index.md:33``) start."""


def header_for(language: Language, fields: dict[str, str], template: dict[str, str], now: dt.datetime,
               messages_changed: bool) -> dict[str, str]:
    """The header fields a catalog should have: those a translator or their
    tool set are kept; what is missing or still a template's placeholder is
    filled in; ``Language`` and ``Plural-Forms`` are the language's; the
    template's creation date only when the messages changed."""
    fields = dict(fields)

    def fill(name: str, value: str) -> None:
        if fields.get(name, "") in UNSET:
            fields[name] = value

    for name in ("Project-Id-Version", "Report-Msgid-Bugs-To"):
        if name not in fields:
            fields[name] = template.get(name, "")
    if messages_changed or fields.get("POT-Creation-Date", "") in UNSET:
        fields["POT-Creation-Date"] = template.get("POT-Creation-Date", now.strftime("%Y-%m-%d %H:%M%z"))
    fill("PO-Revision-Date", now.strftime("%Y-%m-%d %H:%M%z"))
    fill("Last-Translator", template.get("Last-Translator", ""))
    fill("Language-Team", language.team)
    fields["Language"] = language.code
    fill("MIME-Version", "1.0")
    fill("Content-Type", "text/plain; charset=UTF-8")
    fill("Content-Transfer-Encoding", "8bit")
    if not language.has_plural_forms(fields.get("Plural-Forms", "")):
        fields["Plural-Forms"] = language.plural_forms
    fill("X-Poedit-Basepath", POEDIT_BASEPATH)
    fill("X-Poedit-SearchPath-0", "docs")
    return fields


def _header_comments(comments: list[str], language: Language, project: str) -> list[str]:
    if comments and not comments[0].startswith("SOME DESCRIPTIVE TITLE"):
        return comments
    return [f"{language.english_name} translation of “{project}”.",
            "This file is distributed under the same license as the publication."]


def _merged_header(old: pofile.Entry | None, template: pofile.Entry | None, language: Language,
                   now: dt.datetime, messages_changed: bool) -> pofile.Entry:
    template_fields = pofile.header_fields(template) if template else {}
    project = template_fields.get("Project-Id-Version", "").rsplit(" ", 1)[0]
    base = old or pofile.Entry(msgid="", msgstr=[""])
    fields = header_for(language, pofile.header_fields(base), template_fields, now, messages_changed)
    comments = _header_comments(base.comments, language, project)
    flags = [flag for flag in base.flags if flag != "fuzzy"]
    return pofile.edit_header(base, fields, comments, flags)


# --- merging ------------------------------------------------------------------------


def _read_text(path: Path) -> str | None:
    """A catalog's text; None when there is none yet."""
    try:
        return path.read_bytes().decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise CatalogError([Problem(path, 0, ERROR, "syntax", f"cannot read the catalog: {error.strerror}")]) from None


def _previous_lines(text: str) -> set[int]:
    return {number for number, line in enumerate(text.splitlines(), start=1) if line.startswith("#|")}


def _load(path: Path) -> pofile.PoFile:
    """A catalog to merge into; :class:`CatalogError` with every problem when
    it cannot be read.  A previous msgid that an earlier briefpub wrote
    re-wrapped as comment text is read and written back in gettext's layout."""
    _, problems = parse(path)
    text = _read_text(path)
    previous = _previous_lines(text) if text is not None else set()
    problems = [problem for problem in problems if problem.line not in previous]
    if problems:
        raise CatalogError(problems)
    try:
        return pofile.parse(text)
    except pofile.PoSyntaxError as error:
        raise CatalogError([Problem(path, error.line, ERROR, "syntax", error.message)]) from None


def merge(template: pofile.PoFile, path: Path, language: Language, now: dt.datetime) -> tuple[Update, bytes | None]:
    """Merge one extracted template into one language's catalog: the update,
    and the catalog's new content (None when it stays as it is)."""
    text = _read_text(path)
    old = _load(path) if text is not None else pofile.PoFile([])
    body_before = [entry for entry in old.entries if not entry.is_header]
    result = merging.merge(body_before, [entry for entry in template.entries if not entry.is_header])
    messages_changed = (len(result.entries) != len(body_before)
                        or any(entry.text is None for entry in result.entries))
    header = _merged_header(old.header, template.header, language, now, messages_changed or text is None)
    new = pofile.PoFile([header] + result.entries, old.trailer).render()
    if text is None:
        return Update(path, "created", 0, result.obsolete), new.encode("utf-8")
    if new == text:
        return Update(path, "unchanged", 0, result.obsolete), None
    return Update(path, "updated", result.fuzzy, result.obsolete), new.encode("utf-8")


def update(pot_dir: Path, locale_dir: Path, langs: list[Language]) -> list[Update]:
    """Merge every extracted template into every language's catalogs: every
    catalog is merged first, then all that changed are written together, or
    none (:class:`CatalogError`, :class:`CatalogWriteError`)."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    results, changes, problems = [], {}, []
    for pot in sorted(Path(pot_dir).glob("*.pot")):
        template = pofile.parse(pot.read_text(encoding="utf-8"))
        for language in langs:
            path = catalog_dir(locale_dir, language) / f"{pot.stem}.po"
            try:
                result, content = merge(template, path, language, now)
            except CatalogError as error:
                problems += error.problems
                continue
            results.append(result)
            if content is not None:
                changes[path] = content
    if problems:
        raise CatalogError(problems)
    write_all(changes)
    return results


def prefill_theme_labels(locale_dir: Path, langs: list[Language]) -> list[Path]:
    """Fill the empty entries of each language's ``sphinx.po`` with the
    translations of the theme's labels that briefpub ships, so that a new
    publication (``briefpub new``) starts with its page labels translated;
    return the catalogs changed.  The project's wording then overrides
    briefpub's; every other entry keeps its bytes."""
    from briefpub.project.config import THEME_LOCALE_DIR

    changed = []
    for language in langs:
        shipped_path = THEME_LOCALE_DIR / language.code / "LC_MESSAGES" / f"{THEME_DOMAIN}.po"
        path = catalog_dir(locale_dir, language) / f"{THEME_DOMAIN}.po"
        if language.is_source or not shipped_path.is_file() or not path.is_file():
            continue
        shipped = {message.id: message.string for message in read(shipped_path) if message.id}
        po = pofile.parse(path.read_text(encoding="utf-8"))
        filled = [
            entry.changed(msgstr=[shipped[entry.msgid]])
            if not entry.is_header and not entry.obsolete and entry.msgid_plural is None
            and not entry.translated and shipped.get(entry.msgid) else entry
            for entry in po.entries
        ]
        if filled != po.entries:
            write_all({path: pofile.PoFile(filled, po.trailer).render().encode("utf-8")})
            changed.append(path)
    return changed


# --- writing, all or nothing ----------------------------------------------------------


class CatalogWriteError(Exception):
    """A catalog that could not be written; no catalog was changed."""

    def __init__(self, path: Path, error: OSError):
        self.path = path
        reason = error.strerror or str(error)
        super().__init__(f"{path}: cannot write the catalog ({reason}): no catalog was changed; "
                         "make the file and its folder writable and run the update again")


def _temporary_copy(path: Path, content: bytes, created_dirs: list[Path]) -> Path:
    """``content`` in a new file of its own beside ``path``, with ``path``'s permissions."""
    missing = [parent for parent in [path.parent, *path.parent.parents] if not parent.exists()]
    for folder in reversed(missing):
        folder.mkdir()
        created_dirs.append(folder)
    if path.exists():
        with open(path, "r+b"):  # an immutable or read-only catalog fails here, before anything changed
            pass
        mode = stat.S_IMODE(path.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(name, mode)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def write_all(changes: dict[Path, bytes]) -> None:
    """Write several catalogs together: each into a temporary file of its
    own first, then each put in place; if any step fails, the catalogs
    already replaced get their old content back and :class:`CatalogWriteError`
    names the file that could not be written."""
    temporary: dict[Path, Path] = {}
    created_dirs: list[Path] = []
    old = {path: path.read_bytes() if path.exists() else None for path in changes}
    replaced: list[Path] = []
    current = None
    try:
        for current, content in changes.items():
            temporary[current] = _temporary_copy(current, content, created_dirs)
        for current, copy_path in temporary.items():
            os.replace(copy_path, current)
            replaced.append(current)
    except OSError as error:
        for path in replaced:
            if old[path] is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(_temporary_copy(path, old[path], []), path)
        for path, copy_path in temporary.items():
            if path not in replaced:
                copy_path.unlink(missing_ok=True)
        for folder in reversed(created_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise CatalogWriteError(current, error) from None


@contextlib.contextmanager
def update_lock(folder: Path, on_wait=None):
    """One ``update`` at a time in a project (the extraction included): a
    second one waits for the first."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".update.lock", "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- Babel's catalogs, written the same way ---------------------------------------------


def _entry_from_babel(message, obsolete: bool = False) -> pofile.Entry:
    plural = isinstance(message.id, (list, tuple))
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string or ""]
    previous = list(message.previous_id or [])
    return pofile.Entry(
        msgid=message.id[0] if plural else message.id,
        msgid_plural=message.id[1] if plural else None,
        msgstr=[text or "" for text in strings],
        msgctxt=message.context,
        comments=[comment for comment in message.user_comments if not comment.startswith("|")],
        extracted=list(message.auto_comments),
        references=[f"{file}:{line}" if line is not None else file for file, line in message.locations],
        flags=(["fuzzy"] if message.fuzzy else []) + sorted(f for f in message.flags if f != "fuzzy"),
        previous_msgid=previous[0] if previous else None,
        previous_msgid_plural=previous[1] if len(previous) > 1 else None,
        obsolete=obsolete,
    )


def _as_babel_sees(entry: pofile.Entry) -> pofile.Entry:
    """What of an entry survives Babel's reader: comments stripped, flags
    unordered, no previous context."""
    flags = (["fuzzy"] if entry.fuzzy else []) + sorted(f for f in entry.flags if f != "fuzzy")
    return replace(entry, comments=[c.strip() for c in entry.comments], extracted=[c.strip() for c in entry.extracted
                                                                                   if c.strip()],
                   flags=flags, previous_msgctxt=None, text=None)


def _serialise(catalog: Catalog, old_text: str | None = None) -> bytes:
    """A Babel catalog as a PO file: against the file it was read from
    (``old_text``), an entry that Babel read and gives back unchanged keeps
    its text, the header its fields."""
    entries = [_entry_from_babel(m) for m in catalog if m.id] + \
        [_entry_from_babel(m, obsolete=True) for m in catalog.obsolete.values()]
    old = pofile.parse(old_text) if old_text is not None else pofile.PoFile([])
    before = {(e.obsolete, e.key): e for e in old.entries if not e.is_header}
    kept = []
    for entry in entries:
        known = before.get((entry.obsolete, entry.key))
        kept.append(known if known is not None and _as_babel_sees(known) == entry else entry)
    babel_fields = dict(catalog.mime_headers)
    if old.header is not None:
        fields = pofile.header_fields(old.header)
        fields.update({name: value for name, value in babel_fields.items() if name in fields})
        header = pofile.edit_header(old.header, fields, old.header.comments, old.header.flags)
    else:
        babel_fields.pop("Generated-By", None)
        header = pofile.Entry(msgid="", msgstr=["".join(f"{n}: {v}\n" for n, v in babel_fields.items())],
                              comments=catalog.header_comment.lstrip("# ").splitlines())
    return pofile.PoFile([header] + kept, old.trailer).render().encode("utf-8")
