"""The ``briefpub`` command: a thin shell over functions that can be called
and tested directly.  Exit codes: 0 fine, 1 problems found, 2 usage or
environment error."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import json

from briefpub import __version__, build, catalogs, checks, languages, publish, stats


def _languages(value: str | None) -> list[languages.Language]:
    try:
        return languages.parse_list(value)
    except languages.UnknownLanguage as error:
        raise click.BadParameter(str(error), param_hint="--lang") from None


def _formats(value: str | None) -> list[str]:
    names = [part.strip() for part in (value or "").split(",") if part.strip()] or list(build.FORMATS)
    unknown = [name for name in names if name not in build.FORMATS]
    if unknown:
        raise click.BadParameter(
            f"unknown format {unknown[0]!r}: choose from {', '.join(build.FORMATS)}", param_hint="--format"
        )
    return names


LANG_OPTION = click.option(
    "--lang", "lang", metavar="CODES",
    help=f"Comma-separated language codes ({','.join(languages.CODES)}); default: all.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "BRIEFPUB"})
@click.version_option(__version__, prog_name="briefpub")
def main() -> None:
    """Publish one brief in every language and format."""


@main.command("languages")
def list_languages() -> None:
    """Print the publication's language codes, one a line."""
    for code in languages.CODES:
        click.echo(code)


ROOT_OPTION = click.option(
    "--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
    help="The project folder (with docs/ and locale/).",
)


def run_builds(
    project: build.Project, langs: list[languages.Language], formats: list[str], stop_on_failure: bool = False,
    incomplete: list[languages.Language] = (),
) -> list[build.Result]:
    """Build every (language, format), one line per edition as it finishes."""
    results = []
    for language in langs:
        for name in formats:
            result = build.build_edition(project, language, name, incomplete=language in incomplete)
            state = "done" if result.ok else "FAILED"
            click.echo(f"{name:>5} {language.code}  {state} in {result.seconds:.1f} s  → {result.output}")
            results.append(result)
            if not result.ok:
                click.echo(result.log, err=True)
                if stop_on_failure:
                    return results
    return results


@main.command("build")
@LANG_OPTION
@click.option("--format", "fmt", metavar="FORMATS", help=f"Comma-separated formats ({','.join(build.FORMATS)}); default: all.")
@ROOT_OPTION
def build_command(lang: str | None, fmt: str | None, root: Path) -> None:
    """Build editions into _build/<format>/<language>/."""
    results = run_builds(build.Project(root), _languages(lang), _formats(fmt))
    sys.exit(0 if all(r.ok for r in results) else 1)


def release_gate(project: build.Project, allow_incomplete: bool) -> list[languages.Language]:
    """Refuse a release whose catalogs have errors or are unfinished; return
    the languages published as incomplete under ``--allow-incomplete``."""
    blocking, incomplete = [], []
    for language in languages.LANGUAGES.values():
        problems = [p for p in checks.check_language(project.locale_dir, language, release=True) if p.is_error]
        unfinished = [p for p in problems if p.rule in checks.INCOMPLETE]
        if unfinished and allow_incomplete:
            incomplete.append(language)
            problems = [p for p in problems if p.rule not in checks.INCOMPLETE]
        blocking.extend(problems)
    if blocking:
        for problem in blocking:
            click.echo(str(problem), err=True)
        hint = "" if allow_incomplete else (
            "; to publish an unfinished translation marked as incomplete, add --allow-incomplete"
        )
        click.echo(f"briefpub: not published: {len(blocking)} error(s) in the catalogs above{hint}; "
                   "dist/ is unchanged", err=True)
        sys.exit(1)
    for language in incomplete:
        click.echo(f"warning: the {language.english_name} edition is unfinished and is published marked as incomplete",
                   err=True)
    return incomplete


@main.command("dist")
@ROOT_OPTION
@click.option("--allow-incomplete", is_flag=True,
              help="Publish editions whose translation is unfinished, marked as incomplete.")
def dist_command(root: Path, allow_incomplete: bool) -> None:
    """Check the catalogs, build every edition, publish them together to dist/ (all or nothing)."""
    project = build.Project(root)
    incomplete = release_gate(project, allow_incomplete)
    results = run_builds(project, list(languages.LANGUAGES.values()), list(build.FORMATS), stop_on_failure=True,
                         incomplete=incomplete)
    try:
        editions = publish.publish(project, results)
    except publish.ReleaseError as error:
        click.echo(f"briefpub: {error}", err=True)
        sys.exit(1)
    click.echo(f"published {len(editions)} editions to {project.dist_dir}")


JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead of text.")
LOCALE_OPTION = click.option(
    "--locale-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("locale"), show_default=True,
    help="The folder of the catalogs.",
)


@main.command("stats")
@LANG_OPTION
@LOCALE_OPTION
@JSON_OPTION
def stats_command(lang: str | None, locale_dir: Path, as_json: bool) -> None:
    """Show how far each language is translated."""
    rows = stats.collect(locale_dir, _languages(lang))
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
        source = languages.get(row.code).is_source
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
@LANG_OPTION
@LOCALE_OPTION
@click.option("--release", is_flag=True, help="Untranslated and fuzzy entries are errors, as before publishing.")
@JSON_OPTION
def check_command(lang: str | None, locale_dir: Path, release: bool, as_json: bool) -> None:
    """Check the catalogs: syntax, headers, markup, numbers, spelling, terms, typography."""
    problems = checks.check(locale_dir, _languages(lang), release=release)
    errors = sum(p.is_error for p in problems)
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem))
        warnings = len(problems) - errors
        click.echo(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", err=True)
    sys.exit(1 if errors else 0)


@main.command()
@LANG_OPTION
@click.option("--pot-dir", type=click.Path(path_type=Path), default=Path("_build/gettext"), show_default=True,
              help="Where `make gettext` put the extracted templates.")
@LOCALE_OPTION
def update(lang: str | None, pot_dir: Path, locale_dir: Path) -> None:
    """Bring the catalogs up to date with the extracted source, keeping every translation."""
    langs = _languages(lang)
    if not any(pot_dir.glob("*.pot")):
        click.echo(f"briefpub: no templates in {pot_dir}: run `make gettext` first", err=True)
        sys.exit(2)
    try:
        results = catalogs.update(pot_dir, locale_dir, langs)
    except catalogs.CatalogError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo("briefpub: nothing was updated: fix the catalog first", err=True)
        sys.exit(1)
    for result in results:
        if result.status != "unchanged":
            click.echo(f"{result.status:>9}  {result.path}")
        if result.fuzzy:
            click.echo(f"           {result.fuzzy} entr{'ies' if result.fuzzy != 1 else 'y'} changed in the source "
                       "and marked fuzzy: the previous source is kept as '#| msgid'")
        if result.obsolete:
            click.echo(f"           {result.obsolete} obsolete entr{'ies' if result.obsolete != 1 else 'y'} "
                       "(no longer in the source) kept at the end of the file as '#~'")


if __name__ == "__main__":
    main()
