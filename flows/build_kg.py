"""``build_kg``: the build job (``scholarkg.runs.build``) with Prefect around it.

Fetching (the HTTP client retries) and preparing (parse + resolve) run as tasks on the
configured task runner, each task a batch of up to ``[runner] sources_per_task`` sources, at
most two batches a worker in flight (:mod:`scholarkg_flows.batches`), so profiles are fetched
and resolved concurrently in a bounded number of task runs; building, loading and closing the
run happen in the flow's own process, in source order, through the same library functions the
CLI and the tests call. The flow run ends Cancelled when the run was stopped (a Cancel in
Prefect, SIGTERM, Ctrl-C), Failed when the run failed, and Completed (named "Partial" when
something was refused or quarantined) otherwise. A Completed run's result is its report; a
stopped or failed one's is a :class:`~scholarkg.errors.RunStopped` /
:class:`~scholarkg.errors.RunFailed` holding it (``.report``), which calling ``build_kg(...)``
raises.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.states import Cancelled, Completed, Failed
from scholarkg_flows.arxiv_limit import RateLimitHook, arxiv_rate_limit
from scholarkg_flows.batches import BatchStop, batch_size, batched_results, in_batches, run_going
from scholarkg_flows.reporting import publish_artifacts, stop_cleanly
from scholarkg_flows.run_end import failure_reason, mark_ended, refused
from scholarkg_flows.runners import dask_client, runner_label, task_runner_for, workers_of

from scholarkg.config import Config, load_config
from scholarkg.errors import RunFailed, RunStopped, ScholarKGError, WriteFailed
from scholarkg.incremental import Fetched
from scholarkg.lifecycle import Interrupted, check_stop
from scholarkg.runs.build import distinct_sources, finish, unchanged_sources
from scholarkg.runs.context import RunContext
from scholarkg.runs.cut_short import stop_run
from scholarkg.runs.loading import Loading
from scholarkg.runs.profile_sources import Prepared, fetch_source, prepare
from scholarkg.runs.profile_step import build_profile
from scholarkg.runs.report import RunReport


def load_run_config(
    config_path: str | None, store_path: str | None, settings: list[str] | None = None
) -> Config:
    """The run's config: the file, the environment and ``settings`` (``--set``'s
    ``SECTION.KEY=VALUE``) over it, with the store directory given. A problem with a setting
    names ``settings``, the parameter a deployment or a run gave it in (before: ``--set``,
    which no worker's run is given); one with the store directory, ``store_path``."""
    config = load_config(
        Path(config_path) if config_path else None, settings or (), option="settings"
    )
    return config.with_store_path(Path(store_path) if store_path else None, option="store_path")


T = TypeVar("T")
R = TypeVar("R")

TASK_CANCELLED = (
    "the task runner cancelled this source's task (a Dask scheduler restart or a lost "
    "connection to it does that); run again"
)


@dataclass(frozen=True)
class SourceFailed:
    """A source that could not be used: one line, reported, never a task traceback."""

    location: str
    message: str


@dataclass(frozen=True)
class TaskStopped:
    """A task the run's stop cut short (SIGTERM, SIGINT, a Cancel in Prefect while it read):
    the stop's one-line reason, raised again in the flow (:func:`settled`), never a task
    failure with a traceback in the run's log."""

    message: str


def fetch_one(location: str, config: Config) -> Fetched | SourceFailed | TaskStopped:
    """I/O: fetch and archive one profile page (conditionally when loaded before). The HTTP
    client retries what is worth retrying; a source that still fails is a result, not a crash."""
    try:
        return fetch_source(location, config)
    except ScholarKGError as exc:
        return SourceFailed(location, str(exc))
    except Interrupted as exc:
        return TaskStopped(str(exc))


def prepare_one(
    fetched: Fetched, config: Config, rate_limit: RateLimitHook | None
) -> Prepared | SourceFailed | TaskStopped:
    """I/O: parse the page and resolve its papers (store first, then arXiv; degrades)."""
    try:
        return prepare(fetched, config, rate_limit)
    except ScholarKGError as exc:
        return SourceFailed(fetched.location, str(exc))
    except Interrupted as exc:
        return TaskStopped(str(exc))


def one_by_one(
    items: list[T], each: Callable[[T], R], check: Callable[[], None] = check_stop
) -> list[R | TaskStopped]:
    """``each`` of ``items`` in order, the run's stop checked (``check``: a
    :meth:`BatchStop.batch_check`) before each one: once stopped (here, or within one), every item
    left is that :class:`TaskStopped`, so a batch ends within one source of a stop and still
    gives one result per item."""
    results: list[R | TaskStopped] = []
    for item in items:
        try:
            check()
        except Interrupted as exc:
            stopped = TaskStopped(str(exc))
        else:
            result = each(item)
            results.append(result)
            if not isinstance(result, TaskStopped):
                continue
            stopped = result
        return results + [stopped] * (len(items) - len(results))
    return results


@task(cache_policy=NO_CACHE)
def fetch(
    locations: list[str], config: Config, stop: BatchStop
) -> list[Fetched | SourceFailed | TaskStopped]:
    """I/O: fetch a batch of profile pages, one by one (:func:`fetch_one`), until the run's
    ``stop``. Not retried by Prefect (nor was one page's task): the HTTP client retries each
    page."""
    return one_by_one(locations, lambda location: fetch_one(location, config), stop.batch_check())


@task(cache_policy=NO_CACHE)
def prepare_profile(
    batch: list[Fetched], config: Config, rate_limit: RateLimitHook | None, stop: BatchStop
) -> list[Prepared | SourceFailed | TaskStopped]:
    """I/O: parse and resolve a batch of fetched pages, one by one (:func:`prepare_one`),
    until the run's ``stop``."""
    return one_by_one(
        batch, lambda fetched: prepare_one(fetched, config, rate_limit), stop.batch_check()
    )


def final_state(report: RunReport) -> State[Any]:
    """The flow run's state for the run's outcome. Cancelled (with the stop's one-line reason)
    for a run stopped by a signal, which is how Prefect's runner cancels a flow run (the UI's
    Cancel, ``prefect flow-run cancel``, a served deployment's process stopped): a clean stop,
    not a failure of the run. Failed, with why
    (:func:`~scholarkg_flows.run_end.failure_reason`), for a run that failed. Either holds a
    :class:`~scholarkg.errors.RunStopped` / :class:`~scholarkg.errors.RunFailed` (that one
    line, ``.report`` the report), which calling the flow raises, and ends the run's log
    (:mod:`scholarkg_flows.run_end`). Completed (named "Partial" when something was refused or
    quarantined) holds the report itself."""
    if report.interrupted:
        stopped = f"{report.job}: interrupted: {report.interrupted}"
        mark_ended()
        return Cancelled(message=stopped, data=RunStopped(stopped, report))
    if report.outcome == "failed":
        failed = f"{report.job}: failed: {failure_reason(report)}"
        mark_ended(failed)
        return Failed(message=failed, data=RunFailed(failed, report))
    message = f"{report.job}: {report.outcome}"
    return Completed(
        message=message, data=report, name="Partial" if report.outcome == "partial" else None
    )


@flow(name="build_kg")
def build_kg(
    config_path: str | None = None,
    profiles: list[str] | None = None,
    store_path: str | None = None,
    settings: list[str] | None = None,
) -> State[Any]:
    """Build the knowledge graph from the configured profiles plus any given ones. A refusal
    before the run (a bad setting) ends it Failed on its one line
    (:func:`~scholarkg_flows.run_end.refused`)."""
    try:
        config = load_run_config(config_path, store_path, settings)
    except ScholarKGError as exc:
        refusal: State[Any] = refused(exc)
        return refusal
    label = runner_label(config)
    get_run_logger().info("task runner: %s", label)
    body = build_kg_tasks.with_options(
        task_runner=task_runner_for(config), flow_run_name=f"build-kg on {label}"
    )
    report = body(
        config_path=config_path, profiles=profiles, store_path=store_path, settings=settings
    )
    return final_state(report)


@flow(name="build_kg-tasks")
def build_kg_tasks(
    config_path: str | None = None,
    profiles: list[str] | None = None,
    store_path: str | None = None,
    settings: list[str] | None = None,
) -> RunReport:
    """The body of :func:`build_kg`, on whatever task runner it was given."""
    logger = get_run_logger()
    config = load_run_config(config_path, store_path, settings)
    sources = list(dict.fromkeys([*config.profiles, *(profiles or [])]))
    with stop_cleanly(), RunContext(config, "build") as ctx:
        loading = Loading(ctx)
        try:
            build_all(ctx, loading, config, sources, logger)
        except (Interrupted, WriteFailed) as exc:  # stopped, or a full disk: reported
            stop_run(ctx, loading, exc)
        publish_artifacts(ctx.report, key="build-kg")
        return ctx.report


def settled(future: PrefectFuture[Any], location: str, check_stop: Callable[[], None]) -> Any:
    """The task's result once it is done, checking for a stop request first and twice a second
    meanwhile (a wait without a timeout would keep the signal handler from running until the
    task ends; checked only meanwhile, a run of tasks each done within half a second never saw
    a stop: 5 000 quick pages were all fetched and parsed after SIGTERM).

    The wait is on the future's done callback, never on ``result(timeout=…)`` in a loop: on
    Dask that loop is what dask/distributed#8514 reports failing with ``UnboundLocalError``.
    A task the runner cancelled (a Dask scheduler restart, a lost connection) is a failed
    source, not a crash of the run; a task the run's stop cut short raises its
    :class:`Interrupted` here.
    """
    done = threading.Event()
    future.add_done_callback(lambda _: done.set())
    check_stop()
    while not done.wait(0.5):
        check_stop()
    wrapped = getattr(future, "wrapped_future", None)
    if wrapped is not None and wrapped.cancelled():
        return SourceFailed(location, TASK_CANCELLED)
    result = future.result()
    if isinstance(result, TaskStopped):
        raise Interrupted(result.message)
    return result


def settled_batch(
    future: PrefectFuture[list[Any]], locations: list[str], check_stop: Callable[[], None]
) -> list[Any]:
    """A batch task's results, one per source (:func:`settled`): a batch the runner cancelled
    is each of its sources failed, with the one-line reason."""
    got = settled(future, locations[0], check_stop)
    if isinstance(got, SourceFailed):
        return [SourceFailed(location, got.message) for location in locations]
    return list(got)


def source_result(got: T | TaskStopped) -> T:
    """One source's result from a batch, a stop within the batch raised here."""
    if isinstance(got, TaskStopped):
        raise Interrupted(got.message)
    return got


def build_all(
    ctx: RunContext, loading: Loading, config: Config, sources: list[str], logger: Any
) -> None:
    """Fetch and prepare as tasks, build in this process, then close the run."""
    loading.pending_first()
    flow_run = FlowRunContext.get()
    assert flow_run is not None and flow_run.task_runner is not None  # build_kg_tasks's
    task_runner = flow_run.task_runner
    per_task, workers = config.runner.sources_per_task, workers_of(config, task_runner)
    window = 2 * workers  # batches in flight: each worker has the next one ready
    with run_going(dask_client(task_runner), config, ctx.run_id) as stop:
        fetched: list[Fetched] = []
        for _, got in batched_results(
            in_batches(sources, batch_size(len(sources), per_task, workers)),
            lambda batch: fetch.submit(batch, config, stop),
            lambda future, batch: settled_batch(future, batch, ctx.check_stop),
            window,
        ):
            got = source_result(got)
            if isinstance(got, SourceFailed):
                ctx.report.failures.append((got.location, got.message))
            else:
                fetched.append(got)
        todo = distinct_sources(ctx, fetched)
        unchanged = unchanged_sources(ctx, todo)
        ctx.report.sources_unchanged += sorted(unchanged)
        todo = [f for f in todo if f.location not in unchanged]
        rate_limit = arxiv_rate_limit(logger) if config.arxiv.enabled and todo else None
        for _, ready in batched_results(
            in_batches(todo, batch_size(len(todo), per_task, workers)),
            lambda batch: prepare_profile.submit(batch, config, rate_limit, stop),
            lambda future, batch: settled_batch(
                future, [f.location for f in batch], ctx.check_stop
            ),
            window,
        ):
            ready = source_result(ready)
            if isinstance(ready, SourceFailed):
                ctx.report.failures.append((ready.location, ready.message))
                continue
            build_profile(ctx, ready, loading)
    finish(ctx, loading)
