"""Sphinx configuration of the brief.

The publication's facts are declared beside this file, in publication.toml;
briefpub makes every Sphinx setting from them.
"""

from briefpub.project.config import settings

globals().update(settings(__file__))
