"""Fixtures: the real brief, copied into a temporary folder and built there
with real Sphinx, so tests never touch the working tree's _build/."""

from __future__ import annotations

import html.parser
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from briefpub.project import publication
from briefpub.release import build

REPO = Path(__file__).resolve().parent.parent
BRIEF = publication.load(REPO)
"""The brief's publication, as docs/publication.toml declares it."""

# The browser, the HTTP server and the validators: tests/browser.py.
pytest_plugins = ("browser",)


CONF = '"""Sphinx configuration: every setting from publication.toml."""\n' \
    "from briefpub.project.config import settings\n\nglobals().update(settings(__file__))\n"


def declare(root: Path, source: str = "en", langs: tuple[str, ...] = ("uk", "be", "en", "pl"), name: str = "t",
            extra: str = "") -> Path:
    """A publication's declaration and conf.py in ``root/docs``: a small
    project of the tests' own, in any languages."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    codes = ", ".join(f'"{code}"' for code in langs)
    (docs / "publication.toml").write_text(
        f'name = "{name}"\nsource-language = "{source}"\nlanguages = [{codes}]\nversion = "1"\n'
        f'date = 2026-01-02\n{extra}', encoding="utf-8")
    (docs / "conf.py").write_text(CONF, encoding="utf-8")
    return root


def copy_project(target: Path) -> build.Project:
    for part in ("docs", "locale"):
        shutil.copytree(REPO / part, target / part, ignore=shutil.ignore_patterns("*.mo", "_build"))
    return build.Project(target)


SOURCE_DATE_EPOCH = "1764028800"  # 2025-11-25, any fixed moment will do


def briefpub(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real command line, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "briefpub.cli", *args],
        cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, **(env or {})},
    )


BASE_URL = "https://briefs.example.org/ukraine-belarus/"
"""Where the tests' releases of the brief say they are published: the brief
itself declares no address yet."""


def declare_base_url(root: Path, base_url: str = BASE_URL) -> None:
    declaration = root / "docs" / "publication.toml"
    text = declaration.read_text(encoding="utf-8")
    declaration.write_text(f'base-url = "{base_url}"\n{text}', encoding="utf-8")


def release_in(root: Path) -> Path:
    """Copy the brief to ``root``, published at :data:`BASE_URL`, run
    `briefpub dist` there, return dist/."""
    project = copy_project(root)
    declare_base_url(project.root)
    run = briefpub("dist", cwd=project.root)
    assert run.returncode == 0, run.stdout + run.stderr
    return project.dist_dir


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> Path:
    """A full release of the real brief (twelve editions), made once per session."""
    return release_in(tmp_path_factory.mktemp("release"))


@pytest.fixture(scope="session")
def brief_html(release) -> dict[str, Path]:
    """The published HTML edition of every language."""
    return {code: release / "html" / code / "index.html" for code in BRIEF.codes}


@dataclass
class Page:
    """What a reader gets from an HTML page: its language, title and text."""

    lang: str | None = None
    title: str = ""
    headings: list[str] = field(default_factory=list)
    text: str = ""


class _PageParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._stack: list[str] = []
        self._chunks: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.page.lang = dict(attrs).get("lang")
        if tag in ("h1", "h2", "h3"):
            self._heading = []
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.page.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if "title" in self._stack:
            self.page.title += data
        elif "script" not in self._stack and "style" not in self._stack:
            self._chunks.append(data)
            if self._heading is not None:
                self._heading.append(data)

    def close(self):
        super().close()
        self.page.text = " ".join(" ".join(self._chunks).split())
        self.page.title = " ".join(self.page.title.split())


def read_page(path: Path) -> Page:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page
