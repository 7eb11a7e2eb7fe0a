"""How fast and how sharp ``briefpub check`` is, against translate-toolkit's pofilter.

One run builds a catalog 50 times the brief's (both catalogs of uk, be and
pl, every message repeated with a unique msgid, 2,550 entries a language),
plants defects of every kind a translator makes — a doubled word, an
unbalanced bracket, a lost final full stop, a wrong number, a changed URL, an
HTML tag, a double space, a leading and a trailing space, an untranslated
copy, a wrong form of a listed name, straight quotes, a letter of the other
alphabet — and times, side by side on the same files:

  (a) ``pofilter`` as a translator runs it (every test, one run a language),
      and with only the ten tests briefpub mirrors;
  (b) ``briefpub check`` over the three languages at once;

then counts the planted defects each finds at their entry, and what else each
reports on the untouched entries.  Machines are shared and noisy, so read the
ratio, not the seconds; each command runs three times and the best counts.

    .venv/bin/python benchmarks/check_speed.py
    .venv/bin/python benchmarks/check_speed.py --times 10 --repeat 1

Targets: briefpub ≤ 0.25 × pofilter's time; every planted defect found.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LANGUAGES = ("uk", "be", "pl")
DOMAINS = ("index", "sphinx")
MIRRORED = ("doublewords", "brackets", "endpunc", "numbers", "urls", "xmltags", "doublespacing",
            "startwhitespace", "endwhitespace", "unchanged")


# --- planted defects: kind → (how to plant it, briefpub's rule, pofilter's tests) ----------

WRONG_FORMS = {"uk": ("Лукашенка", "Лукашенки"), "be": ("Лукашэнкі", "Лукашенкі"), "pl": ("Łukaszenki", "Łukaszenko")}


def _words(text: str) -> list[str]:
    return text.split(" ")


def double_a_word(msgid, msgstr, code):
    words = _words(msgstr)
    if len(words) < 4:
        return None
    return msgid, " ".join(words[:3] + [words[2].strip(",.;:")] + words[3:])


def open_a_bracket(msgid, msgstr, code):
    words = _words(msgstr)
    if len(words) < 4 or any(c in msgstr for c in "()"):
        return None
    return msgid, " ".join(words[:2] + ["(" + words[2]] + words[3:])


def drop_the_full_stop(msgid, msgstr, code):
    if not (msgid.endswith(".") and msgstr.endswith(".")) or msgstr.endswith(".."):
        return None
    return msgid, msgstr[:-1]


def change_a_number(msgid, msgstr, code):
    number, rest = msgstr.split(". ", 1)
    return msgid, f"{int(number) + 1000}. {rest}"


def change_a_url(msgid, msgstr, code):
    mark = msgid.split(".", 1)[0]
    return f"{msgid} https://example.org/report/{mark}", f"{msgstr} https://example.org/raport/{mark}"


def add_a_tag(msgid, msgstr, code):
    words = _words(msgstr)
    if len(words) < 3:
        return None
    return msgid, " ".join(words[:1] + [f"<b>{words[1]}</b>"] + words[2:])


def double_a_space(msgid, msgstr, code):
    return msgid, msgstr.replace(" ", "  ", 2).replace("  ", " ", 1)


def lead_with_a_space(msgid, msgstr, code):
    return msgid, " " + msgstr


def trail_a_space(msgid, msgstr, code):
    return msgid, msgstr + " "


def copy_the_source(msgid, msgstr, code):
    return msgid, msgid


def misspell_a_name(msgid, msgstr, code):
    right, wrong = WRONG_FORMS[code]
    if "Lukashenka" not in msgid or right not in msgstr:
        return None
    return msgid, msgstr.replace(right, wrong, 1)


def straighten_the_quotes(msgid, msgstr, code):
    for opening, closing in (("«", "»"), ("„", "”")):
        if opening in msgstr and closing in msgstr:
            return msgid, msgstr.replace(opening, '"').replace(closing, '"')
    return None


def mix_the_alphabets(msgid, msgstr, code):
    latin, cyrillic = "o", "\u043e"
    source, target = (latin, cyrillic) if code == "pl" else (cyrillic, latin)
    position = msgstr.find(source, 4)
    if position < 0:
        return None
    return msgid, msgstr[:position] + target + msgstr[position + 1:]


KINDS = {
    "doubled word": (double_a_word, {"doublewords"}, {"doublewords"}),
    "unbalanced bracket": (open_a_bracket, {"brackets"}, {"brackets"}),
    "final punctuation": (drop_the_full_stop, {"endpunc"}, {"endpunc"}),
    "wrong number": (change_a_number, {"numbers"}, {"numbers"}),
    "changed URL": (change_a_url, {"urls"}, {"urls"}),
    "HTML tag": (add_a_tag, {"raw-html", "markup"}, {"xmltags"}),
    "double space": (double_a_space, {"doublespacing"}, {"doublespacing"}),
    "leading space": (lead_with_a_space, {"startwhitespace"}, {"startwhitespace"}),
    "trailing space": (trail_a_space, {"endwhitespace"}, {"endwhitespace"}),
    "untranslated copy": (copy_the_source, {"copy"}, {"unchanged"}),
    "wrong form of a name": (misspell_a_name, {"terminology"}, set()),
    "straight quotes": (straighten_the_quotes, {"typography"}, {"doublequoting"}),
    "letter of the other alphabet": (mix_the_alphabets, {"orthography"}, set()),
}


# --- the catalogs ------------------------------------------------------------------------


def read(path: Path) -> Catalog:
    return read_po(io.BytesIO(path.read_bytes()), charset="utf-8")


def build(target: Path, times: int, per_kind: int = 3, every: int = 3) -> dict[tuple[str, str, str], str]:
    """Write the scaled catalogs under ``target/locale``; return the planted
    defects as {(language, domain, msgid): kind}: ``per_kind`` of each kind a
    language, in every ``every``-th copy of the brief."""
    planted: dict[tuple[str, str, str], str] = {}
    locale = target / "locale"
    locale.mkdir(parents=True)
    shutil.copy(REPO / "locale" / "terminology.toml", locale / "terminology.toml")
    for code in LANGUAGES:
        pending = list(KINDS) * per_kind
        for domain in DOMAINS:
            original = read(REPO / "locale" / code / "LC_MESSAGES" / f"{domain}.po")
            scaled = Catalog(locale=code, project=original.project, version=original.version,
                             charset="utf-8", fuzzy=False)
            scaled.language_team = original.language_team
            for n in range(1, times + 1):
                for message in original:
                    if not message.id:
                        continue
                    msgid, msgstr = f"{n}. {message.id}", f"{n}. {message.string}"
                    if pending and n % every == 0:
                        kind = pending[0]
                        defect = KINDS[kind][0](msgid, msgstr, code)
                        if defect is not None:
                            msgid, msgstr = defect
                            planted[(code, domain, msgid)] = kind
                            pending.pop(0)
                    scaled.add(msgid, msgstr, locations=message.locations)
            folder = locale / code / "LC_MESSAGES"
            folder.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            write_po(buffer, scaled, width=76)
            (folder / f"{domain}.po").write_bytes(buffer.getvalue())
    return planted


def msgids_by_line(locale: Path) -> dict[tuple[str, str, int], str]:
    found = {}
    for code in LANGUAGES:
        for domain in DOMAINS:
            for message in read(locale / code / "LC_MESSAGES" / f"{domain}.po"):
                if message.id:
                    found[(code, domain, message.lineno)] = message.id
    return found


# --- the runs ----------------------------------------------------------------------------


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best_of(repeat: int, commands: list[list[str]], cwd: Path) -> tuple[tuple[float, float], list]:
    """The best wall-clock and CPU seconds of ``repeat`` runs of ``commands``."""
    wall, cpu, runs = float("inf"), float("inf"), []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), cpu_of_children()
        runs = [subprocess.run(command, cwd=cwd, capture_output=True, text=True) for command in commands]
        wall, cpu = min(wall, time.perf_counter() - start), min(cpu, cpu_of_children() - start_cpu)
    return (wall, cpu), runs


def pofilter_commands(work: Path, tests: tuple[str, ...] = ()) -> list[list[str]]:
    options = [option for test in tests for option in ("-t", test)]
    return [[str(BIN / "pofilter"), "--progress=none", f"--language={code}", *options,
             str(work / "locale" / code), str(work / "pofilter" / code)] for code in LANGUAGES]


def pofilter_findings(work: Path) -> dict[tuple[str, str, str], set[str]]:
    from translate.storage import po

    found: dict[tuple[str, str, str], set[str]] = {}
    for code in LANGUAGES:
        for domain in DOMAINS:
            path = work / "pofilter" / code / "LC_MESSAGES" / f"{domain}.po"
            if not path.exists():
                continue
            for unit in po.pofile.parsefile(str(path)).units:
                notes = unit.getnotes("translator")
                tests = {line.split(")", 1)[1].split(":", 1)[0].strip()
                         for line in notes.splitlines() if line.startswith("(pofilter)")}
                if tests and unit.source:
                    found[(code, domain, unit.source)] = tests
    return found


def briefpub_findings(work: Path, output: str) -> dict[tuple[str, str, str], set[str]]:
    lines = msgids_by_line(work / "locale")
    found: dict[tuple[str, str, str], set[str]] = {}
    for problem in json.loads(output):
        path = Path(problem["path"])
        key = (path.parent.parent.name, path.stem, problem["line"])
        if key in lines:
            found.setdefault((key[0], key[1], lines[key]), set()).add(problem["rule"])
    return found


def score(planted, findings, column: int) -> tuple[Counter, Counter, int]:
    """Planted defects per kind, and how many were found; findings elsewhere."""
    wanted, caught = Counter(), Counter()
    for key, kind in planted.items():
        wanted[kind] += 1
        if findings.get(key, set()) & KINDS[kind][column]:
            caught[kind] += 1
    elsewhere = sum(1 for key in findings if key not in planted)
    return wanted, caught, elsewhere


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--times", type=int, default=50, help="How many times the brief's catalogs are repeated.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each command; the best counts.")
    args = parser.parse_args()
    if shutil.which("pofilter", path=str(BIN)) is None:
        sys.exit("benchmarks/check_speed.py: pofilter is missing: install the test extra (pip install -e '.[test]')")

    with tempfile.TemporaryDirectory(prefix="briefpub-check-speed-") as folder:
        work = Path(folder)
        planted = build(work, args.times)
        (work / "pofilter").mkdir()
        entries = len(msgids_by_line(work / "locale"))
        print(f"{entries} entries in {len(LANGUAGES) * len(DOMAINS)} catalogs ({args.times} × the brief's), "
              f"{len(planted)} planted defects of {len(KINDS)} kinds")

        briefpub = [str(BIN / "briefpub"), "check", "--json", "--lang", ",".join(LANGUAGES), "--root", str(REPO),
                    "--locale-dir", str(work / "locale"), "--source-dir", str(work / "docs")]
        briefpub_time, (briefpub_run,) = best_of(args.repeat, [briefpub], work)
        mirrored_time, _ = best_of(args.repeat, pofilter_commands(work, MIRRORED), work)
        pofilter_time, runs = best_of(args.repeat, pofilter_commands(work), work)
        for run in runs:
            if run.returncode != 0:
                sys.exit(f"pofilter failed:\n{run.stderr}")

        results = {
            "briefpub": score(planted, briefpub_findings(work, briefpub_run.stdout), 1),
            "pofilter": score(planted, pofilter_findings(work), 2),
        }

    print()
    print(f"{'':34} {'wall':>8} {'× pofilter':>11} {'CPU':>8} {'× pofilter':>11}")
    for name, (wall, cpu) in (("pofilter, every test", pofilter_time),
                              ("pofilter, the ten mirrored tests", mirrored_time),
                              ("briefpub check", briefpub_time)):
        print(f"{name:34} {wall:7.2f}s {wall / pofilter_time[0]:10.2f}× {cpu:7.2f}s {cpu / pofilter_time[1]:10.2f}×")
    print("(target: briefpub ≤ 0.25 × pofilter; the CPU time is the steadier figure on a shared machine)")
    print()
    print(f"{'planted defect':30} {'planted':>8} {'briefpub':>9} {'pofilter':>9}")
    wanted = results["briefpub"][0]
    for kind in KINDS:
        print(f"{kind:30} {wanted[kind]:8} {results['briefpub'][1][kind]:9} {results['pofilter'][1][kind]:9}")
    total = sum(wanted.values())
    print(f"{'all':30} {total:8} {sum(results['briefpub'][1].values()):9} {sum(results['pofilter'][1].values()):9}")
    print(f"{'entries flagged that were not planted':39} {results['briefpub'][2]:9} {results['pofilter'][2]:9}")
    if briefpub_time[1] > 0.25 * pofilter_time[1]:
        print("\nnot met: slower than 0.25 × pofilter (on a busy machine, run it again)")
    missed = total - sum(results["briefpub"][1].values())
    if missed:
        sys.exit(f"\nnot met: briefpub missed {missed} planted defects")


if __name__ == "__main__":
    main()
