"""What makes the editions findable and shareable: where each page lives on
the web, what search engines and social networks read in its head, the
image a shared link shows, the icons, ``sitemap.xml`` and ``robots.txt``.

Everything here is made from the publication's declaration and what an
edition says about itself (its translated title and subtitle).  Addresses
come from the declared base URL (``base-url``, where ``dist/`` is published);
a publication without one still builds, and every absolute address is then
left out, as no search engine or network could follow a relative one.

The Sphinx side (:func:`setup`) gives each HTML page its head metadata and
writes the edition's share image and icons; :mod:`briefpub.release.publish` writes
the sitemap, ``robots.txt`` and the icons of ``dist/`` with the same
functions.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from babel.core import get_global

from briefpub import __version__
from briefpub.project import layout, typefaces
from briefpub.project.languages import Language
from briefpub.project.publication import Publication

SHARE_IMAGE = "_static/share.png"
"""The image a shared link shows (Open Graph, Twitter card), per edition."""
SHARE_SIZE = (1200, 630)
FAVICON = "favicon.png"
FAVICON_SIZE = 48
TOUCH_ICON = "apple-touch-icon.png"
TOUCH_ICON_SIZE = 180
SVG_ICON = "favicon.svg"
ICO = "favicon.ico"

PAPER, INK, MUTED, ACCENT = "#fdfcf9", "#1d1d1f", "#5b5b62", "#1f4e79"
"""The colours of the theme (brief.css)."""

SCHEMA_TYPES = {"book": "Book", "article": "Article", "thesis": "Thesis", "report": "Report"}
"""The schema.org type of a declared ``type``; any other kind of document is a ``Report``."""


# --- addresses ----------------------------------------------------------------------


def page_url(pub: Publication, language: Language, target: str) -> str | None:
    """The absolute address of a page (``index.html``, ``part.html``) of a
    language's HTML edition; a folder's index is addressed by the folder."""
    base = pub.edition_url(language)
    if base is None:
        return None
    return base + ("" if target == layout.LANDING else target.removesuffix(layout.LANDING))


def alternates(pub: Publication, target: str, codes: tuple[str, ...] | None = None) -> list[dict[str, str]]:
    """The same page in every language (``hreflang``), absolute, and the
    release's index (``dist/index.html``) as ``x-default``: empty without
    a base URL."""
    if not pub.base_url:
        return []
    found = [{"hreflang": language.code, "href": page_url(pub, language, target)}
             for language in pub.languages if codes is None or language.code in codes]
    return [*found, {"hreflang": "x-default", "href": pub.base_url}]


def og_locale(language: Language) -> str:
    """``uk_UA``, ``en_US``: the form Open Graph wants, by CLDR's likely subtags."""
    likely = get_global("likely_subtags").get(language.code, language.code)
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else parts[0]


# --- the head of a page -------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """What one page of an edition says about itself to the web."""

    pub: Publication
    language: Language
    target: str
    """The page's file in its edition: ``index.html``."""
    title: str
    subtitle: str
    kind: str
    """The document's kind, translated (``Аналітична записка``)."""
    downloads: tuple[dict, ...] = ()
    """The edition's PDF and ePub: ``format``, ``file``, ``kilobytes``."""
    address: str | None = None
    """The address of a page of its own rather than one of the edition's (a landing page)."""
    landing: bool = False

    @property
    def url(self) -> str | None:
        return self.address or page_url(self.pub, self.language, self.target)

    @property
    def image(self) -> str | None:
        base = self.pub.edition_url(self.language)
        return base + SHARE_IMAGE if base else None

    def open_graph(self) -> list[tuple[str, str, str]]:
        """``(attribute, name, content)`` of every Open Graph and Twitter card
        tag: ``og:`` tags are ``property``, ``twitter:`` tags ``name``."""
        pub = self.pub
        tags = [("property", "og:type", "website" if self.landing else "article"), ("property", "og:title", self.title),
                ("property", "og:description", self.subtitle),
                ("property", "og:locale", og_locale(self.language))]
        tags += [("property", "og:locale:alternate", og_locale(other)) for other in pub.languages
                 if other != self.language]
        if pub.publisher:
            tags.append(("property", "og:site_name", pub.publisher.name))
        tags.append(("property", "article:published_time", pub.date.isoformat()))
        if self.url:
            tags += [("property", "og:url", self.url), ("property", "og:image", self.image),
                     ("property", "og:image:type", "image/png"),
                     ("property", "og:image:width", str(SHARE_SIZE[0])),
                     ("property", "og:image:height", str(SHARE_SIZE[1])),
                     ("property", "og:image:alt", self.title)]
        tags += [("name", "twitter:card", "summary_large_image" if self.url else "summary"),
                 ("name", "twitter:title", self.title), ("name", "twitter:description", self.subtitle)]
        if self.url:
            tags += [("name", "twitter:image", self.image), ("name", "twitter:image:alt", self.title)]
        return [tag for tag in tags if tag[2]]

    def json_ld(self) -> dict[str, Any]:
        """The edition as schema.org describes a work and its translations."""
        pub, language = self.pub, self.language
        work: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": schema_type(pub),
            "name": self.title,
            "headline": self.title,
            "inLanguage": language.code,
            "genre": self.kind,
            "datePublished": pub.date.isoformat(),
            "version": pub.version,
            "identifier": identifier(pub, language),
            "author": [_agent(author) for author in pub.authors] or None,
            "publisher": _agent(pub.publisher) if pub.publisher else None,
            "isAccessibleForFree": True,
        }
        if self.subtitle:
            work["description"] = work["alternativeHeadline"] = self.subtitle
        if pub.licence:
            work["license"] = pub.licence.url or f"https://spdx.org/licenses/{pub.licence.spdx}.html"
        if self.url:
            work["@id"] = work["url"] = self.url
            work["image"] = self.image
            work["mainEntityOfPage"] = self.url
        if self.downloads and pub.edition_url(language):
            work["encoding"] = [
                {"@type": "MediaObject", "encodingFormat": layout.MEDIA_TYPES[file["format"]],
                 "contentUrl": pub.base_url + file["file"], "contentSize": f"{file['kilobytes']} KiB"}
                for file in self.downloads
            ]
        if language.is_source:
            translations = [_reference(pub, other) for other in pub.targets]
            if translations:
                work["workTranslation"] = translations
        else:
            source = _reference(pub, pub.source)
            source["name"] = pub.title
            work["translationOfWork"] = source
        return {key: value for key, value in work.items() if value is not None}

    def head(self) -> dict[str, Any]:
        """What the theme's ``<head>`` shows (layout.html)."""
        return {
            "canonical": self.url,
            "alternates": alternates(self.pub, self.target),
            "open_graph": self.open_graph(),
            "json_ld": script_json(self.json_ld()),
        }


def schema_type(pub: Publication) -> str:
    return SCHEMA_TYPES.get(pub.type.lower(), "Report")


def identifier(pub: Publication, language: Language) -> dict[str, str]:
    found = pub.identifier(language)
    value = {"@type": "PropertyValue", "propertyID": found.scheme.upper(), "value": found.value}
    if found.uri.startswith("https://"):
        value["url"] = found.uri
    return value


def _agent(author) -> dict[str, str]:
    agent = {"@type": "Organization" if author.organisation else "Person", "name": author.name}
    if author.url:
        agent["url"] = author.url
    return agent


def _reference(pub: Publication, language: Language) -> dict[str, Any]:
    """Another language's edition, as a translation or the original refers to it."""
    reference: dict[str, Any] = {"@type": schema_type(pub), "inLanguage": language.code,
                                 "identifier": identifier(pub, language)}
    url = page_url(pub, language, layout.LANDING)
    if url:
        reference["@id"] = reference["url"] = url
    return reference


def script_json(data: dict) -> str:
    """JSON for a ``<script>`` element: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- images -------------------------------------------------------------------------


def _face(typeface: typefaces.Typeface, weight: int):
    """A Pillow font of ``typeface`` at ``weight``, upright (a variable font set to it)."""
    from PIL import ImageFont

    faces = [face for face in typeface.faces("-") if face.style == "normal"] or list(typeface.faces("-"))
    exact = next((face for face in faces if face.weight == weight), None)
    variable = next((face for face in faces if face.weight is None), None)
    face = exact or variable or min(faces, key=lambda f: abs((f.weight or 400) - weight))

    def at(size: int):
        font = ImageFont.truetype(str(face.path), size)
        if face.weight is None:
            try:
                font.set_variation_by_axes([weight])
            except OSError:
                pass
        return font

    return at


def _wrap(text: str, font, width: int) -> list[str]:
    """Lines of ``text`` no wider than ``width``, as even as the line count allows
    (no word left alone on the last line if it can be helped)."""
    def greedy(limit: float) -> list[str]:
        lines: list[str] = []
        for word in text.split():
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and font.getlength(candidate) <= limit:
                lines[-1] = candidate
            else:
                lines.append(word)
        return lines

    lines = greedy(width)
    low, high = max(font.getlength(word) for word in text.split()), float(width)
    while high - low > 2:  # the narrowest measure that keeps the number of lines
        middle = (low + high) / 2
        if len(greedy(middle)) <= len(lines):
            high = middle
        else:
            low = middle
    return greedy(high)


def share_image(path: Path, pub: Publication, language: Language, title: str, kind: str, credit: str) -> Path:
    """The 1200×630 image a shared link shows: the kind of document, the
    translated title in the edition's own typeface, who publishes it."""
    from PIL import Image, ImageDraw

    width, height = SHARE_SIZE
    margin = 80
    fontset = pub.fonts(language)
    bold, regular = _face(fontset.sans, 700), _face(fontset.serif, 400)
    image = Image.new("RGB", SHARE_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 18), fill=ACCENT)
    label = bold(30)
    draw.text((margin, 86), kind.upper(), font=label, fill=ACCENT)
    room = height - 86 - 60 - 150  # between the label and the credit line
    for size in range(76, 30, -4):
        font = bold(size)
        lines = _wrap(title, font, width - 2 * margin)
        leading = round(size * 1.18)
        if len(lines) * leading <= room:
            break
    y = 86 + 60 + max(0, (room - len(lines) * leading) // 2)
    for line in lines:
        draw.text((margin, y), line, font=font, fill=INK)
        y += leading
    draw.line((margin, height - 120, width - margin, height - 120), fill="#d9d9de", width=2)
    small = regular(30)
    credit_line = textwrap.shorten(credit, width=70, placeholder="…") if small.getlength(credit) > width - 2 * margin \
        else credit
    draw.text((margin, height - 96), credit_line, font=small, fill=MUTED)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG", optimize=True)
    return path


def _mark(pub: Publication, size: int):
    """The publication's icon: its logo (a raster one) on the page's colour,
    else its initial in the theme's colours."""
    from PIL import Image, ImageDraw, ImageOps

    logo = pub.source_dir / pub.logo if pub.logo else None
    if logo is not None and logo.suffix.lower() != ".svg":
        with Image.open(logo) as found:
            picture = ImageOps.contain(found.convert("RGBA"), (size, size), Image.Resampling.LANCZOS)
        icon = Image.new("RGBA", (size, size), PAPER)
        icon.alpha_composite(picture, ((size - picture.width) // 2, (size - picture.height) // 2))
        return icon.convert("RGB")
    icon = Image.new("RGB", (size, size), ACCENT)
    name = pub.publisher.name if pub.publisher else pub.title
    initial = next((c for c in name if c.isalnum()), "·").upper()
    font = _face(pub.fonts(pub.source).sans, 700)(round(size * 0.72))
    draw = ImageDraw.Draw(icon)
    draw.text((size / 2, size / 2), initial, font=font, fill=PAPER, anchor="mm")
    return icon


def write_icons(folder: Path, pub: Publication, *, ico: bool = False) -> None:
    """The publication's icons in ``folder`` (:func:`icon_links` names them):
    an SVG logo as it is, PNGs for every browser and for a phone's home
    screen, and ``favicon.ico`` where asked (the top of dist/, for browsers
    that look there)."""
    folder.mkdir(parents=True, exist_ok=True)
    if pub.logo is not None and pub.logo.suffix.lower() == ".svg":
        shutil.copyfile(pub.source_dir / pub.logo, folder / SVG_ICON)
    _mark(pub, FAVICON_SIZE).save(folder / FAVICON, "PNG", optimize=True)
    touch = _mark(pub, TOUCH_ICON_SIZE)
    touch.save(folder / TOUCH_ICON, "PNG", optimize=True)
    if ico:
        touch.save(folder / ICO, "ICO", sizes=[(16, 16), (32, 32), (48, 48)])


def icon_links(pub: Publication, prefix: str) -> list[dict[str, str]]:
    """The ``<link>`` elements of the icons :func:`write_icons` writes, with
    ``prefix`` (the folder's address from the page) before each file."""
    links = []
    if pub.logo is not None and pub.logo.suffix.lower() == ".svg":
        links.append({"rel": "icon", "href": prefix + SVG_ICON, "type": "image/svg+xml"})
    links.append({"rel": "icon", "href": prefix + FAVICON, "type": "image/png",
                  "sizes": f"{FAVICON_SIZE}x{FAVICON_SIZE}"})
    links.append({"rel": "apple-touch-icon", "href": prefix + TOUCH_ICON,
                  "sizes": f"{TOUCH_ICON_SIZE}x{TOUCH_ICON_SIZE}"})
    return links


# --- the whole release: sitemap and robots.txt --------------------------------------


SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


def sitemap(pub: Publication, pages: dict[str, list[str]]) -> str | None:
    """``sitemap.xml``: the release's index and every page of every HTML
    edition (``pages``: the files of each language's edition), each with
    its alternates in the other languages.  None without a base URL: a
    sitemap lists absolute addresses only."""
    if not pub.base_url:
        return None
    lastmod = pub.date.isoformat()
    codes = tuple(code for code in pub.codes if code in pages)

    def entry(loc: str, links: list[dict[str, str]]) -> str:
        alternates_xml = "".join(
            f"\n    <xhtml:link rel=\"alternate\" hreflang={quoteattr(link['hreflang'])} "
            f"href={quoteattr(link['href'])}/>" for link in links)
        return f"  <url>\n    <loc>{_xml_text(loc)}</loc>\n    <lastmod>{lastmod}</lastmod>{alternates_xml}\n  </url>\n"

    index_links = alternates(pub, layout.LANDING, codes)
    entries = [entry(pub.base_url, index_links), entry(f"{pub.base_url}{layout.HTML_DIR}/", [])]
    targets = sorted({target for files in pages.values() for target in files},
                     key=lambda t: (t != layout.LANDING, t))
    for target in targets:
        present = tuple(code for code in codes if target in pages[code])
        links = alternates(pub, target, present)
        entries += [entry(page_url(pub, pub.get(code), target), links) for code in present]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"\n'
            '        xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "".join(entries) + "</urlset>\n")


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def robots(pub: Publication) -> str:
    """``robots.txt``: every page may be read, and where the sitemap is."""
    lines = ["# Every edition may be read and indexed.", "User-agent: *", "Allow: /"]
    if pub.base_url:
        lines += ["", f"Sitemap: {pub.base_url}{SITEMAP}"]
    return "\n".join(lines) + "\n"


def write_release_files(folder: Path, pub: Publication, pages: dict[str, list[str]]) -> None:
    """``robots.txt``, ``sitemap.xml`` (with a base URL) and the icons at the top of a release."""
    (folder / ROBOTS).write_text(robots(pub), encoding="utf-8")
    text = sitemap(pub, pages)
    if text is not None:
        (folder / SITEMAP).write_text(text, encoding="utf-8")
    write_icons(folder, pub, ico=True)


# --- the Sphinx side ----------------------------------------------------------------


def _page(app, pagename: str) -> Page:
    from briefpub.editions.sphinxext import edition_language, publication

    meta = app.briefpub_edition
    return Page(publication(app), edition_language(app), app.builder.get_target_uri(pagename),
                meta.title, meta.subtitle, meta.type, tuple(app.config.briefpub_downloads))


def page_context(app, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    """``findable`` in the theme's context: the page's head metadata and icons."""
    if app.builder.name != "html":
        context["findable"] = None
        return
    page = _page(app, pagename)
    head = page.head()
    head["icons"] = icon_links(page.pub, context["pathto"]("_static/", 1))
    context["findable"] = head


def write_images(app, exception: Exception | None) -> None:
    """The edition's share image and icons, made with its own typefaces."""
    if exception is not None or app.builder.name != "html":
        return
    from briefpub.editions.sphinxext import edition_language, publication

    pub, language, meta = publication(app), edition_language(app), app.briefpub_edition
    static = Path(app.outdir) / "_static"
    credit = " · ".join(part for part in (pub.publisher_name(language), meta.dateline) if part)
    share_image(static.parent / SHARE_IMAGE, pub, language, meta.title, meta.type, credit)
    write_icons(static, pub)


def setup(app) -> dict[str, Any]:
    app.connect("html-page-context", page_context, priority=600)
    app.connect("build-finished", write_images, priority=400)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
