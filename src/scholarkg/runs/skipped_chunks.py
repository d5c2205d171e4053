"""A chunk the store holds as loaded before, unchanged since: reported as it was reported then."""

from __future__ import annotations

import json
from collections.abc import Sequence

from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.load.manifest import ChunkCounts
from scholarkg.quarantine import quarantine_records
from scholarkg.runs.chunk_work import ChunkResult
from scholarkg.runs.context import RunContext


def report_skipped(
    ctx: RunContext,
    result: ChunkResult,
    source: str,
    lines: Sequence[SnapshotLine],
    known: tuple[ChunkCounts, list[tuple[str, str]]],
) -> None:
    """Its counts, its quarantined lines and rejected graphs again (named when they can be told
    without the gate); ``known``: its stored counts and the graphs it loaded."""
    report = ctx.report
    counts, graphs = known
    report.records_read += counts.records
    report.records_loaded += counts.loaded
    report.graphs_unchanged += len(graphs)
    report.triples_gated += counts.triples  # gated when the chunk was loaded
    if ctx.progress is not None:
        ctx.progress(report.records_read)
    where = f"{source}:{lines[0].number}-{lines[-1].number}"
    kept = ctx.config.quarantine_dir
    quarantine_records(result.quarantined, kept, ctx.run_id)
    report.quarantined += [q.describe() for q in result.quarantined]
    untold = max(counts.quarantined - len(result.quarantined), 0)  # told by the emitter
    report.quarantined += [
        f"{where}: {n} of {untold} lines quarantined when this chunk was loaded "
        f"(unchanged since, skipped; see {kept / 'records'})"
        for n in range(1, untold + 1)
    ]
    loaded = {iri for iri, _ in graphs}
    rejected = [
        iri
        for iri in (str(ctx.minter.arxiv_graph(arxiv_id)) for arxiv_id, _ in result.ids)
        if iri not in loaded
    ]
    if untold or len(rejected) != counts.rejected:
        rejected = [
            f"{where}: {n} of {counts.rejected} graphs rejected when this chunk was loaded "
            f"(unchanged since, skipped; see {kept / 'graphs'})"
            for n in range(1, counts.rejected + 1)
        ]
    report.rejected += rejected
    report.findings += json.loads(counts.findings) if counts.findings else []
