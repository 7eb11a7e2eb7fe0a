"""Building editions: the language × format matrix, in parallel and incrementally.

Where the time goes in a plain build is process start-up: starting Sphinx and
importing WeasyPrint cost more than the work itself.  So the parent imports
them once and forks one worker per language; the worker inherits the imports,
parses the language's doctrees once and builds all its formats from them.
Languages never share a process (Sphinx keeps its translations in module
state), and an edition whose inputs did not change is not rebuilt at all.
With a core to spare — fewer languages to build than cores, as when a
translator rebuilds their own — a language's PDF, the longest of its
formats, is made in a process of its own, and its ePub and HTML beside it
once it has read the documents.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import multiprocessing
import os
import queue as queues
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from briefpub import __version__
from briefpub.project.languages import Language
from briefpub.project.layout import HTML_DIR, LANDING, MANIFEST, PACKAGE_DIR, Project

__all__ = ["FORMATS", "MANIFEST", "Project", "Result", "build", "run_sphinx", "explain"]

FORMATS = ("epub", "pdf", "html")
"""Formats briefpub can build, in the order they are built: a language's HTML
edition comes last, so that it links its PDF and ePub with their sizes."""

SNAPSHOT_VARIABLE = "BRIEFPUB_CATALOGS_DIGEST"
"""Set in a build's environment when it builds from the release's snapshot of
the catalogs: the digest the snapshot must still have."""


def catalogs_dir(project: Project, env: dict) -> Path:
    """The catalogs a build reads: the release's snapshot, or ``locale/``."""
    return project.snapshot_dir if env.get(SNAPSHOT_VARIABLE) else project.locale_dir


@dataclass(frozen=True)
class Result:
    language: Language
    format: str
    output: Path
    seconds: float
    returncode: int
    log: str
    skipped: bool = False
    """Up to date: nothing it depends on changed since it was built."""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


Event = Callable[[str, Language, str, "Result | None"], None]
"""Progress callback: (``started`` | ``done``, language, format, result)."""


def build_environment(project: Project) -> dict[str, str]:
    """The environment of a build: ``SOURCE_DATE_EPOCH`` is the caller's,
    else the date of the last commit, so two builds of one commit give
    identical editions (outside a git checkout, editions carry the build time)."""
    env = dict(os.environ)
    if "SOURCE_DATE_EPOCH" not in env:
        try:
            run = subprocess.run(
                ["git", "log", "-1", "--format=%ct"], cwd=project.root, capture_output=True, text=True, check=True
            )
            if run.stdout.strip():
                env["SOURCE_DATE_EPOCH"] = run.stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return env


# --- what an edition depends on ---------------------------------------------------


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


_FILE_DIGESTS: dict[tuple, bytes] = {}


def _file_digest(path: Path) -> bytes:
    """A file's content digest; each file is read once per run, however many
    editions depend on it (keyed by path, size and modification time)."""
    try:
        stat = path.stat()
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in _FILE_DIGESTS:
            _FILE_DIGESTS[key] = hashlib.sha256(path.read_bytes()).digest()
        return _FILE_DIGESTS[key]
    except OSError:
        return b"unreadable"


def inputs_digest(project: Project, language: Language, fmt: str, incomplete: bool, env: dict) -> str:
    """A digest of everything the edition is made from: the source, the
    catalogs, briefpub itself with its theme, the fonts, the date."""
    from briefpub.project import typefaces

    paths = [p for p in _files(project.source_dir) if "_build" not in p.relative_to(project.root).parts]
    # An edition is made from its own language's catalogs only: nothing of
    # another language's translation appears in it.
    paths += _files(catalogs_dir(project, env) / language.code, "*.po") + _files(PACKAGE_DIR)
    try:
        paths += [face.path for face in project.publication.fonts(language).faces()]
    except typefaces.FontError:
        pass
    digest = hashlib.sha256()
    for part in (__version__, language.code, fmt, str(incomplete), env.get("SOURCE_DATE_EPOCH", "now")):
        digest.update(part.encode() + b"\0")
    for path in paths:
        digest.update(str(path.relative_to(project.root) if path.is_relative_to(project.root) else path.name).encode())
        digest.update(b"\0" + _file_digest(path))
    if env.get("SOURCE_DATE_EPOCH") is None:
        digest.update(str(time.time_ns()).encode())  # without a fixed date, every build is new
    return digest.hexdigest()


def with_downloads(project: Project, language: Language, digest: str, made_from: dict[str, str]) -> str:
    """The HTML edition links its PDF and ePub with their sizes (briefpub.editions.sphinxext),
    so it is out of date whenever they are built anew: its digest covers theirs,
    as this run builds them (``made_from``) or as they were last built."""
    parts = [digest]
    for fmt in ("pdf", "epub"):
        stamp = project.stamp(language, fmt)
        parts.append(made_from.get(fmt) or (stamp.read_text(encoding="utf-8") if stamp.is_file() else "-"))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def is_up_to_date(project: Project, language: Language, fmt: str, digest: str) -> bool:
    stamp = project.stamp(language, fmt)
    return (
        stamp.is_file()
        and stamp.read_text(encoding="utf-8") == digest
        and (project.output_dir(language, fmt) / MANIFEST).is_file()
    )


# --- one Sphinx run, in this process ---------------------------------------------------


def run_sphinx(project: Project, language: Language, fmt: str, incomplete: bool = False,
               overrides: dict | None = None, ready: Callable[[], None] | None = None,
               forget: bool = True, read: Callable[[], None] | None = None) -> Result:
    """Build one edition with Sphinx in this process; warnings are errors, so
    markup that a translation broke stops the edition instead of publishing it.

    ``ready``, if given, is called once Sphinx is set up (configuration read,
    previous environment loaded) and before it reads anything: the preview
    prepares a build this far ahead and waits there for the next save.
    ``read``, if given, is called once the documents are read, without a
    warning, and the environment saved, as writing begins: other formats may
    build from them.

    An edition that takes longer than ``briefpub_time_limit`` seconds is
    stopped; one that fails leaves nothing a later run could reuse
    (:func:`forget_failed`; ``forget=False`` leaves that to the caller, when
    another run may still be reading the same saved state).  Inside a
    release, the edition is built from the catalogs' snapshot, whose digest
    is verified before and after.
    """
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    started = time.perf_counter()
    log = io.StringIO()
    returncode = 1
    overrides = {**catalog_overrides(project), **(overrides or {})}
    try:
        verify_snapshot(project)
        with patch_docutils(project.source_dir), docutils_namespace():
            app = Sphinx(
                srcdir=project.source_dir, confdir=project.source_dir,
                outdir=project.output_dir(language, fmt), doctreedir=project.doctree_dir(language),
                buildername=fmt,
                confoverrides={"language": language.code, "briefpub_incomplete": incomplete, **overrides},
                status=None, warning=log, warningiserror=True,
            )
            if read is not None:
                # Writing begins: the documents are read and the environment is
                # saved — and fit for another format if reading warned of nothing
                # (a warning fails the edition only once it is written).
                app.connect("write-started", lambda app, builder: None if log.getvalue() else read())
            if ready is not None:
                ready()
                started = time.perf_counter()
            with time_limit(app.config.briefpub_time_limit):
                app.build()
            returncode = app.statuscode
        verify_snapshot(project)
    except TimeLimitExceeded:
        log.write(f"the {fmt} edition in {language.english_name} was stopped after "
                  f"{app.config.briefpub_time_limit} s: a translation may hold an enormous message "
                  f"(`briefpub check --lang {language.code}` names it); if the publication simply needs "
                  "longer, raise briefpub_time_limit in docs/conf.py\n")
        returncode = 1
    except Exception as error:  # Sphinx reports everything as exceptions of many kinds
        log.write(explain(error) + "\n")
        returncode = 1
    if returncode != 0 and forget:
        forget_failed(project, language, fmt)
    return Result(language, fmt, project.output_dir(language, fmt), time.perf_counter() - started,
                  returncode, log.getvalue().strip())


def catalog_overrides(project: Project) -> dict:
    """Inside a release, Sphinx reads the catalogs from their snapshot; its
    messages still name the files under ``locale/``."""
    if not os.environ.get(SNAPSHOT_VARIABLE):
        return {}
    # The theme's shipped catalogs stay after the project's (briefpub.project.config).
    return {"locale_dirs": [str(project.snapshot_dir.resolve()), str(project.theme_locale_dir.resolve())],
            "briefpub_catalog_origin": str(project.locale_dir.resolve())}


def verify_snapshot(project: Project) -> None:
    from briefpub.release import snapshot

    expected = os.environ.get(SNAPSHOT_VARIABLE)
    if expected:
        snapshot.Snapshot(project.snapshot_dir, project.locale_dir, expected).verify()


def forget_failed(project: Project, language: Language, fmt: str) -> None:
    """A failed edition leaves no state that a later run could take for a
    good build: the language's saved environment and doctrees (a later run
    would skip reading the message that failed), and the edition's manifest
    and build info (publishing would take it for built)."""
    shutil.rmtree(project.doctree_dir(language), ignore_errors=True)
    output = project.output_dir(language, fmt)
    for name in (MANIFEST, ".buildinfo"):
        with contextlib.suppress(OSError):
            (output / name).unlink()


class TimeLimitExceeded(BaseException):
    """An edition took longer than its time limit.  A BaseException, so that
    no ``except Exception`` inside Sphinx or WeasyPrint swallows it."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Stop what runs inside after ``seconds`` (a timer signal; only in the
    main thread, where builds run: the workers and the preview's builds)."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def explain(error: BaseException) -> str:
    """A message for a person: what failed, where, and what to do."""
    seen = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in ADVICE:
            where = f" {seen.filename}" if seen.filename else ""
            return f"cannot write{where}: {seen.strerror}: {ADVICE[seen.errno]}"
        seen = seen.__cause__ or seen.__context__
    return f"{type(error).__name__}: {error}"


ADVICE = {
    errno.ENOSPC: "the disk is full; free some space and build again",
    errno.EDQUOT: "the disk quota is used up; free some space and build again",
    errno.EROFS: "the output folder is on a read-only file system; build in a writable checkout",
    errno.EACCES: "no permission to write there; fix the folder's permissions or build as its owner",
    errno.EPERM: "no permission to write there; fix the folder's permissions or build as its owner",
}


# --- the matrix ------------------------------------------------------------------------


WARM_MODULES = (
    "myst_parser.sphinx_ext.main", "myst_parser.parsers.sphinx_", "myst_parser.mdit_to_docutils.sphinx_",
    "sphinx.builders.html", "sphinx.builders.singlehtml", "sphinx.builders.epub3", "sphinx.writers.html5",
    "sphinx.transforms.i18n", "briefpub.editions.sphinxext", "briefpub.catalogs.status", "briefpub.preview.preview",
)


def _warm_up(formats: set[str], langs: tuple[Language, ...] = ()) -> None:
    """Import, once and before the workers are forked, everything a Sphinx
    run of ours loads: Sphinx's built-in extensions, MyST, our builders and,
    for PDFs, WeasyPrint.  Each worker then starts with all of it in memory."""
    import importlib

    import sphinx.application

    for name in (*sphinx.application.builtin_extensions, *WARM_MODULES):
        importlib.import_module(name)
    from briefpub.release import speedups

    speedups.install()
    for language in langs:
        # Babel reads a language's CLDR data on first use (native names, dates,
        # sizes): once here rather than in every worker and preview build.
        language.locale._data  # noqa: B018
    if "pdf" in formats:
        from sphinx.errors import ExtensionError

        from briefpub.editions.pdf import load_weasyprint
        try:
            load_weasyprint()
        except ExtensionError:
            pass  # each PDF edition reports it


def _language_worker(root: str, code: str, plan: list[tuple[str, str]], incomplete: bool,
                     env: dict, events, parent: int, spare_core: bool = False) -> None:
    """Build a language's editions in the order of ``plan``; with a core to
    spare, the PDF — the longest by far — beside the others (:class:`_PdfBeside`)."""
    from briefpub.release import faults

    faults.become_worker(parent)
    os.environ.clear()
    os.environ.update(env)
    project = Project(Path(root))
    language = project.publication.get(code)
    digests = dict(plan)
    if spare_core and "pdf" in digests and len(digests) > 1:
        beside = _PdfBeside(project, language, digests.pop("pdf"), incomplete, events)
        if beside.has_read():
            beside.with_others(digests)
            return
    for fmt, digest in digests.items():
        _edition(project, language, fmt, digest, incomplete, events)


def _edition(project: Project, language: Language, fmt: str, digest: str, incomplete: bool, events,
             forget: bool = True, report: bool = True, read: Callable[[], None] | None = None) -> Result:
    """Build one edition, reporting it as it starts and ends (unless the
    caller does), and stamp it with the digest of its inputs (see
    :func:`run_sphinx` for ``forget`` and ``read``)."""
    if report:
        events.put(("started", language.code, fmt, None))
    stamp = project.stamp(language, fmt)
    # From here until it succeeds the edition is not up to date, even if
    # this process is killed half-way through writing it.
    stamp.unlink(missing_ok=True)
    result = run_sphinx(project, language, fmt, incomplete, forget=forget, read=read)
    if result.ok:
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(digest, encoding="utf-8")
        except OSError:
            pass  # the next build simply rebuilds it
    if report:
        events.put(("done", language.code, fmt, (result.seconds, result.returncode, result.log)))
    return result


class _PdfBeside:
    """A language's PDF built in a process of its own, beside its other formats.

    The PDF begins at once and reads the documents that changed; once it
    has (and saved the environment the formats share, which only a run that
    reads writes), it says so, and the worker builds the ePub and the HTML
    while it writes.  A run that fails leaves the saved state to be
    forgotten once both are done.  The HTML links the PDF with its size as a
    page shows it: if the PDF, once made, is not the size the HTML was built
    with, the HTML is built again (Sphinx then rewrites its pages, as for any
    change of configuration)."""

    def __init__(self, project: Project, language: Language, digest: str, incomplete: bool, events):
        from briefpub.release import faults

        self.project, self.language, self.incomplete, self.events = project, language, incomplete, events
        context = multiprocessing.get_context("fork")
        self.told, tell = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_pdf_worker, args=(str(project.root), language.code, digest, incomplete, events, os.getpid(), tell),
            name=f"briefpub-{language.code}-pdf")
        with faults.signals_held():
            self.process.start()
        tell.close()

    def has_read(self) -> bool:
        """Wait until the PDF has read the documents; False when it ended
        before (a translation it could not read: the other formats are then
        built one after another, and say so themselves)."""
        try:
            return self.told.recv()
        except EOFError:
            self.process.join()
            return False

    def with_others(self, digests: dict[str, str]) -> None:
        """Build the other formats (the HTML last) while the PDF is written."""
        from briefpub.editions.sphinxext import downloads

        project, language, events = self.project, self.language, self.events
        results = {}
        for fmt, digest in digests.items():
            if fmt == "html":
                events.put(("started", language.code, fmt, None))
                linked = downloads(project, language)
            results[fmt] = _edition(project, language, fmt, digest, self.incomplete, events, forget=False,
                                    report=fmt != "html")
        self.process.join()
        for fmt, ok in [("pdf", self.process.exitcode == 0), *((fmt, r.ok) for fmt, r in results.items())]:
            if not ok:
                forget_failed(project, language, fmt)
        html = results.get("html")
        if html is None:
            return
        if html.ok and downloads(project, language) != linked:
            again = _edition(project, language, "html", digests["html"], self.incomplete, events, report=False)
            html = replace(again, seconds=html.seconds + again.seconds)
        events.put(("done", language.code, "html", (html.seconds, html.returncode, html.log)))


def _pdf_worker(root: str, code: str, digest: str, incomplete: bool, events, parent: int, tell) -> None:
    from briefpub.release import faults

    faults.become_worker(parent)
    project = Project(Path(root))
    language = project.publication.get(code)
    said = False

    def has_read() -> None:
        nonlocal said
        tell.send(True)
        said = True

    result = _edition(project, language, "pdf", digest, incomplete, events, forget=False, read=has_read)
    if not result.ok and not said:  # no other format uses the saved state yet
        forget_failed(project, language, "pdf")
    sys.exit(0 if result.ok else 1)


def build(
    project: Project,
    langs: list[Language],
    formats: list[str],
    *,
    incomplete: frozenset[str] = frozenset(),
    jobs: int | None = None,
    force: bool = False,
    on_event: Event | None = None,
    catalogs: str | None = None,
) -> list[Result]:
    """Build every (language, format) that is out of date, one worker process
    per language, ``jobs`` at a time (default: every core).  ``catalogs``, the
    digest of a snapshot taken with :func:`briefpub.release.snapshot.take`, makes
    every edition build from that snapshot.  Once the HTML editions are
    built, ``_build/html/`` gets the landing page of those it holds, as
    dist/ has it (:func:`briefpub.release.landing.write_build_landing`)."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: briefpub builds {', '.join(FORMATS)}")
    formats = [fmt for fmt in FORMATS if fmt in formats]
    env = build_environment(project)
    env.pop(SNAPSHOT_VARIABLE, None)
    if catalogs:
        env[SNAPSHOT_VARIABLE] = catalogs
    notify = on_event or (lambda *args: None)
    results: dict[tuple[str, str], Result] = {}
    plans: dict[str, list[tuple[str, str]]] = {}
    for language in langs:
        made_from: dict[str, str] = {}
        for fmt in formats:
            digest = inputs_digest(project, language, fmt, language.code in incomplete, env)
            if fmt == "html":
                digest = with_downloads(project, language, digest, made_from)
            made_from[fmt] = digest
            if not force and is_up_to_date(project, language, fmt, digest):
                result = Result(language, fmt, project.output_dir(language, fmt), 0.0, 0, "", skipped=True)
                results[(language.code, fmt)] = result
                notify("done", language, fmt, result)
            else:
                plans.setdefault(language.code, []).append((fmt, digest))
    if plans:
        _warm_up({fmt for plan in plans.values() for fmt, _ in plan}, tuple(langs))
        _run_workers(project, plans, incomplete, env, jobs or os.cpu_count() or 1, notify, results)
    built_html = any(not r.skipped for (_, fmt), r in results.items() if fmt == "html")
    if built_html or ("html" in formats and not (project.build_dir / HTML_DIR / LANDING).is_file()):
        from briefpub.release import landing

        with contextlib.suppress(OSError):  # a page that cannot be written fails no edition; the next build writes it
            landing.write_build_landing(project)
    return [results[(language.code, fmt)] for language in langs for fmt in formats]


def _run_workers(project, plans, incomplete, env, jobs, notify, results) -> None:
    """Run the workers, ``jobs`` at a time; whatever stops this loop (Ctrl-C,
    SIGTERM, an error) stops every worker still running before it goes on."""
    from briefpub.release import faults

    context = multiprocessing.get_context("fork")
    events = context.Queue()
    running: dict[str, multiprocessing.Process] = {}
    try:
        _schedule(project, plans, incomplete, env, jobs, notify, results, context, events, running)
    except BaseException:
        faults.stop_processes(running.values())
        raise


def _schedule(project, plans, incomplete, env, jobs, notify, results, context, events, running) -> None:
    from briefpub.release import faults

    waiting = list(plans)
    open_formats = {code: [fmt for fmt, _ in plan] for code, plan in plans.items()}
    while waiting or running:
        while waiting and len(running) < jobs:
            code = waiting.pop(0)
            process = context.Process(
                target=_language_worker,
                args=(str(project.root), code, plans[code], code in incomplete, env, events, os.getpid(),
                      len(plans) < jobs),
                name=f"briefpub-{code}",
            )
            running[code] = process
            with faults.signals_held():
                process.start()
        try:
            kind, code, fmt, payload = events.get(timeout=0.2)
        except queues.Empty:
            for code, process in list(running.items()):
                # A worker may exit before the parent has read its last events.
                if not process.is_alive() and events.empty():
                    _finish_worker(project, code, process, open_formats, notify, results)
                    del running[code]
            continue
        language = project.publication.get(code)
        if kind == "started":
            notify("started", language, fmt, None)
            continue
        seconds, returncode, log = payload
        result = Result(language, fmt, project.output_dir(language, fmt), seconds, returncode, log)
        results[(code, fmt)] = result
        open_formats[code].remove(fmt)
        notify("done", language, fmt, result)
        if not open_formats[code]:
            running.pop(code).join()


def _finish_worker(project, code, process, open_formats, notify, results) -> None:
    """A worker that died before finishing: its remaining editions failed."""
    process.join()
    language = project.publication.get(code)
    for fmt in open_formats[code]:
        result = Result(language, fmt, project.output_dir(language, fmt), 0.0, 1,
                        f"the build process for {language.english_name} stopped unexpectedly "
                        f"(exit code {process.exitcode}): run `briefpub build --lang {code}` to see why")
        results[(code, fmt)] = result
        notify("done", language, fmt, result)
    open_formats[code] = []
