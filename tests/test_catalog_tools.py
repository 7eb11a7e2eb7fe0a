"""The brief's catalogs through the tools translators use: msgcat (Poedit's
layout), translate-toolkit (Weblate's), msgmerge, polib, powrap and msgfmt,
each run on real catalogs, before and after `briefpub update`."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from translate.storage import pypo

from briefpub.catalogs import pofile, store
from conftest import BRIEF

REPO = Path(__file__).resolve().parent.parent
LANGS = list(BRIEF.languages)
CHANGED = ("cancelled the planned Ukrainian-Belarusian forum of regions and paused the high-level interstate "
           "dialogue")
REVISED = CHANGED.replace("paused", "suspended")
REVISED_AGAIN = REVISED.replace("interstate", "inter-state")


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=True, **kwargs)


def templates_with(pot_dir: Path, target: Path, old: str, new: str) -> Path:
    """The extracted templates with one message's source edited, as the
    extraction gives them after an editor changed that sentence."""
    shutil.copytree(pot_dir, target)
    path = target / "index.pot"
    template = pofile.parse(path.read_text(encoding="utf-8"))
    for entry in template.entries:
        if entry.msgid == old:
            entry.msgid, entry.text = new, None
    path.write_text(template.render(), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    """The real brief's templates, extracted once, and the same with one
    sentence edited once and twice."""
    root = tmp_path_factory.mktemp("extracted")
    run(sys.executable, "-m", "sphinx", "-b", "gettext", "-q", str(REPO / "docs"), str(root / "pot"))
    return {
        "source": root / "pot",
        "revised": templates_with(root / "pot", root / "revised", CHANGED, REVISED),
        "revised again": templates_with(root / "pot", root / "again", CHANGED, REVISED_AGAIN),
    }


def po_paths(locale: Path) -> list[Path]:
    return sorted(locale.glob("*/LC_MESSAGES/*.po"))


def as_msgcat_writes(locale: Path) -> None:
    """Save every catalog as msgcat (and so Poedit) does."""
    for path in po_paths(locale):
        run("msgcat", str(path), "-o", str(path))


def as_weblate_writes(locale: Path) -> None:
    """Save every catalog as Weblate does: translate-toolkit with every unit set again."""
    for path in po_paths(locale):
        store = pypo.pofile.parsefile(str(path))
        for unit in store.units:
            if not unit.isheader():
                unit.target = unit.target
        store.savefile(str(path))


LAYOUTS = {"briefpub": lambda locale: None, "msgcat": as_msgcat_writes, "translate-toolkit": as_weblate_writes}


@pytest.fixture(params=list(LAYOUTS))
def locale(request, tmp_path) -> Path:
    """The brief's catalogs, last saved by one tool."""
    target = tmp_path / "locale"
    shutil.copytree(REPO / "locale", target, ignore=shutil.ignore_patterns("*.mo"))
    LAYOUTS[request.param](target)
    return target


def snapshot(locale: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in po_paths(locale)}


def assert_valid_for_every_tool(locale: Path) -> None:
    for path in po_paths(locale):
        check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        by_polib = polib.pofile(str(path))
        by_toolkit = pypo.pofile.parsefile(str(path))
        ours = pofile.parse(path.read_text(encoding="utf-8"))
        assert len(by_polib) == len([e for e in ours.entries if not e.is_header])  # polib counts obsolete ones too
        assert len(by_polib.obsolete_entries()) == len([e for e in ours.entries if e.obsolete])
        for entry in ours.entries:
            if entry.is_header or entry.obsolete:
                continue
            theirs = by_polib.find(entry.msgid, msgctxt=entry.msgctxt)
            assert theirs.msgstr == entry.msgstr[0]
            assert (theirs.previous_msgid or None) == entry.previous_msgid
            unit = by_toolkit.findid(f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid)
            assert unit.target == entry.msgstr[0]
            assert (unit.prev_source or None) == entry.previous_msgid


def test_the_committed_catalogs_are_as_msgcat_and_powrap_write_them():
    for path in po_paths(REPO / "locale"):
        assert run("msgcat", str(path)).stdout == path.read_text(encoding="utf-8"), path
    powrap = subprocess.run([sys.executable, "-m", "powrap", "--check", "--quiet", *map(str, po_paths(REPO / "locale"))],
                            capture_output=True, text=True)
    assert powrap.returncode == 0, powrap.stdout + powrap.stderr


def test_an_update_without_source_changes_leaves_every_layout_byte_identical(locale, templates):
    before = snapshot(locale)
    results = store.update(templates["source"], locale, LANGS)
    assert {r.status for r in results} == {"unchanged"}
    assert snapshot(locale) == before


def changed_lines(before: bytes, after: bytes) -> list[str]:
    old, new = before.decode().splitlines(), after.decode().splitlines()
    lines = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            lines += old[i1:i2] + new[j1:j2]
    return lines


def entry_text(po: bytes, msgid: str) -> str:
    return next(e.text or "" for e in pofile.parse(po.decode()).entries if e.msgid == msgid)


def test_one_changed_sentence_changes_that_entry_and_the_creation_date_only(locale, templates):
    before = snapshot(locale)
    store.update(templates["revised"], locale, LANGS)
    after = snapshot(locale)
    for path in before:
        if path.name == "sphinx.po":
            assert after[path] == before[path]
            continue
        old_entry = entry_text(before[path], CHANGED)
        new_entry = pofile.format_entry(next(e for e in pofile.parse(after[path].decode()).entries
                                             if e.msgid == REVISED))
        for line in changed_lines(before[path], after[path]):
            assert line in old_entry or line in new_entry or line.startswith('"POT-Creation-Date:'), (path, line)
    assert_valid_for_every_tool(locale)


def previous(path: Path, msgid: str) -> str | None:
    entry = polib.pofile(str(path)).find(msgid)
    assert entry is not None and entry.fuzzy
    return entry.previous_msgid


def test_the_previous_msgid_stays_until_the_translator_has_reviewed_the_entry(locale, templates):
    uk = locale / "uk" / "LC_MESSAGES" / "index.po"
    store.update(templates["revised"], locale, LANGS)
    assert previous(uk, REVISED) == CHANGED
    text = uk.read_text(encoding="utf-8")
    assert '#| msgid ""\n#| "cancelled the planned Ukrainian-Belarusian forum of regions and paused "\n' in text

    # Any number of updates keep it; a further edit keeps the oldest source the translator has not seen.
    store.update(templates["revised"], locale, LANGS)
    assert uk.read_text(encoding="utf-8") == text
    store.update(templates["revised again"], locale, LANGS)
    assert previous(uk, REVISED_AGAIN) == CHANGED
    assert_valid_for_every_tool(locale)


def test_a_previous_msgid_written_by_msgmerge_is_kept(locale, templates, tmp_path):
    """Poedit's "Update from POT" is msgmerge --previous."""
    for path in po_paths(locale):
        template = templates["revised"] / f"{path.stem}.pot"
        run("msgmerge", "--quiet", "--previous", "-o", str(path), str(path), str(template))
    pl = locale / "pl" / "LC_MESSAGES" / "index.po"
    assert previous(pl, REVISED) == CHANGED
    before = snapshot(locale)
    store.update(templates["revised"], locale, LANGS)
    assert previous(pl, REVISED) == CHANGED
    for path, content in before.items():
        assert "#| msgid" not in "".join(changed_lines(content, path.read_bytes()))
    assert_valid_for_every_tool(locale)


LEGACY = '''#, fuzzy
#| msgid "" "cancelled the planned Ukrainian-Belarusian forum of regions and
#| paused " "the high-level interstate dialogue"
'''


def test_a_previous_msgid_in_the_broken_layout_of_earlier_versions_is_reported_and_repaired(tmp_path, templates):
    locale = tmp_path / "locale"
    shutil.copytree(REPO / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    store.update(templates["revised"], locale, LANGS)
    be = locale / "be" / "LC_MESSAGES" / "index.po"
    text = be.read_text(encoding="utf-8")
    start = text.index("#, fuzzy\n#| msgid")
    end = text.index("msgid", text.index("#| msgid", start) + 8)
    while text[end - 4:end] == "#| ":
        end = text.index("msgid", end + 1)
    broken = text[:start] + LEGACY + text[end:]
    be.write_text(broken, encoding="utf-8")
    line = broken[:broken.index(LEGACY)].count("\n") + 2

    problems = store.syntax_problems(be, broken)
    assert [p.line for p in problems] == [line, line + 1]
    assert all(p.rule == "syntax" and "#|" in p.message for p in problems)

    store.update(templates["revised"], locale, LANGS)
    assert previous(be, REVISED) == CHANGED
    assert be.read_text(encoding="utf-8") == text
    assert_valid_for_every_tool(locale)


def test_header_fields_set_by_translators_are_kept(tmp_path, templates):
    locale = tmp_path / "locale"
    shutil.copytree(REPO / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    pl = locale / "pl" / "LC_MESSAGES" / "index.po"
    text = pl.read_text(encoding="utf-8")
    team = '"Language-Team: Polish (briefpub translation team)\\n"\n'
    assert team in text
    text = text.replace(team, '"Language-Team: Polski <pl@example.org>\\n"\n"X-Generator: Poedit 3.4.2\\n"\n')
    text = text.replace('"Last-Translator: briefpub translators\\n"', '"Last-Translator: Jan Nowak <jan@example.org>\\n"')
    pl.write_text(text, encoding="utf-8")

    store.update(templates["revised"], locale, LANGS)
    fields = pofile.header_fields(pofile.parse(pl.read_text(encoding="utf-8")).header)
    assert fields["Language-Team"] == "Polski <pl@example.org>"
    assert fields["Last-Translator"] == "Jan Nowak <jan@example.org>"
    assert fields["X-Generator"] == "Poedit 3.4.2"
    assert fields["X-Poedit-Basepath"] == "../../.."


ALPHABET = st.sampled_from(list("aeiou lnrst ABC 0123456789 .,;:!?-/()[]{}«»„“”‘’'\"\\\t\n—–…%$€№+*#_`|<>=ŁąЖжїЇ")
                           + ["\u00a0", "\u202f", "\u2011", "中", "\u0301", "Ukrainian-Belarusian ", "https://e.org/a-b?c=d ",
                              "{term}`x` ", "[link](https://x.y/z) ", "word "])
TEXTS = st.lists(ALPHABET, min_size=15, max_size=120).map("".join)


@settings(max_examples=6, deadline=None, phases=[Phase.generate],  # msgcat per example: no shrinking
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(TEXTS, TEXTS, st.sampled_from(["", "fuzzy", "obsolete"])), min_size=20, max_size=60))
def test_new_entries_are_wrapped_exactly_as_msgcat_wraps_them(messages):
    entries = [pofile.Entry(msgid="", msgstr=["Content-Type: text/plain; charset=UTF-8\n"])]
    obsolete = []
    for number, (msgid, msgstr, kind) in enumerate(messages):
        entry = pofile.Entry(msgid=f"{number} {msgid}", msgstr=[msgstr])
        if kind == "fuzzy" and msgstr:
            entry.flags, entry.previous_msgid = ["fuzzy"], f"{msgstr} {msgid}"
        if kind == "obsolete" and msgstr:
            entry.obsolete = True
            obsolete.append(entry)
            continue
        entries.append(entry)
    text = pofile.PoFile(entries + obsolete).render()
    assert run("msgcat", "-", input=text).stdout == text
