"""A worker lent to the pool while a long query runs stays lent until that query ends: it
answers every other query meanwhile, not the first one alone (it was stopped after its first
job, so a second cheap query waited for the long one, up to the time limit, and got 503). A real
server over the constructed v2 store; the long query is a cross join of five VALUES lists
(777 600 000 rows to count)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests

from polls import until
from scholarkg.config import ServeSettings
from scholarkg.errors import QueryLimitError
from scholarkg.serve import worker_supply
from scholarkg.serve.guard import QueryLimits
from scholarkg.serve.jobs import QueryJob
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.worker_handle import WorkerHandle
from scholarkg.serve.workers import WorkerPool
from serve_fixtures import build_v2_store
from serve_helpers import SPARQL_JSON, running_server

pytestmark = pytest.mark.server

VALUES = " ".join(str(i) for i in range(60))
LONG = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?{v} {{ {VALUES} }}" for v in "abcde")
    + " }"
)
CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/scholarkg/ontology#Person> }"


def ask(url: str, query: str) -> requests.Response:
    return requests.post(
        url + "sparql", data={"query": query}, headers={"Accept": SPARQL_JSON}, timeout=180
    )


def test_a_lent_worker_serves_every_query_while_the_long_one_runs(tmp_path: Path) -> None:
    settings = ServeSettings(workers=1, time_limit=30, queue_wait=30, refresh_interval=0.2)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg = server.kg
        assert kg.warmed.wait(60)
        long: list[int] = []
        thread = threading.Thread(
            target=lambda: long.append(ask(server.url, LONG).status_code), daemon=True
        )
        thread.start()
        until(lambda: kg.flights.running() == 1, "the long query never ran")
        answers = [ask(server.url, f"{CHEAP} LIMIT {n + 1}") for n in range(4)]
        assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
        assert long == [] and kg.flights.running() == 1  # all answered while it ran
        assert kg.pool._total == 2  # the configured worker and the one lent
    thread.join(60)
    assert long == [503]  # stopping the server answered it


def test_the_lent_worker_goes_when_the_long_query_ends(tmp_path: Path) -> None:
    settings = ServeSettings(workers=1, time_limit=3, refresh_interval=0.2)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg = server.kg
        assert kg.warmed.wait(60)
        assert ask(server.url, LONG).status_code == 503  # stopped at the time limit
        until(lambda: kg.pool._total == 1, "the lent worker was kept after the long query")
        for n in range(3):
            assert ask(server.url, f"{CHEAP} LIMIT {n + 1}").status_code == 200
        assert kg.pool._total == 1 and kg.pool._lending == 0


class Counted(WorkerHandle):
    """A real worker whose starts and stops are counted."""

    started: ClassVar[list[Counted]] = []
    stopped: ClassVar[list[Counted]] = []

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        Counted.started.append(self)

    def stop(self) -> None:
        Counted.stopped.append(self)
        super().stop()


@pytest.mark.parametrize("way", ["run", "stream"])
def test_a_query_stopped_by_its_limit_costs_no_worker_started_and_stopped_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, way: str
) -> None:
    """A query past its time limit has its worker killed; the worker lent beside it while it
    ran takes its place. Before, the pool started a replacement at once (the caller waiting for
    it) and then stopped one idle worker as the lent one went: a process started for nothing."""
    monkeypatch.setattr(worker_supply, "WorkerHandle", Counted)
    monkeypatch.setattr(Counted, "started", [])
    monkeypatch.setattr(Counted, "stopped", [])
    store = build_v2_store(tmp_path / "store")
    pool = WorkerPool(StoreSpec("oxigraph", str(store)), QueryLimits(time_limit=3.0), size=1)
    try:
        first = Counted.started[0]
        with pytest.raises(QueryLimitError, match="time limit of 3 s"):
            if way == "run":
                pool.run(QueryJob(LONG))
            else:
                list(pool.stream(QueryJob(LONG, stream_rows=100)))
        until(lambda: len(Counted.started) >= 2, "no worker was lent")
        assert len(Counted.started) == 2  # the configured one and the one lent: no more
        assert Counted.stopped == [first]  # the one past its limit, and no other
        assert pool.run(QueryJob("ASK {}")).boolean is True  # the lent worker answers
        assert (len(Counted.started), pool._total, pool._lending) == (2, 1, 0)
        assert pool.replaced == 1
    finally:
        pool.close()


def test_scholarkg_query_stopped_by_its_limit_starts_one_worker_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command runs one query: no worker is lent beside it, none replaces the one its
    limit stopped (before: one lent after a second and one started after the limit, the
    command waiting for it, both stopped unused as it closed its pool)."""
    from conftest import write_config
    from scholarkg.cli import main

    monkeypatch.setattr(worker_supply, "WorkerHandle", Counted)
    monkeypatch.setattr(Counted, "started", [])
    monkeypatch.setattr(Counted, "stopped", [])
    store = build_v2_store(tmp_path / "store")
    config = write_config(tmp_path, [], store={"path": str(store)}, serve={"time_limit": 3.0})
    assert main(["query", "--config", str(config), "--sparql", LONG]) == 1
    assert "time limit of 3 s" in capsys.readouterr().err
    assert len(Counted.started) == 1 and Counted.stopped == Counted.started
