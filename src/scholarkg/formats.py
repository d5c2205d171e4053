"""The names of the output formats, importable without the RDF libraries (the CLI lists them
in its help and checks them before anything heavy is imported)."""

from __future__ import annotations

QUERY_FORMATS = ("table", "csv", "json", "tsv", "turtle", "nt", "jsonld")
"""``scholarkg query --format``: result tables and graphs (see :mod:`scholarkg.query_results`)."""

DUMP_FORMATS = ("nq", "trig", "ttl", "jsonld")
"""``scholarkg export --format``: the keys of :data:`scholarkg.export.FORMATS`."""
