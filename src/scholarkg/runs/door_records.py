"""What the API and OAI-PMH jobs note on the run for what a door read: the records it
quarantined (kept, and counted as read) and the papers its records touched."""

from __future__ import annotations

from collections.abc import Sequence

from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine import quarantine_records
from scholarkg.runs.context import RunContext


def keep_quarantined(ctx: RunContext, records: Sequence[QuarantinedRecord]) -> None:
    """Records a door read but could not use (a bad field): kept under quarantine and counted
    as read, as the snapshot door counts its lines (read = loaded + rejected + quarantined)."""
    quarantine_records(records, ctx.config.quarantine_dir, ctx.run_id)
    ctx.report.quarantined += [q.describe() for q in records]
    ctx.report.records_read += len(records)  # read, not loaded


def touch_papers(ctx: RunContext, ids: list[str]) -> None:
    """Mark the papers of ``ids`` (arXiv ids) as touched by the run."""
    ctx.touched_papers.update(str(ctx.minter.paper_by_arxiv(i)) for i in ids)
