"""What briefpub knows about languages in general, and how one language of a
publication is described.

A publication names its languages (:mod:`briefpub.project.publication`); everything
about each of them comes from three places, in this order of precedence:

1. what the publication's declaration overrides for that language;
2. :data:`DEFAULTS`, briefpub's table of what CLDR data in Babel does not
   carry: quotation marks, letters that are a translator's classic slips, the
   one-letter words that must not end a line;
3. CLDR (through Babel: names, plural rules, dates, numbers, the script) and
   the Google Fonts language data (the exemplar letters fonts must cover),
   Pyphen (the hyphenation dictionary) and Unicode's confusables (the letters
   of other scripts that look like the language's).

So any language CLDR knows works without a line of code; the table only makes
its typography better.  Nothing here knows which languages a given
publication is in.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.plurals import get_plural


@dataclass(frozen=True)
class Defaults:
    """What briefpub knows about one language beyond CLDR."""

    quotes: tuple[str, str] = ("“", "”")
    inner_quotes: tuple[str, str] = ("‘", "’")
    foreign_letters: str = ""
    single_letter_words: str = ""
    """Words of one letter that must not end a line (``в``, ``i``, ``z``),
    space-separated, lower case."""
    hyphenation: str | None = None
    """A Pyphen dictionary other than the one Pyphen picks for the code."""


DEFAULTS: dict[str, Defaults] = {
    # The quotation marks are CLDR's <delimiters> (which Babel does not carry).
    "be": Defaults(("«", "»"), ("„", "“"), foreign_letters="ищїєґъИЩЇЄҐЪ", single_letter_words="а і й у ў з о я"),
    "bg": Defaults(("„", "“"), ("„", "“"), single_letter_words="а в и к с у"),
    "cs": Defaults(("„", "“"), ("‚", "‘"), single_letter_words="a i k o s u v z"),
    "de": Defaults(("„", "“"), ("‚", "‘")),
    "el": Defaults(("«", "»"), ("“", "”")),
    "en": Defaults(("“", "”"), ("‘", "’")),
    "es": Defaults(("«", "»"), ("“", "”"), single_letter_words="a e o u y"),
    "fr": Defaults(("«", "»"), ("«", "»"), single_letter_words="à a y"),
    "hu": Defaults(("„", "”"), ("»", "«"), single_letter_words="a s"),
    "it": Defaults(("«", "»"), ("“", "”"), single_letter_words="a e i o"),
    "ka": Defaults(("„", "“"), ("«", "»")),
    "lt": Defaults(("„", "“"), ("„", "“"), single_letter_words="ir į o"),
    "lv": Defaults(("“", "”"), ("„", "“")),
    "nl": Defaults(("‘", "’"), ("“", "”")),
    "pl": Defaults(("„", "”"), ("«", "»"), single_letter_words="a i o u w z"),
    "pt": Defaults(("“", "”"), ("‘", "’"), single_letter_words="a e o"),
    "ro": Defaults(("„", "”"), ("«", "»"), single_letter_words="a e o"),
    "ru": Defaults(("«", "»"), ("„", "“"), foreign_letters="ґєіїўҐЄІЇЎ", single_letter_words="а в и к о с у я"),
    "sk": Defaults(("„", "“"), ("‚", "‘"), single_letter_words="a i k o s u v z"),
    "sl": Defaults(("„", "“"), ("‚", "‘"), single_letter_words="a h i k o s v z"),
    "sr": Defaults(("„", "“"), ("‘", "’"), single_letter_words="а и к о с у"),
    "uk": Defaults(("«", "»"), ("„", "“"), foreign_letters="ыэёъўЫЭЁЪЎ", single_letter_words="а в і з й о у я"),
}
"""briefpub's table of language defaults, by language code."""

OVERRIDABLE = ("quotes", "inner_quotes", "foreign_letters", "single_letter_words", "hyphenation", "script", "team")
"""What a publication may override for one of its languages (in its
declaration, with ``-`` for ``_``: ``inner-quotes``)."""

CASED_SCRIPTS = frozenset({"Latn", "Cyrl", "Grek", "Armn"})
"""Scripts with capital letters (Georgian's Mtavruli is not used in running text)."""

_CODE = re.compile(r"[a-z]{2,3}")


class UnknownLanguage(ValueError):
    """A language code that is not one of the publication's languages, or
    that CLDR does not know."""

    def __init__(self, code: object, known: Iterable[str] = (), what: str = "the publication is published in"):
        self.code = code
        known = list(known)
        message = f"unknown language {code!r}"
        if known:
            message += f": {what} {', '.join(known)}"
        super().__init__(message)


@dataclass(frozen=True)
class Language:
    """One language of a publication, with everything briefpub needs to know
    about it to check, build and publish its edition."""

    code: str
    quotes: tuple[str, str]
    """Primary quotation marks, opening and closing."""
    inner_quotes: tuple[str, str]
    foreign_letters: str
    """Letters that do not belong to the language's alphabet: the classic slips
    of a translator whose keyboard or spelling habits come from a neighbour."""
    single_letter_words: tuple[str, ...]
    hyphenation: str | None
    """The Pyphen dictionary of the language (None: Pyphen has none)."""
    script: str
    """ISO 15924 code of the alphabet: ``Latn``, ``Cyrl``, ``Grek``…"""
    team: str
    """The ``Language-Team`` header of the catalogs."""
    is_source: bool = field(default=False, compare=False)
    """The publication is written in this language; its catalog is an editorial layer."""

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.code)

    @property
    def native_name(self) -> str:
        """The language's name in itself, as a reader looks for it in a list."""
        name = self.locale.get_display_name(self.code)
        return name[:1].upper() + name[1:] if self.script in CASED_SCRIPTS else name

    @property
    def english_name(self) -> str:
        return self.locale.english_name

    @property
    def plural_forms(self) -> str:
        """The gettext ``Plural-Forms`` header value."""
        plural = get_plural(self.code)
        return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"

    def has_plural_forms(self, value: str) -> bool:
        """Whether a ``Plural-Forms`` header value says what the language's
        does, however it is written: Babel has written the same rule in
        more than one way (``n == 1 ? 0 : …`` and ``(n==1 ? 0 : …)``), and a
        catalog written by another version or tool is not wrong for that."""
        try:
            count, rule = plural_rule(value)
        except ValueError:
            return False
        wanted_count, wanted = plural_rule(self.plural_forms)
        return count == wanted_count and all(rule(n) == wanted(n) for n in range(1000))

    @property
    def letters(self) -> frozenset[str]:
        """The letters of the language's alphabet (CLDR's exemplar characters,
        both cases): what a typeface must draw for an edition in it."""
        return exemplar_letters(self.code, self.script)

    @property
    def known_letters(self) -> frozenset[str]:
        """Every letter CLDR counts as the language's own, the main exemplar
        set and the auxiliary one (letters of loanwords and names: ``ö`` in
        Polish), both cases."""
        return exemplar_letters(self.code, self.script, auxiliary=True)

    def look_alike(self, char: str) -> str | None:
        """The letter of the language's alphabet that ``char``, a letter of
        another script, cannot be told from (Latin ``i`` → Belarusian ``і``,
        Latin ``o`` → Greek ``ο``), of the same case; None when it has none.
        Of two, the first in Unicode's order (Latin ``o`` → Greek ``ο``, not ``σ``)."""
        return _look_alike(self.code, self.script, char)

    @property
    def scripts(self) -> frozenset[str]:
        """The scripts the language is written in (ISO 15924): its own, and
        those of its exemplar letters (Japanese: Hiragana, Katakana and Han)."""
        return _scripts(self.code, self.script)

    def __str__(self) -> str:
        return self.code


def shown_kilobytes(size: int) -> int:
    """A file size of ``size`` bytes in whole kilobytes, as :func:`human_size` shows it."""
    return max(1, round(size / 1024))


def human_size(size: int, language: Language) -> str:
    """A file size as the language writes it (``181 кБ``, ``1,8 MB``), number
    and unit held together by a no-break space."""
    from babel.units import format_unit

    kilobytes = shown_kilobytes(size)
    if kilobytes < 1024:
        text = format_unit(kilobytes, "digital-kilobyte", length="short", locale=language.locale, format="#,##0")
    else:
        text = format_unit(size / 1024 / 1024, "digital-megabyte", length="short", locale=language.locale,
                           format="#,##0.0")
    return text.replace(" ", "\u00a0").replace("\u202f", "\u00a0")


_PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*")


class PluralFormsError(ValueError):
    """A ``Plural-Forms`` value that does not parse; ``part`` says which part:
    ``header`` (the ``nplurals=…; plural=…;`` frame) or ``expression``."""

    def __init__(self, part: str, value: str):
        self.part, self.value = part, value
        super().__init__(f"the {part} {value!r} does not parse")


@cache
def plural_rule(value: str) -> tuple[int, Callable[[int], int]]:
    """The number of forms and the rule (a count to its form) of a
    ``Plural-Forms`` value, as gettext reads it; raise :class:`PluralFormsError`."""
    match = _PLURAL_FORMS.fullmatch(value)
    if not match:
        raise PluralFormsError("header", value)
    try:
        return int(match.group(1)), gettext.c2py(match.group(2))
    except (ValueError, RecursionError):
        raise PluralFormsError("expression", match.group(2)) from None


def known(code: str) -> bool:
    """Whether CLDR knows ``code`` as a language."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        return False
    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return locale.language == code and code in locale.languages


def script_of(code: str) -> str:
    """The script CLDR says a language is written in (``uk`` → ``Cyrl``)."""
    likely = get_global("likely_subtags").get(code, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 1 and len(parts[1]) == 4 else "Latn"


def hyphenation_of(code: str) -> str | None:
    import pyphen

    return pyphen.language_fallback(code)


def describe(code: str, *, is_source: bool = False, overrides: dict[str, Any] | None = None) -> Language:
    """The :class:`Language` for ``code``: CLDR, then :data:`DEFAULTS`, then
    ``overrides`` (keys of :data:`OVERRIDABLE`).  Raise :class:`UnknownLanguage`
    for a code CLDR does not know."""
    if not known(code):
        raise UnknownLanguage(code)
    defaults = DEFAULTS.get(code, Defaults())
    language = Language(
        code=code,
        quotes=defaults.quotes,
        inner_quotes=defaults.inner_quotes,
        foreign_letters=defaults.foreign_letters,
        single_letter_words=tuple(defaults.single_letter_words.split()),
        hyphenation=defaults.hyphenation or hyphenation_of(code),
        script=script_of(code),
        team=f"{Locale.parse(code).english_name} (briefpub {'editors' if is_source else 'translation team'})",
        is_source=is_source,
    )
    changes = dict(overrides or {})
    if "quotes" in changes:
        changes["quotes"] = tuple(changes["quotes"])
    if "inner_quotes" in changes:
        changes["inner_quotes"] = tuple(changes["inner_quotes"])
    if isinstance(changes.get("single_letter_words"), str):
        changes["single_letter_words"] = tuple(changes["single_letter_words"].split())
    return replace(language, **changes)


COMPOSITE_SCRIPTS = {
    "Jpan": ("Hani", "Hira", "Kana"), "Kore": ("Hang", "Hani"), "Hrkt": ("Hira", "Kana"),
    "Hans": ("Hani",), "Hant": ("Hani",), "Hanb": ("Hani", "Bopo"),
}
"""ISO 15924's codes for scripts used together, by the scripts of Unicode they are made of."""

NEUTRAL_SCRIPTS = frozenset({"Zyyy", "Zinh", "Zzzz"})
"""Characters of no one script: common (digits, ``µ``, ``ʼ``), inherited
(combining accents), unknown."""


@cache
def script_of_letter(char: str) -> str:
    """The script of one character (ISO 15924, Unicode's Scripts.txt): ``Latn``,
    ``Cyrl``, ``Grek``…; ``Zyyy`` for a character common to all."""
    from fontTools import unicodedata

    return unicodedata.script(char)


@cache
def look_alikes(char: str) -> frozenset[str]:
    """The single characters that Unicode's confusables (UTS #39, as the
    ``confusable_homoglyphs`` package carries them) say look like ``char``:
    Latin ``a``, Cyrillic ``а`` and Greek ``α`` alike.  Unicode maps each
    character to one prototype, and the package lists, for a prototype, the
    characters mapped to it and, for any other, its prototype; the
    characters that look alike are one prototype's, so two steps reach them
    all (Latin ``I`` → its prototype ``l`` → Cyrillic ``І``)."""
    from confusable_homoglyphs import confusables

    def listed(of: str) -> set[str]:
        found = confusables.is_confusable(of, greedy=True) or []
        return {glyph["c"] for item in found for glyph in item["homoglyphs"] if len(glyph["c"]) == 1}

    near = listed(char)
    return frozenset(near.union(*map(listed, near)) - {char})


@cache
def _scripts(code: str, script: str) -> frozenset[str]:
    """:attr:`Language.scripts`, worked out once."""
    own = {*COMPOSITE_SCRIPTS.get(script, (script,)),
           *(script_of_letter(letter) for letter in exemplar_letters(code, script, auxiliary=True))}
    return frozenset(own - NEUTRAL_SCRIPTS)


@cache
def _look_alike(code: str, script: str, char: str) -> str | None:
    """:meth:`Language.look_alike`, worked out once for each letter."""
    alphabet = exemplar_letters(code, script)
    alike = sorted(
        letter for letter in look_alikes(char)
        if (letter.islower(), letter.isupper()) == (char.islower(), char.isupper())
        and (letter in alphabet if alphabet else script_of_letter(letter) in _scripts(code, script))
    )
    return alike[0] if alike else None


def script_name(script: str) -> str:
    """``Cyrl`` → ``Cyrillic``."""
    from fontTools import unicodedata

    return unicodedata.script_name(script, default=script).replace("_", " ")


@cache
def exemplar_letters(code: str, script: str, auxiliary: bool = False) -> frozenset[str]:
    """CLDR's exemplar letters of a language in a script (main set, and with
    ``auxiliary`` the auxiliary set too; both cases), as the Google Fonts
    language data carries them; empty when it has none."""
    from importlib.resources import files

    from gfmetadata import LanguageProto, text_format

    resource = files("gflanguages.data").joinpath("languages").joinpath(f"{code}_{script}.textproto")
    try:
        text = resource.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return frozenset()
    proto = text_format.Parse(text, LanguageProto())
    letters = set()
    sets = (proto.exemplar_chars.base, proto.exemplar_chars.auxiliary) if auxiliary else (proto.exemplar_chars.base,)
    for item in " ".join(sets).split():
        item = unicodedata.normalize("NFC", item.strip("{}"))
        if len(item) == 1 and unicodedata.category(item).startswith("L"):
            cased = script in CASED_SCRIPTS and len(item.upper()) == 1
            letters.update((item, item.upper()) if cased else (item,))
    return frozenset(letters)

