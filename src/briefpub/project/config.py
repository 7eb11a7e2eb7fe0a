"""The Sphinx configuration of a briefpub publication.

``docs/conf.py`` is two lines: it hands :func:`settings` its own path, and
gets every Sphinx setting briefpub relies on, made from the publication the
project declares beside it (``docs/publication.toml``,
:mod:`briefpub.project.publication`).  Nothing here depends on the edition's
language: ``-D language=xx`` is applied after ``conf.py`` has run, so
per-language values are set later, by the extension in :mod:`briefpub.editions.sphinxext`.

The theme is here too, with the templates of the pages briefpub writes
besides the editions (:func:`dist_templates`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from briefpub.project.layout import LOCALE_DIR, Project

if TYPE_CHECKING:
    import jinja2

THEME_DIR = Path(__file__).parent.parent / "editions" / "theme"
THEME_LOCALE_DIR = THEME_DIR / "locale"
"""The theme's labels translated with briefpub: ``<lang>/LC_MESSAGES/sphinx.po``."""


def dist_templates() -> jinja2.Environment:
    """The Jinja environment of the pages briefpub writes besides the
    editions (the theme's ``dist/`` templates): the landing pages and the
    index of a release, the translators' status page."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(THEME_DIR / "dist"), autoescape=True, keep_trailing_newline=True
    )


MYST_SETTINGS = {
    # MyST: the markup translators may meet, and nothing that lets a
    # catalog inject raw HTML into an edition.
    "myst_enable_extensions": ["attrs_block"],
    "myst_disable_syntax": ["html_block", "html_inline"],
}
"""The MyST settings of every publication (the checks parse translations with them)."""


def settings(conf_file: str | os.PathLike) -> dict:
    """Sphinx settings for the publication declared beside ``conf_file``.

    A wrong declaration stops Sphinx with a :class:`sphinx.errors.ConfigError`
    that names the file, the line and what to do.
    """
    from sphinx.errors import ConfigError

    from briefpub.project.publication import DeclarationError

    project = Project(Path(conf_file).resolve().parent.parent)
    try:
        publication = project.publication
    except DeclarationError as error:
        raise ConfigError(str(error)) from None
    values = {
        "project": publication.title,
        "version": publication.version,
        "release": publication.version,
        "copyright": f"{publication.date.year}",
        "briefpub_name": publication.name,
        "briefpub_date": publication.date.isoformat(),
        # Every page shows facts of the declaration: when it changes, Sphinx reads and writes everything anew.
        "briefpub_declaration": hashlib.sha256(publication.declaration.read_bytes()).hexdigest(),
        "language": publication.source.code,
        "root_doc": "index",
        "extensions": ["myst_parser", "briefpub.editions.sphinxext", "briefpub.catalogs.status", "briefpub.preview.preview",
                       "briefpub.catalogs.extraction"],
        "source_suffix": {".md": "markdown"},
        "exclude_patterns": ["_build", "README.md", publication.declaration.name],
        **MYST_SETTINGS,
        # Catalogs: one per document, no volatile UUIDs, locations kept so a
        # translator can find the source of a message.  The project's own
        # catalogs come first, so its sphinx.po can override the theme's
        # labels that briefpub ships translated (as Sphinx ships its own).
        "locale_dirs": [os.path.relpath(project.locale_dir, project.source_dir),
                        str(compile_theme_catalogs(project.theme_locale_dir))],
        "gettext_compact": False,
        "gettext_uuid": False,
        "gettext_location": True,
        "gettext_last_translator": "briefpub translators",
        "gettext_language_team": "briefpub translation teams",
        # The theme: a publication, not software documentation.  Its templates
        # are also on templates_path so that `make gettext` extracts its labels
        # into sphinx.pot: a project words them its own way in sphinx.po, and
        # where it leaves one empty the translation briefpub ships stands.
        "html_theme": "brief",
        "templates_path": [str(THEME_DIR / "brief")],
        "html_permalinks": False,
        "html_copy_source": False,
        "html_show_sourcelink": False,
        "html_show_sphinx": False,
        "html_use_index": False,
        "html_domain_indices": False,
        "html_last_updated_fmt": None,
        # The ePub's NCX lists each entry once (Sphinx repeats a parent as its first child).
        "epub_tocdup": False,
        # Translators type their language's own quotation marks.
        "smartquotes": False,
    }
    if publication.authors:
        values["author"] = publication.credits(publication.source)
    if publication.logo is not None:
        values["html_logo"] = publication.logo.as_posix()
    return values


THEME_LANGUAGE = "en"
"""The language the theme's labels are written in."""


@functools.cache
def _shipped_labels(code: str) -> frozenset[str]:
    from babel.messages.pofile import read_po

    path = THEME_LOCALE_DIR / code / "LC_MESSAGES" / "sphinx.po"
    if not path.is_file():
        return frozenset()
    with open(path, "rb") as handle:
        return frozenset(message.id for message in read_po(handle) if message.id and message.string)


def shipped_label(code: str, msgid: object) -> bool:
    """Whether an edition in language ``code`` shows the theme's label
    ``msgid`` in its language without the project translating it: briefpub
    ships its translation (or the label is written in that language)."""
    return code == THEME_LANGUAGE or msgid in _shipped_labels(code)


def compile_theme_catalogs(target: Path) -> Path:
    """The theme catalogs shipped with briefpub, compiled to ``.mo`` under
    ``target`` (only those whose ``.po`` changed); return ``target``.

    Compiled into the project's build folder, never beside the sources, so
    that an installation may be read-only; each file is replaced in one step,
    as editions of several languages may start at once.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(THEME_LOCALE_DIR.glob("*/LC_MESSAGES/sphinx.po")):
        relative = po.relative_to(THEME_LOCALE_DIR)
        mo = target / relative.with_suffix(".mo")
        if mo.is_file() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            continue
        with open(po, "rb") as handle:
            catalog = read_po(handle, locale=relative.parts[0])
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        try:
            mo.parent.mkdir(parents=True, exist_ok=True)
            with open(partial, "wb") as handle:
                write_mo(handle, catalog)
            partial.replace(mo)
        except OSError:
            # An output folder that cannot be written: the build reports it
            # itself, with what to do; the labels are not worth a traceback.
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            break
    return target


__all__ = ["LOCALE_DIR", "MYST_SETTINGS", "THEME_DIR", "settings", "compile_theme_catalogs", "dist_templates",
           "shipped_label"]
