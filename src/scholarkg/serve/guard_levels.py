"""What the guard's lexer (:mod:`.guard_lexer`) counts a text by, and what one pass over it finds.

Nesting counts what the engine nests: one level per bracket; in a bracket, one per
``CHAIN_PER_LEVEL`` operators of its longest chain (``! || && + - * /`` in expressions,
``/ | ^ !`` and ``UNION`` in patterns; ``,`` ``;`` ``.`` end a chain); in a group, one per
``STEPS_PER_LEVEL`` steps: every triple pattern (each ``,`` ``;`` ``.``, two per collection
element, a blank node's included) and every ``OPTIONAL``, ``MINUS``, ``FILTER``, ``BIND``,
``LATERAL``, ``SERVICE``, ``GRAPH`` and ``VALUES`` (each is one more join, or wraps the
patterns before it); and each ``(…)`` of a ``SELECT``, ``GROUP BY``, ``ORDER BY`` or
``HAVING`` clause. ``VALUES`` rows count nothing. The engine's stack overflows at ~1 000
nested function calls and ~2 200 braces, but only at ~2 600 ``MINUS`` in a group, ~6 600
``UNION`` and ~8 200 triple patterns; its planning of a group takes seconds past ~128
triple patterns. So with the default limit of 64, a group holds up to ~126 steps and a
chain up to ~250 operators.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scholarkg.serve.sparql_balance import Pairing

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
CHAINED = {"expr": {"!", "||", "&&", "+", "-", "*", "/"}, "pattern": {"!", "/", "|", "^"}}
STEPS = {"OPTIONAL", "MINUS", "FILTER", "BIND", "LATERAL", "SERVICE", "GRAPH", "VALUES"}
CLOSURES = {"*", "+", "?"}  # in a pattern: a path operator
CLAUSE_ON = {"SELECT", "DISTINCT", "REDUCED", "BY", "HAVING"}
CLAUSE_OFF = {"WHERE", "FROM", "LIMIT", "OFFSET", "VALUES", "ASK", "CONSTRUCT", "DESCRIBE"}
STEPS_PER_LEVEL = 2  # steps of a group that count as one level (planning grows fast with them)
CHAIN_PER_LEVEL = 4  # operators of a chain that count as one level


@dataclass
class Level:
    """One open bracket (or the whole text): its kind, whether a clause where ``(`` opens an
    expression is running, and the operator chains counted in it."""

    kind: str  # "top" | "group" | "bnode" | "expr" | "list" | "data" (VALUES)
    clause: bool = False
    chain: int = 0  # operators in the current chain (up to a , ; or .)
    inner: int = 0  # the deepest bracket in the current chain
    deepest: int = 0  # the deepest of the chains ended so far
    steps: int = 0  # triple patterns, OPTIONAL, MINUS, FILTER, BIND…: each is one more join

    def total(self) -> int:
        chained = self.chain // CHAIN_PER_LEVEL + self.inner
        return self.steps // STEPS_PER_LEVEL + max(self.deepest, chained)


@dataclass
class Scan:
    """What one pass over the text found (see :class:`scholarkg.serve.guard.QueryInfo`)."""

    form: str | None = None
    has_dataset: bool = False
    services: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)
    depth: int = 0
    nesting: int = 0
    variables: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)  # keywords (upper case)
    steps: int = 0  # the steps of every group
    closures: int = 0  # path operators * + ? (a path of any length, or an optional step)
    pairs: Pairing = field(default_factory=Pairing)  # whether the brackets pair up
    stopped_at: int | None = None  # where a pass stopped, its nesting past the limit
