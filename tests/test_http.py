"""HttpClient against the loopback replay server: spacing, retries, archiving, conditionals."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import math
import threading
from pathlib import Path

import pytest

from arxiv_replay import TEST_USER_AGENT, Fault, ReplayServer, fast_policy
from scholarkg.counts import count_of
from scholarkg.errors import ConfigError, ExtractError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.http_policy import HttpPolicy, build_url, parse_retry_after
from scholarkg.extract.raw_archive import RawArchive

pytest_plugins = ("arxiv_fixtures",)

ID_QUERY = {"id_list": "1605.08386"}


def gaps(starts: list[float]) -> list[float]:
    ordered = sorted(starts)
    return [b - a for a, b in itertools.pairwise(ordered)]


def test_user_agent_and_archived_body(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> None:
    response = arxiv_http.get(arxiv_server.api_url, ID_QUERY)
    assert response.status == 200
    assert b"Heat-bath random walks with Markov bases" in response.body
    assert response.archived.read_bytes() == response.body
    assert response.archived.source == response.url == f"{arxiv_server.api_url}?id_list=1605.08386"
    (request,) = arxiv_server.requests
    assert request.headers["User-Agent"] == TEST_USER_AGENT


def test_policy_requires_contact_and_sane_numbers() -> None:
    with pytest.raises(ConfigError, match="contact"):
        HttpPolicy(user_agent="scholarkg/0.1")
    with pytest.raises(ConfigError, match="min_interval"):
        HttpPolicy(user_agent="x (mailto:a@b.c)", min_interval=-1)
    assert "mailto:" in HttpPolicy().user_agent


def test_spacing_per_host_from_server_clock(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    with HttpClient(arxiv_archive, fast_policy(min_interval=0.3)) as client:
        for _ in range(3):
            client.get(arxiv_server.api_url, ID_QUERY)
    spacing = gaps([r.started for r in arxiv_server.requests])
    assert len(spacing) == 2
    assert all(gap >= 0.3 - 0.02 for gap in spacing), spacing


def test_spacing_shared_by_two_clients_in_two_threads(
    arxiv_server: ReplayServer, tmp_path: Path
) -> None:
    clients = [
        HttpClient(RawArchive(tmp_path / f"raw{i}"), fast_policy(min_interval=0.3))
        for i in range(2)
    ]
    errors: list[BaseException] = []

    def work(client: HttpClient) -> None:
        try:
            for _ in range(2):
                client.get(arxiv_server.api_url, ID_QUERY)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    spacing = gaps([r.started for r in arxiv_server.requests])
    assert len(spacing) == 3
    assert all(gap >= 0.3 - 0.02 for gap in spacing), spacing


def test_one_request_in_flight_per_host(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("sleep", seconds=0.15), times=-1)
    with HttpClient(arxiv_archive, fast_policy(min_interval=0.0)) as client:
        threads = [
            threading.Thread(target=client.get, args=(arxiv_server.api_url, ID_QUERY))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(arxiv_server.requests) == 4
    assert arxiv_server.max_in_flight == 1


def test_429_then_success(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("status", status=429, body=b"slow down"))
    response = arxiv_http.get(arxiv_server.api_url, ID_QUERY)
    assert response.status == 200
    assert response.attempts == 2
    assert len(arxiv_server.requests) == 2
    assert [r["status"] for r in arxiv_archive.retrievals()] == [429, 200]


def test_503_retry_after_is_honoured(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> None:
    arxiv_server.add_fault(Fault("status", status=503, headers={"Retry-After": "1"}))
    response = arxiv_http.get(arxiv_server.api_url, ID_QUERY)
    assert response.status == 200
    first, second = arxiv_server.requests
    assert second.started - first.started >= 1.0


def test_retry_after_longer_than_backoff_max_fails_at_once(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("status", status=503, headers={"Retry-After": "30"}))
    with (
        HttpClient(arxiv_archive, fast_policy(backoff_max=2.0)) as client,
        pytest.raises(ExtractError, match="retry after 30 s") as caught,
    ):
        client.get(arxiv_server.api_url, ID_QUERY)
    assert caught.value.status == 503
    assert len(arxiv_server.requests) == 1


def test_repeated_503_exhausts_retries(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> None:
    arxiv_server.add_fault(Fault("status", status=503), times=-1)
    with pytest.raises(ExtractError, match="gave up after 3 attempts; last: HTTP 503") as caught:
        arxiv_http.get(arxiv_server.api_url, ID_QUERY)
    assert caught.value.status == 503
    assert arxiv_server.api_url in str(caught.value)
    assert len(arxiv_server.requests) == 3  # max_retries=2


@pytest.mark.parametrize("status", [404, 400])
def test_no_retry_on_other_4xx(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, status: int
) -> None:
    arxiv_server.add_fault(Fault("status", status=status, body=b"nope"))
    response = arxiv_http.get(arxiv_server.api_url, ID_QUERY)
    assert response.status == status
    assert response.archived.read_bytes() == b"nope"
    assert len(arxiv_server.requests) == 1
    with pytest.raises(ExtractError) as caught:
        response.raise_for_status()
    assert caught.value.status == status


def test_read_timeout_retried_then_succeeds(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    # The first answer waits far past read_timeout, and the retry has 5 s for each read: a
    # busy machine makes neither side of the timeout a close call.
    arxiv_server.add_fault(Fault("sleep", seconds=60))
    with HttpClient(arxiv_archive, fast_policy(read_timeout=5.0)) as client:
        response = client.get(arxiv_server.api_url, ID_QUERY)
    assert response.status == 200
    assert response.attempts == 2


def test_read_timeout_exhausted_raises(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("sleep", seconds=60), times=-1)  # far past read_timeout
    policy = fast_policy(read_timeout=0.25, max_retries=1)
    with (
        HttpClient(arxiv_archive, policy) as client,
        pytest.raises(ExtractError, match=r"gave up after 2 attempts.*(?i:timed out)"),
    ):
        client.get(arxiv_server.api_url, ID_QUERY)
    assert len(arxiv_server.requests) == 2


def test_truncated_body_is_retried(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> None:
    arxiv_server.add_fault(Fault("truncate"))
    response = arxiv_http.get(arxiv_server.api_url, ID_QUERY)
    assert response.attempts == 2
    assert response.body.rstrip().endswith(b"</feed>")


def test_truncated_body_every_time_raises(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    arxiv_server.add_fault(Fault("truncate"), times=-1)
    with pytest.raises(ExtractError, match="gave up after 3 attempts"):
        arxiv_http.get(arxiv_server.api_url, ID_QUERY)


def test_conditional_request_returns_304(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    first = arxiv_http.get(arxiv_server.api_url, ID_QUERY)
    etag = first.headers["ETag"]
    again = arxiv_http.get(arxiv_server.api_url, ID_QUERY, if_none_match=etag)
    assert again.not_modified and again.body == b""
    assert again.archived.status == 304
    since = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    arxiv_http.get(arxiv_server.api_url, ID_QUERY, if_modified_since=since)
    assert arxiv_server.requests[1].headers["If-None-Match"] == etag
    assert arxiv_server.requests[2].headers["If-Modified-Since"] == "Fri, 02 Jan 2026 03:04:05 GMT"


def test_only_http_urls(arxiv_http: HttpClient) -> None:
    with pytest.raises(ExtractError, match="only http"):
        arxiv_http.get("file:///etc/passwd")


def test_build_url_escapes_reserved_characters() -> None:
    url = build_url("https://h/api", [("search_query", 'ti:"a b"'), ("id_list", "x/1,y")])
    assert url == "https://h/api?search_query=ti%3A%22a+b%22&id_list=x%2F1%2Cy"


def test_parse_retry_after_forms() -> None:
    now = dt.datetime(2026, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after("Fri, 01 May 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Fri, 01 May 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("\u00b2", now) is None  # str.isdigit says yes; no number of seconds
    assert parse_retry_after("9" * 400, now) == math.inf  # longer than any backoff_max
    assert parse_retry_after("9" * 5000, now) == math.inf


def test_an_unusable_retry_after_backs_off_as_without_one(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """A 503 whose Retry-After is no delta-seconds nor date ('²' raised ValueError out of
    every HTTP door) is retried with the usual back-off."""
    arxiv_server.add_fault(Fault("status", status=503, headers={"Retry-After": "\u00b2"}))
    assert arxiv_http.get(arxiv_server.api_url, ID_QUERY).status == 200
    assert len(arxiv_server.requests) == 2


def test_all_arxiv_hosts_share_one_politeness_budget() -> None:
    from scholarkg.extract.http_policy import politeness_key

    assert politeness_key("export.arxiv.org") == politeness_key("oaipmh.arxiv.org") == "arxiv.org"
    assert politeness_key("127.0.0.1") == "127.0.0.1"
    assert politeness_key("notarxiv.org") == "notarxiv.org"


@pytest.mark.parametrize("declared", ["\u00b2", "9" * 5000, "-5", "1e3"])
def test_a_content_length_that_is_no_count_is_ignored(
    arxiv_archive: RawArchive, declared: str
) -> None:
    """A loopback server answering with such a Content-Length (a superscript digit passed
    str.isdigit and raised ValueError from int, out of every HTTP door): the body is read
    as sent, to the end of the connection."""
    import socket

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(4)
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n"

    def answer() -> None:
        with contextlib.suppress(OSError):
            conn, _ = listening.accept()
            with conn:
                conn.recv(65536)
                conn.sendall(head.encode("latin-1") + b"hello")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        with HttpClient(arxiv_archive, fast_policy(max_retries=0)) as client:
            response = client.get(f"http://127.0.0.1:{listening.getsockname()[1]}/x")
        assert (response.status, response.body) == (200, b"hello")
    finally:
        listening.close()
        thread.join(10)


def test_counts_are_ascii_digits_a_machine_can_count() -> None:
    assert count_of("1162") == 1162 and count_of("0") == 0
    for junk in (None, "", "\u00b2", "\u0662", "-1", "+1", " 1", "1.0", "9" * 19):
        assert count_of(junk) is None, junk
    assert count_of("9" * 19, digits=19) == int("9" * 19)
