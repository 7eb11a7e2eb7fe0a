"""`make update-po`: catalogs follow the source without losing work."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from briefpub.catalogs import store

from conftest import BRIEF, declare


def make_project(root: Path, text: str) -> Path:
    declare(root)
    (root / "docs" / "index.md").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def update(root: Path, *codes: str) -> list[store.Update]:
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "gettext", "-q", str(root / "docs"), str(root / "_build/gettext")],
        check=True,
    )
    langs = [BRIEF.get(code) for code in codes]
    return store.update(root / "_build/gettext", root / "locale", langs)


def po(root: Path, code: str) -> Path:
    return root / "locale" / code / "LC_MESSAGES" / "index.po"


def translate(root: Path, code: str, strings: dict[str, str]) -> Path:
    """Translate some entries, as a translator would in Poedit."""
    path = po(root, code)
    catalog = store.read(path)
    for msgid, msgstr in strings.items():
        catalog[msgid].string = msgstr
    store.write(path, catalog)
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
        catalog = store.read(po(small, code))
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
    assert [r.status for r in results] == ["unchanged", "unchanged"]
    assert path.read_bytes() == before


def test_a_changed_source_keeps_the_translation_as_fuzzy_with_the_previous_msgid(small):
    update(small, "uk")
    path = translate(small, "uk", {"The first paragraph.": "Перший абзац.", "The second paragraph.": "Другий абзац."})

    (small / "docs" / "index.md").write_text(
        "# A small brief\n\nThe first paragraph, revised.\n\nThe second paragraph.\n", encoding="utf-8"
    )
    update(small, "uk")

    catalog = store.read(path)
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


# --- every language or none ---------------------------------------------------------------


def revised(root: Path) -> dict[Path, bytes]:
    """Catalogs of four languages, then a source change that touches them all."""
    update(root, "uk", "be", "en", "pl")
    (root / "docs" / "index.md").write_text("# A small brief\n\nThe first paragraph, revised.\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "gettext", "-q", str(root / "docs"),
                    str(root / "_build/gettext")], check=True)
    return {path: path.read_bytes() for path in (root / "locale").rglob("*.po")}


def leftovers(root: Path) -> list[Path]:
    return [p for p in (root / "locale").rglob("*") if p.name.startswith(".") or p.suffix in (".tmp", ".partial")]


def test_a_catalog_that_cannot_be_written_is_named_and_no_catalog_changes(small):
    before = revised(small)
    # Polish gets a new catalog where a file stands in the way of its folder.
    (small / "locale" / "pl" / "LC_MESSAGES" / "index.po").unlink()
    shutil.rmtree(small / "locale" / "pl" / "LC_MESSAGES")
    (small / "locale" / "pl" / "LC_MESSAGES").write_text("not a folder", encoding="utf-8")
    before = {path: content for path, content in before.items() if path.exists()}

    run = subprocess.run([sys.executable, "-m", "briefpub.cli", "update", "--no-extract"],
                         cwd=small, capture_output=True, text=True)

    assert run.returncode == 1
    assert "locale/pl/LC_MESSAGES/index.po: cannot write the catalog" in run.stderr
    assert "no catalog was changed" in run.stderr and "Traceback" not in run.stderr
    assert {path: path.read_bytes() for path in before} == before
    assert leftovers(small) == []


def test_an_immutable_catalog_is_named_and_no_catalog_changes(small):
    before = revised(small)
    target = po(small, "be")
    if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        run = subprocess.run([sys.executable, "-m", "briefpub.cli", "update", "--no-extract"],
                             cwd=small, capture_output=True, text=True)
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)
    assert run.returncode == 1
    assert "locale/be/LC_MESSAGES/index.po: cannot write the catalog (Operation not permitted)" in run.stderr
    assert "Traceback" not in run.stderr
    assert {path: path.read_bytes() for path in before} == before
    assert leftovers(small) == []


def test_a_failure_halfway_through_puts_the_written_catalogs_back(small, monkeypatch):
    before = revised(small)
    real_replace = store.os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(store.os, "replace", failing_replace)
    with pytest.raises(store.CatalogWriteError) as error:
        store.update(small / "_build/gettext", small / "locale", list(BRIEF.languages))
    assert str(calls[2]) in str(error.value) and "No space left on device" in str(error.value)
    assert {path: path.read_bytes() for path in before} == before
    assert leftovers(small) == []


def test_writers_never_share_a_temporary_file(small, monkeypatch):
    update(small, "uk")
    names = []
    real_mkstemp = store.tempfile.mkstemp

    def recording_mkstemp(**kwargs):
        handle, name = real_mkstemp(**kwargs)
        names.append(name)
        return handle, name

    monkeypatch.setattr(store.tempfile, "mkstemp", recording_mkstemp)
    catalog = store.read(po(small, "uk"))
    catalog["The first paragraph."].string = "Перший абзац."
    store.write(po(small, "uk"), catalog)
    catalog["The first paragraph."].string = "Перший абзац!"
    store.write(po(small, "uk"), catalog)
    assert len(set(names)) == 2 and all(Path(name).parent == po(small, "uk").parent for name in names)
    assert leftovers(small) == []


def test_a_second_update_waits_for_the_first(small):
    update(small, "uk")
    with store.update_lock(small / "_build"):
        second = subprocess.Popen([sys.executable, "-m", "briefpub.cli", "update", "--no-extract", "--lang", "uk"],
                                  cwd=small, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert "waiting for the update already running" in second.stderr.readline()
        assert second.poll() is None
    assert second.wait(timeout=60) == 0
