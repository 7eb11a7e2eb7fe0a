"""How fast briefpub builds the twelve editions, against plain Sphinx.

One run times, side by side on the same machine:

  (a) plain: one ``sphinx-build`` process per edition, one after the other
      (html, epub, and singlehtml followed by the ``weasyprint`` command for
      the PDF), as a Makefile without briefpub would do it;
  (b) briefpub: ``briefpub build`` from a cold ``_build/``, and again with
      nothing changed (a no-op);

for the brief itself and for a generated brief 50 times larger with complete
catalogs, and prints the ratios and the peak memory of each; and the time from saving a catalog
to the refreshed page of ``briefpub preview``.  Machines are
shared and noisy, so read the ratios, not the seconds.

    .venv/bin/python benchmarks/build_speed.py            # both sizes
    .venv/bin/python benchmarks/build_speed.py --scale 1  # only the brief

Targets: cold ≤ 0.25 × plain; no-op ≤ 0.05 × plain; the 50× brief grows no
worse than linearly and stays under 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from briefpub.catalogs import store  # noqa: E402
from briefpub.project import publication  # noqa: E402

BIN = Path(sys.executable).parent
EPOCH = "1764028800"


# --- the projects -----------------------------------------------------------------


def copy_brief(target: Path) -> Path:
    for part in ("docs", "locale"):
        shutil.copytree(REPO / part, target / part, ignore=shutil.ignore_patterns("*.mo"))
    return target


def scale_brief(target: Path, times: int) -> Path:
    """The brief with its body repeated ``times`` times, every message made
    unique by a mark (§n), and every catalog translated to match."""
    copy_brief(target)
    source = (REPO / "docs" / "index.md").read_text(encoding="utf-8")
    head, body = source.split("\n## ", 1)
    body = "## " + body

    def marked(text: str, n: int) -> str:
        lines = []
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith("{"):
                line = f"{line} (§{n})"
            lines.append(line)
        return "\n".join(lines)

    parts = [head.rstrip() + "\n"] + [marked(body, n) for n in range(1, times + 1)]
    (target / "docs" / "index.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    title_block = set(re.findall(r"^# (.+)$", head, re.M)) | {"Contents"}
    for language in publication.load(REPO).languages:
        path = target / "locale" / language.code / "LC_MESSAGES" / "index.po"
        catalog = store.read(path)
        for message in list(catalog):
            if not message.id or message.id in title_block or message.id.startswith("Kyiv’s initial stance"):
                continue
            for n in range(1, times + 1):
                string = f"{message.string} (§{n})" if message.string else ""
                catalog.add(f"{message.id} (§{n})", string, locations=message.locations)
            del catalog[message.id]
        store.write(path, catalog)
    return target


# --- measuring --------------------------------------------------------------------


def tree_rss(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def run(commands: list[list[str]], cwd: Path, by_program: dict[str, float] | None = None) -> tuple[float, int]:
    """Run commands one after the other; their time and the peak memory of
    any (and, given ``by_program``, each program's share of the time in it)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "CI": "1"}
    peak = 0
    started = time.perf_counter()
    for command in commands:
        began = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        done = threading.Event()

        def sample(process: subprocess.Popen = process, done: threading.Event = done) -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(process.pid))
                done.wait(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        _, errors = process.communicate()
        done.set()
        sampler.join()
        if process.returncode != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{errors.decode()[-2000:]}")
        if by_program is not None:
            program = Path(command[0]).name
            by_program[program] = by_program.get(program, 0.0) + time.perf_counter() - began
    return time.perf_counter() - started, peak


def plain_commands(project: Path) -> list[list[str]]:
    commands = []
    for code in publication.load(project).codes:
        doctrees = f"_plain/doctrees/{code}"
        common = ["-D", f"language={code}", "-d", doctrees, "-q", "docs"]
        commands.append([str(BIN / "sphinx-build"), "-b", "html", *common, f"_plain/html/{code}"])
        commands.append([str(BIN / "sphinx-build"), "-b", "epub", *common, f"_plain/epub/{code}"])
        commands.append([str(BIN / "sphinx-build"), "-b", "singlehtml", *common, f"_plain/single/{code}"])
        commands.append([str(BIN / "weasyprint"), f"_plain/single/{code}/index.html", f"_plain/{code}.pdf"])
    return commands


def briefpub_command() -> list[str]:
    return [str(BIN / "briefpub"), "build"]


def measure(project: Path) -> dict[str, tuple[float, int]]:
    figures = {"plain": run(plain_commands(project), project)}
    shutil.rmtree(project / "_build", ignore_errors=True)
    figures["briefpub cold"] = run([briefpub_command()], project)
    figures["briefpub no-op"] = run([briefpub_command()], project)
    return figures


PAUSE = 1.0
"""Between two saves, as a translator types: the preview prepares its next build meanwhile."""


def preview_latency(project: Path, saves: int = 7) -> list[float]:
    """Seconds from saving a catalog to the refreshed page, measured as the
    browser sees it: the preview's reload event, then the page fetched anew."""
    import json
    import urllib.request

    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    server = subprocess.Popen([str(BIN / "briefpub"), "preview", "pl", "--port", "0", "--no-open"], cwd=project,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        url = re.search(r"http://\S+", server.stdout.readline()).group(0)
        events = urllib.request.urlopen(url.replace("index.html", "__briefpub/events"))

        def next_version() -> int:
            for line in events:
                if line.startswith(b"data: "):
                    return json.loads(line[6:])["version"]
            raise SystemExit("the preview stopped")

        next_version()  # the state of the first build
        po = project / "locale" / "pl" / "LC_MESSAGES" / "index.po"
        original = po.read_text(encoding="utf-8")
        times = []
        for n in range(saves):
            time.sleep(PAUSE)
            marker = f"Spis treści {n}"
            po.write_text(original.replace('msgstr "Spis treści"', f'msgstr "{marker}"'), encoding="utf-8")
            saved = time.perf_counter()
            next_version()  # the page is told to reload
            page = urllib.request.urlopen(url).read().decode("utf-8")
            times.append(time.perf_counter() - saved)
            # The typography may tie the heading's last words with a no-break space.
            assert marker in page.replace("\u00a0", " "), "the reloaded page does not show the change"
        return times
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, action="append", help="brief sizes to measure (default: 1 and 50)")
    scales = parser.parse_args().scale or [1, 50]
    print(f"{os.cpu_count()} cores; SOURCE_DATE_EPOCH={EPOCH}\n")
    results = {}
    for scale in scales:
        with tempfile.TemporaryDirectory(prefix=f"briefpub-bench-{scale}x-") as folder:
            project = scale_brief(Path(folder), scale) if scale > 1 else copy_brief(Path(folder))
            results[scale] = figures = measure(project)
        plain = figures["plain"][0]
        print(f"brief ×{scale}")
        for name, (seconds, peak) in figures.items():
            ratio = "" if name == "plain" else f"   {seconds / plain:5.3f} × plain"
            print(f"  {name:<15} {seconds:7.2f} s   peak {peak / 2**20:6.0f} MiB{ratio}")
        print()
    if 1 in scales:
        with tempfile.TemporaryDirectory(prefix="briefpub-bench-preview-") as folder:
            times = sorted(preview_latency(copy_brief(Path(folder))))
        print(f"preview: save → refreshed page in {times[len(times) // 2]:.3f} s (median of {len(times)}; "
              f"max {times[-1]:.3f} s; target 0.3 s)\n")
    if 1 in results and len(results) > 1:
        for scale in sorted(results):
            if scale == 1:
                continue
            growth = results[scale]["briefpub cold"][0] / results[1]["briefpub cold"][0]
            print(f"×{scale} brief: briefpub cold build takes {growth:.1f} × the brief's time "
                  f"(linear would be {scale}); peak {results[scale]['briefpub cold'][1] / 2**20:.0f} MiB (limit 1024)")


if __name__ == "__main__":
    main()
