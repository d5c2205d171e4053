"""build_kg on a local Dask cluster (worker processes) and on threads: the same graphs."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
import requests
from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.compare import to_isomorphic

from building import sparql_store
from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
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
