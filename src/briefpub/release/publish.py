"""Publishing: the editions of one release, checked and moved into ``dist/``.

Every edition is built first, aside; only when all of them succeeded is the
new ``dist/`` assembled in a staging folder beside the old one and swapped in
with one rename.  A failed or interrupted release leaves the previous
``dist/`` exactly as it was.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from briefpub.catalogs import fingerprint
from briefpub.editions import metadata
from briefpub.project.config import dist_templates
from briefpub.project.languages import Language, human_size
from briefpub.project.layout import (EDITION_FONTS, FONTS_CSS, FONTS_DIR, FORMAT_NAMES, HTML_DIR, LANDING, MANIFEST,
                                     MEDIA_TYPES, Project, built_edition, html_dir, link)
from briefpub.project.publication import Publication
from briefpub.release import snapshot
from briefpub.release.build import Result
from briefpub.release.landing import Entry, first_visit_size, font_preloads, landing_head, write_landing

__all__ = ["Entry", "FORMAT_NAMES", "HTML_DIR", "LANDING", "MEDIA_TYPES", "built_edition", "html_dir", "link",
           "publish", "collect", "recover", "write_landing"]

HTML_LEFT_OUT = (".buildinfo", ".buildinfo.bak", MANIFEST, "objects.inv", "_sources", ".doctrees")


class ReleaseError(RuntimeError):
    """A release that was not published; the previous dist/ stands."""


@dataclass(frozen=True)
class Edition:
    language: Language
    format: str
    title: str
    subtitle: str
    path: str
    """Where the edition's main file is, relative to dist/."""
    size: int
    notice: str = ""
    """Set for an unfinished translation published on purpose."""


def read_manifest(result: Result) -> dict:
    built = built_edition(result.output)
    if built is None:
        raise ReleaseError(f"{result.output / MANIFEST}: the edition's manifest or main file is missing or broken; "
                           "rebuild it")
    return built[0]


def stage(staging: Path, results: list[Result]) -> list[Edition]:
    """Copy every edition into the staging folder, in the layout of dist/."""
    editions = []
    for result in results:
        manifest = read_manifest(result)
        language = result.language
        if manifest.get("language") != language.code:
            raise ReleaseError(f"{result.output / MANIFEST}: this is not the {language.english_name} edition; "
                               "rebuild it")
        if result.format == "html":
            target = staging / html_dir(language)
            shutil.copytree(result.output, target, ignore=html_left_out(result.output))
            share_fonts(result.output / EDITION_FONTS, staging / FONTS_DIR)
            main = target / manifest["file"]
            size = first_visit_size(main)
        else:
            main = staging / manifest["file"]
            shutil.copyfile(result.output / manifest["file"], main)
            size = main.stat().st_size
        editions.append(
            Edition(language, result.format, manifest["title"], manifest["subtitle"],
                    main.relative_to(staging).as_posix(), size, manifest.get("notice", ""))
        )
    return editions


def html_left_out(edition: Path):
    """What of an HTML edition is not published with it: Sphinx's records,
    and its fonts, which every edition shares (:func:`share_fonts`)."""
    fonts = (edition / EDITION_FONTS).resolve()
    ignore_records = shutil.ignore_patterns(*HTML_LEFT_OUT)

    def ignore(folder: str, names: list[str]) -> set[str]:
        left_out = set(ignore_records(folder, names))
        return left_out | {name for name in names if (Path(folder) / name).resolve() == fonts}

    return ignore


def share_fonts(edition_fonts: Path, shared: Path) -> None:
    """Publish an HTML edition's fonts once for every edition
    (``dist/html/_fonts/``): each edition carries the faces its pages use, cut
    to the characters of the whole publication, so a file that two editions
    carry is the same file."""
    if not edition_fonts.is_dir():
        return
    shared.mkdir(parents=True, exist_ok=True)
    for path in sorted(edition_fonts.iterdir()):
        target = shared / path.name
        if not target.exists():
            shutil.copyfile(path, target)
        elif target.read_bytes() != path.read_bytes():
            raise ReleaseError(f"{path}: the HTML editions were built from different texts (their fonts "
                               "differ); rebuild them together with `briefpub build --format html`")


def write_index(staging: Path, editions: list[Edition], order: tuple[Language, ...],
                pub: Publication | None = None) -> None:
    """``dist/index.html``: every edition under its language's native name,
    and ``dist/html/index.html``: the landing page of the HTML editions, both
    in the publication's ``order`` of languages; with the publication
    ``pub``, what makes them findable (:func:`briefpub.release.landing.landing_head`)."""
    by_language = []
    for language in order:
        own = [e for e in editions if e.language == language]
        if not own:
            continue
        own.sort(key=lambda e: list(FORMAT_NAMES).index(e.format))
        by_language.append({
            "language": language,
            "title": own[0].title,
            "subtitle": own[0].subtitle,
            "notice": own[0].notice,
            "editions": [
                {"format": FORMAT_NAMES[e.format], "href": e.path, "size": human_size(e.size, language),
                 "type": MEDIA_TYPES[e.format]}
                for e in own
            ],
        })
    source = next(e for e in by_language if e["language"].is_source) if any(
        e["language"].is_source for e in by_language) else by_language[0]
    html = [e for e in by_language if any(ed["format"] == FORMAT_NAMES["html"] for ed in e["editions"])]
    head = None
    if pub is not None and html:
        head = landing_head(pub, Entry(source["language"], source["title"], source["subtitle"]), "",
                            f"{html_dir(html[0]['language'])}/_static/")
    page = dist_templates().get_template("index.html").render(
        languages=by_language, source=source,
        fonts=f"{FONTS_DIR}/{FONTS_CSS}" if html else None,
        preload=font_preloads(pub, source["language"], staging) if html else [],
        head=head,
    )
    (staging / "index.html").write_text(page, encoding="utf-8")
    if html:
        write_landing(staging / HTML_DIR, [Entry(e["language"], e["title"], e["subtitle"]) for e in html], order,
                      pub=pub)


def write_findable(staging: Path, pub: Publication) -> None:
    """``robots.txt``, ``sitemap.xml`` of every HTML page, and the icons at the top of the release."""
    pages = {}
    for code in pub.codes:
        edition = staging / HTML_DIR / code
        if edition.is_dir():
            pages[code] = sorted(p.relative_to(edition).as_posix() for p in edition.rglob("*.html")
                                 if "_static" not in p.relative_to(edition).parts)
    metadata.write_release_files(staging, pub, pages)


def write_checksums(staging: Path) -> None:
    lines = []
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(staging).as_posix()}\n")
    (staging / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def verify_checksums(dist: Path) -> list[str]:
    """Files of ``dist`` that do not match its SHA256SUMS (empty when it is whole)."""
    sums = dist / "SHA256SUMS"
    if not sums.is_file():
        return ["SHA256SUMS"]
    problems = []
    listed = set()
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed.add(name)
        path = dist / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(name)
    for path in dist.rglob("*"):
        name = path.relative_to(dist).as_posix()
        if path.is_file() and name != "SHA256SUMS" and name not in listed:
            problems.append(name)
    return problems


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def swap_into_place(staging: Path, dist: Path) -> None:
    """Make ``staging`` the new ``dist``; the old one ends up at ``staging``."""
    if not dist.exists():
        staging.rename(dist)
        staging.mkdir()
        return
    if _exchange(staging, dist):
        return
    # Without an atomic exchange, two renames; between them dist/ is absent
    # for an instant, never half-written.
    previous = dist.with_name(dist.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    dist.rename(previous)
    staging.rename(dist)
    previous.rename(staging)


def recover(project: Project) -> None:
    """Tidy what an interrupted release left behind (call it holding the
    release lock): staging folders, and a dist/ caught between two renames."""
    previous = project.dist_dir.with_name(project.dist_dir.name + ".previous")
    if previous.is_dir():
        if project.dist_dir.exists():
            shutil.rmtree(previous, ignore_errors=True)
        else:
            previous.rename(project.dist_dir)
    for staging in project.root.glob(".dist-*"):
        shutil.rmtree(staging, ignore_errors=True)


def collect(project: Project, langs: list[Language], formats: list[str]) -> list[Result]:
    """The editions already built in ``_build/`` (by `briefpub build`, or by the
    jobs of a CI matrix), as results to publish."""
    results, missing = [], []
    for language in langs:
        for fmt in formats:
            output = project.output_dir(language, fmt)
            if built_edition(output) is None:
                missing.append(f"{fmt}-{language.code}")
            results.append(Result(language, fmt, output, 0.0, 0, "", skipped=True))
    if missing:
        raise ReleaseError(f"not published: {', '.join(missing)} not built yet (run `briefpub build`); "
                           "dist/ is unchanged")
    return results


def verify_catalogs(results: list[Result], catalogs: snapshot.Snapshot) -> None:
    """Refuse editions built from other catalogs than the ones the release
    checked (each edition's manifest records the digest of what it read)."""
    try:
        catalogs.verify()
    except snapshot.SnapshotChanged as error:
        raise ReleaseError(f"not published: {error}; dist/ is unchanged") from None
    stale = [
        f"{result.format}-{result.language.code}" for result in results
        if read_manifest(result).get("catalogs")
        != fingerprint.digest(catalogs.folder, result.language.code)
    ]
    if stale:
        raise ReleaseError(f"not published: {', '.join(stale)} were built from other catalogs than the ones "
                           "checked for this release: build them again from this checkout "
                           "(`briefpub build`); dist/ is unchanged")


def release_digest(project: Project, results: list[Result]) -> str:
    """What a release is made of: the input digests of its editions."""
    digest = hashlib.sha256()
    for result in results:
        stamp = project.stamp(result.language, result.format)
        digest.update(stamp.read_bytes() if stamp.is_file() else os.urandom(16))
    return digest.hexdigest()


def is_published(project: Project, results: list[Result]) -> bool:
    """Whether dist/ already is exactly this release, intact."""
    record = project.build_dir / "stamps" / "release"
    sums = project.dist_dir / "SHA256SUMS"
    if not (record.is_file() and sums.is_file() and all(r.skipped for r in results)):
        return False
    expected = f"{release_digest(project, results)} {hashlib.sha256(sums.read_bytes()).hexdigest()}"
    return record.read_text(encoding="utf-8") == expected and not verify_checksums(project.dist_dir)


def publish(project: Project, results: list[Result],
            catalogs: snapshot.Snapshot | None = None) -> list[Edition] | None:
    """Publish built editions to ``project.dist_dir``; all or nothing.
    Returns None when dist/ already held exactly this release.  Given the
    release's ``catalogs``, every edition must have been built from them."""
    failed = [r for r in results if not r.ok]
    if failed:
        names = ", ".join(f"{r.format}-{r.language.code}" for r in failed)
        raise ReleaseError(f"not published: {names} failed to build; dist/ is unchanged")
    if catalogs is not None:
        verify_catalogs(results, catalogs)
    if is_published(project, results):
        return None
    staging = Path(tempfile.mkdtemp(prefix=".dist-", dir=project.root))
    staging.chmod(0o755)
    try:
        editions = stage(staging, results)
        write_index(staging, editions, project.publication.languages, project.publication)
        write_findable(staging, project.publication)
        write_checksums(staging)
        swap_into_place(staging, project.dist_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    record = project.build_dir / "stamps" / "release"
    record.parent.mkdir(parents=True, exist_ok=True)
    sums = hashlib.sha256((project.dist_dir / "SHA256SUMS").read_bytes()).hexdigest()
    record.write_text(f"{release_digest(project, results)} {sums}", encoding="utf-8")
    return editions
