"""`briefpub stats`: the figures a translator sees agree with gettext's own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefpub.catalogs import stats
from conftest import BRIEF

REPO = Path(__file__).resolve().parent.parent

MIXED = """\
msgid ""
msgstr ""
"Language: pl\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#, fuzzy
msgid "fuzzy without text"
msgstr ""

#, fuzzy
#| msgid "an old source"
msgid "a new source"
msgstr "stare tłumaczenie"

msgid "not yet"
msgstr ""

msgid "one file"
msgid_plural "many files"
msgstr[0] "jeden plik"
msgstr[1] ""
msgstr[2] ""

msgid "done"
msgstr "gotowe"

#~ msgid "gone"
#~ msgstr "usunięte"
"""


def msgfmt_statistics(path: Path) -> dict[str, int]:
    run = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)],
                         capture_output=True, text=True, check=True, env={"LC_ALL": "C"})
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", run.stderr):
        counts[kind] = int(number)
    return counts


def figures(row) -> dict[str, int]:
    return {"translated": row.translated, "fuzzy": row.fuzzy, "untranslated": row.untranslated}


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (Debian: gettext) is checked by `make system`")
def test_counts_agree_with_msgfmt_on_a_catalog_with_every_kind_of_entry(tmp_path):
    folder = tmp_path / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "index.po").write_text(MIXED, encoding="utf-8")
    row = stats.language_stats(tmp_path, BRIEF.get("pl"))
    assert figures(row) == msgfmt_statistics(folder / "index.po") == {"translated": 2, "fuzzy": 1, "untranslated": 2}
    assert row.obsolete == 1
    assert row.messages == 5
    assert row.percent == pytest.approx(40.0)
    assert row.words_translated == 3  # "one file", "done"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (Debian: gettext) is checked by `make system`")
@pytest.mark.parametrize("code", ["uk", "be", "pl"])
def test_counts_agree_with_msgfmt_on_the_projects_catalogs(code):
    row = stats.language_stats(REPO / "locale", BRIEF.get(code))
    expected = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for path in sorted((REPO / "locale" / code / "LC_MESSAGES").glob("*.po")):
        for kind, number in msgfmt_statistics(path).items():
            expected[kind] += number
    assert figures(row) == expected
    assert row.complete


def test_the_source_language_is_never_untranslated():
    row = stats.language_stats(REPO / "locale", BRIEF.get("en"))
    assert row.untranslated == 0 and row.translated == row.messages and row.percent == 100.0


def test_the_command_prints_a_table_and_json():
    run = subprocess.run([sys.executable, "-m", "briefpub.cli", "stats"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0
    for code in BRIEF.codes:
        assert BRIEF.get(code).native_name in run.stdout
    run = subprocess.run([sys.executable, "-m", "briefpub.cli", "stats", "--json", "--lang", "be,pl"],
                         cwd=REPO, capture_output=True, text=True)
    data = json.loads(run.stdout)
    assert [row["code"] for row in data] == ["be", "pl"]
    assert data[0]["percent"] == 100.0 and data[0]["complete"] is True
