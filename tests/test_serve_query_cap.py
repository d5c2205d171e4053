"""``[serve] max_queries_per_client``: one client address cannot keep every query worker busy.
Its requests that run or wait for a query worker past the cap are answered 429 with the reason
and ``Retry-After`` at once, while other clients (other loopback addresses) are served; a
finished request, answered or failed, frees its place. Real HTTP clients, each bound to its own
loopback address, against a real server; the slow queries are cross joins of five VALUES lists
(777 600 000 rows to count, no data needed), each distinct so none waits for another's answer."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from scholarkg.config import ServeSettings, load_config
from scholarkg.errors import ConfigError
from serve_fixtures import LEONARD
from serve_helpers import (
    Answer,
    asked_while_running,
    local,
    one_query_server,
    request,
    running_server,
    until,
)
from served_queries import CHEAP, slow

pytestmark = pytest.mark.server


def test_a_client_past_its_cap_is_429_while_others_are_served(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Each refusal is the access log's one INFO line and no other: a client sending
    thousands cannot flood the log with warnings (checked in session 35: none is logged)."""
    settings = ServeSettings(
        workers=2, max_queries_per_client=2, time_limit=120, queue_wait=120, refresh_interval=0.2
    )
    with (
        caplog.at_level(logging.INFO),
        running_server(tmp_path / "store", settings=settings) as (server, _),
    ):
        kg, url = server.kg, server.url
        assert kg.warmed.wait(60)
        running: list[Answer] = []

        def hold(number: int) -> None:
            running.append(request(url, "127.0.0.1", "/sparql", slow(number)))

        threads = [threading.Thread(target=hold, args=(n,), daemon=True) for n in range(2)]
        for thread in threads:
            thread.start()
        until(lambda: kg.flights.running() == 2, "the client's two queries never ran")
        # the cap counts the connection's address, which no X-Forwarded-For header changes
        forged = {"X-Forwarded-For": "10.9.8.7"}
        logged = len(caplog.records)
        for path, query, headers in (
            ("/sparql", CHEAP, {}),
            ("/sparql", slow(9), {}),
            (local(LEONARD), None, {}),
            ("/sparql", CHEAP, forged),
        ):
            refused = request(url, "127.0.0.1", path, query, **headers)
            assert refused.status == 429, (refused.status, refused.text)
            assert refused.headers["Retry-After"] == "5"
            assert refused.text == (
                "too many queries from 127.0.0.1: 2 running or waiting for a query worker, "
                "at most 2 at a time ([serve] max_queries_per_client); try again when one "
                "has finished\n"
            )
        # the access line is written once the answer was sent: it may follow the client's read
        until(lambda: len(caplog.records) - logged >= 4, "a refusal was not logged")
        refusals = [(r.name, r.levelname) for r in caplog.records[logged:]]
        assert refusals == [("scholarkg.serve.access", "INFO")] * 4, refusals
        for source in ("127.0.0.2", "127.0.0.3"):  # other clients are served meanwhile
            other = request(url, source, "/sparql", CHEAP)
            assert other.status == 200 and '"value":"8"' in other.text, other.text
            page = request(url, source, local(LEONARD))
            assert page.status == 200 and "Hussenot" in page.text
        assert running == [] and kg.flights.running() == 2  # still running, never refused
    for thread in threads:
        thread.join(60)
    assert [a.status for a in running] == [503, 503]  # stopping the server answered them


def test_an_answer_from_the_result_cache_is_not_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap counts the work that holds a query worker: a client whose queries hold its
    places still gets the answers kept in the result cache, which take no worker (each format
    is kept on its own); a query not kept is still refused."""
    from scholarkg.serve import service

    monkeypatch.setattr(service, "SLOW_QUERY", 0.0)  # every answer is kept here
    settings = ServeSettings(
        workers=2, max_queries_per_client=2, time_limit=120, queue_wait=120, refresh_interval=0.2
    )
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg, url = server.kg, server.url
        assert kg.warmed.wait(60)
        csv = {"Accept": "text/csv"}
        kept = [request(url, "127.0.0.1", "/sparql", CHEAP, **headers) for headers in ({}, csv)]
        assert [a.status for a in kept] == [200, 200]
        answered = kg.pool.answered
        running: list[Answer] = []

        def hold(number: int) -> None:
            running.append(request(url, "127.0.0.1", "/sparql", slow(number)))

        threads = [threading.Thread(target=hold, args=(n,), daemon=True) for n in range(2)]
        for thread in threads:
            thread.start()
        until(lambda: kg.flights.running() == 2, "the client's two queries never ran")
        again = [request(url, "127.0.0.1", "/sparql", CHEAP, **headers) for headers in ({}, csv)]
        assert [a.status for a in again] == [200, 200], [a.text for a in again]
        assert [a.text for a in again] == [a.text for a in kept]
        assert again[1].text == "n\r\n8\r\n"
        assert request(url, "127.0.0.1", "/sparql", CHEAP + " LIMIT 1").status == 429
        assert kg.pool.answered == answered and running == []
    for thread in threads:
        thread.join(60)
    assert [a.status for a in running] == [503, 503]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_cap(tmp_path: Path) -> None:
    """With the proxy in ``[serve] trusted_proxies``, the cap counts the client it names in
    ``X-Forwarded-For`` (the last address not a trusted proxy's), not the proxy's address that
    every client shares (before: one client's two queries got every other client 429)."""
    settings = ServeSettings(
        workers=2,
        max_queries_per_client=2,
        time_limit=120,
        queue_wait=120,
        refresh_interval=0.2,
        trusted_proxies=("127.0.0.1",),
    )
    one = {"X-Forwarded-For": "192.0.2.1"}
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg, url = server.kg, server.url
        assert kg.warmed.wait(60)
        running: list[Answer] = []

        def hold(number: int) -> None:
            running.append(request(url, "127.0.0.1", "/sparql", slow(number), **one))

        threads = [threading.Thread(target=hold, args=(n,), daemon=True) for n in range(2)]
        for thread in threads:
            thread.start()
        until(lambda: kg.flights.running() == 2, "the client's two queries never ran")
        refused = request(url, "127.0.0.1", "/sparql", CHEAP, **one)
        assert refused.status == 429
        assert refused.text.startswith("too many queries from 192.0.2.1: 2 running")
        forged = {"X-Forwarded-For": "192.0.2.2, 192.0.2.1"}  # the proxy appended the client
        assert request(url, "127.0.0.1", "/sparql", CHEAP, **forged).status == 429
        for other in ("192.0.2.2", "198.51.100.7, 192.0.2.3"):
            answer = request(url, "127.0.0.1", "/sparql", CHEAP, **{"X-Forwarded-For": other})
            assert answer.status == 200 and '"value":"8"' in answer.text, answer.text
        assert running == []
    for thread in threads:
        thread.join(60)
    assert [a.status for a in running] == [503, 503]


def test_a_finished_request_frees_its_place_whatever_its_answer(tmp_path: Path) -> None:
    settings = ServeSettings(
        workers=1, max_queries_per_client=1, time_limit=2, refresh_interval=0.2
    )
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        url = server.url
        # each CHEAP another query: one kept in the result cache (slower than SLOW_QUERY on a
        # busy machine) would be sent again taking no place, proving nothing freed
        statuses = [
            request(url, "127.0.0.2", "/sparql", query).status
            for query in (
                "SELECT * WHERE {",
                f"{CHEAP} LIMIT 1",
                slow(1),
                f"{CHEAP} LIMIT 2",
                slow(2),
                f"{CHEAP} LIMIT 3",
            )
        ]
        assert statuses == [400, 200, 503, 200, 503, 200]


def test_the_cap_is_checked_like_every_serve_setting(tmp_path: Path) -> None:
    assert ServeSettings().max_queries_per_client == 2
    config = tmp_path / "c.toml"
    for value in ("0", "-1", '"two"'):
        config.write_text(f"[serve]\nmax_queries_per_client = {value}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="max_queries_per_client"):
            load_config(config)


@pytest.mark.parametrize(
    ("address", "client"),
    [
        ("127.0.0.2", "127.0.0.2"),
        ("2001:db8::1", "2001:db8::/64"),
        ("2001:db8::ffff:abcd:1234", "2001:db8::/64"),  # another of the same host's addresses
        ("2001:db8:0:1::1", "2001:db8:0:1::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:127.0.0.2", "127.0.0.2"),  # IPv4 on a dual-stack socket
        ("::1", "::/64"),
        ("not an address", "not an address"),
    ],
)
def test_an_ipv6_client_is_its_64_network(address: str, client: str) -> None:
    """A host given an IPv6 /64 picks any of its 2**64 addresses: the caps count the network,
    as they would count one IPv4 address (this machine's loopback has one IPv6 address, ::1,
    so no second client of a network can connect here)."""
    from scholarkg.serve.http_limits import client_key

    assert client_key(address) == client


def test_an_ipv6_client_is_capped_by_its_network(tmp_path: Path) -> None:
    settings = ServeSettings(
        workers=2, max_queries_per_client=1, time_limit=120, queue_wait=120, refresh_interval=0.2
    )
    with running_server(tmp_path / "store", settings=settings, host="::1") as (server, _):
        kg, url = server.kg, server.url
        assert kg.warmed.wait(60)
        held: list[Answer] = []
        thread = threading.Thread(
            target=lambda: held.append(request(url, "::1", "/sparql", slow(1))), daemon=True
        )
        thread.start()
        until(lambda: kg.flights.running() == 1, "the client's query never ran")
        refused = request(url, "::1", "/sparql", CHEAP)
        assert refused.status == 429 and refused.text.startswith("too many queries from ::/64: 1")
    thread.join(60)
    assert [a.status for a in held] == [503]


def test_clients_waiting_for_a_query_stopped_by_its_limit_are_503_not_429(
    tmp_path: Path,
) -> None:
    """Two more requests from the client's address ask its runaway while it runs: they wait for
    its answer (no place taken) and, once its time limit stops it, each is refused 503 as the
    runaway was, at once (before: each was asked again in a query thread, which counted it,
    and the one finding the client's one place held, by the other or the runaway's own
    request not yet finished, got 429 though it had only waited)."""
    with one_query_server(tmp_path / "store", time_limit=15, queue_wait=15) as server:
        answers = asked_while_running(server, "127.0.0.5", slow(5))
        assert [a.status for a in answers] == [503, 503, 503], [a.text for a in answers]
        # the runaway's own answer; each waiter's: refused as the runaway was (before: one
        # whose wait of time_limit ended while the runaway's worker was being stopped was told
        # "the same query is being answered", though no answer would come)
        texts = [a.text for a in answers]
        stopped = "query stopped: it ran longer than the time limit of 15 s\n"
        assert texts.count(stopped) == 1, texts
        waited = [t for t in texts if t != stopped]
        assert all(t.startswith("query refused: ") for t in waited), texts
        assert server.kg.pool.replaced == 1  # run once, stopped once
