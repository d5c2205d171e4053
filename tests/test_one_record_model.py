"""One paper through the three arXiv doors gives one record and the same triples.

The derived fixtures restate snapshot line 0704.0002 as an API feed and an OAI-PMH record (see
tests/fixtures/arxiv/derived/README.md); each door lacks some facts, and only those may differ.
"""

from __future__ import annotations

import dataclasses

from rdflib import Graph
from rdflib.namespace import DCTERMS

from samples import ROOT
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pmh import parse_oai_response
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.iris import Minter
from scholarkg.models import ArxivRecord
from scholarkg.transform.arxiv import arxiv_graph

FIXTURES = ROOT / "tests" / "fixtures" / "arxiv"


def three_doors() -> dict[str, ArxivRecord]:
    atom = FIXTURES / "derived" / "atom_0704.0002.xml"
    oai = FIXTURES / "derived" / "oai_arXiv_0704.0002.xml"
    snapshot = FIXTURES / "kaggle" / "snapshot_sample_100.jsonl"
    return {
        "api": parse_feed(atom.read_bytes(), source=str(atom)).records[0],
        "oai": parse_oai_response(
            oai.read_bytes(), source=str(oai), container="GetRecord"
        ).arxiv_records[0],
        "snapshot": next(iter(read_snapshot(snapshot))),
    }


def shared(record: ArxivRecord) -> ArxivRecord:
    """The record without what only some doors carry (version list, licence)."""
    return dataclasses.replace(record, versions=(), license=None)


def without_door_specific(graph: Graph) -> set[tuple[object, ...]]:
    return {
        t
        for t in graph
        if "/v" not in str(t[0]) and t[1] not in (DCTERMS.hasVersion, DCTERMS.license)
    }


def test_the_doors_give_one_record() -> None:
    records = three_doors()
    assert shared(records["api"]) == shared(records["oai"]) == shared(records["snapshot"])
    assert records["api"].title == "Sparsity-certifying Graph Decompositions"
    assert [a.name for a in records["oai"].authors] == ["Ileana Streinu", "Louis Theran"]
    # What a door does carry, it carries the same way.
    assert records["oai"].license == records["snapshot"].license
    dates = {door: [(v.number, v.date) for v in r.versions] for door, r in records.items()}
    assert dates["api"] == dates["snapshot"] and dates["oai"] == []


def test_the_doors_give_the_same_triples() -> None:
    graphs = {door: arxiv_graph(r, Minter()).graph for door, r in three_doors().items()}
    common = [without_door_specific(g) for g in graphs.values()]
    assert common[0] == common[1] == common[2]
    assert len(common[0]) > 20
    version_dates = {
        door: {(s, o) for s, p, o in g if p == DCTERMS.date} for door, g in graphs.items()
    }
    assert version_dates["api"] == version_dates["snapshot"] and len(version_dates["api"]) == 2
