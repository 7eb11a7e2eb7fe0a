"""The publication and its project, which every stage reads: its declaration
(``docs/publication.toml``), what briefpub knows about languages, the
typefaces of each script, the Sphinx settings, where a project's parts,
editions and dist/ are, the date an edition carries, a new project's files,
and problems as values with file and line.
"""
