"""The translation status page of the HTML editions: the same numbers as
``briefpub stats``, for readers and translators who never open a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from briefpub import __version__, sources, stats

PAGE = "status"


def status_page(app: Sphinx):
    if app.builder.name != "html" or app.config.briefpub_preview:
        return []  # a preview shows the text; `briefpub stats` shows the numbers
    from briefpub.sphinxext import publication

    pub = publication(app)
    locale_dir = Path(app.srcdir) / app.config.locale_dirs[0]
    # Counted against the templates the release gate extracted before the
    # build forked (an edition never extracts on its own).
    templates = sources.extracted(Path(app.srcdir)) if sources.is_source_of(Path(app.srcdir), locale_dir) else None
    rows = [
        {**row.as_dict(), "language": pub.get(row.code)}
        for row in stats.collect(locale_dir, list(pub.languages), templates, extract=False)
    ]
    return [(PAGE, {"title": "", "status_rows": rows}, "status.html")]


def setup(app: Sphinx) -> dict[str, Any]:
    # Set by `briefpub dist --allow-incomplete` for an unfinished translation
    # published on purpose; the theme marks such an edition.
    app.add_config_value("briefpub_incomplete", False, "html", bool)
    app.connect("html-collect-pages", status_page)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
