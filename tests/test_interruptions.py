"""A release killed at any moment leaves dist/ whole, and the next one
succeeds; two releases at once never interleave."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from briefpub.catalogs import store
from briefpub.release import publish
from conftest import BRIEF, SOURCE_DATE_EPOCH, briefpub, copy_project, declare_base_url


def start_release(root, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "briefpub.cli", "dist", *args], cwd=root,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "CI": "1"},
    )


def published_project(release: Path, root: Path):
    """The brief as the ``release`` fixture published it: its dist/ and its
    _build/, so that a release here rebuilds only what a test changes."""
    project = copy_project(root)
    declare_base_url(project.root)
    shutil.copytree(release, project.dist_dir)
    shutil.copytree(release.parent / "_build", project.build_dir)
    return project


def change_english(project, text: str) -> None:
    po = project.locale_dir / "en" / "LC_MESSAGES" / "index.po"
    catalog = store.read(po)
    catalog["Contents"].string = text
    store.write(po, catalog)


# The moments a release is killed at, each found by what the release has
# done so far (``round_start``: when the round of releases began,
# ``run_start``: when this release began, in ns): a kill lands there and a
# random moment later.  The editions each kill lets finish stay built, so a
# round's releases get further and further: through the checks, each
# edition's build, staging the new dist/ and swapping it into place.

def lock_held(project, process, round_start, run_start) -> bool:
    lock = project.root / ".briefpub.lock"
    return lock.is_file() and f"pid {process.pid}," in lock.read_text()


def built(count: int):
    def editions_built(project, process, round_start, run_start) -> bool:
        stamps = (project.build_dir / "stamps").glob("*-*")
        return sum(stamp.stat().st_mtime_ns >= round_start for stamp in stamps if stamp.is_file()) >= count
    editions_built.__name__ = f"{count}_built"
    return editions_built


def staging(project, process, round_start, run_start) -> bool:
    """This release's staging folder (one a killed release left is older)."""
    return any(folder.stat().st_mtime_ns >= run_start for folder in project.root.glob(".dist-*"))


def swapped(project, process, round_start, run_start) -> bool:
    sums = project.dist_dir / "SHA256SUMS"
    return sums.is_file() and sums.stat().st_mtime_ns >= run_start


def started(project, process, round_start, run_start) -> bool:
    return True


ROUNDS = [
    # Every edition rebuilt, a worker per core: killed while both build.
    (("--force",), None, [(lock_held, 1.5), (built(1), 0.5)]),
    # A new English catalog: the English ePub, PDF and HTML edition are built
    # again (an edition holds nothing of another language's catalogs), then published.
    ((), "Contents, changed", [(started, 0.8), (lock_held, 1.0), (built(1), 0.3), (built(2), 0.3),
                               (staging, 0.01), (staging, 0.05), (staging, 0.15), (swapped, 0.05)]),
]


def kill_at(project, args, moment, jitter: float, chance: random.Random, round_start: int) -> bool:
    """Start a release, kill it (and its workers) once ``moment`` is reached
    and a random part of ``jitter`` seconds later; True if it was still running then."""
    run_start = time.time_ns()
    process = start_release(project.root, *args)
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if moment(project, process, round_start, run_start):
            break
        time.sleep(0.002)
    time.sleep(chance.uniform(0.0, jitter))
    running = process.poll() is None
    with contextlib.suppress(ProcessLookupError):  # it ended first: the caller is told so
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    return running


def test_a_release_killed_in_every_phase_never_leaves_dist_broken(release, tmp_path):
    project = published_project(release, tmp_path)
    chance = random.Random(20261125)
    caught = []
    for args, contents, moments in ROUNDS:
        if contents:
            change_english(project, contents)
        began = time.time_ns()
        for moment, jitter in moments:
            running = kill_at(project, args, moment, jitter, chance, began)
            caught.append((moment.__name__, running))
            assert publish.verify_checksums(project.dist_dir) == [], f"dist/ broken after a kill at {moment.__name__}"
    # Every moment but the last of a round (the swap is a rename) found the release at work.
    assert [name for name, running in caught if not running and name != "swapped"] == [], caught
    final = briefpub("dist", cwd=project.root)
    assert final.returncode == 0, final.stderr
    assert publish.verify_checksums(project.dist_dir) == []
    assert not list(project.root.glob(".dist-*")) and not (project.root / "dist.previous").exists()
    english = BRIEF.get("en")
    assert all(project.stamp(english, fmt).is_file() for fmt in ("epub", "pdf", "html"))
    with zipfile.ZipFile(project.dist_dir / "ukraine-belarus-brief-en.epub") as book:
        assert "Contents, changed" in book.read("index.xhtml").decode("utf-8")  # the last change made it
    # The HTML edition has it too, though a killed run of another format had already read the change.
    assert "Contents, changed" in (project.dist_dir / "html" / "en" / "index.html").read_text(encoding="utf-8")


def test_a_second_release_waits_for_the_first_or_says_who_holds_the_lock(release, tmp_path):
    project = published_project(release, tmp_path)
    change_english(project, "Contents, once")  # the first release has editions to build
    first = start_release(project.root)
    lock = project.root / ".briefpub.lock"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.02)
    refused = briefpub("dist", "--no-wait", cwd=project.root)
    assert refused.returncode == 1
    assert f"a release is already running (pid {first.pid}, started" in refused.stderr

    second = start_release(project.root)
    _, first_errors = first.communicate(timeout=300)
    out, errors = second.communicate(timeout=300)
    assert first.returncode == 0, first_errors
    assert second.returncode == 0, errors
    assert "waiting for the release already running" in errors
    assert "is up to date" in out  # it published nothing twice
    assert publish.verify_checksums(project.dist_dir) == []
    assert "Contents, once" in (project.dist_dir / "html" / "en" / "index.html").read_text(encoding="utf-8")
