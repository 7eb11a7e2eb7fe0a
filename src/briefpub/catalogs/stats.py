"""How far each language has come: the numbers behind ``briefpub stats`` and
the translation status page of the HTML editions.

Counted with Babel the way ``msgfmt --statistics`` counts, so the figures a
translator sees here and in their own tools agree; and held to the source's
templates (:mod:`briefpub.catalogs.sources`), so that a catalog that lacks messages is
never "100 %", whatever it claims.  The source language's
catalog is an editorial layer: an empty msgstr there means the source stands,
so it is never "untranslated".
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from briefpub.catalogs import sources, store
from briefpub.project.config import shipped_label
from briefpub.project.languages import Language

_WORD = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*")


def words(text) -> int:
    if isinstance(text, (tuple, list)):
        text = text[0]
    return len(_WORD.findall(text or ""))


@dataclass
class LanguageStats:
    code: str
    name: str
    messages: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    words: int = 0
    words_translated: int = 0
    unreadable: list[str] = field(default_factory=list)
    missing: int = 0
    """Messages of the source that no catalog has (counted only against the
    source's templates): part of ``messages``, never translated."""

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.messages if self.messages else 100.0

    @property
    def complete(self) -> bool:
        return not self.unreadable and self.translated == self.messages

    def as_dict(self) -> dict:
        return {**asdict(self), "percent": round(self.percent, 1), "complete": self.complete}


def language_stats(locale_dir: Path, language: Language, templates: sources.Templates | None = None) -> LanguageStats:
    """One language's figures.  Without the source's templates, they are its
    catalogs' own (as ``msgfmt --statistics`` counts them); with them, every
    message of the source counts, and one a catalog lacks is ``missing``."""
    stats = LanguageStats(language.code, language.native_name)
    domains = dict(templates.domains) if templates is not None else {}
    paths, refused = store.scan(locale_dir, language)
    stats.unreadable += [str(problem.path) for problem in refused]
    for path in paths:
        catalog, problems = store.parse(path)
        if catalog is None:
            stats.unreadable.append(str(path))
            continue
        template = domains.pop(store.document_name(locale_dir, language, path) or store.THEME_DOMAIN, None)
        stats.obsolete += len(catalog.obsolete)
        for message in catalog:
            if not message.id or (template is not None and template.get(message.id, message.context) is None):
                continue
            _count(stats, language, message.id, store.state(message), path.stem)
        for message in template or ():
            if message.id and catalog.get(message.id, message.context) is None:
                _count(stats, language, message.id, "missing", path.stem)
    for domain, template in domains.items():  # no readable catalog at all
        for message in template:
            if message.id:
                _count(stats, language, message.id, "missing", domain)
    return stats


def _count(stats: LanguageStats, language: Language, msgid, status: str, domain: str = "") -> None:
    if language.is_source and status in ("untranslated", "missing"):
        status = "translated"  # an empty msgstr keeps the source text
    elif status in ("untranslated", "missing") and domain == store.THEME_DOMAIN \
            and shipped_label(language.code, msgid):
        status = "translated"  # a label of the theme briefpub translates
    stats.messages += 1
    setattr(stats, status, getattr(stats, status) + 1)
    count = words(msgid)
    stats.words += count
    if status == "translated":
        stats.words_translated += count


def collect(locale_dir: Path, langs: list[Language], templates: sources.Templates | None = None, *,
            extract: bool = True) -> list[LanguageStats]:
    """Every language's figures, counted against the templates of the
    project's source (extracted now unless ``extract`` is false; without a
    source beside ``locale_dir``, the catalogs' own figures)."""
    locale_dir = Path(locale_dir)
    if templates is None and extract and (source_dir := sources.beside(locale_dir)) is not None:
        templates = sources.extract(source_dir)
    if templates is not None and templates.problems:
        templates = None  # the source cannot be read now: count what the catalogs say
    return [language_stats(locale_dir, language, templates) for language in langs]
