"""Defence in depth inside the build: a hostile catalog that got past the
checks still publishes nothing of the machine, the network or a script.

The catalog checks are switched off here: every build goes straight to
Sphinx (``briefpub.release.build.build``), in a one-page project in a temporary
folder, with a secret file planted outside the project, a secret variable in
the build's environment and a loopback listener that must hear nothing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
import zipfile
from pathlib import Path

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefpub.release import build, snapshot
from conftest import BRIEF, REPO, SOURCE_DATE_EPOCH

CORPUS = Path(__file__).parent / "hostile" / "build"
CASES = {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(CORPUS.glob("*.toml"))}
PL = BRIEF.get("pl")
FORMATS = ["epub", "pdf", "html"]

SOURCE = """\
# A small brief

{.subtitle}
A subtitle for the brief

The first paragraph, with [a link](https://example.org/page).

The target paragraph.

A closing paragraph offering the {download}`form <form.txt>`.

```{literalinclude} snippet.txt
```
"""
SOURCE_SNIPPET = "SOURCESNIPPETKEPT"
"""A file the source itself includes: the publisher's own file insertion stays."""

TARGET = "The target paragraph."
TRANSLATIONS = {
    "A small brief": "Krótki raport",
    "A subtitle for the brief": "Podtytuł raportu",
    "The first paragraph, with [a link](https://example.org/page).":
        "Pierwszy akapit, z [odnośnikiem](https://example.org/page).",
    "A closing paragraph offering the {download}`form <form.txt>`.":
        "Ostatni akapit z {download}`formularzem <form.txt>`.",
}


def po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def make_project(root: Path, msgstr: str) -> build.Project:
    """The one-page brief with ``msgstr`` as the Polish translation of its
    target paragraph."""
    docs, catalogs = root / "docs", root / "locale" / "pl" / "LC_MESSAGES"
    docs.mkdir(parents=True)
    catalogs.mkdir(parents=True)
    shutil.copy(REPO / "docs" / "conf.py", docs / "conf.py")
    shutil.copy(REPO / "docs" / "publication.toml", docs / "publication.toml")
    (docs / "index.md").write_text(SOURCE, encoding="utf-8")
    (docs / "form.txt").write_text("A form to fill in.\n", encoding="utf-8")
    (docs / "snippet.txt").write_text(SOURCE_SNIPPET + "\n", encoding="utf-8")
    entries = [*TRANSLATIONS.items(), (TARGET, msgstr)]
    (catalogs / "index.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: pl\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        + "".join(f"msgid {po_string(msgid)}\nmsgstr {po_string(text)}\n\n" for msgid, text in entries),
        encoding="utf-8",
    )
    return build.Project(root)


def target_line(project: build.Project) -> int:
    lines = (project.locale_dir / "pl" / "LC_MESSAGES" / "index.po").read_text(encoding="utf-8").splitlines()
    return lines.index(f"msgid {po_string(TARGET)}") + 1


# --- what an edition contains -------------------------------------------------------


def pdf_contents(path: Path) -> tuple[bytes, list[str]]:
    """A PDF's text, every decoded stream and string, and its link actions."""
    reader = pypdf.PdfReader(path)
    parts = [page.extract_text().encode() for page in reader.pages]
    seen: set[int] = set()

    def walk(value) -> None:
        if isinstance(value, pypdf.generic.IndirectObject):
            if value.idnum in seen:
                return
            seen.add(value.idnum)
            value = value.get_object()
        if isinstance(value, pypdf.generic.StreamObject):
            parts.append(value.get_data())
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, (str, bytes)):
            parts.append(value.encode() if isinstance(value, str) else value)

    walk(reader.trailer)
    uris = [
        str(annotation.get_object()["/A"].get("/URI"))
        for page in reader.pages for annotation in page.get("/Annots", []) or []
        if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
    ]
    return b"\n".join(parts), uris


def editions(project: build.Project) -> dict[str, bytes]:
    """Every file each edition wrote, decompressed, by name (``html:…``,
    ``epub:…``, ``pdf:…``): whatever a failed build left is looked at too."""
    found = {}
    html = project.output_dir(PL, "html")
    for path in html.rglob("*") if html.is_dir() else []:
        if path.is_file():
            found[f"html:{path.relative_to(html).as_posix()}"] = path.read_bytes()
    for path in project.output_dir(PL, "epub").glob("*.epub"):
        with zipfile.ZipFile(path) as book:
            for name in book.namelist():
                found[f"epub:{name}"] = book.read(name)
    for path in project.output_dir(PL, "pdf").glob("*.pdf"):
        content, uris = pdf_contents(path)
        found["pdf:content"] = content
        found["pdf:links"] = "\n".join(uris).encode()
    return found


def squeezed(data: bytes) -> bytes:
    """Without whitespace and hyphens: a PDF's text may break a word anywhere."""
    return re.sub(rb"[\s\-\xad]|\xc2\xad", b"", data)


def leaks(found: dict[str, bytes], needles: list[str]) -> list[str]:
    return [
        f"{needle!r} in {name}" for name, data in found.items() for needle in needles
        if needle.encode() in data or squeezed(needle.encode()) in squeezed(data)
    ]


def extra_files(found: dict[str, bytes]) -> list[str]:
    """Files an edition carries that the source does not offer."""
    return [name for name in found if re.match(r"(html|epub):(.*/)?_(downloads|images)/", name)
            and not name.endswith("/form.txt")]


# --- the network ----------------------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it gets."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.heard: list[bytes] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    request = connection.recv(4096)
                except OSError:
                    request = b""
                self.heard.append(request or b"(connected)")
                connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
                                   b"<script>alert('fetched')</script>a,b\r\n")

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.socket.close()


@pytest.fixture(scope="module")
def listener():
    heard = Listener()
    yield heard
    heard.close()


def test_the_listener_hears_a_request(listener):
    """The listener the hostile builds must not reach does hear a real request."""
    before = len(listener.heard)
    with socket.create_connection(("127.0.0.1", listener.socket.getsockname()[1])) as connection:
        connection.sendall(b"GET /control HTTP/1.0\r\n\r\n")
        connection.recv(100)
    deadline = time.monotonic() + 5
    while len(listener.heard) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.heard[before:] and b"/control" in listener.heard[before]
    del listener.heard[before:]


# --- the secrets ------------------------------------------------------------------------


class Secrets:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.file = folder / f"planted-{secrets.token_hex(4)}.txt"
        self.file_content = f"PLANTEDFILE{secrets.token_hex(12)}"
        self.file.write_text(self.file_content + "\n", encoding="utf-8")
        self.variable = "BRIEFPUB_PLANTED_TOKEN"
        self.value = f"PLANTEDENV{secrets.token_hex(12)}"

    def fill(self, template: str, project: build.Project, url: str) -> str:
        return (template.replace("@SECRET_FILE@", os.path.relpath(self.file, project.source_dir))
                .replace("@ENVIRON@", os.path.relpath("/proc/self/environ", project.source_dir))
                .replace("@URL@", url))

    @property
    def needles(self) -> list[str]:
        return [self.file_content, self.value, self.file.name]


DRIVER = """
import json, sys
from pathlib import Path
from briefpub.release import build
found = {}
for root in sys.argv[1:]:
    project = build.Project(Path(root))
    results = build.build(project, [project.publication.get("pl")], ["epub", "pdf", "html"], force=True)
    found[root] = {r.format: [r.returncode, r.log] for r in results}
print(json.dumps(found))
"""


def build_apart(roots: list[Path], plant: Secrets) -> dict[str, dict[str, list]]:
    """Build projects in processes of their own whose environment, from their
    start (``/proc/self/environ``), holds the secret variable: one process a
    core, each building its share of the projects one after the other (each
    project is a Sphinx build of its own, as each language is)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, plant.variable: plant.value}
    shares = max(1, min(len(roots), os.cpu_count() or 1))
    runs = [subprocess.Popen([sys.executable, "-c", DRIVER, *map(str, roots[start::shares])],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for start in range(shares)]
    found = {}
    for run in runs:
        out, errors = run.communicate()
        assert run.returncode == 0, errors
        found.update(json.loads(out.splitlines()[-1]))
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, listener):
    """Every hostile case and a control, each built once to all three formats."""
    base = tmp_path_factory.mktemp("corpus")
    plant = Secrets(base / "outside")
    projects = {}
    for name, case in {**CASES, "control": {"msgstr": "Docelowy akapit."}}.items():
        root = base / name
        root.mkdir()
        project = build.Project(root)
        projects[name] = make_project(root, plant.fill(case["msgstr"], project, f"{listener.url}/{name}"))
    results = build_apart([project.root for project in projects.values()], plant)
    return plant, {name: (project, results[str(project.root)]) for name, project in projects.items()}


def test_a_clean_translation_builds_and_the_source_keeps_its_own_files(corpus):
    """The control: the same project with an honest translation builds, and
    the scanner finds the file the source includes in all three formats."""
    plant, built = corpus
    project, results = built["control"]
    assert all(code == 0 for code, _ in results.values()), results
    found = editions(project)
    for fmt in FORMATS:
        assert any(SOURCE_SNIPPET.encode() in data for name, data in found.items() if name.startswith(fmt)), fmt
    assert found["pdf:links"].split() == [b"https://example.org/page"]
    assert not leaks(found, plant.needles) and not extra_files(found)


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_translation_is_refused_and_publishes_nothing_of_it(corpus, listener, name):
    plant, built = corpus
    project, results = built[name]
    line = target_line(project)
    for fmt, (code, log) in results.items():
        assert code != 0, f"{fmt} built: {log}"
        assert f"locale/pl/LC_MESSAGES/index.po:{line}: " in log, log
        assert "<translated>" not in log
    found = editions(project)
    assert not leaks(found, plant.needles)
    # The theme's own scripts (copied by Sphinx, never from a catalog) may say "javascript:".
    assert not leaks({n: data for n, data in found.items() if "_static/" not in n}, CASES[name].get("never", []))
    assert not extra_files(found)
    for uri in found.get("pdf:links", b"").decode().split():
        assert uri.startswith(("https:", "http:", "mailto:")), uri
    assert not [request for request in listener.heard if f"/{name}".encode() in request]


def test_no_build_reached_the_network(corpus, listener):
    assert listener.heard == []


# --- refused on every run ------------------------------------------------------------------


def test_a_refused_edition_is_refused_again_on_the_next_run(tmp_path):
    project = make_project(tmp_path, CASES["undefined-substitution"]["msgstr"])
    for attempt in range(2):
        results = build.build(project, [PL], ["html"])
        assert not results[0].ok, f"run {attempt + 1} published: {results[0].log}"
        assert re.search(r"index\.po:\d+: .*[Uu]ndefined substitution|could not be read", results[0].log)
        assert b"problematic" not in (project.output_dir(PL, "html") / "index.html").read_bytes()
    assert not project.stamp(PL, "html").exists()
    assert not (project.output_dir(PL, "html") / build.MANIFEST).exists()
    assert not project.doctree_dir(PL).exists()


# --- a time limit on each edition ---------------------------------------------------------------


BUILD_PL_PDF = """
import sys
from pathlib import Path
from briefpub.release import build
project = build.Project(Path(sys.argv[1]))
[result] = build.build(project, [project.publication.get("pl")], ["pdf"])
print(result.log)
sys.exit(0 if result.ok else 1)
"""


def test_an_edition_that_takes_too_long_is_stopped_with_its_name(tmp_path):
    project = make_project(tmp_path, " ".join(["Bardzo długi akapit bez końca."] * 12000))
    with (project.source_dir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nbriefpub_time_limit = 1\n")
    started = time.monotonic()
    # The build itself (the checks, which refuse so long a message, are passed by), in a process of its
    # own as a user's build is: whatever this test session's processes have been through.
    run = subprocess.run([sys.executable, "-c", BUILD_PL_PDF, str(project.root)], cwd=project.root,
                         capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    assert time.monotonic() - started < 30
    said = run.stdout + run.stderr
    assert run.returncode == 1, said
    assert "the pdf edition in Polish was stopped after 1 s" in said, said
    assert "briefpub check --lang pl" in said
    assert not (project.output_dir(PL, "pdf") / build.MANIFEST).exists()


# --- one snapshot of the catalogs per release ------------------------------------------------


def test_a_release_builds_the_catalogs_it_checked_not_a_later_copy(tmp_path):
    project = make_project(tmp_path, "Docelowy akapit.")
    taken = snapshot.take(project.root, project.locale_dir, project.build_dir)
    assert not taken.refused
    po = project.locale_dir / "pl" / "LC_MESSAGES" / "index.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Docelowy akapit.", "Podmieniony akapit."),
                  encoding="utf-8")
    [result] = build.build(project, [PL], ["html"], catalogs=taken.digest)
    assert result.ok, result.log
    page = (project.output_dir(PL, "html") / "index.html").read_text(encoding="utf-8")
    assert "Docelowy akapit." in page and "Podmieniony" not in page


def test_a_snapshot_changed_after_the_check_is_not_built(tmp_path):
    project = make_project(tmp_path, "Docelowy akapit.")
    taken = snapshot.take(project.root, project.locale_dir, project.build_dir)
    copy = taken.folder / "pl" / "LC_MESSAGES" / "index.po"
    copy.write_text(copy.read_text(encoding="utf-8").replace("Docelowy", "Niesprawdzony"), encoding="utf-8")
    [result] = build.build(project, [PL], ["html"], catalogs=taken.digest)
    assert not result.ok
    assert "changed after they were checked" in result.log
    assert not (project.output_dir(PL, "html") / "index.html").exists()


def test_files_under_locale_that_are_no_catalogs_are_refused_unread(tmp_path):
    project = make_project(tmp_path, "Docelowy akapit.")
    folder = project.locale_dir / "pl" / "LC_MESSAGES"
    (folder / "passwd.po").symlink_to("/etc/passwd")
    (folder / "zero.po").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.po")
    (project.locale_dir / "uk").symlink_to("/")
    started = time.monotonic()
    taken = snapshot.take(project.root, project.locale_dir, project.build_dir)
    assert time.monotonic() - started < 5
    refused = {problem.path.name: problem.message for problem in taken.refused}
    assert set(refused) == {"passwd.po", "zero.po", "pipe.po", "uk"}, refused
    assert "outside the project" in refused["passwd.po"] and "root:" not in " ".join(refused.values())
    assert "not a regular file" in refused["pipe.po"]
    assert sorted(p.name for p in taken.folder.rglob("*.po")) == ["index.po"]


def test_publish_refuses_editions_built_from_other_catalogs(tmp_path):
    project = make_project(tmp_path, "Docelowy akapit.")
    results = build.build(project, [PL], FORMATS)
    assert all(r.ok for r in results), [r.log for r in results]
    taken = snapshot.take(project.root, project.locale_dir, project.build_dir)
    from briefpub.release import publish

    publish.verify_catalogs(results, taken)  # built from exactly these
    po = project.locale_dir / "pl" / "LC_MESSAGES" / "index.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Docelowy", "Inny"), encoding="utf-8")
    changed = snapshot.take(project.root, project.locale_dir, project.build_dir)
    with pytest.raises(publish.ReleaseError, match=r"epub-pl, pdf-pl, html-pl were built from other catalogs"):
        publish.verify_catalogs(results, changed)


# --- generated block markup ---------------------------------------------------------------------

TARGETS = ["@SECRET_FILE@", "@ENVIRON@", "@URL@", "@URL@/x.png", "javascript:alert(1)", "file:///etc/passwd"]
DIRECTIVES = ["literalinclude", "include", "raw", "csv-table", "image", "figure", "code-block", "list-table"]
OPTIONS = [":file: @SECRET_FILE@", ":url: @URL@", ":target: javascript:alert(1)", ":literal:", ":format: html"]

targets = st.sampled_from(TARGETS)
words = st.sampled_from(["Docelowy", "akapit", "z", "tekstem", "i", "tłumaczeniem"])
text = st.lists(words, min_size=1, max_size=4).map(" ".join)
directive = st.builds(
    lambda fence, name, argument, options, body: f"{fence}{{{name}}} {argument}\n"
    + "".join(f"{option}\n" for option in options) + (f"\n{body}\n" if body else "") + fence,
    st.sampled_from(["```", "~~~", "````"]), st.sampled_from(DIRECTIVES), targets,
    st.lists(st.sampled_from(OPTIONS), max_size=2, unique=True), st.one_of(st.just(""), text),
)
eval_rst = st.builds(
    lambda lines: "```{eval-rst}\n" + "\n\n".join(lines) + "\n```",
    st.lists(st.one_of(
        targets.map(lambda t: f".. include:: {t}"),
        targets.map(lambda t: f".. raw:: html\n   :file: {t}"),
        targets.map(lambda t: f"`kliknij <{t}>`__"),
        targets.map(lambda t: f":download:`plik <{t}>`"),
        targets.map(lambda t: f".. image:: {t}"),
        st.just("|nieznany|"),
        text,
    ), min_size=1, max_size=3),
)
link_definition = st.builds(lambda words, target: f"{words} [akapit][x]\n\n[x]: {target}", text, targets)
inline = st.builds(
    lambda words, target, kind: {"link": f"{words} [tu]({target})", "image": f"{words} ![obraz]({target})",
                                 "download": f"{words} {{download}}`plik <{target}>`"}[kind],
    text, targets, st.sampled_from(["link", "image", "download"]),
)
hostile_msgstr = st.lists(st.one_of(directive, eval_rst, link_definition, inline, text),
                          min_size=1, max_size=4).map("\n\n".join)


@pytest.fixture(scope="module")
def generated_base(tmp_path_factory):
    base = tmp_path_factory.mktemp("generated")
    return base, Secrets(base / "outside")


def own_environment() -> list[str]:
    """This process's environment as /proc/self/environ holds it (what a
    forked build would read there): its longer entries are the secrets."""
    return [entry for entry in Path("/proc/self/environ").read_bytes().decode(errors="replace").split("\0")
            if len(entry) >= 24 and "=" in entry]


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(hostile_msgstr)
def test_generated_block_markup_publishes_nothing_of_the_machine(generated_base, listener, msgstr):
    base, plant = generated_base
    root = base / f"case-{secrets.token_hex(4)}"
    project = build.Project(root)
    msgstr = plant.fill(msgstr, project, f"{listener.url}/generated")
    make_project(root, msgstr)
    build.build(project, [PL], ["html"], force=True)
    found = editions(project)
    assert not leaks(found, [plant.file_content, plant.file.name, *own_environment()]), msgstr
    assert not extra_files(found), msgstr
    page = found.get("html:index.html", b"")
    assert not re.search(rb"(href|src)=\"\s*(javascript|file|data):", page, re.IGNORECASE), msgstr
    assert b"problematic" not in page
    assert not [request for request in listener.heard if b"/generated" in request], msgstr
