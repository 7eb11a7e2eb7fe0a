"""briefpub: one brief, written once, published in every language and format."""

__version__ = "0.1.0"
