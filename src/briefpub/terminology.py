"""The publication's terminology list (``locale/terminology.toml``): names and
terms of the brief with their rendering in each language.

Translators read the file; this module lets the checks and tests hold every
catalog to it.  Slavic languages decline names, so a term is found in a
translation by a pattern that all its inflected forms match.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from briefpub.languages import Language


@dataclass(frozen=True)
class Term:
    en: tuple[str, ...]
    renderings: dict[str, str] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)
    invariant: bool = False

    @cached_property
    def source_pattern(self) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(form) for form in self.en)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def rendering(self, language: Language) -> str:
        if self.invariant or language.is_source:
            return self.en[0]
        return self.renderings[language.code]

    def target_pattern(self, language: Language) -> re.Pattern[str]:
        if language.code in self.patterns:
            return re.compile(self.patterns[language.code])
        return re.compile(re.escape(self.rendering(language)))

    def occurs_in_source(self, text: str) -> bool:
        return bool(self.source_pattern.search(text))

    def followed_by(self, translation: str, language: Language) -> bool:
        return bool(self.target_pattern(language).search(translation))


def load(path: Path) -> list[Term]:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    terms = []
    for entry in data.get("term", []):
        renderings = {code: value for code, value in entry.items() if code not in ("en", "match", "invariant")}
        terms.append(
            Term(
                en=tuple(entry["en"]),
                renderings=renderings,
                patterns=dict(entry.get("match", {})),
                invariant=bool(entry.get("invariant", False)),
            )
        )
    return terms


def unfollowed(terms: list[Term], msgid: str, msgstr: str, language: Language) -> list[Term]:
    """Terms that occur in ``msgid`` but whose rendering is not in ``msgstr``."""
    return [
        term for term in terms
        if term.occurs_in_source(msgid) and not term.followed_by(msgstr, language)
    ]
