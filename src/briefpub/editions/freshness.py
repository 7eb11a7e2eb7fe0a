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
"""

from __future__ import annotations

import json
from pathlib import Path


class WritesWhatWasRead:
    """Mixed into the HTML, ePub and PDF builders (:func:`writes_what_was_read`)."""

    @property
    def _written_record(self) -> Path:
        return Path(self.doctreedir) / f"written-{self.name}.json"

    def get_outdated_docs(self):
        outdated = super().get_outdated_docs()
        if isinstance(outdated, str):  # "all documents": nothing to add
            return outdated
        try:
            written = json.loads(self._written_record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            written = {}
        read_since = [docname for docname, read in self.env.all_docs.items() if written.get(docname) != read]
        return list(dict.fromkeys([*outdated, *read_since]))

    def finish(self) -> None:
        super().finish()
        self._written_record.write_text(json.dumps(self.env.all_docs, sort_keys=True), encoding="utf-8")


def writes_what_was_read(builder: type) -> type:
    """``builder`` that writes again every document read since it last wrote."""
    return type(builder.__name__, (WritesWhatWasRead, builder), {"__doc__": builder.__doc__,
                                                                 "__module__": builder.__module__})
