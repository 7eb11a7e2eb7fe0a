"""Every format writes again what any format read again.

The three editions of a language share one Sphinx environment (one reading
of the documents serves the HTML, the ePub and the PDF).  Sphinx's builders
write the pages of the documents read in their own run, and of those whose
source file is newer than the page; but a document that changed through its
catalog is read again only once, by whichever format is built first.  If
that run is the ePub's, the HTML builder would find nothing to write, and —
after an interruption, or when the download sizes stay the same — publish
the old page.

So each builder keeps, beside the doctrees, how the environment stood when
it last wrote every page (the time each document was read), and writes again
every document read since.

A page of the HTML edition also shows the other documents' titles (the
chapters' list and the previous and next page, :mod:`briefpub.editions.chapters`),
which Sphinx does not count among a page's inputs: when a title changed
since the HTML builder last wrote, it writes every page again.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path


class WritesWhatWasRead:
    """Mixed into the HTML, ePub and PDF builders (:func:`writes_what_was_read`)."""

    shows_titles = False
    """Whether every page shows the titles of other documents."""

    @property
    def _written_record(self) -> Path:
        return Path(self.doctreedir) / f"written-{self.name}.json"

    @cached_property
    def _last_written(self) -> dict:
        """The read times and titles of the documents when this builder last wrote."""
        try:
            record = json.loads(self._written_record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return record if isinstance(record, dict) else {}

    def _titles(self) -> dict[str, str]:
        return {docname: title.astext() for docname, title in self.env.titles.items()}

    def get_outdated_docs(self):
        outdated = super().get_outdated_docs()
        if isinstance(outdated, str):  # "all documents": nothing to add
            return outdated
        written = self._last_written.get("read", {})
        read_since = [docname for docname, read in self.env.all_docs.items() if written.get(docname) != read]
        return list(dict.fromkeys([*outdated, *read_since]))

    def write(self, build_docnames, updated_docnames, method="update") -> None:
        if self.shows_titles and self._last_written.get("titles") != self._titles():
            build_docnames = None  # every page
        super().write(build_docnames, updated_docnames, method)

    def finish(self) -> None:
        super().finish()
        record = {"read": self.env.all_docs, "titles": self._titles()}
        self._written_record.write_text(json.dumps(record, sort_keys=True, ensure_ascii=False), encoding="utf-8")


def writes_what_was_read(builder: type, shows_titles: bool = False) -> type:
    """``builder`` that writes again every document read since it last wrote
    (and every page, when ``shows_titles`` and a document's title changed)."""
    return type(builder.__name__, (WritesWhatWasRead, builder), {"__doc__": builder.__doc__,
                                                                 "__module__": builder.__module__,
                                                                 "shows_titles": shows_titles})
