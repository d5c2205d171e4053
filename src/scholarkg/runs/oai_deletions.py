"""Records an OAI-PMH harvest lists as deleted: their graphs dropped, their authorships
withdrawn, their titles out of the index, the deletion remembered, and the profiles listing
them built again by the next run."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from scholarkg.incremental import SourceStates
from scholarkg.runs.context import RunContext
from scholarkg.runs.loading import Loading
from scholarkg.shown_text import some
from scholarkg.store.sparql_text import iri_ref


def drop_deleted(
    ctx: RunContext, loading: Loading, deleted: list[tuple[str, dt.date | None]]
) -> None:
    """Records the source lists as deleted ``(arXiv id, datestamp)``: their graphs go, their
    authorships are withdrawn from their persons, their titles leave the index, and the
    deletion is remembered (an older state from another door is withheld); read and counted
    as deleted."""
    if not deleted or loading.failed is not None:  # the store failed: the page is listed again
        return
    ids = [arxiv_id for arxiv_id, _ in deleted]
    graphs = [str(ctx.minter.arxiv_graph(i)) for i in ids]
    loading.drop(graphs)
    if loading.failed is not None:  # the graphs stay, and so does all else: listed again
        return
    ctx.identity.retract(graphs, "was deleted by its source (OAI-PMH)")
    ctx.index.remove(ids)
    ctx.deletions.mark(deleted)
    ctx.versions.forget(ids)  # an older version dated after the deletion is the record back
    ctx.report.records_read += len(ids)
    ctx.report.records_deleted += len(ids)
    listing = _profiles_listing(ctx, [str(ctx.minter.paper_by_arxiv(i)) for i in ids])
    if listing:
        ctx.report.warnings.append(
            f"{len(listing)} profiles list a paper their source deleted; the next `scholarkg "
            f"run` builds them again without it: {some(listing)}"
        )


def _profiles_listing(ctx: RunContext, papers: list[str]) -> list[str]:
    """Forget the profile sources whose graphs state one of ``papers`` (so the next build
    resolves them again); returns their locations."""
    sources = SourceStates(ctx.config)
    built = sources.graphs()
    if not built:
        return []
    values = " ".join(iri_ref(p) for p in papers)
    query = (
        f"SELECT DISTINCT ?g WHERE {{ VALUES ?paper {{ {values} }} "
        "GRAPH ?g { { ?paper ?p ?o } UNION { ?s ?p ?paper } } }"
    )
    rows = ctx.store.query(query, union=False)
    assert isinstance(rows, ox.QuerySolutions)
    listing = {str(row[0].value) for row in rows} & built
    return sources.forget_graphs(listing)
