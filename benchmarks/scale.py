"""briefpub at the scale of a report: a generated 40-chapter publication in
six languages, against plain Sphinx, in one run.

It times, side by side on the same machine:

  (a) plain: one ``sphinx-build`` process per edition, one after the other
      (html, epub, and singlehtml followed by ``weasyprint`` for the PDF);
  (b) briefpub cold: ``briefpub build`` from an empty ``_build/``;
  (c) briefpub rebuild: ``briefpub build`` after one catalog entry of one
      language changed (only that language's editions are out of date): a
      chapter's title, which every page's contents shows, then a paragraph;

and prints the ratios and the peak memory of each (the process and all its
children).  Machines are shared and noisy: read the ratios, not the seconds.

    .venv/bin/python benchmarks/scale.py                # 40 chapters
    .venv/bin/python benchmarks/scale.py --chapters 5   # a quicker look

Targets: cold ≤ 0.3 × plain; rebuild ≤ 0.1 × cold; peak < 1.5 GiB.

The publication is generated from the brief: each chapter is the brief's body
with every message made unique by a mark (§n); its source is English, its
translations Ukrainian, Belarusian and Polish from the brief's catalogs, and
German and Lithuanian carrying the Polish text (only the work matters here).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_speed import BIN, EPOCH, REPO, plain_commands, run  # noqa: E402

from briefpub.catalogs import store  # noqa: E402
from briefpub.project import languages  # noqa: E402

LANGUAGES = ("en", "uk", "be", "pl", "de", "lt")
BORROWED = {"de": "pl", "lt": "pl"}
"""Languages whose catalogs carry another language's translations."""

CONF = '''from briefpub.project.config import settings

globals().update(settings(__file__))
'''


def with_header(catalog, language, now: dt.datetime) -> None:
    """Give a generated catalog the header ``briefpub update`` would write."""
    fields = store.header_for(language, dict(catalog.mime_headers), {}, now, messages_changed=True)
    catalog.mime_headers = list(fields.items())


def marked(text: str, n: int) -> str:
    return "\n".join(f"{line} (§{n})" if line.strip() and not line.lstrip().startswith("{") else line
                     for line in text.splitlines())


def generate(target: Path, chapters: int) -> Path:
    """The publication: an index with the brief's title block and a table of
    contents, ``chapters`` chapters, and complete catalogs for every language."""
    source = (REPO / "docs" / "index.md").read_text(encoding="utf-8")
    head, body = source.split("\n## ", 1)
    title = re.search(r"^# (.+)$", head, re.M).group(1)
    body = "## " + body
    docs = target / "docs"
    docs.mkdir(parents=True)
    (docs / "publication.toml").write_text(
        f'name = "report"\nsource-language = "en"\nlanguages = {list(LANGUAGES)!r}\n'.replace("'", '"')
        + 'type = "Report"\nversion = "1.0"\ndate = 2026-11-25\n', encoding="utf-8")
    (docs / "conf.py").write_text(CONF, encoding="utf-8")
    names = [f"chapter-{n:02d}" for n in range(1, chapters + 1)]
    toctree = "\n```{toctree}\n:maxdepth: 1\n\n" + "\n".join(names) + "\n```\n"
    (docs / "index.md").write_text(head.rstrip() + "\n" + toctree, encoding="utf-8")
    for n, name in enumerate(names, 1):
        (docs / f"{name}.md").write_text(f"# {title} (§{n})\n\n{marked(body, n)}\n", encoding="utf-8")
    head_ids = set(re.findall(r"^# (.+)$", head, re.M)) | {"Contents"} | {
        line.strip() for line in head.splitlines() if line.strip() and not line.startswith(("#", "{", "`", ":"))}
    now = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)
    for code in LANGUAGES:
        language = languages.describe(code, is_source=code == "en")
        brief = store.read(REPO / "locale" / BORROWED.get(code, code) / "LC_MESSAGES" / "index.po")
        folder = target / "locale" / code / "LC_MESSAGES"
        folder.mkdir(parents=True)
        index = brief.__class__(locale=code)
        for message in brief:
            if message.id and message.id in head_ids:
                index.add(message.id, message.string)
        with_header(index, language, now)
        store.write(folder / "index.po", index)
        for n, name in enumerate(names, 1):
            chapter = brief.__class__(locale=code)
            heading = brief[title]
            chapter.add(f"{title} (§{n})", f"{heading.string} (§{n})" if heading.string else "")
            for message in brief:
                if message.id and message.id not in head_ids:
                    chapter.add(f"{message.id} (§{n})", f"{message.string} (§{n})" if message.string else "")
            with_header(chapter, language, now)
            store.write(folder / f"{name}.po", chapter)
    return target


def change_one_entry(project: Path, code: str = "pl", chapter: int = 7, paragraph: bool = False) -> None:
    """What a translator does: correct one entry of one chapter and save —
    its title (which every page's contents shows), or a paragraph."""
    path = project / "locale" / code / "LC_MESSAGES" / f"chapter-{chapter:02d}.po"
    catalog = store.read(path)
    message = next(m for m in catalog if m.id and m.string and (not paragraph or len(m.id) > 200))
    message.string = message.string.replace(f"(§{chapter})", f"(§{chapter}, poprawione)")
    store.write(path, catalog)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapters", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="build in this folder (kept) instead of a temporary one")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; SOURCE_DATE_EPOCH={EPOCH}; {args.chapters} chapters × {len(LANGUAGES)} "
          f"languages × 3 formats\n")
    with tempfile.TemporaryDirectory(prefix="briefpub-scale-") as folder:
        project = generate(args.keep or Path(folder) / "report", args.chapters)
        briefpub = [str(BIN / "briefpub"), "build"]
        programs: dict[str, float] = {}
        figures = {"plain sphinx-build": run(plain_commands(project), project, programs)}
        shutil.rmtree(project / "_build", ignore_errors=True)
        figures["briefpub cold"] = run([briefpub], project)
        change_one_entry(project, chapter=min(7, args.chapters))
        figures["rebuild, a title"] = run([briefpub], project)
        change_one_entry(project, chapter=min(9, args.chapters), paragraph=True)
        figures["rebuild, a paragraph"] = run([briefpub], project)
    plain, cold = figures["plain sphinx-build"][0], figures["briefpub cold"][0]
    for name, (seconds, peak) in figures.items():
        ratio = ""
        if name == "briefpub cold":
            ratio = f"   {seconds / plain:5.3f} × plain (target ≤ 0.3)"
        elif name.startswith("rebuild"):
            ratio = f"   {seconds / cold:5.3f} × its cold build (target ≤ 0.1)"
        print(f"  {name:<20} {seconds:8.2f} s   peak {peak / 2**20:6.0f} MiB{ratio}")
    cores = os.cpu_count() or 1
    print("\nplain's time by program: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in programs.items()))
    print(f"the floor on {cores} cores: plain's WeasyPrint alone, spread over every core, is "
          f"{programs.get('weasyprint', 0) / cores / plain:5.3f} × plain — before any source is read, and "
          "with no PDF/UA tagging")
    ours = max(peak for name, (_, peak) in figures.items() if not name.startswith("plain"))
    print(f"\npeak memory of briefpub: {ours / 2**30:.2f} GiB (limit 1.5); "
          f"of any run: {max(peak for _, peak in figures.values()) / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
