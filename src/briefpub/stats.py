"""How far each language has come: the numbers behind ``briefpub stats`` and
the translation status page of the HTML editions.

Counted with Babel the way ``msgfmt --statistics`` counts, so the figures a
translator sees here and in their own tools agree.  The source language's
catalog is an editorial layer: an empty msgstr there means the source stands,
so it is never "untranslated".
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from briefpub import catalogs
from briefpub.languages import Language

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

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.messages if self.messages else 100.0

    @property
    def complete(self) -> bool:
        return not self.unreadable and self.translated == self.messages

    def as_dict(self) -> dict:
        return {**asdict(self), "percent": round(self.percent, 1), "complete": self.complete}


def language_stats(locale_dir: Path, language: Language) -> LanguageStats:
    stats = LanguageStats(language.code, language.native_name)
    for path in catalogs.po_files(locale_dir, language):
        catalog, problems = catalogs.parse(path)
        if catalog is None:
            stats.unreadable.append(str(path))
            continue
        stats.obsolete += len(catalog.obsolete)
        for message in catalog:
            if not message.id:
                continue
            status = catalogs.state(message)
            if language.is_source and status == "untranslated":
                status = "translated"
            stats.messages += 1
            setattr(stats, status, getattr(stats, status) + 1)
            count = words(message.id)
            stats.words += count
            if status == "translated":
                stats.words_translated += count
    return stats


def collect(locale_dir: Path, langs: list[Language]) -> list[LanguageStats]:
    return [language_stats(Path(locale_dir), language) for language in langs]
