"""The date an edition says it was made, the same in every format."""

from __future__ import annotations

import datetime as dt
import os

from sphinx.application import Sphinx


def build_date(app: Sphinx) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` (so that the same sources give the same bytes),
    else the publication date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.combine(dt.date.fromisoformat(app.config.briefpub_date), dt.time(), dt.timezone.utc)
