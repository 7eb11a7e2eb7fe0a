"""The Sphinx extension that turns a Sphinx project into briefpub editions.

It runs inside every Sphinx build of the publication and does, per edition,
what ``conf.py`` cannot: ``-D language=xx`` is only known once Sphinx has
applied it, and the translated title only once the catalog has been applied to
the doctree.  Everything it knows about a language it asks
:mod:`briefpub.languages`; about fonts, :mod:`briefpub.fonts`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_date
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError, ExtensionError
from sphinx.locale import get_translation

from briefpub import __version__, fonts, languages
from briefpub.build import MANIFEST
from briefpub.config import THEME_DIR

_ = get_translation("sphinx")
"""The theme's labels, translated by the project's ``sphinx.po`` catalogs."""

HTML_BUILDERS = ("html", "epub", "pdf")


@dataclass(frozen=True)
class Edition:
    """What one edition says about itself, in its own language."""

    title: str
    subtitle: str
    contents: str
    authors: str
    published: dt.date
    dateline: str
    """The publication date as the edition's readers write it."""

    @property
    def copyright(self) -> str:
        return f"© {self.published.year} {self.authors}"


def configure_edition(app: Sphinx, config: Config) -> None:
    """Per-language settings, once ``-D language=…`` has been applied."""
    try:
        language = languages.get(config.language)
    except languages.UnknownLanguage as error:
        raise ConfigError(f"{error} (set with -D language=…)") from None
    edition_id = f"{config.briefpub_name}-{language.code}"
    config.epub_basename = edition_id
    # EPUB needs one identifier, an XML name without colons, in both the
    # package and the NCX, or EPUBCheck rejects the book.
    config.epub_uid = config.epub_identifier = f"{edition_id}-{config.version}"
    config.epub_theme = "brief"
    config.epub_cover = ("_static/cover.svg", "")
    config.epub_show_urls = "no"
    config.epub_use_index = False
    config.epub_exclude_files = ["_static/print.css", MANIFEST]


def source_date() -> dt.datetime | None:
    """The build date fixed by ``SOURCE_DATE_EPOCH``, for reproducible editions."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)


def edition(app: Sphinx) -> Edition:
    """The edition's title block, read from the translated root document."""
    env = app.env
    doctree = env.get_doctree(app.config.root_doc)
    title = env.titles[app.config.root_doc].astext() if app.config.root_doc in env.titles else app.config.project
    subtitle = next(
        (node.astext() for node in doctree.findall(nodes.paragraph) if "subtitle" in node["classes"]), ""
    )
    contents = next(
        (node[0].astext() for node in doctree.findall(nodes.topic) if "contents" in node["classes"]), title
    )
    published = dt.date.fromisoformat(app.config.briefpub_date)
    locale = languages.get(app.config.language).locale
    return Edition(
        title=title,
        subtitle=subtitle,
        contents=contents,
        authors=_("The authors"),
        published=published,
        # CLDR puts a narrow no-break space before "г."; the typefaces have
        # none, so a plain no-break space keeps the date in one font.
        dateline=format_date(published, format="long", locale=locale).replace("\u202f", "\u00a0"),
    )


def describe_edition(app: Sphinx, env: BuildEnvironment) -> None:
    """Give the ePub package the edition's own title and credits."""
    meta = edition(app)
    app.briefpub_edition = meta
    config = app.config
    config.html_title = config.epub_title = meta.title
    config.epub_description = meta.subtitle
    config.epub_author = config.epub_publisher = meta.authors
    config.epub_copyright = meta.copyright


def use_theme_assets(app: Sphinx) -> None:
    """Fonts for every HTML-based edition, the print design where it prints."""
    if app.builder.name not in HTML_BUILDERS:
        return
    if hasattr(app.builder, "search"):
        # A brief is read top to bottom; Sphinx has no stemmer for uk, be or
        # pl, and its search page would be the only one with untranslated labels.
        app.builder.search = False
    app.add_css_file("fonts.css")
    if app.builder.name != "epub":
        app.add_css_file("print.css", media="print")
    write_fonts(app)


def write_fonts(app: Sphinx) -> None:
    """Ship the font files and their ``@font-face`` rules with the edition."""
    static = Path(app.outdir) / "_static"
    (static / "fonts").mkdir(parents=True, exist_ok=True)
    try:
        paths = fonts.check()
    except fonts.FontError as error:
        raise ExtensionError(str(error)) from None
    for path in paths:
        target = static / "fonts" / path.name
        if not target.exists() or target.read_bytes() != path.read_bytes():
            target.write_bytes(path.read_bytes())
    (static / "fonts.css").write_text(fonts.font_face_css("fonts/"), encoding="utf-8")


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """What the theme shows besides the text: the edition's language, its
    title, and dates written the way its readers write them."""
    language = languages.get(app.config.language)
    meta = app.briefpub_edition
    built = source_date()
    context["docstitle"] = meta.title
    context["brief"] = {
        "language": language,
        "languages": list(languages.LANGUAGES.values()),
        "title": meta.title,
        "subtitle": meta.subtitle,
        "authors": meta.authors,
        "copyright": meta.copyright,
        "date": meta.dateline,
        "iso_date": meta.published.isoformat(),
        "built": (built or dt.datetime.combine(meta.published, dt.time(), dt.timezone.utc)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
        "year": meta.published.year,
        "generator": f"briefpub {__version__}",
        "xhtml": app.builder.name == "epub",
    }


def write_manifest(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    meta = app.briefpub_edition
    main = {
        "html": f"{app.config.root_doc}.html",
        "epub": f"{app.config.epub_basename}.epub",
        "pdf": f"{app.config.epub_basename}.pdf",
    }[app.builder.name]
    manifest = {
        "language": app.config.language,
        "format": app.builder.name,
        "name": app.config.briefpub_name,
        "title": meta.title,
        "subtitle": meta.subtitle,
        "dateline": meta.dateline,
        "file": main,
    }
    (Path(app.outdir) / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    from briefpub.epub import EpubBuilder
    from briefpub.pdf import PdfBuilder

    app.add_config_value("briefpub_name", "brief", "env", str)
    app.add_config_value("briefpub_date", dt.date.today().isoformat(), "env", str)
    app.add_html_theme("brief", str(THEME_DIR / "brief"))
    app.add_builder(EpubBuilder, override=True)
    app.add_builder(PdfBuilder)
    app.connect("config-inited", configure_edition, priority=800)
    app.connect("builder-inited", use_theme_assets)
    app.connect("env-updated", describe_edition)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", write_manifest)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
