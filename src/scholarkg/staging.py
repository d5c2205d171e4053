"""The staging outbox: validated graphs on disk until a store has taken them.

A staged graph is three files under ``data/staging/``: its N-Triples, its SHACL report and a
small JSON record. They are removed only after the graph is in the store (or found unchanged
there), so a store that is locked or unreachable loses nothing: the next run loads what is left.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import Graph

from scholarkg.config import Config
from scholarkg.provenance import report_graph_iri
from scholarkg.transform import NamedGraph


@dataclass(frozen=True)
class StagedGraph:
    """A validated graph written to disk (with its SHACL report), ready to load."""

    iri: str
    path: str
    triples: int
    warnings: int
    source: str | None = None
    source_sha256: str | None = None
    report_path: str | None = None

    @property
    def record_path(self) -> Path:
        return Path(self.path).with_suffix(".json")


def staging_dir(config: Config) -> Path:
    return config.data_dir / "staging"


def _staging_path(config: Config, iri: str) -> Path:
    tail = iri.split("/graph/", 1)[-1]
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in tail)
    return staging_dir(config) / f"{safe}.nt"


def stage_graph(
    named: NamedGraph, report_graph: Graph, warnings: int, config: Config
) -> StagedGraph:
    """Write a graph that passed the gate, its SHACL report (skolemised) and its record."""
    path = _staging_path(config, str(named.iri))
    path.parent.mkdir(parents=True, exist_ok=True)
    named.graph.serialize(path, format="nt", encoding="utf-8")
    report_path = path.with_suffix(".shacl.nt")
    skolem = report_graph.skolemize(authority=report_graph_iri(str(named.iri)), basepath="#")
    skolem.serialize(report_path, format="nt", encoding="utf-8")
    staged = StagedGraph(
        str(named.iri),
        str(path),
        len(named.graph),
        warnings,
        named.source,
        named.source_sha256,
        str(report_path),
    )
    staged.record_path.write_text(json.dumps(asdict(staged), ensure_ascii=False), encoding="utf-8")
    return staged


def pending_staged(config: Config) -> list[StagedGraph]:
    """Graphs staged by earlier runs that no store has taken yet, oldest first."""
    records = sorted(staging_dir(config).glob("*.json"), key=lambda p: p.stat().st_mtime)
    pending = []
    for record in records:
        data = json.loads(record.read_text(encoding="utf-8"))
        if Path(data["path"]).exists():
            pending.append(StagedGraph(**data))
    return pending


def discard(staged: StagedGraph) -> None:
    """Remove a staged graph's files once the store holds it."""
    for path in (Path(staged.path), staged.record_path, Path(staged.report_path or staged.path)):
        path.unlink(missing_ok=True)
