"""The typefaces of every edition, declared once and shipped with the build.

The fonts come from pinned PyPI packages (PT Serif and PT Sans, SIL Open Font
Licence), so an edition looks the same on every machine: the PDF embeds them,
the ePub carries them, the HTML serves them.  They are declared under family
names no system font has, so fonts installed on the build machine can never
stand in for them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

COVERAGE = "ґєїіўҐЄЇІЎ ąęłńśźżĄĘŁŃŚŹŻ «»„“”’–—−"
"""Letters and signs every face must have: Ukrainian, Belarusian, Polish, and
the quotes and dashes of the four languages."""


class FontError(RuntimeError):
    """A declared font is missing or unreadable."""


@dataclass(frozen=True)
class Face:
    family: str
    """The family name the stylesheets use."""
    package: str
    """The Python package that ships the file (pinned in pyproject.toml)."""
    file: str
    weight: int = 400
    style: str = "normal"

    @property
    def path(self) -> Path:
        try:
            module = importlib.import_module(self.package)
        except ImportError:
            raise FontError(
                f"font package {self.package!r} is not installed: run `make setup` "
                f"(it installs the fonts listed in pyproject.toml)"
            ) from None
        return Path(module.__file__).parent / "files" / self.file


SERIF = "Brief Serif"
SANS = "Brief Sans"

FACES: tuple[Face, ...] = (
    Face(SERIF, "fontpkg_pt_serif", "PT_Serif-Web-Regular.ttf"),
    Face(SERIF, "fontpkg_pt_serif", "PT_Serif-Web-Italic.ttf", style="italic"),
    Face(SERIF, "fontpkg_pt_serif", "PT_Serif-Web-Bold.ttf", weight=700),
    Face(SERIF, "fontpkg_pt_serif", "PT_Serif-Web-BoldItalic.ttf", weight=700, style="italic"),
    Face(SANS, "fontpkg_pt_sans", "PT_Sans-Web-Regular.ttf"),
    Face(SANS, "fontpkg_pt_sans", "PT_Sans-Web-Bold.ttf", weight=700),
)


def check() -> list[Path]:
    """The font files, each one present and readable; raise FontError otherwise."""
    paths = []
    for face in FACES:
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


def font_face_css(url_prefix: str) -> str:
    """``@font-face`` rules for every face, with files under ``url_prefix``."""
    rules = []
    for face in FACES:
        rules.append(
            "@font-face {\n"
            f'  font-family: "{face.family}";\n'
            f'  src: url("{url_prefix}{face.file}") format("truetype");\n'
            f"  font-weight: {face.weight};\n"
            f"  font-style: {face.style};\n"
            "}\n"
        )
    return "\n".join(rules)
