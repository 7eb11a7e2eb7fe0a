"""What readers see of the editions besides the editions: the landing page
of the HTML editions and file sizes written the way each language writes
them.

The Sphinx extension writes the landing page of a local build as editions
are built, and the publishing step writes the one in ``dist/``; both use
this module, so neither side imports the other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import jinja2
from babel.units import format_unit

from briefpub.config import THEME_DIR
from briefpub.languages import Language
from briefpub.layout import FONTS_CSS, FONTS_DIR, HTML_DIR, LANDING, link


def human_size(size: int, language: Language) -> str:
    """A file size as the language writes it (``181 кБ``, ``1,8 MB``), number
    and unit held together by a no-break space."""
    kilobytes = max(1, round(size / 1024))
    if kilobytes < 1024:
        text = format_unit(kilobytes, "digital-kilobyte", length="short", locale=language.locale, format="#,##0")
    else:
        text = format_unit(size / 1024 / 1024, "digital-megabyte", length="short", locale=language.locale,
                           format="#,##0.0")
    return text.replace(" ", "\u00a0").replace("\u202f", "\u00a0")


def templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(THEME_DIR / "dist"), autoescape=True, keep_trailing_newline=True
    )


@dataclass(frozen=True)
class Entry:
    """One language's HTML edition as the landing page offers it."""

    language: Language
    title: str
    subtitle: str


def write_landing(folder: Path, entries: list[Entry], order: tuple[Language, ...] = ()) -> Path:
    """The landing page of the HTML editions (``html/index.html``).

    Without JavaScript it is a list of the editions, each in its own language
    and labelled with it, in the publication's ``order``; with JavaScript, the
    edition that best matches the languages the reader's browser asks for is
    offered first.  Used for dist/ and for a local build of every language.
    """
    codes = [language.code for language in order]
    entries = sorted(entries, key=lambda e: codes.index(e.language.code) if e.language.code in codes else len(codes))
    source = next((e for e in entries if e.language.is_source), entries[0])
    page = templates().get_template("html.html").render(
        entries=[{"entry": e, "href": link(LANDING, f"{e.language.code}/index.html")} for e in entries],
        source=source,
        fonts=link(f"{HTML_DIR}/{LANDING}", f"{FONTS_DIR}/{FONTS_CSS}"),
    )
    target = folder / LANDING
    # Languages build in parallel: replace the page in one step, never leave it half-written.
    partial = target.with_name(f".{LANDING}.{os.getpid()}")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)
    return target
