"""build_kg on a local Dask cluster (worker processes) and on threads: the same graphs."""

from __future__ import annotations

import contextlib
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
import requests
from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.compare import to_isomorphic

from building import sparql_store
from conftest import write_config
from constructed import profile_page
from loopback import Pages
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg import lifecycle
from scholarkg.config import load_config
from scholarkg.errors import ConfigError

if TYPE_CHECKING:
    from oxigraph_server import OxigraphServer

pytest_plugins = ("oxigraph_server",)

RUN = "https://w3id.org/scholarkg/id/run/"
RUN_GRAPH = "https://w3id.org/scholarkg/id/graph/run/"
VOID_GRAPH = "https://w3id.org/scholarkg/id/graph/void"
SKOLEM = re.compile(r".*/shacl-report#([Nn][0-9a-f]{32,})")
TIMESTAMPS = {
    URIRef("http://www.w3.org/ns/prov#generatedAtTime"),
    URIRef("https://w3id.org/scholarkg/ontology#observedAt"),
}
OBSERVED = Literal("observed")


def data_graphs(url: str) -> dict[str, Graph]:
    """Every named graph in the server minus what differs from run to run by design.

    Left out: run records (graphs and triples about a run), triples about a graph (when and by
    which run it was written), and the VoID description (dump paths and modification time; only
    its size is compared). Normalised: SHACL reports' skolemised blank nodes (random IRIs) back
    to blank nodes, and the observation timestamps of profile snapshots (the fetch time).
    """
    listing = requests.post(
        f"{url}/query",
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    listing.raise_for_status()
    names = {row["g"]["value"] for row in listing.json()["results"]["bindings"]}
    graphs: dict[str, Graph] = {}
    for name in sorted(names):
        if name.startswith(RUN_GRAPH):
            continue
        response = requests.get(
            f"{url}/store",
            params={"graph": name},
            headers={"Accept": "application/n-triples"},
            timeout=60,
        )
        response.raise_for_status()
        graph = Graph()
        for s, p, o in Graph().parse(data=response.text, format="nt"):
            if str(s) in names or str(s).startswith(RUN):
                continue
            if p in TIMESTAMPS:
                o = OBSERVED
            graph.add((unskolem(s), p, unskolem(o)))
        graphs[name] = graph
    return graphs


def unskolem(term: Node) -> Node:
    if isinstance(term, URIRef) and (found := SKOLEM.fullmatch(str(term))):
        return BNode(found.group(1))
    return term


def test_runner_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask.task_runners import DaskTaskRunner
    from scholarkg_flows.runners import DASK_MISSING, task_runner_for

    def runner_for(**runner: object) -> object:
        directory = tmp_path / str(len(list(tmp_path.iterdir())))
        directory.mkdir()
        return task_runner_for(load_config(write_config(directory, [], runner=runner)))

    threads = runner_for(kind="threads", max_workers=3)
    assert isinstance(threads, ThreadPoolTaskRunner) and threads._max_workers == 3
    local = runner_for(kind="dask", max_workers=2)
    assert isinstance(local, DaskTaskRunner) and local.address is None
    assert local.cluster_kwargs["n_workers"] == 2 and local.cluster_kwargs["processes"] is True
    remote = runner_for(kind="dask", dask_address="tcp://127.0.0.1:8786")
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://127.0.0.1:8786"
    monkeypatch.setitem(sys.modules, "prefect_dask.task_runners", None)  # not installed
    with pytest.raises(ConfigError) as missing:
        runner_for(kind="dask")
    assert str(missing.value) == DASK_MISSING and "pip install 'scholarkg[dask]'" in DASK_MISSING


@pytest.mark.flow
@pytest.mark.server
@pytest.mark.usefixtures("prefect_harness")
def test_dask_and_threads_load_the_same_graphs(
    tmp_path: Path, oxigraph_server: OxigraphServer, oxigraph_url: str
) -> None:
    from scholarkg_flows.build_kg import build_kg

    loaded: dict[str, dict[str, Graph]] = {}
    for kind in ("dask", "threads"):
        oxigraph_server.clear()
        directory = tmp_path / kind
        directory.mkdir()
        config = write_config(
            directory,
            [SAMPLE_PROFILE, SECOND_PROFILE],
            store=sparql_store(oxigraph_url),
            runner={"kind": kind, "max_workers": 2},
        )
        report = build_kg(config_path=str(config))
        assert report.outcome == "ok" and len(report.sources_built) == 2 and report.papers == 28
        assert report.sources_built == [str(SAMPLE_PROFILE), str(SECOND_PROFILE)]
        assert set(report.durations) >= {"load", "publish"}
        loaded[kind] = data_graphs(oxigraph_url)
    dask, threads = loaded["dask"], loaded["threads"]
    # Per profile: its graph and its snapshot graph; a graph with findings has a report graph.
    assert sum("/graph/profile/" in name and "shacl" not in name for name in dask) == 4
    assert sorted(dask) == sorted(threads)
    assert len(dask.pop(VOID_GRAPH)) == len(threads.pop(VOID_GRAPH)) > 0
    differing = [n for n in dask if to_isomorphic(dask[n]) != to_isomorphic(threads[n])]
    assert differing == []


def wait_for_file(path: str) -> str:
    """A task that ends when ``path`` exists (at most 60 s)."""
    deadline = time.monotonic() + 60
    while not Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return path


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_task_the_dask_cluster_cancels_is_a_failed_source(tmp_path: Path) -> None:
    """A Dask future cancelled under the run (scheduler restart, lost connection) fails its
    source with a one-line reason; the wait no longer dies in ``distributed``'s ``sync()``
    with ``UnboundLocalError``, and a task that ends normally still gives its result."""
    from prefect import flow, task
    from prefect_dask.task_runners import DaskTaskRunner, PrefectDaskFuture
    from scholarkg_flows.build_kg import TASK_CANCELLED, SourceFailed, settled

    release = tmp_path / "release"
    waiting = task(wait_for_file)
    stop_checks: list[int] = []

    in_process: Any = DaskTaskRunner(
        cluster_kwargs={"n_workers": 1, "processes": False, "dashboard_address": None}
    )

    @flow(task_runner=in_process)
    def two_tasks() -> tuple[object, object]:
        cancelled = waiting.submit(str(release))
        kept = waiting.submit(str(release))
        cast("PrefectDaskFuture[str]", cancelled).wrapped_future.cancel()
        lost = settled(cancelled, "page-a.txt", lambda: stop_checks.append(1))
        release.touch()
        return lost, settled(kept, "page-b.txt", lambda: stop_checks.append(1))

    lost, kept = two_tasks()
    assert lost == SourceFailed("page-a.txt", TASK_CANCELLED)
    assert kept == str(release)


@pytest.fixture
def cluster_address() -> Iterator[str]:
    """A Dask cluster of its own, given to runs by address (``[runner] dask_address``): two
    single-threaded worker processes on loopback, which outlive the runs that use them."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def idle(address: str) -> None:
    """Until every worker of the cluster at ``address`` has ended the tasks it works on, those
    of runs that have ended too (a task whose client left runs on, cancelled): a task pinned
    to each worker, which starts only once that worker's thread is free."""
    from distributed import Client

    with Client(address) as client:
        probes = [
            client.submit(int, pure=False, workers=[worker], allow_other_workers=False)
            for worker in client.nthreads()
        ]
        client.gather(probes)


PAGES = 24
STOP_AT = 3  # the request during which the run is asked to stop


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_stop_ends_the_batches_on_dask_workers_between_their_sources(
    tmp_path: Path, cluster_address: str
) -> None:
    """A stop (what SIGTERM's handler does) while batches of 12 pages are fetched on Dask
    workers: each batch fetches no page after the one it was in, as on threads. Every page
    asked for after the stop is held until the run has ended, so what each batch does next
    follows only from what it learns of the stop (before: a worker process never saw the
    flow's stop, and each batch in flight fetched all its pages after it: 20 of 24)."""
    from scholarkg_flows.build_kg import build_kg

    from scholarkg.errors import RunStopped

    asked: list[str] = []
    after_stop: list[str] = []
    counting = threading.Lock()
    stop_sent, released = threading.Event(), threading.Event()

    def page(path: str) -> tuple[str, bytes]:
        with counting:
            late = stop_sent.is_set()
            (after_stop if late else asked).append(path)
            if len(asked) == STOP_AT and not late:
                stop_sent.set()
                lifecycle.request_stop()
        if late:
            released.wait(120)  # only bounds a hang
        return "text/plain; charset=utf-8", profile_page(f"Held Person{path[2:4]}", [])

    with Pages(page) as pages:
        sources = [f"{pages.base}/p{n:02d}.txt" for n in range(PAGES)]
        config = write_config(
            tmp_path,
            sources,
            runner={"kind": "dask", "dask_address": cluster_address, "sources_per_task": 12},
            http={"min_interval": 0.0, "read_timeout": 600.0},  # a held page: no retry
        )
        try:
            state = build_kg(config_path=str(config), return_state=True)
        finally:
            lifecycle.STOP.clear()
            released.set()
        idle(cluster_address)
    stopped = state.result(raise_on_failure=False)
    assert isinstance(stopped, RunStopped), stopped
    assert stopped.report.interrupted == "stop requested (SIGTERM/SIGINT)"
    # one page a worker at most: the one it was asked for as the stop came
    assert len(asked) == STOP_AT and len(after_stop) <= 2, (asked, after_stop)


def test_a_local_cluster_listens_on_loopback_ports_of_its_own(
    tmp_path: Path, recwarn: pytest.WarningsRecorder
) -> None:
    """The run's own Dask cluster serves no dashboard, and the HTTP server its scheduler runs
    anyway listens on a free loopback port (before: 8787, so a second cluster, or anything
    else there, made it warn and move)."""
    from scholarkg_flows.runners import task_runner_for

    held = socket.socket()
    with contextlib.suppress(OSError):  # taken already: by another, which serves as well
        held.bind(("127.0.0.1", 8787))
        held.listen()
    config = load_config(write_config(tmp_path, [], runner={"kind": "dask", "max_workers": 1}))
    try:
        with task_runner_for(config) as task_runner:
            scheduler = task_runner.client.cluster.scheduler  # the cluster starts here
            assert (scheduler.http_server.address, scheduler.http_server.port != 8787) == (
                "127.0.0.1",
                True,
            )
    finally:
        held.close()
    moved = [str(w.message) for w in recwarn if "already in use" in str(w.message)]
    assert moved == []


def test_a_cluster_given_by_address_works_on_as_many_batches_as_it_has_threads(
    tmp_path: Path, cluster_address: str
) -> None:
    """The window of batches in flight and the batch size follow a Dask cluster's own threads
    when a run connects to it by address (``max_workers`` is for a local one), at most
    ``WORKERS_MAX`` (before: ``max_workers`` always, 1 here: one batch for two workers)."""
    from distributed import LocalCluster
    from scholarkg_flows.runners import task_runner_for, workers_of

    from scholarkg.config.fields import WORKERS_MAX

    def workers(**runner: object) -> int:
        directory = tmp_path / str(len(list(tmp_path.iterdir())))
        directory.mkdir()
        config = load_config(write_config(directory, [], runner=runner))
        with task_runner_for(config) as task_runner:
            return workers_of(config, task_runner)

    assert workers(kind="threads", max_workers=3) == 3
    assert workers(kind="dask", max_workers=1, dask_address=cluster_address) == 2
    with LocalCluster(
        n_workers=1, threads_per_worker=WORKERS_MAX + 44, processes=True, dashboard_address=None
    ) as wide:
        assert workers(kind="dask", max_workers=1, dask_address=wide.scheduler_address) == (
            WORKERS_MAX
        )
