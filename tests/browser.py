"""Fixtures for reading the HTML editions as readers do: the release served
over HTTP on the loopback interface, a headless Chromium driven by Playwright,
and the validators that `make test` installs from package.json (the Nu HTML
Checker, axe-core).

A missing browser or validator fails the tests that need it, with the
package to install: `make system` and .ci/run install them, so CI never
passes by skipping them.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import BRIEF

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import weight  # noqa: E402 - the benchmark runs Lighthouse as the tests do

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "_build" / "screenshots"
"""Where the browser tests leave screenshots of every edition for people to look at."""

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

CHROMIUM_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def node_package_file(path: Path) -> Path:
    if not path.is_file():
        pytest.fail(f"{path.relative_to(REPO)} is missing: `make test` installs it (npm ci, from package.json)")
    return path


def html_pages(release: Path) -> list[Path]:
    """Every HTML page a reader can open in dist/: the editions' pages, the
    landing page of the HTML editions and the release's index."""
    pages = sorted((release / "html").rglob("*.html"))
    return [release / "index.html", *[p for p in pages if "_static" not in p.parts]]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".epub": "application/epub+zip"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site(release):
    """The release's dist/ served at http://127.0.0.1:<port>/; a function from
    a path inside dist/ to its URL."""
    handler = functools.partial(_QuietHandler, directory=str(release))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="dist-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}/"
    try:
        yield lambda path="": urljoin(base, str(path))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, driven by Playwright."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is missing: install the Debian packages 'chromium' and 'chromium-driver' "
                    "(sudo apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    args = CHROMIUM_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=args)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def lighthouse(site):
    """Lighthouse's mobile report of a page of the release (its path inside
    dist/): every category, run once per page and session, so that the tests
    of its scores and of its SEO audits read the same report.
    ``lighthouse(path, again=True)`` runs it anew (a timed score on a busy
    machine)."""
    if not weight.LIGHTHOUSE.exists():
        pytest.fail("node_modules/.bin/lighthouse is missing: `make test` installs it (npm ci, from package.json)")
    reports: dict[str, dict] = {}

    def report(path: str, again: bool = False) -> dict:
        if again or path not in reports:
            reports[path] = weight.lighthouse(site(path))
        return reports[path]

    return report


@pytest.fixture
def browse(chromium):
    """Open pages in a fresh browser profile: ``browse(viewport=…, locale=…)``
    gives a page; all are closed after the test."""
    contexts = []

    def open_page(viewport=DESKTOP, locale="en-GB", **options):
        context = chromium.new_context(viewport=viewport, locale=locale, accept_downloads=True, **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def native_names() -> dict[str, str]:
    return {code: language.native_name for code, language in ((lang.code, lang) for lang in BRIEF.languages)}
