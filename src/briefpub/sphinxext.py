"""The Sphinx extension that turns a Sphinx project into a briefpub edition.

It runs inside every Sphinx build of the publication and does, per edition,
what ``conf.py`` cannot: ``-D language=xx`` is only known once Sphinx has
applied it, and the translated title only once the catalog has been applied to
the doctree.  Everything it knows about a language it asks
:mod:`briefpub.languages`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from briefpub import __version__, languages
from briefpub.config import THEME_DIR


def check_language(app: Sphinx, config: Config) -> None:
    """Refuse an edition in a language the publication does not have."""
    try:
        languages.get(config.language)
    except languages.UnknownLanguage as error:
        raise ConfigError(f"{error} (set with -D language=…)") from None


def drop_search(app: Sphinx) -> None:
    """A brief is read top to bottom; Sphinx has no stemmer for uk, be or pl,
    and its search page would be the only page with untranslated labels."""
    if hasattr(app.builder, "search"):
        app.builder.search = False


def edition_title(app: Sphinx) -> str:
    """The title of the brief in the edition's language: the heading of the
    root document after its catalog was applied."""
    title = app.env.titles.get(app.config.root_doc)
    return title.astext() if title is not None else app.config.project


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """What the theme shows besides the text: the edition's language, its
    title, and dates written the way its readers write them."""
    language = languages.get(app.config.language)
    published = dt.date.fromisoformat(app.config.briefpub_date)
    title = edition_title(app)
    context["docstitle"] = title
    context["brief"] = {
        "language": language,
        "languages": list(languages.LANGUAGES.values()),
        "title": title,
        "date": format_date(published, format="long", locale=language.locale),
        "iso_date": published.isoformat(),
        "year": published.year,
        "generator": f"briefpub {__version__}",
    }


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("briefpub_name", "brief", "env", str)
    app.add_config_value("briefpub_date", dt.date.today().isoformat(), "env", str)
    app.add_html_theme("brief", str(THEME_DIR / "brief"))
    app.connect("config-inited", check_language)
    app.connect("builder-inited", drop_search)
    app.connect("html-page-context", page_context)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
