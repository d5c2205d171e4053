"""The fast SHACL gate gives pySHACL's findings, and the bulk writer the rdflib transform's triples.

The reference is ``scholarkg.validate.validate_graph`` (pySHACL with the gate's exact call).
Findings are compared as multisets of (severity, focus, path, message, source shape, value).
Corpus: every ``tests/shape_examples`` file, the 100 real snapshot records (one graph each and
all merged), and a batch of real records each carrying one injected problem: one per node shape
(an invalid example merged into a record graph) and record-level ones that go through the
N-Triples writer (empty title, bad category, versioned id, …).

pySHACL re-parses every SPARQL constraint for every focus node (~25 ms each, most of its time);
to keep this file fast the reference runs with rdflib's query parse memoised. Evaluation is
unchanged, and ``test_memoised_reference_is_pyshacl`` checks that on part of the corpus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from gated_records import record_problems
from samples import ROOT
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.iris import Minter
from scholarkg.models import ArxivRecord
from scholarkg.shacl.engine import Engine as FastGate
from scholarkg.shacl.reference import findings_of, memoised_sparql_parse
from scholarkg.shacl.reference import pyshacl_validate_graph as validate_graph
from scholarkg.shacl.terms import rdflib_triples
from scholarkg.transform import NamedGraph
from scholarkg.transform.arxiv import arxiv_graph, emit_arxiv
from scholarkg.transform.emit import NTriplesEmitter
from scholarkg.validate import Finding, _run_shapes_unlocked

EXAMPLES = ROOT / "tests" / "shape_examples"
SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
MINTER = Minter()


@pytest.fixture(scope="module")
def memoised_parse() -> Iterator[None]:
    """rdflib's SPARQL parse+translate memoised by query text (evaluation untouched)."""
    with memoised_sparql_parse():
        yield


@pytest.fixture(scope="module")
def gate() -> FastGate:
    return FastGate()


def pyshacl_findings(graph: Graph) -> Counter[Finding]:
    return Counter(
        validate_graph(NamedGraph(URIRef("urn:x-test:graph"), graph, "", "arxiv")).findings
    )


def fast_findings(gate: FastGate, triples: list[tuple[str, str, str]]) -> Counter[Finding]:
    return Counter(gate.check(triples))


def nt_triples(record: ArxivRecord) -> list[tuple[str, str, str]]:
    out = NTriplesEmitter()
    emit_arxiv(record, MINTER, out)
    return list(out.triples)


def as_graph(triples: list[tuple[str, str, str]]) -> Graph:
    return Graph().parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in triples), format="nt")


def example_files() -> list[Path]:
    return sorted(EXAMPLES.rglob("*.ttl"))


def real_records() -> list[ArxivRecord]:
    return list(read_snapshot(SNAPSHOT))


def assert_same(expected: Counter[Finding], got: Counter[Finding], label: str) -> None:
    missing, extra = expected - got, got - expected
    assert not missing and not extra, (
        f"{label}: pySHACL only {list(missing)}; fast only {list(extra)}"
    )


@pytest.mark.parametrize("path", example_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shape_example(path: Path, gate: FastGate, memoised_parse: None) -> None:
    graph = Graph().parse(path)
    expected = pyshacl_findings(graph)
    if path.name.startswith("invalid"):
        assert expected, f"{path}: an invalid example must produce findings"
    assert_same(expected, fast_findings(gate, rdflib_triples(graph)), path.name)
    assert gate.stats["pyshacl"] == 0 and gate.fallback is None  # decided natively


def test_memoised_reference_is_pyshacl(gate: FastGate) -> None:
    """Without the memoised parse, pySHACL gives the same findings (a sample of the corpus)."""
    paths = [p for p in example_files() if "Authorship" in str(p) or "Snapshot" in str(p)]
    for path in paths[:8]:
        graph = Graph().parse(path)
        uncached = Counter(findings_of(_run_shapes_unlocked(graph)))  # plain pySHACL, no cache
        assert uncached == pyshacl_findings(graph), path.name
        assert_same(uncached, fast_findings(gate, rdflib_triples(graph)), path.name)


def test_real_records_one_graph_each(gate: FastGate, memoised_parse: None) -> None:
    for record in real_records():
        triples = nt_triples(record)
        graph = arxiv_graph(record, MINTER).graph
        assert_same(pyshacl_findings(graph), fast_findings(gate, triples), record.arxiv_id)


def test_real_records_whole_graph(gate: FastGate, memoised_parse: None) -> None:
    merged = Graph()
    triples: dict[tuple[str, str, str], None] = {}
    for record in real_records():
        merged += arxiv_graph(record, MINTER).graph
        triples.update(dict.fromkeys(nt_triples(record)))
    assert_same(pyshacl_findings(merged), fast_findings(gate, list(triples)), "100 records merged")


def injected_batch() -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Real records, each with one problem: per node shape, and record-level ones."""
    records = real_records()
    batch = []
    shapes = sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and not p.name.startswith("_"))
    for index, folder in enumerate(shapes):
        invalid = sorted(folder.glob("invalid*.ttl"))[0]
        triples = dict.fromkeys(nt_triples(records[index]))
        triples.update(dict.fromkeys(rdflib_triples(Graph().parse(invalid))))
        batch.append((f"{folder.name}: {invalid.stem}", list(triples)))
    for label, record in record_problems(records[50]).items():
        batch.append((label, nt_triples(record)))
    return batch


def test_injected_problems_one_graph_each(gate: FastGate, memoised_parse: None) -> None:
    severities: Counter[str] = Counter()
    for label, triples in injected_batch():
        expected = pyshacl_findings(as_graph(triples))
        assert expected, f"{label}: the injected problem must be found"
        severities.update(f.severity for f in expected)
        assert_same(expected, fast_findings(gate, triples), label)
    assert {"Violation", "Warning", "Info"} <= set(severities)


def test_injected_problems_whole_batch(gate: FastGate, memoised_parse: None) -> None:
    merged: dict[tuple[str, str, str], None] = {}
    for _, triples in injected_batch():
        merged.update(dict.fromkeys(triples))
    everything = list(merged)
    assert_same(pyshacl_findings(as_graph(everything)), fast_findings(gate, everything), "batch")


def test_bulk_ntriples_equal_rdflib_transform() -> None:
    records = real_records()
    mutated = [r for problems in map(record_problems, records[:3]) for r in problems.values()]
    for record in [*records, *mutated]:
        written = as_graph(nt_triples(record))
        assert set(written) == set(arxiv_graph(record, MINTER).graph), record.arxiv_id
