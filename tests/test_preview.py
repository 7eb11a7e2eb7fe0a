"""`briefpub preview`: a page a translator can work in, and a server that
only its own browser can use.

The translator's side runs the real command on a copy of the brief and reads
the page in Chromium; the server's defences are tried over raw HTTP against
the real server class serving a small folder."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time

import pytest

from briefpub.preview import preview
from briefpub.release import build
from browser import AXE, node_package_file
from conftest import BRIEF, SOURCE_DATE_EPOCH, briefpub, copy_project

# --- the translator's page ------------------------------------------------------------------

DRAFT = ("In particular, Kyiv:", "In particular, Ukraine:", "Kijów w szczególności (szkic):")
"""A fuzzy paragraph: its English, the English it was translated from, the draft."""
DRAFT_HEADING = ("What to do together with European partners", "Co zrobić razem z partnerami (szkic)")


def make_fuzzy(po, msgid: str, draft: str, previous: str | None = None) -> None:
    text = po.read_text(encoding="utf-8")
    entry = re.search(rf'msgid "{re.escape(msgid)}"\nmsgstr "[^"]*"\n', text)
    assert entry, msgid
    head = "#, fuzzy\n" + (f'#| msgid "{previous}"\n' if previous else "")
    po.write_text(text[:entry.start()] + head + f'msgid "{msgid}"\nmsgstr "{draft}"\n' + text[entry.end():],
                  encoding="utf-8")


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


class Preview:
    def __init__(self, project: build.Project, *args: str):
        self.project = project
        self.po = project.locale_dir / "pl" / "LC_MESSAGES" / "index.po"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefpub.cli", "preview", "pl", "--port", "0", "--no-open", *args],
            cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PATH": "/usr/bin:/bin"},
        )
        line = self.process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/index\.html", line)
        assert found, line + self.process.stderr.read()
        self.url = found.group(0)

    def states(self):
        """The states the page is told of, as a browser's event stream gets them."""
        connection = http.client.HTTPConnection(self.url.split("/")[2], timeout=30)
        try:
            connection.request("GET", preview.EVENTS)
            response = connection.getresponse()
            assert response.status == 200
            for line in response:
                if line.startswith(b"data: "):
                    yield json.loads(line[6:])
        finally:
            connection.close()

    def state(self) -> dict:
        return next(self.states())

    def wait_for_version(self, after: int) -> dict:
        """The first state with a newer build, or an error."""
        return next(state for state in self.states() if state["version"] > after or state["error"])

    def stop(self) -> str:
        self.process.terminate()
        _, errors = self.process.communicate(timeout=20)
        return errors


@pytest.fixture(scope="module")
def translator(tmp_path_factory):
    """A Polish translator's preview, with two drafts in the catalog."""
    project = copy_project(tmp_path_factory.mktemp("translator"))
    po = project.locale_dir / "pl" / "LC_MESSAGES" / "index.po"
    make_fuzzy(po, DRAFT[0], DRAFT[2], previous=DRAFT[1])
    make_fuzzy(po, DRAFT_HEADING[0], DRAFT_HEADING[1])
    running = Preview(project)
    yield running
    errors = running.stop()
    assert "Traceback" not in errors


def test_a_draft_is_shown_marked_needs_review_with_its_english_on_hover_and_focus(translator, browse):
    page = browse()
    page.goto(translator.url)
    paragraph = page.locator("p.briefpub-draft", has_text=DRAFT[2])
    assert paragraph.count() == 1  # the draft, not the English
    badge = paragraph.get_by_role("button", name="needs review")
    tip = page.locator(f"#{badge.get_attribute('aria-describedby')}")
    assert tip.get_attribute("role") == "tooltip"
    assert not tip.is_visible()
    badge.focus()  # the keyboard's way: Tab reaches it as any button
    assert tip.is_visible()
    assert DRAFT[1] in tip.inner_text() and DRAFT[0] in tip.inner_text()
    badge.blur()
    page.mouse.move(0, 0)
    assert not tip.is_visible()
    badge.hover()
    assert tip.is_visible()
    # A heading's draft: marked under it, so the contents and the title keep the heading's words.
    assert page.get_by_role("heading", name=DRAFT_HEADING[1], exact=True).count() == 1
    assert page.locator(".briefpub-under-heading").get_by_role("button", name="needs review").count() == 1
    assert "needs review" not in page.title()


def test_the_marks_and_the_findings_are_accessible(translator, browse):
    page = browse()
    page.goto(translator.url)
    page.locator("#briefpub-preview").wait_for()
    page.add_script_tag(path=str(node_package_file(AXE)))
    result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                           "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})")
    assert result["passes"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == []


def test_findings_are_listed_over_the_new_page_and_only_a_broken_catalog_keeps_the_old_one(translator, browse):
    page = browse()
    page.goto(translator.url)
    panel = page.locator("#briefpub-preview")
    assert "fuzzy" in panel.inner_text()  # the drafts are findings too: warnings

    version = translator.state()["version"]
    original = translator.po.read_text(encoding="utf-8")
    try:
        # An error that does not stop Sphinx (straight quotes): the page shows the save, and the error.
        edit(translator.po, 'msgstr "Kijów w szczególności (szkic):"', 'msgstr "Kijów \\"w szczególności\\":"')
        state = translator.wait_for_version(version)
        assert not state["error"]
        page.wait_for_selector("text=Kijów \"w szczególności\":")
        line = next(number for number, text in enumerate(translator.po.read_text().splitlines(), 1)
                    if text.startswith('msgstr "Kijów \\"w'))
        finding = page.locator("#briefpub-preview-findings li", has_text="[typography]")
        assert f"locale/pl/LC_MESSAGES/index.po:{line - 1}" in finding.inner_text() or \
            f"locale/pl/LC_MESSAGES/index.po:{line}" in finding.inner_text()
        assert "error" in finding.inner_text()

        # A catalog Sphinx would misread: the page stays, and says why.
        edit(translator.po, 'msgstr "Kijów \\"w szczególności\\":"', 'msgstr "Kijów w')
        page.wait_for_selector("#briefpub-preview-error")
        assert "unterminated string" in page.locator("[role=alert]").inner_text()
        assert page.get_by_text("Kijów \"w szczególności\":").count() == 1  # the last good page
    finally:
        translator.po.write_text(original, encoding="utf-8")
        translator.wait_for_version(translator.state()["version"])


def test_drafts_never_reach_the_builds_of_a_release(translator):
    """The preview compiles its catalogs with drafts in a folder of its own."""
    assert not list(translator.project.locale_dir.rglob("*.mo"))
    run = briefpub("build", "--lang", "pl", "--format", "html", cwd=translator.project.root)
    assert run.returncode == 0, run.stderr
    page = (translator.project.output_dir(BRIEF.get("pl"), "html") / "index.html").read_text(encoding="utf-8")
    assert DRAFT[0] in page and DRAFT[2] not in page and DRAFT_HEADING[1] not in page
    assert "needs review" not in page and "briefpub-draft" not in page


def test_a_reviewer_sees_the_english_beside_each_block(tmp_path, browse):
    project = copy_project(tmp_path)
    reviewer = Preview(project, "--beside", "en")
    try:
        page = browse()
        page.goto(reviewer.url)
        pair = page.locator("p.briefpub-pair", has_text="Kijów w szczególności:")
        source, translation = pair.locator(".briefpub-beside"), pair.locator(".briefpub-translation")
        assert source.inner_text() == "In particular, Kyiv:" and source.get_attribute("lang") == "en"
        left, right = source.bounding_box(), translation.bounding_box()
        assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2  # side by side
        assert page.locator("p.briefpub-pair").count() > 20  # block by block
        heading = page.locator(".briefpub-under-heading .briefpub-beside", has_text="What to do together")
        assert heading.count() == 1
        title = page.get_by_role("heading", level=1).inner_text().replace("\u00a0", " ")  # its last words tied
        assert title == "Ukraina wobec białoruskiego ruchu demokratycznego"
        # Saving the other language's catalog shows on the page too.
        version = reviewer.state()["version"]
        en = project.locale_dir / "en" / "LC_MESSAGES" / "index.po"
        edit(en, 'msgid "In particular, Kyiv:"\nmsgstr ""', 'msgid "In particular, Kyiv:"\nmsgstr "Kyiv, in particular:"')
        reviewer.wait_for_version(version)
        page.locator(".briefpub-beside", has_text="Kyiv, in particular:").wait_for()  # the page reloads itself
    finally:
        assert "Traceback" not in reviewer.stop()


# --- the server's defences ------------------------------------------------------------------


@pytest.fixture
def server(tmp_path, monkeypatch):
    """The preview's real server over a small edition, with short time limits."""
    monkeypatch.setattr(preview._Handler, "timeout", 0.5)
    monkeypatch.setattr(preview, "KEEP_ALIVE", 0.2)
    project = build.Project(tmp_path)
    language = BRIEF.get("pl")
    folder = preview.output_dir(project, language)
    (folder / "_static").mkdir(parents=True)
    (folder / "index.html").write_text("<p>strona</p>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not for the web", encoding="utf-8")
    running = preview.make_server(project, language, preview.State(), 0)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def request(server, path: str, host: str | None = "default") -> int:
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        connection.putheader("Host", f"127.0.0.1:{port}" if host == "default" else host.format(port=port))
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.parametrize(("host", "status"), [
    ("127.0.0.1:{port}", 200), ("localhost:{port}", 200), ("LOCALHOST:{port}", 200), ("[::1]:{port}", 200),
    ("attacker.example:{port}", 421), ("127.0.0.1.nip.io:{port}", 421), ("127.0.0.1:1{port}", 421),
    ("localhost", 421), (None, 400),
])
def test_only_the_loopback_names_it_serves_are_answered(server, host, status):
    assert request(server, "/index.html", host) == status
    if status != 200:  # the event stream (which tells what a build found) is refused the same way
        assert request(server, preview.EVENTS, host) == status


@pytest.mark.parametrize(("path", "status"), [
    ("/%00", 400), ("/index.html%00.txt", 400), ("/..%2fsecret.txt", 400), ("/../secret.txt", 400),
    ("/%2e%2e/secret.txt", 400), ("/_static/../../secret.txt", 400), ("/%ff%fe", 400), ("/%0d%0aX:y", 400),
    ("/" + "a" * 5000, 400), ("/" + "a/" * 300 + "x", 404), ("/_static/", 404), ("/nothing.html", 404),
    ("/index.html?%00", 200),
])
def test_a_bad_path_is_answered_with_400_or_404_never_a_traceback(server, path, status, capfd):
    assert request(server, path) == status
    assert request(server, "/index.html") == 200  # still serving
    assert "Traceback" not in capfd.readouterr().err


def test_idle_connections_are_closed(server):
    idle = socket.create_connection(server.server_address, timeout=5)
    idle.sendall(b"GET /index.html HTTP/1.1\r\n")  # and then nothing more
    started = time.monotonic()
    assert idle.recv(1024) == b""  # closed by the server
    assert time.monotonic() - started < 3
    idle.close()


def test_connections_and_event_streams_are_bounded(server):
    streams = []
    for _ in range(preview.MAX_STREAMS):
        connection = http.client.HTTPConnection(*server.server_address, timeout=5)
        connection.request("GET", preview.EVENTS, headers={"Host": f"127.0.0.1:{server.server_address[1]}"})
        response = connection.getresponse()
        assert response.status == 200
        streams.append(response)  # open as long as it is referenced
    assert request(server, preview.EVENTS) == 503  # one tab too many: told to retry
    assert request(server, "/index.html") == 200  # pages are still served
    for connection in streams:
        connection.close()

    threads = threading.active_count()
    crowd = [socket.create_connection(server.server_address) for _ in range(preview.MAX_CONNECTIONS + 20)]
    time.sleep(0.2)
    assert threading.active_count() <= threads + preview.MAX_CONNECTIONS
    for connection in crowd:
        connection.close()
    deadline = time.monotonic() + 5
    while request(server, "/index.html") != 200:  # the slots come back
        assert time.monotonic() < deadline
        time.sleep(0.1)
