"""`make dist`: twelve editions, published together, reproducibly (that two
builds of the same sources give the same bytes is shown by test_build.py's
CI-matrix test, which builds every edition again and compares checksums)."""

from __future__ import annotations

import shutil

from briefpub.release import publish
from conftest import BRIEF, briefpub, copy_project

NATIVE = ("Українська", "Беларуская", "English", "Polski")


def test_a_release_publishes_twelve_editions_with_checksums(release):
    for code in BRIEF.codes:
        assert (release / f"ukraine-belarus-brief-{code}.pdf").is_file()
        assert (release / f"ukraine-belarus-brief-{code}.epub").is_file()
        assert (release / "html" / code / "index.html").is_file()
        assert not (release / "html" / code / ".buildinfo").exists()
    assert publish.verify_checksums(release) == []


def test_the_index_lists_every_edition_under_its_native_name(release):
    index = (release / "index.html").read_text(encoding="utf-8")
    for name in NATIVE:
        assert name in index
    for code in BRIEF.codes:
        for href in (f"ukraine-belarus-brief-{code}.pdf", f"ukraine-belarus-brief-{code}.epub",
                     f"html/{code}/index.html"):
            assert f'href="{href}"' in index
    assert index.count('class="size"') == 12


def test_a_failed_release_leaves_the_published_one_untouched(release, tmp_path):
    project = copy_project(tmp_path)
    shutil.copytree(release, project.dist_dir)
    before = {p: p.read_bytes() for p in project.dist_dir.rglob("*") if p.is_file()}

    po = project.locale_dir / "uk" / "LC_MESSAGES" / "index.po"
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgstr "Зміст"', 'msgstr "{nosuchrole}`Зміст`"'), encoding="utf-8")
    run = briefpub("dist", cwd=project.root)

    assert run.returncode == 1
    assert "dist/ is unchanged" in run.stderr
    after = {p: p.read_bytes() for p in project.dist_dir.rglob("*") if p.is_file()}
    assert after == before
    assert not list(project.root.glob(".dist-*"))
