"""Building editions: one Sphinx run per language and format.

Each run is its own process: Sphinx keeps its translations in module state,
so two languages must not share an interpreter.  Warnings are errors, so
markup that a translation broke stops the edition instead of publishing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from briefpub.languages import Language

FORMATS = ("html", "epub", "pdf")
"""Formats briefpub can build, in the order they are built."""

MANIFEST = ".briefpub.json"
"""Written by each Sphinx run beside its edition: what the edition says about
itself (language, title, main file) to the publishing step."""


@dataclass(frozen=True)
class Project:
    """Where a publication's parts are: the source, the catalogs, the build."""

    root: Path

    @property
    def source_dir(self) -> Path:
        return self.root / "docs"

    @property
    def locale_dir(self) -> Path:
        return self.root / "locale"

    @property
    def build_dir(self) -> Path:
        return self.root / "_build"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    def doctree_dir(self, language: Language) -> Path:
        return self.build_dir / "doctrees" / language.code

    def output_dir(self, language: Language, fmt: str) -> Path:
        return self.build_dir / fmt / language.code


@dataclass(frozen=True)
class Result:
    language: Language
    format: str
    output: Path
    seconds: float
    returncode: int
    log: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def sphinx_command(project: Project, language: Language, fmt: str, incomplete: bool = False) -> list[str]:
    return [
        sys.executable, "-m", "sphinx",
        "--builder", fmt,
        "--define", f"language={language.code}",
        "--define", f"briefpub_incomplete={int(incomplete)}",
        "--doctree-dir", str(project.doctree_dir(language)),
        "--fail-on-warning", "--keep-going", "--quiet",
        str(project.source_dir),
        str(project.output_dir(language, fmt)),
    ]


def build_environment(project: Project) -> dict[str, str]:
    """The environment of a Sphinx run: ``SOURCE_DATE_EPOCH`` is the caller's,
    else the date of the last commit, so two builds of one commit give
    identical editions (outside a git checkout, editions carry the build time)."""
    env = dict(os.environ)
    if "SOURCE_DATE_EPOCH" not in env:
        try:
            run = subprocess.run(
                ["git", "log", "-1", "--format=%ct"], cwd=project.root, capture_output=True, text=True, check=True
            )
            if run.stdout.strip():
                env["SOURCE_DATE_EPOCH"] = run.stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return env


def build_edition(project: Project, language: Language, fmt: str, incomplete: bool = False) -> Result:
    """Build one edition; ``incomplete`` marks an unfinished translation
    published on purpose (``briefpub dist --allow-incomplete``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: briefpub builds {', '.join(FORMATS)}")
    started = time.perf_counter()
    run = subprocess.run(
        sphinx_command(project, language, fmt, incomplete),
        cwd=project.root, capture_output=True, text=True,
        env=build_environment(project),
    )
    return Result(
        language, fmt, project.output_dir(language, fmt),
        time.perf_counter() - started, run.returncode, (run.stdout + run.stderr).strip(),
    )
