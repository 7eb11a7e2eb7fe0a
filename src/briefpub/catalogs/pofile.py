"""A PO file as a list of entries, each remembering the text it was read from.

Translators' tools each lay a catalog out their own way: msgcat and Poedit
wrap at 79 columns, translate-toolkit and Weblate at 77, Babel at 76.  A
merge that re-lays every entry shows a translator hundreds of changed lines
for one changed sentence.  So an entry read from a file keeps its text, and
only an entry whose content changed (or a new one) is written again, in GNU
gettext's own layout (:mod:`briefpub.catalogs.gnuwrap`), which msgcat and Poedit then
leave as it is.  The header is edited field by field in the same spirit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

from briefpub.catalogs import gnuwrap


class PoSyntaxError(ValueError):
    """A line that is not PO syntax."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass
class Entry:
    msgid: str
    msgstr: list[str] = field(default_factory=lambda: [""])
    """One string, or one per plural form when there is a ``msgid_plural``."""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    comments: list[str] = field(default_factory=list)
    """Translator comments (``# …``)."""
    extracted: list[str] = field(default_factory=list)
    """Notes for translators from the source (``#. …``)."""
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    text: str | None = field(default=None, compare=False)
    """The lines the entry was read from; None for an entry to be written anew."""
    leading: str = field(default="", compare=False)
    """Blank lines before the entry."""
    line: int = field(default=0, compare=False)
    """The line of its ``msgid`` in the file it was read from (0: not read)."""

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None and not self.obsolete

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return any(self.msgstr)

    def changed(self, **changes) -> Entry:
        """A copy with ``changes``, to be written anew unless it equals this entry."""
        new = replace(self, **changes)
        if new != self:
            new.text = None
        return new


@dataclass
class PoFile:
    entries: list[Entry]
    trailer: str = ""
    """Blank lines (and comments, which gettext allows) after the last entry."""

    @property
    def header(self) -> Entry | None:
        return self.entries[0] if self.entries and self.entries[0].is_header else None

    def render(self) -> str:
        parts = []
        for index, entry in enumerate(self.entries):
            leading = entry.leading if entry.text is not None else ("\n" if index else "")
            parts.append(leading + (entry.text if entry.text is not None else format_entry(entry)))
        return "".join(parts) + self.trailer


# --- reading --------------------------------------------------------------------

_LITERAL = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s*(.*)$")
_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "\\": "\\", '"': '"'}
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]+)|(.))")


def unescape(literal: str) -> str:
    """The text of one quoted PO string, quotes included."""
    if "\\" not in literal:
        return literal[1:-1]

    def one(match: re.Match) -> str:
        octal, hexadecimal, char = match.groups()
        if octal:
            return chr(int(octal, 8))
        if hexadecimal:
            return chr(int(hexadecimal, 16))
        return _UNESCAPES.get(char, char)

    return _ESCAPE.sub(one, literal[1:-1])


_BABEL_ESCAPE = re.compile(r'\\([\\trn"])')
_BABEL_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def babel_unescape(literal: str) -> str:
    """The text of one quoted PO string as Babel reads it (and so Sphinx, which
    compiles the catalogs with Babel): only ``\\\\ \\" \\n \\t \\r`` are escapes."""
    if "\\" not in literal:
        return literal[1:-1]
    return _BABEL_ESCAPE.sub(lambda match: _BABEL_UNESCAPES.get(match.group(1), match.group(1)), literal[1:-1])


_LITERAL_LINE = re.compile(_LITERAL)


def _literal(text: str, number: int, unescape=unescape) -> str:
    text = text.strip()
    if not _LITERAL_LINE.fullmatch(text):
        raise PoSyntaxError(number, f"expected one quoted string, found {text[:40]!r}")
    return unescape(text)


def _lines(text: str) -> list[str]:
    """The lines of a catalog, each with its end: gettext ends a line at LF
    only (a U+2028 or a form feed inside a string is text)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _legacy_previous(lines: list[str], index: int, unescape=unescape) -> tuple[str, str, int] | None:
    """A ``#|`` keyword whose strings were re-wrapped as comment text (as
    briefpub wrote them before 1.1): its keyword, its text and the number of
    lines it took, or None when these lines are not that."""
    first = lines[index][2:].strip()
    match = _KEYWORD.match(first)
    if not match:
        return None
    parts, count = [match.group(3)], 1
    while index + count < len(lines):
        following = lines[index + count]
        rest = following[2:].strip()
        if not following.startswith("#|") or _KEYWORD.match(rest):
            break
        parts.append(rest)
        count += 1
    joined = " ".join(parts)
    if not re.fullmatch(rf"\s*(?:{_LITERAL}\s*)+", joined):
        return None
    return match.group(1), "".join(unescape(lit) for lit in re.findall(_LITERAL, joined)), count


def parse(text: str, unescape=unescape) -> PoFile:
    """Read a catalog's text; raise :class:`PoSyntaxError` on a line that is
    not PO syntax.  ``unescape`` reads a quoted string (gettext's escapes by
    default; :func:`babel_unescape` for the text Sphinx publishes)."""
    lines = _lines(text)
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # the field that a continuation string extends
    has_msgstr = False
    start = 0
    blank: int | None = None  # the first of the blank lines just read
    repaired = False  # the current entry is to be written anew in a valid layout

    def close(end: int) -> None:
        if current is not None:
            if not has_msgstr:
                raise PoSyntaxError(start + 1, "an entry without msgstr")
            current.text = None if repaired else "".join(lines[start:end])
            entries.append(current)

    def entry_at(index: int) -> Entry:
        """The entry a comment or keyword line at ``index`` belongs to: a new
        one when the current entry is complete."""
        nonlocal current, has_msgstr, start, blank, target, repaired
        if current is None or has_msgstr:
            first = blank if blank is not None else index
            close(first)
            current, has_msgstr, start, repaired = Entry(msgid="", msgstr=[]), False, index, False
            current.leading = "".join(lines[first:index])
        blank, target = None, None
        return current

    index = 0
    while index < len(lines):
        line = lines[index].strip()
        number = index + 1
        if not line:
            blank = index if blank is None else blank
            index += 1
            continue
        if line.startswith("#") and not line.startswith(("#~", "#|")):
            entry = entry_at(index)
            tag, body = line[1:2], line[2:]
            if tag == ".":
                entry.extracted.append(body[1:] if body.startswith(" ") else body)
            elif tag == ":":
                entry.references += body.split()
            elif tag == ",":
                entry.flags += [flag.strip() for flag in body.split(",") if flag.strip()]
            else:
                comment = line[1:]
                entry.comments.append(comment[1:] if comment.startswith(" ") else comment)
            index += 1
            continue
        obsolete = line.startswith("#~")
        previous = line.startswith(("#|", "#~|"))
        body = (line[3:] if line.startswith("#~|") else line[2:] if obsolete or previous else line).strip()
        if body.startswith('"'):
            if target is None or blank is not None:
                raise PoSyntaxError(number, "a string outside msgctxt, msgid or msgstr")
            name, plural = target
            value = _literal(body, number, unescape)
            if name == "msgstr":
                current.msgstr[plural] += value
            else:
                setattr(current, name, getattr(current, name) + value)
            index += 1
            continue
        match = _KEYWORD.match(body)
        if not match:
            raise PoSyntaxError(number, f"not PO syntax: {line[:40]!r}")
        keyword, plural, rest = match.groups()
        if previous:
            if keyword not in ("msgctxt", "msgid", "msgid_plural"):
                raise PoSyntaxError(number, f"#| {keyword}: only msgctxt, msgid and msgid_plural have a previous value")
            entry = entry_at(index)
            name = "previous_" + keyword
            try:
                value, taken = _literal(rest, number, unescape), 1
            except PoSyntaxError:
                legacy = None if obsolete else _legacy_previous(lines, index, unescape)
                if legacy is None:
                    raise
                _, value, taken = legacy
                repaired = True
            setattr(entry, name, value)
            target = (name, 0) if taken == 1 else None
            index += taken
            continue
        if keyword.startswith("msgstr"):
            if current is None or blank is not None:
                raise PoSyntaxError(number, f"{keyword} without msgid")
            entry, has_msgstr = current, True
            plural_index = int(plural) if plural is not None else 0
            entry.msgstr += [""] * (plural_index + 1 - len(entry.msgstr))
            entry.msgstr[plural_index] = _literal(rest, number, unescape)
            target = ("msgstr", plural_index)
        else:
            entry = entry_at(index) if keyword != "msgid_plural" else current
            if entry is None:
                raise PoSyntaxError(number, "msgid_plural without msgid")
            setattr(entry, keyword, _literal(rest, number, unescape))
            if keyword == "msgid":
                entry.line = number
            target = (keyword, 0)
        entry.obsolete = obsolete
        index += 1
    if current is not None and not has_msgstr and not current.line:
        return PoFile(entries, current.leading + "".join(lines[start:]))  # comments after the last entry
    close(blank if blank is not None else len(lines))
    return PoFile(entries, "".join(lines[blank:]) if blank is not None else "")


# --- writing, as GNU gettext does -------------------------------------------------


def _comment_lines(tag: str, texts: list[str]) -> list[str]:
    return [f"#{tag} {text}" if text else f"#{tag}" for text in texts]


def _reference_lines(references: list[str], page_width: int = gnuwrap.PAGE_WIDTH) -> list[str]:
    lines, line, column = [], "#:", 2
    for reference in references:
        if column > 2 and column + len(reference) + 1 > page_width:
            lines.append(line)
            line, column = "#:", 2
        line += " " + reference
        column += len(reference) + 1
    return lines + [line] if references else lines


def _flags(entry: Entry) -> list[str]:
    """``fuzzy`` first and only on a translated entry, as gettext writes it."""
    others = [flag for flag in entry.flags if flag != "fuzzy"]
    return (["fuzzy"] if entry.fuzzy and entry.translated else []) + others


def format_entry(entry: Entry) -> str:
    """An entry in GNU gettext's layout (that of ``msgcat``)."""
    prefix = "#~ " if entry.obsolete else ""
    previous_prefix = "#~| " if entry.obsolete else "#| "
    lines = _comment_lines("", entry.comments) + _comment_lines(".", entry.extracted)
    lines += _reference_lines(entry.references)
    flags = _flags(entry)
    if flags:
        lines.append("#, " + ", ".join(flags))
    for keyword in ("msgctxt", "msgid", "msgid_plural"):
        value = getattr(entry, "previous_" + keyword)
        if value is not None:
            lines += gnuwrap.wrap(keyword, value, previous_prefix)
    if entry.msgctxt is not None:
        lines += gnuwrap.wrap("msgctxt", entry.msgctxt, prefix)
    lines += gnuwrap.wrap("msgid", entry.msgid, prefix)
    if entry.msgid_plural is not None:
        lines += gnuwrap.wrap("msgid_plural", entry.msgid_plural, prefix)
        for number, form in enumerate(entry.msgstr):
            lines += gnuwrap.wrap(f"msgstr[{number}]", form, prefix)
    else:
        lines += gnuwrap.wrap("msgstr", entry.msgstr[0] if entry.msgstr else "", prefix)
    return "\n".join(lines) + "\n"


# --- the header, field by field -----------------------------------------------------


def header_fields(entry: Entry) -> dict[str, str]:
    """The header's fields in their order (``Language: uk`` → ``{"Language": "uk"}``)."""
    found = {}
    for line in entry.msgstr[0].splitlines():
        name, colon, value = line.partition(":")
        if colon:
            found[name.strip()] = value.strip()
    return found


def _field_groups(lines: list[str], start: int) -> list[tuple[str, int, int]]:
    """The header fields of a msgstr whose string lines begin at ``start``:
    (field name, first line, end line) for each field written on lines of its own."""
    groups, text, first = [], "", start
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if not stripped.startswith('"'):
            break
        text += unescape(stripped)
        if text.endswith("\n"):
            groups.append((text.partition(":")[0].strip(), first, index + 1))
            text, first = "", index + 1
    return groups


def edit_header(entry: Entry, fields_now: dict[str, str], comments: list[str], flags: list[str]) -> Entry:
    """The header with ``fields_now``: the lines of every field whose value
    is the same are kept as they were, a changed field is written anew in its
    place, a new one at the end, a removed one taken out."""
    before = header_fields(entry)
    msgstr = "".join(f"{name}: {value}\n" for name, value in fields_now.items())
    new = entry.changed(msgstr=[msgstr], comments=comments, flags=flags)
    if new.text is None and entry.text is not None and entry.msgstr[0] == "".join(
            f"{name}: {value}\n" for name, value in before.items()):
        new.text = _edited_header_text(entry, before, fields_now, comments, flags)
    return new


def _edited_header_text(entry: Entry, before: dict[str, str], after: dict[str, str],
                        comments: list[str], flags: list[str]) -> str | None:
    lines = entry.text.splitlines(keepends=True)
    msgid_at = next(i for i, line in enumerate(lines) if line.startswith("msgid"))
    msgstr_at = next(i for i, line in enumerate(lines) if line.startswith("msgstr"))
    if lines[msgstr_at].strip() != 'msgstr ""':
        return None
    groups = _field_groups(lines, msgstr_at + 1)
    if [name for name, _, _ in groups] != list(before):
        return None
    body: list[str] = []
    for name, first, end in groups:
        if name not in after:
            continue
        if after[name] == before[name]:
            body += lines[first:end]
        else:
            body += [line + "\n" for line in gnuwrap.continuation(f"{name}: {after[name]}\n")]
    for name, value in after.items():
        if name not in before:
            body += [line + "\n" for line in gnuwrap.continuation(f"{name}: {value}\n")]
    end = groups[-1][2] if groups else msgstr_at + 1
    head = lines[:msgid_at]
    if comments != entry.comments or flags != entry.flags:
        probe = Entry(msgid="", comments=comments, flags=flags)
        head = [line + "\n" for line in format_entry(probe).splitlines()[:-2]]
    return "".join(head + lines[msgid_at:msgstr_at + 1] + body + lines[end:])


def same_content(a: Entry, b: Entry) -> bool:
    return all(getattr(a, f.name) == getattr(b, f.name) for f in fields(Entry) if f.compare)
