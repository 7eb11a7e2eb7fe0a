"""Every page a reader can open in dist/ is valid HTML (the Nu HTML Checker)
and meets WCAG 2.1 AA as far as axe-core can tell, in a real browser."""

from __future__ import annotations

import json
import subprocess

import pytest

from browser import AXE, DESKTOP, PHONE, VNU_JAR, html_pages, node_package_file
from conftest import BRIEF

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_every_page_of_the_release_is_checked(release):
    pages = html_pages(release)
    assert release / "index.html" in pages and release / "html" / "index.html" in pages
    for code in BRIEF.codes:
        assert release / "html" / code / "index.html" in pages
    assert not [page for page in pages if "_static" in page.parts]


def test_the_nu_html_checker_finds_no_error_on_any_page(release):
    pages = html_pages(release)
    run = subprocess.run(
        ["java", "-jar", str(node_package_file(VNU_JAR)), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True, text=True,
    )
    report = json.loads(run.stderr or run.stdout)
    errors = [
        f"{message.get('url', '').rsplit('/dist/', 1)[-1]}:{message.get('lastLine', '?')}: {message['message']}"
        for message in report["messages"]
        if message["type"] in ("error", "non-document-error")
    ]
    assert errors == [], "\n".join(errors)
    assert run.returncode == 0


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_wcag_21_aa_violation_on_any_page(release, site, browse, viewport):
    axe = node_package_file(AXE)
    page = browse(viewport=viewport)
    violations = {}
    for path in html_pages(release):
        name = path.relative_to(release).as_posix()
        page.goto(site(name))
        page.add_script_tag(path=str(axe))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_21_AA,
        )
        assert result["passes"], f"{name}: axe checked nothing"
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
            for v in result["violations"]
        ]
        if found:
            violations[name] = found
    assert violations == {}, json.dumps(violations, ensure_ascii=False, indent=2)
