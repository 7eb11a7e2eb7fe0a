"""The messages of the current source: what every catalog has to translate.

A catalog says what it contains, not what it lacks: a header-only catalog, or
one that lost an entry, looks finished to anything that only counts its
entries, and Sphinx quietly prints the English text instead.  So the checks
and the statistics hold each catalog to the templates extracted from the
source now, with Sphinx's gettext builder (:func:`write_templates`, which
``briefpub update`` runs too).

The extraction (about two seconds) runs into a scratch folder, once per
process for a given state of the source; its templates are kept in
``_build/templates/`` for the next run until the source, briefpub or Sphinx
change.  A release forks its build workers after the gate has extracted, so
the status page of every edition counts from the same templates.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from briefpub import __version__
from briefpub.catalogs import store
from briefpub.project.layout import PACKAGE_DIR, Project
from briefpub.project.problems import ERROR, Problem


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
    source_dir = Project(Path(locale_dir).absolute().parent).source_dir
    return source_dir if (source_dir / "conf.py").is_file() else None


def is_source_of(source_dir: Path | None, locale_dir: Path) -> bool:
    """Whether ``source_dir`` is the source the catalogs in ``locale_dir``
    translate (both in one project), so they can be held to it."""
    own = beside(locale_dir)
    return source_dir is not None and own is not None and Path(source_dir).resolve() == own.resolve()


_EXTRACTED: dict[tuple[Path, str], Templates] = {}


def _state(source_dir: Path) -> str:
    """A digest of everything the templates are made from: the source,
    briefpub with its theme (whose labels are extracted too), Sphinx and MyST."""
    import myst_parser
    import sphinx

    digest = hashlib.sha256(f"{__version__}\0{sphinx.__version__}\0{myst_parser.__version__}".encode())
    for folder in (Path(source_dir), PACKAGE_DIR):
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not any(part.startswith(("_", ".")) for part in relative.parts[:-1]):
                digest.update(relative.as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class _Scratch(Project):
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
    """The templates of the source as it is now: extracted at most once per
    process, and kept in the project's ``_build/templates/`` for the next run
    while nothing they are made from changes."""
    source_dir = Path(source_dir).resolve()
    state = _state(source_dir)
    templates = _known(source_dir, state)
    if templates is None:
        templates = _extract(source_dir)
        if not templates.problems:
            _keep(templates, _kept(source_dir) / state)
        _EXTRACTED[(source_dir, state)] = templates
    return templates


def extracted(source_dir: Path) -> Templates | None:
    """The templates of the source as it is now, if this process extracted
    them or an earlier run kept them; None otherwise: never starts an
    extraction (an edition's build counts with what the release gate or
    ``briefpub check`` extracted)."""
    source_dir = Path(source_dir).resolve()
    return _known(source_dir, _state(source_dir))


def _known(source_dir: Path, state: str) -> Templates | None:
    if (source_dir, state) not in _EXTRACTED:
        kept = _kept(source_dir) / state
        if not kept.is_dir():
            return None
        _EXTRACTED[(source_dir, state)] = Templates(source_dir, _read(kept))
    return _EXTRACTED[(source_dir, state)]


def _kept(source_dir: Path) -> Path:
    return Project(source_dir.parent).build_dir / "templates"


def _extract(source_dir: Path) -> Templates:
    with tempfile.TemporaryDirectory(prefix="briefpub-templates-") as scratch:
        project = _Scratch(source_dir.parent, source=source_dir, scratch=Path(scratch))
        run = write_templates(project)
        if not run.ok:
            log = "; ".join(line.strip() for line in run.log.splitlines()[:3] if line.strip())
            return Templates(source_dir, problems=[Problem(
                source_dir / "conf.py", 0, ERROR, "source",
                f"the source's messages cannot be extracted, so no catalog can be checked against them "
                f"({log or f'exit code {run.returncode}'}): run `make gettext` to see why",
            )])
        domains = _read(run.folder)
        for domain in domains.values():  # where each message is, from the project, not the scratch folder
            for message in domain:
                message.locations = [(_from_project(run.folder, name, source_dir.parent), line)
                                     for name, line in message.locations]
    return Templates(source_dir, domains)


@dataclass(frozen=True)
class Extraction:
    """A run of Sphinx's gettext builder: the templates in ``folder``, or the log of why not."""

    folder: Path
    returncode: int
    log: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def write_templates(project: Project) -> Extraction:
    """Extract the source's messages (and the theme's labels) into
    ``_build/gettext/*.pot`` with Sphinx's gettext builder."""
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "--builder", "gettext", "--fail-on-warning", "--quiet",
         str(project.source_dir), str(project.build_dir / "gettext")],
        cwd=project.root, capture_output=True, text=True,
    )
    return Extraction(project.build_dir / "gettext", run.returncode, (run.stdout + run.stderr).strip())


def _read(pot_dir: Path) -> dict[str, Catalog]:
    return {
        path.relative_to(pot_dir).with_suffix("").as_posix(): store.read(path)
        for path in sorted(pot_dir.rglob("*.pot"))
    }


def _keep(templates: Templates, kept: Path) -> None:
    """Write the templates where the next run finds them, in one step; any
    other state's are removed.  A build folder that cannot be written only
    means extracting again next time."""
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=kept.parent))
    except OSError:
        return
    try:
        for domain, template in templates.domains.items():
            target = partial / f"{domain}.pot"
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as file:
                write_po(file, template, width=store.LINE_WIDTH)
        partial.rename(kept)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        return
    for other in kept.parent.iterdir():
        if other != kept:
            shutil.rmtree(other, ignore_errors=True)


def _from_project(folder: Path, name: str, root: Path) -> str:
    where = Path(os.path.normpath(folder / name))
    return where.relative_to(root).as_posix() if where.is_relative_to(root) else name
