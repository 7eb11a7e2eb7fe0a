"""The live preview for translators: one edition served on localhost and
rebuilt on every save, fuzzy entries marked as drafts for review, another
language beside.
"""
