"""A release killed at any moment leaves dist/ whole, and the next one
succeeds; two releases at once never interleave."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

from briefpub import catalogs, publish
from conftest import SOURCE_DATE_EPOCH, briefpub, copy_project


def start_release(root, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "briefpub.cli", "dist", *args], cwd=root,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "CI": "1"},
    )


def test_a_release_killed_at_20_random_moments_never_leaves_dist_broken(release, tmp_path):
    project = copy_project(tmp_path)
    shutil.copytree(release, project.dist_dir)
    chance = random.Random(20261125)
    full = 10.0  # a cold release here takes a few seconds; kill anywhere in that span
    for attempt in range(20):
        args = ("--force",) if attempt % 2 == 0 else ()
        if attempt % 3 == 0:  # a new release, so that publishing itself is interrupted too
            po = project.locale_dir / "en" / "LC_MESSAGES" / "index.po"
            catalog = catalogs.read(po)
            catalog["Contents"].string = f"Contents {attempt}"
            catalogs.write(po, catalog)
        process = start_release(project.root, *args)
        time.sleep(chance.uniform(0.0, full / (1 if args else 4)))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert publish.verify_checksums(project.dist_dir) == [], f"dist/ broken after kill {attempt}"
    final = briefpub("dist", cwd=project.root)
    assert final.returncode == 0, final.stderr
    assert publish.verify_checksums(project.dist_dir) == []
    assert not list(project.root.glob(".dist-*")) and not (project.root / "dist.previous").exists()
    index = (project.dist_dir / "html" / "en" / "index.html").read_text(encoding="utf-8")
    assert "Contents 18" in index  # the last change made it to dist/


def test_a_second_release_waits_for_the_first_or_says_who_holds_the_lock(tmp_path):
    project = copy_project(tmp_path)
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
