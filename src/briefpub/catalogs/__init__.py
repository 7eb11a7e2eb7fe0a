"""Source → catalogs: the source's messages extracted as templates; the catalogs
under ``locale/`` read strictly and safely, merged with the source and
written entry by entry in GNU gettext's layout; a translation judged
(syntax, markup, numbers, alphabet, terms, typography); the terminology for
translators' tools; how far each language has come.
"""
