"""One paper through the three arXiv doors gives one record and the same triples.

The derived fixtures restate snapshot line 0704.0002 as an API feed and an OAI-PMH record (see
tests/fixtures/arxiv/derived/README.md); each door lacks some facts, and only those may differ.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import DCTERMS

from building import sparql_store
from samples import ROOT
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.iris import Minter
from scholarkg.models import ArxivRecord
from scholarkg.transform.arxiv import arxiv_graph

FIXTURES = ROOT / "tests" / "fixtures" / "arxiv"
pytest_plugins = ("oxigraph_server",)


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


# --- the same record through the whole pipeline, either loader, any store ------------------

GRAPH = "https://w3id.org/scholarkg/id/graph/arxiv/0704.0002"
RUN_SPECIFIC = {
    "http://www.w3.org/ns/prov#wasGeneratedBy",
    "http://www.w3.org/ns/prov#generatedAtTime",
}


def loaded_quads(store: object, source_free: bool = True) -> set[tuple[str, str, str]]:
    """The record graph as stored, provenance included; the run and the load time (which differ
    from run to run by design) and the source location (which names the door) left out."""
    triples = store.triples_in(GRAPH)  # type: ignore[attr-defined]
    skipped = RUN_SPECIFIC | ({"http://purl.org/dc/terms/source"} if source_free else set())
    return {t for t in triples if not (t[0] == f"<{GRAPH}>" and t[1][1:-1] in skipped)}


def test_snapshot_record_gives_the_same_quads_with_either_loader(tmp_path: Path) -> None:
    from conftest import write_config
    from scholarkg.config import load_config
    from scholarkg.runs.arxiv_snapshot import load_snapshot
    from scholarkg.store.embedded import EmbeddedStore

    snapshot = FIXTURES / "kaggle" / "snapshot_sample_100.jsonl"
    stored = {}
    for loader in ("bulk", "transactional"):
        directory = tmp_path / loader
        directory.mkdir()
        config = load_config(write_config(directory, []))
        load_snapshot(config, snapshot, workers=0, bulk=loader == "bulk")
        with EmbeddedStore(config.store.path, read_only=True) as store:
            stored[loader] = loaded_quads(store, source_free=False)
    assert stored["bulk"] == stored["transactional"]
    meta = {p for s, p, _ in stored["bulk"] if s == f"<{GRAPH}>"}
    assert {
        "<https://w3id.org/scholarkg/ontology#contentDigest>",
        "<http://purl.org/dc/terms/source>",
    } <= meta


@pytest.mark.server
def test_a_snapshot_loads_into_a_sparql_server_as_into_the_embedded_store(
    tmp_path: Path, oxigraph_url: str
) -> None:
    from conftest import write_config
    from scholarkg.config import load_config
    from scholarkg.runs.arxiv_snapshot import load_snapshot
    from scholarkg.store.embedded import EmbeddedStore

    snapshot = FIXTURES / "kaggle" / "snapshot_sample_100.jsonl"
    server = tmp_path / "server"
    server.mkdir()
    remote = load_config(
        write_config(
            server,
            [],
            store=sparql_store(oxigraph_url),
        )
    )
    report = load_snapshot(remote, snapshot, workers=0).report
    assert report.outcome == "ok" and report.records_loaded == 100
    again = load_snapshot(remote, snapshot, workers=0).report
    assert again.graphs_written == 0  # the manifest, checked against the server, skips it all
    embedded_dir = tmp_path / "embedded"
    embedded_dir.mkdir()
    embedded = load_config(write_config(embedded_dir, []))
    load_snapshot(embedded, snapshot, workers=0)
    store = remote.store.open(read_only=True)
    try:
        from_server = loaded_quads(store)
        assert store.quad_count() == report.store_quads
    finally:
        store.close()
    with EmbeddedStore(embedded.store.path, read_only=True) as local:
        assert loaded_quads(local) == from_server


# --- footnote numbers standing in for affiliations ------------------------------------------

SNAPSHOT_0704_0025 = (
    (FIXTURES / "kaggle" / "snapshot_sample_100.jsonl").read_text(encoding="utf-8").splitlines()[23]
)


def footnoted_doors() -> dict[str, ArxivRecord]:
    """Constructed from the real snapshot line 0704.0025 (line 24 of the sample), whose authors
    are 'A. S. Mishchenko (1 and 2) and N. Nagaosa (1 and 3) ((1) CREST, …)': its
    authors_parsed ends each author with the footnote numbers ('1 and 2'), as the arXiv
    format's <affiliation> and the API's <arxiv:affiliation> give them (both come from the same
    parse of that text; wrappers shaped like the derived fixtures, values copied)."""
    import json

    line = json.loads(SNAPSHOT_0704_0025)
    parsed = line["authors_parsed"]
    atom_authors = "".join(
        f"<author><name>{first} {last}</name><arxiv:affiliation>{note}</arxiv:affiliation></author>"
        for last, first, _, note in parsed
    )
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        "<entry><id>http://arxiv.org/abs/0704.0025v1</id><title>Spectroscopic Properties</title>"
        f"<published>2007-04-02T12:02:36Z</published>{atom_authors}</entry></feed>"
    )
    oai_authors = "".join(
        f"<author><keyname>{last}</keyname><forenames>{first}</forenames>"
        f"<affiliation>{note}</affiliation></author>"
        for last, first, _, note in parsed
    )
    oai = (
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        "<responseDate>2018-01-26T09:05:29Z</responseDate><GetRecord><record><header>"
        "<identifier>oai:arXiv.org:0704.0025</identifier><datestamp>2015-05-13</datestamp>"
        '</header><metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>0704.0025</id>'
        f"<authors>{oai_authors}</authors><title>Spectroscopic Properties</title>"
        "</arXiv></metadata></record></GetRecord></OAI-PMH>"
    )
    snapshot = FIXTURES / "kaggle" / "snapshot_sample_100.jsonl"
    return {
        "api": parse_feed(atom.encode(), source="api").records[0],
        "oai": parse_oai_response(oai.encode(), source="oai", container="GetRecord").arxiv_records[
            0
        ],
        "snapshot": next(r for r in read_snapshot(snapshot) if r.arxiv_id == "0704.0025"),
    }


def test_footnote_numbers_are_no_affiliation_through_any_door() -> None:
    """Before, the API door kept '1 and 2' as the author's affiliation (a
    skg:affiliationAsListed triple) where the arXiv format and the snapshot drop it."""
    authors = {door: r.authors for door, r in footnoted_doors().items()}
    assert authors["api"] == authors["oai"] == authors["snapshot"]
    assert [(a.name, a.affiliations) for a in authors["api"]] == [
        ("A. S. Mishchenko", ()),
        ("N. Nagaosa", ()),
    ]
