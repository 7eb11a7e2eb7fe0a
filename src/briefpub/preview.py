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
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from briefpub import build, checks
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


def _build_in_child(root: str, code: str, pipe) -> None:
    from briefpub.languages import get

    project = build.Project(Path(root))
    language = get(code)
    preview_project = _PreviewProject(project.root)
    result = build.run_sphinx(preview_project, language, "html", overrides={"briefpub_preview": True})
    pipe.send((result.returncode, result.log, result.seconds))
    pipe.close()


class _PreviewProject(build.Project):
    def output_dir(self, language: Language, fmt: str) -> Path:
        return output_dir(self, language)


def rebuild(project: build.Project, language: Language) -> tuple[bool, str, float]:
    """Build the preview once, in a fresh fork of this (warm) process.

    A catalog with errors is not built at all (Sphinx would silently cut a
    broken string, or drop the whole catalog): the page keeps the last good
    build and shows the errors, each with its file and line."""
    started = time.perf_counter()
    problems = [str(p) for p in checks.check_language(project.locale_dir, language) if p.is_error]
    if problems:
        return False, "\n".join(problems), time.perf_counter() - started
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_build_in_child, args=(str(project.root), language.code, sender))
    process.start()
    sender.close()
    try:
        returncode, log, seconds = receiver.recv()
    except EOFError:
        returncode, log, seconds = 1, f"the build stopped unexpectedly (exit code {process.exitcode})", 0.0
    process.join()
    return returncode == 0, log, seconds


def watched_files(project: build.Project, language: Language) -> dict[Path, float]:
    paths = [p for p in project.source_dir.rglob("*") if p.is_file() and "_build" not in p.parts]
    paths += list((project.locale_dir / language.code).rglob("*.po"))
    paths += [p for p in build.PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    stamps = {}
    for path in paths:
        try:
            stamps[path] = path.stat().st_mtime_ns
        except OSError:
            pass
    return stamps


def watch(project: build.Project, language: Language, state: State, report, interval: float = 0.05,
          stop: threading.Event | None = None) -> None:
    """Rebuild whenever a watched file changes, until ``stop`` is set."""
    stop = stop or threading.Event()
    seen = watched_files(project, language)
    while not stop.is_set():
        time.sleep(interval)
        current = watched_files(project, language)
        if current == seen:
            continue
        seen = current
        ok, log, seconds = rebuild(project, language)
        state.publish("" if ok else log)
        report(ok, log, seconds)


class _Handler(SimpleHTTPRequestHandler):
    state: State

    def __init__(self, *args: Any, state: State, **kwargs: Any):
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal shows builds
        pass

    def do_GET(self) -> None:
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

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def make_server(project: build.Project, language: Language, state: State, port: int) -> ThreadingHTTPServer:
    handler = partial(_Handler, directory=str(output_dir(project, language)), state=state)
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
