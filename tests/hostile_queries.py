"""SPARQL texts written to get past the query guard, shared by the guard's tests. ``%s`` is the
URL of a loopback trap; unguarded, Oxigraph 0.5.13 sends a request there for every text marked
"(sends)" (checked with a listener)."""

from __future__ import annotations

SERVICE_TRICKS = {
    # (sends) a \u escape puts a quote or # in the IRI: a lexer that does not take the IRI
    # reads a string or a comment there and never sees the SERVICE
    "escaped IRI, quote": r"SELECT * WHERE { BIND(<http://x/\u0041'> AS ?z) "
    "SERVICE <%s> { ?s ?p ?o } }",
    "escaped IRI, hash": r"SELECT * WHERE { BIND(<http://x/\u0041#> AS ?z) "
    "SERVICE <%s> { ?s ?p ?o } }",
    # (sends) \' is part of a prefixed name, not a string
    "escaped quote in a name": "PREFIX ex: <http://x/> SELECT * WHERE "
    "{ OPTIONAL { ?s ex:a\\' ?o } SERVICE <%s> { ?s ?p ?o } }",
    # (sends) SERVICE followed by the prefixed name :x, without a space
    "SERVICE:x": "PREFIX : <%s> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
    "SERVICE:x after a triple": "PREFIX : <%s> SELECT * WHERE { ?s ?p ?o SERVICE:x{ ?s ?p ?o } }",
    # (sends) '<' comparing, read as the start of an IRI, would hide what follows up to '>'
    "comparison read as an IRI": "PREFIX : <%s> SELECT * WHERE { FILTER(0<1)SERVICE:x#>\n"
    "{ ?s ?p ?o } }",
    # (sends) a comment ends at a carriage return too
    "comment ended by CR": "SELECT * WHERE { # note\rSERVICE <%s> { ?s ?p ?o } }",
    # a prefixed name ends before a second dot, so SERVICE starts after it
    "dotted name": "PREFIX ex: <http://x/> PREFIX : <%s> SELECT * WHERE "
    "{ ?s ?p ex:a.b.SERVICE:x{ ?s ?p ?o } }",
    # the keyword written with an escape: SPARQL 1.1 engines decode it before parsing
    "escaped keyword": r"SELECT * WHERE { SERVIC\u0045 <%s> { ?s ?p ?o } }",
    "escaped keyword, lower case": r"select * where { \u0073ervice <%s> { ?s ?p ?o } }",
    # an IRI inside a triple term inside an expression is still an IRI
    "triple term": "SELECT * WHERE { FILTER(?t != <<( ?s <http://x/#> ?o )>>) "
    "SERVICE <%s> { ?s ?p ?o } }",
}

LOAD_TRICKS = {
    "LOAD SILENT (sends)": "LOAD SILENT <%s> INTO GRAPH <http://x/g>",
    "lower case (sends)": "load <%s>",
    "LOAD:x after an operation (sends)": "PREFIX : <%s> INSERT DATA { <a:b> <a:c> <a:d> } ;LOAD:x",
    "LOAD SILENT:x (sends)": "PREFIX : <%s> LOAD SILENT:x",
    "escaped keyword": r"LOA\u0044 <%s>",
}

_CHAINS = {  # name: (head, link repeated n times, tail)
    "negations": ("ASK { FILTER(", "!", "true) }"),
    "disjunctions": ("ASK { FILTER(false", " || false", ") }"),
    "conjunctions": ("ASK { FILTER(true", " && true", ") }"),
    "sums": ("ASK { FILTER(0", " + 1", " > 0) }"),
    "products": ("ASK { FILTER(1", " * 1", " > 0) }"),
    "unions": ("ASK { {} ", "UNION {} ", "}"),
    "path steps": ("ASK { ?s <http://p>", "/<http://p>", " ?o }"),
    "path alternatives": ("ASK { ?s <http://p>", "|<http://p>", " ?o }"),
    "optionals": ("ASK { ", "OPTIONAL {} ", "}"),
    "minuses": ("ASK { ", "MINUS {} ", "}"),
    "filters": ("ASK { ", "FILTER(true) ", "}"),
    "binds": ("SELECT * { ", "BIND(1 AS ?v%d) ", "}"),
    "triple patterns": ("ASK { ", "?s <p:> ?o%d . ", "}"),
    "projections": ("SELECT ", "(1 AS ?v%d) ", "{}"),
    "order conditions": ("SELECT * {} ORDER BY ", "(1) ", ""),
}


def deep(name: str, n: int) -> str:
    """The chain ``name`` with ``n`` links."""
    head, link, tail = _CHAINS[name]
    return head + "".join(link % i if "%d" in link else link for i in range(n)) + tail


# each crashes a query worker (SIGSEGV: stack overflow) at 12,000 links (the shallowest
# measured crash: MINUS at 2,617 links) and is below max_query_bytes
DEEP = {name: deep(name, 12_000) for name in _CHAINS}
