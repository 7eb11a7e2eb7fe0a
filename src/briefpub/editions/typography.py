"""Typesetting by each language's rules, in every format.

Translators type ordinary spaces; the rules of their language's typesetting
are applied here, to the document, so the HTML, ePub and PDF editions all
follow them:

- no line ends in a one-letter word the language forbids there (Polish "w",
  "z"; Ukrainian "в", "з"…: :attr:`Language.single_letter_words`), nor
  between a number and its abbreviation ("2020 р.", "2020 r.", "30 %");
- a heading or title never leaves its last word alone on a line: its last
  two words are tied when they are short enough to share one (browsers
  balance headings themselves, ``text-wrap: balance``; WeasyPrint does not);
- words are hyphenated by the language's Pyphen patterns with what they miss
  for Cyrillic: a soft sign, hard sign or apostrophe never starts a line,
  nor a consonant with its soft sign before another consonant
  ("протестуваль-ників", not "протестува-льників").

The ties are no-break spaces put in at write time, by a post-transform: the
environment (titles, the ePub's metadata, the table of contents' source)
keeps the text as translated.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from briefpub.project.languages import Language

NBSP = "\u00a0"
SPACE = r"[ \t\r\n]+"
"""Spaces a line may break at (not the no-break space)."""

HEADING_TIE = 22
"""The most characters two last words of a heading may have to be tied: a
pair that fits a phone's line (390 px) at the title's size (about 15 px a letter)."""

LITERAL = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.comment, nodes.math)

NUMBER_AND_ABBREVIATION = re.compile(rf"(?<=\d){SPACE}(?=[^\W\d_]{{1,4}}\.|[%‰])")
"""The space between a number and what abbreviates its unit: "2020 р.", "5 тис.", "30 %"."""

CYRILLIC_CONSONANTS = "бвгґджзклмнпрстфхцчшщ"
NO_LINE_START = {
    # A sign that belongs to the letter before it, and a consonant softened
    # by it before another consonant ("ль" of "-льн-"), stay on the line above.
    "Cyrl": ["ь", "ъ", "’", "ʼ", "'", "ў"]
    + [f"{c}ь{d}" for c in CYRILLIC_CONSONANTS for d in CYRILLIC_CONSONANTS],
}
"""Per script: what a hyphenated line never starts with (patterns added to Pyphen's)."""


@cache
def single_letter_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    """The spaces after the one-letter ``words``, as their own words."""
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w’'\-])(?:{alternatives}){SPACE}", re.IGNORECASE)


def tie(text: str, language: Language) -> str:
    """``text`` with no-break spaces where ``language`` forbids a line break."""
    pattern = single_letter_pattern(language.single_letter_words)
    if pattern is not None:
        text = pattern.sub(lambda match: match.group(0).rstrip() + NBSP, text)
    return NUMBER_AND_ABBREVIATION.sub(NBSP, text)


def tie_last_words(heading: nodes.Element) -> None:
    """Tie the last two words of a heading that has at least three, when the
    pair fits on a line."""
    words = re.split(SPACE, heading.astext().strip())
    if len(words) < 3 or len(" ".join(words[-2:])) > HEADING_TIE:
        return
    for text in reversed(list(heading.findall(nodes.Text))):
        stripped = text.rstrip()
        spaces = list(re.finditer(SPACE, stripped))
        if spaces:
            last = spaces[-1]
            text.parent.replace(text, nodes.Text(stripped[:last.start()] + NBSP + text[last.end():]))
            return


def literal(node: nodes.Node) -> bool:
    return any(isinstance(ancestor, LITERAL) for ancestor in ancestors(node))


def ancestors(node: nodes.Node):
    while node is not None:
        yield node
        node = node.parent


class LanguageTypography(SphinxPostTransform):
    """Ties words with no-break spaces by the edition's language's rules."""

    default_priority = 900
    builders = ("html", "epub", "pdf")

    def run(self, **kwargs: Any) -> None:
        from briefpub.editions.sphinxext import edition_language

        language = edition_language(self.app)
        for text in list(self.document.findall(nodes.Text)):
            if text.parent is None or literal(text):
                continue
            tied = tie(str(text), language)
            if tied != text:
                text.parent.replace(text, nodes.Text(tied))
        for heading in list(headings(self.document)):
            tie_last_words(heading)


def headings(document: nodes.document):
    """The titles, the subtitle, and the entries of the contents, which repeat the section titles."""
    yield from document.findall(nodes.title)
    for paragraph in document.findall(nodes.paragraph):
        if "subtitle" in paragraph["classes"]:
            yield paragraph
    for topic in document.findall(nodes.topic):
        if "contents" in topic["classes"]:
            yield from topic.findall(nodes.reference)


def hyphenation_patterns(language: Language) -> list[str]:
    """The Liang patterns added to the language's own: an even value that no
    dictionary's patterns outrank forbids a break before each of
    :data:`NO_LINE_START`."""
    return [f"8{start}" for start in NO_LINE_START.get(language.script, [])]


def hyphenation_dictionary(language: Language, folder: Path) -> Path | None:
    """The language's Pyphen dictionary (its declared one, else Pyphen's),
    with :func:`hyphenation_patterns` written to ``folder`` when there are
    any; None when Pyphen has none."""
    import pyphen

    if language.hyphenation is None:
        return None
    source = Path(pyphen.LANGUAGES[language.hyphenation])
    extra = hyphenation_patterns(language)
    if not extra:
        return source
    encoding = source.open("rb").readline().decode().strip()
    text = source.read_text("cp1251" if encoding.lower() == "microsoft-cp1251" else encoding)
    lines = text.split("\n")
    body = "\n".join(["UTF-8", *lines[1:], *extra, ""])
    target = folder / f"hyph_{language.code}_briefpub.dic"
    if not target.is_file() or target.read_text(encoding="utf-8") != body:
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        partial.write_text(body, encoding="utf-8")
        partial.replace(target)
    return target


def hyphenator(language: Language, folder: Path, left: int = 2, right: int = 2):
    """A Pyphen hyphenator by the rules the PDF edition is set with."""
    import pyphen

    path = hyphenation_dictionary(language, folder)
    return None if path is None else pyphen.Pyphen(filename=str(path), left=left, right=right)


def use_hyphenation(app: Sphinx) -> None:
    """Hyphenate the PDF with :func:`hyphenation_dictionary`: WeasyPrint
    asks Pyphen for the dictionary of the ``lang`` code, so the code is
    pointed at it (for this process, which builds this edition)."""
    if app.builder.name != "pdf":
        return
    import pyphen

    from briefpub.editions.sphinxext import edition_language

    language = edition_language(app)
    path = hyphenation_dictionary(language, Path(app.doctreedir) / "hyphenation")
    if path is not None:
        pyphen.LANGUAGES[pyphen.language_fallback(language.code) or language.code] = path


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(LanguageTypography)
    app.connect("builder-inited", use_hyphenation)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
