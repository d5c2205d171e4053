"""The transactional loader's pending notes hold a graph written twice before they are noted
once, and count its bytes once: the last write's.

Before, the earlier write's bytes stayed in the count after the later one replaced it, so a
graph written again brought the flush forward (the notes were right, only early). Checked on
a real manifest (its real SQLite connection): whether a graph is noted yet is asked of it.
"""

from __future__ import annotations

from pathlib import Path

from manifest_graphs import EX, RUN, WHEN, payload
from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import GraphPayload, Written, written_form
from scholarkg.load.pending_notes import PendingNotes


def written(graph: GraphPayload) -> tuple[str, int, Written]:
    body, report, stats, quads = written_form(graph, RUN, WHEN)
    return graph.digest, quads, (graph, body, report, stats)


def size(note: tuple[str, int, Written]) -> int:
    _, _, (_, body, report, _) = note
    return len(body) + len(report)


def test_a_graph_written_again_is_counted_once_towards_the_flush(tmp_path: Path) -> None:
    first, again, other = (written(payload(n, v)) for n, v in ((4, "old"), (4, "new"), (7, "new")))
    manifest = Manifest(tmp_path / "state", "fingerprint")
    try:  # room for graph 4's last write and graph 7's, no more: noted once both are held
        notes = PendingNotes(manifest, limit=size(again) + size(other))
        notes.add(*first)
        notes.add(*again)
        assert manifest.known([f"{EX}graph/4"]) == {}  # before: noted here, 4 counted twice
        notes.add(*other)
        noted = manifest.known([f"{EX}graph/4", f"{EX}graph/7"])
    finally:
        manifest.close()
    assert noted == {f"{EX}graph/4": again[:2], f"{EX}graph/7": other[:2]}
