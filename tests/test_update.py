"""`make update-po`: catalogs follow the source without losing work."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from briefpub import catalogs

from conftest import BRIEF, declare


def make_project(root: Path, text: str) -> Path:
    declare(root)
    (root / "docs" / "index.md").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def update(root: Path, *codes: str) -> list[catalogs.Update]:
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "gettext", "-q", str(root / "docs"), str(root / "_build/gettext")],
        check=True,
    )
    langs = [BRIEF.get(code) for code in codes]
    return catalogs.update(root / "_build/gettext", root / "locale", langs)


def po(root: Path, code: str) -> Path:
    return root / "locale" / code / "LC_MESSAGES" / "index.po"


def translate(root: Path, code: str, strings: dict[str, str]) -> Path:
    """Translate some entries, as a translator would in Poedit."""
    path = po(root, code)
    catalog = catalogs.read(path)
    for msgid, msgstr in strings.items():
        catalog[msgid].string = msgstr
    catalogs.write(path, catalog)
    return path


@pytest.fixture
def small(tmp_path):
    return make_project(tmp_path, """\
        # A small brief

        The first paragraph.

        The second paragraph.
        """)


def test_new_catalogs_get_the_header_of_their_language(small):
    results = update(small, "be", "pl")
    assert {r.status for r in results} == {"created"}
    for code in ("be", "pl"):
        catalog = catalogs.read(po(small, code))
        assert str(catalog.locale) == code
        assert catalog.plural_forms == BRIEF.get(code).plural_forms
        assert catalog.language_team == BRIEF.get(code).team
        assert not catalog.fuzzy
        assert "#, fuzzy" not in po(small, code).read_text(encoding="utf-8").split("msgid")[0]


def test_an_update_without_source_changes_rewrites_nothing(small):
    update(small, "uk")
    path = translate(small, "uk", {"The first paragraph.": "Перший абзац."})
    before = path.read_bytes()
    results = update(small, "uk")
    # index.po only: the theme's labels come translated with briefpub, not in the project's catalogs
    assert [(r.path.name, r.status) for r in results] == [("index.po", "unchanged")]
    assert path.read_bytes() == before


def test_a_changed_source_keeps_the_translation_as_fuzzy_with_the_previous_msgid(small):
    update(small, "uk")
    path = translate(small, "uk", {"The first paragraph.": "Перший абзац.", "The second paragraph.": "Другий абзац."})

    (small / "docs" / "index.md").write_text(
        "# A small brief\n\nThe first paragraph, revised.\n\nThe second paragraph.\n", encoding="utf-8"
    )
    update(small, "uk")

    catalog = catalogs.read(path)
    revised = catalog["The first paragraph, revised."]
    assert revised.fuzzy
    assert revised.string == "Перший абзац."
    assert revised.previous_id == ["The first paragraph."]
    assert catalog["The second paragraph."].string == "Другий абзац."
    assert not catalog["The second paragraph."].fuzzy
    assert "#| msgid \"The first paragraph.\"" in path.read_text(encoding="utf-8")


def test_removed_entries_are_kept_as_obsolete_and_reported(small):
    update(small, "pl")
    path = translate(small, "pl", {"The second paragraph.": "Drugi akapit."})

    (small / "docs" / "index.md").write_text("# A small brief\n\nThe first paragraph.\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "gettext", "-q", str(small / "docs"),
                    str(small / "_build/gettext")], check=True)
    run = subprocess.run([sys.executable, "-m", "briefpub.cli", "update", "--lang", "pl"],
                         cwd=small, capture_output=True, text=True)

    assert run.returncode == 0, run.stderr
    assert "1 obsolete entry" in run.stdout
    text = path.read_text(encoding="utf-8")
    assert '#~ msgid "The second paragraph."' in text and '#~ msgstr "Drugi akapit."' in text


def test_a_broken_catalog_is_not_updated(small):
    update(small, "uk")
    path = po(small, "uk")
    broken = path.read_text(encoding="utf-8").replace('msgid "The first paragraph."', 'msgid "The first paragraph.')
    path.write_text(broken, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "briefpub.cli", "update", "--lang", "uk"],
                         cwd=small, capture_output=True, text=True)
    assert run.returncode == 1
    assert "unterminated string" in run.stderr and f"{po(small, 'uk').relative_to(small)}:" in run.stderr
    assert path.read_text(encoding="utf-8") == broken
