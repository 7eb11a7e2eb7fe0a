"""Editions → dist/: the language × format matrix, built in parallel and
incrementally from one snapshot of the catalogs and stopped in one line by
a signal or a broken ``conf.py``; the landing pages; dist/ assembled all or
nothing, one release at a time.
"""
