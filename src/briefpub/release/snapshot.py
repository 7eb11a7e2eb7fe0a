"""One reading of the catalogs per release: what is checked is what is built.

A release copies ``locale/`` once into ``_build/catalogs/`` and records the
digest of what it read.  The checks read that copy, every Sphinx run builds
from it (``locale_dirs``) after verifying the digest, and each edition
records the digest of the catalogs it was built from, which publishing
compares.  A catalog replaced while a release runs is therefore never
published unchecked.

Reading ``locale/`` refuses, without reading them, what is no catalog:
symlinks that leave the project, devices, FIFOs, sockets, and files too
large to be a catalog.  The digest is the catalogs' fingerprint
(:mod:`briefpub.catalogs.fingerprint`), which every edition records too.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from briefpub.catalogs.fingerprint import GENERATED, digest
from briefpub.project.layout import SNAPSHOT_DIR
from briefpub.project.problems import ERROR, Problem

MAX_BYTES = 64 * 1024 * 1024
"""No catalog is this large; a file that is gets refused unread."""


class SnapshotChanged(RuntimeError):
    """The snapshot no longer holds what was checked."""


@dataclass(frozen=True)
class Snapshot:
    folder: Path
    """The copy of ``locale/`` the release checks and builds."""
    origin: Path
    """The ``locale/`` it was read from."""
    digest: str
    refused: tuple[Problem, ...] = ()
    """Files under ``locale/`` refused unread (they block the release)."""

    def original(self, path: Path) -> Path:
        """Where a file of the snapshot came from, as the translator knows it."""
        path = Path(path)
        return self.origin / path.relative_to(self.folder) if path.is_relative_to(self.folder) else path

    def problem(self, problem: Problem) -> Problem:
        """A problem found in the snapshot, at the file the translator edits."""
        return dataclasses.replace(problem, path=self.original(problem.path))

    def verify(self) -> None:
        found = digest(self.folder)
        if found != self.digest:
            raise SnapshotChanged(
                f"the catalogs in {self.folder} changed after they were checked (digest {found[:12]}, "
                f"checked {self.digest[:12]}): run the release again")


def _read(path: Path, root: Path, shown: Path) -> tuple[bytes | None, Problem | None]:
    """A file's bytes, if it is a regular file of a sensible size inside the project."""
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            return None, Problem(shown, 0, ERROR, "file",
                                 f"a symbolic link to {path.resolve()}, outside the project: refused without "
                                 "reading it; replace the link with the catalog itself")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, Problem(shown, 0, ERROR, "file",
                                 "not a regular file (a device, FIFO or socket): refused without reading it; "
                                 "remove it from locale/")
        if info.st_size > MAX_BYTES:
            return None, Problem(shown, 0, ERROR, "file",
                                 f"{info.st_size} bytes, more than any catalog ({MAX_BYTES} bytes): refused "
                                 "without reading it; remove it or split it")
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        return None, Problem(shown, 0, ERROR, "file", f"cannot be read: {error.strerror}")
    if len(data) > MAX_BYTES:
        return None, Problem(shown, 0, ERROR, "file", "grew while it was read: refused; save it again")
    return data, None


def _walk(folder: Path, root: Path, seen: set[Path]):
    """Every file under ``folder`` with its path relative to it; folders
    that are links leaving the project are reported, never entered."""
    real = folder.resolve()
    if real in seen:
        return
    seen.add(real)
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink() and not entry.resolve().is_relative_to(root):
            yield entry, None
        elif entry.is_dir():
            yield from _walk(entry, root, seen)
        else:
            yield entry, entry


def take(project_root: Path, locale_dir: Path, build_dir: Path) -> Snapshot:
    """Copy ``locale_dir`` into ``build_dir/catalogs`` reading each file once;
    the snapshot lists the files refused on the way.  Files whose
    content did not change are left alone (Sphinx then reuses what it
    compiled from them)."""
    root = Path(project_root).resolve()
    locale_dir, target = Path(locale_dir), Path(build_dir) / SNAPSHOT_DIR
    problems: list[Problem] = []
    wanted: set[Path] = set()
    if locale_dir.is_dir():
        for entry, path in _walk(locale_dir, root, set()):
            if entry.suffix in GENERATED:
                continue
            data, problem = _read(entry, root, entry) if path is not None else (None, Problem(
                entry, 0, ERROR, "file", f"a symbolic link to {entry.resolve()}, outside the project: refused "
                "without reading it; replace the link with the folder itself"))
            if problem is not None:
                problems.append(problem)
                continue
            copy = target / entry.relative_to(locale_dir)
            wanted.add(copy)
            _write_if_changed(copy, data)
    for path in sorted(target.rglob("*"), reverse=True) if target.is_dir() else []:
        if path.is_file() and path not in wanted and path.suffix not in GENERATED:
            path.unlink()
    target.mkdir(parents=True, exist_ok=True)
    return Snapshot(target, locale_dir, digest(target), tuple(problems))


def _write_if_changed(path: Path, data: bytes) -> None:
    try:
        if not path.is_symlink() and path.is_file() and path.read_bytes() == data:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(data)
    partial.replace(path)
