"""Where things are: the folders of a publication project, its editions in
``_build/``, and the layout of ``dist/``.

Both sides of the pipeline need these facts: the editions (the Sphinx
extension links an HTML page to the same page in the other languages and to
its own PDF and ePub, as they will sit in ``dist/``), and the assembly of
``dist/`` itself.  Stating them here, apart from either, keeps data flowing
one way: source → catalogs → doctrees → editions → dist.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefpub.project.languages import Language
    from briefpub.project.publication import Publication

SOURCE_DIR = "docs"
LOCALE_DIR = "locale"
BUILD_DIR = "_build"
DIST_DIR = "dist"
SNAPSHOT_DIR = "catalogs"
"""The copy of ``locale/`` under ``_build/`` that a release checks and builds
(:mod:`briefpub.release.snapshot`)."""

MANIFEST = ".briefpub.json"
"""Written by each Sphinx run beside its edition: what the edition says about
itself (language, title, main file) to the publishing step."""

FORMAT_NAMES = {"html": "HTML", "pdf": "PDF", "epub": "ePub"}
"""Formats as readers see them, in the order they are offered."""
MEDIA_TYPES = {"html": "text/html", "pdf": "application/pdf", "epub": "application/epub+zip"}
HTML_DIR = "html"
"""Where the HTML editions are in dist/: ``html/<lang>/``, beside a landing
page (``html/index.html``); the PDF and ePub files are at the top."""
LANDING = "index.html"
FONTS_DIR = f"{HTML_DIR}/_fonts"
"""Where the fonts of every HTML edition and of the landing pages are in
dist/: published once, so that switching language downloads none again."""
EDITION_FONTS = "_static/fonts"
"""Where an edition carries its own font files (and an HTML edition its copy
of the shared ones, until they are published to :data:`FONTS_DIR`)."""
FONTS_CSS = "fonts.css"

PACKAGE_DIR = Path(__file__).parent.parent
"""briefpub itself: what every edition is also made from."""


def code_files() -> list[Path]:
    """briefpub's own code, whose change makes stale whatever it made."""
    return sorted(path for path in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in path.parts)


@dataclass(frozen=True)
class Project:
    """Where a publication's parts are: the source, the catalogs, the build."""

    root: Path

    @cached_property
    def publication(self) -> Publication:
        """The publication declared in the project (``docs/publication.toml``);
        raises :class:`briefpub.project.publication.DeclarationError` when it is wrong."""
        from briefpub.project.publication import load

        return load(self.root)

    @property
    def source_dir(self) -> Path:
        return self.root / SOURCE_DIR

    @property
    def locale_dir(self) -> Path:
        return self.root / LOCALE_DIR

    @property
    def build_dir(self) -> Path:
        return self.root / BUILD_DIR

    @property
    def dist_dir(self) -> Path:
        return self.root / DIST_DIR

    @property
    def snapshot_dir(self) -> Path:
        """The copy of ``locale/`` a release checks and builds (:data:`SNAPSHOT_DIR`)."""
        return self.build_dir / SNAPSHOT_DIR

    @property
    def theme_locale_dir(self) -> Path:
        """Where the theme's catalogs shipped with briefpub are compiled for this project."""
        return self.build_dir / "theme-locale"

    @property
    def font_subsets_dir(self) -> Path:
        """Font subsets, kept by what they are made from, for every edition
        that needs one (:func:`briefpub.editions.fonts.write_subsets`)."""
        return self.build_dir / "font-subsets"

    def doctree_dir(self, language: Language) -> Path:
        return self.build_dir / "doctrees" / language.code

    def output_dir(self, language: Language, fmt: str) -> Path:
        return self.build_dir / fmt / language.code

    def stamp(self, language: Language, fmt: str) -> Path:
        """The digest of the inputs the edition was last built from."""
        return self.build_dir / "stamps" / f"{fmt}-{language.code}"


def edition_name(name: str, language: Language) -> str:
    """The file name (without suffix) of a language's PDF and ePub: ``<name>-<lang>``."""
    return f"{name}-{language.code}"


def html_dir(language: Language) -> str:
    """The folder of a language's HTML edition, relative to dist/."""
    return f"{HTML_DIR}/{language.code}"


def link(source: str, target: str) -> str:
    """A relative URL from the page ``source`` to ``target``, both relative to dist/."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def built_edition(folder: Path) -> tuple[dict, Path] | None:
    """The manifest and main file of the edition built in ``folder``, if there is one."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        main = folder / manifest["file"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (manifest, main) if main.is_file() else None
