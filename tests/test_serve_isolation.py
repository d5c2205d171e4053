"""One query cannot take the endpoint down: hostile queries get an error within their limit,
the next query is answered, and SERVICE or LOAD reaches nothing, in the server and in
``scholarkg query``. (Hostile HTTP: test_serve_hostile_http.py; connection caps:
test_serve_connection_caps.py; connection deadlines: test_serve_connection_deadlines.py.)

Time limits here are generous upper bounds that catch hangs, never speed assertions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from hostile_queries import DEEP, LOAD_TRICKS, SERVICE_TRICKS
from isolated_serving import (
    CARTESIAN,
    CONCAT,
    NESTED,
    SecretEndpoint,
    answered,
    ask,
    isolated_server,
)
from loopback import Trap
from scholarkg.cli import main
from scholarkg.config import ServeSettings
from serve_fixtures import build_v2_store
from serve_helpers import running_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def secret_endpoint() -> Iterator[SecretEndpoint]:
    running = SecretEndpoint()
    yield running
    running.close()


@pytest.fixture(scope="module")
def trap() -> Iterator[Trap]:
    opened = Trap()
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_v2_store(tmp_path_factory.mktemp("isolation") / "store")


@pytest.fixture(scope="module")
def served(store_path: Path, secret_endpoint: SecretEndpoint) -> Iterator[tuple[str, object]]:
    with isolated_server(store_path, secret_endpoint) as served:
        yield served


def test_deep_nesting_is_refused_before_parsing(served: tuple[str, object]) -> None:
    url = served[0]
    response = ask(url, NESTED)
    assert response.status_code == 400
    assert "nested at least 65 deep" in response.text  # read no further than past the limit
    assert answered(url)


def test_concat_doubling_hits_the_memory_limit_and_the_worker_is_replaced(
    served: tuple[str, object],
) -> None:
    url, server = served
    before = server.kg.pool.replaced  # type: ignore[attr-defined]
    response = ask(url, CONCAT)  # past 120 s: requests raises, a hang fails the test
    assert response.status_code == 503, response.text
    assert "memory limit of 768 MiB" in response.text or "time limit" in response.text
    assert server.kg.pool.replaced == before + 1  # type: ignore[attr-defined]
    assert answered(url)


def test_cartesian_count_is_stopped_at_the_time_limit(served: tuple[str, object]) -> None:
    url = served[0]
    response = ask(url, CARTESIAN)
    assert response.status_code == 503 and "time limit of 3 s" in response.text
    assert "Retry-After" not in response.headers  # asked again, it would stop again
    assert answered(url)


def test_a_query_that_ran_past_its_limit_is_refused_at_once_until_the_store_changes(
    tmp_path: Path,
) -> None:
    """Asked again on the same store, a query that ran past the time limit gets its 503 at
    once: it does not hold a worker for the whole limit again (other clients would queue)."""
    settings = ServeSettings(workers=1, time_limit=3.0)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        pool = server.kg.pool
        first = ask(server.url, CARTESIAN)
        assert first.status_code == 503 and "time limit of 3 s" in first.text
        replaced = pool.replaced
        again = ask(server.url, CARTESIAN)
        assert again.status_code == 503 and "ran past the time limit of 3 s" in again.text
        assert "Retry-After" not in again.headers  # refused until the store changes
        commented = ask(server.url, "# the same, with a comment\n" + CARTESIAN.replace(" ", "\n"))
        assert commented.status_code == 503 and "ran past the time limit" in commented.text
        assert pool.replaced == replaced  # no worker ran either, so none was stopped
        assert answered(server.url)
        writer = ox.Store(str(tmp_path / "store"))  # a run loads something: a new version
        writer.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }")
        writer.flush()
        del writer
        server.kg.check_store(force=True)  # it may run again on the new version
        third = ask(server.url, CARTESIAN)
        assert third.status_code == 503 and "time limit of 3 s" in third.text
        assert pool.replaced == replaced + 1


def test_service_is_refused_and_reaches_nothing(served: tuple[str, object], trap: Trap) -> None:
    url = served[0]
    for target in (trap.url, "http://127.0.0.1:1/x"):
        query = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
        response = ask(url, query)
        assert response.status_code == 403 and "SERVICE" in response.text
        silent = ask(url, f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}")
        assert silent.status_code == 403
    variable = ask(url, "SELECT * WHERE { BIND(<x:y> AS ?e) SERVICE ?e { ?s ?p ?o } }")
    assert variable.status_code == 403
    hidden = ask(url, f'SELECT * WHERE {{ ?s ?p "SERVICE" . ?s <{trap.url}> ?o }}')
    assert hidden.status_code == 200  # the word in a string or an IRI is not a SERVICE call
    assert trap.connections() == 0
    assert answered(url)


def test_no_way_of_writing_service_reaches_the_network(
    served: tuple[str, object], trap: Trap
) -> None:
    url = served[0]
    for name, text in SERVICE_TRICKS.items():
        response = ask(url, text % trap.url)
        assert response.status_code == 403 and "SERVICE" in response.text, name
    assert trap.connections() == 0
    assert answered(url)


def test_updates_can_neither_load_nor_call_a_service(tmp_path: Path, trap: Trap) -> None:
    from scholarkg.serve import make_server
    from scholarkg.store.embedded import EmbeddedStore

    def update(server_url: str, text: str) -> requests.Response:
        return requests.post(server_url + "update", data={"update": text}, timeout=120)

    EmbeddedStore(tmp_path / "rw").close()
    settings = ServeSettings(workers=1, time_limit=3.0)
    with EmbeddedStore(tmp_path / "rw", read_only=True) as store:
        server = make_server(store, allow_updates=True, settings=settings).start()
        try:
            for name, text in LOAD_TRICKS.items():
                response = update(server.url, text % trap.url)
                assert response.status_code == 403 and "LOAD" in response.text, name
            smuggled = SERVICE_TRICKS["escaped IRI, quote"].replace(
                "SELECT *", "DELETE { ?s ?p ?o }"
            )
            response = update(server.url, smuggled % trap.url)
            assert response.status_code == 403 and "SERVICE" in response.text
            assert trap.connections() == 0
            insert = "INSERT DATA { <urn:x:a> <urn:x:p> <urn:x:b> }"
            assert update(server.url, insert).status_code == 204
        finally:
            server.stop()


def test_an_operator_chain_is_refused_before_any_worker_runs(served: tuple[str, object]) -> None:
    """12,000 negations, 12 KB, crashed a worker; the guard counts them as nesting."""
    url, server = served
    before = server.kg.pool.replaced  # type: ignore[attr-defined]
    response = ask(url, DEEP["negations"])
    assert response.status_code == 400 and "query refused: nested at least 65 deep" in response.text
    assert server.kg.pool.replaced == before  # type: ignore[attr-defined]
    assert answered(url)


def test_an_allowed_service_never_echoes_the_upstream_body(
    served: tuple[str, object], secret_endpoint: SecretEndpoint
) -> None:
    url = served[0]
    allowed = secret_endpoint.url + "-allowed"
    response = ask(url, f"SELECT * WHERE {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}")
    assert response.status_code >= 400
    assert "SECRET" not in response.text
    assert secret_endpoint.hits  # federation on: the allowed endpoint was asked
    secret_endpoint.hits.clear()


def test_a_crash_in_the_engine_is_an_error_and_the_server_keeps_serving(tmp_path: Path) -> None:
    settings = ServeSettings(workers=1, max_nesting=100_000, max_query_bytes=1_000_000)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        response = ask(server.url, NESTED)
        assert response.status_code == 500
        assert "crashed" in response.text
        assert answered(server.url)


def test_cli_query_has_the_same_limits(
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    config = tmp_path / "c.toml"
    config.write_text("[serve]\ntime_limit = 3.0\nmemory_limit_mb = 768\n", encoding="utf-8")
    deep = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    assert main(["query", "--sparql", deep, "--config", str(config)]) == 1
    assert "nested at least 65 deep" in capsys.readouterr().err
    assert main(["query", "--sparql", CONCAT, "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and ("memory limit" in err or "time limit" in err)
    assert main(["query", "--sparql", CARTESIAN, "--config", str(config)]) == 1
    assert "time limit of 3 s" in capsys.readouterr().err
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"
    assert main(["query", "--sparql", service, "--config", str(config)]) == 1
    assert "SERVICE" in capsys.readouterr().err


def test_cli_query_refuses_a_smuggled_service(
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    trap: Trap,
) -> None:
    monkeypatch.setenv("SCHOLARKG_STORE", str(store_path))
    config = tmp_path / "c.toml"
    config.write_text("[serve]\ntime_limit = 3.0\n", encoding="utf-8")
    for name in ("escaped IRI, quote", "escaped IRI, hash", "SERVICE:x"):
        text = SERVICE_TRICKS[name] % trap.url
        assert main(["query", "--sparql", text, "--config", str(config)]) == 1
        assert "SERVICE" in capsys.readouterr().err, name
    assert trap.connections() == 0


def test_a_query_that_allocates_without_bound_stops_at_the_memory_limit(tmp_path: Path) -> None:
    """The time limit set far away, so only the memory limit can stop the doubling CONCAT."""
    settings = ServeSettings(workers=1, time_limit=300.0, memory_limit_mb=512)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        before = server.kg.pool.replaced
        response = ask(server.url, CONCAT)
        assert response.status_code == 503, response.text  # a limit, like the time limit
        assert "memory limit of 512 MiB" in response.text
        assert server.kg.pool.replaced == before + 1
        assert answered(server.url)
        again = ask(server.url, CONCAT)  # it would be stopped again: refused, no worker used
        assert again.status_code == 503
        assert "it exceeded the memory limit of 512 MiB" in again.text
        assert server.kg.pool.replaced == before + 1


def test_a_query_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    settings = ServeSettings(workers=1, max_query_bytes=2000, max_body_bytes=65536)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        response = ask(server.url, "ASK {} #" + "x" * 5000)  # within the body limit
        assert response.status_code == 413
        assert "more than the limit of 2000" in response.text
        assert answered(server.url)


def test_both_ways_of_running_out_of_memory_are_the_memory_limit() -> None:
    """The allocator stopping the worker (above) and the engine raising MemoryError in it give
    one answer: 503, marked as the memory limit, so the server refuses the repeat at once."""
    from scholarkg.serve.job_errors import failure_error
    from scholarkg.serve.jobs import JobFailure

    error = failure_error(JobFailure("memory", "the query ran out of memory"))
    assert getattr(error, "status", None) == 503
    assert getattr(error, "limit", None) == "memory"
