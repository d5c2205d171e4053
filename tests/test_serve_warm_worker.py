"""The server's own warm-up runs in a worker of its own, outside the clients' pool: a one-worker
pool's clients are answered while a warm-up aggregate still runs (before: the warm-up held the
pool's worker, a client's runaway the one lent beside it, and every further client got 503
after ``queue_wait`` for the whole warm-up, up to ``aggregate_time_limit``). The warm-up's
worker is stopped when the warm-up ends. Real clients, each on its own loopback address,
against a real server whose warm-up first runs a runaway aggregate (the server's own path:
``select_many`` under the aggregate time limit); no outcome depends on timing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from scholarkg.config import ServeSettings
from scholarkg.serve import make_server
from scholarkg.serve.site_data import Landing
from scholarkg.store.embedded import EmbeddedStore
from serve_fixtures import build_v2_store
from serve_helpers import Answer, request, until
from served_queries import CHEAP, slow


@pytest.mark.server
def test_clients_are_answered_while_the_warm_up_runs(tmp_path: Path) -> None:
    build_v2_store(tmp_path / "store")
    store = EmbeddedStore(tmp_path / "store", read_only=True)
    settings = ServeSettings(
        workers=1,
        quick_workers=0,
        time_limit=600,
        aggregate_time_limit=600,
        queue_wait=1,
        refresh_interval=600,
    )
    server = make_server(store, settings=settings)
    kg = server.kg
    landing = kg.site.landing

    def slow_landing() -> Landing:
        kg.site._aggregate(slow(5))  # a whole-store aggregate of a large store
        return landing()

    kg.site.landing = slow_landing  # type: ignore[method-assign]
    runaway: list[Answer] = []
    try:
        server.start()
        until(lambda: len(kg.pool._running) == 1, "the warm-up never ran", 300)
        url = server.url
        thread = threading.Thread(
            target=lambda: runaway.append(request(url, "127.0.0.10", "/sparql", slow(6))),
            daemon=True,
        )
        thread.start()
        until(lambda: len(kg.pool._running) == 2 or runaway != [], "no runaway ran", 300)
        assert runaway == [], [(a.status, a.text) for a in runaway]  # not refused: it runs
        until(lambda: kg.pool._idle.qsize() == 1, "no worker was lent beside the runaway", 300)
        answer = request(url, "127.0.0.3", "/sparql", CHEAP)
        assert answer.status == 200, answer.text
        assert not kg.warmed.is_set() and runaway == []  # both still running
        assert kg.pool.queue_timeouts == 0
    finally:
        server.stop()
        store.close()
