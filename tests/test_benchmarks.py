"""The benchmarks keep working as the code under them changes: each script in
benchmarks/ is imported and its parts other than the timing are run on tiny
inputs (a two-chapter report, the brief twice over, a corpus of the brief's
catalogs twice over).  No figure is asserted: only that the scripts still run
and that what they generate is what they say."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from briefpub.catalogs import checks, store
from briefpub.project import publication
from conftest import REPO, briefpub

BENCHMARKS = REPO / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))  # as the scripts themselves import each other

SCRIPTS = sorted(path.stem for path in BENCHMARKS.glob("*.py"))


def module(name: str):
    return importlib.import_module(name)


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_script_imports_and_explains_its_options(name, monkeypatch, capsys):
    script = module(name)
    monkeypatch.setattr(sys, "argv", [f"benchmarks/{name}.py", "--help"])
    with pytest.raises(SystemExit) as stopped:
        script.main()
    assert stopped.value.code == 0
    usage = capsys.readouterr().out
    assert usage.startswith(f"usage: {name}.py") and script.__doc__.split("\n")[0][:40] in usage


def test_the_scale_reports_catalogs_pass_the_check_and_a_translators_change_is_one_entry(tmp_path):
    scale = module("scale")
    project = scale.generate(tmp_path / "report", 2)
    declared = publication.load(project)
    assert declared.codes == scale.LANGUAGES
    assert sorted(p.name for p in (project / "docs").glob("*.md")) == ["chapter-01.md", "chapter-02.md", "index.md"]
    run = briefpub("check", "--root", str(project), cwd=tmp_path)
    said = run.stdout + run.stderr
    assert run.returncode == 0 and said.strip().endswith("0 errors, 0 warnings"), said

    path = project / "locale" / "pl" / "LC_MESSAGES" / "chapter-02.po"
    before = {m.id: m.string for m in store.read(path) if m.id}
    scale.change_one_entry(project, chapter=2)
    after = {m.id: m.string for m in store.read(path) if m.id}
    changed = [msgid for msgid in before if before[msgid] != after[msgid]]
    assert len(changed) == 1 and after[changed[0]].endswith("(§2, poprawione)")

    # The plain Sphinx run it is measured against: every edition of every language, with tools that exist.
    build_speed = module("build_speed")
    commands = build_speed.plain_commands(project)
    assert len(commands) == 4 * len(scale.LANGUAGES)
    assert all(Path(command[0]).is_file() for command in commands)
    assert {c[c.index("-D") + 1] for c in commands if "-D" in c} == {f"language={code}" for code in scale.LANGUAGES}


def test_the_scaled_brief_repeats_every_message_and_passes_the_check(tmp_path):
    build_speed = module("build_speed")
    project = build_speed.scale_brief(tmp_path / "brief", 2)
    source = (project / "docs" / "index.md").read_text(encoding="utf-8")
    assert "(§1)" in source and "(§2)" in source and "(§3)" not in source
    problems = checks.check(project / "locale", publication.load(project), source_dir=project / "docs")
    assert [str(p) for p in problems if p.is_error] == []
    polish = store.read(project / "locale" / "pl" / "LC_MESSAGES" / "index.po")
    marked = [m for m in polish if m.id and m.id.endswith("(§2)")]
    assert marked and all(m.string.endswith("(§2)") for m in marked)


def test_the_measuring_helpers_run_commands_and_sum_memory(tmp_path):
    build_speed = module("build_speed")
    assert build_speed.tree_rss(os.getpid()) > 0
    seconds, peak = build_speed.run([[sys.executable, "-c", "pass"]], tmp_path)
    assert seconds > 0 and peak >= 0
    with pytest.raises(SystemExit, match="failed: .* -c raise SystemExit"):
        build_speed.run([[sys.executable, "-c", "raise SystemExit('broken')"]], tmp_path)
    assert build_speed.briefpub_command()[1] == "build" and Path(build_speed.briefpub_command()[0]).is_file()


def test_the_preview_measure_sees_each_save_on_the_page(tmp_path):
    build_speed = module("build_speed")
    times = build_speed.preview_latency(build_speed.copy_brief(tmp_path / "brief"), saves=2)
    assert len(times) == 2 and all(0 < seconds < 30 for seconds in times)


def test_the_plain_run_is_timed_by_program(tmp_path):
    build_speed = module("build_speed")
    programs: dict[str, float] = {}
    build_speed.run([[sys.executable, "-c", "pass"], [sys.executable, "-c", "pass"]], tmp_path, programs)
    assert list(programs) == [Path(sys.executable).name] and programs[Path(sys.executable).name] > 0


def test_every_defect_the_check_speed_corpus_plants_is_found_by_the_check(tmp_path):
    check_speed = module("check_speed")
    planted = check_speed.build(tmp_path, 2, per_kind=1, every=1)
    assert set(planted.values()) == set(check_speed.KINDS)  # every kind, in the brief's catalogs twice over
    command = [str(check_speed.BIN / "briefpub"), "check", "--json", "--lang", ",".join(check_speed.LANGUAGES),
               "--root", str(REPO), "--locale-dir", str(tmp_path / "locale"), "--source-dir", str(tmp_path / "docs")]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    wanted, caught, elsewhere = check_speed.score(planted, check_speed.briefpub_findings(tmp_path, run.stdout), 1)
    assert caught == wanted and elsewhere == 0
    assert all(isinstance(p, dict) for p in json.loads(run.stdout))


def test_the_weights_pages_are_served_and_found(tmp_path):
    weight = module("weight")
    dist = tmp_path / "dist"
    for page in ("index.html", "html/index.html", "html/uk/index.html", "html/pl/index.html", "html/_fonts/x.css"):
        (dist / page).parent.mkdir(parents=True, exist_ok=True)
        (dist / page).write_text(f"<p>{page}</p>", encoding="utf-8")
    assert weight.pages(dist) == ["index.html", "html/index.html", "html/pl/index.html", "html/uk/index.html"]
    with weight.serve(dist) as base:
        with urllib.request.urlopen(base + "html/uk/index.html", timeout=10) as response:
            assert response.read() == b"<p>html/uk/index.html</p>"
    assert weight.kilobytes(2048).strip() == "2.0 KB"
    report = {
        "categories": {"seo": {"auditRefs": [{"id": "meta-description", "weight": 1}, {"id": "hreflang", "weight": 0}]}},
        "audits": {"meta-description": {"score": 0, "displayValue": "missing"}, "hreflang": {"score": 0}},
    }
    assert weight.failing_audits(report) == ["seo: meta-description missing"]


def test_the_weight_without_a_release_says_what_to_do(tmp_path, monkeypatch, capsys):
    weight = module("weight")
    monkeypatch.setattr(sys, "argv", ["benchmarks/weight.py", "--dist", str(tmp_path), "--no-lighthouse"])
    assert weight.main() == 2
    assert "no published release here: run `make dist`" in capsys.readouterr().err
