"""Graphs the SHACL gate rejected, kept with their findings: one JSON-lines file per run.

``graphs/<run id>/graphs.jsonl`` holds a line per rejected graph, ``{"graph", "source",
"findings", "triples"}`` (``triples``: the graph as N-Triples), appended and fsynced as the run
meets them; a graph an earlier run keeps with the same triples and findings is a reference to
it (:mod:`scholarkg.quarantine_lines`). Before: a folder per graph
(``graphs/<IRI's tail>-<hash>/graph.nt`` and ``findings.json``), written in place, so a bad
input made thousands of folders and a kill mid-write left a torn file. :func:`read_rejected`
reads both layouts back, each graph once; what it cannot read it skips with a note.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scholarkg.quarantine import run_folder
from scholarkg.quarantine_lines import entry_line, keep, read_entries
from scholarkg.transform import Triple
from scholarkg.validate import Finding

GRAPHS_FILE = "graphs.jsonl"


@dataclass(frozen=True)
class RejectedGraph:
    """A graph the gate rejected: its IRI, where it came from, its findings and its triples."""

    graph: str
    source: str | None
    findings: list[dict[str, Any]]
    ntriples: str

    def key(self) -> str:
        """What two copies of one rejected graph share."""
        return json.dumps([self.graph, self.source, self.findings, self.ntriples])


@dataclass
class Rejected:
    """What a quarantine folder keeps of rejected graphs: each once, and notes on the rest."""

    graphs: list[RejectedGraph] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def graphs_file(root: Path, run_id: str) -> Path:
    """``root/graphs/<run id>/graphs.jsonl``."""
    return root / "graphs" / run_folder(run_id) / GRAPHS_FILE


def quarantine_graph(
    root: Path,
    run_id: str,
    iri: str,
    triples: Iterable[Triple],
    findings: Iterable[Finding],
    source: str | None,
) -> Path:
    """Append a rejected graph (N-Triples) and its findings to run ``run_id``'s file under
    ``root/graphs``; returns the file."""
    return quarantine_graphs(root, run_id, [(iri, triples, findings, source)])


def quarantine_graphs(
    root: Path,
    run_id: str,
    graphs: Iterable[tuple[str, Iterable[Triple], Iterable[Finding], str | None]],
) -> Path:
    """Append rejected graphs ((IRI, triples, findings, source) each) to run ``run_id``'s file
    under ``root/graphs`` in one write; returns the file."""
    entries = []
    for iri, triples, findings, source in graphs:
        entry = {
            "graph": iri,
            "source": source,
            "findings": [f.__dict__ for f in findings],
            "triples": "".join(f"{s} {p} {o} .\n" for s, p, o in triples),
        }
        entries.append((entry_line(entry), {"graph": iri, "source": source}))
    path = graphs_file(root, run_id)
    if entries:
        keep(path.parent.parent, path.parent.name, GRAPHS_FILE, entries, what="rejected graph")
    return path


def entry_graph(data: object) -> RejectedGraph | None:
    """The rejected graph a line's JSON value holds; ``None``: it is not a whole one."""
    if not isinstance(data, dict) or set(data) != {"graph", "source", "findings", "triples"}:
        return None
    graph, source, findings, text = (data[k] for k in ("graph", "source", "findings", "triples"))
    ok = isinstance(graph, str) and isinstance(text, str) and isinstance(findings, list)
    if not ok or not (source is None or isinstance(source, str)):
        return None
    return RejectedGraph(graph, source, findings, text)


def _old(folder: Path, notes: list[str]) -> Iterator[RejectedGraph]:
    """The graphs of the layout before: a folder per graph, ``graph.nt`` and ``findings.json``."""
    old = [p for p in sorted(folder.glob("*")) if p.is_dir() and not (p / GRAPHS_FILE).exists()]
    for kept in old:
        try:
            summary = json.loads((kept / "findings.json").read_text(encoding="utf-8"))
            text = (kept / "graph.nt").read_text(encoding="utf-8")
        except (OSError, ValueError) as exc:
            notes.append(f"{kept}: not a whole rejected graph ({exc}): skipped")
            continue
        graph = entry_graph({**summary, "triples": text}) if isinstance(summary, dict) else None
        if graph is None:
            notes.append(f"{kept}: not a whole rejected graph: skipped")
        else:
            yield graph


def _kept(root: Path, notes: list[str]) -> Iterator[RejectedGraph]:
    folder = root / "graphs"
    yield from _old(folder, notes)
    for path, number, data in read_entries(folder, GRAPHS_FILE, notes):
        graph = entry_graph(data)
        if graph is None:
            notes.append(
                f"{path}:{number}: not a whole rejected graph (a write cut short?): skipped"
            )
        else:
            yield graph


def read_rejected(root: Path) -> Rejected:
    """Every rejected graph kept under ``root/graphs``, in either layout, each once (a graph a
    later run rejected again alike is the same graph), in file order."""
    found = Rejected()
    seen: set[str] = set()
    for graph in _kept(root, found.notes):
        if graph.key() not in seen:
            seen.add(graph.key())
            found.graphs.append(graph)
    return found
