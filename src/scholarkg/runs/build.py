"""The build job: profile pages → resolution → identity → graphs → gate → load.

Stages, each a plain function (flows run the first two as concurrent tasks):

1. :func:`~scholarkg.runs.profile_sources.fetch_source` — fetch and archive one page,
   conditionally (I/O).
2. :func:`~scholarkg.runs.profile_sources.prepare` — parse the archived page and resolve its
   papers to arXiv (I/O, any worker).
3. :func:`~scholarkg.runs.profile_step.build_profile` — in the run's process: the profile's
   identity, its graphs through the gate (a violation quarantines the paper it concerns, not the
   profile), the arXiv records resolution fetched, and their identity decisions.
4. :func:`finish` — load, person graphs, consistency check, run record, publication, report.

:func:`build` runs all of it in one process (tests, scripts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from scholarkg.config import Config
from scholarkg.errors import ScholarKGError, WriteFailed
from scholarkg.incremental import Fetched, up_to_date
from scholarkg.lifecycle import Interrupted
from scholarkg.runs.close import close_run
from scholarkg.runs.context import RunContext
from scholarkg.runs.cut_short import stop_run
from scholarkg.runs.identity_step import finish_identity
from scholarkg.runs.loading import Loading
from scholarkg.runs.profile_sources import Prepared, fetch_source, prepare
from scholarkg.runs.profile_step import build_profile
from scholarkg.runs.state_paths import title_index_path

if TYPE_CHECKING:
    from scholarkg.runs.records import Ingest


def unchanged_sources(ctx: RunContext, fetched: Sequence[Fetched]) -> set[str]:
    """Sources whose bytes the store already holds, built the same way, with no unresolved
    paper the title index may resolve now."""
    try:
        revision = ctx.index.revision if title_index_path(ctx.config).exists() else 0
        return up_to_date(ctx.store, list(fetched), ctx.config, revision)
    except ScholarKGError:
        return set()


def finish(ctx: RunContext, loading: Loading, workers: Ingest | None = None) -> None:
    """Person graphs (made in the ``workers``' processes, if given, which end then: what the
    run closes with, publishing included, needs none), then everything a run closes with."""
    finish_identity(ctx, loading, None if workers is None else workers.pool)
    if workers is not None:
        workers.close()
    loading.settle_superseded()
    close_run(ctx, loading)


def build(config: Config, locations: Sequence[str] | None = None) -> RunContext:
    """The whole build job in this process (the flow runs the same stages as tasks)."""
    sources = list(dict.fromkeys([*config.profiles, *(locations or [])]))
    with RunContext(config, "build") as ctx:
        loading = Loading(ctx)
        try:
            loading.pending_first()
            fetched: list[Fetched] = []
            for location in sources:
                ctx.check_stop()
                try:
                    fetched.append(fetch_source(location, config))
                except ScholarKGError as exc:
                    ctx.report.failures.append((location, str(exc)))
            build_fetched(ctx, loading, fetched, lambda f: prepare(f, config))
            finish(ctx, loading)
        except (Interrupted, WriteFailed) as exc:  # stopped, or a full disk: reported
            stop_run(ctx, loading, exc)
        return ctx


def distinct_sources(ctx: RunContext, fetched: Sequence[Fetched]) -> list[Fetched]:
    """One source per content: the same bytes from two paths are one profile (noted)."""
    seen: dict[str, str] = {}
    out: list[Fetched] = []
    for item in fetched:
        if item.sha256 in seen:
            ctx.report.notes.append(
                f"{item.location}: same page as {seen[item.sha256]} (built once)"
            )
            continue
        seen[item.sha256] = item.location
        out.append(item)
    return out


def build_fetched(
    ctx: RunContext,
    loading: Loading,
    fetched: Sequence[Fetched],
    prepare_one: Callable[[Fetched], Prepared],
) -> None:
    """Skip what the store holds; prepare and build the rest, one profile at a time."""
    todo = distinct_sources(ctx, fetched)
    unchanged = unchanged_sources(ctx, todo)
    ctx.report.sources_unchanged += sorted(unchanged)
    for item in todo:
        if item.location in unchanged:
            continue
        ctx.check_stop()
        try:
            prepared = prepare_one(item)
        except ScholarKGError as exc:
            ctx.report.failures.append((item.location, str(exc)))
            continue
        build_profile(ctx, prepared, loading)
