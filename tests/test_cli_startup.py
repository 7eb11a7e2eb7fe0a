"""`briefpub --version` and `--help` answer at once: they import neither
Sphinx, Babel nor the catalog machinery (each verb imports what it needs)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sphinx", "babel", "docutils", "weasyprint", "myst_parser", "jinja2", "rich",
         "briefpub.release.build", "briefpub.catalogs.checks", "briefpub.catalogs.store", "briefpub.project.languages")

PROBE = """
import json, sys
from briefpub.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["build", "--help"]])
def test_version_and_help_import_only_what_they_need(args):
    run = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    loaded = set(json.loads(run.stderr.strip().splitlines()[-1]))
    heavy = {name for name in loaded for prefix in HEAVY if name == prefix or name.startswith(prefix + ".")}
    if args == ["build", "--help"]:  # its help names the languages and formats: those two modules only
        heavy -= {"briefpub.release.build", "briefpub.project.languages", "babel"} | {n for n in heavy if n.startswith("babel.")}
    assert heavy == set()
    assert "briefpub" in run.stdout or "Usage" in run.stdout
