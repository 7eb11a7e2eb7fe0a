"""What each document of an edition uses, noted as Sphinx reads it.

Some choices of an edition depend on every document: which faces of the
typefaces to ship, whether to ship the stylesheet of code highlighting.
Reading every doctree again at each build to answer them costs seconds in a
publication of many chapters; instead each document is measured when Sphinx
reads it (``doctree-read``) and the measure kept in the environment, which
Sphinx keeps between builds and in which it forgets a document it reads
again (``env-purge-doc``).  A document read before the measure existed is
measured from its doctree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes

Measure = Callable[[nodes.document], Any]


def note(measures: dict[str, Measure], app, doctree: nodes.document) -> None:
    noted = app.env.__dict__.setdefault("briefpub_noted", {})
    for name, measure in measures.items():
        noted.setdefault(name, {})[app.env.docname] = measure(doctree)


def forget(app, env, docname: str) -> None:
    for values in getattr(env, "briefpub_noted", {}).values():
        values.pop(docname, None)


def merge(app, env, docnames: set[str], other) -> None:
    """Measures noted by a parallel reader of ``docnames``."""
    noted = env.__dict__.setdefault("briefpub_noted", {})
    for name, values in getattr(other, "briefpub_noted", {}).items():
        noted.setdefault(name, {}).update({docname: values[docname] for docname in docnames if docname in values})


def of_every_document(env, name: str, measure: Measure) -> list[Any]:
    """``measure`` of every document of the edition, as noted when it was read."""
    known = getattr(env, "briefpub_noted", {}).get(name, {})
    return [known[docname] if docname in known else measure(env.get_doctree(docname))
            for docname in sorted(env.found_docs)]


def connect(app, measures: dict[str, Measure]) -> None:
    """Note ``measures`` of every document ``app`` reads."""
    app.connect("doctree-read", lambda app, doctree: note(measures, app, doctree))
    app.connect("env-purge-doc", forget)
    app.connect("env-merge-info", merge)
