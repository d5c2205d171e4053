"""The outbox and the dead-letter folder keep every graph apart, whatever its IRI holds."""

from __future__ import annotations

from pathlib import Path

from scholarkg.load.outbox import DeadLetters, Outbox
from scholarkg.load.payload import GraphPayload

ARXIV = "https://w3id.org/scholarkg/id/graph/arxiv/"
SAME_MONTH = ("2301.00001", "2301.00002", "2301.12345v2")  # ids with dots, one month


def payload(arxiv_id: str) -> GraphPayload:
    data = f'<{ARXIV}{arxiv_id}> <http://purl.org/dc/terms/title> "{arxiv_id}" .\n'.encode()
    return GraphPayload(iri=ARXIV + arxiv_id, kind="arxiv", data=data, digest=arxiv_id, triples=1)


def test_graphs_whose_iris_hold_dots_are_each_kept_for_the_next_run(tmp_path: Path) -> None:
    kept = [payload(i) for i in SAME_MONTH]
    assert Outbox(tmp_path, "run-1").keep(kept) == 3
    pending = Outbox(tmp_path, "run-2").pending()
    assert sorted((p.iri, p.data) for _, p in pending) == sorted((p.iri, p.data) for p in kept)
    for record, _ in pending:
        Outbox.settle(record)
    assert not (tmp_path / "outbox" / "run-1").exists()  # both files of each graph removed


def test_dead_letters_keep_each_refused_graph_with_its_reason(tmp_path: Path) -> None:
    dead = DeadLetters(tmp_path, "run-1")
    written = [dead.put(payload(i), f"refused {i}") for i in SAME_MONTH]
    assert len(set(written)) == 3 and dead.count == 3
    assert sorted(p.name for p in dead.folder.glob("*.nt")) == sorted(
        w.with_suffix(".nt").name for w in written
    )
