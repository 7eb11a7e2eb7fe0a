"""Each edition is set by its language's rules: no line ends in a one-letter
word the language forbids there, nor between a number and its abbreviation;
headings leave no word alone; the contents box is ragged and unhyphenated;
hyphenation never starts a line with a soft sign or a softened consonant."""

from __future__ import annotations

import re
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefpub.catalogs import store
from briefpub.editions import typography
from briefpub.project import languages
from conftest import BRIEF, REPO

NBSP = "\u00a0"
TIED = [code for code in BRIEF.codes if BRIEF.get(code).single_letter_words]
"""The brief's languages that have one-letter words to tie (not English)."""


class Text(HTMLParser):
    """The text of a page's <main>, and of its headings, as a reader gets it."""

    def __init__(self):
        super().__init__()
        self.depth = {"main": 0, "h1": 0, "h2": 0}
        self.main, self.headings = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.depth:
            self.depth[tag] += 1
            if tag != "main":
                self.headings.append("")

    def handle_endtag(self, tag):
        if tag in self.depth:
            self.depth[tag] -= 1

    def handle_data(self, data):
        if self.depth["main"]:
            self.main.append(data)
        if self.depth["h1"] or self.depth["h2"]:
            self.headings[-1] += data


def read(markup: str) -> Text:
    parser = Text()
    parser.feed(markup)
    return parser


def pdf_lines(release: Path, code: str) -> list[str]:
    run = subprocess.run(["pdftotext", "-layout", str(release / f"ukraine-belarus-brief-{code}.pdf"), "-"],
                         capture_output=True, text=True, check=True)
    return [line.strip() for line in run.stdout.splitlines() if line.strip()]


def broken_after_single_letter(text: str, words: tuple[str, ...]) -> list[str]:
    """Places where one of ``words`` is followed by a space a line may break at."""
    pattern = typography.single_letter_pattern(words)
    return [text[max(0, m.start() - 20):m.end() + 10] for m in pattern.finditer(text)]


# --- the rules themselves ---------------------------------------------------

@pytest.mark.parametrize("code", sorted(code for code, d in languages.DEFAULTS.items() if d.single_letter_words))
def test_every_listed_word_is_tied_to_the_next(code):
    language = languages.describe(code)
    for word in language.single_letter_words:
        for shown in {word, word.capitalize()}:
            assert typography.tie(f"x {shown} dom", language) == f"x {shown}{NBSP}dom"
    # Not inside a word, and not at the end of a text.
    assert typography.tie("xyz abc", language) == "xyz abc"


def test_ukrainian_and_belarusian_prepositions_and_conjunctions_are_listed():
    for code, words in {"uk": "а в з і й о у", "be": "а з і й о у ў", "pl": "a i o u w z",
                        "cs": "a i k o s u v z", "sk": "a i k o s u v z"}.items():
        assert set(words.split()) <= set(languages.describe(code).single_letter_words), code


@pytest.mark.parametrize("text, expected", [
    ("у липні 2020 р. міністр", f"у{NBSP}липні 2020{NBSP}р. міністр"),
    ("w lipcu 2020 r. minister", f"w{NBSP}lipcu 2020{NBSP}r. minister"),
    ("понад 30 % і 5 тис. осіб", f"понад 30{NBSP}% і{NBSP}5{NBSP}тис. осіб"),
    ("у 2020 році", f"у{NBSP}2020 році"),
])
def test_a_number_keeps_its_abbreviation(text, expected):
    language = languages.describe("uk" if "у" in text.split() or "понад" in text else "pl")
    assert typography.tie(text, language) == expected


# --- the brief's editions -----------------------------------------------------

@pytest.mark.parametrize("code", TIED)
def test_html_and_epub_tie_the_listed_words(release, code):
    words = BRIEF.get(code).single_letter_words
    html = read((release / "html" / code / "index.html").read_text(encoding="utf-8"))
    with zipfile.ZipFile(release / f"ukraine-belarus-brief-{code}.epub") as archive:
        xhtml = read(archive.read("index.xhtml").decode("utf-8"))
    for page in (html, xhtml):
        text = "".join(page.main)
        assert broken_after_single_letter(text, words) == []
        assert len(re.findall(rf"(?<!\w)(?:{'|'.join(words)}){NBSP}", text, re.IGNORECASE)) >= 20


@pytest.mark.parametrize("code", TIED)
def test_no_pdf_line_ends_in_a_listed_word(release, code):
    words = {word.lower() for word in BRIEF.get(code).single_letter_words}
    lines = pdf_lines(release, code)
    assert [line for line in lines if line.split()[-1].lower() in words] == []
    # Nor in a number whose abbreviation went to the next line ("2020 | r.").
    assert [(line, after) for line, after in zip(lines, lines[1:])
            if re.search(r"\d$", line) and re.match(r"[^\W\d_]{1,4}\.|%", after)] == []


@pytest.mark.parametrize("code", BRIEF.codes)
def test_headings_leave_no_word_alone(release, code):
    html = read((release / "html" / code / "index.html").read_text(encoding="utf-8"))
    lines = pdf_lines(release, code)
    for heading in html.headings:
        words = heading.split()
        if len(words) >= 3 and len(" ".join(re.split(r"\s", heading.strip())[-2:])) <= typography.HEADING_TIE:
            assert NBSP in heading.strip().rsplit(" ", 1)[-1], heading
        assert words[-1] not in lines or len(words) == 1, heading


def contents_of(release: Path, code: str) -> tuple[str, list[str]]:
    """The contents box's title and entries, as the HTML edition has them."""
    markup = (release / "html" / code / "index.html").read_text(encoding="utf-8")
    box = re.search(r'<nav class="contents[^"]*"[^>]*>(.*?)</nav>', markup, re.DOTALL).group(1)
    title = re.search(r'class="topic-title">(.*?)</p>', box, re.DOTALL).group(1)
    entries = [re.sub(r"<[^>]+>", "", entry) for entry in re.findall(r"<a [^>]*>(.*?)</a>", box, re.DOTALL)]
    return title, entries


@pytest.mark.parametrize("code", BRIEF.codes)
def test_the_pdf_contents_box_is_unhyphenated(release, code):
    title, entries = contents_of(release, code)
    lines = pdf_lines(release, code)
    start = lines.index(title.upper()) + 1
    first_heading = entries[0].split()[0]
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(first_heading))
    box = lines[start:end]
    assert sum(line.startswith("•") for line in box) == len(entries), box
    assert [line for line in box if line.endswith("-")] == []


# --- hyphenation ----------------------------------------------------------------

SOFTENED = re.compile(rf"^(?:[ьъ’ʼ'ў]|[{typography.CYRILLIC_CONSONANTS}]ь[{typography.CYRILLIC_CONSONANTS}])",
                      re.IGNORECASE)


def words_of(code: str) -> set[str]:
    catalog = store.read(REPO / "locale" / code / "LC_MESSAGES" / "index.po")
    return {word for message in catalog if message.string for word in re.findall(r"[\w’ʼ']+", message.string)}


@pytest.mark.parametrize("code", [code for code in BRIEF.codes if BRIEF.get(code).hyphenation])
def test_hyphenation_never_starts_a_line_with_a_soft_sign_or_softened_consonant(tmp_path, code):
    hyphenator = typography.hyphenator(BRIEF.get(code), tmp_path)
    bad = [hyphenator.inserted(word) for word in sorted(words_of(code))
           if any(SOFTENED.match(word[position:]) for position in hyphenator.positions(word))]
    assert bad == []


def test_the_data_had_such_breaks_that_the_patterns_remove(tmp_path):
    import pyphen

    plain = pyphen.Pyphen(lang="uk", left=2, right=2)
    ours = typography.hyphenator(BRIEF.get("uk"), tmp_path)
    assert "ва-ль" in plain.inserted("протестувальників")
    assert "валь-ни" in ours.inserted("протестувальників") and "ва-ль" not in ours.inserted("протестувальників")
    assert ours.inserted("більше") == "біль-ше" and ours.inserted("білоруський") == "бі-ло-русь-кий"
    # A soft sign before a vowel opens its syllable: "пра-цьо-", as the dictionary has it.
    assert "-цьо-" in ours.inserted("напрацьовувати")


@pytest.mark.parametrize("code", [code for code in BRIEF.codes if BRIEF.get(code).script == "Cyrl"])
def test_no_pdf_line_starts_with_a_soft_sign_or_softened_consonant(release, code):
    lines = pdf_lines(release, code)
    assert [line for line in lines if SOFTENED.match(line.lstrip("• "))] == []
