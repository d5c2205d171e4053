"""A run that ended without a word (SIGKILL, a crash, the power lost) leaves its unfinished mark
(``run-unfinished.json``) and graphs that name it as their origin, but no record of it and no
report. The next run that opens the store writes both for it: its record (a
``skg:PipelineRun`` with outcome ``failed``, its start, and no end, which nobody knows; the
counts of what it committed) and its report in the run history (``interrupted: killed …``,
what it committed: :mod:`scholarkg.runs.killed_counts`); its own report notes that it goes on
from there. A run whose store refused its record (a full disk) left its report: its record is
written from that report. So nothing in the store names a run that has no record."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import PROV

from scholarkg.iris import SKG
from scholarkg.load.contents import take_from_store
from scholarkg.load.manifest import open_manifest
from scholarkg.load.uncommitted import retake_uncommitted
from scholarkg.provenance import RUN_COUNTS, RunInfo, run_graph_iri, run_record
from scholarkg.runs.killed_counts import committed_counts
from scholarkg.runs.quarantine_tally import QuarantineTally
from scholarkg.runs.report import RunReport
from scholarkg.store.base import GraphStore
from scholarkg.store.sparql_text import iri_ref

if TYPE_CHECKING:
    from scholarkg.runs.context import RunContext

KILLED = "killed: it ended without a record (SIGKILL, a crash or the power lost)"
KILLED_IN_PUBLICATION = (
    "killed in its publication, after its record (SIGKILL, a crash or the power lost): "
    "its dumps and VoID were left unfinished"
)
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


def unfinished_mark(ctx: RunContext) -> dict[str, Any]:
    """What a run writes in its unfinished mark when it opens the store."""
    store = ctx.config.store
    return {
        "run": ctx.run.iri,
        "store": str(store.query_url) if store.kind == "sparql" else str(store.path),
        "job": ctx.job,
        "started_at": ctx.run.started_at.isoformat(),
        "config_hash": ctx.run.config_hash,
        "software_version": ctx.run.software_version,
    }


def record_killed_run(ctx: RunContext, store: GraphStore) -> UnrecordedRun | None:
    """Write the record of the run the unfinished mark names, when graphs of ``store`` name it
    and no record of it is there, and its report when it left none (a run whose store refused
    its record left one: the record is written from it); the run found, or ``None``. A run
    killed after its record (in its publication) has its record made ``failed``. A mark kept
    for another store whose run this store's graphs name is this store's, moved (with its
    data directory, say) since: it is taken too."""
    found = _record(ctx, store, _mark(ctx))
    for path, marked in _other_marks(ctx):
        if _record(ctx, store, marked) is not None:
            path.unlink(missing_ok=True)
            ctx.unfinished = True  # its publication is to be done again here
    return found


def _record(
    ctx: RunContext, store: GraphStore, marked: tuple[str, dict[str, Any]] | None
) -> UnrecordedRun | None:
    if marked is None:
        return None
    found = _unrecorded(store, marked)
    if found is None:
        return _killed_after_its_record(ctx, store, marked)
    info = RunInfo(found.iri, found.started_at, found.config_hash, found.software_version)
    own = _own_report(ctx, found.iri)
    report = own or RunReport(found.job, found.iri, started_at=found.started_at.isoformat())
    if own is None:
        committed_counts(ctx.config, store, report)
        report.interrupted = f"{KILLED}; found by run {ctx.run.iri}, which goes on from it"
    ended = _time(report.finished_at)
    record = run_record(
        info, ended_at=ended or found.started_at, outcome=report.outcome, counts=report.counts()
    )
    subject = URIRef(found.iri)
    if ended is None:  # when it ended, nobody knows
        record.remove((subject, PROV.endedAtTime, None))
    if not found.config_hash:  # a mark from before they were written in it
        record.remove((subject, SKG.configHash, None))
    if not found.software_version:
        record.remove((subject, SKG.softwareVersion, None))
    store.replace_graph(info.graph_iri, record)
    _note_in_manifest(ctx, store, info.graph_iri, None if own else found.iri)
    if own is not None:
        ctx.report.notes.append(
            f"run <{found.iri}> wrote {found.graphs} graphs but not its record (its store "
            f"refused it): its record (outcome {report.outcome}) written from its report, and "
            "this run goes on from it"
        )
        return found
    report.run_graphs["run record"] = len(record)
    ctx.config.reports_dir.mkdir(parents=True, exist_ok=True)
    report.write_json(ctx.config.reports_dir)
    ctx.report.notes.append(
        f"run <{found.iri}> {KILLED.removeprefix('killed: it ')}: {found.graphs} graphs name it; "
        "its record (outcome failed) and report written, and this run goes on from it"
    )
    return found


def _killed_after_its_record(
    ctx: RunContext, store: GraphStore, marked: tuple[str, dict[str, Any]]
) -> UnrecordedRun | None:
    """The run the mark names wrote its record (outcome as it was then, ``ok`` say) but no
    report: it was killed after, in its publication (its dumps and VoID, which this run writes
    again in full). Its record's outcome becomes ``failed`` with no end (nobody knows it), its
    report is written (with the counts its record states), and this run's report says so
    (before: the record said ``ok`` and nothing told of the cut publication)."""
    iri, fields_ = marked
    graph = run_graph_iri(iri)
    held = store.triples_in(graph)
    subject = iri_ref(iri)
    said = [o for s, p, o in held if s == subject and p == iri_ref(SKG.outcome)]
    if not said or said == ['"failed"'] or _own_report(ctx, iri) is not None:
        return None  # no record, already failed, or it ended and reported (stopped)
    dropped = {iri_ref(SKG.outcome), iri_ref(PROV.endedAtTime)}
    lines = [f"{s} {p} {o} ." for s, p, o in sorted(held) if p not in dropped]
    lines.append(f'{subject} {iri_ref(SKG.outcome)} "failed" .')
    store.replace_graph_ntriples(graph, "\n".join(lines) + "\n")
    _note_in_manifest(ctx, store, graph)
    naming = _naming(store, iri)
    found = UnrecordedRun.of_mark(iri, fields_, naming)
    report = RunReport(found.job, iri, started_at=found.started_at.isoformat())
    for name, count in _recorded_counts(held, subject).items():  # as its record says
        setattr(report, name, count)
    report.graphs_written = naming
    report.run_graphs["run record"] = len(lines)
    report.interrupted = (
        f"{KILLED_IN_PUBLICATION}; found by run {ctx.run.iri}, which publishes again"
    )
    ctx.config.reports_dir.mkdir(parents=True, exist_ok=True)
    report.write_json(ctx.config.reports_dir)
    ctx.report.notes.append(
        f"run <{iri}> was killed in its publication, after its record (outcome "
        f"{said[0].strip(chr(34))}): its record now says failed, its report is written, and this "
        "run publishes everything again"
    )
    return found


_RECORDED = {"graphs_unchanged", "graphs_removed", "triples_added", "triples_removed"}


def _recorded_counts(held: set[tuple[str, str, str]], subject: str) -> dict[str, int]:
    """The report's counts a run's record states (``held``: its triples, N-Triples terms)."""
    names = {iri_ref(prop): key for key, prop in RUN_COUNTS.items() if key in _RECORDED}
    found = {}
    for s, p, o in held:
        if s == subject and p in names:
            with contextlib.suppress(ValueError):
                found[names[p]] = int(o.split('"')[1])
    return found


def _note_in_manifest(
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


def _own_report(ctx: RunContext, iri: str) -> RunReport | None:
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


def _time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _other_marks(ctx: RunContext) -> list[tuple[Path, tuple[str, dict[str, Any]]]]:
    """The marks kept for other stores, with the run each names and its fields."""
    own, found = ctx.unfinished_mark, []
    for path in sorted(own.parent.glob("*.json")):
        if path.name == own.name:
            continue
        try:
            mark = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        iri = mark.get("run") if isinstance(mark, dict) else None
        if isinstance(iri, str) and iri != ctx.run.iri and "/run/" in iri:
            found.append((path, (iri, mark)))
    return found


def other_marks(ctx: RunContext) -> bool:
    """Whether marks are kept for other stores (one may be this store's, moved)."""
    return bool(_other_marks(ctx))


def unfinished_elsewhere(ctx: RunContext) -> list[str]:
    """One line per run left unfinished in another store (its mark kept for that store): a
    run into it writes its record (before: the one mark was taken by the next run into any
    store, and a killed run's record was never written when the configuration had switched
    stores since)."""
    return [
        f"run <{iri}> into {mark.get('store') or 'another store'} did not finish (its mark: "
        f"{path}): the next run into that store writes its record and publishes it again"
        for path, (iri, mark) in _other_marks(ctx)
    ]


def _mark(ctx: RunContext) -> tuple[str, dict[str, Any]] | None:
    """The run this store's unfinished mark names (not this one) and the mark's fields (an
    older version's one mark for every store is taken as this store's)."""
    for path in (ctx.unfinished_mark, ctx.older_mark):
        try:
            mark = json.loads(path.read_text(encoding="utf-8"))
            break
        except (OSError, ValueError):
            continue
    else:
        return None
    iri = mark.get("run") if isinstance(mark, dict) else None
    if not isinstance(iri, str) or iri == ctx.run.iri or "/run/" not in iri:
        return None
    return iri, mark


def _naming(store: GraphStore, iri: str) -> int:
    """How many graphs of ``store`` name run ``iri`` as their origin."""
    rows = store.query(_NAMING.format(run=iri_ref(iri)), union=False)
    graphs = 0
    if isinstance(rows, ox.QuerySolutions):
        for row in rows:
            count = row["n"]
            graphs = int(count.value) if isinstance(count, ox.Literal) else 0
    return graphs


def _unrecorded(store: GraphStore, marked: tuple[str, dict[str, Any]]) -> UnrecordedRun | None:
    iri, mark = marked
    graph = run_graph_iri(iri)
    if store.graph_sizes([graph]).get(graph):
        return None  # it wrote its record (stopped, or cut short by a full disk)
    graphs = _naming(store, iri)
    if not graphs:
        return None  # it wrote nothing: nothing names it
    return UnrecordedRun.of_mark(iri, mark, graphs)


def _started(mark: dict[str, Any], iri: str) -> dt.datetime:
    """When the run started: its mark says so, or its IRI (``…/run/20261204T183335Z-…``)."""
    started = _time(str(mark.get("started_at") or ""))
    if started is not None:
        return started
    stamp = iri.rsplit("/", 1)[-1].split("-", 1)[0]
    try:
        return dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return dt.datetime.fromtimestamp(0, dt.UTC)
