"""A SPARQL server's answers to the store's own counting queries, read strictly.

The quads of each graph asked (:meth:`~scholarkg.store.remote_reads.SparqlReads.graph_sizes`,
a write's check) and of the store (``quad_count``) become the loaders' judgement and the run's
counts: an answer that is not plainly right is one :class:`~scholarkg.errors.QueryError` line
naming the server and what was wrong, never a number taken on trust. Refused: a JSON answer
holding a key twice in one object, an XML one binding a variable twice in one result (which
value is meant?), a head that does not declare the variables asked (one more is harmless), a
count that is no whole number from 0 to 2^63 - 1 (its datatype is not judged: a plain ``"3"``
is 3), a graph not asked or counted twice, a count of the store in no row or in several.
Before: ``abc``, ``1.5`` or 5 000 digits was a ValueError traceback; ``-1`` or 10^30 was taken
as a size; a head without ``?n`` or no row made every graph absent and the store empty; a
duplicate key's or binding's last value was taken silently."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.parsers import expat

import pyoxigraph as ox

from scholarkg.errors import QueryError
from scholarkg.shown_text import shown

COUNT_MAX = 2**63 - 1  # no store holds more quads; a larger count is no count
_WHOLE = re.compile(r"\+?[0-9]{1,19}")
_SHOWN = 40  # characters of a wrong value the line shows


def refuse_repeated(body: bytes, results_format: ox.QueryResultsFormat, where: str) -> None:
    """A :class:`QueryError` naming ``where`` when ``body`` says one thing twice where the
    results parser would take the last silently: a JSON object holding a key twice, an XML
    result binding a variable twice. What does not parse is left to the results parser to
    say. For small answers: the whole is parsed in Python."""
    if results_format == ox.QueryResultsFormat.JSON:
        _refuse_duplicate_keys(body, where)
    elif results_format == ox.QueryResultsFormat.XML:
        _refuse_duplicate_bindings(body, where)


def _refuse_duplicate_keys(body: bytes, where: str) -> None:
    def pairs(items: list[tuple[str, Any]]) -> None:
        keys = [key for key, _ in items]
        for key in keys:
            if keys.count(key) > 1:
                raise QueryError(
                    f'{where}: the JSON answer holds the key "{shown(key, limit=_SHOWN)}" '
                    "twice in one object: which is meant is unknown, so it is not read"
                )

    try:
        json.loads(body, object_pairs_hook=pairs)
    except ValueError:
        return


def _refuse_duplicate_bindings(body: bytes, where: str) -> None:
    bound: set[str] | None = None  # the variables bound so far in the result being read

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal bound
        local = tag.rpartition(" ")[2]
        if local == "result":
            bound = set()
        elif local == "binding" and bound is not None:
            name = attributes.get("name", "")
            if name in bound:
                raise QueryError(
                    f"{where}: the XML answer binds ?{shown(name, limit=_SHOWN)} twice in one "
                    "result: which is meant is unknown, so it is not read"
                )
            bound.add(name)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    try:
        parser.Parse(body, True)
    except expat.ExpatError:
        return


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None
Row = Mapping[str, Term]


def check_variables(declared: Sequence[str], asked: Sequence[str], where: str) -> None:
    """A :class:`QueryError` naming ``where`` unless the answer's head ``declared`` each of
    the variables ``asked`` (in any order; one more is harmless: its rows are not read)."""
    if not set(asked) <= set(declared):
        names = " ".join(f"?{shown(name, limit=_SHOWN)}" for name in declared) or "none"
        raise QueryError(
            f"{where}: the answer's head declares {names}, not {' '.join(f'?{a}' for a in asked)}"
        )


def count_of(term: Term | str, where: str, what: str) -> int:
    """The count a row gives for ``what`` (say, ``the quads of graph <g>``); a
    :class:`QueryError` naming ``where`` when it is no whole number from 0 to :data:`COUNT_MAX`."""
    value = "" if term is None else term.value if isinstance(term, ox.Literal) else str(term)
    if _WHOLE.fullmatch(value) and int(value) <= COUNT_MAX:
        return int(value)
    raise QueryError(
        f"{where}: {what}: '{shown(value, limit=_SHOWN)}' is no count (a whole "
        "number from 0 to 2^63 - 1)"
    )


def graph_counts(rows: Iterable[Row], asked: Sequence[str], where: str) -> dict[str, int]:
    """The quads of each graph in ``rows`` (``?g ?n``); a :class:`QueryError` naming ``where``
    for a graph not ``asked`` or counted twice, or a count that is none."""
    wanted = set(asked)
    sizes: dict[str, int] = {}
    for row in rows:
        graph = row["g"]
        if not isinstance(graph, ox.NamedNode) or graph.value not in wanted:
            shown_graph = shown(str(graph), limit=2 * _SHOWN)
            raise QueryError(f"{where}: the answer counts graph {shown_graph} it was not asked for")
        if graph.value in sizes:
            raise QueryError(f"{where}: the answer counts graph {graph} twice")
        sizes[graph.value] = count_of(row["n"], where, f"the quads of graph {graph}")
    return sizes


def single_count(rows: Sequence[Row], where: str, what: str) -> int:
    """The one count (``?n``) of ``rows``; a :class:`QueryError` naming ``where`` when they
    are not one row, or it is no count."""
    if len(rows) != 1:
        said = "no row" if not rows else f"{len(rows)} rows"
        raise QueryError(f"{where}: a count of quads answered {said}, not one")
    return count_of(rows[0]["n"], where, f"the quads of {what}")
