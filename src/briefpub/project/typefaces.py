"""The typefaces of a publication: chosen per script, shipped with the build.

A typeface is a pinned PyPI font package of the ``fontpkg`` kind (a module
with the font files and a ``metadata.json`` naming each file's weight and
style), so an edition looks the same on every machine: the PDF embeds the
fonts, the ePub carries them, the HTML serves them.  They are declared under
family names no system font has ("Brief Serif", "Brief Sans"), so fonts
installed on the build machine can never stand in for them.

Which typefaces a script is set in is the publication's choice
(``[fonts.<Script>]`` in its declaration); by default PT Serif and PT Sans
for Latin and Cyrillic, Noto Serif and Noto Sans for any other script.  A
language whose letters a typeface lacks is refused with the font to add.

The publication's declaration is read against this module; the fonts an
edition ships, subsets of these faces, are :mod:`briefpub.editions.fonts`'s.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from babel import Locale

from briefpub.project.languages import Language

SERIF = "Brief Serif"
SANS = "Brief Sans"
ROLES = ("serif", "sans")

PT = ("fontpkg-pt-serif", "fontpkg-pt-sans")
NOTO = ("fontpkg-noto-serif", "fontpkg-noto-sans")
DEFAULT_TYPEFACES: dict[str, tuple[str, str]] = {"Latn": PT, "Cyrl": PT}
"""(serif, sans) font packages per ISO 15924 script, pinned in pyproject.toml."""
OTHER_SCRIPTS = NOTO
"""The typefaces of a script :data:`DEFAULT_TYPEFACES` does not name."""

COVERAGE = "«»„“”’–—−"
"""Signs every face must have besides the letters of its languages: the
quotes and dashes of the typography checks."""


class FontError(RuntimeError):
    """A declared font is missing, unreadable or lacks letters of a language."""


class CoverageError(FontError):
    """A typeface lacks letters of a language it is to set."""


@dataclass(frozen=True)
class Face:
    family: str
    """The family name the stylesheets use."""
    package: str
    """The Python module that ships the file (its package is pinned)."""
    file: str
    """The file's path inside the module's folder."""
    weight: int | None = 400
    """None for a variable font, which covers every weight."""
    style: str = "normal"

    @property
    def path(self) -> Path:
        return _module_dir(self.package) / self.file

    @property
    def target_name(self) -> str:
        """The file's name in an edition: only characters every URL and ePub
        reader takes (``NotoSerif[wdth,wght].ttf`` → ``NotoSerif-wdth-wght.ttf``)."""
        name = Path(self.file).name
        return re.sub(r"[^A-Za-z0-9._-]+", "-", name).replace("-.", ".").strip("-")

    @property
    def css_weight(self) -> str:
        return "100 900" if self.weight is None else str(self.weight)


def _module_dir(module_name: str) -> Path:
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise FontError(
            f"font package {module_name.replace('_', '-')!r} is not installed: run `make setup` "
            f"(it installs the fonts listed in pyproject.toml), or pip install it"
        ) from None
    return Path(module.__file__).parent


@dataclass(frozen=True)
class Typeface:
    """A font family as a PyPI package ships it (``fontpkg-pt-serif``)."""

    package: str

    @property
    def module(self) -> str:
        return self.package.replace("-", "_")

    @cached_property
    def metadata(self) -> dict:
        path = _module_dir(self.module) / "metadata.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise FontError(f"{path}: the font package's metadata cannot be read ({error}): "
                            f"reinstall {self.package}") from None

    @property
    def name(self) -> str:
        return self.metadata.get("family", self.package)

    def faces(self, family: str) -> tuple[Face, ...]:
        """Every file of the typeface, under the stylesheets' ``family`` name."""
        faces = [
            Face(family, self.module, entry["path"], None if entry.get("variable") else entry.get("weight") or 400,
                 entry.get("style", "normal"))
            for entry in self.metadata.get("files", [])
        ]
        if not faces:
            raise FontError(f"font package {self.package!r} lists no font files: reinstall it")
        return tuple(faces)


@dataclass(frozen=True)
class FontSet:
    """The serif (text) and sans (headings, labels) typefaces of one script."""

    serif: Typeface
    sans: Typeface

    @classmethod
    def of(cls, packages: tuple[str, str]) -> FontSet:
        return cls(Typeface(packages[0]), Typeface(packages[1]))

    @property
    def typefaces(self) -> tuple[Typeface, Typeface]:
        return (self.serif, self.sans)

    def faces(self) -> tuple[Face, ...]:
        return self.serif.faces(SERIF) + self.sans.faces(SANS)


def for_script(script: str, declared: dict[str, tuple[str, str]] | None = None) -> FontSet:
    """The typefaces of ``script``: the publication's own choice, else the defaults."""
    declared = declared or {}
    return FontSet.of(declared.get(script) or DEFAULT_TYPEFACES.get(script) or OTHER_SCRIPTS)


FACES: tuple[Face, ...] = FontSet.of(PT).faces()
"""The faces of Latin and Cyrillic editions by default."""


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        return frozenset(TTFont(path, lazy=True).getBestCmap())
    except OSError as error:
        raise FontError(f"{path}: font file cannot be read ({error.strerror}): reinstall with `make setup`") from None
    except Exception as error:  # fontTools raises many kinds on a broken file
        raise FontError(f"{path}: not a TrueType/OpenType font ({error}): reinstall with `make setup`") from None


def check(faces: tuple[Face, ...] = FACES) -> list[Path]:
    """The font files, each one present and readable; raise FontError otherwise."""
    paths = []
    for face in faces:
        path = face.path
        try:
            with open(path, "rb") as handle:
                if handle.read(4) not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
                    raise FontError(f"{path}: not a TrueType/OpenType font: reinstall with `make setup`")
        except OSError as error:
            raise FontError(
                f"{path}: font file cannot be read ({error.strerror}): reinstall with `make setup`"
            ) from None
        paths.append(path)
    return paths


def missing_letters(typeface: Typeface, language: Language) -> str:
    """The letters of ``language`` (and the signs of :data:`COVERAGE`) that a
    typeface has no glyph for, in the order of the alphabet."""
    wanted = set(language.letters) | set(language.quotes + language.inner_quotes) | set(COVERAGE)
    missing: set[str] = set()
    for face in typeface.faces("-"):
        cmap = _cmap(face.path)
        missing |= {c for c in wanted if ord(c) not in cmap}
    return "".join(sorted(missing))


def script_name(script: str) -> str:
    return Locale("en").scripts.get(script, script)


def check_coverage(fontset: FontSet, language: Language, where: str = "docs/publication.toml") -> None:
    """Raise CoverageError, naming the font to add, when a typeface lacks
    letters of the language (FontError when a font file cannot be read)."""
    for role, typeface in zip(ROLES, fontset.typefaces):
        missing = missing_letters(typeface, language)
        if missing:
            name = script_name(language.script)
            shown = " ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
            raise CoverageError(
                f"{where}: the {language.english_name} edition needs letters that {typeface.name} "
                f"({typeface.package}) does not have: {shown}. Add a {role} typeface for {name} script "
                f"(e.g. Noto {'Serif' if role == 'serif' else 'Sans'} {name}) as a pinned font package and "
                f"declare it: [fonts.{language.script}] {role} = \"<its PyPI package>\""
            )
