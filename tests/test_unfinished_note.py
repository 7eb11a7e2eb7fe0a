"""An edition published unfinished (``--allow-incomplete``) says how many
passages are translated out of all the source has: a passage its catalog
lacks counts too."""

from __future__ import annotations

import textwrap
from pathlib import Path

from briefpub import build, catalogs, sources, stats
from conftest import BRIEF, declare, read_page

POLISH = BRIEF.get("pl")
SOURCE = """\
    # A small brief

    The first paragraph.

    The second paragraph.

    The third paragraph.
    """
CATALOG = """\
msgid ""
msgstr ""
"Language: pl\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

msgid "A small brief"
msgstr "Krótki raport"

msgid "The first paragraph."
msgstr "Pierwszy akapit."
"""


def test_the_note_of_an_unfinished_edition_counts_the_passages_its_catalog_lacks(tmp_path):
    declare(tmp_path, langs=("en", "pl"))
    (tmp_path / "docs" / "index.md").write_text(textwrap.dedent(SOURCE), encoding="utf-8")
    project = build.Project(tmp_path)
    path = catalogs.catalog_dir(project.locale_dir, POLISH) / "index.po"
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
