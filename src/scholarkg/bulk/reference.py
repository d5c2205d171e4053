"""pySHACL's query parse memoised: the same validation, without re-parsing SPARQL per focus node.

pySHACL hands every SPARQL-based constraint to rdflib as text, once per focus node, and rdflib
parses and translates it each time (~25 ms with pyparsing): on this project's shapes that is most
of pySHACL's time. :func:`memoised_sparql_parse` keeps the translated query per text; evaluation
is unchanged (rdflib evaluates a prepared query with the same initial bindings). The SHACL gate
(``scholarkg.validate``) runs pySHACL inside it; the bench also reports it as a reference point.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery


@contextmanager
def memoised_sparql_parse(cache: dict[Any, Any] | None = None) -> Iterator[dict[Any, Any]]:
    """Within the block, rdflib parses each distinct SPARQL query text once (not thread-safe).

    Pass the same ``cache`` to several blocks to keep parsed queries between them.
    """
    original = processor.SPARQLProcessor.query
    cache = {} if cache is None else cache

    def query(
        self: Any,
        text: Any,
        initBindings: Any = None,
        initNs: Any = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Any:
        if isinstance(text, str):
            key = (text, base, tuple(sorted((initNs or {}).items())))
            if key not in cache:
                cache[key] = translateQuery(parseQuery(text), base, initNs)
            text = cache[key]
        return original(self, text, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query  # type: ignore[method-assign,assignment]
    try:
        yield cache
    finally:
        processor.SPARQLProcessor.query = original  # type: ignore[method-assign]
