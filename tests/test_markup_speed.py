"""The markup of prose is known without parsing it: for every message the
checker may see (the brief's catalogs, the report fixture, the hostile corpus,
generated text), the shortcut gives what the MyST parser gives, or declines."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from briefpub.catalogs import markup, pofile, store

REPO = Path(__file__).resolve().parent.parent


def catalog_texts() -> list[str]:
    texts = []
    for path in sorted([*REPO.glob("locale/*/LC_MESSAGES/*.po"), *(REPO / "tests").rglob("*.po")]):
        for entry in pofile.parse(path.read_text(encoding="utf-8")).entries:
            texts += [entry.msgid, *entry.msgstr]
    return texts


def corpus_texts() -> list[str]:
    texts = []

    def strings(value) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                strings(item)
        elif isinstance(value, list):
            for item in value:
                strings(item)

    for path in sorted((REPO / "tests" / "hostile").rglob("*.toml")):
        strings(tomllib.loads(path.read_text(encoding="utf-8")))
    return texts


def assert_same(text: str) -> bool:
    """Whether the shortcut answered; if it did, it agrees with the parser."""
    known = markup.plain_inventory(text)
    if known is not None:
        assert known == markup.parsed_inventory(text), repr(text)
    return known is not None


def test_the_shortcut_agrees_with_the_parser_on_every_real_message():
    texts = catalog_texts()
    answered = sum(assert_same(text) for text in texts)
    assert len(texts) > 200
    assert answered > len(texts) // 2  # most of the brief is prose


def test_the_shortcut_agrees_with_the_parser_on_the_hostile_corpus():
    texts = corpus_texts()
    for text in texts:
        assert_same(text)
        for prefix in ("12. ", "1) ", "    ", "\t", "2020. "):
            assert_same(prefix + text)
    assert len(texts) > 50


def test_the_shortcut_sees_the_numbered_list_of_a_leading_number():
    assert markup.inventory("12. Belarus").blocks == {"a numbered list": 1}
    assert markup.inventory("2020 was a year.").blocks == {}
    for text in ("12. - Belarus", "12. 3. Belarus", "1.\nBelarus", "    Belarus", "Belarus\n---", "# Belarus",
                 "Belarus\n: term", "+++ Belarus", "% Belarus", "::: Belarus"):
        assert markup.plain_inventory(text) is None, text


PIECES = st.sampled_from([
    "Belarus", "Україна", " ", "  ", "    ", "\t", "\n", "\n\n", "\r", "\r\n", "\u00a0", "\u2028", "\x00", "1", "12",
    "2020", "1234567890", ".", ")", "(", ":", "-", "+", "#", "%", "=", ">", "<", "*", "_", "`", "~", "[", "]", "!",
    "{", "}", "|", "$", "^", "&", "\\", ",", "«", "»", "—", "http://example.org", "a@b.org", "(x)=",
])


@settings(max_examples=1500, deadline=None)
@given(pieces=st.lists(PIECES, max_size=12))
def test_the_shortcut_agrees_with_the_parser_on_generated_text(pieces):
    assert_same("".join(pieces))


@settings(max_examples=3000, deadline=None)
@given(text=st.text(alphabet='"\\ax0n9 \t\u2028ў', max_size=10))
def test_a_po_string_is_judged_well_formed_as_character_by_character(text):
    assert (store._WELL_FORMED.fullmatch(text) is not None) == (store._string_fault(text) is None)
