"""Gating graphs a batch at a time gives each graph exactly what gating it alone gives.

Corpus: the 100 real snapshot records, real records each carrying one injected problem (the
record-level problems of tests/gated_records.py), and graphs that describe the same node,
whose union would be judged differently from each alone (they are gated one by one).
"""

from __future__ import annotations

import dataclasses

from gated_records import SNAPSHOT, emitted, record_problems
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.runs import gating
from scholarkg.transform import EmittedGraph
from scholarkg.validate import Finding


def alone(graph: EmittedGraph) -> tuple[object, tuple[Finding, ...]]:
    payload, findings = gating.gate_graph(
        graph.iri, graph.kind, list(graph.triples), source=graph.source
    )
    return payload, findings


def assert_as_alone(graphs: list[EmittedGraph], batch: int) -> None:
    results = list(gating.gate_many(graphs, batch=batch))
    assert [graph for graph, _, _ in results] == graphs
    for graph, payload, findings in results:
        expected_payload, expected_findings = alone(graph)
        assert findings == expected_findings, graph.iri
        assert payload == expected_payload, graph.iri


def test_real_records_in_batches_as_alone() -> None:
    graphs = [emitted(r) for r in read_snapshot(SNAPSHOT)]
    assert_as_alone(graphs, batch=200)
    assert_as_alone(graphs, batch=7)


def test_records_with_problems_in_one_batch_as_alone() -> None:
    records = list(read_snapshot(SNAPSHOT))
    problems = records[:20]  # clean ones between the faulty ones
    for offset, record in enumerate(record_problems(records[50]).values()):
        # each faulty record its own paper (its own IRI), as in a real snapshot
        faulty = dataclasses.replace(
            record, arxiv_id=record.arxiv_id.replace("0704", f"09{offset:02d}")
        )
        problems.insert(2 * offset, faulty)
    graphs = [emitted(r) for r in problems]
    findings = [f for g in graphs for f in alone(g)[1]]
    assert {"Violation", "Warning", "Info"} <= {f.severity for f in findings}
    assert_as_alone(graphs, batch=200)


def test_graphs_describing_one_node_are_gated_apart() -> None:
    record = next(iter(read_snapshot(SNAPSHOT)))
    first = emitted(record)
    second = emitted(dataclasses.replace(record, title=record.title + " (another title)"))
    assert alone(first)[0] is not None and alone(second)[0] is not None
    union = gating.check([*first.triples, *second.triples])
    assert gating.violations(union)  # two titles on one paper: their union is not either graph
    assert_as_alone([first, second], batch=200)


def test_a_graph_checked_alone_is_still_checked() -> None:
    """A batch of one, or a graph left alone because it shares a node, gets its own check."""
    records = list(read_snapshot(SNAPSHOT))
    faulty = emitted(dataclasses.replace(records[0], title=""))
    assert alone(faulty)[0] is None  # an empty title is a violation
    assert_as_alone([faulty], batch=200)  # a batch of one
    assert_as_alone([emitted(records[1]), faulty], batch=1)  # batches of one
    clean, rest = emitted(records[0]), emitted(records[2])
    assert_as_alone([clean, faulty, rest], batch=200)  # left apart: it describes clean's paper


class CountedTerm(str):
    """A term string that counts how often it is hashed (each set or dict lookup of it)."""

    hashed = 0

    def __hash__(self) -> int:
        CountedTerm.hashed += 1
        return str.__hash__(self)


def test_choosing_a_batchs_union_is_linear_in_the_batch() -> None:
    """Which graphs of a batch can be checked together is decided with a bounded number of
    lookups per triple (it walked every node chosen so far for each graph: 200 graphs of 3
    triples took ~120 000 lookups, quadratic in the batch)."""
    graphs = [
        EmittedGraph(
            f"urn:g{i}",
            "person",
            tuple(
                (CountedTerm(f"<urn:n{i}-{k}>"), "<urn:p>", CountedTerm(f"<urn:v{i}-{k}>"))
                for k in range(3)
            ),
        )
        for i in range(200)
    ]
    CountedTerm.hashed = 0
    together, owner = gating._separable(graphs)
    assert together == list(range(200)) and len(owner) == 600
    assert CountedTerm.hashed <= 10 * 600
