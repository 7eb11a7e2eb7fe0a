"""The terminology list (``locale/terminology.toml``) for translators' tools.

CAT tools import glossaries as TBX (TermBase eXchange, ISO 30042): Weblate
reads it with translate-toolkit, Poedit, OmegaT, memoQ and Trados import it
too.  Each term of the list becomes one concept (``termEntry``) with one
language section (``langSet``) per language, holding every form the list
gives for that language; an invariant term is written the same in every
language.  The CSV export has one row per term and one column per language,
the forms of a cell separated by `` | ``.  The source language comes first in
both, as the publication declares it; the list is read as the checks read it
(:func:`briefpub.catalogs.terminology.load`), so a malformed one is reported
with its lines.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from briefpub.catalogs import terminology
from briefpub.project.publication import Publication

FORMATS = ("tbx", "csv")
FORM_SEPARATOR = " | "


def terms(path: Path, publication: Publication) -> list[dict[str, list[str]]]:
    """Every term of the list: its forms per language code of the
    publication, the source language's first (an invariant term's dictionary
    form in every language); raises
    :class:`~briefpub.catalogs.terminology.TerminologyError` for a malformed list."""
    source = publication.source.code
    found = []
    for term in terminology.load(path, source):
        forms = {source: list(term.source_forms)}
        for language in publication.targets:
            forms[language.code] = list(term.source_forms[:1] if term.invariant
                                        else term.forms.get(language.code, ()))
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
        writer.writerow([FORM_SEPARATOR.join(forms[code]) for code in codes])
    return buffer.getvalue()


def export(path: Path, fmt: str, publication: Publication) -> str:
    """The terminology list at ``path`` as a glossary in ``fmt`` (tbx or csv);
    :class:`~briefpub.catalogs.terminology.TerminologyError` for a malformed list."""
    entries = terms(path, publication)
    if fmt == "csv":
        return csv_text(entries, publication)
    return tbx(entries, f"Terminology of the publication, from {path.name}", publication.source.code)
