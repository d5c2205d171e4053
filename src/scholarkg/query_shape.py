"""Where a parameters' ``VALUES`` clause can go in a query's text: read at the top level (not
inside brackets), with strings, IRIs, names and comments read as
:mod:`scholarkg.serve.sparql_tokens` reads them, so a brace or ``VALUES`` inside one counts
for nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_FORMS = frozenset({"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"})


@cache
def _token() -> re.Pattern[str]:
    """One top-level lexeme (or gap) of SPARQL text. Built on first use: the lexer's terminals
    live in :mod:`scholarkg.serve`, whose package imports this module's importers."""
    from scholarkg.serve.sparql_tokens import (
        BNODE,
        IRI_BODY,
        PN_LOCAL,
        PREFIX,
        STRING_SOURCE,
        VARIABLE,
        WORD,
    )

    return re.compile(
        rf"(?P<gap>\s+|#[^\r\n]*)|(?P<skip>{STRING_SOURCE}|<{IRI_BODY}>|{VARIABLE.pattern}"
        rf"|{BNODE.pattern}|(?:{PREFIX.pattern})?:{PN_LOCAL.pattern})|(?P<word>{WORD.pattern})"
        r"|(?P<open>[{(\[])|(?P<close>[})\]])|\\[\s\S]?|[\s\S]"
    )


@dataclass(frozen=True)
class Shape:
    """A query's top level: ``end``, just past its last lexeme (before trailing comments and
    space); ``trailing_values``, whether it ends in its own ``VALUES`` clause; ``opens`` and
    ``group``, the indexes of the opening and closing braces of its ``WHERE`` group (None: it
    has none that takes a ``VALUES``: ``DESCRIBE <iri>``, ``CONSTRUCT WHERE { triples }``);
    ``subselect``, whether that group is a sub-query alone (``WHERE { SELECT … }``), where a
    ``VALUES`` put before its close would be the sub-query's own trailing one."""

    end: int
    trailing_values: bool
    group: int | None
    opens: int | None = None
    subselect: bool = False


def query_shape(text: str) -> Shape:
    """The :class:`Shape` of ``text`` (a SPARQL query, one pass)."""
    depth, end, values, form = 0, 0, False, ""
    # each top-level group pattern (not EXISTS { … }): its open, its close, a sub-query alone?
    groups: list[tuple[int, int, bool]] = []
    before, group_before, opened, first = "", "", 0, ""  # first: "?" until read
    for match in _token().finditer(text):
        kind, lexeme = match.lastgroup, match.group()
        if kind == "gap":
            continue
        end = match.end()
        if first == "?":  # the lexeme just inside a top-level bracket
            first = lexeme.upper()
        if kind == "open":
            if depth == 0:
                group_before, opened, first = before, match.start(), "?"
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
            if depth == 0 and lexeme == "}" and group_before != "EXISTS" and not values:
                groups.append((opened, match.start(), first == "SELECT"))
        elif kind == "word" and depth == 0:
            values = values or lexeme.upper() == "VALUES"
            form = form or (lexeme.upper() if lexeme.upper() in _FORMS else "")
        before = lexeme.upper() if kind == "word" else lexeme
    short_construct = form == "CONSTRUCT" and len(groups) == 1  # CONSTRUCT WHERE { triples }
    if short_construct or not groups:
        return Shape(end, values, None)
    opens, group, subselect = groups[-1]
    return Shape(end, values, group, opens, subselect)
