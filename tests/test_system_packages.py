"""A fresh machine: `make test` names every missing Debian package in one
message, and installs them when run as root (.ci/system-packages).

The machine is simulated with a PATH that holds only some programs, and
stand-ins for `id` (root or not), `ldconfig` (which libraries there are) and
`apt-get` (which records what it was asked and provides what it installed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

SCRIPT = REPO / ".ci" / "system-packages"
TEST_PACKAGES = ["gettext", "default-jre-headless", "poppler-utils", "nodejs", "npm", "chromium", "chromium-driver"]
PROVIDES = {"gettext": "msgfmt", "default-jre-headless": "java", "poppler-utils": "pdftotext", "nodejs": "node",
            "npm": "npm", "chromium": "chromium", "chromium-driver": "chromedriver"}


def stub(folder: Path, name: str, body: str = "exit 0") -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A bin folder with the shell's basics, Python and a libc; no tools."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for program in ("sh", "grep", "make", "chmod"):
        found = shutil.which(program)
        assert found, program
        (bin_dir / program).symlink_to(found)
    (bin_dir / "python3").symlink_to(os.path.realpath(sys.executable))  # the interpreter itself, not a shim
    stub(bin_dir, "id", 'echo "${FAKE_UID:-1000}"')
    libraries = "\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/libpango-1.0.so.0\\n" \
                "\tlibpangoft2-1.0.so.0 (libc6,x86-64) => /lib/libpangoft2-1.0.so.0"
    stub(bin_dir, "ldconfig", f'[ -n "${{NO_PANGO:-}}" ] || printf "{libraries}\\n"')
    log = tmp_path / "apt.log"
    makers = "\n".join(f'    {package}) printf "#!/bin/sh\\n" > "$BIN/{command}"; chmod +x "$BIN/{command}" ;;'
                       for package, command in PROVIDES.items())
    stub(bin_dir, "apt-get", f"""echo "$@" >> "{log}"
[ "$1" = install ] || exit 0
for package in "$@"; do
  case "$package" in
{makers}
  esac
done""")

    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            list(args), cwd=REPO, capture_output=True, text=True,
            env={"PATH": str(bin_dir), "BIN": str(bin_dir), "HOME": str(tmp_path), **env},
        )

    run.bin = bin_dir
    run.log = log
    return run


def missing_line(stderr: str) -> list[str]:
    lines = [line for line in stderr.splitlines() if line.startswith("briefpub: missing Debian packages:")]
    assert len(lines) == 1, stderr
    return lines[0].split("packages:", 1)[1].split()


def test_one_message_names_every_missing_package_and_the_command_to_install_them(machine):
    run = machine("sh", str(SCRIPT), "test")
    assert run.returncode == 2
    assert missing_line(run.stderr) == TEST_PACKAGES
    assert f"sudo apt-get install --no-install-recommends {' '.join(TEST_PACKAGES)}" in run.stderr
    assert not machine.log.exists()  # not root: nothing installed


def test_what_is_there_is_not_installed_again_whatever_provided_it(machine):
    stub(machine.bin, "node")  # Node.js and npm from elsewhere (nodesource, nvm)
    stub(machine.bin, "npm")
    stub(machine.bin, "java")
    run = machine("sh", str(SCRIPT), "test", NO_PANGO="1")
    assert run.returncode == 2
    assert missing_line(run.stderr) == ["libpango-1.0-0", "libpangoft2-1.0-0", "gettext", "poppler-utils",
                                        "chromium", "chromium-driver"]


def test_building_needs_only_python_and_pango(machine):
    assert machine("sh", str(SCRIPT), "build").returncode == 0
    run = machine("sh", str(SCRIPT), "build", PYTHON="python3.0-absent")
    assert missing_line(run.stderr) == ["python3", "python3-venv"]


def test_as_root_every_missing_package_is_installed_in_one_step(machine):
    run = machine("sh", str(SCRIPT), "test", FAKE_UID="0")
    assert run.returncode == 0, run.stderr
    assert machine.log.read_text().splitlines() == [
        "update -q", f"install -y -q --no-install-recommends {' '.join(TEST_PACKAGES)}"]
    assert machine("sh", str(SCRIPT), "test").returncode == 0  # all there now


def test_make_test_stops_with_the_one_message_before_anything_else(machine):
    run = machine("make", "--no-print-directory", "test")
    assert run.returncode == 2
    assert missing_line(run.stderr) == TEST_PACKAGES
    assert "pytest" not in run.stdout + run.stderr


def test_ci_installs_with_sudo_when_not_root(machine):
    stub(machine.bin, "sudo", 'exec "$@"')
    run = machine("sh", str(SCRIPT), "test", "--install")
    assert run.returncode == 0, run.stderr
    assert machine.log.read_text().splitlines()[-1].endswith(" ".join(TEST_PACKAGES))
