"""The publication: what a project declares about itself, read once and
handed to every part of briefpub.

A project declares its publication in ``docs/publication.toml`` (README,
"Your own publication"): its languages, who wrote and who publishes it, its
identifiers, licence, date and version.  The command line reads it without
running Sphinx; ``docs/conf.py`` hands it to Sphinx.  The title and subtitle
are not declared: they are the source document's first heading and the
paragraph below it, translated like the rest of the text.

Every wrong value is a :class:`DeclarationError` naming the file, the line,
the key and what to do.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from briefpub.project import languages, typefaces
from briefpub.project.languages import Language, UnknownLanguage

DECLARATION = Path("docs") / "publication.toml"
"""Where a project declares its publication, relative to the project's root."""

DEFAULT_TYPE = "Report"

KEYS = ("name", "source-language", "languages", "type", "version", "date", "base-url", "logo",
        "authors", "publisher", "identifiers", "licence", "language", "fonts")
"""Every key a declaration may have, in the order the README explains them."""


class DeclarationError(ValueError):
    """A declaration that cannot be used: where, which key, and what to do."""

    def __init__(self, path: Path, line: int, key: str, message: str):
        self.path, self.line, self.key = path, line, key
        where = f"{path}:{line}" if line > 0 else f"{path}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


@dataclass(frozen=True)
class Author:
    """A person or an organisation credited with the publication."""

    name: str
    organisation: bool = False
    url: str | None = None


@dataclass(frozen=True)
class Identifier:
    """An edition's identifier: an ISBN, a DOI or a URN."""

    scheme: str
    """``isbn``, ``doi`` or ``urn``."""
    value: str
    """As written for people: ``978-3-16-148410-0``, ``10.5281/zenodo.1234``."""

    @property
    def uri(self) -> str:
        """The identifier as a URI (an ePub's ``dc:identifier``)."""
        if self.scheme == "isbn":
            return "urn:isbn:" + re.sub(r"[^0-9X]", "", self.value.upper())
        if self.scheme == "doi":
            return "https://doi.org/" + self.value
        return self.value

    def __str__(self) -> str:
        return {"isbn": "ISBN ", "doi": "DOI "}.get(self.scheme, "") + self.value


@dataclass(frozen=True)
class Licence:
    spdx: str
    url: str | None = None


@dataclass(frozen=True)
class Publication:
    """One publication, as its project declares it."""

    root: Path
    name: str
    """The file name of its editions: ``<name>-<lang>.pdf``."""
    source: Language
    languages: tuple[Language, ...]
    """Every edition's language, in the order readers are offered them."""
    type: str
    """The kind of document ("Policy brief", "Report"), in the source
    language; each edition shows it translated through the theme's catalog."""
    version: str
    date: dt.date
    authors: tuple[Author, ...] = ()
    publisher: Author | None = None
    identifiers: dict[str, Identifier] = field(default_factory=dict)
    licence: Licence | None = None
    logo: Path | None = None
    """Relative to the source folder."""
    base_url: str | None = None
    """Where dist/ is published, ending with ``/``."""
    typefaces: dict[str, tuple[str, str]] = field(default_factory=dict)
    """(serif, sans) font packages per script, as declared."""

    # --- where -----------------------------------------------------------------------

    @property
    def declaration(self) -> Path:
        return self.root / DECLARATION

    @property
    def source_dir(self) -> Path:
        return self.declaration.parent

    # --- languages ---------------------------------------------------------------------

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @property
    def targets(self) -> tuple[Language, ...]:
        """The languages it is translated into."""
        return tuple(language for language in self.languages if not language.is_source)

    def get(self, code: str) -> Language:
        """The publication's language ``code``; :class:`UnknownLanguage` for any other."""
        for language in self.languages:
            if language.code == code:
                return language
        raise UnknownLanguage(code, self.codes)

    def parse_list(self, text: str | None) -> list[Language]:
        """Languages named in a comma-separated list; all of them for an empty one."""
        if not text or not text.strip():
            return list(self.languages)
        return [self.get(part.strip()) for part in text.split(",") if part.strip()]

    # --- facts -------------------------------------------------------------------------

    @cached_property
    def title(self) -> str:
        """The source document's first heading."""
        return source_title(self.source_dir) or self.name

    def credits(self, language: Language) -> str | None:
        """The authors' names as the language lists them ("A, B and C"); None when none is declared."""
        if not self.authors:
            return None
        from babel.lists import format_list

        return format_list([author.name for author in self.authors], locale=language.locale)

    def publisher_name(self, language: Language) -> str | None:
        return self.publisher.name if self.publisher else self.credits(language)

    def identifier(self, language: Language) -> Identifier:
        """The edition's identifier: declared, else a URN of briefpub's own."""
        return self.identifiers.get(language.code) or Identifier(
            "urn", f"urn:briefpub:{self.name}:{language.code}:{self.version}")

    def fonts(self, language: Language) -> typefaces.FontSet:
        return typefaces.for_script(language.script, self.typefaces)

    def edition_url(self, language: Language) -> str | None:
        """Where the language's HTML edition is on the web, if the base URL is declared."""
        return f"{self.base_url}html/{language.code}/" if self.base_url else None


def source_title(source_dir: Path) -> str | None:
    """The first heading of the root document (``index.md``), without markup."""
    try:
        text = (source_dir / "index.md").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        match = re.match(r"#\s+(.+?)\s*#*\s*$", line)
        if match:
            return re.sub(r"[*_`]", "", match.group(1)).strip() or None
    return None


# --- reading the declaration -----------------------------------------------------------


class _Reader:
    """Reads one declaration file, pointing every error at its line."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def line(self, key: str) -> int:
        """The line of a dotted key (``licence.url``, ``language.pl.quotes``):
        the key's own line inside its table, else the table's header."""
        parts = key.split(".")
        table, last = parts[:-1], parts[-1]
        current: list[str] = []
        header_line = 0
        for number, raw in enumerate(self.lines, 1):
            text = raw.strip()
            header = re.fullmatch(r"\[\[?\s*([^\]]+?)\s*\]\]?(\s*#.*)?", text)
            if header:
                current = [part.strip().strip('"') for part in header.group(1).split(".")]
                if not header_line and current in (parts, table) and table:
                    header_line = number
                elif current == parts and not header_line:
                    header_line = number
                continue
            assignment = re.match(r'"?([A-Za-z0-9_-]+)"?\s*=', text)
            if assignment and assignment.group(1) == last and current == table:
                return number
            if assignment and not table and not current and assignment.group(1) == last:
                return number
        return header_line or 1

    def entry_line(self, name: str, index: int) -> int:
        """The header line of the ``index``-th ``[[name]]`` table."""
        headers = [number for number, raw in enumerate(self.lines, 1)
                   if re.fullmatch(rf"\[\[\s*{re.escape(name)}\s*\]\](\s*#.*)?", raw.strip())]
        return headers[index] if index < len(headers) else self.line(name)

    def error(self, key: str, message: str, line: int | None = None) -> DeclarationError:
        return DeclarationError(self.path, line or self.line(key), key, message)

    def string(self, data: dict, key: str, dotted: str, *, required: bool = False,
               pattern: str | None = None, hint: str = "") -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise DeclarationError(self.path, 1, dotted, f"missing: add `{key} = \"…\"`{hint}")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(dotted, f"must be a non-empty string in quotes{hint}")
        if pattern and not re.fullmatch(pattern, value):
            raise self.error(dotted, f"{value!r} is not valid{hint}")
        return value.strip()

    def url(self, data: dict, key: str, dotted: str) -> str | None:
        return self.string(data, key, dotted, pattern=r"https?://[^\s/]+(/\S*)?",
                           hint=": write a full http:// or https:// address")

    def table(self, data: dict, key: str) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.error(key, f"must be a table: write it as [{key}] with its keys below")
        return value

    def known_keys(self, data: dict, allowed: tuple[str, ...], prefix: str = "") -> None:
        for key in data:
            if key not in allowed:
                raise self.error(prefix + key, f"unknown key: a declaration knows {', '.join(allowed)} "
                                               "(README, \"Your own publication\")")


def _language(reader: _Reader, code: Any, key: str, is_source: bool = False,
              overrides: dict | None = None) -> Language:
    if not isinstance(code, str) or not languages.known(code):
        raise reader.error(key, f"unknown language {code!r}: use a lower-case language code that CLDR knows "
                                "(en, uk, de, el…)")
    return languages.describe(code, is_source=is_source, overrides=overrides)


def _overrides(reader: _Reader, data: dict, codes: list[str]) -> dict[str, dict]:
    table = reader.table(data, "language")
    result = {}
    allowed = tuple(name.replace("_", "-") for name in languages.OVERRIDABLE)
    for code, values in table.items():
        key = f"language.{code}"
        if code not in codes:
            raise reader.error(key, f"{code!r} is not one of the publication's languages ({', '.join(codes)})")
        if not isinstance(values, dict):
            raise reader.error(key, f"must be a table: [language.{code}] with the keys to override below")
        reader.known_keys(values, allowed, key + ".")
        changes = {}
        for name, value in values.items():
            dotted = f"{key}.{name}"
            if name in ("quotes", "inner-quotes"):
                if not (isinstance(value, list) and len(value) == 2
                        and all(isinstance(mark, str) and len(mark) == 1 for mark in value)):
                    raise reader.error(dotted, 'must be two marks, opening and closing: ["«", "»"]')
                value = tuple(value)
            elif name == "single-letter-words":
                if not (isinstance(value, list) and all(isinstance(word, str) for word in value)):
                    raise reader.error(dotted, 'must be a list of words: ["a", "i", "w"]')
                value = tuple(value)
            elif name == "script":
                if not (isinstance(value, str) and re.fullmatch(r"[A-Z][a-z]{3}", value)):
                    raise reader.error(dotted, "must be an ISO 15924 script code: Latn, Cyrl, Grek…")
            elif name == "hyphenation":
                import pyphen

                if not (isinstance(value, str) and value in pyphen.LANGUAGES):
                    raise reader.error(dotted, f"{value!r} is not a Pyphen dictionary (e.g. en_GB, de_DE)")
            elif not isinstance(value, str):
                raise reader.error(dotted, "must be a string in quotes")
            changes[name.replace("-", "_")] = value
        result[code] = changes
    return result


def _authors(reader: _Reader, data: dict) -> tuple[Author, ...]:
    entries = data.get("authors", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise reader.error("authors", 'write each author as a table: [[authors]] with person = "…" or '
                                      'organisation = "…"')
    authors = []
    for index, entry in enumerate(entries):
        reader.known_keys(entry, ("person", "organisation", "url"), "authors.")
        kinds = [kind for kind in ("person", "organisation") if kind in entry]
        if len(kinds) != 1:
            raise reader.error("authors", f"author {index + 1}: give exactly one of person = \"…\" "
                                          "or organisation = \"…\"", reader.entry_line("authors", index))
        name = reader.string(entry, kinds[0], f"authors.{kinds[0]}")
        authors.append(Author(name, kinds[0] == "organisation", reader.url(entry, "url", "authors.url")))
    return tuple(authors)


def _publisher(reader: _Reader, data: dict) -> Author | None:
    value = data.get("publisher")
    if value is None:
        return None
    if isinstance(value, str):
        return Author(reader.string(data, "publisher", "publisher"), organisation=True)
    table = reader.table(data, "publisher")
    reader.known_keys(table, ("name", "url"), "publisher.")
    return Author(reader.string(table, "name", "publisher.name", required=True), True,
                  reader.url(table, "url", "publisher.url"))


def isbn_valid(digits: str) -> bool:
    """Whether an ISBN-10 or ISBN-13 (digits only, ``X`` allowed last in ISBN-10) has a right check digit."""
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


def parse_identifier(text: str) -> Identifier:
    """An identifier as written in a declaration; ValueError saying what is wrong."""
    value = text.strip()
    lowered = value.lower()
    for prefix in ("isbn:", "urn:isbn:", "isbn "):
        if lowered.startswith(prefix):
            return _isbn(value[len(prefix):].strip())
    for prefix in ("doi:", "https://doi.org/", "http://doi.org/", "doi "):
        if lowered.startswith(prefix):
            return _doi(value[len(prefix):].strip())
    if lowered.startswith("urn:"):
        if not re.fullmatch(r"urn:[a-z0-9][a-z0-9-]{0,31}:\S+", value, re.IGNORECASE):
            raise ValueError(f"{value!r} is not a URN: write urn:<namespace>:<identifier>")
        return Identifier("urn", value)
    if value.startswith("10."):
        return _doi(value)
    if re.fullmatch(r"[\d\- X]+", value.upper()):
        return _isbn(value)
    raise ValueError(f"{value!r} is neither an ISBN, a DOI nor a URN: write isbn:978-…, doi:10.…/… or urn:…:…")


def _isbn(value: str) -> Identifier:
    digits = re.sub(r"[\s-]", "", value).upper()
    if not isbn_valid(digits):
        raise ValueError(f"{value!r} is not a valid ISBN (wrong length or check digit): copy it again from the "
                         "ISBN agency's record")
    return Identifier("isbn", value)


def _doi(value: str) -> Identifier:
    if not re.fullmatch(r"10\.\d{4,9}/\S+", value):
        raise ValueError(f"{value!r} is not a DOI: a DOI reads 10.<registrant>/<suffix>")
    return Identifier("doi", value)


def _identifiers(reader: _Reader, data: dict, codes: list[str]) -> dict[str, Identifier]:
    result = {}
    for code, value in reader.table(data, "identifiers").items():
        key = f"identifiers.{code}"
        if code not in codes:
            raise reader.error(key, f"{code!r} is not one of the publication's languages ({', '.join(codes)})")
        if not isinstance(value, str):
            raise reader.error(key, 'must be a string in quotes: "isbn:978-…", "doi:10.…/…" or "urn:…"')
        try:
            result[code] = parse_identifier(value)
        except ValueError as error:
            raise reader.error(key, str(error)) from None
    seen: dict[str, str] = {}
    for code, identifier in result.items():
        if identifier.uri in seen:
            raise reader.error(f"identifiers.{code}", f"the same identifier as the {seen[identifier.uri]} edition: "
                                                      "every edition has its own")
        seen[identifier.uri] = code
    return result


def _licence(reader: _Reader, data: dict) -> Licence | None:
    if "licence" not in data:
        return None
    table = reader.table(data, "licence")
    reader.known_keys(table, ("id", "url"), "licence.")
    spdx = reader.string(table, "id", "licence.id", required=True, hint=' (an SPDX identifier, e.g. "CC-BY-4.0")')
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

    try:
        spdx = canonicalize_license_expression(spdx)
    except InvalidLicenseExpression:
        raise reader.error("licence.id", f"{spdx!r} is not an SPDX licence identifier: see "
                                         "https://spdx.org/licenses/ (e.g. CC-BY-4.0, CC-BY-SA-4.0)") from None
    return Licence(spdx, reader.url(table, "url", "licence.url"))


def _fonts(reader: _Reader, data: dict) -> dict[str, tuple[str, str]]:
    result = {}
    for script, value in reader.table(data, "fonts").items():
        key = f"fonts.{script}"
        if not re.fullmatch(r"[A-Z][a-z]{3}", script):
            raise reader.error(key, f"{script!r} is not an ISO 15924 script code (Latn, Cyrl, Grek, Geor…)")
        if not isinstance(value, dict):
            raise reader.error(key, f'must be a table: [fonts.{script}] with serif = "…" and sans = "…"')
        reader.known_keys(value, typefaces.ROLES, key + ".")
        default = typefaces.for_script(script)
        chosen = []
        for role, fallback in zip(typefaces.ROLES, default.typefaces):
            package = reader.string(value, role, f"{key}.{role}") or fallback.package
            try:
                typefaces.Typeface(package).faces("-")
            except typefaces.FontError as error:
                raise reader.error(f"{key}.{role}", f"{error}") from None
            chosen.append(package)
        result[script] = (chosen[0], chosen[1])
    return result


def _date(reader: _Reader, data: dict) -> dt.date:
    value = data.get("date")
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise reader.error("date", f"{value!r} is not a date: write it as YYYY-MM-DD") from None
    if not isinstance(value, dt.date):
        raise DeclarationError(reader.path, reader.line("date"), "date",
                               "missing or not a date: add `date = YYYY-MM-DD`, the publication date")
    return value


def parse(root: Path, text: str, path: Path | None = None) -> Publication:
    """The publication declared by ``text`` (the contents of ``path``) in the project at ``root``."""
    path = path or root / DECLARATION
    reader = _Reader(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise DeclarationError(path, int(line.group(1)) if line else 1, "",
                               f"not valid TOML ({error}): fix the syntax") from None
    reader.known_keys(data, KEYS)
    name = reader.string(data, "name", "name", required=True, pattern=r"[a-z0-9][a-z0-9._-]*",
                         hint=": lower-case letters, digits, '-', '.', '_' (the editions' file name)")
    source_code = data.get("source-language")
    if source_code is None:
        raise DeclarationError(path, 1, "source-language", 'missing: add `source-language = "en"`, '
                                                            "the language the publication is written in")
    codes = data.get("languages", [])
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise reader.error("languages", 'must be a list of language codes: languages = ["de", "fr"]')
    if source_code not in codes:
        codes = [source_code, *codes]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise reader.error("languages", f"{', '.join(duplicates)} listed twice: name each language once")
    overrides = _overrides(reader, data, codes)
    langs = tuple(
        _language(reader, code, "source-language" if code == source_code else "languages",
                  is_source=code == source_code, overrides=overrides.get(code))
        for code in codes
    )
    version = data.get("version")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        version = str(version)
    if not isinstance(version, str) or not version.strip():
        raise DeclarationError(path, reader.line("version"), "version", 'missing: add `version = "1.0"`')
    logo = reader.string(data, "logo", "logo")
    if logo is not None:
        logo_path = Path(logo)
        if logo_path.is_absolute() or ".." in logo_path.parts or not (path.parent / logo_path).is_file():
            raise reader.error("logo", f"{logo!r} is not a file in {path.parent.name}/: give the image's path "
                                       "relative to the folder of the declaration")
        if logo_path.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg", ".webp"):
            raise reader.error("logo", "must be an SVG, PNG, JPEG or WebP image")
    base_url = reader.url(data, "base-url", "base-url")
    publication = Publication(
        root=root,
        name=name,
        source=next(language for language in langs if language.is_source),
        languages=langs,
        type=reader.string(data, "type", "type") or DEFAULT_TYPE,
        version=version.strip(),
        date=_date(reader, data),
        authors=_authors(reader, data),
        publisher=_publisher(reader, data),
        identifiers=_identifiers(reader, data, codes),
        licence=_licence(reader, data),
        logo=Path(logo) if logo else None,
        base_url=(base_url.rstrip("/") + "/") if base_url else None,
        typefaces=_fonts(reader, data),
    )
    return publication


def check_fonts(publication: Publication) -> None:
    """Raise DeclarationError when the typefaces of a language's script lack
    some of its letters, naming the font to add (a font file that cannot be
    read is a FontError, for the build to report)."""
    reader = _Reader(publication.declaration, publication.declaration.read_text(encoding="utf-8"))
    for language in publication.languages:
        try:
            typefaces.check_coverage(publication.fonts(language), language, where=str(publication.declaration))
        except typefaces.CoverageError as error:
            key = f"fonts.{language.script}" if language.script in publication.typefaces else "languages"
            raise DeclarationError(publication.declaration, reader.line(key), key,
                                   str(error).removeprefix(f"{publication.declaration}: ")) from None


_LOADED: dict[tuple, Publication] = {}


def load(root: Path) -> Publication:
    """The publication of the project at ``root`` (read again only when its declaration changed)."""
    root = Path(root).resolve()
    path = root / DECLARATION
    try:
        stat = path.stat()
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key not in _LOADED:
            _LOADED[key] = parse(root, path.read_text(encoding="utf-8"), path)
        return _LOADED[key]
    except FileNotFoundError:
        raise DeclarationError(path, 0, "", f"no declaration: {root} is not a briefpub project (run "
                                            "`briefpub new DIR` to start one, or pass --root)") from None
    except UnicodeDecodeError as error:
        raise DeclarationError(path, 1, "", f"not UTF-8 ({error.reason}): save it as UTF-8") from None
    except OSError as error:
        raise DeclarationError(path, 0, "", f"cannot be read ({error.strerror})") from None
