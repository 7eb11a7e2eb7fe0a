"""Sphinx configuration of the brief.

Only the facts of this publication live here; briefpub supplies everything
about languages, catalogs, theme and editions.
"""

from briefpub.config import publication

globals().update(
    publication(
        name="ukraine-belarus-brief",
        title="Ukraine and the Belarusian Democratic Movement",
        version="1.0",
        date="2026-11-25",
    )
)
