"""A worker lent to the pool while a long query runs stays lent until that query ends: it
answers every other query meanwhile, not the first one alone (it was stopped after its first
job, so a second cheap query waited for the long one, up to the time limit, and got 503). A real
server over the constructed v2 store; the long query is a cross join of five VALUES lists
(777 600 000 rows to count)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from scholarkg.config import ServeSettings
from serve_helpers import SPARQL_JSON, running_server

pytestmark = pytest.mark.server

VALUES = " ".join(str(i) for i in range(60))
LONG = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?{v} {{ {VALUES} }}" for v in "abcde")
    + " }"
)
CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/scholarkg/ontology#Person> }"


def until(condition: Callable[[], bool], what: str, bound: float = 60.0) -> None:
    deadline = time.monotonic() + bound
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def ask(url: str, query: str) -> requests.Response:
    return requests.post(
        url + "sparql", data={"query": query}, headers={"Accept": SPARQL_JSON}, timeout=180
    )


def test_a_lent_worker_serves_every_query_while_the_long_one_runs(tmp_path: Path) -> None:
    settings = ServeSettings(workers=1, time_limit=30, refresh_interval=0.2)
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
