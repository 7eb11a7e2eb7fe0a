"""What the source tells translators reaches their catalogs and the editions:
notes (`% Translators:`), contexts (`% Context:`) and references that resolve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib
import pytest

from briefpub.catalogs import store
from conftest import BRIEF

from test_update import make_project, po

SOURCE = """\
    # A small brief

    % Translators: a bill here is a draft law, not an invoice.
    % Context: parliament
    The bill was passed.

    % Context: restaurant
    The bill was passed.

    % Translators: keep the list short.
    - First point.
    - Second point.

    The bill was passed.
    """


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("notes"), SOURCE)
    run = subprocess.run([sys.executable, "-m", "briefpub.cli", "update", "--lang", "uk"],
                         cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return root


def entries(root: Path) -> dict[tuple[str | None, str], polib.POEntry]:
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(po(root, "uk")))}


def test_notes_for_translators_become_extracted_comments_of_their_block(project):
    found = entries(project)
    assert found[("parliament", "The bill was passed.")].comment == \
        "Translators: a bill here is a draft law, not an invoice."
    assert found[(None, "First point.")].comment == "Translators: keep the list short."
    assert found[(None, "Second point.")].comment == "Translators: keep the list short."
    assert found[(None, "A small brief")].comment == ""
    assert found[("restaurant", "The bill was passed.")].comment == ""


def test_the_same_english_in_two_contexts_is_two_messages(project):
    found = entries(project)
    assert {key for key in found if key[1] == "The bill was passed."} == {
        ("parliament", "The bill was passed."), ("restaurant", "The bill was passed."), (None, "The bill was passed.")}


def test_references_start_at_the_repository_root_and_poedit_finds_the_sources(project):
    catalog = polib.pofile(str(po(project, "uk")))
    for entry in catalog:
        for path, line in entry.occurrences:
            assert path == "docs/index.md"
            assert (project / path).is_file()
            assert entry.msgid in (project / path).read_text(encoding="utf-8").splitlines()[int(line) - 1] or \
                entry.msgid.startswith("First") or entry.msgid.startswith("Second")
    base = catalog.metadata["X-Poedit-Basepath"]
    assert (po(project, "uk").parent / base).resolve() == project.resolve()
    assert catalog.metadata["X-Poedit-SearchPath-0"] == "docs"


def test_each_context_takes_its_own_translation_in_the_edition(project, tmp_path):
    path = po(project, "uk")
    catalog = store.read(path)
    catalog.get("The bill was passed.", context="parliament").string = "Законопроєкт ухвалили."
    catalog.get("The bill was passed.", context="restaurant").string = "Рахунок оплатили."
    store.write(path, catalog)
    out = tmp_path / "html"
    run = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-D", "language=uk",
                          str(project / "docs"), str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Законопроєкт ухвалили." in page and "Рахунок оплатили." in page
    assert page.count("The bill was passed.") == 1  # the message without a context is untranslated
    assert "\x04" not in page and BRIEF.get("uk").code == "uk"
