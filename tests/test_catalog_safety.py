"""A catalog is untrusted input: what `briefpub check --release` (the release
gate) sees before Sphinx ever runs.

The hostile corpus in tests/hostile/catalog/ holds one case per file (its
README says how a case is written): block and inline markup a translation must
not add, invisible and control characters, bounds, files that must not be
read, bytes that gettext cannot read, catalogs that lack the source's messages.
Hypothesis then writes block-level MyST of its own into translations.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import write_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefpub.catalogs import checks, sources, stats, store
from conftest import BRIEF, REPO, copy_project

CORPUS = Path(__file__).parent / "hostile" / "catalog"
CASES = sorted(CORPUS.glob("*.toml"))
POLISH = BRIEF.get("pl")
INDEX = Path("pl") / "LC_MESSAGES" / "index.po"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A copy of the brief, its source extracted once for every case."""
    project = copy_project(tmp_path_factory.mktemp("hostile-catalogs"))
    sources.extract(project.source_dir)
    return project


@pytest.fixture
def project(pristine):
    yield pristine
    for path in (pristine.locale_dir / "pl", pristine.locale_dir / checks.TERMINOLOGY):
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.exists():
            shutil.rmtree(path)
    shutil.copytree(REPO / "locale" / "pl", pristine.locale_dir / "pl", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(REPO / "locale" / checks.TERMINOLOGY, pristine.locale_dir / checks.TERMINOLOGY)


def serialise(catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    return buffer.getvalue().decode("utf-8")


def make_catalog(project, spec: dict) -> str | None:
    """Make the Polish catalog as the case says; return the msgid whose line the case expects."""
    path = project.locale_dir / INDEX
    if "link" in spec:
        path.unlink()
        path.symlink_to(spec["link"])
        return None
    if "link_folder" in spec:
        folder = {"pl": project.locale_dir / "pl", "LC_MESSAGES": path.parent}[spec["folder"]]
        shutil.rmtree(folder)
        folder.symlink_to(spec["link_folder"])
        return None
    if "link_terminology" in spec:
        terms = project.locale_dir / checks.TERMINOLOGY
        terms.unlink()
        terms.symlink_to(spec["link_terminology"])
        return None
    if spec.get("fifo"):
        path.unlink()
        os.mkfifo(path)
        return None
    if "size" in spec:
        with path.open("wb") as file:
            file.truncate(spec["size"])
        return None
    msgid = None
    text = path.read_text(encoding="utf-8")
    if "msgstr" in spec or "drop" in spec:
        catalog = store.read(path)
        if "msgstr" in spec:
            msgstr = spec["msgstr"] * spec.get("repeat", 1)
            msgid = spec.get("msgid", spec.get("entry", "Contents"))
            if "msgid" in spec:
                catalog.add(msgid, msgstr, locations=[("index.md", 1)])
            else:
                catalog[msgid].string = msgstr
        for message in list(catalog):
            if message.id and spec.get("drop") in ("all", message.id):
                del catalog[message.id]
        text = serialise(catalog)
    for old, new in spec.get("replace", ()):
        text = text.replace(old, new)
    text = spec.get("text", spec.get("prefix", "") + text.replace("\n", spec.get("line_ending", "\n")))
    path.write_bytes(text.encode(spec.get("encoding", "utf-8")))
    return msgid


def entry_line(project, msgid: str) -> int:
    return store.read(project.locale_dir / INDEX)[msgid].lineno


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.stem)
def test_the_release_gate_refuses_each_hostile_catalog(project, case):
    spec = tomllib.loads(case.read_text(encoding="utf-8"))
    msgid = make_catalog(project, spec["catalog"])
    expect = spec["expect"]
    started = time.perf_counter()
    problems = checks.check_language(project.locale_dir, POLISH, BRIEF.source.code, release=True,
                                      source_dir=project.source_dir)
    assert time.perf_counter() - started < 10
    shown = "\n".join(str(problem) for problem in problems)
    if "absent" in expect:
        assert expect["absent"] not in {problem.rule for problem in problems}, shown
        return
    line = entry_line(project, msgid) if expect.get("line") == "entry" else expect.get("line")
    matching = [
        problem for problem in problems
        if problem.rule == expect["rule"] and problem.severity == expect.get("severity", "error")
        and (line is None or problem.line == line) and re.search(expect["message"], problem.message)
    ]
    assert matching, shown
    assert all(problem.path.is_relative_to(project.locale_dir) for problem in matching)
    if "secret" in expect:
        assert expect["secret"] not in shown


def test_the_corpus_covers_every_rule_of_the_catalog_side():
    rules = {tomllib.loads(case.read_text(encoding="utf-8"))["expect"].get("rule") for case in CASES}
    assert {"markup", "raw-html", "control-characters", "bounds", "file", "encoding", "header", "syntax",
            "incomplete"} <= rules


# --- the command line, with the files it must not read -------------------------------

SECRET = "HOSTILE_CATALOG_SECRET=do-not-publish-4f1c"


def run(project, *args: str) -> subprocess.CompletedProcess:
    """`briefpub …` with a secret first in its environment, where
    /proc/self/environ starts."""
    name, value = SECRET.split("=")
    return subprocess.run(
        [sys.executable, "-m", "briefpub.cli", *args], cwd=project.root, capture_output=True, text=True,
        env={name: value, **os.environ}, timeout=120,
    )


def test_check_and_stats_refuse_links_out_of_the_project_without_reading_them(project):
    locale = project.locale_dir
    (locale / INDEX).unlink()
    (locale / INDEX).symlink_to("/proc/self/environ")
    (locale / "uk" / "LC_MESSAGES" / "sphinx.po").unlink()
    (locale / "uk" / "LC_MESSAGES" / "sphinx.po").symlink_to("/dev/zero")
    shutil.move(locale / "be" / "LC_MESSAGES", project.root / "be-messages")
    (locale / "be" / "LC_MESSAGES").symlink_to("/")
    try:
        started = time.perf_counter()
        check = run(project, "check", "--release")
        seconds = time.perf_counter() - started
        summary = run(project, "stats", "--json")
    finally:
        (locale / "be" / "LC_MESSAGES").unlink()
        shutil.move(project.root / "be-messages", locale / "be" / "LC_MESSAGES")
        (locale / "uk" / "LC_MESSAGES" / "sphinx.po").unlink()
        shutil.copy(REPO / "locale" / "uk" / "LC_MESSAGES" / "sphinx.po", locale / "uk" / "LC_MESSAGES")
    output = check.stdout + check.stderr + summary.stdout + summary.stderr
    assert check.returncode == 1 and summary.returncode == 0, output
    assert "Traceback" not in output and "MemoryError" not in output
    assert SECRET.split("=")[1] not in output
    assert seconds < 30  # not a scan of the whole disk
    for path, target in ((INDEX, r"/proc/\d+/environ"), (Path("uk/LC_MESSAGES/sphinx.po"), "/dev/zero"),
                         (Path("be/LC_MESSAGES"), "/")):
        assert re.search(rf"locale/{re.escape(path.as_posix())}:0: error: \[file\] this is a symbolic link to "
                         rf"{target}, outside the project; nothing was read from it", check.stdout), check.stdout
    rows = {row["code"]: row for row in json.loads(summary.stdout)}
    assert not rows["pl"]["complete"] and rows["pl"]["percent"] < 100
    assert str(Path("locale") / INDEX) in rows["pl"]["unreadable"]


def polib_entries(path: Path) -> list:
    """The translated entries of a catalog, as polib (not briefpub) reads them."""
    import polib

    return polib.pofile(str(path)).translated_entries()


def test_a_header_only_catalog_is_no_complete_translation(project):
    make_catalog(project, {"drop": "all"})
    run_check = run(project, "check", "--release", "--lang", "pl")
    assert run_check.returncode == 1
    assert "[incomplete] 37 messages of the source are not in this catalog" in run_check.stdout
    summary = run(project, "stats", "--lang", "pl", "--json")
    row = json.loads(summary.stdout)[0]
    labels = len(polib_entries(project.root / "locale/pl/LC_MESSAGES/sphinx.po"))
    assert row["missing"] == 37 and row["translated"] == labels and row["messages"] == 37 + labels
    assert row["percent"] < 40 and not row["complete"]


def test_a_release_is_refused_while_a_catalog_lacks_an_entry(project):
    make_catalog(project, {"drop": "Contents"})
    release = run(project, "dist", "--no-wait")
    assert release.returncode == 1
    assert re.search(r"locale/pl/LC_MESSAGES/index\.po:1: error: \[incomplete\] 1 message of the source is not in "
                     r"this catalog: 'Contents'", release.stderr), release.stderr
    assert "--allow-incomplete" in release.stderr  # unfinished, not broken
    assert not project.dist_dir.exists()


def test_statistics_count_against_the_source(pristine):
    templates = sources.extract(pristine.source_dir)
    assert not templates.problems and set(templates.domains) == {"index", "sphinx"}
    for row in stats.collect(pristine.locale_dir, list(BRIEF.languages), templates):
        assert row.missing == 0 and row.complete, row


def test_the_projects_own_catalogs_are_complete_against_the_source(pristine):
    problems = checks.check(pristine.locale_dir, BRIEF, release=True, source_dir=pristine.source_dir)
    assert [str(problem) for problem in problems if problem.is_error] == []


def test_templates_are_kept_for_the_next_run_until_the_source_changes(tmp_path):
    project = copy_project(tmp_path)
    first = sources.extract(project.source_dir)
    kept = list((project.build_dir / "templates").iterdir())
    assert len(kept) == 1 and {path.name for path in kept[0].iterdir()} == {"index.pot", "sphinx.pot"}
    sources._EXTRACTED.clear()  # as in a new run
    started = time.perf_counter()
    again = sources.extract(project.source_dir)
    assert time.perf_counter() - started < 1  # read, not extracted
    assert {domain: [m.id for m in template] for domain, template in again.domains.items()} == \
        {domain: [m.id for m in template] for domain, template in first.domains.items()}
    assert again.domains["index"]["Contents"].locations == first.domains["index"]["Contents"].locations
    source = project.source_dir / "index.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA new closing paragraph.\n", encoding="utf-8")
    changed = sources.extract(project.source_dir)
    assert changed.domains["index"].get("A new closing paragraph.") is not None
    assert [path.name for path in (project.build_dir / "templates").iterdir()] != [kept[0].name]


# --- Hypothesis: block-level MyST in a translation ------------------------------------

PROSE = st.text(alphabet="abcdefghijklmnoprstuwyząęłóśżź ,", max_size=40).map(str.strip)
TARGETS = st.sampled_from([
    "/etc/passwd", "../../../../proc/self/environ", "http://127.0.0.1:9/ok", "html", "latex", "secret.csv", "",
])
OPTIONS = st.lists(st.sampled_from([
    ":file: /etc/passwd", ":url: http://127.0.0.1:9/ok", ":encoding: latin-1", ":start-line: 1", ":class: x",
]), max_size=2)
RST = st.sampled_from([
    ".. include:: /etc/passwd", ".. raw:: html\n   :file: /etc/passwd", "`kliknij <java script:alert(1)>`__",
    ":download:`plik <../../../../etc/passwd>`", ".. image:: http://127.0.0.1:9/i.png", "tekst |env| tekst",
    "link_\n\n.. _link: http://127.0.0.1:9/", "![`x <javascript:alert(1)>`__](x)", "zwykły tekst",
])
DIRECTIVES = st.sampled_from([
    "include", "literalinclude", "raw", "eval-rst", "csv-table", "image", "figure", "code-block", "note",
    "admonition", "list-table", "toctree", "download", "nosuchdirective",
])


@st.composite
def directive(draw) -> str:
    fence = draw(st.sampled_from(["```", "~~~", "````", "~~~~~", ":::"]))
    name = draw(DIRECTIVES)
    lines = [f"{draw(st.sampled_from(['', ' ', '   ']))}{fence}{{{name}}} {draw(TARGETS)}".rstrip()]
    lines += draw(OPTIONS)
    lines.append(draw(RST) if name == "eval-rst" else draw(PROSE))
    if draw(st.booleans()):  # an unclosed fence runs to the end of the message
        lines.append(fence)
    return "\n".join(lines)


@st.composite
def definition(draw) -> str:
    label = draw(st.text(alphabet="abcxyz123", min_size=1, max_size=8))
    url = draw(st.sampled_from(["http://127.0.0.1:9/", "https://evil.example/x", "javascript:alert(1)", "/etc/passwd"]))
    return f"[{label}]: {url}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=PROSE, block=st.one_of(directive(), definition()), after=PROSE)
def test_block_markup_a_translation_adds_is_refused(tmp_path, before, block, after):
    msgstr = "\n\n".join(part for part in (before, block, after) if part)
    path = tmp_path / "pl" / "LC_MESSAGES" / "index.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog = store.read(REPO / "locale" / "pl" / "LC_MESSAGES" / "index.po")
    for message in list(catalog):
        if message.id not in ("", "Contents"):
            del catalog[message.id]
    catalog["Contents"].string = msgstr
    path.write_text(serialise(catalog), encoding="utf-8")
    line = store.read(path)["Contents"].lineno
    problems = checks.check_catalog(path, POLISH, [], release=True)
    assert any(problem.rule in ("markup", "raw-html") and problem.is_error and problem.line == line
               for problem in problems), (msgstr, [str(problem) for problem in problems])


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (Debian: gettext) is checked by `make system`")
def test_gettext_itself_refuses_what_the_byte_checks_refuse(tmp_path):
    """The advice is gettext's: msgfmt fails on a byte-order mark and on CR-only line endings."""
    text = (REPO / "locale" / "pl" / "LC_MESSAGES" / "sphinx.po").read_text(encoding="utf-8")
    for name, data in (("bom.po", "\ufeff" + text), ("cr.po", text.replace("\n", "\r"))):
        (tmp_path / name).write_text(data, encoding="utf-8", newline="")
        run = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(tmp_path / name)], capture_output=True)
        assert run.returncode != 0, name
        problems = store.parse(tmp_path / name)[1]
        assert [problem.rule for problem in problems] == ["encoding"], name
