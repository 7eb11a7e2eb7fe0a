"""The translation status page: the numbers of ``briefpub stats`` as a page,
for translators and editors who never open a terminal.

It belongs to the translators' side, never to a reader's edition:
``briefpub stats --html FILE`` writes it, and ``briefpub preview`` serves it
(``/status.html``, linked from the preview's footer), counted afresh from
the catalogs at every request.  Its labels are the theme's, in the language
asked for, worded by the project's own ``sphinx.po`` where it has one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from briefpub import __version__
from briefpub.catalogs import stats
from briefpub.project.config import THEME_LOCALE_DIR, dist_templates
from briefpub.project.languages import Language
from briefpub.project.layout import Project

PAGE = "status.html"
"""Where the preview serves it."""


def labels(project: Project, language: Language):
    """``gettext`` for the theme's labels in ``language``: the project's own
    ``sphinx.po`` first, then the catalog briefpub ships; else the label itself."""
    from babel.messages.pofile import read_po

    found: dict[str, str] = {}
    for path in (THEME_LOCALE_DIR / language.code / "LC_MESSAGES" / "sphinx.po",
                 project.locale_dir / language.code / "LC_MESSAGES" / "sphinx.po"):
        if not path.is_file():
            continue
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=language.code)
        found.update({message.id: message.string for message in catalog
                      if message.id and isinstance(message.id, str) and message.string and not message.fuzzy})
    return lambda text: found.get(text, text)


def render(project: Project, language: Language, langs: list[Language] | None = None,
           locale_dir: Path | None = None) -> str:
    """The status page of ``langs`` (every language of the publication by
    default), its labels in ``language``."""
    pub = project.publication
    langs = langs or list(pub.languages)
    rows = [{**row.as_dict(), "language": pub.get(row.code)}
            for row in stats.collect(locale_dir or project.locale_dir, langs)]
    environment = dist_templates()
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(labels(project, language), lambda s, p, n: s if n == 1 else p,
                                          newstyle=True)
    return environment.get_template("status.html").render(
        language=language, title=pub.title, status_rows=rows, fonts=None)


def write(path: Path, project: Project, language: Language, langs: list[Language] | None = None,
          locale_dir: Path | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(project, language, langs, locale_dir), encoding="utf-8")
    return path


def link_in_preview(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    """The preview's footer links the status page; a reader's edition never does."""
    context["status_page"] = f"/{PAGE}" if app.config.briefpub_preview and app.builder.name == "html" else None


def forget_old_page(app: Sphinx) -> None:
    """Editions built by an older briefpub carried the status page: remove
    it from the output, so that it is never published again."""
    if app.builder.name == "html" and "status" not in app.project.docnames:
        (Path(app.outdir) / PAGE).unlink(missing_ok=True)


def setup(app: Sphinx) -> dict[str, Any]:
    # Set by `briefpub dist --allow-incomplete` for an unfinished translation
    # published on purpose; the theme marks such an edition.
    app.add_config_value("briefpub_incomplete", False, "html", bool)
    app.connect("builder-inited", forget_old_page)
    app.connect("html-page-context", link_in_preview)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
