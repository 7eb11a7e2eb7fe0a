"""What briefpub knows about its languages comes from one place."""

import pytest

from briefpub import languages


def test_the_brief_is_published_in_four_languages():
    assert languages.CODES == ("uk", "be", "en", "pl")


def test_native_names_come_from_cldr_and_read_as_list_entries():
    names = {lang.code: lang.native_name for lang in languages.LANGUAGES.values()}
    assert names == {"uk": "Українська", "be": "Беларуская", "en": "English", "pl": "Polski"}


@pytest.mark.parametrize("code", ["uk", "be", "pl"])
def test_slavic_languages_have_three_plural_forms(code):
    assert languages.get(code).plural_forms.startswith("nplurals=3;")


@pytest.mark.parametrize("code", ["xx", "../../etc", "uk/../be", "UK", "", "uk ", "english"])
def test_anything_but_a_known_code_is_refused(code):
    with pytest.raises(languages.UnknownLanguage, match="uk, be, en, pl"):
        languages.get(code)


def test_a_list_of_codes_keeps_its_order_and_defaults_to_all():
    assert [lang.code for lang in languages.parse_list("pl,uk")] == ["pl", "uk"]
    assert [lang.code for lang in languages.parse_list("")] == list(languages.CODES)
