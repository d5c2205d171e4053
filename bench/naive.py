"""The naive reference (issue 12): rdflib graph per record + whole-graph pySHACL + per-graph load.

What a first implementation would do, measured (not scaled) on the first ``records`` records of
the bench input: parse each snapshot line and build its rdflib graph with the project's own
mapping (``arxiv_graph``); validate the union of those graphs in one pySHACL run with the
project's own pySHACL call (:func:`pyshacl_findings`, with the project's parse memoisation);
then replace each record's named graph in a new embedded store, one transaction per graph.
No identity step, no provenance, no publishing: the pipeline does more.

"""

from __future__ import annotations

import shutil
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Any

from rdflib import Graph

from measure import clocks
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.iris import Minter
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.transform.arxiv import arxiv_graph


def pyshacl_findings(graph: Graph) -> Counter[str]:
    """Findings by severity of pySHACL on ``graph``, called as the project calls it (its
    reference road, ``[shacl] fallback = "pyshacl"``), with the project's parse memoisation."""
    from scholarkg.resources import ontology_graph, shapes_graph
    from scholarkg.shacl.reference import findings_of, memoised_sparql_parse, run_pyshacl

    with memoised_sparql_parse():
        report = run_pyshacl(graph, shapes_graph(), ontology_graph())
    return Counter(f.severity for f in findings_of(report))


def naive(params: dict[str, Any]) -> dict[str, Any]:
    work = Path(params["work"])
    shutil.rmtree(work, ignore_errors=True)
    minter = Minter()
    phases: dict[str, dict[str, float]] = {}
    with clocks() as total:
        with clocks() as build:
            records = list(islice(read_snapshot(params["data"]), int(params["records"])))
            graphs = [arxiv_graph(record, minter) for record in records]
            union = Graph()
            for named in graphs:
                union += named.graph
        with clocks() as validate:
            findings = pyshacl_findings(union)
        with clocks() as load, EmbeddedStore(work / "store") as store:
            for named in graphs:
                store.replace_graph(named.iri, named.graph)
            quads = store.quad_count()
    for name, measured in (("rdflib build", build), ("pySHACL", validate), ("load", load)):
        phases[name] = {"wall_s": round(measured.wall, 3), "cpu_s": round(measured.cpu, 3)}
    shutil.rmtree(work, ignore_errors=True)
    return {
        "wall": total.wall,
        "cpu": total.cpu,
        "records": len(records),
        "triples": len(union),
        "quads": quads,
        "findings": dict(findings),
        "phases": phases,
    }


STEPS = {"naive": naive}
