"""Caches for work that MyST repeats for every translated message.

When Sphinx applies a catalog, it parses each msgstr as a little MyST
document; MyST builds a new Markdown parser and new docutils settings for
each one, which is most of the time a translated edition takes to read.
Both are the same for every message of a build, so briefpub's build
processes (never a user's own Sphinx) keep one of each.
"""

from __future__ import annotations

import copy
import functools

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    import myst_parser.mdit_to_docutils.base as myst_base
    import myst_parser.parsers.sphinx_ as myst_sphinx

    default_settings = functools.lru_cache(maxsize=None)(myst_base.get_default_settings)

    def get_default_settings(*components):
        # A shallow copy: a document sets attributes on its settings.
        return copy.copy(default_settings(*components))

    parsers: dict = {}
    create_md_parser = myst_sphinx.create_md_parser

    def cached_md_parser(config, renderer):
        # The parser holds no state between documents: its renderer starts
        # afresh in every render (DocutilsRenderer.setup_render).
        key = (id(config), renderer)
        if key not in parsers:
            parsers[key] = (config, create_md_parser(config, renderer))
        return parsers[key][1]

    myst_base.get_default_settings = get_default_settings
    myst_sphinx.create_md_parser = cached_md_parser
    _installed = True
