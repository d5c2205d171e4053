"""Values into SPARQL text: each parameter checked against its kind or escaped, then bound with
a ``VALUES`` clause, so no value can change the query."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from scholarkg.errors import LoadError, QueryError
from scholarkg.query_shape import query_shape
from scholarkg.shown_text import shown_value
from scholarkg.store.sparql_text import iri_ref

# Oxigraph's xsd:integer is 64-bit: a literal outside it compares as an error (no row), silently.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
PARAM_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]*\Z")  # \Z: "x\n" is no name (with $ it was)
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
# An absolute IRI written without angle brackets: a scheme, a colon, no white space.
_BARE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
# A line `# @values` inside the query marks where the parameters' VALUES clause goes.
VALUES_MARKER = re.compile(r"^([ \t]*)#\s*@values[ \t]*$", re.MULTILINE)


# The characters a SPARQL string literal must escape (ECHAR); everything else is itself.
_ECHAR = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


# A ``u`` or ``U`` after a backslash, as its 8-digit codepoint escape. The value ``\u0022``
# written ``"\\u0022"`` is read as ``"`` by a processor that expands codepoint escapes before
# parsing, anywhere in the query (SPARQL 1.1, 19.2; rdflib), and ``\u0041`` (``"\A"``) is a
# syntax error to it; written ``"\\\U000000750022"`` it is read as itself by that one, by one
# that expands only ``\u`` as Java does (Jena) and by one that reads them in strings (Oxigraph)
# alike (the 8-digit form: rdflib reads up to 8 hex digits after ``\u`` too).
_AFTER_BACKSLASH = {"u": "\\U00000075", "U": "\\U00000055"}


def string_literal(value: str, where: str = "") -> str:
    """``value`` as a SPARQL string literal (``"…"``, every quote, backslash and line break
    escaped, a ``u`` or ``U`` after a backslash written as its codepoint escape), so no value
    can end the literal early nor read as another value to a processor that expands codepoint
    escapes before parsing (before: ``\\u0022`` was read by one as ``"``, and ``\\u0041``
    refused the query); text that is not Unicode (a lone surrogate, from bytes that were not
    UTF-8) is a :class:`QueryError` naming ``where`` (a parameter) and the value."""
    check_text(value, f"{where}: {shown_value(value)}" if where else shown_value(value))
    escaped = [
        _AFTER_BACKSLASH[c] if after == "\\" and c in _AFTER_BACKSLASH else _ECHAR.get(c, c)
        for after, c in zip(" " + value, value, strict=False)
    ]
    return '"' + "".join(escaped) + '"'


def check_text(text: str, where: str) -> str:
    """``text`` if it is Unicode (a lone surrogate, from bytes that are not UTF-8, is a
    :class:`QueryError` naming ``where``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QueryError(
            f"{where}: not valid text (bytes that are not UTF-8, at {exc.start})"
        ) from None
    return text


def _term(name: str, value: str, kind: str) -> str:
    """An integer for a parameter of kind ``integer``, ``<iri>`` for one of kind ``iri`` (written
    in angle brackets or as a bare absolute IRI), an escaped string literal for one of kind
    ``text``; for an undeclared one (``any``: ad-hoc text) ``<iri>`` when written in angle
    brackets, else a string literal. A value not of its kind is a :class:`QueryError`."""
    if kind == "text":
        return string_literal(value, f"parameter {name}")
    if kind == "integer":
        if not _INTEGER.match(value.strip()):
            raise QueryError(f"parameter {name}: expected a whole number, got {shown_value(value)}")
        try:
            number = int(value)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            digits = len(value.strip().lstrip("+-"))
            raise QueryError(
                f"parameter {name}: expected a whole number, got one of {digits} digits (too long)"
            ) from None
        if not INT64_MIN <= number <= INT64_MAX:  # Oxigraph compares 64-bit integers only
            raise QueryError(
                f"parameter {name}: {number} is out of range (whole numbers from {INT64_MIN} "
                f"to {INT64_MAX})"
            )
        return str(number)
    text = value.strip() if kind == "iri" else value
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif kind == "iri" and _BARE_IRI.match(text):
        iri = text
    elif kind == "iri":
        raise QueryError(
            f"parameter {name}: expected an IRI, written <https://…>, got {shown_value(value)}"
        )
    else:
        return string_literal(value, f"parameter {name}")
    return _iri_term(name, text, iri)


def _iri_term(name: str, value: str, iri: str) -> str:
    """``<iri>`` if ``iri`` is an absolute IRI as Oxigraph reads one, else a
    :class:`QueryError` naming the parameter, the value and what is wrong with it (before, an
    IRI with a control character, a bad percent escape or no scheme went into the query, and
    the store refused the whole query as a syntax error naming neither)."""
    check_text(iri, f"parameter {name}")
    try:
        ox.NamedNode(iri)
        return iri_ref(iri)
    except (ValueError, LoadError) as exc:
        reason = exc if isinstance(exc, ValueError) else "a character SPARQL does not allow"
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(reason))
        raise QueryError(
            f"parameter {name}: {shown_value(value)} is not a usable IRI ({shown})"
        ) from None


def values_clause(params: dict[str, str], kinds: Mapping[str, str] | None = None) -> str:
    """``VALUES (?a ?b) { (…) }`` binding ``params``, each value checked or escaped as its kind
    says (:func:`bind_parameters`)."""
    for name in params:
        if not PARAM_NAME.match(name):
            raise QueryError(f"{shown_value(name)}: parameter names are SPARQL variable names")
    names = " ".join(f"?{n}" for n in params)
    kind = kinds or {}
    values = " ".join(_term(n, v, kind.get(n, "any")) for n, v in params.items())
    return f"VALUES ({names}) {{ ({values}) }}"


def bind_parameters(
    sparql: str,
    params: dict[str, str],
    kinds: Mapping[str, str] | None = None,
    source: str = "the query",
) -> str:
    """Bind ``?name`` variables with a VALUES clause at the query's ``# @values`` line (where
    measured fastest), else at the end of its WHERE group, on the line of its closing brace
    (joined before GROUP BY, so it narrows what an aggregate counts: a trailing VALUES is
    joined after grouping; an error the engine finds names a line the user wrote). A query
    with no such group (``DESCRIBE <iri>``, ``CONSTRUCT WHERE { triples }``) gets it after the
    query, on its last line, unless it ends in its own VALUES clause (a second would be a
    syntax error): that is a :class:`QueryError` naming ``source``.

    A parameter ``kinds`` names ``integer`` is bound as a whole number, one it names ``iri`` as
    an IRI (anything else is refused for either), one it names ``text`` as a string literal;
    of one it does not name (ad-hoc text), a value in angle brackets (``<https://…>``) as an
    IRI and anything else as a string literal. Each is checked or escaped, so no value can
    change the query.
    """
    if not params:
        return sparql
    clause = values_clause(params, kinds)
    names = " ".join(f"?{n}" for n in params)
    marker = VALUES_MARKER.search(sparql)
    if marker is not None:
        indent = marker.group(1)
        return sparql[: marker.start()] + indent + clause + sparql[marker.end() :]
    shape = query_shape(sparql)
    if shape.group is None or shape.opens is None:
        if shape.trailing_values:
            raise QueryError(
                f"{source}: ends in its own VALUES clause and has no WHERE group to bind "
                f"{names} in (a `# @values` line inside WHERE says where they go)"
            )
        return f"{sparql[: shape.end]} {clause}{sparql[shape.end :]}"
    opens, close = shape.opens + 1, shape.group
    if shape.subselect:  # its own group, or the clause would be the sub-query's trailing one
        return f"{sparql[:opens]}{{{sparql[opens:close]}}} {clause} {sparql[close:]}"
    space = "" if sparql[close - 1].isspace() else " "
    return f"{sparql[:close]}{space}{clause} {sparql[close:]}"
