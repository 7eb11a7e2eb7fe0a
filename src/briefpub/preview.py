"""``briefpub preview <lang>``: a translator's live view of their edition.

A small server on localhost shows the HTML edition; when a catalog or a
source file is saved, the edition is rebuilt and the page reloads itself.
Each rebuild runs in a process forked from a parent that has already
imported Sphinx, so it costs only the work itself; a rebuild that fails
keeps the last good page and shows the error, with its file and line, on top
of it.
"""

from __future__ import annotations

import json
import multiprocessing
import signal
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from briefpub import build, checks, status
from briefpub.languages import Language

EVENTS = "/__briefpub/events"

RELOAD_SCRIPT = """
(function () {
  var seen = null;
  var source = new EventSource("%s");
  source.onmessage = function (event) {
    var state = JSON.parse(event.data);
    if (seen !== null && state.version !== seen && !state.error) { location.reload(); return; }
    seen = state.version;
    var box = document.getElementById("briefpub-preview-error");
    if (state.error) {
      if (!box) {
        box = document.createElement("pre");
        box.id = "briefpub-preview-error";
        box.setAttribute("role", "alert");
        box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;margin:0;" +
          "padding:1rem;background:#7a1111;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap;z-index:9";
        document.body.appendChild(box);
      }
      box.textContent = state.error;
    } else if (box) { box.remove(); }
  };
})();
""" % EVENTS


def output_dir(project: build.Project, language: Language) -> Path:
    return project.build_dir / "preview" / language.code


@dataclass
class State:
    """What the page knows: which build it shows, and the last error."""

    version: int = 0
    error: str = ""
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, error: str = "") -> None:
        with self.changed:
            if not error:
                self.version += 1
            self.error = error
            self.changed.notify_all()

    def as_json(self) -> str:
        return json.dumps({"version": self.version, "error": self.error})


class _PreviewProject(build.Project):
    def output_dir(self, language: Language, fmt: str) -> Path:
        return output_dir(self, language)


def _child(root: str, code: str, connection, parents_end) -> None:
    """A preview build, set up as far as it can be before the save it waits for."""
    parents_end.close()  # so that the parent's end closing (it stopped) reaches us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's tidy stop: just end
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    def wait_for_save() -> None:
        try:
            message = connection.recv()
        except EOFError:
            message = "stop"
        if message != "go":
            raise SystemExit(0)

    project = _PreviewProject(Path(root))
    result = build.run_sphinx(project, project.publication.get(code), "html",
                              overrides={"briefpub_preview": True}, ready=wait_for_save)
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


class Rebuilder:
    """Builds the preview, each time in a fresh fork of this warm process
    (Sphinx keeps translations in module state, so a process builds once).

    The next build is always prepared ahead: forked, Sphinx set up, the last
    environment loaded; a save only has to say "go".  A save that touches
    what that set-up read (``conf.py``, the theme, its catalog ``sphinx.po``)
    throws the prepared build away and starts a fresh one.
    """

    def __init__(self, project: build.Project, language: Language):
        self.project, self.language = project, language
        self._standby: _Standby | None = None

    def _prepare(self) -> _Standby:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe()
        process = context.Process(
            target=_child, args=(str(self.project.root), self.language.code, sender, receiver), daemon=True
        )
        process.start()
        sender.close()
        return _Standby(process, receiver)

    def _touches_setup(self, changed: set[Path]) -> bool:
        theme = build.PACKAGE_DIR / "theme"
        return any(
            path.name in ("conf.py", "sphinx.po") or path.is_relative_to(theme) for path in changed
        )

    def rebuild(self, changed: set[Path] = frozenset()) -> tuple[bool, str, float]:
        """Build once.  A catalog with errors is not built at all (Sphinx would
        silently cut a broken string, or drop the whole catalog): the page
        keeps the last good build and shows the errors, with file and line."""
        started = time.perf_counter()
        problems = [str(p) for p in checks.check_language(self.project.locale_dir, self.language) if p.is_error]
        if problems:
            return False, "\n".join(problems), time.perf_counter() - started
        standby, self._standby = self._standby, None
        if standby is not None and self._touches_setup(changed):
            standby.stop()
            standby = None
        standby = standby or self._prepare()
        try:
            standby.connection.send("go")
            returncode, log, _ = standby.connection.recv()
        except (EOFError, OSError):
            returncode, log = 1, f"the build stopped unexpectedly (exit code {standby.process.exitcode})"
        standby.process.join()
        self._standby = self._prepare()
        return returncode == 0, log, time.perf_counter() - started

    def close(self) -> None:
        if self._standby is not None:
            self._standby.stop()
            self._standby = None


def watched_files(project: build.Project, language: Language) -> dict[Path, float]:
    """What a translator or an editor saves: the source, the language's
    catalogs, and the theme's templates and styles."""
    paths = [p for p in project.source_dir.rglob("*") if p.is_file() and "_build" not in p.parts]
    paths += list((project.locale_dir / language.code).rglob("*.po"))
    paths += [p for p in (build.PACKAGE_DIR / "theme").rglob("*") if p.is_file()]
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
    project, language = rebuilder.project, rebuilder.language
    stop = stop or threading.Event()
    seen = watched_files(project, language)
    while not stop.is_set():
        time.sleep(interval)
        current = watched_files(project, language)
        if current == seen:
            continue
        changed = {path for path in current.keys() | seen.keys() if current.get(path) != seen.get(path)}
        seen = current
        ok, log, seconds = rebuilder.rebuild(changed)
        state.publish("" if ok else log)
        report(ok, log, seconds)


class _Handler(SimpleHTTPRequestHandler):
    state: State

    def __init__(self, *args: Any, state: State, project: build.Project, language: str, **kwargs: Any):
        self.state = state
        self.rebuilder_project, self.language_code = project, language
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal shows builds
        pass

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/" + status.PAGE:
            return self.send_status()
        if self.path != EVENTS:
            return super().do_GET()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        last = None
        try:
            while True:
                with self.state.changed:
                    message = self.state.as_json()
                    if message == last:
                        self.state.changed.wait(timeout=15)
                        message = self.state.as_json()
                if message != last:
                    self.wfile.write(f"data: {message}\n\n".encode())
                    self.wfile.flush()
                    last = message
                else:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

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
        super().end_headers()


def make_server(project: build.Project, language: Language, state: State, port: int) -> ThreadingHTTPServer:
    handler = partial(_Handler, directory=str(output_dir(project, language)), state=state, project=project,
                      language=language.code)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


# --- the Sphinx side: only preview builds carry the reload script -------------------


def add_reload_script(app) -> None:
    if app.config.briefpub_preview and app.builder.name == "html":
        app.add_js_file(None, body=RELOAD_SCRIPT)


def setup(app) -> dict[str, Any]:
    from briefpub import __version__

    app.add_config_value("briefpub_preview", False, "html", bool)
    app.connect("builder-inited", add_reload_script)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
