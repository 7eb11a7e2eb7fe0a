"""The ``briefpub`` command: a thin shell over functions that can be called
and tested directly.  Exit codes: 0 fine, 1 problems found, 2 usage or
environment error; stopped by a signal, 128 + its number (130 after Ctrl-C,
143 after SIGTERM: :mod:`briefpub.release.faults`).

Each verb imports what it needs when it runs (Sphinx, Babel, the catalogs),
so that ``briefpub --version`` and ``--help`` answer at once.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefpub import __version__

if TYPE_CHECKING:  # for annotations only: each verb imports what it runs
    from briefpub.project import languages
    from briefpub.release import build, snapshot


def _project(root: Path) -> build.Project:
    """The project at ``root`` with its publication read; a wrong or missing
    declaration, or a language its typefaces cannot set, is reported (file,
    line, key, what to do) with exit code 2."""
    from briefpub.project.publication import DeclarationError, check_fonts
    from briefpub.project.typefaces import FontError
    from briefpub.release import build

    project = build.Project(root)
    try:
        check_fonts(project.publication)
    except FontError:
        pass  # a font file that cannot be read: each edition reports it
    except DeclarationError as error:
        click.echo(f"briefpub: {error}", err=True)
        sys.exit(2)
    return project


def _shown(path: Path) -> Path:
    """A project's folder as the user names it: relative to the current folder when inside it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _languages(project: build.Project, value: str | None) -> list[languages.Language]:
    from briefpub.project import languages

    try:
        return project.publication.parse_list(value)
    except languages.UnknownLanguage as error:
        raise click.BadParameter(str(error), param_hint="--lang") from None


def _formats(value: str | None) -> list[str]:
    from briefpub.release import build

    names = [part.strip() for part in (value or "").split(",") if part.strip()] or list(build.FORMATS)
    unknown = [name for name in names if name not in build.FORMATS]
    if unknown:
        raise click.BadParameter(
            f"unknown format {unknown[0]!r}: choose from {', '.join(build.FORMATS)}", param_hint="--format"
        )
    return names


class _LateHelp(click.Option):
    """An option whose help text is made only when help is shown (it names
    what a module knows, and importing that module for every run is slow)."""

    def __init__(self, *args, late_help, **kwargs):
        super().__init__(*args, **kwargs)
        self.late_help = late_help

    def get_help_record(self, ctx):
        self.help = self.late_help(ctx)
        return super().get_help_record(ctx)


def _lang_help(ctx: click.Context) -> str:
    """Names the languages of the publication at hand."""
    from briefpub.project.publication import DeclarationError
    from briefpub.release import build

    root = ctx.params.get("root") or Path(".")
    try:
        codes = ",".join(build.Project(root).publication.codes)
    except DeclarationError:
        codes = "those of docs/publication.toml"
    return f"Comma-separated language codes ({codes}); default: all."


def _format_help(ctx: click.Context) -> str:
    from briefpub.release import build

    return f"Comma-separated formats ({','.join(build.FORMATS)}); default: all."


LANG_OPTION = click.option("--lang", "lang", metavar="CODES", cls=_LateHelp, late_help=_lang_help)


class _Briefpub(click.Group):
    """Every verb runs with signals turned into one line and an exit code."""

    def invoke(self, ctx: click.Context):
        from briefpub.release import faults

        try:
            with faults.stop_on_signals():
                return super().invoke(ctx)
        except faults.Stopped as stopped:
            click.echo(f"briefpub: {stopped}{getattr(stopped, 'outcome', '')}", err=True)
            ctx.exit(stopped.exit_code)


@click.group(cls=_Briefpub,
             context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "BRIEFPUB"})
@click.version_option(__version__, prog_name="briefpub")
def main() -> None:
    """Publish a publication in every language and format."""


FORCE_OPTION = click.option("--force", is_flag=True, help="Rebuild even editions that are up to date.")
JOBS_OPTION = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                           help="Languages built at once (default: the number of cores).")
ROOT_OPTION = click.option(
    "--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."), is_eager=True,
    callback=lambda ctx, param, value: value.resolve(),
    help="The project folder (with docs/publication.toml and locale/), relative or absolute.",
)


@main.command("languages")
@ROOT_OPTION
def list_languages(root: Path) -> None:
    """Print the publication's language codes, one a line, in the order of its declaration."""
    for code in _project(root).publication.codes:
        click.echo(code)


@main.command("new")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--source-language", required=True, metavar="CODE", help="The language the text is written in.")
@click.option("--languages", "targets", required=True, metavar="CODES",
              help="Comma-separated codes of the languages it is translated into.")
@click.option("--title", help="The title, in the source language (the first heading of index.md).")
@click.option("--type", "kind", default="Report", show_default=True,
              help='The kind of document, e.g. "Policy brief".')
def new_command(folder: Path, source_language: str, targets: str, title: str | None, kind: str) -> None:
    """Start a new publication in FOLDER that `briefpub dist --allow-incomplete` builds at once."""
    from briefpub.catalogs import sources, store
    from briefpub.project import scaffold

    try:
        plan = scaffold.plan(folder, source_language.strip(), [c.strip() for c in targets.split(",") if c.strip()],
                             title=title, type=kind)
    except scaffold.ScaffoldError as error:
        click.echo(f"briefpub: {error}", err=True)
        sys.exit(2)
    for path in scaffold.write(plan):
        click.echo(f"  created  {path}")
    project = _project(folder.resolve())
    run = sources.write_templates(project)
    if not run.ok:
        click.echo(run.log, err=True)
        sys.exit(1)
    for result in store.update(run.folder, project.locale_dir, list(project.publication.languages)):
        click.echo(f"  created  {result.path}")
    for path in store.prefill_theme_labels(project.locale_dir, project.publication.languages):
        click.echo(f"  filled   {path}: the page's labels, as briefpub translates them")
    click.echo(f"The publication is in {folder}: write docs/index.md, complete docs/publication.toml, then "
               f"`briefpub dist --allow-incomplete --root {folder}`")


class Progress:
    """One line per edition with its state and time: a live table on a
    terminal, plain lines where output is read later (CI, logs)."""

    def __init__(self, langs: list[languages.Language], formats: list[str]):
        import os

        from briefpub.release import build

        self.rows = {(lang.code, fmt): ("waiting", None) for lang in langs for fmt in build.FORMATS if fmt in formats}
        self.live = None
        if sys.stdout.isatty() and not os.environ.get("CI"):
            from rich.live import Live

            self.live = Live(self.render(), auto_refresh=False, transient=False)
            self.live.start()

    def render(self):
        from rich.table import Table

        table = Table.grid(padding=(0, 2))
        styles = {"waiting": "dim", "building": "yellow", "done": "green", "up to date": "green", "FAILED": "bold red"}
        for (code, fmt), (state, seconds) in self.rows.items():
            time_text = f"{seconds:.1f} s" if seconds is not None else ""
            table.add_row(f"{fmt:>4} {code}", f"[{styles[state]}]{state}[/]", time_text)
        return table

    def __call__(self, kind: str, language: languages.Language, fmt: str, result: build.Result | None) -> None:
        if kind == "started":
            self.rows[(language.code, fmt)] = ("building", None)
        else:
            state = "up to date" if result.skipped else ("done" if result.ok else "FAILED")
            self.rows[(language.code, fmt)] = (state, result.seconds)
            if self.live is None:
                timing = "" if result.skipped else f" in {result.seconds:.1f} s"
                click.echo(f"{fmt:>4} {language.code}  {state}{timing}  → {result.output}")
        if self.live is not None:
            self.live.update(self.render(), refresh=True)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()


def run_builds(
    project: build.Project, langs: list[languages.Language], formats: list[str], *,
    incomplete: list[languages.Language] = (), force: bool = False, jobs: int | None = None,
    catalogs: snapshot.Snapshot | None = None,
) -> list[build.Result]:
    """Build the matrix with progress shown; failures are printed with their log."""
    from briefpub.release import build

    progress = Progress(langs, formats)
    try:
        results = build.build(project, langs, formats, incomplete=frozenset(l.code for l in incomplete),
                              force=force, jobs=jobs, on_event=progress,
                              catalogs=catalogs.digest if catalogs else None)
    finally:
        progress.close()
    for result in results:
        if not result.ok:
            click.echo(f"--- {result.format} {result.language.code} failed:\n{result.log}", err=True)
    return results


@main.command("build")
@LANG_OPTION
@click.option("--format", "fmt", metavar="FORMATS", cls=_LateHelp, late_help=_format_help)
@ROOT_OPTION
@FORCE_OPTION
@JOBS_OPTION
def build_command(lang: str | None, fmt: str | None, root: Path, force: bool, jobs: int | None) -> None:
    """Build editions into _build/<format>/<language>/ (only those whose inputs changed)."""
    project = _project(root)
    configuration_or_exit(project)
    langs = _languages(project, lang)
    broken = catalog_errors(project, langs)
    results = run_builds(project, [l for l in langs if l not in broken], _formats(fmt), force=force, jobs=jobs)
    sys.exit(0 if all(r.ok for r in results) and not broken else 1)


def configuration_or_exit(project: build.Project) -> None:
    """Read ``docs/conf.py`` once, here, before any worker: if it does not
    run, say so once, with its file and line, and stop."""
    from briefpub.release import faults

    conf_py = project.source_dir / "conf.py"
    if conf_py.is_absolute() and conf_py.is_relative_to(Path.cwd()):
        conf_py = conf_py.relative_to(Path.cwd())
    try:
        faults.read_configuration(conf_py)
    except faults.ConfigurationError as error:
        click.echo(str(error), err=True)
        sys.exit(1)


def catalog_errors(project: build.Project, langs: list[languages.Language]) -> set[languages.Language]:
    """Languages whose catalogs have errors, reported; Sphinx would build them
    anyway and publish something wrong (a string cut short, a catalog ignored)."""
    from briefpub.catalogs import checks

    broken = set()
    for language in langs:
        record = project.build_dir / "checks" / f"{language.code}.json"
        problems = [p for p in checks.remembered(record, project.locale_dir, language,
                                                 project.publication.source.code) if p.is_error]
        for problem in problems:
            click.echo(str(problem), err=True)
        if problems:
            click.echo(f"briefpub: the {language.english_name} editions are not built until these errors are "
                       "fixed (`briefpub check` lists them)", err=True)
            broken.add(language)
    return broken


def release_gate(project: build.Project, allow_incomplete: bool,
                 catalogs: snapshot.Snapshot) -> list[languages.Language]:
    """Refuse a release whose catalogs (as read once into ``catalogs``) have
    errors or are unfinished; return the languages published as incomplete
    under ``--allow-incomplete``."""
    from briefpub.catalogs import checks

    _, blocking = checks.language_dirs(catalogs.folder, project.publication)
    blocking = [*catalogs.refused, *map(catalogs.problem, blocking)]
    incomplete = []
    for language in project.publication.languages:
        problems = [catalogs.problem(p) for p in checks.check_language(
            catalogs.folder, language, project.publication.source.code, release=True,
            source_dir=project.source_dir, own_source=True) if p.is_error]
        unfinished = [p for p in problems if p.rule in checks.INCOMPLETE]
        if unfinished and allow_incomplete:
            incomplete.append(language)
            problems = [p for p in problems if p.rule not in checks.INCOMPLETE]
        blocking.extend(problems)
    if blocking:
        for problem in blocking:
            click.echo(str(problem), err=True)
        unfinished_only = any(p.rule in checks.INCOMPLETE for p in blocking) and not allow_incomplete
        hint = "; to publish an unfinished translation marked as incomplete, add --allow-incomplete" \
            if unfinished_only else ""
        click.echo(f"briefpub: not published: {len(blocking)} error(s) in the catalogs above{hint}; "
                   "dist/ is unchanged", err=True)
        sys.exit(1)
    for language in incomplete:
        click.echo(f"warning: the {language.english_name} edition is unfinished and is published marked as incomplete",
                   err=True)
    return incomplete


WAIT_OPTION = click.option("--wait/--no-wait", default=True, show_default=True,
                           help="Wait for a release already running, or stop at once.")
ALLOW_INCOMPLETE_OPTION = click.option(
    "--allow-incomplete", is_flag=True, help="Publish editions whose translation is unfinished, marked as incomplete.")


@contextlib.contextmanager
def releasing(project: build.Project, wait: bool):
    """Hold the release lock; turn what goes wrong while publishing into a
    message.  Stopped by a signal, the release says whether dist/ is unchanged."""
    from briefpub.release import build, faults, lock, publish

    def waiting(holder: str) -> None:
        click.echo(f"waiting for the release already running ({holder})…", err=True)

    before = _dist_state(project)
    try:
        with lock.release_lock(project.root, wait=wait, on_wait=waiting):
            publish.recover(project)
            yield
    except faults.Stopped as stopped:
        stopped.outcome = "; dist/ is unchanged" if _dist_state(project) == before else \
            "; dist/ holds the new release"
        raise
    except lock.Busy as error:
        click.echo(f"briefpub: {error}", err=True)
        sys.exit(1)
    except publish.ReleaseError as error:
        click.echo(f"briefpub: {error}", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(f"briefpub: not published: {build.explain(error)}; dist/ is unchanged", err=True)
        sys.exit(1)


def _dist_state(project: build.Project) -> bytes | None:
    """What dist/ holds, as its checksums say."""
    try:
        return (project.dist_dir / "SHA256SUMS").read_bytes()
    except OSError:
        return None


def report_published(project: build.Project, editions) -> None:
    if editions is None:
        click.echo(f"{project.dist_dir} is up to date")
    else:
        click.echo(f"published {len(editions)} editions to {project.dist_dir}")
    if not project.publication.base_url:
        click.echo(f"briefpub: warning: {project.publication.declaration}: no base-url: the editions are not "
                   "findable (no canonical or hreflang addresses, sitemap, or image for shared links); add "
                   'base-url = "https://…/", the address dist/ is published at', err=True)


@main.command("dist")
@ROOT_OPTION
@ALLOW_INCOMPLETE_OPTION
@FORCE_OPTION
@JOBS_OPTION
@WAIT_OPTION
def dist_command(root: Path, allow_incomplete: bool, force: bool, jobs: int | None, wait: bool) -> None:
    """Check the catalogs, build every edition, publish them together to dist/ (all or nothing)."""
    from briefpub.release import build, publish, snapshot

    project = _project(root)
    configuration_or_exit(project)
    with releasing(project, wait):
        catalogs = snapshot.take(project.root, project.locale_dir, project.build_dir)
        incomplete = release_gate(project, allow_incomplete, catalogs)
        results = run_builds(project, list(project.publication.languages), list(build.FORMATS),
                             incomplete=incomplete, force=force, jobs=jobs, catalogs=catalogs)
        report_published(project, publish.publish(project, results, catalogs))


@main.command("publish")
@ROOT_OPTION
@ALLOW_INCOMPLETE_OPTION
@WAIT_OPTION
def publish_command(root: Path, allow_incomplete: bool, wait: bool) -> None:
    """Publish editions already built in _build/ (e.g. by the jobs of a CI matrix) to dist/."""
    from briefpub.release import build, publish, snapshot

    project = _project(root)
    with releasing(project, wait):
        catalogs = snapshot.take(project.root, project.locale_dir, project.build_dir)
        release_gate(project, allow_incomplete, catalogs)
        results = publish.collect(project, list(project.publication.languages), list(build.FORMATS))
        report_published(project, publish.publish(project, results, catalogs))


@main.command("preview")
@click.argument("lang", metavar="LANG")
@click.option("--beside", metavar="LANG", default=None,
              help="Show another language (e.g. en) beside each block of the text, for a reviewer.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--open/--no-open", "open_browser", default=True, help="Open the page in a browser.")
@ROOT_OPTION
def preview_command(lang: str, beside: str | None, port: int, open_browser: bool, root: Path) -> None:
    """Serve one language's edition on localhost; rebuild and reload on every save."""
    import threading

    from briefpub.preview import preview
    from briefpub.project import languages
    from briefpub.release import build, faults

    project = _project(root)

    def language_of(code: str, hint: str) -> languages.Language:
        try:
            return project.publication.get(code)
        except languages.UnknownLanguage as error:
            raise click.BadParameter(str(error), param_hint=hint) from None

    language = language_of(lang, "LANG")
    other = language_of(beside, "--beside") if beside else None
    if other == language:
        raise click.BadParameter("choose another language than the one previewed", param_hint="--beside")
    configuration_or_exit(project)
    rebuilder = preview.Rebuilder(project, language, beside=other)
    server = None
    try:
        build._warm_up({"html"}, (language,) if other is None else (language, other))
        state = preview.State()
        outcome = rebuilder.rebuild()
        if not outcome.ok:
            click.echo(outcome.log, err=True)
            if not (preview.output_dir(project, language) / "index.html").exists():
                click.echo("briefpub: the edition does not build; fix the problems above and run preview again",
                           err=True)
                sys.exit(1)
        state.publish(outcome)
        try:
            server = preview.make_server(project, language, state, port)
        except OSError as error:
            click.echo(f"briefpub: cannot listen on 127.0.0.1:{port} ({error.strerror}): try --port 0", err=True)
            sys.exit(2)
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        shown = f" beside {other.english_name}" if other else ""
        click.echo(f"Previewing the {language.english_name} edition{shown} at {url}")
        watched = ", ".join(f"locale/{l.code}/" for l in rebuilder.languages)
        click.echo(f"Watching docs/ and {watched} — save a file to rebuild; Ctrl+C to stop.")

        def report(outcome: preview.Outcome) -> None:
            found = f"; {len(outcome.findings)} finding(s) listed on the page" if outcome.findings else ""
            if outcome.ok:
                click.echo(f"rebuilt in {outcome.seconds:.2f} s{found}")
            else:
                click.echo(f"not rebuilt; the page shows the last good build:\n{outcome.log}", err=True)

        threading.Thread(target=preview.watch, args=(rebuilder, state, report), daemon=True).start()
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        server.serve_forever()
    except faults.Stopped:
        click.echo("stopped")  # the usual way to end a preview: exit code 0
    finally:
        if server is not None:
            server.server_close()
        rebuilder.close()


JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead of text.")
LOCALE_OPTION = click.option(
    "--locale-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
    help="The folder of the catalogs (default: locale/ in the project).",
)


@main.command("stats")
@ROOT_OPTION
@LANG_OPTION
@LOCALE_OPTION
@JSON_OPTION
@click.option("--html", "html_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the status as a page to FILE, for translators (labels in --label-language).")
@click.option("--label-language", "label_language", metavar="CODE", default=None,
              help="The language of the page's labels (default: the source language).")
def stats_command(root: Path, lang: str | None, locale_dir: Path | None, as_json: bool, html_file: Path | None,
                  label_language: str | None) -> None:
    """Show how far each language is translated."""
    import json

    from briefpub.catalogs import stats

    project = _project(root)
    langs = _languages(project, lang)
    rows = stats.collect(locale_dir or _shown(project.locale_dir), langs)
    if html_file is not None:
        from briefpub.catalogs import status

        try:
            labels_in = project.publication.get(label_language) if label_language else project.publication.source
        except languages.UnknownLanguage as error:
            raise click.BadParameter(str(error), param_hint="--label-language") from None
        try:
            status.write(html_file, project, labels_in, langs, locale_dir)
        except OSError as error:
            click.echo(f"briefpub: {html_file}: cannot be written ({error.strerror})", err=True)
            sys.exit(2)
        click.echo(f"wrote {html_file}", err=True)
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.progress_bar import ProgressBar
    from rich.table import Table

    table = Table(title="Translation status", title_justify="left", header_style="bold", box=None, pad_edge=False)
    for heading in ("Language", "Done", "Fuzzy", "Untransl.", "Obsolete", "Words", "", "%"):
        table.add_column(heading, justify="left" if heading in ("Language", "") else "right", no_wrap=True)
    for row in rows:
        source = project.publication.get(row.code).is_source
        table.add_row(
            f"{row.code} {row.name}" + ("*" if source else ""),
            f"{row.translated}/{row.messages}", str(row.fuzzy), str(row.untranslated), str(row.obsolete),
            f"{row.words_translated}/{row.words}",
            ProgressBar(total=max(row.messages, 1), completed=row.translated, width=8),
            f"{row.percent:.0f}",
        )
    console = Console()
    console.print(table)
    console.print("* the source language: an empty msgstr keeps the source text", style="dim")
    for row in rows:
        for path in row.unreadable:
            console.print(f"[red]{path}: unreadable — run `briefpub check` to see why[/red]")


@main.command("check")
@ROOT_OPTION
@LANG_OPTION
@LOCALE_OPTION
@click.option("--source-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The documents the catalogs translate (default: docs/ in the project).")
@click.option("--release", is_flag=True, help="Untranslated and fuzzy entries are errors, as before publishing.")
@JSON_OPTION
def check_command(root: Path, lang: str | None, locale_dir: Path | None, source_dir: Path | None, release: bool,
                  as_json: bool) -> None:
    """Check the catalogs: syntax, headers, markup, numbers, spelling, terms, typography."""
    import json

    from briefpub.catalogs import checks

    project = _project(root)
    source_dir = source_dir or _shown(project.source_dir)
    problems = checks.check(locale_dir or _shown(project.locale_dir), project.publication, _languages(project, lang),
                            release=release, source_dir=source_dir if source_dir.is_dir() else None)
    errors = sum(p.is_error for p in problems)
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem))
        warnings = len(problems) - errors
        click.echo(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", err=True)
    sys.exit(1 if errors else 0)


@main.command("glossary")
@click.option("--format", "fmt", type=click.Choice(["tbx", "csv"]), default="tbx", show_default=True,
              help="TBX for CAT tools (Weblate, Poedit, OmegaT…), or CSV with one column per language.")
@ROOT_OPTION
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="The file to write (default: the standard output).")
def glossary_command(fmt: str, root: Path, output: Path | None) -> None:
    """Export locale/terminology.toml as a glossary for translators' tools."""
    from briefpub.catalogs import glossary, terminology

    project = _project(root)
    try:
        text = glossary.export(_shown(project.locale_dir) / "terminology.toml", fmt, project.publication)
    except terminology.TerminologyError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo("briefpub: no glossary written: fix the terminology list first", err=True)
        sys.exit(1)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        click.echo(f"briefpub: {output}: cannot write the glossary ({error.strerror})", err=True)
        sys.exit(1)
    click.echo(f"wrote {output}", err=True)


@main.command()
@LANG_OPTION
@ROOT_OPTION
@click.option("--extract/--no-extract", default=True, show_default=True,
              help="Extract the source's messages first (else use the templates already in _build/gettext).")
def update(lang: str | None, root: Path, extract: bool) -> None:
    """Extract the source's messages and merge them into the catalogs, keeping every translation."""
    from briefpub.catalogs import sources, store

    project = _project(root)
    langs = _languages(project, lang)
    pot_dir, locale_dir = project.build_dir / "gettext", project.locale_dir

    def waiting() -> None:
        click.echo("waiting for the update already running in this project…", err=True)

    with store.update_lock(project.build_dir, on_wait=waiting):
        if extract:
            configuration_or_exit(project)
            run = sources.write_templates(project)
            if not run.ok:
                click.echo(run.log, err=True)
                click.echo("briefpub: the source's messages could not be extracted; the catalogs are unchanged",
                           err=True)
                sys.exit(1)
        if not any(pot_dir.glob("*.pot")):
            click.echo(f"briefpub: no templates in {pot_dir}: run `briefpub update` without --no-extract", err=True)
            sys.exit(2)
        try:
            results = store.update(pot_dir, locale_dir, langs)
        except store.CatalogError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            click.echo("briefpub: nothing was updated: fix the catalog first", err=True)
            sys.exit(1)
        except store.CatalogWriteError as error:
            click.echo(f"briefpub: {error}", err=True)
            sys.exit(1)
    for result in results:
        if result.status != "unchanged":
            click.echo(f"{result.status:>9}  {_shown(result.path)}")
        if result.fuzzy:
            click.echo(f"           {result.fuzzy} entr{'ies' if result.fuzzy != 1 else 'y'} changed in the source "
                       "and marked fuzzy: the previous source is kept as '#| msgid'")
        if result.obsolete:
            click.echo(f"           {result.obsolete} obsolete entr{'ies' if result.obsolete != 1 else 'y'} "
                       "(no longer in the source) kept at the end of the file as '#~'")


if __name__ == "__main__":
    main()
