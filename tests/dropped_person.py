"""Zed Zulu, the person a run drops when their one paper is given another author: a snapshot
of two real lines (tests/constructed.py ``snapshot_line``), the first by the author given
(:func:`snapshot`), and the person's graph a store holds (:func:`person_graph`). Shared by
test_report_counts_dropped.py and test_killed_run_removed.py."""

from __future__ import annotations

from pathlib import Path

from building import graphs
from constructed import snapshot_line
from scholarkg.config import Config

PERSON = "/graph/person/zed-zulu-"


def snapshot(directory: Path, author: str) -> Path:
    """``snapshot.jsonl`` in ``directory``: 0704.0002 by ``author`` alone, and 0704.0003."""
    path = directory / "snapshot.jsonl"
    lines = [snapshot_line("0704.0002", authors=[author]), snapshot_line("0704.0003")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def person_graph(config: Config) -> tuple[str, int]:
    """Zed Zulu's graph and its triples but the provenance it states about itself."""
    (iri, triples), *rest = [(g, t) for g, t in graphs(config).items() if PERSON in g]
    assert not rest
    return iri, sum(1 for t in triples if t[0] != f"<{iri}>")
