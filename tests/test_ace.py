"""Every ePub edition, checked by Ace by DAISY (the accessibility checker the
DAISY Consortium publishes for EPUB), run in the system's Chromium: no
violation of any kind, not only of the rules we thought of ourselves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from browser import NODE_MODULES, node_package_file
from conftest import BRIEF
from test_chapters import report  # noqa: F401 - the three-chapter report, built in every format

ACE = NODE_MODULES / ".bin" / "ace-cli"


def ace(book: Path, report_dir: Path) -> dict:
    """Ace's report (``report.json``) on ``book``."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is missing: install the Debian package 'chromium' (sudo apt-get install chromium)")
    run = subprocess.run(
        [str(node_package_file(ACE)), "--silent", "--force", "--outdir", str(report_dir), str(book)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": executable, "PUPPETEER_SKIP_DOWNLOAD": "1"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads((report_dir / "report.json").read_text(encoding="utf-8"))


def violations(report: dict) -> list[str]:
    return [
        f"{document['earl:testSubject']['url']}: {found['earl:test']['dct:title']} "
        f"({found['earl:test']['earl:impact']}): {found['earl:result']['dct:description']}"
        for document in report["assertions"]
        for found in document["assertions"]
    ]


@pytest.mark.parametrize("code", BRIEF.codes)
def test_ace_by_daisy_reports_no_violation(release, tmp_path, code):
    report = ace(release / f"ukraine-belarus-brief-{code}.epub", tmp_path)
    assert violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    # The accessibility metadata Ace reads is the package's own.
    assert "schema:accessibilitySummary" in report["a11y-metadata"]["present"]


def test_ace_by_daisy_reports_no_violation_in_a_book_of_chapters_with_figures(report, tmp_path):
    """A publication of several documents, with figures, tables and notes."""
    book = next((report / "epub" / "pl").glob("*-pl.epub"))
    assert violations(ace(book, tmp_path)) == []
