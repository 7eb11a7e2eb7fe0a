"""Findable and shareable: every page of a release says where it is and in
which languages it exists, what a shared link shows and what the work is
(schema.org); the release has a sitemap, robots.txt and icons; the landing
pages speak to every reader and give the sizes a reader downloads; nothing
for translators is published.  Lighthouse's SEO audits agree."""

from __future__ import annotations

import html.parser
import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from briefpub.project.languages import human_size
from briefpub.release import landing
from browser import html_pages
from conftest import BASE_URL, BRIEF, briefpub, declare

CODES = BRIEF.codes
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


class _Head(html.parser.HTMLParser):
    """The ``<link>``, ``<meta>`` and JSON-LD of a page, and its ``<html lang>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self.lang = ""
        self.anchors: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = attrs.get("lang", "")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs["content"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")
        elif tag == "a" and "href" in attrs:
            self.anchors.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data


def head(page: Path) -> _Head:
    parser = _Head()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def links(found: _Head, rel: str) -> list[dict[str, str]]:
    return [link for link in found.links if rel in link.get("rel", "").split()]


def published(release: Path, url: str) -> Path:
    """The file of the release an absolute address names."""
    assert url.startswith(BASE_URL), url
    path = release / url.removeprefix(BASE_URL)
    return path / "index.html" if url.endswith("/") or url == BASE_URL else path


def facts(release: Path, code: str) -> dict:
    """What the language's edition says about itself: its title and subtitle."""
    found = head(release / "html" / code / "index.html")
    return {"title": found.meta["og:title"][0], "subtitle": found.meta["description"][0]}


# --- the head of every page ------------------------------------------------------------


def test_every_page_has_its_address_its_alternates_and_a_card_to_share(release):
    pages = html_pages(release)
    assert len(pages) >= len(CODES) + 2
    for page in pages:
        found = head(page)
        canonical = links(found, "canonical")
        assert len(canonical) == 1, page
        assert published(release, canonical[0]["href"]) == page
        alternates = links(found, "alternate")
        assert [a["hreflang"] for a in alternates] == [*CODES, "x-default"], page
        for alternate in alternates:
            target = published(release, alternate["href"])
            assert target.is_file(), alternate
        assert published(release, alternates[-1]["href"]) == release / "index.html"
        assert found.meta["description"][0].strip(), page
        assert found.meta["og:url"] == [canonical[0]["href"]]
        assert found.meta["twitter:card"] == ["summary_large_image"]
        for key in ("og:title", "og:description", "og:locale", "twitter:title", "twitter:description"):
            assert found.meta.get(key, [""])[0].strip(), (page, key)
        image = published(release, found.meta["og:image"][0])
        assert found.meta["twitter:image"] == found.meta["og:image"]
        with Image.open(image) as picture:
            assert picture.size == (1200, 630) and picture.format == "PNG"
        assert (found.meta["og:image:width"], found.meta["og:image:height"]) == (["1200"], ["630"])
        icons = links(found, "icon")
        assert icons and all((page.parent / icon["href"]).is_file() for icon in icons), page


@pytest.mark.parametrize("code", CODES)
def test_each_edition_is_shared_in_its_own_language(release, code):
    found = head(release / "html" / code / "index.html")
    title = found.meta["og:title"][0]
    assert found.lang == code
    heading = (release / "html" / code / "index.html").read_text(encoding="utf-8").split("<h1", 1)[1]
    assert title == found.meta["twitter:title"][0]
    assert title in heading.replace("\u00a0", " ")  # the heading's last words are tied
    assert found.meta["og:locale"][0].split("_")[0] == code
    assert sorted(locale.split("_")[0] for locale in found.meta["og:locale:alternate"]) == sorted(
        c for c in CODES if c != code)
    assert found.meta["og:image"] == [f"{BASE_URL}html/{code}/_static/share.png"]


def test_the_share_images_differ_by_language_and_carry_text(release):
    """Each language's image is its own (its translated title), not a blank card."""
    digests = set()
    for code in CODES:
        with Image.open(release / "html" / code / "_static" / "share.png") as picture:
            grey = picture.convert("L")
            dark = sum(grey.histogram()[:80])
            assert dark > 1200 * 630 * 0.01, code  # lettering covers part of the card
            digests.add(grey.tobytes())
    assert len(digests) == len(CODES)


# --- JSON-LD -------------------------------------------------------------------------------


REQUIRED = ("@context", "@type", "name", "inLanguage", "datePublished", "identifier", "url", "image",
            "description", "version")


def json_ld(page: Path) -> dict:
    found = head(page)
    assert len(found.json_ld) == 1, page
    return json.loads(found.json_ld[0])


@pytest.mark.parametrize("code", CODES)
def test_each_edition_describes_itself_as_a_schema_org_work(release, code):
    page = release / "html" / code / "index.html"
    work = json_ld(page)
    missing = [key for key in REQUIRED if key not in work]
    assert not missing, missing
    assert work["@context"] == "https://schema.org" and work["@type"] == "Report"
    assert work["inLanguage"] == code
    assert work["url"] == work["@id"] == links(head(page), "canonical")[0]["href"]
    assert work["name"] == facts(release, code)["title"]
    assert date.fromisoformat(work["datePublished"]) == BRIEF.date
    assert work["identifier"]["value"] == BRIEF.identifier(BRIEF.get(code)).value
    assert [media["encodingFormat"] for media in work["encoding"]] == ["application/pdf", "application/epub+zip"]
    for media in work["encoding"]:
        file = published(release, media["contentUrl"])
        assert media["contentSize"] == f"{max(1, round(file.stat().st_size / 1024))} KiB"
    if BRIEF.get(code).is_source:
        translations = work["workTranslation"]
        assert sorted(t["inLanguage"] for t in translations) == sorted(c for c in CODES if c != code)
        for translation in translations:
            assert published(release, translation["url"]) == release / "html" / translation["inLanguage"] / "index.html"
    else:
        original = work["translationOfWork"]
        assert original["inLanguage"] == BRIEF.source.code and original["name"] == BRIEF.title
        assert published(release, original["url"]) == release / "html" / BRIEF.source.code / "index.html"


# --- sitemap, robots.txt, icons ----------------------------------------------------------


def test_the_sitemap_lists_every_page_with_its_alternates(release):
    text = (release / "sitemap.xml").read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    urls = root.findall(f"{{{SITEMAP_NS}}}url")
    assert 0 < len(urls) <= 50_000 and len(text.encode("utf-8")) <= 50 * 1024 * 1024
    listed = {}
    for url in urls:
        assert {child.tag for child in url} <= {f"{{{SITEMAP_NS}}}{name}" for name in ("loc", "lastmod")} | {
            f"{{{XHTML_NS}}}link"}
        loc = url.findtext(f"{{{SITEMAP_NS}}}loc")
        assert loc and len(loc) < 2048 and re.fullmatch(r"https://\S+", loc)
        date.fromisoformat(url.findtext(f"{{{SITEMAP_NS}}}lastmod"))  # a W3C date
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall(f"{{{XHTML_NS}}}link")}
        assert all(link.get("rel") == "alternate" for link in url.findall(f"{{{XHTML_NS}}}link"))
        listed[published(release, loc)] = alternates
    editions = [page for page in html_pages(release) if page.parent.name in CODES]
    assert set(html_pages(release)) <= set(listed)
    for page in editions:
        alternates = listed[page]
        assert list(alternates) == [*CODES, "x-default"]
        assert published(release, alternates[page.parent.name]) == page  # every page names itself too
        for code, href in alternates.items():
            other = published(release, href)
            assert listed[other] == alternates, code  # and the alternates name it back


def test_robots_txt_lets_every_crawler_in_and_points_at_the_sitemap(release):
    lines = (release / "robots.txt").read_text(encoding="utf-8").splitlines()
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[0] == "User-agent: *"
    assert not any(line.startswith("Disallow:") and line != "Disallow:" for line in rules)
    assert f"Sitemap: {BASE_URL}sitemap.xml" in rules


def test_the_release_has_icons_where_browsers_look(release):
    with Image.open(release / "favicon.ico") as icon:
        assert icon.format == "ICO"
    for code in CODES:
        with Image.open(release / "html" / code / "_static" / "apple-touch-icon.png") as icon:
            assert icon.size == (180, 180)


# --- the landing pages -------------------------------------------------------------------


@pytest.mark.parametrize("page", ["index.html", "html/index.html"])
def test_the_landing_pages_give_each_edition_its_title_and_summary_in_its_language(release, page):
    text = (release / page).read_text(encoding="utf-8")
    for code in CODES:
        edition = facts(release, code)
        item = re.search(rf'<li lang="{code}" data-lang="{code}">(.*?)</li>\s*(?:<li lang|</ul>\s*</main>)', text,
                         re.S)
        assert item, code
        assert edition["title"] in item.group(1)
        assert f'<p class="summary">{edition["subtitle"]}</p>' in item.group(1).replace("&#39;", "'")


def test_the_release_index_gives_the_sizes_a_reader_downloads(release):
    text = (release / "index.html").read_text(encoding="utf-8")
    for code in CODES:
        language = BRIEF.get(code)
        sizes = re.findall(rf'href="([^"]+)" hreflang="{code}" type="[^"]+">[^<]+</a> <span class="size">([^<]+)',
                           text)
        assert [href for href, _ in sizes] == [f"html/{code}/index.html", f"ukraine-belarus-brief-{code}.pdf",
                                               f"ukraine-belarus-brief-{code}.epub"]
        for href, size in sizes:
            file = release / href
            expected = landing.first_visit_size(file) if href.endswith(".html") else file.stat().st_size
            assert size == human_size(expected, language)
        folder = sum(p.stat().st_size for p in (release / "html" / code).rglob("*") if p.is_file())
        first = landing.first_visit_size(release / "html" / code / "index.html")
        # what a reader downloads (the fonts every edition shares included), not the folder's size
        assert first != folder and first <= 100_000


def test_a_first_visit_counts_what_the_page_loads_once(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "a.css").write_text('@import "b.css";\n@font-face { src: url(f.woff2) format("woff2"), '
                                          'url(f.ttf) format("truetype"); }\nbody { background: url("p.png"); }')
    (tmp_path / "s" / "b.css").write_text("@import url(a.css); p { color: red }")
    for name, size in (("f.woff2", 1000), ("f.ttf", 50_000), ("p.png", 300), ("print.css", 7000), ("i.png", 40),
                       ("late.png", 90_000)):
        (tmp_path / "s" / name).write_bytes(b"x" * size)
    page = tmp_path / "index.html"
    page.write_text('<link rel="stylesheet" href="s/a.css?v=1"><link rel="stylesheet" media="print" '
                    'href="s/print.css"><link rel="icon" href="s/i.png"><img src="s/p.png">'
                    '<img src="s/late.png" loading="lazy"><a href="s/f.ttf">font</a>')
    expected = sum(p.stat().st_size for p in (page, *(tmp_path / "s" / n for n in ("a.css", "b.css", "f.woff2",
                                                                                   "p.png", "i.png"))))
    assert landing.first_visit_size(page) == expected


# --- nothing for translators in the reader's edition -----------------------------------------


def test_no_page_of_the_release_is_for_translators_or_a_build_artefact(release):
    names = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    assert not [name for name in names if name.endswith("status.html")]
    assert not [name for name in names if "_sources" in name or name.endswith((".inv", ".buildinfo", ".doctree"))]
    for page in html_pages(release):
        assert not [href for href in head(page).anchors if "status" in href], page
        assert "Translation status" not in page.read_text(encoding="utf-8")


# --- a publication without base URL, with a logo and credits ------------------------------------


@pytest.fixture(scope="module")
def unaddressed(tmp_path_factory) -> Path:
    """A publication in English and Polish with a PNG logo, authors and a
    publisher but no base URL, published with `briefpub dist`."""
    root = tmp_path_factory.mktemp("unaddressed")
    declare(root, "en", ("en", "pl"), name="water", extra=(
        'logo = "logo.png"\n[[authors]]\nperson = "Olena Kovalenko"\n'
        '[publisher]\nname = "Example Press"\nurl = "https://example.org/"\n'
        '[licence]\nid = "CC-BY-4.0"\nurl = "https://creativecommons.org/licenses/by/4.0/"\n'))
    Image.new("RGB", (64, 32), "#c0392b").save(root / "docs" / "logo.png")
    (root / "docs" / "index.md").write_text("# Water for everyone\n\n{.subtitle}\nWhy rivers matter.\n\n"
                                            "## Rivers\n\nText.\n", encoding="utf-8")
    run = briefpub("update", cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    run = briefpub("dist", "--allow-incomplete", cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    (root / "dist.log").write_text(run.stderr, encoding="utf-8")
    return root


def test_without_a_base_url_the_release_builds_without_absolute_addresses(unaddressed):
    dist = unaddressed / "dist"
    assert "no base-url" in (unaddressed / "dist.log").read_text(encoding="utf-8")
    assert "not findable" in (unaddressed / "dist.log").read_text(encoding="utf-8")
    for page in [dist / "index.html", *sorted((dist / "html").rglob("index.html"))]:
        found = head(page)
        assert not links(found, "canonical") and not links(found, "alternate"), page
        assert "og:image" not in found.meta and "og:url" not in found.meta
        assert found.meta["og:title"] and found.meta["twitter:card"] == ["summary"]
        assert found.meta["og:type"] == (["article"] if page.parent.name in ("en", "pl") else ["website"])
    assert not (dist / "sitemap.xml").exists()
    robots = (dist / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots and "Sitemap" not in robots
    assert "https://" not in (dist / "html" / "pl" / "index.html").read_text(encoding="utf-8").split(
        "</head>")[0].replace("https://schema.org", "").replace("https://example.org/", "").replace(
        "https://creativecommons.org/licenses/by/4.0/", "")


def test_the_credits_and_licence_are_in_the_json_ld(unaddressed):
    work = json_ld(unaddressed / "dist" / "html" / "pl" / "index.html")
    assert work["author"] == [{"@type": "Person", "name": "Olena Kovalenko"}]
    assert work["publisher"] == {"@type": "Organization", "name": "Example Press", "url": "https://example.org/"}
    assert work["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert work["translationOfWork"]["name"] == "Water for everyone" and "url" not in work["translationOfWork"]


def test_the_icons_are_made_from_the_logo(unaddressed):
    static = unaddressed / "dist" / "html" / "en" / "_static"
    with Image.open(static / "apple-touch-icon.png") as icon:
        colours = dict((colour, count) for count, colour in icon.convert("RGB").getcolors(180 * 180))
    assert colours.get((0xC0, 0x39, 0x2B), 0) > 180 * 180 * 0.3  # the logo, fitted into the square


# --- Lighthouse ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["index.html", "html/index.html", "html/uk/index.html"])
def test_lighthouse_seo_is_100(lighthouse, page):
    """The report test_lighthouse.py reads too (one Lighthouse run per page)."""
    result = lighthouse(page)["_report"]
    failed = {key: audit.get("explanation") or audit["title"] for key, audit in result["audits"].items()
              if audit.get("score") is not None and audit["score"] < 1
              and audit.get("scoreDisplayMode") in ("binary", "numeric")
              and key in {ref["id"] for ref in result["categories"]["seo"]["auditRefs"]}}
    assert result["categories"]["seo"]["score"] == 1, failed
    for key in ("hreflang", "canonical", "robots-txt", "meta-description", "is-crawlable"):
        assert result["audits"][key]["score"] == 1, key


def test_the_preview_links_and_serves_the_status_page_counted_afresh(tmp_path):
    import threading
    import urllib.request

    from briefpub.catalogs import stats, store
    from briefpub.preview import preview
    from conftest import copy_project

    project = copy_project(tmp_path)
    polish = BRIEF.get("pl")
    rebuilder = preview.Rebuilder(project, polish)
    try:
        outcome = rebuilder.rebuild()
    finally:
        rebuilder.close()
    assert outcome.ok, outcome.log
    assert 'href="/status.html"' in (preview.output_dir(project, polish) / "index.html").read_text(encoding="utf-8")
    path = project.locale_dir / "pl" / "LC_MESSAGES" / "index.po"
    catalog = store.read(path)
    catalog["Contents"].string = ""
    store.write(path, catalog)
    server = preview.make_server(project, polish, preview.State(), 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/status.html", timeout=10) as answer:
            page = answer.read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    rows = stats.collect(project.locale_dir, list(BRIEF.languages))
    polish_row = next(row for row in rows if row.code == "pl")
    assert polish_row.translated == polish_row.messages - 1
    assert "Stan tłumaczenia" in page
    for row in rows:
        assert f'<data value="{row.translated}">{row.translated}/{row.messages}</data>' in page
