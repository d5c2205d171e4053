"""The fetch job: e-prints by arXiv id through the API, one record per paper, loaded graph by
graph on the one pipeline (:class:`~scholarkg.runs.records.Ingest`)."""

from __future__ import annotations

from collections.abc import Sequence

from scholarkg.clients import arxiv_api_client
from scholarkg.config import Config
from scholarkg.errors import WriteFailed
from scholarkg.extract.arxiv_copies import OnePerPaper
from scholarkg.extract.arxiv_ids import not_an_id
from scholarkg.lifecycle import Interrupted
from scholarkg.models import ArxivRecord
from scholarkg.runs.build import finish
from scholarkg.runs.context import ProgressSink, RunContext
from scholarkg.runs.cut_short import stop_run
from scholarkg.runs.door_records import keep_quarantined, touch_papers
from scholarkg.runs.loading import Loading
from scholarkg.runs.records import Ingest, chunks_of
from scholarkg.shown_text import shown_word, some


def fetch_ids(
    config: Config, ids: list[str], *, progress: ProgressSink | None = None
) -> RunContext:
    """Fetch e-prints by id through the API and load them; ids arXiv has no record of, and
    strings that are no arXiv id (not sent), are failures, each told as what it is. A batch
    that fails ends the lookup: the batches before it are loaded, the failure is one line
    naming its URL and the ids not fetched (before: an error, nothing loaded)."""
    with RunContext(config, "fetch", progress=progress) as ctx:
        loading = Loading(ctx)
        client = arxiv_api_client(config)
        try:
            try:
                result = client.fetch_by_ids(ids, batch_size=config.arxiv.batch_size, partial=True)
            finally:
                client.http.close()
            ctx.report.warnings += client.warnings  # answers cut at max_results
            loading.pending_first()
            ingest = Ingest(ctx, loading, workers=0)
            keep_quarantined(ctx, result.quarantined)
            records = _one_per_paper(ctx, result.records)
            for index, batch in enumerate(chunks_of(records, 200)):
                ingest.submit_records(index, batch)
            ingest.close()
            ctx.report.requests["id lookups"] = len(result.archived)
            for arxiv_id in result.missing:
                ctx.report.failures.append((arxiv_id, "arXiv returned no such record"))
            if result.problem is not None:  # the batches before it are loaded
                left = f"{len(result.not_fetched)} ids not fetched: {some(result.not_fetched)}"
                ctx.report.failures.append(("arXiv API", f"{result.problem}; {left}"))
            for text in result.invalid:  # never sent: arXiv was not asked
                told = shown_word(text)  # before: whole, a line break or ESC as typed
                ctx.report.failures.append((told, f"{not_an_id(text)} (not asked)"))
            touch_papers(ctx, [r.arxiv_id for r in records])
            finish(ctx, loading)
        except (Interrupted, WriteFailed) as exc:  # stopped, or a full disk: reported
            stop_run(ctx, loading, exc)
        return ctx


def _one_per_paper(ctx: RunContext, records: Sequence[ArxivRecord]) -> list[ArxivRecord]:
    """One record per paper: ids asked in several versions (``2104.12255v1`` and ``2104.12255``)
    are one paper with one graph, so the newest version found is read and loaded (counted once,
    as the store holds it) and a note tells which were left (the rule a paged search keeps:
    :class:`~scholarkg.extract.arxiv_copies.OnePerPaper`)."""
    papers = OnePerPaper()
    for record in records:
        papers.take(record)
    if papers.left:  # copies alike (one version asked twice over) are one record: no note
        ctx.report.notes.append(
            f"{papers.copies} records were older versions of a paper also found in a newer version "
            f"(one graph a paper, the newest loaded, counted once): {some(papers.left)}"
        )
    return list(papers.records.values())
