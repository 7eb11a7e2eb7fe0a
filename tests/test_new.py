"""`briefpub new` starts a publication that builds at once, with the theme's
labels translated by briefpub; every verb takes a relative or absolute --root."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefpub.catalogs import store, terminology
from briefpub.project import scaffold
from conftest import briefpub, read_page


@pytest.fixture(scope="module")
def started(tmp_path_factory) -> tuple[Path, Path]:
    """``briefpub new water`` run in a folder, then ``dist --allow-incomplete --root water``."""
    cwd = tmp_path_factory.mktemp("new")
    run = briefpub("new", "water", "--source-language", "en", "--languages", "uk,pl", "--title",
                   "Water for everyone", cwd=cwd)
    assert run.returncode == 0, run.stdout + run.stderr
    dist = briefpub("dist", "--allow-incomplete", "--root", "water", cwd=cwd)
    assert dist.returncode == 0, dist.stdout + dist.stderr
    return cwd, cwd / "water"


def test_a_new_publication_has_everything_it_needs(started):
    _, root = started
    for name in ("docs/publication.toml", "docs/conf.py", "docs/index.md", "locale/terminology.toml", ".gitignore",
                 "Makefile", "locale/uk/LC_MESSAGES/index.po", "locale/pl/LC_MESSAGES/index.po",
                 "locale/en/LC_MESSAGES/index.po"):
        assert (root / name).is_file(), name
    assert (root / "docs" / "index.md").read_text(encoding="utf-8").startswith("# Water for everyone\n")
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    for target in ("all:", "dist:", "html epub pdf:", "html-% epub-% pdf-%:", "gettext:", "update-po:", "stats:",
                   "check:", "preview-%:", "clean:", "distclean:"):
        assert f"\n{target}" in makefile, target
    catalog = store.read(root / "locale" / "uk" / "LC_MESSAGES" / "index.po")
    assert "Water for everyone" in [m.id for m in catalog]
    # the page's labels start translated, as briefpub ships them; the project may reword them
    labels = store.read(root / "locale" / "uk" / "LC_MESSAGES" / "sphinx.po")
    assert labels["Skip to the text"].string == "Перейти до тексту"
    assert all(message.string for message in labels if message.id)


def test_it_builds_at_once_with_the_theme_labels_in_every_language(started):
    _, root = started
    dist = root / "dist"
    for code in ("en", "uk", "pl"):
        assert (dist / f"water-{code}.pdf").is_file() and (dist / f"water-{code}.epub").is_file()
    uk = read_page(dist / "html" / "uk" / "index.html")
    assert uk.lang == "uk"
    assert "Перейти до тексту" in uk.text and "Звіт" in uk.text and "Автори" in uk.text
    pl = read_page(dist / "html" / "pl" / "index.html")
    assert "Przejdź do tekstu" in pl.text and "Raport" in pl.text
    # the switcher follows the declaration: the source first
    html = (dist / "html" / "uk" / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('<nav class="languages"'):html.index("</nav>")]
    assert nav.index(">English<") < nav.index(">Українська<") < nav.index(">Polski<")


def test_every_verb_takes_a_relative_root(started):
    cwd, _ = started
    languages = briefpub("languages", "--root", "water", cwd=cwd)
    assert languages.stdout.split() == ["en", "uk", "pl"]
    update = briefpub("update", "--root", "water", cwd=cwd)
    assert update.returncode == 0, update.stderr
    stats = briefpub("stats", "--root", "water", "--json", cwd=cwd)
    assert [row["code"] for row in json.loads(stats.stdout)] == ["en", "uk", "pl"]
    check = briefpub("check", "--root", "water", "--lang", "uk", cwd=cwd)
    assert check.returncode == 0, check.stdout + check.stderr  # untranslated is a warning while working
    assert "untranslated" in check.stdout
    build = briefpub("build", "--root", "water", "--lang", "pl", "--format", "html", cwd=cwd)
    assert build.returncode == 0, build.stdout + build.stderr
    assert "water/_build/html/pl" in build.stdout


def test_a_language_not_declared_is_refused_with_the_publications_languages(started):
    cwd, _ = started
    run = briefpub("build", "--root", "water", "--lang", "de", cwd=cwd)
    assert run.returncode == 2
    assert "unknown language 'de': the publication is published in en, uk, pl" in run.stderr
    helped = briefpub("build", "--root", "water", "--help", cwd=cwd)
    assert "(en,uk,pl)" in helped.stdout


def test_a_projects_own_sphinx_po_overrides_a_shipped_label(tmp_path):
    run = briefpub("new", "own", "--source-language", "en", "--languages", "uk", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    root = tmp_path / "own"
    po = root / "locale" / "uk" / "LC_MESSAGES" / "sphinx.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: uk\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Skip to the text"\nmsgstr "До тексту"\n', encoding="utf-8")
    build = briefpub("build", "--root", str(root), "--lang", "uk", "--format", "html", cwd=tmp_path)
    assert build.returncode == 0, build.stdout + build.stderr
    text = read_page(root / "_build" / "html" / "uk" / "index.html").text
    assert "До тексту" in text and "Перейти до тексту" not in text
    assert "Звіт" in text  # the labels it does not override stay briefpub's


def test_new_refuses_a_folder_in_use_and_an_unknown_language(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine", encoding="utf-8")
    run = briefpub("new", "busy", "--source-language", "en", "--languages", "uk", cwd=tmp_path)
    assert run.returncode == 2 and "not empty" in run.stderr
    run = briefpub("new", "fresh", "--source-language", "en", "--languages", "uk,qq", cwd=tmp_path)
    assert run.returncode == 2 and "unknown language 'qq'" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "fresh").exists()


def test_a_wrong_declaration_stops_every_verb_with_its_file_and_line(tmp_path):
    run = briefpub("new", "w", "--source-language", "en", "--languages", "uk", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    declaration = tmp_path / "w" / "docs" / "publication.toml"
    text = declaration.read_text(encoding="utf-8")
    declaration.write_text(text + '\n[identifiers]\nuk = "isbn:978-0-00-000000-1"\n', encoding="utf-8")
    line = declaration.read_text(encoding="utf-8").splitlines().index('uk = "isbn:978-0-00-000000-1"') + 1
    for verb in (["languages"], ["check"], ["stats"], ["build"], ["dist"], ["update"]):
        run = briefpub(*verb, "--root", "w", cwd=tmp_path)
        assert run.returncode == 2, verb
        assert f"publication.toml:{line}: identifiers.uk: " in run.stderr and "check digit" in run.stderr
        assert "Traceback" not in run.stderr


def test_a_locale_folder_of_another_language_is_named(tmp_path):
    run = briefpub("new", "x", "--source-language", "en", "--languages", "pl", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    (tmp_path / "x" / "locale" / "de" / "LC_MESSAGES").mkdir(parents=True)
    run = briefpub("check", "--root", "x", cwd=tmp_path)
    assert run.returncode == 1
    assert "unknown language 'de': the publication is published in en, pl" in run.stdout


def test_the_new_terminology_lists_example_is_written_in_the_publications_languages(tmp_path):
    scaffold.write(scaffold.plan(tmp_path / "wasser", "de", ["fr", "uk"]))
    path = tmp_path / "wasser" / "locale" / "terminology.toml"
    assert terminology.load(path, "de") == []
    text = path.read_text(encoding="utf-8")
    example = text[text.index("# [[term]]"):]
    path.write_text("".join(line.removeprefix("# ") + "\n" for line in example.splitlines()), encoding="utf-8")
    [term] = terminology.load(path, "de")  # the example, written out, is a term of this publication's list
    assert set(term.forms) == {"de", "fr"}


def test_the_shipped_theme_catalogs_translate_every_label_of_the_templates():
    """A label added to the theme without its translations would show in the
    source language on every edition: each shipped catalog has them all."""
    from jinja2.ext import babel_extract

    from briefpub.project.config import THEME_DIR, THEME_LOCALE_DIR

    labels = {"Policy brief", "Report", "The authors"}  # set by briefpub itself: document types, default credit
    for template in [*sorted((THEME_DIR / "brief").glob("*.html")), THEME_DIR / "dist" / "status.html"]:
        with open(template, "rb") as handle:
            labels |= {message for _, function, message, _ in babel_extract(handle, ("_", "gettext"), [], {})
                       if isinstance(message, str)}
    shipped = sorted(THEME_LOCALE_DIR.glob("*/LC_MESSAGES/sphinx.po"))
    assert {path.parts[-3] for path in shipped} >= {"uk", "be", "pl", "ru", "de", "lt", "el"}
    for path in shipped:
        catalog = store.read(path)
        untranslated = sorted(label for label in labels if label not in catalog or not catalog[label].string)
        assert untranslated == [], f"{path}: {untranslated}"
