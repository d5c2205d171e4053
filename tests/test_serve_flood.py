"""Queries waiting for a query worker do not take the threads everything else needs. A client
that sends more slow queries than the server has threads for (each waits for a worker up to
the time limit) used to leave no thread for the static files of the query page, the landing
page or a search from their caches: all hung until queries ended. A real server over the
constructed v2 store; the slow queries are cross joins of five VALUES lists (777 600 000 rows
to count, no data needed), each one distinct so none waits for another's answer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests

from scholarkg.config import ServeSettings
from serve_helpers import HTML_ACCEPT, SPARQL_JSON, running_server, until
from served_queries import slow

pytestmark = pytest.mark.server

FLOOD = 45  # more than the 40 threads of a thread limiter, fewer than a client's connections


def answered(url: str) -> int | str:
    """The status of a GET from a browser, or why there was none (within 20 s)."""
    try:
        return requests.get(url, headers={"Accept": HTML_ACCEPT}, timeout=20).status_code
    except requests.RequestException as exc:
        return type(exc).__name__


def test_files_and_cached_pages_are_served_while_queries_wait_for_workers(
    tmp_path: Path,
) -> None:
    settings = ServeSettings(
        workers=1,
        time_limit=120,
        queue_wait=120,  # the flood waits for the worker throughout the test
        refresh_interval=0.2,
        max_connections_per_client=60,
        max_queries_per_client=60,
    )
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg = server.kg
        assert kg.warmed.wait(60)
        assert answered(server.url) == 200  # the landing page's aggregates are cached
        flood: list[int] = []

        def ask(number: int) -> None:
            response = requests.post(
                server.url + "sparql",
                data={"query": slow(number)},
                headers={"Accept": SPARQL_JSON},
                timeout=180,
            )
            flood.append(response.status_code)

        threads = [threading.Thread(target=ask, args=(n,), daemon=True) for n in range(FLOOD)]
        for thread in threads:
            thread.start()
        until(lambda: kg.flights.running() >= 40, "the flood never held 40 threads")
        script = answered(server.url + "static/query-ui.js")
        landing = answered(server.url)
        search = answered(server.url + "search?q=dadashi")
        assert flood == []  # every slow query still runs or waits for its worker
        assert (script, landing, search) == (200, 200, 200)
    for thread in threads:
        thread.join(60)
    assert len(flood) == FLOOD  # stopping the server answered each of them
