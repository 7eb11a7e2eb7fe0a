"""Faults end cleanly: a release stopped by Ctrl-C, SIGTERM or even SIGKILL
leaves no worker behind, frees the release lock and leaves dist/ as it was;
a broken conf.py is reported once, with its file and line."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SOURCE_DATE_EPOCH, briefpub, copy_project


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path):
    """The brief, with a dist/ from an earlier release (its bytes are what must survive)."""
    project = copy_project(tmp_path)
    (project.dist_dir / "html").mkdir(parents=True)
    (project.dist_dir / "html" / "index.html").write_text("<p>the release before</p>", encoding="utf-8")
    (project.dist_dir / "SHA256SUMS").write_text("earlier release\n", encoding="utf-8")
    return project


def workers_of(parent: int) -> list[int]:
    """Processes forked by ``parent`` (they share its command line)."""
    command = Path(f"/proc/{parent}/cmdline").read_bytes()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == parent and (entry / "cmdline").read_bytes() == command:
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def start_with_workers(root: Path, *args: str) -> tuple[subprocess.Popen, list[int]]:
    """Start a command in its own process group (as a terminal runs it) and
    return once its workers are building."""
    process = subprocess.Popen(
        [sys.executable, "-m", "briefpub.cli", *args], cwd=root, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "CI": "1"},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        workers = workers_of(process.pid)
        if workers:
            return process, workers
        time.sleep(0.02)
    raise AssertionError("no worker started")


def group_is_gone(group: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def lock_is_free(root: Path) -> bool:
    with open(root / ".briefpub.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


@pytest.mark.parametrize(("how", "code", "said"), [
    ("ctrl-c", 130, "briefpub: stopped by Ctrl-C; dist/ is unchanged"),
    ("sigterm", 143, "briefpub: stopped by SIGTERM; dist/ is unchanged"),
])
def test_a_stopped_release_says_one_line_leaves_no_worker_frees_the_lock_and_dist(project, how, code, said):
    before = snapshot(project.dist_dir)
    process, workers = start_with_workers(project.root, "dist")
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)  # a terminal sends it to every process of the group
    else:
        os.kill(process.pid, signal.SIGTERM)  # `kill`, a service manager, CI cancelling: the parent only
    out, errors = process.communicate(timeout=60)
    assert process.returncode == code
    assert errors.strip().splitlines() == [said]
    assert "Traceback" not in out
    assert group_is_gone(process.pid), f"workers {workers} outlived the release"
    assert lock_is_free(project.root)
    assert snapshot(project.dist_dir) == before
    assert not list(project.root.glob(".dist-*"))


def test_a_stopped_build_stops_its_workers_too(project):
    process, _ = start_with_workers(project.root, "build", "--format", "pdf")
    os.killpg(process.pid, signal.SIGINT)
    out, errors = process.communicate(timeout=60)
    assert process.returncode == 130, out + errors
    assert errors.strip().splitlines() == ["briefpub: stopped by Ctrl-C"]
    assert group_is_gone(process.pid)


def test_workers_die_with_a_release_killed_outright_and_the_next_release_is_not_kept_waiting(project):
    before = snapshot(project.dist_dir)
    process, workers = start_with_workers(project.root, "dist")
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert group_is_gone(process.pid), f"workers {workers} outlived the killed release"
    assert lock_is_free(project.root)
    assert snapshot(project.dist_dir) == before


BROKEN_CONFIGURATIONS = [
    # (what, a line added to conf.py, why)
    ("name", 'html_theme_options = {"note": release_number}', "NameError: name 'release_number' is not defined"),
    ("value", 'copyright = str(int("2026-11-31"))', "ValueError: invalid literal for int() with base 10"),
    ("syntax", 'version = "1.0', "SyntaxError:"),
]


@pytest.mark.parametrize("command", [("build", "--format", "html"), ("dist",), ("update",)])
@pytest.mark.parametrize(("kind", "added", "why"), BROKEN_CONFIGURATIONS, ids=[c[0] for c in BROKEN_CONFIGURATIONS])
def test_a_broken_conf_py_is_reported_once_with_its_file_and_line(tmp_path, command, kind, added, why):
    project = copy_project(tmp_path)
    conf = project.source_dir / "conf.py"
    text = conf.read_text(encoding="utf-8").rstrip("\n") + "\n"
    line = text.count("\n") + 1
    conf.write_text(text + added + "\n", encoding="utf-8")
    run = briefpub(*command, cwd=project.root)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"docs/conf.py:{line}: error: the Sphinx configuration does not run: {why}")
    assert not (project.root / "_build" / "html").exists()  # stopped before any worker


def test_a_conf_py_written_for_the_flat_package_says_what_to_import_now(tmp_path):
    """A project started before briefpub grouped its package by stage imports
    ``briefpub.config``: it is told the import to write instead."""
    project = copy_project(tmp_path)
    conf = project.source_dir / "conf.py"
    text = conf.read_text(encoding="utf-8")
    assert "from briefpub.project.config import settings" in text
    conf.write_text(text.replace("briefpub.project.config", "briefpub.config"), encoding="utf-8")
    run = briefpub("build", "--format", "html", cwd=project.root)
    assert run.returncode == 1 and "Traceback" not in run.stdout + run.stderr
    said = run.stderr.strip()
    assert said.startswith("docs/conf.py:") and "briefpub.config" in said, said
    assert "from briefpub.project.config import settings" in said, said
