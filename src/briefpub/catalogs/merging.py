"""Bringing a catalog's entries up to date with a template, as msgmerge does,
without touching what did not change.

- An entry still in the source keeps everything the translator wrote; only
  its references and notes follow the template.
- A new message close to one that left the source (the same sentence,
  edited) takes its translation, marked fuzzy, with the former source as its
  previous msgid (``#| msgid``) — the oldest one the translator has not yet
  reviewed: an entry already fuzzy keeps the previous msgid it had.
- Entries that left the source stay at the end as obsolete (``#~``), where a
  later edit can take them back; untranslated ones are dropped.

Every entry that comes out equal to one that went in keeps its text byte for
byte (:class:`briefpub.catalogs.pofile.Entry`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from briefpub.catalogs.pofile import Entry

FUZZY_CUTOFF = 0.6
"""How alike two source messages must be for one's translation to serve as
a draft of the other's (msgmerge's threshold, on difflib's ratio)."""


@dataclass
class Merged:
    entries: list[Entry]
    """The merged entries, the header excluded."""
    fuzzy: int
    """Entries that became fuzzy because their source changed."""
    obsolete: int


def _draft(new: Entry, source: Entry) -> Entry:
    """``new`` translated by ``source``'s translation, as a draft to review."""
    if source.fuzzy and source.previous_msgid is not None:
        previous = (source.previous_msgctxt, source.previous_msgid, source.previous_msgid_plural)
    else:
        previous = (source.msgctxt, source.msgid, source.msgid_plural)
    forms = len(new.msgstr)
    msgstr = (source.msgstr + [""] * forms)[:forms] if new.msgid_plural else source.msgstr[:1]
    return Entry(
        msgid=new.msgid, msgctxt=new.msgctxt, msgid_plural=new.msgid_plural, msgstr=msgstr,
        comments=list(source.comments), extracted=list(new.extracted), references=list(new.references),
        flags=["fuzzy"] + [flag for flag in source.flags if flag != "fuzzy"],
        previous_msgctxt=previous[0], previous_msgid=previous[1], previous_msgid_plural=previous[2],
    )


def _closest(entry: Entry, candidates: dict[tuple[str | None, str], Entry]) -> Entry | None:
    same_context = [key[1] for key, candidate in candidates.items() if key[0] == entry.msgctxt]
    found = difflib.get_close_matches(entry.msgid, same_context, n=1, cutoff=FUZZY_CUTOFF)
    return candidates[(entry.msgctxt, found[0])] if found else None


def merge(old: list[Entry], template: list[Entry]) -> Merged:
    """Merge the entries of a catalog (header excluded) with a template's."""
    active = {entry.key: entry for entry in old if not entry.obsolete}
    obsolete = {entry.key: entry for entry in old if entry.obsolete}
    wanted = {entry.key for entry in template}
    # A translation that no message of the template has any more can serve
    # as the draft of a new, similar message.
    candidates = {key: entry for key, entry in {**obsolete, **active}.items()
                  if key not in wanted and entry.translated and entry.msgid}
    used: set[tuple[str | None, str]] = set()
    merged, fuzzy = [], 0
    for new in template:
        known = active.get(new.key) or obsolete.get(new.key)
        if known is not None:
            merged.append(known.changed(references=new.references, extracted=new.extracted, obsolete=False))
            continue
        source = _closest(new, candidates)
        if source is None:
            merged.append(replace(new, text=None, leading=""))
            continue
        used.add(source.key)
        merged.append(_draft(new, source))
        fuzzy += 1
    kept = []
    for entry in old:
        if entry.key in wanted or entry.key in used:
            continue
        if entry.obsolete:
            kept.append(entry)
        elif entry.translated:
            kept.append(entry.changed(obsolete=True, references=[], extracted=[], previous_msgctxt=None,
                                      previous_msgid=None, previous_msgid_plural=None))
    return Merged(merged + kept, fuzzy, len(kept))
