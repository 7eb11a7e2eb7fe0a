"""``briefpub preview <lang>``: a translator's live view of their edition.

A small server on localhost shows the HTML edition; when a catalog or a
source file is saved, the edition is rebuilt and the page reloads itself.
Each rebuild runs in a process forked from a parent that has already
imported Sphinx, so it costs only the work itself.

Only what would make Sphinx build something else than the translator wrote
(a catalog that does not parse, markup that differs from the source) keeps
the last good page, with the errors over it; every other finding of
``briefpub check`` is listed over the new page, with its file and line.
Fuzzy entries show their draft translation, marked "needs review"
(:mod:`briefpub.preview.drafts`); ``--beside en`` shows another language beside
each block, for a reviewer.

The server answers only to the loopback names it serves (a page elsewhere
cannot reach it through DNS rebinding), closes idle connections, bounds its
connections and event streams, and answers a bad path with 400 or 404.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import select
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from briefpub.catalogs import checks, status, store
from briefpub.project.config import THEME_DIR
from briefpub.project.languages import Language
from briefpub.project.problems import Problem
from briefpub.release import build, faults

EVENTS = "/__briefpub/events"

BLOCKING = frozenset({"syntax", "encoding", "header", "missing", "markup", "raw-html", "file", "bounds"})
"""Rules whose errors keep the last good page: with them Sphinx would build
something else than the translator wrote (a string cut short, a catalog
dropped, markup run as something the source does not have), or read what is
not a catalog of the project (a link out of it, a file past the bounds)."""

IDLE_TIMEOUT = 10.0
"""Seconds a connection may stay silent before the server closes it."""
MAX_CONNECTIONS = 32
"""Connections served at once (one thread each); more are told to retry."""
MAX_STREAMS = 8
"""Pages listening for rebuilds at once (one per open tab)."""
STREAM_SECONDS = 300.0
"""An event stream ends after this long; the page reconnects by itself."""
KEEP_ALIVE = 5.0
MAX_PATH = 2048

RELOAD_SCRIPT = """
(function () {
  var seen = null, shown = null;
  var style = "position:fixed;left:0;right:0;bottom:0;max-height:45vh;overflow:auto;margin:0;z-index:9;" +
    "padding:.6rem 1rem;font:14px/1.45 sans-serif;box-shadow:0 -2px 8px rgba(0,0,0,.3);";
  function render(state) {
    var key = JSON.stringify([state.error, state.findings]);
    if (key === shown) { return; }
    shown = key;
    var old = document.getElementById("briefpub-preview");
    if (old) { old.remove(); }
    document.body.style.paddingBottom = "";
    if (!state.error && !state.findings.length) { return; }
    var box = document.createElement("section");
    box.id = "briefpub-preview";
    box.setAttribute("aria-label", "Preview: findings in the catalogs");
    box.style.cssText = style + (state.error ? "background:#7a1111;color:#fff" : "background:#fffbe6;color:#1d1d1d");
    if (state.error) {
      var alert = document.createElement("div");
      alert.setAttribute("role", "alert");
      var why = document.createElement("p");
      why.style.margin = "0 0 .3rem";
      why.textContent = "Not rebuilt: the page shows the last good build. Fix this first:";
      var log = document.createElement("pre");
      log.id = "briefpub-preview-error";
      log.style.cssText = "margin:0;white-space:pre-wrap;font:13px/1.4 monospace";
      log.textContent = state.error;
      alert.append(why, log);
      box.append(alert);
    }
    if (state.findings.length) {
      var details = document.createElement("details");
      details.open = true;
      var summary = document.createElement("summary");
      var errors = state.findings.filter(function (f) { return f.severity === "error"; }).length;
      var warnings = state.findings.length - errors;
      summary.textContent = errors + (errors === 1 ? " error, " : " errors, ") + warnings +
        (warnings === 1 ? " warning" : " warnings") + " in the catalogs" +
        (state.error ? "" : " (the page shows your latest save)");
      summary.style.cursor = "pointer";
      var list = document.createElement("ul");
      list.id = "briefpub-preview-findings";
      list.style.cssText = "margin:.3rem 0 0;padding-left:1.2rem";
      state.findings.forEach(function (finding) {
        var item = document.createElement("li");
        var where = document.createElement("code");
        where.textContent = finding.where;
        var what = document.createElement("strong");
        what.textContent = " " + finding.severity + " [" + finding.rule + "] ";
        item.append(where, what, document.createTextNode(finding.message));
        list.append(item);
      });
      details.append(summary, list);
      box.append(details);
    }
    document.body.appendChild(box);
    document.body.style.paddingBottom = box.offsetHeight + "px";  // the end of the text stays reachable
  }
  function listen() {
    var source = new EventSource("%s");
    source.onmessage = function (event) {
      var state = JSON.parse(event.data);
      if (seen !== null && state.version !== seen && !state.error) { location.reload(); return; }
      seen = state.version;
      render(state);
    };
    source.onerror = function () {
      // Refused (too many open tabs) or the preview restarted: try again soon.
      if (source.readyState === EventSource.CLOSED) { setTimeout(listen, 2000); }
    };
  }
  listen();
})();
""" % EVENTS


def output_dir(project: build.Project, language: Language) -> Path:
    return project.build_dir / "preview" / language.code


def work_dir(project: build.Project, language: Language) -> Path:
    """The preview's own doctrees and catalogs: a preview translates with
    fuzzy entries, which must never reach the builds of a release."""
    return project.build_dir / "preview-work" / language.code


def shown(problem: Problem, root: Path) -> dict[str, str]:
    """A finding as the page lists it, its file relative to the project."""
    path = Path(problem.path)
    if path.is_absolute() and path.is_relative_to(root):
        path = path.relative_to(root)
    return {"where": f"{path}:{problem.line}", "severity": problem.severity, "rule": problem.rule,
            "message": problem.message}


def as_line(finding: dict[str, str]) -> str:
    return f"{finding['where']}: {finding['severity']}: [{finding['rule']}] {finding['message']}"


@dataclass
class Outcome:
    """One rebuild: whether the page is new, why not, and what check found."""

    ok: bool
    log: str
    seconds: float
    findings: list[dict[str, str]] = field(default_factory=list)


@dataclass
class State:
    """What the page knows: which build it shows, why it is not the latest
    save (``error``), and the findings of the catalogs it was built from."""

    version: int = 0
    error: str = ""
    findings: list[dict[str, str]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, outcome: Outcome) -> None:
        with self.changed:
            if outcome.ok:
                self.version += 1
            self.error = "" if outcome.ok else outcome.log
            self.findings = list(outcome.findings)
            self.changed.notify_all()

    def as_json(self) -> str:
        return json.dumps({"version": self.version, "error": self.error, "findings": self.findings},
                          ensure_ascii=False)


class _PreviewProject(build.Project):
    def output_dir(self, language: Language, fmt: str) -> Path:
        return output_dir(self, language)

    def doctree_dir(self, language: Language) -> Path:
        return work_dir(self, language) / "doctrees"


def _child(root: str, code: str, beside: str, connection, parents_end, parent: int) -> None:
    """A preview build, set up as far as it can be before the save it waits for."""
    parents_end.close()  # so that the parent's end closing (it stopped) reaches us
    faults.become_worker(parent)

    def wait_for_save() -> None:
        try:
            message = connection.recv()
        except EOFError:
            message = "stop"
        if message != "go":
            raise SystemExit(0)

    project = _PreviewProject(Path(root))
    language = project.publication.get(code)
    overrides = {
        "briefpub_preview": True,
        "briefpub_beside": beside,
        # Drafts: fuzzy entries translate the preview (never a release: the
        # catalogs compiled this way live in the preview's own folder).  The
        # theme's shipped catalogs stay after the project's (briefpub.project.config);
        # messages name the files under locale/.
        "gettext_allow_fuzzy_translations": True,
        "locale_dirs": [str(work_dir(project, language) / "locale"), str(project.theme_locale_dir.resolve())],
        "briefpub_catalog_origin": str(project.locale_dir.resolve()),
    }
    result = build.run_sphinx(project, language, "html", overrides=overrides, ready=wait_for_save)
    connection.send((result.returncode, result.log, result.seconds))
    connection.close()


@dataclass
class _Standby:
    process: multiprocessing.Process
    connection: Any

    def stop(self) -> None:
        try:
            self.connection.send("stop")
        except OSError:
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class Rebuilder:
    """Builds the preview, each time in a fresh fork of this warm process
    (Sphinx keeps translations in module state, so a process builds once).

    The next build is always prepared ahead: forked, Sphinx set up, the last
    environment loaded; a save only has to say "go".  A save that touches
    what that set-up read (``conf.py``, the theme, its catalog ``sphinx.po``)
    throws the prepared build away and starts a fresh one.
    """

    def __init__(self, project: build.Project, language: Language, beside: Language | None = None):
        self.project, self.language, self.beside = project, language, beside
        self._standby: _Standby | None = None

    @property
    def languages(self) -> list[Language]:
        """The languages whose catalogs the preview reads."""
        return [self.language] + ([self.beside] if self.beside else [])

    def _prepare(self) -> _Standby:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe()
        beside = self.beside.code if self.beside else ""
        process = context.Process(
            target=_child, args=(str(self.project.root), self.language.code, beside, sender, receiver, os.getpid()),
            daemon=True,
        )
        with faults.signals_held():
            process.start()
        sender.close()
        return _Standby(process, receiver)

    def _touches_setup(self, changed: set[Path]) -> bool:
        theme = THEME_DIR
        return any(
            path.name in ("conf.py", "sphinx.po") or path.is_relative_to(theme) for path in changed
        )

    def _copy_catalogs(self) -> None:
        """The catalogs as saved, into the preview's own locale folder, where
        Sphinx compiles them (with drafts) away from the release's."""
        target_root = work_dir(self.project, self.language) / "locale"
        for language in self.languages:
            source = self.project.locale_dir / language.code / "LC_MESSAGES"
            target = target_root / language.code / "LC_MESSAGES"
            target.mkdir(parents=True, exist_ok=True)
            # Only what the catalogs' own reader may read: links out of the
            # project, devices and oversized files are the checks' findings.
            paths, _ = store.scan(self.project.locale_dir, language)
            wanted = {path.name: path for path in paths if path.parent == source}
            for old in target.glob("*.[pm]o"):
                if old.with_suffix(".po").name not in wanted:
                    old.unlink()
            for name, path in wanted.items():
                copy = target / name
                try:
                    data = store.read_bytes(path)
                except store.Refused:
                    continue  # replaced since it was listed: not read
                if not copy.is_file() or copy.read_bytes() != data:
                    copy.write_bytes(data)

    def rebuild(self, changed: set[Path] = frozenset()) -> Outcome:
        """Build once, unless the catalog has errors that would make Sphinx
        build something else than the translator wrote (:data:`BLOCKING`):
        then the page keeps the last good build and shows those errors.
        Every other finding is listed over the new page."""
        started = time.perf_counter()
        problems = checks.check_language(self.project.locale_dir, self.language, self.project.publication.source.code)
        blocking = [shown(p, self.project.root) for p in problems if p.is_error and p.rule in BLOCKING]
        findings = [shown(p, self.project.root) for p in problems if not (p.is_error and p.rule in BLOCKING)]
        if blocking:
            return Outcome(False, "\n".join(map(as_line, blocking)), time.perf_counter() - started, findings)
        standby, self._standby = self._standby, None
        if standby is not None and self._touches_setup(changed):
            standby.stop()
            standby = None
        try:
            self._copy_catalogs()
        except OSError as error:
            if standby is not None:
                standby.stop()
            return Outcome(False, f"cannot read the catalogs: {error}", time.perf_counter() - started, findings)
        standby = standby or self._prepare()
        try:
            standby.connection.send("go")
            returncode, log, _ = standby.connection.recv()
        except (EOFError, OSError):
            returncode, log = 1, f"the build stopped unexpectedly (exit code {standby.process.exitcode})"
        standby.process.join()
        self._standby = self._prepare()
        return Outcome(returncode == 0, log, time.perf_counter() - started, findings)

    def close(self) -> None:
        if self._standby is not None:
            self._standby.stop()
            self._standby = None


def watched_files(project: build.Project, languages: list[Language]) -> dict[Path, float]:
    """What a translator or an editor saves: the source, the languages'
    catalogs, and the theme's templates and styles."""
    paths = [p for p in project.source_dir.rglob("*") if p.is_file() and "_build" not in p.parts]
    for language in languages:
        paths += list((project.locale_dir / language.code).rglob("*.po"))
    paths += [p for p in THEME_DIR.rglob("*") if p.is_file()]
    stamps = {}
    for path in paths:
        try:
            stamps[path] = path.stat().st_mtime_ns
        except OSError:
            pass
    return stamps


def watch(rebuilder: Rebuilder, state: State, report, interval: float = 0.02,
          stop: threading.Event | None = None) -> None:
    """Rebuild whenever a watched file changes, until ``stop`` is set."""
    project = rebuilder.project
    stop = stop or threading.Event()
    seen = watched_files(project, rebuilder.languages)
    while not stop.is_set():
        time.sleep(interval)
        current = watched_files(project, rebuilder.languages)
        if current == seen:
            continue
        changed = {path for path in current.keys() | seen.keys() if current.get(path) != seen.get(path)}
        seen = current
        outcome = rebuilder.rebuild(changed)
        state.publish(outcome)
        report(outcome)


# --- the server -------------------------------------------------------------------------


def loopback_hosts(port: int) -> frozenset[str]:
    """The ``Host`` values the preview answers to."""
    names = ("127.0.0.1", "localhost", "[::1]")
    return frozenset(f"{name}:{port}" for name in names) | (frozenset(names) if port == 80 else frozenset())


class _Handler(SimpleHTTPRequestHandler):
    timeout = IDLE_TIMEOUT  # a connection that stays silent is closed

    def __init__(self, *args: Any, state: State, hosts: frozenset[str], project: build.Project, language: str,
                 **kwargs: Any):
        self.state, self.hosts = state, hosts
        self.rebuilder_project, self.language_code = project, language
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal shows builds
        pass

    def refused(self) -> bool:
        """Answer a request the preview does not serve (and say so)."""
        host = self.headers.get("Host")
        if host is None:
            self.send_error(HTTPStatus.BAD_REQUEST, "a Host header is required")
            return True
        if host.strip().lower() not in self.hosts:
            # Another name pointing here (DNS rebinding): not this server's page.
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "this preview answers only on 127.0.0.1 and localhost")
            return True
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if len(self.path) > MAX_PATH:
            self.send_error(HTTPStatus.BAD_REQUEST, "the path is too long")
            return True
        try:
            path = urllib.parse.unquote(path, errors="strict")
        except UnicodeDecodeError:
            self.send_error(HTTPStatus.BAD_REQUEST, "the path is not UTF-8")
            return True
        if not path.startswith("/") or any(ord(c) < 32 or ord(c) == 127 for c in path) \
                or ".." in path.split("/"):
            self.send_error(HTTPStatus.BAD_REQUEST, "bad path")
            return True
        return False

    def do_GET(self) -> None:
        if self.refused():
            return
        if self.path.split("?", 1)[0] == EVENTS:
            return self.stream()
        if self.path.split("?", 1)[0] == "/" + status.PAGE:
            return self.send_status()
        return super().do_GET()

    def do_HEAD(self) -> None:
        if not self.refused():
            super().do_HEAD()

    def send_head(self):
        real = os.path.realpath(self.translate_path(self.path))
        root = os.path.realpath(self.directory)
        if real != root and not real.startswith(root + os.sep):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def list_directory(self, path):  # the preview shows pages, not folders
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def stream(self) -> None:
        """Server-sent events: the state now, then each change (the page
        reloads or shows the findings), for at most STREAM_SECONDS."""
        slots = self.server.streams
        if not slots.acquire(blocking=False):
            self.send_response(HTTPStatus.SERVICE_UNAVAILABLE)
            self.send_header("Retry-After", "5")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n")
            last, ends = None, time.monotonic() + STREAM_SECONDS
            while time.monotonic() < ends:
                message = self.next_state(last)
                if message is None:
                    return
                if message != last:
                    self.wfile.write(f"data: {message}\n\n".encode())
                    last = message
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except OSError:  # the page went away, or stopped reading
            return
        finally:
            slots.release()

    def next_state(self, last: str | None) -> str | None:
        """The state once it differs from ``last``, or after KEEP_ALIVE
        seconds; None as soon as the page has gone (its slot is free again)."""
        waited = 0.0
        while waited < KEEP_ALIVE:
            with self.state.changed:
                message = self.state.as_json()
                if message != last:
                    return message
                self.state.changed.wait(timeout=min(0.5, KEEP_ALIVE))
            waited += 0.5
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                return None
        return self.state.as_json()

    def send_status(self) -> None:
        """The translation status, counted from the catalogs as they are now."""
        project = self.rebuilder_project
        body = status.render(project, project.publication.get(self.language_code)).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()


class PreviewServer(ThreadingHTTPServer):
    """At most MAX_CONNECTIONS connections (threads) at once, of which
    MAX_STREAMS event streams; a request beyond them is told to retry."""

    daemon_threads = True
    request_queue_size = 2 * MAX_CONNECTIONS  # a burst is answered (503 if need be), not left unanswered

    def __init__(self, address, handler):
        self.connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        if not self.connections.acquire(blocking=False):
            try:
                request.settimeout(1.0)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
                                b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connections.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()

    def handle_error(self, request, client_address) -> None:
        pass  # a client's broken request is its own business: no traceback on the translator's terminal


def make_server(project: build.Project, language: Language, state: State, port: int) -> PreviewServer:
    server = PreviewServer(("127.0.0.1", port), _Handler)
    bound = server.server_address[1]
    server.RequestHandlerClass = partial(_Handler, directory=str(output_dir(project, language)), state=state,
                                         hosts=loopback_hosts(bound), project=project, language=language.code)
    return server


# --- the Sphinx side: only preview builds carry the reload script and drafts ----------


def add_reload_script(app) -> None:
    if app.config.briefpub_preview and app.builder.name == "html":
        app.add_js_file(None, body=RELOAD_SCRIPT)


def load_drafts(app, config) -> None:
    if config.briefpub_preview:
        app.setup_extension("briefpub.preview.drafts")


def setup(app) -> dict[str, Any]:
    from briefpub import __version__

    app.add_config_value("briefpub_preview", False, "html", bool)
    app.add_config_value("briefpub_beside", "", "env", str)
    app.connect("config-inited", load_drafts)
    app.connect("builder-inited", add_reload_script)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
