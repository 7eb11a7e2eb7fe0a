"""`briefpub build`: the matrix on every core, nothing rebuilt that did not
change, and a live preview for translators."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from briefpub.release import build
from conftest import BRIEF, SOURCE_DATE_EPOCH, briefpub, copy_project


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def states(run: subprocess.CompletedProcess) -> dict[str, str]:
    return {f"{m.group(1)}-{m.group(2)}": m.group(3)
            for m in re.finditer(r"^\s*(\w+) (\w\w)\s+(done|up to date|FAILED)", run.stdout, re.M)}


def test_an_edition_is_rebuilt_only_when_its_inputs_change(tmp_path):
    """Only the editions of the language whose catalog changed are built again:
    an edition holds nothing of another language's translation."""
    project = copy_project(tmp_path)
    both = ("build", "--lang", "uk,pl", "--format", "epub,html")
    first = briefpub(*both, cwd=project.root)
    assert first.returncode == 0, first.stderr
    assert states(first) == {"epub-uk": "done", "epub-pl": "done", "html-uk": "done", "html-pl": "done"}

    assert set(states(briefpub(*both, cwd=project.root)).values()) == {"up to date"}

    edit(project.locale_dir / "pl" / "LC_MESSAGES" / "index.po", 'msgstr "Spis treści"', 'msgstr "Spis rzeczy"')
    assert states(briefpub(*both, cwd=project.root)) == \
        {"epub-uk": "up to date", "epub-pl": "done", "html-uk": "up to date", "html-pl": "done"}

    assert states(briefpub("build", "--lang", "uk", "--format", "epub", "--force", cwd=project.root)) == \
        {"epub-uk": "done"}


def test_a_language_with_catalog_errors_is_not_built_and_the_others_are(tmp_path):
    project = copy_project(tmp_path)
    po = project.locale_dir / "be" / "LC_MESSAGES" / "index.po"
    edit(po, 'msgstr "Змест"', 'msgstr "{nosuchrole}`Змест`"')
    run = briefpub("build", "--lang", "be,pl", "--format", "epub", cwd=project.root)
    assert run.returncode == 1
    assert states(run) == {"epub-pl": "done"}
    assert re.search(rf"{re.escape(str(po.relative_to(project.root)))}:\d+: error: \[markup\]", run.stderr)
    assert "Belarusian editions are not built" in run.stderr


def test_a_language_built_alone_makes_its_pdf_beside_its_html_which_links_its_final_size(tmp_path):
    """With a core to spare the PDF is made beside the HTML; the HTML still
    shows the size the PDF has once made, and the editions are those a build
    of one format after another makes."""
    from briefpub.catalogs import store
    from briefpub.project.languages import human_size

    beside, one_by_one = copy_project(tmp_path / "beside"), copy_project(tmp_path / "one-by-one")
    polish = BRIEF.get("pl")
    for project, jobs in ((beside, "2"), (one_by_one, "1")):
        assert briefpub("build", "--lang", "pl", "-j", jobs, cwd=project.root).returncode == 0
    first = next(beside.output_dir(polish, "pdf").glob("*.pdf")).stat().st_size
    for project, jobs in ((beside, "2"), (one_by_one, "1")):
        # A translator adds a long passage: the PDF grows by kilobytes.
        path = project.locale_dir / "pl" / "LC_MESSAGES" / "index.po"
        catalog = store.read(path)
        longest = max((m for m in catalog if m.id and m.string), key=lambda m: len(m.string))
        longest.string = " ".join([longest.string] * 4)
        store.write(path, catalog)
        run = briefpub("build", "--lang", "pl", "-j", jobs, cwd=project.root)
        assert run.returncode == 0, run.stdout + run.stderr
        assert states(run) == {"epub-pl": "done", "pdf-pl": "done", "html-pl": "done"}
    pdf = next(beside.output_dir(polish, "pdf").glob("*.pdf"))
    assert round(pdf.stat().st_size / 1024) > round(first / 1024)
    page = (beside.output_dir(polish, "html") / "index.html").read_text(encoding="utf-8")
    assert f'PDF<span class="size">, {human_size(round(pdf.stat().st_size / 1024) * 1024, polish)}</span>' in page
    for fmt, name in (("html", "index.html"), ("pdf", pdf.name)):
        assert (beside.output_dir(polish, fmt) / name).read_bytes() == \
            (one_by_one.output_dir(polish, fmt) / name).read_bytes(), fmt


def test_each_language_is_built_in_its_own_process(tmp_path):
    """Sphinx keeps translations per process: two languages in one process
    would leak labels from one edition into the other."""
    project = copy_project(tmp_path)
    results = build.build(build.Project(project.root), [BRIEF.get("uk"), BRIEF.get("pl")], ["epub"],
                          jobs=1)
    assert all(r.ok for r in results)
    for code, word in (("uk", "Зміст"), ("pl", "Spis treści")):
        nav = (project.root / "_build" / "epub" / code / "nav.xhtml").read_text(encoding="utf-8")
        assert f"<title>{word}</title>" in nav


@pytest.fixture
def preview_server(tmp_path):
    project = copy_project(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "briefpub.cli", "preview", "pl", "--port", "0", "--no-open"],
        cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PATH": "/usr/bin:/bin"},
    )
    line = process.stdout.readline()
    url = re.search(r"http://127\.0\.0\.1:\d+/index\.html", line)
    assert url, line + process.stderr.read()
    yield project, url.group(0)
    process.terminate()
    process.wait(timeout=10)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def events(url: str) -> dict:
    with urllib.request.urlopen(url.replace("index.html", "__briefpub/events"), timeout=5) as response:
        for line in response:
            if line.startswith(b"data: "):
                return json.loads(line[6:])


def test_the_preview_rebuilds_on_save_and_shows_errors_with_file_and_line(preview_server):
    project, url = preview_server
    page = fetch(url)
    assert 'lang="pl"' in page and "EventSource" in page
    version = events(url)["version"]

    po = project.locale_dir / "pl" / "LC_MESSAGES" / "index.po"
    edit(po, 'msgstr "Spis treści"', 'msgstr "Spis rzeczy"')
    wait_for(lambda: "Spis rzeczy" in fetch(url))
    wait_for(lambda: events(url)["version"] > version)  # the page is told to reload

    edit(po, 'msgstr "Spis rzeczy"', 'msgstr "Spis rzeczy')
    state = wait_for(lambda: events(url)["error"] and events(url))
    assert f"{po.relative_to(project.root)}:" in state["error"] and "unterminated string" in state["error"]
    assert "Spis rzeczy" in fetch(url)  # the last good build stays


def test_editions_built_apart_as_in_a_ci_matrix_assemble_to_the_same_dist(release, tmp_path):
    """Every (language, format) built on its own runner, the HTML after its
    language's PDF and ePub, then `briefpub publish`: the same checksums as
    `briefpub dist` on one machine (.github/workflows/editions.yml).  As in
    CI, runners of the same stage run side by side (one per core here).

    This is also the test that a release is reproducible: every edition built
    again, in other folders and processes, gives the same bytes (the PDFs and
    ePubs are compared one by one, then every file by its checksum)."""
    import filecmp
    import os
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    from conftest import declare_base_url

    def addressed(target):  # as the release: published at the same address
        project = copy_project(target)
        declare_base_url(project.root)
        return project

    assembly = addressed(tmp_path / "assembly")

    def book_runner(language, fmt):
        runner = addressed(tmp_path / f"{fmt}-{language.code}")
        run = briefpub("build", "--lang", language.code, "--format", fmt, cwd=runner.root)
        assert run.returncode == 0, run.stderr
        shutil.copytree(runner.output_dir(language, fmt), assembly.output_dir(language, fmt))

    def html_runner(language):
        runner = addressed(tmp_path / f"html-{language.code}")
        for fmt in ("epub", "pdf"):
            shutil.copytree(assembly.output_dir(language, fmt), runner.output_dir(language, fmt))
        run = briefpub("build", "--lang", language.code, "--format", "html", cwd=runner.root)
        assert run.returncode == 0, run.stderr
        shutil.copytree(runner.output_dir(language, "html"), assembly.output_dir(language, "html"),
                        ignore=shutil.ignore_patterns("index.html.*"))

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as runners:
        for stage in ([(book_runner, language, fmt) for language in BRIEF.languages for fmt in ("epub", "pdf")],
                      [(html_runner, language) for language in BRIEF.languages]):
            for job in [runners.submit(*job) for job in stage]:
                job.result()  # a runner's failure fails the stage, as in CI
    run = briefpub("publish", cwd=assembly.root)
    assert run.returncode == 0, run.stderr
    for code in BRIEF.codes:
        for suffix in ("pdf", "epub"):
            name = f"ukraine-belarus-brief-{code}.{suffix}"
            assert filecmp.cmp(release / name, assembly.dist_dir / name, shallow=False), name
    assert (assembly.dist_dir / "SHA256SUMS").read_text() == (release / "SHA256SUMS").read_text()
