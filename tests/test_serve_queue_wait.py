"""``[serve] queue_wait``: a request that finds every query worker busy waits for one at most
that long, then gets 503 with ``Retry-After`` and one line (before: it waited, holding its
connection and its place of ``max_queries_per_client``, until a limit freed a worker, up to
``time_limit``); a query that looks quick still takes the reserve worker meanwhile. Real
clients, each on its own loopback address, against a real server; the runaways run far past
the wait (a 600 s time limit), so no outcome depends on timing."""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest

from isolated_serving import address_of
from scholarkg.config import ServeSettings, load_config
from scholarkg.errors import ConfigError
from scholarkg.serve import ServerHandle
from serve_helpers import Answer, request, running_server, until
from served_queries import CHEAP, slow


def test_the_wait_is_checked_like_every_serve_setting(tmp_path: Path) -> None:
    assert ServeSettings().queue_wait == 10.0
    config = tmp_path / "c.toml"
    for value in ("0", "-1", '"ten"', "1e10"):
        config.write_text(f"[serve]\nqueue_wait = {value}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="queue_wait"):
            load_config(config)
    config.write_text("[serve]\nqueue_wait = 2.5\n", encoding="utf-8")
    assert load_config(config).serve.queue_wait == 2.5


def _hold_every_worker(server: ServerHandle, runaways: list[Answer]) -> list[threading.Thread]:
    """Two runaways, from two clients, in the pool's one worker and the one lent beside it
    (the second sent once that one idles: it never waits for a worker)."""
    kg, url = server.kg, server.url
    assert kg.warmed.wait(300)

    def hold(number: int) -> None:
        runaways.append(request(url, f"127.0.0.{number + 10}", "/sparql", slow(number)))

    threads = [threading.Thread(target=hold, args=(n,), daemon=True) for n in range(2)]
    threads[0].start()
    until(
        lambda: len(kg.pool._running) == 1 and kg.pool._idle.qsize() == 1,
        "no worker was lent beside the first runaway",
        bound=300,
    )
    threads[1].start()
    until(lambda: len(kg.pool._running) == 2, "the runaways never held both workers", 300)
    assert kg.pool._total == 2 and kg.pool.queue_timeouts == 0
    return threads


@pytest.mark.server
def test_a_query_past_the_queue_wait_is_503_while_quick_ones_take_the_reserve(
    tmp_path: Path,
) -> None:
    """The pool's worker and the one lent beside it hold two runaways; a query that does not
    look quick waits ``queue_wait`` and is answered 503 with Retry-After, counted once, while
    an ASK is answered 200 by the reserve worker and both runaways still run."""
    settings = ServeSettings(
        workers=1,
        quick_workers=1,
        max_queries_per_client=1,
        time_limit=600,
        queue_wait=1,
        refresh_interval=0.2,
    )
    runaways: list[Answer] = []
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg, url = server.kg, server.url
        threads = _hold_every_worker(server, runaways)
        refused = request(url, "127.0.0.3", "/sparql", CHEAP)
        assert refused.status == 503, refused.text
        assert refused.headers["Retry-After"] == "5"
        assert refused.text == (
            "every query worker was busy for 1 s ([serve] queue_wait); try again shortly\n"
        )
        assert kg.pool.queue_timeouts == 1
        quick = request(url, "127.0.0.4", "/sparql", "ASK {}")
        assert quick.status == 200 and '"boolean":true' in quick.text.replace(" ", "")
        assert kg.pool.quick_answered >= 1 and kg.pool.queue_timeouts == 1
        assert runaways == [] and len(kg.pool._running) == 2  # both still running
        again = request(url, "127.0.0.3", "/sparql", CHEAP)  # its place was freed at the 503
        assert again.status == 503 and kg.pool.queue_timeouts == 2
    for thread in threads:
        thread.join(60)
    assert [a.status for a in runaways] == [503, 503]  # stopping the server answered them


@pytest.mark.server
def test_a_client_gone_while_waiting_for_a_worker_stops_waiting(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every worker held, no reserve, a wait far longer than the test: a client that sends a
    query and closes is logged 499 with 0 bytes while both runaways still run; no worker was
    stopped for it and it is no queue timeout."""
    settings = ServeSettings(
        workers=1, quick_workers=0, time_limit=600, queue_wait=600, refresh_interval=0.2
    )
    runaways: list[Answer] = []
    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "store", settings=settings) as (server, _),
    ):
        kg = server.kg
        threads = _hold_every_worker(server, runaways)
        query = urlencode({"query": CHEAP})
        with socket.create_connection(
            address_of(server), timeout=300, source_address=("127.0.0.3", 0)
        ) as sock:
            sock.sendall(f"GET /sparql?left=1&{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())

        def logged() -> list[str]:
            return [
                r.getMessage()
                for r in caplog.records
                if r.name == "scholarkg.serve.access" and "?left=1" in r.getMessage()
            ]

        until(lambda: len(logged()) == 1, "the client that left was not logged", 300)
        assert logged()[0].startswith('127.0.0.3 "GET /sparql?left=1') and '" 499 0 ' in logged()[0]
        assert runaways == [] and len(kg.pool._running) == 2
        assert kg.pool.queue_timeouts == 0 and kg.pool.replaced == 0
    for thread in threads:
        thread.join(60)
