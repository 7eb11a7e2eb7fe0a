"""The ``briefpub`` command: a thin shell over functions that can be called
and tested directly.  Exit codes: 0 fine, 1 problems found, 2 usage or
environment error."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefpub import __version__, build, catalogs, languages, publish


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
    project: build.Project, langs: list[languages.Language], formats: list[str], stop_on_failure: bool = False
) -> list[build.Result]:
    """Build every (language, format), one line per edition as it finishes."""
    results = []
    for language in langs:
        for name in formats:
            result = build.build_edition(project, language, name)
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


@main.command("dist")
@ROOT_OPTION
def dist_command(root: Path) -> None:
    """Build every edition and publish them together to dist/ (all or nothing)."""
    project = build.Project(root)
    results = run_builds(project, list(languages.LANGUAGES.values()), list(build.FORMATS), stop_on_failure=True)
    try:
        editions = publish.publish(project, results)
    except publish.ReleaseError as error:
        click.echo(f"briefpub: {error}", err=True)
        sys.exit(1)
    click.echo(f"published {len(editions)} editions to {project.dist_dir}")


@main.command()
@LANG_OPTION
@click.option("--pot-dir", type=click.Path(path_type=Path), default=Path("_build/gettext"), show_default=True,
              help="Where `make gettext` put the extracted templates.")
@click.option("--locale-dir", type=click.Path(path_type=Path), default=Path("locale"), show_default=True)
def update(lang: str | None, pot_dir: Path, locale_dir: Path) -> None:
    """Bring the catalogs up to date with the extracted source, keeping every translation."""
    langs = _languages(lang)
    if not any(pot_dir.glob("*.pot")):
        click.echo(f"briefpub: no templates in {pot_dir}: run `make gettext` first", err=True)
        sys.exit(2)
    for result in catalogs.update(pot_dir, locale_dir, langs):
        if result.status != "unchanged":
            click.echo(f"{result.status:>9}  {result.path}")


if __name__ == "__main__":
    main()
