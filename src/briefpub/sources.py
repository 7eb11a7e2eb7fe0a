"""The messages of the current source: what every catalog has to translate.

A catalog says what it contains, not what it lacks: a header-only catalog, or
one that lost an entry, looks finished to anything that only counts its
entries, and Sphinx quietly prints the English text instead.  So the checks
and the statistics hold each catalog to the templates extracted from the
source now, with Sphinx's gettext builder (:func:`briefpub.build.extract`).

The extraction runs once per process for a given state of the source (about
a second), into a temporary folder: nothing of the project is written.  A
release forks its build workers after the gate has extracted, so the status
page of every edition counts from the same templates without extracting again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from briefpub import build, catalogs
from briefpub.problems import ERROR, Problem


@dataclass(frozen=True)
class Templates:
    source_dir: Path
    domains: dict[str, Catalog] = field(default_factory=dict)
    """Each template by its domain: ``index`` for index.pot, ``sphinx`` for the theme's labels."""
    problems: list[Problem] = field(default_factory=list)
    """Why the source's messages could not be extracted (then ``domains`` is empty)."""


def beside(locale_dir: Path) -> Path | None:
    """The source folder of the project that holds ``locale_dir`` (its
    ``docs/``, with a ``conf.py``), or None when there is none."""
    source_dir = build.Project(Path(locale_dir).absolute().parent).source_dir
    return source_dir if (source_dir / "conf.py").is_file() else None


def is_source_of(source_dir: Path | None, locale_dir: Path) -> bool:
    """Whether ``source_dir`` is the source the catalogs in ``locale_dir``
    translate (both in one project), so they can be held to it."""
    own = beside(locale_dir)
    return source_dir is not None and own is not None and Path(source_dir).resolve() == own.resolve()


_EXTRACTED: dict[tuple[Path, str], Templates] = {}


def _state(source_dir: Path) -> str:
    """A digest of the source as it is now: a change means extracting again."""
    digest = hashlib.sha256()
    for path in sorted(Path(source_dir).rglob("*")):
        relative = path.relative_to(source_dir)
        if path.is_file() and not any(part.startswith(("_", ".")) for part in relative.parts[:-1]):
            digest.update(relative.as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class _Scratch(build.Project):
    """The project, with its source where it is and its build in a scratch folder."""

    source: Path = Path()
    scratch: Path = Path()

    @property
    def source_dir(self) -> Path:
        return self.source

    @property
    def build_dir(self) -> Path:
        return self.scratch


def extract(source_dir: Path) -> Templates:
    """The templates of the source as it is now (extracted at most once per
    process for each state of the source)."""
    source_dir = Path(source_dir).resolve()
    key = (source_dir, _state(source_dir))
    if key not in _EXTRACTED:
        _EXTRACTED[key] = _extract(source_dir)
    return _EXTRACTED[key]


def extracted(source_dir: Path) -> Templates | None:
    """The templates already extracted in this process for the source as it
    is now, or None: never starts an extraction."""
    source_dir = Path(source_dir).resolve()
    return _EXTRACTED.get((source_dir, _state(source_dir)))


def _extract(source_dir: Path) -> Templates:
    with tempfile.TemporaryDirectory(prefix="briefpub-templates-") as scratch:
        project = _Scratch(source_dir.parent, source=source_dir, scratch=Path(scratch))
        run = build.extract(project)
        if not run.ok:
            log = "; ".join(line.strip() for line in run.log.splitlines()[:3] if line.strip())
            return Templates(source_dir, problems=[Problem(
                source_dir / "conf.py", 0, ERROR, "source",
                f"the source's messages cannot be extracted, so no catalog can be checked against them "
                f"({log or f'exit code {run.returncode}'}): run `make gettext` to see why",
            )])
        pot_dir = project.build_dir / "gettext"
        domains = {}
        for path in sorted(pot_dir.rglob("*.pot")):
            template = catalogs.read(path)
            for message in template:  # where each message is, from the project, not the scratch folder
                message.locations = [(_from_project(path.parent, name, source_dir.parent), line)
                                     for name, line in message.locations]
            domains[path.relative_to(pot_dir).with_suffix("").as_posix()] = template
    return Templates(source_dir, domains)


def _from_project(folder: Path, name: str, root: Path) -> str:
    where = Path(os.path.normpath(folder / name))
    return where.relative_to(root).as_posix() if where.is_relative_to(root) else name
