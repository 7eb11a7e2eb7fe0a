"""Hostile and broken inputs: briefpub says what and where, exits non-zero,
and the editions already published in dist/ stay exactly as they were."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pypdf
import pytest

from conftest import briefpub, copy_project

PO = "locale/pl/LC_MESSAGES/index.po"


def snapshot(dist: Path) -> dict[str, bytes]:
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in dist.rglob("*") if p.is_file()}


@pytest.fixture
def published(release, tmp_path):
    """A project whose dist/ holds a good release."""
    project = copy_project(tmp_path)
    shutil.copytree(release, project.dist_dir)
    return project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def replace_msgstr(project, old: str, new: str) -> None:
    edit(project.root / PO, f'msgstr "{old}"', f'msgstr "{new}"')


def assert_refused(project, run, pattern: str, before: dict) -> None:
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.search(pattern, run.stderr), run.stderr
    assert snapshot(project.dist_dir) == before


# --- a broken catalog: (mutation, message) -------------------------------------------

def po_line(project, needle: str) -> int:
    lines = (project.root / PO).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


CATALOG_CASES = {
    "unterminated string": (lambda p: edit(p.root / PO, 'msgstr "Spis treści"', 'msgstr "Spis treści'),
                            r"\[syntax\] msgstr: unterminated string: the closing quote is missing"),
    "garbage line": (lambda p: edit(p.root / PO, 'msgid "Contents"', 'Contents, translated!\nmsgid "Contents"'),
                     r"\[syntax\] garbage line"),
    "invalid UTF-8": (lambda p: (p.root / PO).write_bytes(
        (p.root / PO).read_bytes().replace("Spis treści".encode(), b"Spis tre\xb6ci")),
                      r"\[encoding\] invalid UTF-8 .*save the file as UTF-8"),
    "broken Plural-Forms": (lambda p: edit(p.root / PO, "nplurals=3; plural=(n==1", "nplurals=3; plural=(n===1"),
                            r"\[header\] the plural expression .* does not parse: use"),
    "Language of another language": (lambda p: edit(p.root / PO, '"Language: pl\\n"', '"Language: uk\\n"'),
                                     r"\[header\] the Language header says 'uk' but the catalog is in locale/pl/"),
    "duplicate msgid": (lambda p: (p.root / PO).write_text(
        (p.root / PO).read_text(encoding="utf-8") + '\nmsgid "Contents"\nmsgstr "Treść"\n', encoding="utf-8"),
                        r"\[syntax\] duplicate msgid \(first at line \d+\)"),
    "script": (lambda p: replace_msgstr(p, "Spis treści", "Spis treści<script>alert(1)</script>"),
               r"\[raw-html\] raw HTML '<script>'"),
    "onerror attribute": (lambda p: replace_msgstr(p, "Spis treści", "Spis <img src=x onerror=alert(1)> treści"),
                          r"\[raw-html\]"),
    "attachment link": (lambda p: replace_msgstr(
        p, "Spis treści", '<a rel=\\"attachment\\" href=\\"file:///etc/passwd\\">Spis treści</a>'), r"\[raw-html\]"),
    "unknown role": (lambda p: replace_msgstr(p, "Spis treści", "{nosuchrole}`Spis treści`"),
                     r"\[markup\] roles differ from the source: not in the source '\{nosuchrole\}`Spis treści`'"),
    "missing label": (lambda p: replace_msgstr(p, "Spis treści", "{ref}`Spis treści <no-such-label>`"),
                      r"\[markup\] roles differ"),
    "broken emphasis": (lambda p: replace_msgstr(p, "Spis treści", "*Spis treści"),
                        r"\[markup\] unbalanced markup: '\*' left over"),
}


@pytest.mark.parametrize("case", list(CATALOG_CASES))
def test_a_broken_catalog_is_refused_at_its_line(published, case):
    mutate, message = CATALOG_CASES[case]
    before = snapshot(published.dist_dir)
    mutate(published)
    run = briefpub("dist", cwd=published.root)
    assert_refused(published, run, rf"{re.escape(PO)}:\d+: error: " + message, before)
    assert "dist/ is unchanged" in run.stderr


def test_a_hostile_link_never_reaches_an_edition_even_past_the_checks(tmp_path):
    """Built by plain Sphinx, without briefpub's checks: MyST's raw HTML is off,
    so the markup is printed as text, and the PDF fetches nothing outside its build."""
    project = copy_project(tmp_path)
    replace_msgstr(project, "Spis treści",
                   'Spis <a rel=\\"attachment\\" href=\\"file:///etc/passwd\\">treści</a><script>x()</script>')
    out = project.root / "out"
    run = subprocess.run([sys.executable, "-m", "sphinx", "-b", "pdf", "-D", "language=pl", "-q",
                          str(project.source_dir), str(out)], capture_output=True, text=True)
    pdf = next(out.glob("*.pdf"), None)
    if pdf is not None:
        assert b"root:x:0:0" not in pdf.read_bytes()
        assert "/EmbeddedFiles" not in pypdf.PdfReader(pdf).trailer["/Root"].get("/Names", {})
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>x()" not in html and "&lt;script&gt;" in html
    assert '<a rel="attachment"' not in html
    assert run.returncode == 0 or "refused" in run.stderr


# --- languages and documents ------------------------------------------------------

@pytest.mark.parametrize("code", ["xx", "../../etc", "uk/../be", "UK", "pl,"])
def test_an_unknown_or_malformed_language_code_is_a_usage_error(published, code):
    before = snapshot(published.dist_dir)
    run = briefpub("build", "--lang", code, cwd=published.root)
    if code == "pl,":  # a trailing comma is harmless
        assert run.returncode == 0
        return
    assert run.returncode == 2
    assert "unknown language" in run.stderr and "uk, be, en, pl" in run.stderr
    assert snapshot(published.dist_dir) == before


def test_a_folder_under_locale_that_is_no_language_is_refused(published):
    before = snapshot(published.dist_dir)
    shutil.copytree(published.locale_dir / "pl", published.locale_dir / "xx")
    run = briefpub("dist", cwd=published.root)
    assert_refused(published, run, r"locale/xx:0: error: \[language\] unknown language 'xx'.*rename or remove", before)


def test_a_catalog_for_a_document_that_no_longer_exists_is_refused(published):
    before = snapshot(published.dist_dir)
    shutil.copy(published.root / PO, published.locale_dir / "pl" / "LC_MESSAGES" / "annex.po")
    run = briefpub("dist", cwd=published.root)
    assert_refused(published, run, r"annex\.po:1: error: \[documents\] a catalog for annex\.md.*delete this file",
                   before)


def test_a_document_without_a_catalog_is_refused(published):
    before = snapshot(published.dist_dir)
    (published.source_dir / "annex.md").write_text("# Annex\n\nA new part.\n", encoding="utf-8")
    run = briefpub("dist", cwd=published.root)
    assert_refused(published, run, r"docs/annex\.md:1: error: \[documents\] .*run `make update-po`", before)


# --- the machine: fonts, libraries, disks ----------------------------------------------

def with_patch(project, code: str) -> dict:
    """Run briefpub with ``code`` executed at interpreter start (sitecustomize)."""
    folder = project.root / "_patch"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(textwrap.dedent(code), encoding="utf-8")
    return {"PYTHONPATH": str(folder)}


FIRST_FACE_REPLACED = """
import dataclasses, pathlib, briefpub.project.typefaces as typefaces
_faces = typefaces.Typeface.faces
def faces(self, family):
    found = _faces(self, family)
    if self.package != "fontpkg-pt-serif":
        return found
    first = found[0]
    return ({face},) + found[1:]
typefaces.Typeface.faces = faces
"""
"""sitecustomize code that replaces the first face of PT Serif with ``face``."""


def test_a_missing_font_file_is_named_with_what_to_do(published):
    before = snapshot(published.dist_dir)
    env = with_patch(published, FIRST_FACE_REPLACED.format(face='dataclasses.replace(first, file="PT_Serif-Missing.ttf")'))
    run = briefpub("dist", "--force", cwd=published.root, env=env)
    assert_refused(published, run, r"PT_Serif-Missing\.ttf: font file cannot be read \(No such file or directory\)"
                                   r": reinstall with `make setup`", before)


def test_a_font_file_that_is_no_font_is_named_with_what_to_do(published):
    before = snapshot(published.dist_dir)
    broken = published.root / "broken.ttf"
    broken.write_bytes(b"<html>not a font</html>")
    env = with_patch(published, FIRST_FACE_REPLACED.format(face="Broken(**dataclasses.asdict(first))") + textwrap.dedent(f"""
        class Broken(typefaces.Face):
            @property
            def path(self):
                return pathlib.Path({str(broken)!r})
    """))
    run = briefpub("dist", "--force", cwd=published.root, env=env)
    assert_refused(published, run, r"broken\.ttf: not a TrueType/OpenType font: reinstall with `make setup`", before)


def test_a_missing_pango_library_names_the_package_to_install(published):
    before = snapshot(published.dist_dir)
    env = with_patch(published, """
        import cffi
        _dlopen = cffi.FFI.dlopen
        def dlopen(self, name, *args, **kwargs):
            if "pango" in str(name):
                raise OSError(f"cannot load library {name!r}")
            return _dlopen(self, name, *args, **kwargs)
        cffi.FFI.dlopen = dlopen
    """)
    run = briefpub("dist", "--force", cwd=published.root, env=env)
    assert_refused(published, run, r"install the Debian packages libpango-1\.0-0 and libpangoft2-1\.0-0", before)


def mount_tmpfs(target: Path, options: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True)
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({run.stderr.decode().strip()}); needs root")


@pytest.fixture
def mounted(published):
    build_dir = published.root / "_build"
    yield published, build_dir
    subprocess.run(["umount", str(build_dir)], capture_output=True)


@pytest.mark.parametrize(("options", "message"), [
    pytest.param("ro,size=1m", r"read-only file system.*build in a writable checkout", id="read-only output"),
    pytest.param("size=3m", r"No space left on device: the disk is full; free some space", id="disk full"),
])
def test_an_output_directory_that_cannot_be_written_is_reported(mounted, options, message):
    project, build_dir = mounted
    before = snapshot(project.dist_dir)
    mount_tmpfs(build_dir, options)
    run = briefpub("dist", cwd=project.root)
    assert_refused(project, run, message, before)
