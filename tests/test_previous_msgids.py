"""Catalogs with the previous msgids gettext's own tools write: ``msgmerge
--previous`` (Poedit's "Update from POT") marks a changed entry fuzzy with a
``#|`` line, and keeps it as ``#~|`` when the entry becomes obsolete.  Such a
catalog is read, checked and updated without losing a line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib

from briefpub.catalogs import checks, pofile, store
from conftest import BRIEF

UKRAINIAN = BRIEF.get("uk")
FIRST = "The first paragraph of the brief says what Kyiv did in 2020."
SECOND = "The second paragraph of the brief says what Minsk did in 2021."
FIRST_REVISED = FIRST.replace("Kyiv", "Ukraine")
SECOND_REVISED = SECOND.replace("Minsk", "Vilnius")
THIRD = "A third paragraph, new in the source."
HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: brief 1\\n"\n"POT-Creation-Date: 2026-01-02 00:00+0000\\n"\n'
          '"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n')


def template(folder: Path, *messages: str) -> Path:
    """The source's template (``index.pot``) with ``messages``, one a paragraph of docs/index.md."""
    folder.mkdir(parents=True)
    body = "".join(f'\n#: docs/index.md:{3 + 2 * n}\nmsgid "{text}"\nmsgstr ""\n' for n, text in enumerate(messages))
    (folder / "index.pot").write_text(HEADER + body, encoding="utf-8")
    return folder


def msgmerge(path: Path, pot_dir: Path) -> None:
    subprocess.run(["msgmerge", "--quiet", "--previous", "--update", "--backup=off", str(path),
                    str(pot_dir / "index.pot")], check=True)


def body(text: str) -> list[str]:
    """The entries of a catalog as written, the header aside."""
    return [entry.text for entry in pofile.parse(text).entries if not entry.is_header]


def test_a_catalog_msgmerge_wrote_with_obsolete_fuzzy_entries_is_read_checked_and_updated(tmp_path):
    locale = tmp_path / "locale"
    path = store.catalog_dir(locale, UKRAINIAN) / "index.po"
    store.update(template(tmp_path / "1", FIRST, SECOND), locale, [UKRAINIAN])
    text = path.read_text(encoding="utf-8")
    for msgid, msgstr in ((FIRST, "Перший абзац: що зробив Київ у 2020 році."),
                          (SECOND, "Другий абзац: що зробив Мінськ у 2021 році.")):
        text = text.replace(f'msgid "{msgid}"\nmsgstr ""', f'msgid "{msgid}"\nmsgstr "{msgstr}"')
    path.write_text(text, encoding="utf-8")
    msgmerge(path, template(tmp_path / "2", FIRST, SECOND_REVISED))  # the second sentence changes…
    msgmerge(path, template(tmp_path / "3", FIRST_REVISED))  # …then goes; the first changes
    written = path.read_text(encoding="utf-8")
    assert f'#| msgid "{FIRST}"' in written and f'#~| msgid "{SECOND}"' in written

    catalog, problems = store.parse(path)
    assert problems == [] and catalog is not None
    fuzzy = catalog[FIRST_REVISED]
    assert fuzzy.fuzzy and fuzzy.previous_id == [FIRST] and fuzzy.user_comments == []
    assert fuzzy.lineno == written.splitlines().index(f'msgid "{FIRST_REVISED}"') + 1
    (obsolete,) = catalog.obsolete.values()
    assert obsolete.id == SECOND_REVISED and obsolete.previous_id == [SECOND] and obsolete.user_comments == []

    found = checks.check_catalog(path, UKRAINIAN, [], release=False)
    assert [(p.rule, p.line) for p in found] == [("fuzzy", fuzzy.lineno)], found

    assert {u.status for u in store.update(tmp_path / "3", locale, [UKRAINIAN])} == {"unchanged"}
    store.write(path, store.read(path))  # saved through Babel's catalog, as a script would
    assert body(path.read_text(encoding="utf-8")) == body(written)

    store.update(template(tmp_path / "4", FIRST_REVISED, THIRD), locale, [UKRAINIAN])
    after = pofile.parse(path.read_text(encoding="utf-8")).entries
    kept = {(e.obsolete, e.msgid): e for e in after}
    assert kept[(False, FIRST_REVISED)].previous_msgid == FIRST and kept[(False, FIRST_REVISED)].fuzzy
    assert kept[(True, SECOND_REVISED)].previous_msgid == SECOND
    assert (False, THIRD) in kept
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)]).returncode == 0
    assert polib.pofile(str(path)).find(FIRST_REVISED).previous_msgid == FIRST
    assert store.parse(path)[1] == []


def test_previous_msgid_lines_are_never_translator_comments(tmp_path):
    path = tmp_path / "uk" / "LC_MESSAGES" / "index.po"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER.replace('"MIME', '"Language: uk\\n"\n"MIME') + (
        '\n# A translator\'s note\n#, fuzzy\n#| msgctxt "heading"\n#| msgid "Old"\nmsgctxt "heading"\n'
        'msgid "New"\nmsgstr "Нове"\n'), encoding="utf-8")
    catalog, problems = store.parse(path)
    assert problems == []
    message = catalog.get("New", "heading")
    assert message.user_comments == ["A translator's note"] and message.previous_id == ["Old"]
