"""Judging a translator's work: every rule that a catalog must satisfy.

The catalog model and its reading live in :mod:`briefpub.catalogs`; this
module only judges.  Each rule looks at one thing and reports
:class:`~briefpub.problems.Problem` values with the line of the entry, so a
translator can jump straight to it.  ``release=True`` is the gate before
publishing: untranslated and fuzzy entries become errors.
"""

from __future__ import annotations

import functools
import gettext
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from briefpub import catalogs, languages, markup, sources, terminology
from briefpub.languages import Language
from briefpub.problems import ERROR, WARNING, Problem

TERMINOLOGY = "terminology.toml"


@dataclass(frozen=True)
class Entry:
    """One message as the rules see it."""

    path: Path
    line: int
    msgid: str
    msgstr: str
    fuzzy: bool
    plural: bool = False
    """Plural forms are joined with NUL (U+0000) in msgid and msgstr."""


# --- catalog syntax and headers ---------------------------------------------------


def _header_line(text: str, field: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip('"').startswith(f"{field}:"):
            return number
    return 1


def header_problems(path: Path, catalog: Catalog, language: Language, release: bool) -> list[Problem]:
    try:
        text = catalogs.read_bytes(path).decode("utf-8", errors="replace")
    except catalogs.Refused:
        text = ""  # replaced since it was parsed; the lines are then unknown
    problems = []
    header = dict(catalog.mime_headers)

    declared = header.get("Language", "").strip()
    if declared != language.code:
        found = f"says {declared!r}" if declared else "is missing"
        problems.append(Problem(
            path, _header_line(text, "Language"), ERROR, "header",
            f"the Language header {found} but the catalog is in locale/{language.code}/: "
            f"set it to {language.code!r} or move the file",
        ))

    plural = header.get("Plural-Forms", "")
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", plural)
    expected = language.plural_forms
    line = _header_line(text, "Plural-Forms")
    if not match:
        problems.append(Problem(
            path, line, ERROR, "header",
            f"the Plural-Forms header {plural!r} does not parse: use {expected!r}",
        ))
    else:
        try:
            rule = gettext.c2py(match.group(2))
        except (ValueError, RecursionError):
            problems.append(Problem(
                path, line, ERROR, "header",
                f"the plural expression {match.group(2)!r} does not parse: use {expected!r}",
            ))
        else:
            wanted = re.fullmatch(r"nplurals=(\d+); plural=(.+);", expected)
            wanted_rule = gettext.c2py(wanted.group(2))
            if int(match.group(1)) != int(wanted.group(1)) or any(
                rule(n) != wanted_rule(n) for n in range(0, 1000)
            ):
                problems.append(Problem(
                    path, line, ERROR, "header",
                    f"Plural-Forms does not match {language.english_name}: use {expected!r}",
                ))

    content_type = header.get("Content-Type", "")
    if "charset=utf-8" not in content_type.lower().replace(" ", ""):
        problems.append(Problem(
            path, _header_line(text, "Content-Type"), ERROR, "header",
            "the catalog must declare UTF-8: set Content-Type to 'text/plain; charset=UTF-8'",
        ))
    if catalog.fuzzy:
        problems.append(Problem(
            path, 1, ERROR if release else WARNING, "header",
            "the header is marked fuzzy: remove '#, fuzzy' above the first msgid",
        ))
    return problems


# --- completeness --------------------------------------------------------------------


def completeness_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    severity = ERROR if release else WARNING
    if entry.fuzzy:
        yield Problem(entry.path, entry.line, severity, "fuzzy",
                      "fuzzy: the source changed; check the translation, then remove the fuzzy flag")
    elif not entry.msgstr and not language.is_source:
        yield Problem(entry.path, entry.line, severity, "untranslated", "not translated yet")


def template_problems(path: Path, catalog: Catalog, template: Catalog | None, language: Language,
                      release: bool) -> Iterator[Problem]:
    """A catalog held to the source: every message of its template must be
    in it, whatever the catalog claims; without the template, a catalog with
    no message at all is still known to translate nothing."""
    severity = _unfinished(language, release)
    effect = "the source text stands" if language.is_source else "the edition would show the English text"
    if template is None:
        if not any(message.id for message in catalog):
            yield Problem(path, 1, severity, "incomplete",
                          f"the catalog has a header and no messages ({effect}): run `make update-po` to fill it "
                          "from the source")
        return
    missing = [message for message in template if message.id and catalog.get(message.id, message.context) is None]
    if not missing:
        return
    first, count = missing[0], len(missing)
    shown = _text(first.id)
    shown = repr(shown[:60] + ("…" if len(shown) > 60 else ""))
    if first.locations:
        shown += f" (from {first.locations[0][0]}:{first.locations[0][1]})"
    what = f"1 message of the source is not in this catalog: {shown}" if count == 1 else \
        f"{count} messages of the source are not in this catalog, the first {shown}"
    yield Problem(path, 1, severity, "incomplete",
                  f"{what}; {effect}: run `make update-po`, then translate {'it' if count == 1 else 'them'}")


def _unfinished(language: Language, release: bool) -> str:
    """How bad a message the source has and a catalog lacks is: the source
    language's edition shows the source text anyway."""
    return ERROR if release and not language.is_source else WARNING


# --- MyST markup ---------------------------------------------------------------------
#
# The whole message, blocks and inline, as Sphinx's MyST parser reads it
# (briefpub.markup): a translation carries exactly the directives, roles, link
# and image targets, definitions, footnote and substitution references of its
# source.  Anything more would be run or linked by the build; anything less
# loses a reference.

_KINDS = (
    ("directives", "directives"), ("options", "directive options"), ("roles", "roles"),
    ("links", "link targets"), ("images", "image targets"), ("definitions", "link definitions and targets"),
    ("references", "references"), ("footnotes", "footnote references"), ("substitutions", "substitutions"),
    ("code", "inline code"), ("attributes", "attributes"),
)
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BLOCK_ADVICE = {
    "a numbered list": "a number followed by '.' or ')' at the start is read as a list: put a backslash before "
                       "the dot, as in '2020\\.'",
    "a bulleted list": "a '-', '+' or '*' and a space at the start is read as a list: write it as '\\-'",
    "a heading": "a '#' at the start is read as a heading: write it as '\\#'",
    "an indented code block": "remove the spaces at the start",
    "a block quote": "a '>' at the start is read as a quotation: write it as '\\>'",
}


def markup_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    if not entry.msgstr or len(entry.msgstr) > MAX_MESSAGE_CHARS:
        return  # too long to parse: the bounds rule reports it
    source, target = _source_markup(entry.msgid), markup.inventory(entry.msgstr)
    where = (entry.path, entry.line)
    raw = target.html or [m.group(0) for m in _RAW_HTML.finditer(_strip_code(entry.msgstr))]
    if raw:
        yield Problem(*where, ERROR, "raw-html",
                      f"raw HTML {raw[0][:40]!r} in the translation: HTML is never published; "
                      "write the text with MyST markup instead")
    for block in (target.blocks - source.blocks).elements():
        advice = _BLOCK_ADVICE.get(block, "remove it, or write its first character with a backslash before it")
        yield Problem(*where, ERROR, "markup",
                      f"the translation contains {block}, which the source does not: Sphinx would not publish "
                      f"this translation as it is; {advice}")
    for attribute, name in _KINDS:
        wanted, got = getattr(source, attribute), getattr(target, attribute)
        if wanted != got:
            missing = list((wanted - got).elements())
            extra = list((got - wanted).elements())
            detail = "; ".join(
                part for part in (
                    f"missing {_show(attribute, missing)}" if missing else "",
                    f"not in the source {_show(attribute, extra)}{_unsafe(extra)}" if extra else "",
                ) if part
            )
            advice = ": a translation may not add directives, which run on the build machine; translate only " \
                "the text" if attribute in ("directives", "options") and extra else ""
            yield Problem(*where, ERROR, "markup", f"{name} differ from the source: {detail}{advice}")
    if target.stray and target.stray != source.stray:
        yield Problem(*where, ERROR, "markup",
                      f"unbalanced markup: {target.stray!r} left over; close every ` and * you open")
    if (source.emphasis, source.strong) != (target.emphasis, target.strong):
        yield Problem(*where, WARNING, "markup",
                      f"emphasis differs from the source: {source.emphasis} emphasis and {source.strong} "
                      f"strong there, {target.emphasis} and {target.strong} here")


@functools.lru_cache(maxsize=4096)
def _source_markup(msgid: str) -> markup.Inventory:
    """A source's markup, read once for every language (never changed by its readers)."""
    return markup.inventory(msgid)


_RAW_HTML = re.compile(r"<\s*/?\s*[A-Za-z][\w-]*(\s[^<>]*)?/?\s*>|\bon[a-z]+\s*=|javascript:", re.IGNORECASE)


def _unsafe(items: list) -> str:
    """Why an added target is worse than a mistake: its scheme runs or reads something."""
    targets = [item[-1] if isinstance(item, tuple) else item for item in items]
    schemes = sorted({m.group(1).lower() for t in targets if (m := _SCHEME.match(str(t)))} - _SAFE_SCHEMES)
    return f" (a {', '.join(s + ':' for s in schemes)} link is never published)" if schemes else ""


def _strip_code(text: str) -> str:
    return re.sub(r"`[^`]*`", "", text)


_FORMS = {
    "roles": "{%s}`%s`", "directives": "{%s} %s", "options": "{%s} :%s: %s", "definitions": "[%s]: %s",
    "attributes": "%s=%s",
}


def _show(kind: str, items: list) -> str:
    shown = [(_FORMS.get(kind, "%s") % (item if isinstance(item, tuple) else (item,))).strip() for item in items]
    return ", ".join(repr(text if len(text) <= 80 else text[:77] + "…") for text in shown)


# --- invisible and control characters ----------------------------------------------------
#
# Characters a reader cannot see change what they read: U+202E shows "2020"
# as "0202" while every check reads 2020; a zero-width space splits a word for
# search and hyphenation; a NUL ends a string in the tools after us.  A
# translation may carry them only where its source does.

BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = frozenset("\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
CONTROLS = frozenset(
    [chr(code) for code in range(0x20)] + [chr(code) for code in range(0x7F, 0xA0)] + ["\u2028", "\u2029"]
)
_CONTROL_NAMES = {"\x00": "NUL", "\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\x1b": "ESCAPE"}


def describe(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: a character named for a person."""
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "") or "a control character"
    return f"U+{ord(char):04X} {name}"


def control_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    forms = entry.msgstr.split("\x00") if entry.plural else [entry.msgstr]
    allowed = set(entry.msgid.replace("\x00", "") if entry.plural else entry.msgid)
    reported = set()
    for form in forms:
        for column, char in enumerate(form, start=1):
            if char in reported or char in allowed or not (char in BIDI or char in ZERO_WIDTH or char in CONTROLS):
                continue
            reported.add(char)
            if char in BIDI:
                why = "a bidirectional control: readers would see the text reordered (\"2020\" shown as " \
                      "\"0202\") while every check reads it in order"
            elif char == "\n":
                why = "a line break the source does not have: a new line can start a list or a heading; " \
                      "join the lines"
            elif char in ZERO_WIDTH:
                why = "an invisible character: it splits words for search, hyphenation and screen readers"
            else:
                why = "a control character: it has no place in a text"
            yield Problem(entry.path, entry.line, ERROR, "control-characters",
                          f"{describe(char)} at character {column} of the translation, which its source does "
                          f"not have: {why}; delete it")


# --- bounds --------------------------------------------------------------------------
#
# A translation is about as long as its source; one a hundred times longer is
# pasted into the wrong entry, or an attack on the build (a 5 MB msgstr keeps
# the PDF renderer busy for a quarter of an hour).

MAX_MESSAGE_CHARS = 20_000
"""The longest translated message: some fifteen pages of text in one paragraph."""
LENGTH_RATIO, LENGTH_SLACK = 4, 200
"""A translation may be up to 4 × its source + 200 characters long."""


def bounds_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    length, source = len(entry.msgstr), len(entry.msgid)
    if length > MAX_MESSAGE_CHARS:
        yield Problem(entry.path, entry.line, ERROR, "bounds",
                      f"the translation is {length:,} characters long, over the limit of {MAX_MESSAGE_CHARS:,}: "
                      "check that it belongs to this entry; a source this long should be split into paragraphs")
    elif length > LENGTH_RATIO * source + LENGTH_SLACK:
        yield Problem(entry.path, entry.line, ERROR, "bounds",
                      f"the translation is {length:,} characters long and its source {source:,}: more than "
                      f"{LENGTH_RATIO} times as long is no translation of it; check that it was pasted into the "
                      "right entry")


# --- numbers and URLs ---------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[/.,:]\d+)*")
_URL = re.compile(r"https?://[^\s)>\]]+")


def number_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    if not entry.msgstr:
        return
    for url in _URL.findall(entry.msgid):
        if url not in entry.msgstr:
            yield Problem(entry.path, entry.line, ERROR, "numbers", f"the URL {url} of the source is missing")
    source_text = _URL.sub("", entry.msgid)
    target_numbers = Counter(_NUMBER.findall(_URL.sub("", entry.msgstr)))
    for number, count in Counter(_NUMBER.findall(source_text)).items():
        if target_numbers[number] < count:
            yield Problem(entry.path, entry.line, ERROR, "numbers",
                          f"the number {number} of the source is missing: keep numbers and years as digits")


# --- orthography ---------------------------------------------------------------------

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


def orthography_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    text = _strip_code(entry.msgstr)
    if not text:
        return
    foreign = sorted(set(text) & set(language.foreign_letters))
    if language.script == "Latn":
        foreign = sorted(set(_CYRILLIC.findall(text)))
    if foreign:
        yield Problem(entry.path, entry.line, ERROR, "orthography",
                      f"{', '.join(foreign)} {'is' if len(foreign) == 1 else 'are'} not "
                      f"{language.english_name}: check the spelling (keyboard layout?)")
    for word in re.findall(r"\w+", text):
        if _CYRILLIC.search(word) and _LATIN.search(word):
            latin = "".join(sorted(set(_LATIN.findall(word))))
            yield Problem(entry.path, entry.line, ERROR, "orthography",
                          f"{word!r} mixes Cyrillic and Latin letters (Latin {latin!r}): retype it in one alphabet")


# --- terminology -------------------------------------------------------------------


def terminology_problems(terms: list[terminology.Term]):
    def rule(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
        if not entry.msgstr or language.is_source:
            return
        for term in terminology.unfollowed(terms, entry.msgid, entry.msgstr, language):
            yield Problem(entry.path, entry.line, ERROR, "terminology",
                          f"{term.en[0]!r} is rendered {term.rendering(language)!r} in {language.english_name} "
                          "(see locale/terminology.toml)")
    return rule


# --- typography --------------------------------------------------------------------

_SOURCE_QUOTES = "“”‘’\""


def typography_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    text = entry.msgstr
    if not text:
        return
    where = (entry.path, entry.line)
    prose = _strip_code(text)
    if '"' in prose or re.search(r"(?<!\w)'|'(?!\w)", prose):
        yield Problem(*where, ERROR, "typography",
                      f"straight quotes: use {language.quotes[0]}…{language.quotes[1]}")
    if not language.is_source and re.search(r"[“‘]", entry.msgid) and language.quotes[0] not in prose:
        yield Problem(*where, ERROR, "typography",
                      f"the source quotes something: use {language.quotes[0]}…{language.quotes[1]}")
    if "  " in text:
        yield Problem(*where, WARNING, "typography", "double space")
    for side, source_edge, target_edge in (
        ("leading", entry.msgid[: len(entry.msgid) - len(entry.msgid.lstrip())],
         text[: len(text) - len(text.lstrip())]),
        ("trailing", entry.msgid[len(entry.msgid.rstrip()):], text[len(text.rstrip()):]),
    ):
        if source_edge != target_edge:
            yield Problem(*where, ERROR, "typography", f"{side} whitespace differs from the source")
    source_end, target_end = _final_punctuation(entry.msgid), _final_punctuation(text)
    if source_end != target_end:
        yield Problem(*where, WARNING, "typography",
                      f"the source ends with {source_end or 'no punctuation'!r}, the translation with "
                      f"{target_end or 'no punctuation'!r}")


def _final_punctuation(text: str) -> str:
    """The sentence's own final mark; one inside a closing quotation belongs to
    the quotation (“… Belarus!”), not to the sentence."""
    stripped = text.rstrip()
    return stripped[-1] if stripped and stripped[-1] in ".:;!?" else ""


# --- untranslated copies --------------------------------------------------------------


def copy_problems(terms: list[terminology.Term]):
    invariant = {form for term in terms if term.invariant for form in term.en}

    def rule(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
        if entry.msgstr != entry.msgid or not re.search(r"[^\W\d_]", entry.msgid):
            return
        if entry.msgid.strip() in invariant:
            return
        if language.is_source:
            yield Problem(entry.path, entry.line, WARNING, "copy",
                          "the msgstr repeats the source: leave it empty to keep the source text")
        else:
            yield Problem(entry.path, entry.line, ERROR, "copy",
                          "the translation is a copy of the source: translate it, or list the term as "
                          "invariant in locale/terminology.toml")
    return rule


# --- the catalog as a whole ----------------------------------------------------------


def entries(path: Path, catalog: Catalog) -> Iterator[Entry]:
    for message in catalog:
        if not message.id:
            continue
        yield Entry(path, message.lineno or 1, _text(message.id), _text(message.string), message.fuzzy,
                    message.pluralizable)


def _text(value) -> str:
    if isinstance(value, (tuple, list)):
        return "\x00".join(value or ())
    return value or ""


def check_catalog(path: Path, language: Language, terms: list[terminology.Term],
                  release: bool = False, template: Catalog | None = None) -> list[Problem]:
    """Every problem of one catalog, in file order; given the template of its
    domain, entries of the source missing from it too."""
    catalog, problems = catalogs.parse(path)
    if catalog is None:
        return problems
    problems = header_problems(path, catalog, language, release)
    problems += template_problems(path, catalog, template, language, release)
    rules = (
        completeness_problems, bounds_problems, control_problems, markup_problems, number_problems,
        orthography_problems, terminology_problems(terms), typography_problems, copy_problems(terms),
    )
    for entry in entries(path, catalog):
        for rule in rules:
            problems.extend(rule(entry, language, release))
    return sorted(problems, key=lambda p: p.line)


def language_dirs(locale_dir: Path) -> tuple[list[Language], list[Problem]]:
    """The languages that have a folder under locale/, and folders that are none."""
    found, problems = [], []
    for folder in sorted(p for p in Path(locale_dir).iterdir() if p.is_dir()):
        try:
            found.append(languages.get(folder.name))
        except languages.UnknownLanguage as error:
            problems.append(Problem(folder, 0, ERROR, "language",
                                    f"{error}: rename or remove this folder"))
    return found, problems


INCOMPLETE = frozenset({"untranslated", "fuzzy", "incomplete"})
"""Rules that say a translation is unfinished rather than wrong."""


def source_documents(source_dir: Path) -> set[str]:
    return {
        path.relative_to(source_dir).with_suffix("").as_posix()
        for path in Path(source_dir).rglob("*.md")
        if not any(part.startswith(("_", ".")) for part in path.relative_to(source_dir).parts)
        and path.name != "README.md"
    }


def document_problems(locale_dir: Path, language: Language, source_dir: Path) -> list[Problem]:
    """Catalogs without a document, and documents without a catalog."""
    problems = []
    documents = source_documents(source_dir)
    translated = set()
    for path in catalogs.po_files(locale_dir, language):
        name = catalogs.document_name(locale_dir, language, path)
        if name is None:
            continue
        translated.add(name)
        if name not in documents:
            problems.append(Problem(path, 1, ERROR, "documents",
                                    f"a catalog for {name}.md, which is no longer in {source_dir}: "
                                    "delete this file (its translations are not used)"))
    for name in sorted(documents - translated):
        problems.append(Problem(source_dir / f"{name}.md", 1, ERROR, "documents",
                                f"this document has no {language.english_name} catalog: run `make update-po`"))
    return problems


def check_language(locale_dir: Path, language: Language, release: bool = False,
                   source_dir: Path | None = None) -> list[Problem]:
    """Every problem in one language's catalogs (and, given the source
    folder, catalogs and documents that do not match; given the project's
    own source, every message of it that a catalog lacks)."""
    locale_dir = Path(locale_dir)
    terms, problems = _terminology(locale_dir)
    paths, refused = catalogs.scan(locale_dir, language)
    problems += refused
    if not paths:
        return problems or [Problem(catalogs.catalog_dir(locale_dir, language), 0, ERROR, "missing",
                                    "no catalogs for this language: run `make update-po`")]
    templates = sources.extract(source_dir) if sources.is_source_of(source_dir, locale_dir) else None
    domains = set()
    for path in paths:
        domain = catalogs.document_name(locale_dir, language, path) or catalogs.THEME_DOMAIN
        domains.add(domain)
        template = templates.domains.get(domain) if templates else None
        problems += check_catalog(path, language, terms, release, template)
    if source_dir is not None:
        problems += document_problems(locale_dir, language, source_dir)
    if templates is not None:
        problems += templates.problems
        if catalogs.THEME_DOMAIN in templates.domains and catalogs.THEME_DOMAIN not in domains:
            problems.append(Problem(
                catalogs.catalog_dir(locale_dir, language) / f"{catalogs.THEME_DOMAIN}.po", 0,
                _unfinished(language, release), "incomplete",
                "there is no catalog for the labels of the page: run `make update-po`, then translate them"))
    return problems


def _terminology(locale_dir: Path) -> tuple[list[terminology.Term], list[Problem]]:
    """The terminology list, if there is one that may be read."""
    path = locale_dir / TERMINOLOGY
    if not path.exists() and not path.is_symlink():
        return [], []
    try:
        catalogs.check_link(path, catalogs.project_roots(locale_dir))
        catalogs.read_bytes(path)
    except catalogs.Refused as refused:
        return [], [refused.problem()]
    return terminology.load(path), []


def check(locale_dir: Path, langs: list[Language], release: bool = False,
          source_dir: Path | None = None) -> list[Problem]:
    """Every problem under ``locale_dir`` for ``langs``."""
    _, problems = language_dirs(locale_dir)
    for language in langs:
        problems.extend(check_language(locale_dir, language, release, source_dir))
    return problems
