"""Which redirects a fetch follows: within the source's own host, never from https to http, at
most five in a row; the answer archived as the URL that gave it.

Before, ``requests`` followed up to 30 redirects to any host, https to http included; the answer
was archived, spaced and counted by the rate limit as the URL first asked. Two loopback replay
servers on different ports are two hosts (origins): the first redirects to the second.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arxiv_replay import Fault, ReplayServer, fast_policy
from scholarkg.errors import ExtractError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.raw_archive import RawArchive
from scholarkg.extract.redirects import MAX_REDIRECTS, next_hop

pytest_plugins = ("arxiv_fixtures",)

ID_QUERY = {"id_list": "1605.08386"}
TARGET = "/api/query?id_list=1605.08386"


@pytest.fixture
def elsewhere() -> Iterator[ReplayServer]:
    server = ReplayServer().start()
    try:
        yield server
    finally:
        server.stop()


def test_a_redirect_to_another_host_is_one_line_naming_the_source_and_the_location(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive, elsewhere: ReplayServer
) -> None:
    location = elsewhere.base_url + TARGET
    arxiv_server.add_fault(Fault("redirect", status=302, headers={"Location": location}))
    asked: list[str] = []
    client = HttpClient(arxiv_archive, fast_policy(), before_request=asked.append)
    with client, pytest.raises(ExtractError) as failure:
        client.get(arxiv_server.api_url, ID_QUERY)
    line = str(failure.value)
    assert "\n" not in line and line.startswith(arxiv_server.api_url)
    assert f"redirected to {location}: another host or port, not followed" in line
    assert elsewhere.requests == []  # before: asked, and its answer archived as arXiv's
    assert list(arxiv_archive.retrievals()) == []
    assert asked == [f"{arxiv_server.api_url}?id_list=1605.08386"]


def test_a_redirect_within_the_host_is_followed_and_archived_as_the_url_that_answered(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("redirect", status=301, headers={"Location": TARGET + "&moved=1"}))
    asked: list[str] = []
    with HttpClient(arxiv_archive, fast_policy(), before_request=asked.append) as client:
        answer = client.get(arxiv_server.api_url, ID_QUERY)
    source = f"{arxiv_server.api_url}?id_list=1605.08386"
    final = f"{arxiv_server.base_url}{TARGET}&moved=1"
    assert answer.status == 200 and b"<feed" in answer.body
    assert (answer.url, answer.final_url, answer.archived.source) == (source, final, final)
    assert asked == [source, final]  # each hop is counted by the shared rate limit
    [logged] = arxiv_archive.retrievals()  # the redirect itself is no answer: not archived
    assert (logged["source"], logged["requested"]) == (final, source)
    assert [r.raw_query for r in arxiv_server.requests_to("/api/query")] == [
        "id_list=1605.08386",
        "id_list=1605.08386&moved=1",
    ]


def test_redirects_in_a_row_end_after_a_bounded_number_of_hops(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("redirect", status=307, headers={"Location": TARGET}), times=-1)
    client = HttpClient(arxiv_archive, fast_policy())
    with client, pytest.raises(ExtractError) as failure:
        client.get(arxiv_server.api_url, ID_QUERY)
    assert f"more than {MAX_REDIRECTS} redirects in a row" in str(failure.value)
    assert len(arxiv_server.requests) == MAX_REDIRECTS + 1  # before: 31


@pytest.mark.parametrize(
    ("current", "location", "why"),
    [
        ("https://export.arxiv.org/api/query", "http://export.arxiv.org/api/q", "down to http"),
        ("http://export.arxiv.org/api/query", "https://evil.example/api", "another host"),
        ("http://127.0.0.1:8080/api", "http://127.0.0.1:8081/api", "another host or port"),
        ("http://127.0.0.1:8080/api", "http://localhost:8080/api", "another host or port"),
        ("http://127.0.0.1:8080/api", "https://127.0.0.1:443/api", "another host or port"),
        ("http://export.arxiv.org/api", "ftp://export.arxiv.org/api", "not an http(s) URL"),
        ("http://export.arxiv.org/api", "http://export.arxiv.org:99999/", "not followed"),
    ],
)
def test_a_hop_off_the_source_s_host_or_down_to_http_is_refused(
    current: str, location: str, why: str
) -> None:
    # https cannot be served on loopback here without a certificate: the rule itself, alone
    with pytest.raises(ExtractError) as failure:
        next_hop(current, current, location, 0)
    line = str(failure.value)
    assert line.startswith(current) and location in line and why in line and "\n" not in line


@pytest.mark.parametrize(
    ("current", "location", "followed"),
    [
        ("http://export.arxiv.org/api?x=1", "https://export.arxiv.org/api?x=1", None),
        ("https://export.arxiv.org/a", "/b#part", "https://export.arxiv.org/b"),
        ("http://Export.ArXiv.org:80/a", "https://export.arxiv.org:443/a", None),
        ("http://127.0.0.1:8080/api", "?start=10", "http://127.0.0.1:8080/api?start=10"),
    ],
)
def test_a_hop_within_the_host_or_up_to_https_is_followed(
    current: str, location: str, followed: str | None
) -> None:
    assert next_hop(current, current, location, 0) == (followed or location)


def test_a_location_with_control_characters_is_shown_escaped_on_one_line() -> None:
    with pytest.raises(ExtractError) as failure:
        next_hop("http://a.example/", "http://a.example/", "http://b.example/\x1b[2J", 0)
    assert "\\u001b[2J" in str(failure.value) and "\x1b" not in str(failure.value)
