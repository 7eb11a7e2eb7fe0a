"""An edition published unfinished (``--allow-incomplete``) says how many
passages are translated out of all the source has (a passage its catalog
lacks counts too), and in which language the others are shown: the
publication's source language, named in the edition's own language."""

from __future__ import annotations

import json
import textwrap

from briefpub.catalogs import sources, stats, store
from briefpub.project.layout import MANIFEST
from briefpub.release import build
from conftest import BRIEF, declare, read_page

POLISH = BRIEF.get("pl")
SOURCE = """\
    # A small brief

    The first paragraph.

    The second paragraph.

    The third paragraph.
    """
HEADER = """\
msgid ""
msgstr ""
"Language: pl\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"
"""
CATALOG = HEADER + """
msgid "A small brief"
msgstr "Krótki raport"

msgid "The first paragraph."
msgstr "Pierwszy akapit."
"""


def test_the_note_of_an_unfinished_edition_counts_the_passages_its_catalog_lacks(tmp_path):
    declare(tmp_path, langs=("en", "pl"))
    (tmp_path / "docs" / "index.md").write_text(textwrap.dedent(SOURCE), encoding="utf-8")
    project = build.Project(tmp_path)
    path = store.catalog_dir(project.locale_dir, POLISH) / "index.po"
    path.parent.mkdir(parents=True)
    path.write_text(CATALOG, encoding="utf-8")
    templates = sources.extract(project.source_dir)  # as the release gate does before the editions
    assert not templates.problems

    result = build.run_sphinx(project, POLISH, "html", incomplete=True)
    assert result.ok, result.log

    row = stats.language_stats(project.locale_dir, POLISH, templates)
    own = stats.language_stats(project.locale_dir, POLISH)
    # the catalog's two passages, and the page's labels briefpub translates although the catalog lacks them
    assert own.translated == 2 and row.translated >= 2 and row.missing >= 2 and row.messages > own.messages
    page = read_page(project.output_dir(POLISH, "html") / "index.html").text
    # the theme's labels come translated with briefpub
    assert f"To tłumaczenie jest niepełne: przetłumaczono {row.translated} z {row.messages} fragmentów" in page
    assert "pozostałe są podane w języku oryginału (angielski)." in page


UKRAINIAN_SOURCE = """\
    # Короткий звіт

    Перший абзац.

    Другий абзац.
    """
POLISH_OF_UKRAINIAN = HEADER + """
msgid "Короткий звіт"
msgstr "Krótki raport"

#, fuzzy
#| msgid "Перший абзац"
msgid "Перший абзац."
msgstr "Pierwszy akapit (szkic)."
"""


def test_the_note_names_the_source_language_in_the_editions_language(tmp_path):
    """A publication written in Ukrainian: its unfinished Polish edition shows
    the untranslated passages in Ukrainian, and says so in Polish; a
    translator's preview of it shows a draft's source as Ukrainian text."""
    declare(tmp_path, source="uk", langs=("uk", "en", "pl"))
    (tmp_path / "docs" / "index.md").write_text(textwrap.dedent(UKRAINIAN_SOURCE), encoding="utf-8")
    project = build.Project(tmp_path)
    polish = project.publication.get("pl")
    path = store.catalog_dir(project.locale_dir, polish) / "index.po"
    path.parent.mkdir(parents=True)
    path.write_text(POLISH_OF_UKRAINIAN, encoding="utf-8")

    # One build for both: the note of --allow-incomplete, and the drafts of a preview.
    preview = {"briefpub_preview": True, "gettext_allow_fuzzy_translations": True}
    result = build.run_sphinx(project, polish, "html", incomplete=True, overrides=preview)
    assert result.ok, result.log

    out = project.output_dir(polish, "html")
    page = read_page(out / "index.html")
    assert page.title.startswith("Krótki raport")
    assert "Другий абзац." in page.text  # shown in the source language, as the note says
    note = "pozostałe są podane w języku oryginału (ukraiński)."
    assert note in page.text and "angielsk" not in page.text
    # the same note for the landing page of dist/
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["notice"].endswith(note)

    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Pierwszy akapit (szkic)." in page.text
    assert ('Translated from this Ukrainian:</span> <span lang="uk">Перший абзац</span>' in html
            and 'The Ukrainian now:</span> <span lang="uk">Перший абзац.</span>' in html)
    assert "this English" not in html and "English now" not in html  # (the switcher names the English edition)
