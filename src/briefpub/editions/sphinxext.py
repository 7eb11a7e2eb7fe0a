"""The Sphinx extension that turns a Sphinx project into briefpub editions.

It runs inside every Sphinx build of the publication and does, per edition,
what ``conf.py`` cannot: ``-D language=xx`` is only known once Sphinx has
applied it, and the translated title only once the catalog has been applied to
the doctree.  Everything it knows about the publication and its languages
it asks the publication the project declares (:mod:`briefpub.project.publication`);
about typefaces, :mod:`briefpub.project.typefaces`; where editions go, :mod:`briefpub.project.layout`.
It never imports the assembly of dist/: the landing page of the HTML editions
built so far is written by the build once they are built
(:func:`briefpub.release.landing.write_build_landing`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
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

from briefpub import __version__
from briefpub.catalogs import fingerprint, stats
from briefpub.editions import assets, edition_fonts, fonts, noting
from briefpub.project import layout, typefaces
from briefpub.project.config import THEME_DIR
from briefpub.project.dates import build_date
from briefpub.project.languages import Language, UnknownLanguage, human_size, shown_kilobytes
from briefpub.project.layout import MANIFEST, Project
from briefpub.project.publication import DeclarationError, Publication

_ = get_translation("sphinx")
"""The theme's labels: translated by the catalogs briefpub ships, or by the project's own ``sphinx.po``."""

HTML_BUILDERS = ("html", "epub", "pdf")
SPHINX_SCRIPTS = frozenset(
    f"_static/{name}" for name in ("documentation_options.js", "doctools.js", "sphinx_highlight.js", "translations.js")
)


@dataclass(frozen=True)
class Edition:
    """What one edition says about itself, in its own language."""

    title: str
    subtitle: str
    contents: str
    authors: str
    publisher: str
    type: str
    """The kind of document, translated ("Policy brief")."""
    licence: str
    """``© year authors``, and the licence when one is declared (an ePub's dc:rights)."""
    published: dt.date
    dateline: str
    """The publication date as the edition's readers write it."""
    unfinished: dict | None = None
    """For an unfinished translation published on purpose: how far it is."""

    @property
    def notice(self) -> str:
        """The warning an unfinished edition carries (the theme shows the same)."""
        if not self.unfinished:
            return ""
        return _(UNFINISHED) % self.unfinished

    @property
    def copyright(self) -> str:
        return f"© {self.published.year} {self.authors}"


def publication(app: Sphinx) -> Publication:
    """The publication this Sphinx project belongs to, read once per process."""
    found = getattr(app, "briefpub_publication", None)
    if found is None:
        try:
            found = Project(Path(app.confdir).parent).publication
        except DeclarationError as error:
            raise ConfigError(str(error)) from None
        app.briefpub_publication = found
    return found


def edition_language(app: Sphinx) -> Language:
    try:
        return publication(app).get(app.config.language)
    except UnknownLanguage as error:
        raise ConfigError(f"{error} (set with -D language=…)") from None


UNFINISHED = ("This translation is unfinished: %(translated)s of %(total)s passages are translated; "
              "the others are shown in the original language (%(source)s).")
"""Also in layout.html, where `make gettext` finds it.  ``source`` is the
name of the publication's source language in the edition's own language
(CLDR's, as a label: the nominative, whatever the sentence around it)."""


def configure_edition(app: Sphinx, config: Config) -> None:
    """Per-language settings, once ``-D language=…`` has been applied."""
    language = edition_language(app)
    pub = publication(app)
    edition_id = layout.edition_name(pub.name, language)
    config.epub_basename = edition_id
    # The package's unique-identifier is an XML id; the identifier itself is
    # the edition's ISBN, DOI or URN (the NCX carries the same, epub.py).
    config.epub_uid = "pub-id"
    config.epub_identifier = pub.identifier(language).uri
    if pub.base_url:
        config.html_baseurl = pub.edition_url(language)
    config.epub_theme = "brief"
    config.epub_cover = ("_static/cover.svg", "")
    config.epub_show_urls = "no"
    config.epub_use_index = False
    # The theme lists a publication's chapters itself, so its toctree is
    # usually hidden: the book's navigation lists them all the same.
    config.epub_tocscope = "includehidden"
    # Not part of the book: our print styles and manifest, and the backup of
    # .buildinfo that Sphinx leaves when the configuration changed.
    config.epub_exclude_files = ["_static/print.css", MANIFEST, ".buildinfo.bak"]
    config.briefpub_downloads = find_downloads(app, language)


def project_html_build(app: Sphinx, language: Language) -> Project | None:
    """The briefpub project when this run builds ``language``'s HTML edition in
    its place (``_build/html/<lang>``); None for any other run."""
    project = Project(Path(app.srcdir).parent)
    if Path(app.outdir) != project.output_dir(language, "html").resolve():
        return None
    return project


def find_downloads(app: Sphinx, language: Language) -> list[dict[str, Any]]:
    """The edition's own PDF and ePub, for its HTML edition to link with their sizes.

    ``briefpub build`` and ``briefpub dist`` build a language's PDF and ePub
    before its HTML, or beside it (:mod:`briefpub.release.build`); an HTML
    build without them offers no downloads.  The result is a config value
    that Sphinx hashes into the HTML build's ``.buildinfo``, so pages are
    rewritten when a size as the page shows it changes — and only then: a
    corrected sentence leaves a PDF of 742 kB at 742 kB.
    """
    project = project_html_build(app, language)
    return [] if project is None else downloads(project, language)


def downloads(project: Project, language: Language) -> list[dict[str, Any]]:
    """The PDF and ePub editions of ``language`` built so far: ``format``,
    ``file`` (in dist/) and ``kilobytes``, the size a page shows."""
    found = []
    for fmt in layout.FORMAT_NAMES:
        if fmt == "html":
            continue
        built = layout.built_edition(project.output_dir(language, fmt))
        if built is None or built[0].get("language") != language.code:
            continue
        manifest, main = built
        found.append({"format": fmt, "file": manifest["file"], "kilobytes": shown_kilobytes(main.stat().st_size)})
    return found


def title_block(doctree: nodes.document) -> dict[str, str]:
    """The subtitle and the contents' heading of the root document."""
    subtitle = next(
        (node.astext() for node in doctree.findall(nodes.paragraph) if "subtitle" in node["classes"]), ""
    )
    contents = next(
        (node[0].astext() for node in doctree.findall(nodes.topic) if "contents" in node["classes"]), ""
    )
    return {"subtitle": subtitle, "contents": contents}


def remember_title_block(app: Sphinx, doctree: nodes.document) -> None:
    """Keep the title block in the environment as the root document is read,
    so that no later build has to load the doctree again for it."""
    if app.env.docname == app.config.root_doc:
        app.env.briefpub_title_block = title_block(doctree)


def edition(app: Sphinx) -> Edition:
    """The edition's title block, read from the translated root document."""
    env = app.env
    title = env.titles[app.config.root_doc].astext() if app.config.root_doc in env.titles else app.config.project
    block = getattr(env, "briefpub_title_block", None) or title_block(env.get_doctree(app.config.root_doc))
    subtitle, contents = block["subtitle"], block["contents"] or _("Contents")
    published = dt.date.fromisoformat(app.config.briefpub_date)
    pub, language = publication(app), edition_language(app)
    locale = language.locale
    authors = pub.credits(language) or _("The authors")
    copyright = f"© {published.year} {authors}"
    return Edition(
        title=title,
        subtitle=subtitle,
        contents=contents,
        authors=authors,
        publisher=pub.publisher_name(language) or authors,
        type=_(pub.type),
        licence=f"{copyright}. {pub.licence.spdx}" + (f" ({pub.licence.url})" if pub.licence.url else "")
        if pub.licence else copyright,
        published=published,
        # CLDR puts a narrow no-break space before "г."; the typefaces have
        # none, so a plain no-break space keeps the date in one font.
        dateline=format_date(published, format="long", locale=locale).replace("\u202f", "\u00a0"),
        unfinished=unfinished(app),
    )


def unfinished(app: Sphinx) -> dict | None:
    """How far an edition published unfinished is: counted against the
    source's templates when they have been extracted (by the release gate),
    so that the passages a catalog lacks count as untranslated too."""
    if not app.config.briefpub_incomplete:
        return None
    from briefpub.catalogs import sources

    source_dir = Path(app.srcdir)
    locale_dir = source_dir / app.config.locale_dirs[0]
    origin = Path(app.config.briefpub_catalog_origin or locale_dir)  # inside a release, locale_dir is a snapshot
    templates = sources.extracted(source_dir) if sources.is_source_of(source_dir, origin) else None
    language = edition_language(app)
    row = stats.language_stats(locale_dir, language,
                               templates if templates is not None and not templates.problems else None)
    return {"translated": row.translated, "total": row.messages,
            "source": language_name(publication(app).source, language)}


def language_name(language: Language, reader: Language) -> str:
    """``language``'s name as ``reader``'s edition writes it (CLDR through
    Babel: ``ukraiński`` in Polish), or in itself where CLDR has no such name."""
    return reader.locale.languages.get(language.code) or language.native_name


def describe_edition(app: Sphinx, env: BuildEnvironment) -> None:
    """Give the ePub package the edition's own title and credits."""
    meta = edition(app)
    app.briefpub_edition = meta
    config = app.config
    config.html_title = config.epub_title = meta.title
    config.epub_description = meta.subtitle
    config.epub_author = meta.authors
    config.epub_publisher = meta.publisher
    config.epub_copyright = meta.licence


def use_theme_assets(app: Sphinx) -> None:
    """The print design where it prints; the fonts of an ePub or a PDF (an
    HTML page links the fonts shared by every edition itself, :func:`font_links`)."""
    if app.builder.name not in HTML_BUILDERS:
        return
    if hasattr(app.builder, "search"):
        # A brief is read top to bottom; Sphinx has no stemmer for uk, be or
        # pl, and its search page would be the only one with untranslated labels.
        app.builder.search = False
    if hasattr(app.builder, "_js_files"):
        # Without search, Sphinx's own scripts (search highlighting, its
        # translations of search labels) have nothing to do: an edition
        # carries only the scripts an extension adds on purpose.
        app.builder._js_files[:] = [js for js in app.builder._js_files if js.filename not in SPHINX_SCRIPTS]
    if app.builder.name != "html":
        app.add_css_file(layout.FONTS_CSS)
    app.add_css_file("languages.css")
    if app.builder.name != "epub":
        app.add_css_file("print.css", media="print")
    cache_templates(app)
    (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
    (Path(app.outdir) / "_static" / "languages.css").write_text(
        languages_css(publication(app).languages), encoding="utf-8")


def languages_css(langs: tuple[Language, ...]) -> str:
    """Each language's quotation marks (:mod:`briefpub.project.languages`),
    for ``<q>`` and every quote the stylesheets generate; hyphenation follows
    ``lang`` by itself."""
    def string(mark: str) -> str:
        return '"' + "".join(f"\\{ord(c):06X}" for c in mark) + '"'

    rules = [
        f":lang({lang.code}) {{ quotes: {' '.join(map(string, (*lang.quotes, *lang.inner_quotes)))}; }}"
        f" /* {lang.quotes[0]}…{lang.quotes[1]} {lang.inner_quotes[0]}…{lang.inner_quotes[1]} */"
        for lang in langs
    ]
    return "/* Written by briefpub from briefpub.project.languages. */\n" + "\n".join(rules) + "\n"


def cache_templates(app: Sphinx) -> None:
    """Keep the theme's compiled templates between builds (beside the
    doctrees): compiling them anew costs every edition, and every preview
    rebuild, a noticeable part of its time."""
    import jinja2

    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is not None and environment.bytecode_cache is None:
        folder = Path(app.doctreedir) / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def write_fonts(app: Sphinx, env: BuildEnvironment) -> None:
    """Ship the edition's font files and their ``@font-face`` rules, once its
    documents are read (:mod:`briefpub.editions.edition_fonts`): an HTML edition the
    WOFF2 subsets shared by every language, an ePub TrueType subsets of its
    own language, a PDF the full files for WeasyPrint to subset."""
    if app.builder.name not in HTML_BUILDERS:
        return
    pub, language = publication(app), edition_language(app)
    fontset = pub.fonts(language)
    static = Path(app.outdir) / "_static"
    try:
        typefaces.check(fontset.faces())
        typefaces.check_coverage(fontset, language, where=str(pub.declaration))
        if app.builder.name == "pdf":
            copy_font_files(fontset.faces(), static / "fonts")
            (static / layout.FONTS_CSS).write_text(fonts.font_face_css("fonts/", fontset.faces()), encoding="utf-8")
            return
        html = app.builder.name == "html"
        # An ePub shows its own language, and the source where a translation is unfinished.
        languages = pub.languages if html else tuple(dict.fromkeys((language, pub.source)))
        fontsets = [pub.fonts(lang) for lang in pub.languages] if html else [fontset]
        faces = tuple(dict.fromkeys(face for one in fontsets for face in one.faces()))
        flavor = fonts.WEB_FLAVOR if html else None
        used = fonts.used_faces(faces, edition_fonts.faces_asked(env))
        locale_dir = Path(app.srcdir) / app.config.locale_dirs[0]
        docs = [Path(env.doc2path(docname)) for docname in sorted(env.found_docs)]
        text = fonts.characters(edition_fonts.texts(locale_dir, pub.declaration, docs, languages), languages)
        folder = Path(app.outdir) / layout.EDITION_FONTS
        cache = Project(Path(app.srcdir).parent).font_subsets_dir
        written = fonts.write_subsets(used, text, folder, flavor, cache)
    except typefaces.FontError as error:
        raise ExtensionError(str(error)) from None
    for stale in set(folder.iterdir()) - set(written) - {folder / fonts_css_name(pub, lang) for lang in languages}:
        stale.unlink()
    if not html:
        (static / layout.FONTS_CSS).write_text(fonts.font_face_css("fonts/", used), encoding="utf-8")
        return
    # A stylesheet per pair of typefaces (two scripts may be set in different
    # ones under the same family names), the same in every edition; it
    # declares every face, of which a page fetches only those it uses.
    for lang in pub.languages:
        (folder / fonts_css_name(pub, lang)).write_text(
            fonts.font_face_css("", pub.fonts(lang).faces(), flavor), encoding="utf-8")
    project = project_html_build(app, language)
    if project is not None:
        # _build/html/ is laid out as dist/html/ is: the fonts beside the editions.
        shared = project.output_dir(language, "html").parent / Path(layout.FONTS_DIR).name
        copy_font_files_from(folder, shared)


def fonts_css_name(pub: Publication, language: Language) -> str:
    """The stylesheet of ``language``'s typefaces among the HTML editions'
    shared fonts: ``fonts.css`` for those of the source language (the landing
    pages link it), ``fonts-<Script>.css`` for a script set in others."""
    if pub.fonts(language) == pub.fonts(pub.source):
        return layout.FONTS_CSS
    return f"fonts-{language.script}.css"


def copy_font_files(faces: tuple[typefaces.Face, ...], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for face in faces:
        target = folder / face.target_name
        source = face.path.stat()
        if not target.exists() or (target.stat().st_size, target.stat().st_mtime_ns) != (
            source.st_size, source.st_mtime_ns
        ):
            shutil.copy2(face.path, target)


def copy_font_files_from(folder: Path, shared: Path) -> None:
    """Put an HTML edition's fonts where the editions share them; editions
    of several languages may build at once, so each file is replaced in one step."""
    shared.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        partial = shared / f".{path.name}.{os.getpid()}"
        shutil.copyfile(path, partial)
        partial.replace(shared / path.name)


def font_links(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """The fonts an HTML page links, and preloads (the body face first): those
    every edition shares (dist/html/_fonts/), or, when the edition is built
    outside a project's layout (a preview), its own copy.  Preloading every
    face the edition uses puts the text in its own faces at the first paint,
    so that nothing moves when they arrive."""
    if app.builder.name != "html":
        return
    language = edition_language(app)
    faces = publication(app).fonts(language).faces()
    body = fonts.body_face(faces)
    shipped = Path(app.outdir) / layout.EDITION_FONTS
    preload = [fonts.file_name(face, fonts.WEB_FLAVOR) for face in sorted(faces, key=lambda face: face != body)
               if (shipped / fonts.file_name(face, fonts.WEB_FLAVOR)).is_file()]
    files = [fonts_css_name(publication(app), language), *preload]
    if project_html_build(app, language) is not None:
        here = f"{layout.html_dir(language)}/{app.builder.get_target_uri(pagename)}"
        hrefs = [layout.link(here, f"{layout.FONTS_DIR}/{name}") for name in files]
    else:
        hrefs = [context["pathto"](f"{layout.EDITION_FONTS}/{name}", 1) for name in files]
    context["brief_fonts"] = {"css": hrefs[0], "preload": hrefs[1:]}


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """What the theme shows besides the text: the edition's language, its
    title, and dates written the way its readers write them."""
    language = edition_language(app)
    pub = publication(app)
    meta = app.briefpub_edition
    context["docstitle"] = meta.title
    context["brief"] = {
        "language": language,
        "languages": list(pub.languages),
        "title": meta.title,
        "subtitle": meta.subtitle,
        "authors": meta.authors,
        "publisher": pub.publisher,
        "type": meta.type,
        "licence": pub.licence,
        "identifier": pub.identifiers.get(language.code),
        "copyright": meta.copyright,
        "date": meta.dateline,
        "iso_date": meta.published.isoformat(),
        "built": build_date(app).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "year": meta.published.year,
        "generator": f"briefpub {__version__}",
        "unfinished": meta.unfinished,
        "xhtml": app.builder.name == "epub",
        "switcher": [],
        "downloads": [],
    }
    if app.builder.name == "html":
        context["brief"].update(other_editions(app, pagename, language))


def other_editions(app: Sphinx, pagename: str, language: Language) -> dict[str, list]:
    """What an HTML page links to besides itself: the same page in every
    edition (the language switcher) and the edition's own PDF and ePub.
    Links are relative and follow the layout of dist/ (:mod:`briefpub.project.layout`);
    the absolute ones of the page's head are :mod:`briefpub.editions.metadata`'s."""
    target = app.builder.get_target_uri(pagename)
    here = f"{layout.html_dir(language)}/{target}"
    switcher = [
        {
            "language": other,
            "href": layout.link(here, f"{layout.html_dir(other)}/{target}"),
            "current": other == language,
        }
        for other in publication(app).languages
    ]
    downloads = [
        {
            "format": layout.FORMAT_NAMES[file["format"]],
            "type": layout.MEDIA_TYPES[file["format"]],
            "href": layout.link(here, file["file"]),
            "size": human_size(file["kilobytes"] * 1024, language),
        }
        for file in app.config.briefpub_downloads
    ]
    return {"switcher": switcher, "downloads": downloads}


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
        "notice": meta.notice,
        "file": main,
        "catalogs": catalogs_digest(app),
    }
    (Path(app.outdir) / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def catalogs_digest(app: Sphinx) -> str:
    """The fingerprint of the catalogs the edition was built from, its own
    language's (:mod:`briefpub.catalogs.fingerprint`): a release compares it
    with that of the catalogs it checked."""
    folder = Path(app.srcdir) / app.config.locale_dirs[0]
    return fingerprint.digest(folder, app.config.language)


def setup(app: Sphinx) -> dict[str, Any]:
    from sphinx.builders.html import StandaloneHTMLBuilder

    from briefpub.editions.assets import only_used_assets
    from briefpub.editions.epub import EpubBuilder
    from briefpub.editions.freshness import writes_what_was_read
    from briefpub.editions.pdf import PdfBuilder

    app.add_config_value("briefpub_name", "brief", "env", str)
    app.add_config_value("briefpub_date", dt.date.today().isoformat(), "env", str)
    app.add_config_value("briefpub_declaration", "", "env", str)
    # Set by briefpub itself (configure_edition), never in conf.py.
    app.add_config_value("briefpub_downloads", [], "html", list)
    # Seconds an edition may take to build before it is stopped (briefpub.release.build.time_limit).
    app.add_config_value("briefpub_time_limit", 300, "", int)
    app.add_html_theme("brief", str(THEME_DIR / "brief"))
    app.setup_extension("briefpub.editions.metadata")
    app.setup_extension("briefpub.editions.sandbox")
    app.setup_extension("briefpub.editions.links")
    for builder in (StandaloneHTMLBuilder, EpubBuilder, PdfBuilder):
        # An HTML page lists the chapters by their titles (briefpub.editions.chapters).
        app.add_builder(writes_what_was_read(only_used_assets(builder), shows_titles=builder is StandaloneHTMLBuilder),
                        override=builder is not PdfBuilder)
    app.setup_extension("briefpub.editions.typography")
    app.connect("config-inited", configure_edition, priority=800)
    app.connect("builder-inited", use_theme_assets)
    app.connect("doctree-read", remember_title_block)
    app.connect("env-updated", describe_edition)
    app.connect("env-updated", write_fonts)
    noting.connect(app, {edition_fonts.FACES: edition_fonts.faces_of, assets.CODE: assets.code_in})
    app.connect("html-page-context", page_context)
    app.connect("html-page-context", font_links)
    app.connect("build-finished", write_manifest)
    app.setup_extension("briefpub.editions.chapters")
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
