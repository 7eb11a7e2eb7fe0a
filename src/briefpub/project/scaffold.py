"""``briefpub new DIR``: a new publication that builds at once.

It writes what a project needs and nothing of briefpub itself: the
declaration (``docs/publication.toml``) and a two-line ``docs/conf.py``, a
first document with a title, a terminology list, a ``.gitignore`` and a
Makefile with the brief's targets.  The catalogs are then made as
``briefpub update`` makes them, from the source, with the theme's labels
that briefpub translates filled in (:func:`briefpub.catalogs.store.prefill_theme_labels`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from briefpub.project import languages
from briefpub.project.layout import LOCALE_DIR, SOURCE_DIR
from briefpub.project.publication import DECLARATION


class ScaffoldError(ValueError):
    """A publication that cannot be made as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Plan:
    root: Path
    name: str
    title: str
    source: str
    targets: tuple[str, ...]
    type: str
    date: dt.date


def plan(root: Path, source: str, targets: list[str], title: str | None = None,
         type: str = "Report", date: dt.date | None = None) -> Plan:
    """Check what was asked before anything is written."""
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ScaffoldError(f"{root} already exists and is not empty: choose a new folder")
    for code in [source, *targets]:
        if not languages.known(code):
            raise ScaffoldError(f"unknown language {code!r}: use lower-case language codes that CLDR knows "
                                "(en, uk, de, el…)")
    targets = [code for code in dict.fromkeys(targets) if code != source]
    name = re.sub(r"[^a-z0-9]+", "-", root.resolve().name.lower()).strip("-") or "publication"
    title = (title or "").strip() or name.replace("-", " ").capitalize()
    return Plan(root, name, title, source, tuple(targets), type, date or dt.date.today())


def declaration(plan: Plan) -> str:
    languages_list = ", ".join(f'"{code}"' for code in (plan.source, *plan.targets))
    return f'''\
# The publication's declaration: briefpub reads it for every command and
# every edition.  Every key is explained in briefpub's README ("Your own
# publication").  The title and subtitle are not here: they are the first
# heading of index.md and the paragraph below it.

name = "{plan.name}"                 # the editions' file name: {plan.name}-<lang>.pdf
source-language = "{plan.source}"              # the language the text is written in
languages = [{languages_list}]     # every edition, in the order readers are offered them
type = "{plan.type}"                    # "Policy brief", "Report", …: shown translated on every edition
version = "0.1"
date = {plan.date.isoformat()}

# base-url = "https://example.org/{plan.name}/"   # where dist/ will be published
# logo = "_static/logo.svg"                         # relative to this folder

# [[authors]]
# person = "Name Surname"
# [[authors]]
# organisation = "Name of the institute"

# [publisher]
# name = "Name of the publisher"
# url = "https://example.org/"

# [licence]
# id = "CC-BY-4.0"                                  # an SPDX identifier
# url = "https://creativecommons.org/licenses/by/4.0/"

# [identifiers]                                     # one per edition: an ISBN, a DOI or a URN
# {plan.source} = "isbn:978-…"
'''


CONF = '''\
"""Sphinx configuration: briefpub makes every setting from publication.toml beside this file."""

from briefpub.project.config import settings

globals().update(settings(__file__))
'''


def index(plan: Plan) -> str:
    return f"""\
# {plan.title}

{{.subtitle}}
What this {plan.type.lower()} is about, in one sentence.

## Introduction

Write the text here, in Markdown ([MyST](https://myst-parser.readthedocs.io/)).
"""


def terminology(plan: Plan) -> str:
    """An empty terminology list whose example is in the publication's languages."""
    target = "".join(f'# {code} = ["its dictionary form", "another of its forms"]\n' for code in plan.targets[:1])
    return f'''\
# Names and terms with their rendering in each language; `briefpub check`
# holds every catalog to them.  A term gives the forms in which the source
# language ({plan.source}) writes it and the forms each translation may use,
# the dictionary form first; a long paradigm may be given as a regular
# expression that whole forms match (match.<code> = "…"), and a term written
# the same in every language as invariant = true.  For example:
#
# [[term]]
# {plan.source} = ["the term as the source writes it"]
{target}'''


GITIGNORE = """\
# made by briefpub: never committed
/_build/
/dist/
/.venv/
*.mo
__pycache__/
/.dist-*/
/dist.previous/
/.briefpub.lock
"""

MAKEFILE = """\
# {name} — build its editions with briefpub.
#
#   make                 build every edition and publish them to dist/
#   make dist            the same
#   make html            HTML editions of every language   (make html-{source}: one)
#   make epub            ePub editions                      (make epub-{source}: one)
#   make pdf             PDF editions                       (make pdf-{source}: one)
#   make gettext         extract the source's messages into _build/gettext
#   make update-po       bring locale/*/LC_MESSAGES/*.po up to date
#   make stats           how far each language is translated
#   make check           what is wrong in the catalogs, as file:line: message
#   make preview-{source}      serve one edition on localhost, rebuilt on every save
#
# Languages can be chosen with L (make html L={example}) — never LANG or
# LANGUAGE: those are locale settings of the environment.

BRIEFPUB ?= briefpub
SPHINX_BUILD ?= sphinx-build
L       ?=
LANG_OPTION := $(if $(L),--lang $(L))

.PHONY: all setup html epub pdf dist gettext update-po stats check clean distclean

all: dist

setup:
\t@command -v $(BRIEFPUB) >/dev/null 2>&1 || {{ \\
\techo "'$(BRIEFPUB)' is missing: install briefpub, or run make BRIEFPUB=path/to/briefpub" >&2; exit 2; }}

gettext: setup
\t$(SPHINX_BUILD) --builder gettext --fail-on-warning --quiet docs _build/gettext

update-po: setup
\t$(BRIEFPUB) update $(LANG_OPTION)

stats: setup
\t$(BRIEFPUB) stats $(LANG_OPTION)

check: setup
\t$(BRIEFPUB) check $(LANG_OPTION)

preview-%: setup
\t$(BRIEFPUB) preview $*

html epub pdf: setup
\t$(BRIEFPUB) build --format $@ $(LANG_OPTION)

html-% epub-% pdf-%: setup
\t$(BRIEFPUB) build --format $(firstword $(subst -, ,$@)) --lang $*

dist: setup
\t$(BRIEFPUB) dist

clean:
\trm -rf _build .dist-*

distclean: clean
\trm -rf dist
"""


def write(plan: Plan) -> list[Path]:
    """Write the project's files (not yet its catalogs); return them."""
    root = plan.root
    files = {
        DECLARATION: declaration(plan),
        Path(SOURCE_DIR) / "conf.py": CONF,
        Path(SOURCE_DIR) / "index.md": index(plan),
        Path(LOCALE_DIR) / "terminology.toml": terminology(plan),
        Path(".gitignore"): GITIGNORE,
        Path("Makefile"): MAKEFILE.format(name=plan.name, source=plan.source,
                                          example=",".join((plan.source, *plan.targets)[:2])),
    }
    written = []
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
