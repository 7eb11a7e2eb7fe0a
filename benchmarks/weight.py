"""What a reader downloads: every page of dist/ loaded in headless Chromium
from a local server, with the ePub and PDF sizes and Lighthouse's scores.

dist/ is served on 127.0.0.1; each page (dist/index.html, the landing page of
the HTML editions and every HTML edition) is opened in a fresh browser
profile, as on a first visit, and what it downloads is summed as sent over
the wire (Chromium's encoded data lengths, headers included).  A second
column opens every other edition after the first one, in the same profile:
what switching language costs once the shared fonts are cached.  Then
Lighthouse (npm ``lighthouse``, installed by ``make test`` from
package.json) rates each page with its mobile profile.

    .venv/bin/python benchmarks/weight.py                 # dist/ of this checkout
    .venv/bin/python benchmarks/weight.py --dist some/dist --no-lighthouse

Limits: each HTML edition ≤ 100 KB on a first visit, each ePub ≤ 150 KB,
each PDF ≤ 40 KB (what WeasyPrint's own subsetting gave before the editions
were made light: 32–36 KB); Lighthouse, mobile: Performance ≥ 95,
Accessibility, Best Practices and SEO 100.  The exit code is 1 when a
limit is not met.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]

HTML_LIMIT = 100 * 1024
EPUB_LIMIT = 150 * 1024
PDF_LIMIT = 40 * 1024
SCORES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
"""Lighthouse's categories and the least score each page must have."""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".woff2": "font/woff2",
                      ".epub": "application/epub+zip"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(dist: Path) -> Iterator[str]:
    """``dist`` served at http://127.0.0.1:<port>/ (the base URL) while in use."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(dist)))
    thread = threading.Thread(target=server.serve_forever, name="dist-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def pages(dist: Path) -> list[str]:
    """The pages a reader arrives at, relative to dist/: the two landing pages
    and every HTML edition's first page."""
    editions = sorted(p.parent.name for p in (dist / "html").glob("*/index.html") if not p.parent.name.startswith("_"))
    return ["index.html", "html/index.html", *[f"html/{code}/index.html" for code in editions]]


@dataclass
class Load:
    """What one page load downloaded."""

    url: str
    files: dict[str, int] = field(default_factory=dict)
    """Every URL fetched, with the bytes it took over the wire."""

    @property
    def total(self) -> int:
        return sum(self.files.values())


def load(context, url: str) -> Load:
    """Open ``url`` in ``context`` and sum what it downloads until the page
    and its fonts are loaded."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    found = Load(url)
    cdp.on("Network.requestWillBeSent", lambda event: urls.__setitem__(event["requestId"], event["request"]["url"]))

    def finished(event: dict) -> None:
        name = urls.get(event["requestId"], event["requestId"])
        found.files[name] = found.files.get(name, 0) + int(event["encodedDataLength"])

    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    page.close()
    return found


@contextlib.contextmanager
def browser() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS[1:])
        try:
            yield launched
        finally:
            launched.close()


def first_visits(chromium, base: str, paths: list[str]) -> dict[str, Load]:
    """Every page in a fresh profile, as a first visit."""
    found = {}
    for path in paths:
        context = chromium.new_context(viewport={"width": 390, "height": 844})
        try:
            found[path] = load(context, base + path)
        finally:
            context.close()
    return found


def next_visits(chromium, base: str, editions: list[str]) -> dict[str, Load]:
    """Every edition after the first, in one profile: what switching language costs."""
    found = {}
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        load(context, base + editions[0])
        for path in editions[1:]:
            found[path] = load(context, base + path)
    finally:
        context.close()
    return found


def lighthouse(url: str) -> dict[str, int]:
    """Lighthouse's scores (0–100) of ``url`` with its mobile profile, in
    the system Chromium; raises RuntimeError when Lighthouse cannot run."""
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"{LIGHTHOUSE.relative_to(REPO)} is missing: `make test` installs it (npm ci)")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        report = Path(folder) / "report.json"
        run = subprocess.run(
            [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
             f"--only-categories={','.join(SCORES)}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"],
            env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=180,
        )
        if run.returncode != 0 or not report.is_file():
            raise RuntimeError(f"lighthouse {url} failed ({run.returncode}): {run.stderr.strip()[-2000:]}")
        result = json.loads(report.read_text(encoding="utf-8"))
    return {name: round(category["score"] * 100) if category["score"] is not None else 0
            for name, category in result["categories"].items()} | {"_report": result}


def failing_audits(result: dict) -> list[str]:
    """The audits that cost a page points in Lighthouse's report, as ``category: audit (value)``."""
    failing = []
    for name, category in result["categories"].items():
        for ref in category["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                failing.append(f"{name}: {ref['id']} {audit.get('displayValue', '')}".strip())
    return failing


def kilobytes(size: int) -> str:
    return f"{size / 1024:7.1f} KB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="the published folder (default: dist/)")
    parser.add_argument("--no-lighthouse", action="store_true", help="only weigh the pages and files")
    options = parser.parse_args()
    dist = options.dist.resolve()
    if not (dist / "index.html").is_file():
        print(f"{dist}: no published release here: run `make dist` (or give --dist)", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        print("Chromium is missing: install the Debian package 'chromium'", file=sys.stderr)
        return 2
    ok = True
    paths = pages(dist)
    editions = [p for p in paths if p.count("/") == 2]
    with serve(dist) as base, browser() as chromium:
        first = first_visits(chromium, base, paths)
        after = next_visits(chromium, base, editions)
        scores = {}
        if not options.no_lighthouse:
            for path in paths:
                scores[path] = lighthouse(base + path)
    print(f"{'page':28} {'first visit':>11} {'limit':>10} {'after another':>14}   Lighthouse (mobile) P / A / BP / SEO")
    for path in paths:
        total = first[path].total
        limit = HTML_LIMIT if path in editions else None
        ok &= limit is None or total <= limit
        then = kilobytes(after[path].total) if path in after else ""
        score = scores.get(path)
        rated = " / ".join(f"{score[name]:3d}" for name in SCORES) if score else "—"
        if score:
            ok &= all(score[name] >= least for name, least in SCORES.items())
        print(f"{path:28} {kilobytes(total):>11} {kilobytes(limit) if limit else '':>10} {then:>14}   {rated}")
        if score:
            for audit in failing_audits(score["_report"]):
                print(f"{'':30}{audit}")
    print()
    print(f"{'file':36} {'size':>10} {'limit':>10}")
    for pattern, limit in (("*.epub", EPUB_LIMIT), ("*.pdf", PDF_LIMIT)):
        for path in sorted(dist.glob(pattern)):
            size = path.stat().st_size
            ok &= size <= limit
            print(f"{path.name:36} {kilobytes(size):>10} {kilobytes(limit):>10}{'' if size <= limit else '  over'}")
    print()
    print("every limit met" if ok else "some limits are not met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
