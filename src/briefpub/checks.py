"""Judging a translator's work: every rule that a catalog must satisfy.

The catalog model and its reading live in :mod:`briefpub.catalogs`; this
module only judges.  Each rule looks at one thing and reports
:class:`~briefpub.problems.Problem` values with the line of the entry, so a
translator can jump straight to it.  ``release=True`` is the gate before
publishing: untranslated and fuzzy entries become errors.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from markdown_it import MarkdownIt
from mdit_py_plugins.myst_role import myst_role_plugin
from mdit_py_plugins.substitution import substitution_plugin

from briefpub import catalogs, languages, terminology
from briefpub.languages import Language
from briefpub.publication import Publication
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
    flags: frozenset[str] = frozenset()
    """The entry's flags (``#, fuzzy, ignore-terminology``): with
    ``ignore-<rule>`` a translator accepts that rule's finding for this entry."""


# --- catalog syntax and headers ---------------------------------------------------


def _header_line(text: str, field: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip('"').startswith(f"{field}:"):
            return number
    return 1


def header_problems(path: Path, catalog: Catalog, language: Language, release: bool) -> list[Problem]:
    problems = []

    def line_of(field: str) -> int:  # the file is read again only to point at a problem
        return _header_line(path.read_text(encoding="utf-8"), field)

    header = dict(catalog.mime_headers)

    declared = header.get("Language", "").strip()
    if declared != language.code:
        found = f"says {declared!r}" if declared else "is missing"
        problems.append(Problem(
            path, line_of("Language"), ERROR, "header",
            f"the Language header {found} but the catalog is in locale/{language.code}/: "
            f"set it to {language.code!r} or move the file",
        ))

    plural = header.get("Plural-Forms", "")
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", plural)
    expected = language.plural_forms
    if not match:
        problems.append(Problem(
            path, line_of("Plural-Forms"), ERROR, "header",
            f"the Plural-Forms header {plural!r} does not parse: use {expected!r}",
        ))
    else:
        try:
            rule = gettext.c2py(match.group(2))
        except (ValueError, RecursionError):
            problems.append(Problem(
                path, line_of("Plural-Forms"), ERROR, "header",
                f"the plural expression {match.group(2)!r} does not parse: use {expected!r}",
            ))
        else:
            wanted = re.fullmatch(r"nplurals=(\d+); plural=(.+);", expected)
            wanted_rule = gettext.c2py(wanted.group(2))
            if int(match.group(1)) != int(wanted.group(1)) or any(
                rule(n) != wanted_rule(n) for n in range(0, 1000)
            ):
                problems.append(Problem(
                    path, line_of("Plural-Forms"), ERROR, "header",
                    f"Plural-Forms does not match {language.english_name}: use {expected!r}",
                ))

    content_type = header.get("Content-Type", "")
    if "charset=utf-8" not in content_type.lower().replace(" ", ""):
        problems.append(Problem(
            path, line_of("Content-Type"), ERROR, "header",
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


# --- MyST markup ---------------------------------------------------------------------

_MARKDOWN = (
    MarkdownIt("commonmark", {"html": True})
    .use(myst_role_plugin)
    .use(substitution_plugin)
)
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")


@dataclass
class Markup:
    code: Counter
    roles: Counter
    links: Counter
    substitutions: Counter
    footnotes: Counter
    emphasis: int
    strong: int
    html: list[str]
    stray: str
    """Markup characters left over as text: unbalanced backticks or asterisks."""


def markup(text: str) -> Markup:
    tokens = _MARKDOWN.parseInline(text, {})[0].children or []
    found = Markup(Counter(), Counter(), Counter(), Counter(), Counter(_FOOTNOTE.findall(text)), 0, 0, [], "")
    for token in tokens:
        if token.type == "code_inline":
            found.code[token.content] += 1
        elif token.type == "myst_role":
            target = token.content
            label = re.search(r"<([^<>]+)>\s*$", target)
            found.roles[(token.meta.get("name"), label.group(1) if label else target)] += 1
        elif token.type == "link_open":
            found.links[token.attrs.get("href", "")] += 1
        elif token.type == "substitution_inline":
            found.substitutions[token.content.strip()] += 1
        elif token.type == "em_open":
            found.emphasis += 1
        elif token.type == "strong_open":
            found.strong += 1
        elif token.type == "html_inline":
            found.html.append(token.content)
        elif token.type == "text":
            found.stray += "".join(c for c in _FOOTNOTE.sub("", token.content) if c in "`*")
    return found


_RAW_HTML = re.compile(r"<\s*/?\s*[A-Za-z][\w-]*(\s[^<>]*)?/?\s*>|\bon[a-z]+\s*=|javascript:", re.IGNORECASE)


def markup_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    if not entry.msgstr:
        return
    source, target = markup(entry.msgid), markup(entry.msgstr)
    where = (entry.path, entry.line)
    raw = target.html or [m.group(0) for m in _RAW_HTML.finditer(_strip_code(entry.msgstr))]
    if raw:
        yield Problem(*where, ERROR, "raw-html",
                      f"raw HTML {raw[0][:40]!r} in the translation: HTML is never published; "
                      "write the text with MyST markup instead")
    pairs = (
        ("inline code", source.code, target.code),
        ("roles", source.roles, target.roles),
        ("link targets", source.links, target.links),
        ("substitutions", source.substitutions, target.substitutions),
        ("footnote references", source.footnotes, target.footnotes),
    )
    for name, wanted, got in pairs:
        if wanted != got:
            missing = list((wanted - got).elements())
            extra = list((got - wanted).elements())
            detail = "; ".join(
                part for part in (
                    f"missing {_show(missing)}" if missing else "",
                    f"not in the source {_show(extra)}" if extra else "",
                ) if part
            )
            yield Problem(*where, ERROR, "markup", f"{name} differ from the source: {detail}")
    if target.stray and target.stray != source.stray:
        yield Problem(*where, ERROR, "markup",
                      f"unbalanced markup: {target.stray!r} left over; close every ` and * you open")
    if (source.emphasis, source.strong) != (target.emphasis, target.strong):
        yield Problem(*where, WARNING, "markup",
                      f"emphasis differs from the source: {source.emphasis} emphasis and {source.strong} "
                      f"strong there, {target.emphasis} and {target.strong} here")


def _strip_code(text: str) -> str:
    return re.sub(r"`[^`]*`", "", text)


def _show(items: list) -> str:
    return ", ".join(repr(item if not isinstance(item, tuple) else "{%s}`%s`" % item) for item in items)


# --- numbers ---------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[/.,:]\d+)*")
_SPACE_GROUPED = re.compile(r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)")
_SPACES = re.compile(r"[ \u00a0\u202f]")
_ENGLISH_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_written_numbers = lru_cache(maxsize=8192)(_NUMBER.findall)
_READERS: dict[str, Callable[[str], str]] = {}


def _number_reader(language: Language):
    """A function giving a number of the translation its value, read with the
    language's own separators (CLDR): 2 550 (or 2.550 in German) is 2550,
    1,5 in Ukrainian is 1.5."""
    if language.code not in _READERS:
        from babel.numbers import get_decimal_symbol, get_group_symbol

        decimal, group = get_decimal_symbol(language.locale), get_group_symbol(language.locale)
        grouped = re.compile(rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+(?:{re.escape(decimal)}\d+)?") \
            if group not in ", \u00a0\u202f" else _ENGLISH_GROUPED if group == "," else None
        fraction = re.compile(rf"\d+{re.escape(decimal)}\d+") if decimal != "." else None

        def value(number: str) -> str:
            if number.isdigit():
                return number
            if grouped is not None and grouped.fullmatch(number):
                number = number.replace(group, "")
            if fraction is not None and fraction.fullmatch(number):
                number = number.replace(decimal, ".")
            return number

        _READERS[language.code] = value
    return _READERS[language.code]


def _without_urls(text: str) -> str:
    return _URL.sub("", text) if _URL_HINT.search(text) else text


@lru_cache(maxsize=8192)
def _source_numbers(text: str) -> Counter:
    """The source's numbers by value: 2,550 and 2550 are one number."""
    return Counter(
        number if number.isdigit() or not _ENGLISH_GROUPED.fullmatch(number) else number.replace(",", "")
        for number in _NUMBER.findall(_without_urls(text))
    )


def _target_numbers(text: str, language: Language) -> Counter:
    text = _without_urls(text)
    found = []
    if " " in text or "\u00a0" in text or "\u202f" in text:
        found = [_SPACES.sub("", number) for number in _SPACE_GROUPED.findall(text)]
        if found:
            text = _SPACE_GROUPED.sub(" ", text)
    value = _number_reader(language)
    found.extend(value(number) for number in _NUMBER.findall(text))
    return Counter(found)


def number_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    if not entry.msgstr:
        return
    written = _written_numbers(entry.msgid)
    if written == _NUMBER.findall(entry.msgstr) and not any("," in n or "." in n for n in written):
        return  # the same numbers (or none), written alike: nothing to read
    source, target = _source_numbers(entry.msgid), _target_numbers(entry.msgstr, language)
    for number in source - target:
        yield Problem(entry.path, entry.line, ERROR, "numbers",
                      f"the number {number} of the source is missing: keep numbers and years as digits")
    for number in target - source:
        yield Problem(entry.path, entry.line, WARNING, "numbers",
                      f"the number {number} is not in the source: check it")


# --- orthography ---------------------------------------------------------------------

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


_FOREIGN: dict[str, re.Pattern[str] | None] = {}


def _foreign_letters(language: Language) -> re.Pattern[str] | None:
    """What is not the language's alphabet: any Cyrillic letter in a Latin
    one, the neighbours' letters listed for a Cyrillic one."""
    if language.code not in _FOREIGN:
        if language.script == "Latn":
            _FOREIGN[language.code] = _CYRILLIC
        else:
            letters = language.foreign_letters
            _FOREIGN[language.code] = re.compile(f"[{re.escape(letters)}]") if letters else None
    return _FOREIGN[language.code]


def orthography_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    text = _strip_code(entry.msgstr) if "`" in entry.msgstr else entry.msgstr
    if not text:
        return
    letters = _foreign_letters(language)
    foreign = sorted(set(letters.findall(text))) if letters else []
    if foreign:
        yield Problem(entry.path, entry.line, ERROR, "orthography",
                      f"{', '.join(foreign)} {'is' if len(foreign) == 1 else 'are'} not "
                      f"{language.english_name}: check the spelling (keyboard layout?)")
    if not (_CYRILLIC.search(text) and _LATIN.search(text)):
        return
    for word in re.findall(r"\w+", text):
        if _CYRILLIC.search(word) and _LATIN.search(word):
            latin = "".join(sorted(set(_LATIN.findall(word))))
            yield Problem(entry.path, entry.line, ERROR, "orthography",
                          f"{word!r} mixes Cyrillic and Latin letters (Latin {latin!r}): retype it in one alphabet")


# --- terminology -------------------------------------------------------------------


def terminology_problems(terms: list[terminology.Term]):
    index = terminology.index(terms)

    def rule(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
        if not entry.msgstr or language.is_source:
            return
        for term in index.unfollowed(entry.msgid, entry.msgstr, language):
            forms = term.accepted_forms(language)
            others = f"; or another of its forms: {', '.join(forms[1:])}" if len(forms) > 1 else ""
            yield Problem(entry.path, entry.line, ERROR, "terminology",
                          f"{term.source_forms[0]!r} is rendered {forms[0]!r} in {language.english_name}{others} "
                          f"(a correct form missing from {TERMINOLOGY}: add it there)")
    return rule


# --- typography --------------------------------------------------------------------

_SOURCE_QUOTES = "“”‘’\""
_STRAIGHT_SINGLE = re.compile(r"(?<!\w)'|'(?!\w)")


def typography_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    text = entry.msgstr
    if not text:
        return
    where = (entry.path, entry.line)
    prose = _strip_code(text) if "`" in text else text
    if '"' in prose or "'" in prose and _STRAIGHT_SINGLE.search(prose):
        yield Problem(*where, ERROR, "typography",
                      f"straight quotes: use {language.quotes[0]}…{language.quotes[1]}")
    if not language.is_source and ("“" in entry.msgid or "‘" in entry.msgid) and language.quotes[0] not in prose:
        yield Problem(*where, ERROR, "typography",
                      f"the source quotes something: use {language.quotes[0]}…{language.quotes[1]}")


# --- untranslated copies --------------------------------------------------------------


def copy_problems(terms: list[terminology.Term]):
    """A translation that is the source again, as pofilter's ``unchanged``
    sees it: whatever the case, the spacing and the markup."""
    invariant = {form.casefold() for term in terms if term.invariant for form in term.source_forms}

    def rule(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
        if not entry.msgstr:
            return
        first, first_here = _LETTER.search(entry.msgid), _LETTER.search(entry.msgstr)
        if first is None or first_here is None or first.group().casefold() != first_here.group().casefold():
            return  # not even the first letter is the source's
        if entry.msgstr != entry.msgid and _comparable(entry.msgstr) != _comparable(entry.msgid):
            return
        if _comparable(entry.msgid) in invariant:
            return
        if language.is_source:
            yield Problem(entry.path, entry.line, WARNING, "copy",
                          "the msgstr repeats the source: leave it empty to keep the source text")
        else:
            yield Problem(entry.path, entry.line, ERROR, "copy",
                          "the translation is a copy of the source: translate it, or list the term as "
                          "invariant in locale/terminology.toml")
    return rule


_LETTER = re.compile(r"[^\W\d_]")


def _comparable(text: str) -> str:
    return " ".join(visible_text(text).replace("\x00", " ").split()).casefold()


# --- pofilter's tests, without their false positives on MyST ----------------------------
#
# translate-toolkit's pofilter is what translators know; these rules match its
# doublewords, brackets, endpunc, urls, doublespacing, startwhitespace and
# endwhitespace tests (numbers, unchanged and xmltags are the rules above:
# numbers, copy, and the markup rules), read the MyST a translator writes
# rather than its raw characters, and are compiled once.

_NOT_PROSE = re.compile(
    r"\{[^{}`\s]+\}`[^`]*`"  # a role: {ref}`…`
    r"|`[^`]*`"  # inline code
    r"|\{\{[^{}]*\}\}"  # a substitution
    r"|\[\^[^\]\s]+\]"  # a footnote reference
    r"|<[A-Za-z][\w+.-]*:[^<>\s]*>"  # an autolink
)
_LINK = re.compile(r"\[([^\[\]]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_EMPHASIS = re.compile(r"\*+")


@lru_cache(maxsize=8192)
def visible_text(text: str) -> str:
    """What a reader sees of ``text`` as words: link texts stay, emphasis marks
    go, code, roles, substitutions and footnote references become ``\x00``
    (no word, no space)."""
    if "`" in text or "{" in text or "[" in text or "<" in text:
        text = _LINK.sub(r"\1", _NOT_PROSE.sub("\x00", text))
    return _EMPHASIS.sub("", text) if "*" in text else text


# URLs as pofilter's urls test finds them, and e-mail addresses as its emails test does.
_URL = re.compile(
    r"(?:https?:|ftp:|mailto:|www\.)[\w/.:;+\-~%#$?=&,()@!*']+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")


def _urls(text: str) -> Counter:
    """URLs and e-mail addresses of the running text (link targets are the
    markup rules' business), without the punctuation that ends a sentence."""
    found = Counter()
    if "](" in text or "`" in text or "<" in text:
        text = _LINK_TARGET.sub(" ", _NOT_PROSE.sub(" ", text))
    for url in _URL.findall(text):
        url = url.rstrip(".,;:!?'*")
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(".,;:!?'*")
        found[url] += 1
    return found


def url_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    if not entry.msgstr or not (_URL_HINT.search(entry.msgid) or _URL_HINT.search(entry.msgstr)):
        return
    source, target = _urls(entry.msgid), _urls(entry.msgstr)
    for url in source - target:
        yield Problem(entry.path, entry.line, ERROR, "urls",
                      f"the address {url} of the source is missing or changed: copy it as it is")
    for url in target - source:
        yield Problem(entry.path, entry.line, WARNING, "urls", f"the address {url} is not in the source: check it")


_URL_HINT = re.compile(r"https?:|ftp:|mailto:|www\.|@")
_DOUBLED = re.compile(r"(?<!\w)(\w+)[ \t\u00a0]+(\1)(?!\w)", re.IGNORECASE)


def doubleword_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    if not entry.msgstr:
        return
    doubled = list(_DOUBLED.finditer(visible_text(entry.msgstr)))
    if doubled and len(doubled) > len(_DOUBLED.findall(visible_text(entry.msgid))):  # “bye bye” may be “pa pa”
        for match in doubled:
            yield Problem(entry.path, entry.line, ERROR, "doublewords",
                          f"the word {match.group(1)!r} is doubled ({match.group(0)!r}): delete one")


_BRACKETS = re.compile(r"[()\[\]{}]")
_OPENING = {"(": ")", "[": "]", "{": "}"}
_ENUMERATOR = re.compile(r"(?:^|(?<=\s))\(?(?:\d{1,2}|[^\W\d_]|[ivx]{2,4})\)(?=\s)")
"""A list item's mark, “(a)” in English and “а)” in Ukrainian alike."""


@lru_cache(maxsize=8192)
def _bracket_text(text: str) -> str:
    return _ENUMERATOR.sub(" ", _URL.sub(" ", visible_text(text)))


def _bracket_faults(text: str) -> list[str]:
    """Unbalanced and mismatched brackets, each with where it is."""
    faults, stack = [], []

    def near(position: int) -> str:
        return repr(text[max(0, position - 12): position + 12].replace("\x00", "…"))

    for match in _BRACKETS.finditer(text):
        char, position = match.group(), match.start()
        if char in _OPENING:
            stack.append((char, position))
        elif not stack:
            faults.append(f"{char!r} closes nothing (near {near(position)})")
        else:
            opening, at = stack.pop()
            if _OPENING[opening] != char:
                faults.append(f"{opening!r} is closed by {char!r} (near {near(at)})")
    faults.extend(f"{char!r} is never closed (near {near(at)})" for char, at in stack)
    return faults


def bracket_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    if not entry.msgstr or not (_BRACKETS.search(entry.msgid) or _BRACKETS.search(entry.msgstr)):
        return
    source, target = _bracket_text(entry.msgid), _bracket_text(entry.msgstr)
    faults = _bracket_faults(target)
    if faults and not _bracket_faults(source):
        yield Problem(entry.path, entry.line, ERROR, "brackets",
                      f"unbalanced brackets: {'; '.join(faults)}: close every bracket you open")
        return
    for opening, closing in _OPENING.items():
        wanted, got = source.count(opening) + source.count(closing), target.count(opening) + target.count(closing)
        if wanted != got:
            yield Problem(entry.path, entry.line, WARNING, "brackets",
                          f"the source has {wanted} {opening}{closing} brackets, the translation {got}")


_END_MARKS = ".:;!?…"


def _final_punctuation(text: str) -> str:
    """The sentence's own final marks (``.``, ``?!``, ``…``); a mark inside a
    closing quotation belongs to the quotation (“… Belarus!”), not to the
    sentence."""
    stripped = visible_text(text).rstrip(" \t\n\x00")
    marks = stripped[len(stripped.rstrip(_END_MARKS)):]
    return marks.replace("...", "…")


def endpunc_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    if not entry.msgstr:
        return
    source_end, target_end = _final_punctuation(entry.msgid), _final_punctuation(entry.msgstr)
    if source_end != target_end:
        yield Problem(entry.path, entry.line, WARNING, "endpunc",
                      f"the source ends with {source_end or 'no punctuation'!r}, the translation with "
                      f"{target_end or 'no punctuation'!r}")


def whitespace_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    text = entry.msgstr
    if not text:
        return
    where = (entry.path, entry.line)
    if "  " in text and _strip_code(text).count("  ") > entry.msgid.count("  "):
        yield Problem(*where, WARNING, "doublespacing", "double space: one space is enough")
    for rule, side, source_edge, target_edge in (
        ("startwhitespace", "leading", entry.msgid[: len(entry.msgid) - len(entry.msgid.lstrip())],
         text[: len(text) - len(text.lstrip())]),
        ("endwhitespace", "trailing", entry.msgid[len(entry.msgid.rstrip()):], text[len(text.rstrip()):]),
    ):
        if source_edge != target_edge:
            yield Problem(*where, ERROR, rule, f"{side} whitespace differs from the source: "
                                               f"{source_edge!r} there, {target_edge!r} here")


# --- accepting a finding for one entry -------------------------------------------------

ACCEPTABLE = frozenset({
    "numbers", "urls", "orthography", "terminology", "typography", "copy", "doublewords", "brackets",
    "endpunc", "doublespacing", "startwhitespace", "endwhitespace",
})
"""Rules whose finding a translator may accept for one entry with the flag
``ignore-<rule>``: judgement calls.  Syntax, markup, raw HTML and unfinished
work can never be waved through."""

FLAG_ALIASES = {
    # Weblate's names of the same checks, which its users already write
    "same": "copy", "duplicate": "doublewords", "double-space": "doublespacing",
    "begin-space": "startwhitespace", "end-space": "endwhitespace",
    "end-stop": "endpunc", "end-colon": "endpunc", "end-question": "endpunc",
    "end-exclamation": "endpunc", "end-ellipsis": "endpunc", "end-semicolon": "endpunc",
    # pofilter's
    "unchanged": "copy", "emails": "urls",
}


def accepted_rules(flags: frozenset[str]) -> frozenset[str]:
    """The rules that ``ignore-…`` flags accept."""
    names = {flag[len("ignore-"):] for flag in flags if flag.startswith("ignore-")}
    return frozenset(FLAG_ALIASES.get(name, name) for name in names) & ACCEPTABLE


def flagged(problems: list[Problem], accepted: frozenset[str]) -> Iterator[Problem]:
    """``problems`` less those the entry's flags accept; each acceptable one
    says which flag would accept it."""
    for problem in problems:
        if problem.rule in accepted:
            continue
        if problem.rule in ACCEPTABLE:
            problem = replace(problem, message=f"{problem.message} (if this is intended, "
                                               f"accept it for this entry with the flag '#, ignore-{problem.rule}')")
        yield problem


# --- the catalog as a whole ----------------------------------------------------------


def entries(path: Path, catalog: Catalog) -> Iterator[Entry]:
    for message in catalog:
        if not message.id:
            continue
        yield Entry(path, message.lineno or 1, _text(message.id), _text(message.string), message.fuzzy,
                    frozenset(message.flags))


def _text(value) -> str:
    if isinstance(value, (tuple, list)):
        return "\x00".join(value or ())
    return value or ""


def check_catalog(path: Path, language: Language, terms: list[terminology.Term],
                  release: bool = False) -> list[Problem]:
    """Every problem of one catalog, in file order."""
    catalog, problems = catalogs.parse(path)
    if catalog is None:
        return problems
    problems = header_problems(path, catalog, language, release)
    rules = (
        completeness_problems, markup_problems, number_problems, orthography_problems,
        terminology_problems(terms), typography_problems, copy_problems(terms),
        url_problems, doubleword_problems, bracket_problems, endpunc_problems, whitespace_problems,
    )
    for entry in entries(path, catalog):
        found = [problem for rule in rules for problem in rule(entry, language, release)]
        if found:
            problems.extend(flagged(found, accepted_rules(entry.flags) if entry.flags else frozenset()))
    return sorted(problems, key=lambda p: p.line)


def language_dirs(locale_dir: Path, publication: Publication) -> tuple[list[Language], list[Problem]]:
    """The publication's languages that have a folder under locale/, and folders that are none of them."""
    found, problems = [], []
    for folder in sorted(p for p in Path(locale_dir).iterdir() if p.is_dir()):
        try:
            found.append(publication.get(folder.name))
        except languages.UnknownLanguage as error:
            problems.append(Problem(folder, 0, ERROR, "language",
                                    f"{error}: rename or remove this folder"))
    return found, problems


INCOMPLETE = frozenset({"untranslated", "fuzzy"})
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


def load_terms(path: Path) -> tuple[list[terminology.Term], list[Problem]]:
    """The terminology list, and the problems of a malformed one (then no
    term is checked); read once while the file stays as it is."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return [], []
    except OSError as error:
        return [], [Problem(path, 0, ERROR, terminology.RULE, f"cannot read the file: {error.strerror}")]
    terms, problems = _load_terms(path, stat.st_mtime_ns, stat.st_size)
    return list(terms), list(problems)


@lru_cache(maxsize=8)
def _load_terms(path: Path, mtime_ns: int, size: int) -> tuple[tuple[terminology.Term, ...], tuple[Problem, ...]]:
    try:
        return tuple(terminology.load(path)), ()
    except terminology.TerminologyError as error:
        return (), tuple(error.problems)


def check_language(locale_dir: Path, language: Language, release: bool = False,
                   source_dir: Path | None = None) -> list[Problem]:
    """Every problem in one language's catalogs (and, given the source
    folder, catalogs and documents that do not match)."""
    locale_dir = Path(locale_dir)
    terms, problems = load_terms(locale_dir / TERMINOLOGY)
    paths = catalogs.po_files(locale_dir, language)
    if not paths:
        return problems + [Problem(catalogs.catalog_dir(locale_dir, language), 0, ERROR, "missing",
                                   "no catalogs for this language: run `make update-po`")]
    problems = problems + [problem for path in paths for problem in check_catalog(path, language, terms, release)]
    if source_dir is not None:
        problems += document_problems(locale_dir, language, source_dir)
    return problems


def check(locale_dir: Path, langs: list[Language], release: bool = False,
          source_dir: Path | None = None, publication: Publication | None = None) -> list[Problem]:
    """Every problem under ``locale_dir`` for ``langs`` (and, given the
    publication, folders under it that are none of its languages); one in a
    file all languages share (the terminology list) is reported once."""
    problems = language_dirs(locale_dir, publication)[1] if publication is not None else []
    for language in langs:
        problems.extend(check_language(locale_dir, language, release, source_dir))
    return list(dict.fromkeys(problems))
