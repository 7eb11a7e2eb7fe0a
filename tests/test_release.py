"""The release gate: an unfinished or faulty translation is not published,
unless the publisher says so, and then it is marked as incomplete."""

from __future__ import annotations

import re

import pytest

from briefpub.catalogs import stats, store
from conftest import BRIEF, briefpub, copy_project, read_page


@pytest.fixture
def unfinished(tmp_path):
    """A project whose Polish catalog has one untranslated and one fuzzy entry."""
    project = copy_project(tmp_path)
    path = project.locale_dir / "pl" / "LC_MESSAGES" / "index.po"
    catalog = store.read(path)
    catalog["Contents"].string = ""
    catalog["Assistance at the level of civil society actors"].flags.add("fuzzy")
    store.write(path, catalog)
    return project


def test_an_unfinished_translation_is_not_published(unfinished):
    run = briefpub("dist", cwd=unfinished.root)
    assert run.returncode == 1
    assert re.search(r"locale/pl/LC_MESSAGES/index\.po:\d+: error: \[untranslated\] not translated yet", run.stderr)
    assert re.search(r"locale/pl/LC_MESSAGES/index\.po:\d+: error: \[fuzzy\]", run.stderr)
    assert "add --allow-incomplete" in run.stderr
    assert not unfinished.dist_dir.exists()


def test_the_override_publishes_it_marked_as_incomplete(unfinished):
    run = briefpub("dist", "--allow-incomplete", cwd=unfinished.root)
    assert run.returncode == 0, run.stderr
    assert "Polish edition is unfinished" in run.stderr
    row = stats.language_stats(unfinished.locale_dir, BRIEF.get("pl"))
    notice = f"To tłumaczenie jest niepełne: przetłumaczono {row.translated} z {row.messages} fragmentów"
    assert notice in read_page(unfinished.dist_dir / "html" / "pl" / "index.html").text
    assert notice in (unfinished.dist_dir / "index.html").read_text(encoding="utf-8")
    for code in ("uk", "be", "en"):
        assert "unfinished" not in (unfinished.dist_dir / "html" / code / "index.html").read_text(encoding="utf-8")


def test_the_status_page_is_for_translators_and_shows_the_numbers_of_briefpub_stats(unfinished):
    page = unfinished.root / "status" / "pl.html"
    run = briefpub("stats", "--html", str(page), "--label-language", "pl", cwd=unfinished.root)
    assert run.returncode == 0, run.stderr
    text = page.read_text(encoding="utf-8")
    for row in stats.collect(unfinished.locale_dir, list(BRIEF.languages)):
        assert f'<data value="{row.translated}">{row.translated}/{row.messages}</data>' in text
        assert f"({round(row.percent)}&#160;%)" in text
    assert "Stan tłumaczenia" in read_page(page).title and read_page(page).lang == "pl"

    run = briefpub("build", "--lang", "pl", "--format", "html", cwd=unfinished.root)
    assert run.returncode == 0, run.stderr
    edition = unfinished.root / "_build" / "html" / "pl"
    assert not (edition / "status.html").exists()
    assert "Stan tłumaczenia" not in read_page(edition / "index.html").text
