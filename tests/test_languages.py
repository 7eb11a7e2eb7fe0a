"""Any language CLDR knows works without code: names, plural forms and the
script from CLDR, typography from briefpub's table of defaults, which a
publication can override; fonts per script, with a clear error when a
language's letters are not covered."""

import pytest

from briefpub.project import languages, typefaces


def test_native_names_come_from_cldr_and_read_as_list_entries():
    names = {code: languages.describe(code).native_name for code in ("uk", "be", "en", "pl", "de", "lt", "ru", "el")}
    assert names == {"uk": "Українська", "be": "Беларуская", "en": "English", "pl": "Polski", "de": "Deutsch",
                     "lt": "Lietuvių", "ru": "Русский", "el": "Ελληνικά"}


def test_georgian_is_not_capitalised_as_it_has_no_capitals_in_running_text():
    assert languages.describe("ka").native_name == "ქართული"


@pytest.mark.parametrize("code, plurals", [("uk", 3), ("be", 3), ("pl", 3), ("ru", 3), ("lt", 3), ("de", 2),
                                           ("el", 2)])
def test_plural_forms_come_from_cldr(code, plurals):
    assert languages.describe(code).plural_forms.startswith(f"nplurals={plurals};")


@pytest.mark.parametrize("code, script, quotes, hyphenation", [
    ("de", "Latn", ("„", "“"), "de"),
    ("lt", "Latn", ("„", "“"), "lt"),
    ("ru", "Cyrl", ("«", "»"), "ru"),
    ("el", "Grek", ("«", "»"), "el"),
])
def test_script_quotes_and_hyphenation_of_a_language_briefpub_was_not_written_for(code, script, quotes, hyphenation):
    language = languages.describe(code)
    assert (language.script, language.quotes, language.hyphenation) == (script, quotes, hyphenation)


def test_letters_come_from_cldr_exemplars():
    assert {"ą", "Ė", "ž", "Ų"} <= languages.describe("lt").letters
    assert {"ß", "Ä"} <= languages.describe("de").letters
    assert {"ω", "Ω", "ά"} <= languages.describe("el").letters
    assert "ї" not in languages.describe("ru").letters and "ї" in languages.describe("uk").letters


def test_known_letters_add_cldrs_auxiliary_set_and_give_the_scripts_a_language_is_written_in():
    polish = languages.describe("pl")
    assert {"q", "Ö", "v"} <= polish.known_letters and "ö" not in polish.letters
    assert polish.scripts == {"Latn"} and languages.describe("el").scripts == {"Grek"}
    assert languages.describe("uk").scripts == {"Cyrl"} and languages.describe("ka").scripts == {"Geor"}
    assert languages.describe("ja").scripts == {"Hani", "Hira", "Kana"}
    assert [languages.script_of_letter(c) for c in "iіιʼ"] == ["Latn", "Cyrl", "Grek", "Zyyy"]


@pytest.mark.parametrize(("code", "letters", "alike"), [
    ("be", "iIayoHB", "іІауоНВ"),
    ("uk", "IcKr", "ІсКг"),  # Latin I and Cyrillic І look alike through Unicode's prototype l
    ("el", "oOivA", "οΟινΑ"),  # o: omicron, not sigma
    ("pl", "іаоуС", "iaoyC"),
])
def test_letters_of_another_script_that_look_like_the_languages_are_unicodes_confusables(code, letters, alike):
    language = languages.describe(code)
    assert "".join(map(language.look_alike, letters)) == alike


@pytest.mark.parametrize(("code", "letter"), [
    ("ru", "k"),  # к is no k
    ("uk", "l"),  # like І, but not in lower case
    ("ru", "s"),  # like ѕ, which is not Russian
    ("pl", "в"),
])
def test_a_letter_without_a_look_alike_in_the_languages_alphabet_has_none(code, letter):
    assert languages.describe(code).look_alike(letter) is None


def test_a_language_outside_the_table_gets_generic_defaults():
    language = languages.describe("fi")
    assert language.quotes == ("“", "”") and language.foreign_letters == "" and language.script == "Latn"


def test_a_publication_overrides_the_defaults():
    language = languages.describe("pl", overrides={"inner_quotes": ["»", "«"], "single_letter_words": "a i"})
    assert language.inner_quotes == ("»", "«") and language.single_letter_words == ("a", "i")
    assert language.quotes == ("„", "”")


@pytest.mark.parametrize("code", ["xx", "../../etc", "uk/../be", "UK", "", "uk ", "english", None])
def test_anything_cldr_does_not_know_is_refused(code):
    assert not languages.known(code)
    with pytest.raises(languages.UnknownLanguage):
        languages.describe(code)


@pytest.mark.parametrize("code, typeface", [("uk", "PT Serif"), ("de", "PT Serif"), ("lt", "PT Serif"),
                                            ("ru", "PT Serif"), ("el", "Noto Serif")])
def test_each_script_is_set_in_a_typeface_that_has_all_its_letters(code, typeface):
    language = languages.describe(code)
    fontset = typefaces.for_script(language.script)
    assert fontset.serif.name == typeface
    typefaces.check_coverage(fontset, language)  # raises if a letter is missing
    assert typefaces.check(fontset.faces())


def test_a_language_whose_letters_no_typeface_has_names_the_font_to_add():
    georgian = languages.describe("ka")
    with pytest.raises(typefaces.FontError) as caught:
        typefaces.check_coverage(typefaces.for_script("Geor"), georgian, where="docs/publication.toml")
    message = str(caught.value)
    assert "Noto Serif (fontpkg-noto-serif) does not have: ა ბ გ" in message
    assert "Noto Serif Georgian" in message and "[fonts.Geor]" in message


def test_a_publication_chooses_the_typefaces_of_a_script():
    fontset = typefaces.for_script("Latn", {"Latn": ("fontpkg-noto-serif", "fontpkg-noto-sans")})
    assert (fontset.serif.name, fontset.sans.name) == ("Noto Serif", "Noto Sans")
    assert {face.target_name for face in fontset.faces()} >= {"NotoSerif-wdth-wght.ttf", "NotoSans-wdth-wght.ttf"}
    assert all(face.css_weight == "100 900" for face in fontset.faces())  # variable fonts
