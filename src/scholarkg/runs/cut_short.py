"""Ending a run cut short: stopped (SIGINT, SIGTERM), unable to write a file it keeps its
state in (a full disk), or left by a worker process that died (:class:`WorkerLost`). A run that
ends normally closes in :mod:`scholarkg.runs.close`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from contextlib import closing
from typing import TYPE_CHECKING

from scholarkg.errors import ScholarKGError, WorkerLost, WriteFailed
from scholarkg.lifecycle import Interrupted
from scholarkg.runs.close import quad_count, write_report, write_run_record
from scholarkg.runs.context import RunContext
from scholarkg.runs.loading import Loading
from scholarkg.runs.report import now_iso

if TYPE_CHECKING:
    from scholarkg.runs.records import Job


def stop_run(
    ctx: RunContext, loading: Loading, exc: Interrupted | WriteFailed | WorkerLost
) -> None:
    """A run asked to stop, cut short by a file it keeps its state in that it could not write
    (a full disk), or left by a worker process that died: a bulk segment in progress is not
    committed (its chunks are redone next time; what the store took of it is counted), graphs
    already written stay, nothing is published (the next run publishes everything and
    checkpoints: it may find the graphs written here unchanged); the report says so. A stop or
    a lost worker keeps every identity decision (persons whose graphs were not written yet stay
    due for the next run); a failed write keeps none of this run's (the registry may be what
    failed): no source is remembered as built, so the next run decides them again. A run that
    wrote graphs writes its record (outcome ``failed``), the activity those graphs name as
    their origin."""
    report = ctx.report
    ctx.count_pyshacl_graphs()
    if isinstance(exc, Interrupted):
        report.interrupted = str(exc)
    else:
        report.run_error = str(exc)
    loading.abort()
    with contextlib.suppress(ScholarKGError):
        loading.close()
    if not isinstance(exc, WriteFailed) and ctx.has_registry:
        ctx.registry.commit()
    if report.changed_anything and ctx.has_store and report.store_error is None:
        try:  # the graphs written name this run as their origin: its record says how it ended
            write_run_record(ctx)
        except ScholarKGError as unwritten:
            report.warnings.append(f"the run record could not be written: {unwritten}")
    report.finished_at = now_iso()
    if isinstance(exc, WriteFailed):
        report.store_quads = quad_count(ctx) if ctx.has_store else None
    else:
        report.store_quads = _held_after_a_stop(ctx)
    write_report(ctx)


def lines_in_flight(pending: Iterable[Job]) -> int:
    """The records of the snapshot chunks still in flight when a run is cut short: read, then
    dropped with the workers (the next run reads them again), so its report counts them read
    (before: a stopped load whose chunks were all with the workers said 0 read). A record is
    every line but a blank one (``SnapshotLine.blank``), as a worker counts a chunk it reads
    (before: a chunk's blank lines were counted read too, by a stopped run alone)."""
    return sum(not line.blank for job in pending for line in job.lines or ())


def _held_after_a_stop(ctx: RunContext) -> int | None:
    """The quads the store holds, for a stopped run's summary, as a finished run says them: an
    embedded or file store is counted (opened read-only if the run had not opened it yet); a
    SPARQL store is not asked (a request after a stop is cut off at once: never a count), and
    the summary says so."""
    if ctx.report.store_error is not None:
        return None
    if ctx.config.store.kind == "sparql":
        ctx.report.store_uncounted = "a SPARQL store is not asked after a stop"
        return None
    if ctx.has_store:
        return quad_count(ctx)
    try:
        with closing(ctx.config.store.open(read_only=True)) as store:
            return store.quad_count()
    except (ScholarKGError, OSError):  # no store yet (a first run stopped before loading)
        return None
