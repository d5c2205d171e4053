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
    space); ``trailing_values``, whether it ends in its own ``VALUES`` clause; ``group``, the
    index of the closing brace of its ``WHERE`` group (None: it has none that takes a
    ``VALUES``: ``DESCRIBE <iri>``, ``CONSTRUCT WHERE { triples }``)."""

    end: int
    trailing_values: bool
    group: int | None


def query_shape(text: str) -> Shape:
    """The :class:`Shape` of ``text`` (a SPARQL query, one pass)."""
    depth, end, values, form = 0, 0, False, ""
    groups: list[int] = []  # the close of each top-level group pattern (not EXISTS { … })
    before, group_before = "", ""
    for match in _token().finditer(text):
        kind, lexeme = match.lastgroup, match.group()
        if kind == "gap":
            continue
        end = match.end()
        if kind == "open":
            group_before = before if depth == 0 else group_before
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
            if depth == 0 and lexeme == "}" and group_before != "EXISTS" and not values:
                groups.append(match.start())
        elif kind == "word" and depth == 0:
            values = values or lexeme.upper() == "VALUES"
            form = form or (lexeme.upper() if lexeme.upper() in _FORMS else "")
        before = lexeme.upper() if kind == "word" else lexeme
    short_construct = form == "CONSTRUCT" and len(groups) == 1  # CONSTRUCT WHERE { triples }
    return Shape(end, values, None if short_construct or not groups else groups[-1])
