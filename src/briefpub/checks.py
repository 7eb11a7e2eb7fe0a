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
from collections.abc import Iterator
from dataclasses import dataclass
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


# --- catalog syntax and headers ---------------------------------------------------


def _header_line(text: str, field: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip('"').startswith(f"{field}:"):
            return number
    return 1


def header_problems(path: Path, catalog: Catalog, language: Language, release: bool) -> list[Problem]:
    text = path.read_text(encoding="utf-8")
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
        yield Entry(path, message.lineno or 1, _text(message.id), _text(message.string), message.fuzzy)


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
    )
    for entry in entries(path, catalog):
        for rule in rules:
            problems.extend(rule(entry, language, release))
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


def check_language(locale_dir: Path, language: Language, release: bool = False,
                   source_dir: Path | None = None) -> list[Problem]:
    """Every problem in one language's catalogs (and, given the source
    folder, catalogs and documents that do not match)."""
    locale_dir = Path(locale_dir)
    terms_path = locale_dir / TERMINOLOGY
    terms = terminology.load(terms_path) if terms_path.exists() else []
    paths = catalogs.po_files(locale_dir, language)
    if not paths:
        return [Problem(catalogs.catalog_dir(locale_dir, language), 0, ERROR, "missing",
                        "no catalogs for this language: run `make update-po`")]
    problems = [problem for path in paths for problem in check_catalog(path, language, terms, release)]
    if source_dir is not None:
        problems += document_problems(locale_dir, language, source_dir)
    return problems


def check(locale_dir: Path, langs: list[Language], release: bool = False,
          source_dir: Path | None = None, publication: Publication | None = None) -> list[Problem]:
    """Every problem under ``locale_dir`` for ``langs`` (and, given the
    publication, folders under it that are none of its languages)."""
    problems = language_dirs(locale_dir, publication)[1] if publication is not None else []
    for language in langs:
        problems.extend(check_language(locale_dir, language, release, source_dir))
    return problems
