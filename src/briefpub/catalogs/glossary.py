"""The terminology list (``locale/terminology.toml``) for translators' tools.

CAT tools import glossaries as TBX (TermBase eXchange, ISO 30042): Weblate
reads it with translate-toolkit, Poedit, OmegaT, memoQ and Trados import it
too.  Each term of the list becomes one concept (``termEntry``) with one
language section (``langSet``) per language, holding every form the list
gives for that language; an invariant term is written the same in every
language.  The CSV export has one row per term and one column per language,
the forms of a cell separated by `` | ``.
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from briefpub.project.publication import Publication

FORMATS = ("tbx", "csv")
FORM_SEPARATOR = " | "

_NOT_LANGUAGES = {"match", "invariant", "note"}


class GlossaryError(ValueError):
    """The terminology list cannot be read."""


def terms(path: Path, publication: Publication) -> list[dict[str, list[str]]]:
    """Every term of the list: its forms per language code of the
    publication, the source's first (the list's ``en`` key holds them)."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise GlossaryError(f"{path}: cannot read the terminology list ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise GlossaryError(f"{path}: not valid TOML ({error})") from None
    found = []
    for number, entry in enumerate(data.get("term", []), start=1):
        english = entry.get("en")
        english = [english] if isinstance(english, str) else list(english or [])
        if not english:
            raise GlossaryError(f"{path}: term {number} has no English form (en = [\"…\"])")
        source = publication.source.code
        forms = {source: english}
        for code in publication.codes:
            if code == source:
                continue
            value = english[:1] if entry.get("invariant") else entry.get(code, [])
            forms[code] = [value] if isinstance(value, str) else list(value)
        found.append(forms)
    return found


def tbx(entries: list[dict[str, list[str]]], title: str, source: str) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE martif PUBLIC "ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN" "TBXcdv04.dtd">',
        f'<martif type="TBX" xml:lang="{source}">',
        "  <martifHeader>",
        "    <fileDesc>",
        f"      <sourceDesc><p>{escape(title)}</p></sourceDesc>",
        "    </fileDesc>",
        "  </martifHeader>",
        "  <text>",
        "    <body>",
    ]
    for number, forms in enumerate(entries, start=1):
        lines.append(f'      <termEntry id="term-{number}">')
        for code, words in forms.items():
            if not words:
                continue
            lines.append(f"        <langSet xml:lang={quoteattr(code)}>")
            lines += [f"          <tig><term>{escape(word)}</term></tig>" for word in words]
            lines.append("        </langSet>")
        lines.append("      </termEntry>")
    lines += ["    </body>", "  </text>", "</martif>"]
    return "\n".join(lines) + "\n"


def csv_text(entries: list[dict[str, list[str]]], publication: Publication) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    codes = [publication.source.code] + [language.code for language in publication.targets]
    writer.writerow(codes)
    for forms in entries:
        writer.writerow([FORM_SEPARATOR.join(forms.get(code, [])) for code in codes])
    return buffer.getvalue()


def export(path: Path, fmt: str, publication: Publication) -> str:
    """The terminology list at ``path`` as a glossary in ``fmt`` (tbx or csv)."""
    entries = terms(path, publication)
    if fmt == "csv":
        return csv_text(entries, publication)
    return tbx(entries, f"Terminology of the publication, from {path.name}", publication.source.code)
