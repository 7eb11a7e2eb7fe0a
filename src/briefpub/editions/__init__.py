"""Catalogs → doctrees → editions: the Sphinx extension of an edition (the
translation sandboxed, links checked, chapters, typography, findable
metadata), the ePub and PDF builders (cover, PDF/UA, a PDF in parts joined,
each face embedded once), the font files and assets, and the theme.
"""
