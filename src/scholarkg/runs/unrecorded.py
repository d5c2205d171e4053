"""A run an unfinished mark names, as the store and the run history hold it: the graphs that
name it, its own report if it wrote one, and the manifest rows taken again when its record
is written (:mod:`scholarkg.runs.killed`)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from scholarkg.load.contents import take_from_store
from scholarkg.load.manifest import open_manifest
from scholarkg.load.uncommitted import retake_uncommitted
from scholarkg.provenance import run_graph_iri
from scholarkg.runs.quarantine_tally import QuarantineTally
from scholarkg.runs.report import RunReport
from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref

if TYPE_CHECKING:
    from scholarkg.runs.context import RunContext

_NAMING = (
    "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?g "
    "<http://www.w3.org/ns/prov#wasGeneratedBy> {run} }} }}"
)


@dataclass(frozen=True)
class UnrecordedRun:
    """A run found unfinished: its IRI, job, start and configuration (as far as its mark
    says), and the graphs of the store that name it."""

    iri: str
    job: str
    started_at: dt.datetime
    config_hash: str
    software_version: str
    graphs: int

    @classmethod
    def of_mark(cls, iri: str, mark: dict[str, Any], graphs: int) -> UnrecordedRun:
        """The run ``iri`` as its unfinished mark describes it."""
        return cls(
            iri,
            str(mark.get("job") or "run"),
            _started(mark, iri),
            str(mark.get("config_hash") or ""),
            str(mark.get("software_version") or ""),
            graphs,
        )


def naming_count(store: GraphStore, iri: str) -> int:
    """How many graphs of ``store`` name run ``iri`` as their origin."""
    rows = store.query(_NAMING.format(run=iri_ref(iri)), union=False)
    graphs = 0
    if isinstance(rows, ox.QuerySolutions):
        for row in rows:
            count = row["n"]
            graphs = int(count.value) if isinstance(count, ox.Literal) else 0
    return graphs


def unrecorded(store: GraphStore, marked: tuple[str, dict[str, Any]]) -> UnrecordedRun | None:
    iri, mark = marked
    graph = run_graph_iri(iri)
    if store.graph_sizes([graph]).get(graph):
        return None  # it wrote its record (stopped, or cut short by a full disk)
    graphs = naming_count(store, iri)
    if not graphs:
        return None  # it wrote nothing: nothing names it
    return UnrecordedRun.of_mark(iri, mark, graphs)


def own_report(ctx: RunContext, iri: str) -> RunReport | None:
    """The report the run wrote itself, if it did (it ended, but its record was refused)."""
    tail = iri.rsplit("-", 1)[-1]
    names = {f.name for f in fields(RunReport)}
    for path in sorted(ctx.config.reports_dir.glob(f"*-{tail}.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("run_iri") == iri:
            report = RunReport(**{k: v for k, v in data.items() if k in names})
            report.quarantined = QuarantineTally.read(data)
            return report
    return None


def note_in_manifest(
    ctx: RunContext, store: GraphStore, graph: str, killed: str | None = None
) -> None:
    """Take ``graph`` as the store now holds it into the manifest (the dump is built from it);
    ``killed``: a run killed outright, whose graphs written after its last commit are taken
    again too (:func:`~scholarkg.load.uncommitted.retake_uncommitted`)."""
    manifest = open_manifest(ctx.config)
    try:
        take_from_store(manifest.contents, store, graph, counted=True)
        manifest.commit()
        if killed is not None:
            retake_uncommitted(manifest, store, killed)
    finally:
        manifest.close()


def parsed_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _started(mark: dict[str, Any], iri: str) -> dt.datetime:
    """When the run started: its mark says so, or its IRI (``…/run/20261204T183335Z-…``)."""
    started = parsed_time(str(mark.get("started_at") or ""))
    if started is not None:
        return started
    stamp = iri.rsplit("/", 1)[-1].split("-", 1)[0]
    try:
        return dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return dt.datetime.fromtimestamp(0, dt.UTC)
