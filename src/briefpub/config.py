"""The Sphinx configuration of a briefpub publication.

``docs/conf.py`` states the facts of one publication and passes them to
:func:`publication`, which returns every Sphinx setting briefpub relies on.
Nothing here depends on the edition's language: ``-D language=xx`` is applied
after ``conf.py`` has run, so per-language values are set later, by the
extension in :mod:`briefpub.sphinxext`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefpub import languages

THEME_DIR = Path(__file__).parent / "theme"


def publication(
    *,
    name: str,
    title: str,
    version: str,
    date: str,
    copyright_year: int | None = None,
    locale_dir: str = "../locale",
) -> dict:
    """Sphinx settings for a publication.

    ``name`` becomes the file name of the editions, ``title`` is the English
    title (each edition takes its translated title from its own catalog),
    ``date`` is the publication date as ISO ``YYYY-MM-DD``.
    """
    published = dt.date.fromisoformat(date)
    year = copyright_year or published.year
    return {
        "project": title,
        "version": version,
        "release": version,
        "copyright": f"{year}",
        "briefpub_name": name,
        "briefpub_date": published.isoformat(),
        "language": languages.SOURCE,
        "root_doc": "index",
        "extensions": ["myst_parser", "briefpub.sphinxext", "briefpub.status", "briefpub.preview",
                       "briefpub.extraction"],
        "source_suffix": {".md": "markdown"},
        "exclude_patterns": ["_build", "README.md"],
        # MyST: the markup translators may meet, and nothing that lets a
        # catalog inject raw HTML into an edition.
        "myst_enable_extensions": ["attrs_block"],
        "myst_disable_syntax": ["html_block", "html_inline"],
        # Catalogs: one per document, no volatile UUIDs, locations kept so a
        # translator can find the source of a message.
        "locale_dirs": [locale_dir],
        "gettext_compact": False,
        "gettext_uuid": False,
        "gettext_location": True,
        "gettext_last_translator": "briefpub translators",
        "gettext_language_team": "briefpub translation teams",
        # The theme: a publication, not software documentation.  Its templates
        # are also on templates_path so that `make gettext` extracts its labels
        # into sphinx.pot, the catalog translators use for the theme.
        "html_theme": "brief",
        "templates_path": [str(THEME_DIR / "brief")],
        "html_permalinks": False,
        "html_copy_source": False,
        "html_show_sourcelink": False,
        "html_show_sphinx": False,
        "html_use_index": False,
        "html_domain_indices": False,
        "html_last_updated_fmt": None,
        # Translators type their language's own quotation marks.
        "smartquotes": False,
    }
