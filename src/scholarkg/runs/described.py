"""What the store's VoID description says of it, so that a data directory can tell whether its
last publication is still of the store as it is: another data directory loading the same store
writes graphs and publishes its own description.

A run that opens the store to write notes in that description that it was invalidated by the
run (``prov:wasInvalidatedBy``) before it writes anything; its publication replaces the
description (the note goes with it), and a run with nothing to publish takes the note away.
A run of another data directory that was killed, or whose publication failed, after it wrote
the store leaves the note, so the description differs from the one this data directory
recorded, and its next run publishes everything.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV

from scholarkg.iris import Minter
from scholarkg.store.base import GraphStore
from scholarkg.store.patch import GraphPatch
from scholarkg.store.sparql_text import iri_ref
from scholarkg.void_statistics import description_graph_iri

_DESCRIBED = """SELECT ?p ?o WHERE { GRAPH %s { ?s ?p ?o
  FILTER ((isLiteral(?o) && ?p != %s) || ?p = %s) } }"""


def described_version(store: GraphStore, minter: Minter) -> str:
    """A hash of the store's VoID description (graph ``<base>graph/void``): its figures and
    checksums, the dates it was made aside, and the runs that invalidated it since."""
    void = iri_ref(str(description_graph_iri(minter.base)))
    modified, invalidated = iri_ref(str(DCTERMS.modified)), iri_ref(str(PROV.wasInvalidatedBy))
    result = store.query(_DESCRIBED % (void, modified, invalidated), union=False)
    assert isinstance(result, ox.QuerySolutions)
    pairs = sorted(f"{_term(row, 'p')} {_term(row, 'o')}" for row in result)
    return "sha256:" + hashlib.sha256("\n".join(pairs).encode("utf-8")).hexdigest()


def _term(row: ox.QuerySolution, name: str) -> str:
    value = row[name]
    return "" if value is None else str(value)


def _note(minter: Minter, run_iri: str) -> tuple[str, str]:
    void = str(description_graph_iri(minter.base))
    return void, f"{iri_ref(void)} {iri_ref(str(PROV.wasInvalidatedBy))} {iri_ref(run_iri)} .\n"


def _held(store: GraphStore, void: str) -> list[str]:
    return sorted(f"{s} {p} {o} .\n" for s, p, o in store.triples_in(void))


def invalidate(store: GraphStore, minter: Minter, run_iri: str) -> None:
    """Note in the store's description (if it has one) that this run writes the store."""
    void, line = _note(minter, run_iri)
    held = _held(store, void)
    if held and line not in held:
        store.patch_graphs([GraphPatch(void, "".join([*held, line]), ("", line))])


def revalidate(store: GraphStore, minter: Minter, run_iri: str) -> None:
    """Take this run's note away: it wrote nothing, so the description is as true as before."""
    void, line = _note(minter, run_iri)
    held = _held(store, void)
    if line in held:
        kept = "".join(h for h in held if h != line)
        store.patch_graphs([GraphPatch(void, kept, (line, ""))])
