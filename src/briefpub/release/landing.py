"""What readers see of the editions besides the editions: the landing page
of the HTML editions, and what a reader downloads of each.

The build writes the landing page of the HTML editions built so far in
``_build/html/`` once it has built them (:func:`write_build_landing`), and
the publishing step writes the one in ``dist/``; both with
:func:`write_landing`.

A landing page speaks to every reader: each edition's title and summary in
its own language, marked with it; with JavaScript, the page takes the
title of the edition the reader's browser asks for.  Sizes are what a
reader downloads: a PDF's or ePub's file, and for an HTML edition what a
first visit transfers (:func:`first_visit_size`), not its folder; each
language writes them its own way (:func:`briefpub.project.languages.human_size`).
"""

from __future__ import annotations

import html.parser
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from briefpub.editions import metadata
from briefpub.project.config import dist_templates
from briefpub.project.languages import Language
from briefpub.project.layout import FONTS_CSS, FONTS_DIR, HTML_DIR, LANDING, Project, built_edition, link
from briefpub.project.publication import Publication


@dataclass(frozen=True)
class Entry:
    """One language's HTML edition as the landing page offers it."""

    language: Language
    title: str
    subtitle: str


def write_landing(folder: Path, entries: list[Entry], order: tuple[Language, ...] = (),
                  pub: Publication | None = None) -> Path:
    """The landing page of the HTML editions (``html/index.html``).

    Without JavaScript it is a list of the editions, each with its title and
    summary in its own language and labelled with it, in the publication's
    ``order``; with JavaScript, the edition that best matches the languages
    the reader's browser asks for is offered first.  With the publication
    ``pub``, its head says where it is and what a shared link shows
    (:func:`landing_head`).  Used for dist/ and for a local build
    (:func:`write_build_landing`).
    """
    codes = [language.code for language in order]
    entries = sorted(entries, key=lambda e: codes.index(e.language.code) if e.language.code in codes else len(codes))
    source = next((e for e in entries if e.language.is_source), entries[0])
    first = entries[0].language.code
    page = dist_templates().get_template("html.html").render(
        entries=[{"entry": e, "href": link(LANDING, f"{e.language.code}/index.html")} for e in entries],
        source=source,
        fonts=link(f"{HTML_DIR}/{LANDING}", f"{FONTS_DIR}/{FONTS_CSS}"),
        preload=[link(f"{HTML_DIR}/{LANDING}", href) for href in font_preloads(pub, source.language, folder.parent)],
        head=landing_head(pub, source, f"{HTML_DIR}/", f"{first}/_static/") if pub else None,
    )
    target = folder / LANDING
    # The page may be served as it is written: replace it in one step, never leave it half-written.
    partial = target.with_name(f".{LANDING}.{os.getpid()}")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)
    return target


def write_build_landing(project: Project) -> Path | None:
    """``_build/html/index.html``: the landing page of the HTML editions built
    so far, laid out as dist/ has it; None while no HTML edition is built."""
    pub = project.publication
    entries = []
    for language in pub.languages:
        built = built_edition(project.output_dir(language, "html"))
        if built is not None:
            manifest = built[0]
            entries.append(Entry(language, manifest["title"], manifest["subtitle"]))
    if not entries:
        return None
    return write_landing(project.output_dir(entries[0].language, "html").parent, entries, pub.languages, pub=pub)


def font_preloads(pub: Publication | None, language: Language, root: Path) -> list[str]:
    """The shared font files a landing page preloads (relative to dist/,
    whose copy is at ``root``), the body face first: with them the page is
    set in its own faces at the first paint, and nothing moves when they arrive."""
    from briefpub.editions import fonts

    if pub is None:
        return []
    faces = pub.fonts(language).faces()
    body = fonts.body_face(faces)
    names = [fonts.file_name(face, fonts.WEB_FLAVOR) for face in sorted(faces, key=lambda face: face != body)]
    return [f"{FONTS_DIR}/{name}" for name in names if (root / FONTS_DIR / name).is_file()]


def landing_head(pub: Publication, source: Entry, where: str, static: str) -> dict:
    """The head of a landing page at ``where`` in dist/ (``""``, ``html/``):
    its address, every edition as an alternate, the source edition's share
    card, and the icons of the edition whose ``_static/`` is at ``static``."""
    card = metadata.Page(pub, source.language, LANDING, source.title, source.subtitle, "",
                         address=f"{pub.base_url}{where}" if pub.base_url else None, landing=True)
    return {
        "canonical": card.url,
        "alternates": metadata.alternates(pub, LANDING),
        "open_graph": card.open_graph(),
        "icons": metadata.icon_links(pub, static),
    }


# --- what a reader downloads ------------------------------------------------------------


class _Resources(html.parser.HTMLParser):
    """The files a browser fetches for a page: stylesheets for the screen,
    scripts, images, one icon, preloads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stylesheets: list[str] = []
        self.files: list[str] = []
        self.icon: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        rel = attrs.get("rel", "").lower().split()
        if tag == "link" and "stylesheet" in rel and attrs.get("media", "all") in ("all", "screen", ""):
            self.stylesheets.append(attrs.get("href", ""))
        elif tag == "link" and ("preload" in rel or "modulepreload" in rel):
            self.files.append(attrs.get("href", ""))
        elif tag == "link" and "icon" in rel and self.icon is None:
            self.icon = attrs.get("href", "")
        elif tag in ("script", "img") and attrs.get("src") and attrs.get("loading") != "lazy":
            self.files.append(attrs["src"])


_CSS_URL = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)|url\(\s*['"]?([^'")]+?)['"]?\s*\)""")
_FONT_FACE = re.compile(r"@font-face\s*{[^}]*}", re.S)


def _local(base: Path, href: str) -> Path | None:
    parts = urlsplit(href)
    if not href or parts.scheme or parts.netloc or href.startswith("#"):
        return None
    return (base.parent / unquote(parts.path)).resolve()


def _css_files(sheet: Path, seen: set[Path]) -> None:
    """A stylesheet, what it imports and the files its rules point at; of
    each ``@font-face``, only its first source (the one a browser takes)."""
    if sheet in seen or not sheet.is_file():
        return
    seen.add(sheet)
    text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8", errors="replace"), flags=re.S)
    faces = _FONT_FACE.findall(text)
    rest = _FONT_FACE.sub("", text)
    for face in faces:
        found = _CSS_URL.search(face)
        target = _local(sheet, found.group(2) or "") if found else None
        if target is not None and target.is_file():
            seen.add(target)
    for match in _CSS_URL.finditer(rest):
        if match.group(1):
            target = _local(sheet, match.group(1))
            if target is not None:
                _css_files(target, seen)
        else:
            target = _local(sheet, match.group(2))
            if target is not None and target.is_file():
                seen.add(target)


def first_visit_size(page: Path) -> int:
    """The bytes a browser downloads on a first visit to ``page``: the page,
    its stylesheets for the screen with what they import and point at, the
    fonts they declare, its scripts, images, preloads and icon.  Files are
    counted once and as they are stored (a server that compresses sends less)."""
    parser = _Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    seen: set[Path] = {page.resolve()}
    for href in parser.stylesheets:
        target = _local(page, href)
        if target is not None:
            _css_files(target, seen)
    for href in [*parser.files, parser.icon or ""]:
        target = _local(page, href)
        if target is not None and target.is_file():
            seen.add(target)
    return sum(path.stat().st_size for path in seen)
