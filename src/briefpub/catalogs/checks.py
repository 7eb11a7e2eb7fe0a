"""Judging a translator's work: every rule that a catalog must satisfy.

The catalog model and its reading live in :mod:`briefpub.catalogs.store`; this
module only judges.  Each rule looks at one thing and reports
:class:`~briefpub.project.problems.Problem` values with the line of the entry, so a
translator can jump straight to it.  ``release=True`` is the gate before
publishing: untranslated and fuzzy entries become errors.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog

from briefpub.catalogs import markup, sources, store, terminology
from briefpub.project import languages
from briefpub.project.config import shipped_label
from briefpub.project.layout import code_files
from briefpub.project.languages import Language, PluralFormsError, plural_rule
from briefpub.project.problems import ERROR, WARNING, Problem
from briefpub.project.publication import Publication

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
    plural: bool = False
    """Plural forms are joined with NUL (U+0000) in msgid and msgstr."""


# --- catalog syntax and headers ---------------------------------------------------


def _header_line(text: str, field: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip('"').startswith(f"{field}:"):
            return number
    return 1


def header_problems(path: Path, catalog: Catalog, language: Language, release: bool) -> list[Problem]:
    problems = []

    def line_of(field: str) -> int:  # the file is read again only to point at a problem
        try:
            text = store.read_bytes(path).decode("utf-8", errors="replace")
        except store.Refused:
            return 1  # replaced since it was parsed; the lines are then unknown
        return _header_line(text, field)

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
    expected = language.plural_forms
    try:
        plural_rule(plural)
    except PluralFormsError as error:
        what = "the Plural-Forms header" if error.part == "header" else "the plural expression"
        problems.append(Problem(path, line_of("Plural-Forms"), ERROR, "header",
                                f"{what} {error.value!r} does not parse: use {expected!r}"))
    else:
        if not language.has_plural_forms(plural):
            problems.append(Problem(path, line_of("Plural-Forms"), ERROR, "header",
                                    f"Plural-Forms does not match {language.english_name}: use {expected!r}"))

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
    elif not entry.msgstr and not language.is_source and not _shipped(entry.path, language, entry.msgid):
        yield Problem(entry.path, entry.line, severity, "untranslated", "not translated yet")


def _shipped(path: Path, language: Language, msgid) -> bool:
    """A label of the theme that briefpub translates for the language: the
    project's catalog may leave it empty (or out)."""
    return Path(path).stem == store.THEME_DOMAIN and shipped_label(language.code, msgid)


def template_problems(path: Path, catalog: Catalog, template: Catalog | None, language: Language,
                      release: bool) -> Iterator[Problem]:
    """A catalog held to the source: every message of its template must be
    in it, whatever the catalog claims; without the template, a catalog with
    no message at all is still known to translate nothing."""
    severity = _unfinished(language, release)
    effect = "the source text stands" if language.is_source else "the edition would show the source text"
    if template is None:
        if not any(message.id for message in catalog):
            yield Problem(path, 1, severity, "incomplete",
                          f"the catalog has a header and no messages ({effect}): run `make update-po` to fill it "
                          "from the source")
        return
    missing = [message for message in template if message.id and catalog.get(message.id, message.context) is None
               and not _shipped(path, language, message.id)]
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
# (briefpub.catalogs.markup): a translation carries exactly the directives, roles, link
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
    if target is source:  # prose, both (markup.PROSE): no markup to compare
        return
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
_INVISIBLE = re.compile("[%s]" % re.escape("".join(sorted(BIDI | ZERO_WIDTH | CONTROLS))))
_CONTROL_NAMES = {"\x00": "NUL", "\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\x1b": "ESCAPE"}


def describe(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: a character named for a person."""
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "") or "a control character"
    return f"U+{ord(char):04X} {name}"


def control_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    if not _INVISIBLE.search(entry.msgstr):
        return
    forms = entry.msgstr.split("\x00") if entry.plural else [entry.msgstr]
    allowed = set(entry.msgid.replace("\x00", "") if entry.plural else entry.msgid)
    reported = set()
    for form in forms:
        for match in _INVISIBLE.finditer(form):
            char, column = match.group(), match.start() + 1
            if char in reported or char in allowed:
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

_WORD = re.compile(r"(?:\w|[\u0300-\u036F])+")
"""A word, with the combining accents some languages write (``а́``)."""

UNSPACED_SCRIPTS = frozenset({"Hani", "Hira", "Kana", "Bopo", "Thai", "Laoo", "Khmr", "Mymr", "Tibt"})
"""Scripts written without spaces between words: a run of letters is no word,
so letters of another script inside it say nothing."""

_LISTED: dict[str, re.Pattern[str] | None] = {}


def _listed_letters(language: Language) -> re.Pattern[str] | None:
    """The letters the table of defaults (or the declaration) lists as not the
    language's: a neighbour's letters in the same script (``и`` in Belarusian)."""
    if language.code not in _LISTED:
        letters = language.foreign_letters
        _LISTED[language.code] = re.compile(f"[{re.escape(letters)}]") if letters else None
    return _LISTED[language.code]


def _foreign(language: Language, letters: str) -> dict[str, str]:
    """Of ``letters``, those of a script the language is not written in and
    not among its CLDR letters (main and auxiliary), by their script."""
    own, known = language.scripts, language.known_letters
    found: dict[str, str] = {}
    for letter in letters:
        if letter.isalpha() and letter not in known:
            script = languages.script_of_letter(letter)
            if script not in own and script not in languages.NEUTRAL_SCRIPTS:
                found[letter] = script
    return found


def _letters_of(scripts: dict[str, str]) -> str:
    """``Latin 'io', Greek 'ο'``."""
    by_script: dict[str, set[str]] = {}
    for letter, script in scripts.items():
        by_script.setdefault(script, set()).add(letter)
    return ", ".join(f"{languages.script_name(script)} {''.join(sorted(letters))!r}"
                     for script, letters in sorted(by_script.items()))


def orthography_problems(entry: Entry, language: Language, release: bool) -> Iterator[Problem]:
    """Letters that are not the language's: those its table lists anywhere;
    another script's letters inside a word of the language's own (a homoglyph:
    a Latin ``i`` in a Belarusian word, a Cyrillic ``о`` in a Greek one); a
    whole word of another script's look-alikes among the language's words
    (the Latin ``i`` for the Belarusian ``і``); a whole word in a third script
    (neither the language's nor Latin, which names, brands and acronyms are
    written in everywhere), to be checked."""
    text = _strip_code(entry.msgstr) if "`" in entry.msgstr else entry.msgstr
    if not text:
        return
    listed = _listed_letters(language)
    found = sorted(set(listed.findall(text))) if listed else []
    if found:
        yield Problem(entry.path, entry.line, ERROR, "orthography",
                      f"{', '.join(found)} {'is' if len(found) == 1 else 'are'} not "
                      f"{language.english_name}: check the spelling (keyboard layout?)")
    if not _foreign(language, set(text)) or language.scripts & UNSPACED_SCRIPTS:
        return
    retyped = _lone_look_alikes(entry.msgstr, language)
    for word, spelling in retyped.items():
        script = languages.script_name(languages.script_of_letter(word[0]))
        own = languages.script_name(languages.script_of_letter(spelling[0]))
        yield Problem(entry.path, entry.line, ERROR, "orthography",
                      f"{word!r} is written in {script} letters among {language.english_name} words: "
                      f"retype it in {own} ({spelling!r})")
    yield from _script_problems(entry, language, text, retyped)


def _script_problems(entry: Entry, language: Language, text: str, retyped: dict[str, str]) -> Iterator[Problem]:
    """Words that mix the language's script with another, and words wholly in
    a third script (but those ``retyped``, reported already)."""
    own = language.scripts
    name = "/".join(languages.script_name(script) for script in sorted(own))
    elsewhere = []
    for word in dict.fromkeys(_WORD.findall(text)):
        foreign = _foreign(language, word)
        if not foreign or word in retyped:
            continue
        if any(languages.script_of_letter(letter) in own for letter in word if letter.isalpha()):
            scripts = " and ".join(sorted({languages.script_name(script) for script in foreign.values()}))
            yield Problem(entry.path, entry.line, ERROR, "orthography",
                          f"{word!r} mixes {name} and {scripts} letters ({_letters_of(foreign)}): "
                          "retype it in one alphabet")
        elif set(foreign.values()) - {"Latn"}:
            elsewhere.append(word)
    if elsewhere:
        scripts = " and ".join(sorted({languages.script_name(script) for word in elsewhere
                                       for script in _foreign(language, word).values()} - {"Latin"}))
        words = ", ".join(map(repr, elsewhere))
        yield Problem(entry.path, entry.line, WARNING, "orthography",
                      f"{words} {'is' if len(elsewhere) == 1 else 'are'} in {scripts} letters, and "
                      f"{language.english_name} is written in {name} ones: transliterate "
                      f"{'it' if len(elsewhere) == 1 else 'them'}, unless a name is quoted in its own script")


# A word typed in another alphabet whose letters all look like the
# language's (Unicode's confusables: languages.look_alikes) is invisible to
# a reader and breaks search, spelling and hyphenation: the Belarusian
# conjunction "і" as a Latin "i", the Ukrainian "На" as a Latin "Ha", the
# Greek article "ο" as a Latin "o", a Cyrillic "і" among Polish words.
# Unlike a Latin name or acronym, such a word stands among the language's
# own words: the nearest word on either side that is not such a word too is
# of the language's script (one side may be the text's edge).  Its capitals
# tell it from a name: an acronym ("IT"), a capitalized word inside a
# sentence ("Kia", "категорія B") and a mixed one ("eBay") are left alone;
# a lower-case word, and a capitalized one starting a sentence, are not.

_SENTENCE_ENDS = ".!?…"
_BEFORE_A_WORD = " \t\n\u00a0\u202f\x00\"'«»„“”‘’‚‹›()[]{}—–-"
"""What may stand between a sentence's end and its first word: spaces,
quotation marks, brackets, dashes, code (``\x00`` in :func:`visible_text`)."""

_PLACEHOLDER = re.compile(r"%(?:\([^()\s]*\))?[-#0+]*\d*(?:\.\d+)?[A-Za-z]|\{[^{}\s]*\}")
"""A value a program puts in (``%(year)s``, ``%d``, ``{name}``) or an
attribute (``{#id}``): no words of the text."""


def _lone_look_alikes(text: str, language: Language) -> dict[str, str]:
    """The words of ``text`` typed in another script's look-alike letters
    among the language's words, each with its spelling in the language's
    letters; addresses and placeholders are no words."""
    prose = visible_text(text)
    if _URL_HINT.search(prose):
        prose = _URL.sub("\x00", prose)
    if "%" in prose or "{" in prose:
        prose = _PLACEHOLDER.sub("\x00", prose)
    own = language.scripts
    words = [match for match in _WORD.finditer(prose) if _LETTER.search(match.group())]
    spellings = [_look_alike_spelling(match.group(), language) for match in words]
    for index, match in enumerate(words):
        if spellings[index] and _written_as_a_name(match.group(), _starts_sentence(prose, match.start())):
            spellings[index] = None

    def nearest_is_own(indices: range) -> bool | None:
        """Whether the nearest word that is no look-alike is the language's
        (None: there is none)."""
        for i in indices:
            if spellings[i] is None:
                return any(languages.script_of_letter(letter) in own for letter in words[i].group())
        return None

    found: dict[str, str] = {}
    for index, spelling in enumerate(spellings):
        if spelling is not None:
            sides = nearest_is_own(range(index - 1, -1, -1)), nearest_is_own(range(index + 1, len(words)))
            if True in sides and False not in sides:
                found.setdefault(words[index].group(), spelling)
    return found


def _look_alike_spelling(word: str, language: Language) -> str | None:
    """``word`` in the language's letters, when all its letters are of one
    other script and each looks like one of them (Latin ``Ha`` → Cyrillic
    ``На``; ``ok`` has none: no Cyrillic letter looks like ``k``); a word of
    one letter only if the language has such a word (its single-letter words,
    where the table lists them: a Latin ``x`` is no Ukrainian ``х``)."""
    if not word.isalpha():
        return None
    foreign = _foreign(language, word)
    if len(foreign) != len(set(word)) or len(set(foreign.values())) != 1:
        return None
    alike = [language.look_alike(letter) for letter in word]
    if None in alike:
        return None
    spelling = "".join(alike)
    if len(word) == 1 and language.single_letter_words and spelling.lower() not in language.single_letter_words:
        return None
    return spelling


def _written_as_a_name(word: str, starts_sentence: bool) -> bool:
    """Whether the capitals of ``word`` make it a name, an acronym or a label
    rather than a common word: all capitals (``IT``), mixed (``eBay``), or a
    capital first inside a sentence (``Kia``, ``B``)."""
    if word.islower() or word.lower() == word.upper():
        return False
    if len(word) == 1 or (word[0].isupper() and word[1:].islower()):
        return not starts_sentence
    return True


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` of ``text`` begins a sentence: the text's
    or one after the end of another."""
    before = text[:start].rstrip(_BEFORE_A_WORD)
    return not before or before[-1] in _SENTENCE_ENDS


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
                    frozenset(message.flags), message.pluralizable)


def _text(value) -> str:
    if isinstance(value, (tuple, list)):
        return "\x00".join(value or ())
    return value or ""


def check_catalog(path: Path, language: Language, terms: list[terminology.Term],
                  release: bool = False, template: Catalog | None = None) -> list[Problem]:
    """Every problem of one catalog, in file order; given the template of its
    domain, entries of the source missing from it too."""
    catalog, problems = store.parse(path)
    if catalog is None:
        return problems
    problems = header_problems(path, catalog, language, release)
    problems += template_problems(path, catalog, template, language, release)
    rules = (
        completeness_problems, bounds_problems, control_problems, markup_problems, number_problems,
        orthography_problems, terminology_problems(terms), typography_problems, copy_problems(terms),
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
    for path in store.po_files(locale_dir, language):
        name = store.document_name(locale_dir, language, path)
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


def load_terms(path: Path, source_language: str) -> tuple[list[terminology.Term], list[Problem]]:
    """The terminology list of a publication written in ``source_language``
    (its code), and the problems of a malformed one (then no term is
    checked); read once while the file stays as it is."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return [], []
    except OSError as error:
        return [], [Problem(path, 0, ERROR, terminology.RULE, f"cannot read the file: {error.strerror}")]
    terms, problems = _load_terms(path, source_language, stat.st_mtime_ns, stat.st_size)
    return list(terms), list(problems)


@lru_cache(maxsize=8)
def _load_terms(path: Path, source_language: str, mtime_ns: int,
                size: int) -> tuple[tuple[terminology.Term, ...], tuple[Problem, ...]]:
    try:
        return tuple(terminology.load(path, source_language)), ()
    except terminology.TerminologyError as error:
        return (), tuple(error.problems)


def check_language(locale_dir: Path, language: Language, source_language: str, release: bool = False,
                   source_dir: Path | None = None, own_source: bool | None = None,
                   known: dict[str, dict] | None = None) -> list[Problem]:
    """Every problem in one language's catalogs of a publication written in
    ``source_language`` (the code its declaration gives), and, given the
    source folder, catalogs and documents that do not match; given the
    project's own source, every message of it that a catalog lacks.

    ``known`` (see :func:`remembered`) holds the problems each catalog had
    when it was checked last, by its size and modification time: a catalog
    unchanged since is not checked again, one that changed is, and its
    problems are put in ``known``."""
    locale_dir = Path(locale_dir)
    terms, problems = _terminology(locale_dir, source_language)
    paths, refused = store.scan(locale_dir, language)
    problems += refused
    if not paths:
        return problems or [Problem(store.catalog_dir(locale_dir, language), 0, ERROR, "missing",
                                    "no catalogs for this language: run `make update-po`")]
    if own_source is None:  # the catalogs of another project are not held to this source
        own_source = sources.is_source_of(source_dir, locale_dir)
    templates = sources.extract(source_dir) if own_source and source_dir is not None else None
    domains = set()
    for path in paths:
        domain = store.document_name(locale_dir, language, path) or store.THEME_DOMAIN
        domains.add(domain)
        template = templates.domains.get(domain) if templates else None
        if known is None or template is not None:
            problems += check_catalog(path, language, terms, release, template)
            continue
        stamp = _stamp(path)
        if known.get(str(path), {}).get("stamp") != stamp:
            known[str(path)] = {"stamp": stamp, "problems": [p.as_dict() for p in
                                                             check_catalog(path, language, terms, release)]}
        problems += [Problem.from_dict(p) for p in known[str(path)]["problems"]]
    if source_dir is not None:
        problems += document_problems(locale_dir, language, source_dir)
    if templates is not None:
        problems += templates.problems
        theme = templates.domains.get(store.THEME_DOMAIN)
        if theme is not None and store.THEME_DOMAIN not in domains and not all(
                shipped_label(language.code, message.id) for message in theme if message.id):
            problems.append(Problem(
                store.catalog_dir(locale_dir, language) / f"{store.THEME_DOMAIN}.po", 0,
                _unfinished(language, release), "incomplete",
                "there is no catalog for the labels of the page: run `make update-po`, then translate them"))
    return problems


def remembered(record: Path, locale_dir: Path, language: Language, source_language: str) -> list[Problem]:
    """:func:`check_language` as a build asks it, remembered in ``record``
    while nothing it reads changes — the language's catalogs, the
    terminology list, the language's facts and the publication's source
    language, briefpub itself — as ``make`` tells a change of a file: by
    its size and modification time.  A rebuild after one catalog changed
    checks that catalog alone (with what concerns the language's catalogs
    together)."""
    key, shared = _inputs_key(locale_dir, language, source_language)
    known: dict = {}
    try:
        kept = json.loads(record.read_text(encoding="utf-8"))
        if kept["key"] == key:
            return [Problem.from_dict(p) for p in kept["problems"]]
        if kept["shared"] == shared:
            known = kept["catalogs"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    problems = check_language(locale_dir, language, source_language, known=known)
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"key": key, "shared": shared, "problems": [p.as_dict() for p in problems],
                                      "catalogs": known}), encoding="utf-8")
    except OSError:
        pass  # a build folder that cannot be written is reported by the build itself
    return problems


def _stamp(path: Path) -> str | None:
    try:
        stat = path.lstat()
    except OSError:
        return None
    return f"{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_mode}"


def _inputs_key(locale_dir: Path, language: Language, source_language: str) -> tuple[str, str]:
    """The digests of what the checks of a language read: everything, and
    what every one of its catalogs' checks shares (all but the catalogs)."""
    shared = hashlib.sha256(f"{language!r}\0{source_language}\0".encode())
    for path in [locale_dir / TERMINOLOGY, *code_files()]:
        shared.update(f"{path}\0{_stamp(path)}\0".encode())
    whole = shared.copy()
    for path in _files_below(locale_dir / language.code):
        whole.update(f"{path}\0{_stamp(path)}\0".encode())
    return whole.hexdigest(), shared.hexdigest()


def _files_below(folder: Path) -> list[Path]:
    """Every entry below ``folder``, links not followed (a link out of the project is the checks' to report)."""
    found = []
    for parent, folders, names in os.walk(folder, followlinks=False):
        found += [Path(parent) / name for name in sorted(folders + names)]
    return found


def _terminology(locale_dir: Path, source_language: str) -> tuple[list[terminology.Term], list[Problem]]:
    """The terminology list, if there is one that may be read."""
    path = locale_dir / TERMINOLOGY
    if not path.exists() and not path.is_symlink():
        return [], []
    try:
        store.check_link(path, store.project_roots(locale_dir))
        store.read_bytes(path)
    except store.Refused as refused:
        return [], [refused.problem()]
    return load_terms(path, source_language)


def check(locale_dir: Path, publication: Publication, langs: list[Language] | None = None, release: bool = False,
          source_dir: Path | None = None) -> list[Problem]:
    """Every problem under ``locale_dir`` for ``langs`` (by default every
    language of ``publication``), and folders under it that are none of the
    publication's languages; one in a file all languages share (the
    terminology list) is reported once."""
    problems = language_dirs(locale_dir, publication)[1]
    for language in publication.languages if langs is None else langs:
        problems.extend(check_language(locale_dir, language, publication.source.code, release, source_dir))
    return list(dict.fromkeys(problems))
