"""The fingerprint of a catalogs folder: a digest of the names and bytes of
the files a build reads from it.

An edition records the fingerprint of its own language's catalogs in its
manifest; a release compares it with that of the catalogs it checked.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

GENERATED = (".mo",)
"""Files Sphinx compiles beside the catalogs: not part of what was checked."""


def catalog_files(folder: Path, language: str | None = None) -> list[Path]:
    """The files of a catalogs folder that a build reads, in a stable order:
    one language's folder, or all of it."""
    base = folder / language if language else folder
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*") if p.is_file() and p.suffix not in GENERATED)


def digest(folder: Path, language: str | None = None) -> str:
    """A digest of the catalogs (names and bytes) of ``folder``, or of one
    language's part of it."""
    folder = Path(folder)
    found = hashlib.sha256()
    for path in catalog_files(folder, language):
        found.update(path.relative_to(folder).as_posix().encode() + b"\0")
        found.update(hashlib.sha256(path.read_bytes()).digest())
    return found.hexdigest()
