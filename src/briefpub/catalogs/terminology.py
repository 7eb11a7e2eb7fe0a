"""The publication's terminology list (``locale/terminology.toml``): names and
terms with the forms in which each language writes them.

Translators read the file; this module lets the checks and tests hold every
catalog to it.  Each term gives the forms in which the publication's source
language (``source-language`` in ``docs/publication.toml``) writes it, looked
for in the msgids, and the forms of the languages it is translated into.
Slavic languages decline names, so a term lists every form a language accepts
(``uk = ["Лукашенко", "Лукашенка", …]``, the dictionary form first), and a
translation follows the term when one of those forms occurs in it as whole
words: a wrong form (``Łukaszenko`` for ``Łukaszenka``) is caught.  A language
without forms for a term is simply not checked for it.

A file that cannot be read, or says something this module does not know, is
reported as :class:`~briefpub.project.problems.Problem` values with its line
(:class:`TerminologyError`), never as a traceback.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from briefpub.project.problems import ERROR, Problem

RULE = "terminology-file"

_BEFORE, _AFTER = r"(?<!\w)", r"(?!\w)"


class TerminologyError(Exception):
    """The terminology file is malformed; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _capitalised(form: str) -> str:
    return form[:1].upper() + form[1:]


def _alternatives(forms) -> str:
    """A pattern for ``forms`` as whole words; a form may also begin a sentence
    with a capital letter."""
    variants = {variant for form in forms for variant in (form, _capitalised(form))}
    return "|".join(re.escape(form) for form in sorted(variants, key=len, reverse=True))


@dataclass(frozen=True, eq=False)
class Term:
    forms: dict[str, tuple[str, ...]]
    """Per language code, the accepted forms; the first is the dictionary form."""
    source: str
    """The code of the publication's source language, whose forms are looked
    for in the msgids."""
    patterns: dict[str, str] = field(default_factory=dict)
    """Per language code, an optional regular expression that a whole accepted
    form matches, for paradigms too long to list."""
    invariant: bool = False
    """Written the same in every language (its source forms everywhere)."""
    line: int = 0
    """Where the term starts in its file."""

    @property
    def source_forms(self) -> tuple[str, ...]:
        return self.forms[self.source]

    def covers(self, code: str) -> bool:
        """Whether the term says how ``code`` writes it."""
        return self.invariant or code in self.forms or code in self.patterns

    def rendering(self, language) -> str | None:
        """The dictionary form in ``language``, or None when the list has none."""
        code = language.code
        if self.invariant or code == self.source:
            return self.source_forms[0]
        forms = self.forms.get(code)
        return forms[0] if forms else None

    def accepted_forms(self, language) -> tuple[str, ...]:
        if self.invariant:
            return self.source_forms
        return self.forms.get(language.code, ())

    @cached_property
    def source_pattern(self) -> re.Pattern[str]:
        return re.compile(f"{_BEFORE}(?:{_alternatives(self.source_forms)}){_AFTER}")

    @cached_property
    def _target_patterns(self) -> dict[str, re.Pattern[str]]:
        compiled = {}
        for code in set(self.forms) | set(self.patterns):
            parts = []
            if self.forms.get(code):
                parts.append(_alternatives(self.forms[code]))
            if code in self.patterns:
                parts.append(f"(?:{self.patterns[code]})")
            compiled[code] = re.compile(f"{_BEFORE}(?:{'|'.join(parts)}){_AFTER}")
        return compiled

    def target_pattern(self, language) -> re.Pattern[str] | None:
        if self.invariant:
            return self.source_pattern
        return self._target_patterns.get(language.code)

    def occurs_in_source(self, text: str) -> bool:
        return bool(self.source_pattern.search(text))

    @cached_property
    def _single_words(self) -> dict[str, frozenset[str] | None]:
        """Per language, its forms when each is one word and no pattern is
        given: then a set of the translation's words answers at once."""
        found = {}
        for code, forms in self.forms.items():
            simple = code not in self.patterns and all(_WORD.fullmatch(form) for form in forms)
            found[code] = frozenset(v for form in forms for v in (form, _capitalised(form))) if simple else None
        return found

    def followed_by(self, translation: str, language, words: set[str] | None = None) -> bool:
        """Whether an accepted form is in ``translation`` (whose ``words``
        may be given, to be found once for every term)."""
        code = self.source if self.invariant else language.code
        single = self._single_words.get(code)
        if single is not None:
            return not single.isdisjoint(words if words is not None else _WORD.findall(translation))
        pattern = self.target_pattern(language)
        return pattern is None or bool(pattern.search(translation))


_WORD = re.compile(r"\w+")


class Index:
    """The terms of a list by the first word of their source forms, so a
    message is searched only for the terms that may be in it.  Where forms
    overlap the longest wins: a term found only inside a longer one ("UN" in
    "UN Human Rights Council", "Moscow" in "Moscow Mechanism") is that longer
    term's business."""

    def __init__(self, terms: list[Term]):
        self.terms = list(terms)
        self._found: dict[str, list[Term]] = {}
        self._by_word: dict[str, list[Term]] = {}
        for term in self.terms:
            for form in term.source_forms:
                first = _WORD.search(form)
                for word in {first.group(), _capitalised(first.group())} if first else ():
                    if term not in self._by_word.setdefault(word, []):
                        self._by_word[word].append(term)

    def in_source(self, msgid: str) -> list[Term]:
        """The terms that occur in ``msgid``, in order (found once for all
        the languages that translate it)."""
        if msgid not in self._found:
            if len(self._found) > 100_000:
                self._found.clear()
            self._found[msgid] = self._search(msgid)
        return self._found[msgid]

    def _search(self, msgid: str) -> list[Term]:
        candidates = {term for word in set(_WORD.findall(msgid)) & self._by_word.keys()
                      for term in self._by_word[word]}
        if not candidates:
            return []
        spans = sorted(((match.start(), match.end(), term) for term in candidates
                        for match in term.source_pattern.finditer(msgid)),
                       key=lambda span: (span[0], -span[1]))
        found: list[Term] = []
        covered = -1
        for _, end, term in spans:  # by start, the longest first at each start
            if end <= covered:
                continue  # inside a longer term found before
            covered = end
            if term not in found:
                found.append(term)
        return found


    def unfollowed(self, msgid: str, msgstr: str, language) -> list[Term]:
        """Terms that occur in ``msgid`` but none of whose accepted forms is
        in ``msgstr``; terms without forms for ``language`` are not checked,
        nor is the source language, which the msgids are written in."""
        terms = [term for term in self.in_source(msgid)
                 if language.code != term.source and term.covers(language.code)]
        words = set(_WORD.findall(msgstr)) if terms else set()
        return [term for term in terms if not term.followed_by(msgstr, language, words)]


_INDEXES: dict[tuple[int, ...], Index] = {}


def index(terms: list[Term]) -> Index:
    """The :class:`Index` of ``terms``, made once per list."""
    key = tuple(map(id, terms))
    if key not in _INDEXES:
        if len(_INDEXES) > 16:
            _INDEXES.clear()
        _INDEXES[key] = Index(terms)  # it holds the terms, so their ids stay theirs
    return _INDEXES[key]


def in_source(terms: list[Term], msgid: str) -> list[Term]:
    return index(terms).in_source(msgid)


def unfollowed(terms: list[Term], msgid: str, msgstr: str, language) -> list[Term]:
    return index(terms).unfollowed(msgid, msgstr, language)


# --- reading the file --------------------------------------------------------------

_KEY_LINE = re.compile(r'\s*(?:"([^"]*)"|([A-Za-z0-9_-]+))\s*[.=]')
_TABLE_LINE = re.compile(r"\s*\[\[?\s*([A-Za-z0-9_.\"-]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_POSITION = re.compile(r"at line (\d+), column (\d+)")
_OPTIONS = ("invariant", "match")


def _key_lines(text: str) -> tuple[list[int], dict[tuple[int, str], int]]:
    """Where each ``[[term]]`` starts and each of its keys is written, found
    by reading the lines (tomllib gives values, not positions)."""
    starts: list[int] = []
    keys: dict[tuple[int, str], int] = {}
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        table = _TABLE_LINE.match(line)
        if table and depth == 0:
            name = table.group(1).replace('"', "")
            if line.lstrip().startswith("[[") and name == "term":
                starts.append(number)
            elif name.startswith("term."):
                keys.setdefault((len(starts) - 1, name.split(".")[1]), number)
            else:
                keys.setdefault((-1, name.split(".")[0]), number)
            continue
        key = _KEY_LINE.match(line) if depth == 0 else None
        if key:
            keys.setdefault((len(starts) - 1, key.group(1) or key.group(2)), number)
        depth = max(0, depth + line.count("[") - line.count("]")) if key or depth else 0
    return starts, keys


def _is_language(key: str) -> bool:
    from babel import localedata

    return bool(re.fullmatch(r"[a-z]{2,3}(?:_[A-Za-z0-9]+)*", key)) and localedata.exists(key)


def _forms(value) -> tuple[str, ...] | None:
    """The forms a language key gives: one string or a non-empty list of them."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(form, str) and form.strip() == form and form for form in value):
        return None
    return tuple(value)


def load(path: Path, source: str) -> list[Term]:
    """Read the terminology list of a publication whose source language is
    ``source`` (a code); raise :class:`TerminologyError` with every problem
    (file, line, what to do) when it is malformed."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise TerminologyError([Problem(path, 0, ERROR, RULE, f"cannot read the file: {error.strerror}")]) from None
    except UnicodeDecodeError as error:
        raise TerminologyError([Problem(path, text_line(error), ERROR, RULE,
                                        "invalid UTF-8: save the file as UTF-8")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        position = _TOML_POSITION.search(str(error))
        line = int(position.group(1)) if position else 0
        reason = _TOML_POSITION.sub("", str(error)).strip().rstrip("() ").strip()
        raise TerminologyError([Problem(path, line, ERROR, RULE,
                                        f"not valid TOML: {reason.lower() or 'syntax error'} "
                                        f"(column {position.group(2) if position else '?'}): "
                                        "see https://toml.io for the syntax")]) from None

    starts, keys = _key_lines(text)
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, ERROR, RULE, message))

    for key in data:
        if key != "term":
            problem(keys.get((-1, key), 1), f"unknown key {key!r}: the file holds only [[term]] tables")
    entries = data.get("term", [])
    if not isinstance(entries, list):
        problem(keys.get((-1, "term"), 1), "'term' must be a list of tables: write each term under [[term]]")
        entries = []
    terms = []
    for index, entry in enumerate(entries):
        start = starts[index] if index < len(starts) else keys.get((-1, "term"), 1)
        if not isinstance(entry, dict):
            problem(start, "each term must be a table: write it under [[term]]")
            continue
        term = _term(entry, source, start, lambda key: keys.get((index, key), start), problem)
        if term is not None:
            terms.append(term)
    if problems:
        raise TerminologyError(sorted(problems, key=lambda problem: problem.line))
    return terms


def text_line(error: UnicodeDecodeError) -> int:
    return error.object[: error.start].count(b"\n") + 1


def _term(entry: dict, source: str, start: int, line_of, problem) -> Term | None:
    """One ``[[term]]`` table as a :class:`Term`, or None after reporting why not."""
    errors = []

    def report(key: str, message: str) -> None:
        errors.append(key)
        problem(line_of(key), message)

    forms: dict[str, tuple[str, ...]] = {}
    patterns: dict[str, str] = {}
    invariant = entry.get("invariant", False)
    if not isinstance(invariant, bool):
        report("invariant", f"'invariant' must be true or false, not {invariant!r}")
    for key, value in entry.items():
        if key in _OPTIONS:
            continue
        if not _is_language(key):
            report(key, f"unknown key {key!r}: a term has language codes ({source} for the source's "
                        "forms, the translations' codes for theirs), 'invariant' and 'match'")
            continue
        found = _forms(value)
        if found is None:
            report(key, f"{key!r} must be a form or a list of forms (non-empty strings without "
                        f"surrounding spaces), e.g. {key} = [\"dictionary form\", \"another form\"]")
        else:
            forms[key] = found
    if source not in entry:
        report(source, f"the term has no {source!r} forms, and {source!r} is the source language that "
                       f"docs/publication.toml declares: say how the source writes the term "
                       f"({source} = [\"…\"])")
    match = entry.get("match", {})
    if not isinstance(match, dict):
        report("match", "'match' must be a table of language codes to regular expressions, "
                        "e.g. match = { pl = \"Łukaszenk(a|i|ę)\" }")
        match = {}
    for code, pattern in match.items():
        if not _is_language(code) or not isinstance(pattern, str):
            report("match", f"match.{code} must be a regular expression for a language code")
            continue
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            report("match", f"match.{code} is not a valid regular expression ({error}): "
                            "escape special characters with a backslash")
            continue
        dictionary_form = forms.get(code, (None,))[0]
        if dictionary_form is not None and not compiled.fullmatch(dictionary_form):
            report("match", f"match.{code} {pattern!r} does not match the whole dictionary form "
                            f"{dictionary_form!r}: a pattern stands for whole words (write the "
                            "endings out, e.g. 'Łukaszenk(a|i|ę)'), or list the forms instead")
            continue
        patterns[code] = pattern
    if invariant is True and len(forms) > 1:
        report("invariant", "an invariant term is written as in the source everywhere: "
                            "remove its other languages, or 'invariant'")
    if errors:
        return None
    return Term(forms=forms, patterns=patterns, invariant=invariant, source=source, line=start)
