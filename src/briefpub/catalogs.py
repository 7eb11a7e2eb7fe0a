"""The translation catalogs under ``locale/``: reading them, bringing them up to
date with the source, and keeping their headers right for their language.

Reading and writing go through Babel; merging with the extracted templates is
sphinx-intl's (which is Babel's).  This module adds what neither does for us:
headers that name the language's team and plural rule, the previous msgid of
a changed entry, files left alone when nothing changed, and the layout of
``locale/``.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import denormalize, read_po, write_po
from sphinx_intl import catalog as sphinx_intl_catalog

from briefpub import languages
from briefpub.languages import Language

LINE_WIDTH = 76
"""Wrapping of msgid/msgstr lines: sphinx-intl's, so both tools agree."""


def catalog_dir(locale_dir: Path, language: Language) -> Path:
    return Path(locale_dir) / language.code / "LC_MESSAGES"


def po_files(locale_dir: Path, language: Language) -> list[Path]:
    return sorted(catalog_dir(locale_dir, language).glob("*.po"))


def read(path: Path) -> Catalog:
    data = Path(path).read_bytes()
    catalog = read_po(io.BytesIO(data), charset="utf-8")
    for msgid, previous in _previous_ids(data.decode("utf-8", errors="replace")).items():
        if msgid in catalog:
            catalog[msgid].previous_id = [previous]
    return catalog


def _previous_ids(text: str) -> dict[str, str]:
    """The ``#| msgid`` of each fuzzy entry, which Babel's reader skips.

    Without it, rewriting a catalog would throw away what a translator needs
    to see how the source of a fuzzy entry changed.
    """
    found: dict[str, str] = {}
    previous: str | None = None
    lines = text.splitlines()
    index = 0

    def quoted(first: str, prefix: str) -> str:
        nonlocal index
        parts = [first]
        index += 1
        while index < len(lines) and lines[index].startswith(prefix + '"'):
            parts.append(lines[index][len(prefix):])
            index += 1
        return denormalize("\n".join(parts))

    while index < len(lines):
        line = lines[index]
        if line.startswith("#| msgid "):
            previous = quoted(line[len("#| msgid "):], "#| ")
        elif line.startswith("msgid ") and previous is not None:
            found[quoted(line[len("msgid "):], "")] = previous
            previous = None
        else:
            if not line.strip():
                previous = None
            index += 1
    return found


def write(path: Path, catalog: Catalog) -> None:
    path.write_bytes(_serialise(catalog))


@dataclass(frozen=True)
class Completeness:
    """How far a catalog is translated; counted the way msgfmt counts."""

    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated


def completeness(catalog: Catalog) -> Completeness:
    translated = fuzzy = untranslated = 0
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy += 1
        elif message.string and all(message.string if isinstance(message.string, tuple) else [message.string]):
            translated += 1
        else:
            untranslated += 1
    return Completeness(translated, fuzzy, untranslated)


def fix_header(catalog: Catalog, language: Language, now: dt.datetime) -> bool:
    """Give a catalog the header of its language; return whether it changed.

    sphinx-intl copies the template's header, which is marked fuzzy and names
    no team; Poedit and Weblate read these fields, and msgfmt --check insists
    on them.
    """
    changed = False
    if catalog.header_comment.startswith("# SOME DESCRIPTIVE TITLE"):
        catalog.header_comment = (
            f"# {language.english_name} translation of “{catalog.project}”.\n"
            f"# This file is distributed under the same license as the publication."
        )
        changed = True
    if catalog.fuzzy:
        catalog.fuzzy = False
        changed = True
    if str(catalog.locale) != language.code:
        catalog.locale = language.code
        changed = True
    if catalog.language_team != language.team:
        catalog.language_team = language.team
        changed = True
    if catalog.plural_forms != language.plural_forms:
        # Babel derives Plural-Forms from the locale; a differing value was
        # typed into the file by hand and is put right here.
        catalog._num_plurals, catalog._plural_expr = None, None
        changed = True
    if not isinstance(catalog.revision_date, dt.datetime):
        catalog.revision_date = now
        changed = True
    return changed


@dataclass(frozen=True)
class Update:
    path: Path
    status: str
    """``created``, ``updated`` or ``unchanged``."""


def _serialise(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=LINE_WIDTH, include_previous=True)
    return buffer.getvalue()


def merge(template: Catalog, path: Path, language: Language, now: dt.datetime) -> Update:
    """Merge one extracted template into one language's catalog.

    The merge is sphinx-intl's (Babel's ``Catalog.update``): translations are
    kept, an entry whose source changed comes back fuzzy, removed entries
    become obsolete.  What we add: the previous msgid is written out
    (``#| msgid``) so the translator sees what changed, the header is that of
    the language, and a catalog whose messages did not change is not
    rewritten at all, not even for a new POT-Creation-Date.
    """
    if path.exists():
        old = path.read_bytes()
        catalog = read(path)
        created = catalog.creation_date
        sphinx_intl_catalog.update_with_fuzzy(catalog, template)
        fix_header(catalog, language, now)
        candidate = catalog.creation_date
        catalog.creation_date = created
        if _serialise(catalog) == old:
            return Update(path, "unchanged")
        catalog.creation_date = candidate
        status = "updated"
    else:
        catalog = copy.deepcopy(template)
        catalog.locale = language.code
        fix_header(catalog, language, now)
        status = "created"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_serialise(catalog))
    return Update(path, status)


def update(pot_dir: Path, locale_dir: Path, langs: list[Language]) -> list[Update]:
    """Merge every extracted template into every language's catalogs."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    results = []
    for pot in sorted(Path(pot_dir).glob("*.pot")):
        template = read(pot)
        for language in langs:
            path = catalog_dir(locale_dir, language) / f"{pot.stem}.po"
            results.append(merge(template, path, language, now))
    return results
