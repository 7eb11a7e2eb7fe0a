"""What briefpub knows about each language of the publication, stated once.

Everything else (the Sphinx configuration, catalog headers, checks, the theme)
asks this module instead of repeating a code, a name or a plural rule.
Names and plural rules come from Babel's CLDR data; what CLDR does not carry
(quotation marks, the translation team, the hyphenation dictionary) is written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from babel import Locale
from babel.messages.plurals import get_plural

SOURCE = "en"
"""The language the brief is written in; its catalog is an editorial layer."""


class UnknownLanguage(ValueError):
    """A language code that is not one of the publication's languages."""

    def __init__(self, code: str):
        self.code = code
        known = ", ".join(CODES)
        super().__init__(f"unknown language {code!r}: the brief is published in {known}")


@dataclass(frozen=True)
class Language:
    code: str
    quotes: tuple[str, str]
    """Primary quotation marks, opening and closing."""
    inner_quotes: tuple[str, str]
    team: str
    """The ``Language-Team`` header of the catalogs."""
    hyphenation: str
    """The Pyphen (LibreOffice) dictionary used to hyphenate the edition."""
    foreign_letters: str
    """Letters that do not belong to the language's alphabet: the classic slips
    of a translator whose keyboard or spelling habits come from a neighbour."""
    script: str
    """ISO 15924 code of the alphabet: ``Cyrl`` or ``Latn``."""

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.code)

    @property
    def native_name(self) -> str:
        """The language's name in itself, as a reader looks for it in a list."""
        name = self.locale.get_display_name(self.code)
        return name[:1].upper() + name[1:]

    @property
    def english_name(self) -> str:
        return self.locale.english_name

    @property
    def plural_forms(self) -> str:
        """The gettext ``Plural-Forms`` header value."""
        plural = get_plural(self.code)
        return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"

    @property
    def is_source(self) -> bool:
        return self.code == SOURCE


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            code="uk",
            quotes=("«", "»"),
            inner_quotes=("„", "“"),
            team="Ukrainian (briefpub translation team)",
            hyphenation="uk_UA",
            foreign_letters="ыэёъўЫЭЁЪЎ",
            script="Cyrl",
        ),
        Language(
            code="be",
            quotes=("«", "»"),
            inner_quotes=("„", "“"),
            team="Belarusian (briefpub translation team)",
            hyphenation="be_BY",
            foreign_letters="ищїєґъИЩЇЄҐЪ",
            script="Cyrl",
        ),
        Language(
            code="en",
            quotes=("“", "”"),
            inner_quotes=("‘", "’"),
            team="English (briefpub editors)",
            hyphenation="en_GB",
            foreign_letters="",
            script="Latn",
        ),
        Language(
            code="pl",
            quotes=("„", "”"),
            inner_quotes=("»", "«"),
            team="Polish (briefpub translation team)",
            hyphenation="pl_PL",
            foreign_letters="",
            script="Latn",
        ),
    )
}
CODES: tuple[str, ...] = tuple(LANGUAGES)

_CODE = re.compile(r"[a-z]{2,3}")


def get(code: str) -> Language:
    """The language for ``code``; raise :class:`UnknownLanguage` for anything else.

    Codes reach us from the command line, from folder names under ``locale/``
    and from make variables, so anything that is not a plain known code
    (``xx``, ``../../etc``, ``uk/../be``) is refused here, once.
    """
    if not isinstance(code, str) or not _CODE.fullmatch(code) or code not in LANGUAGES:
        raise UnknownLanguage(code)
    return LANGUAGES[code]


def parse_list(text: str | None) -> list[Language]:
    """Languages named in a comma-separated list; all of them for an empty one."""
    if not text or not text.strip():
        return list(LANGUAGES.values())
    return [get(part.strip()) for part in text.split(",") if part.strip()]
