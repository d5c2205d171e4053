"""ArxivApiClient against the replay server serving recorded arXiv API answers."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from arxiv_replay import ATOM_DIR, Fault, ReplayServer
from scholarkg.config import load_config
from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract.arxiv_api import (
    DEFAULT_API_URL,
    ArxivApiClient,
    api_url,
    title_query,
)
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.http import HttpClient
from scholarkg.extract.raw_archive import RawArchive

pytest_plugins = ("arxiv_fixtures",)

PAGE_100 = next(ATOM_DIR.glob("q_testing_s0_m100_*.xml"))


@pytest.fixture
def api(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> ArxivApiClient:
    return ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url, empty_page_retries=2)


@pytest.fixture(scope="module")
def ranking() -> list[str]:
    """The ids of search_query=testing in recorded order (the 100-entry page)."""
    return [r.arxiv_id for r in parse_feed(PAGE_100.read_bytes(), source="x").records]


def starts(arxiv_server: ReplayServer) -> list[int]:
    return [int(r.param("start") or 0) for r in arxiv_server.requests_to("/api/query")]


def test_base_url_from_config(monkeypatch: pytest.MonkeyPatch, arxiv_server: ReplayServer) -> None:
    """The client takes the configured URL; the environment reaches it through the config."""
    monkeypatch.delenv("SCHOLARKG_ARXIV_API_URL", raising=False)
    assert api_url() == DEFAULT_API_URL == load_config().arxiv.api_url
    monkeypatch.setenv("SCHOLARKG_ARXIV_API_URL", arxiv_server.api_url)
    assert api_url() == DEFAULT_API_URL  # the library itself reads no environment
    assert api_url(load_config().arxiv.api_url) == arxiv_server.api_url
    assert api_url("https://other/api") == "https://other/api"


def test_fetch_one_id(api: ArxivApiClient, arxiv_server: ReplayServer) -> None:
    result = api.fetch_by_ids(["1605.08386"])
    (record,) = result.records
    assert record.title == "Heat-bath random walks with Markov bases"
    assert [a.name for a in record.authors] == ["Caprice Stanley", "Tobias Windisch"]
    assert result.missing == () and result.invalid == ()
    (request,) = arxiv_server.requests
    assert request.param("id_list") == "1605.08386" and request.param("max_results") == "1"
    assert record.source == f"{arxiv_server.api_url}?{request.raw_query}"
    assert result.archived[0].read_bytes().startswith(b"<?xml")


# 1707.99999: an id of the right form no e-print has (1707 numbered fewer than 13 000); arXiv's
# answers are the recorded ones for 0808.05394, an id it gave no entry for (served for it)
NO_SUCH = "1707.99999"
DROPPED = "atom/id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.xml"
EMPTY = "atom/id_0808.05394_s0_m100_7b0c7d0a7cdd.xml"


def test_dropped_id_is_reported_missing(api: ArxivApiClient, arxiv_server: ReplayServer) -> None:
    arxiv_server.add_fault(Fault("serve", fixture=DROPPED), id_list=f"{NO_SUCH},1707.08567")
    result = api.fetch_by_ids([NO_SUCH, "1707.08567"], batch_size=2)
    assert [r.arxiv_id for r in result.records] == ["1707.08567"]
    assert result.missing == (NO_SUCH,)
    (request,) = arxiv_server.requests
    assert f"id_list={NO_SUCH}%2C1707.08567" in request.raw_query
    assert request.param("max_results") == "2"


def test_empty_feed_means_missing(api: ArxivApiClient, arxiv_server: ReplayServer) -> None:
    arxiv_server.add_fault(Fault("serve", fixture=EMPTY), id_list=NO_SUCH)
    result = api.fetch_by_ids([NO_SUCH])
    assert result.records == () and result.missing == (NO_SUCH,)
    assert len(arxiv_server.requests) == 1
    # arXiv answers 0000.0000 and 0808.05394 with an empty feed too, but month 00 is no
    # identifier, nor 5 digits in 2008 (before, 0808.05394 was sent): neither is sent
    assert api.fetch_by_ids(["0000.0000", "0808.05394"]).invalid == ("0000.0000", "0808.05394")
    assert len(arxiv_server.requests) == 1


def test_old_style_and_versioned_ids(api: ArxivApiClient, arxiv_server: ReplayServer) -> None:
    result = api.fetch_by_ids(
        ["astro-ph/0601001", "quant-ph/0201082v1", "arXiv:2104.12255v1"], batch_size=1
    )
    assert result.missing == ()
    assert set(result.matched) == {"astro-ph/0601001", "quant-ph/0201082v1", "2104.12255v1"}
    assert result.matched["quant-ph/0201082v1"].title.startswith("Quantum Computers and Quantum")
    assert result.matched["2104.12255v1"].title == "0"
    sent = [r.param("id_list") for r in arxiv_server.requests]
    assert sent == ["astro-ph/0601001", "quant-ph/0201082v1", "2104.12255v1"]
    assert "id_list=astro-ph%2F0601001" in arxiv_server.requests[0].raw_query


def test_versioned_id_needs_that_version(api: ArxivApiClient, arxiv_server: ReplayServer) -> None:
    # The recorded answer for id_list=2104.12255v1 is version 1; asking for v2 must not match it.
    arxiv_server.add_fault(
        Fault("serve", fixture="atom/id_2104.12255v1_s0_m100_6ae69987ffe1.xml"),
        id_list="2104.12255v2",
    )
    result = api.fetch_by_ids(["2104.12255v2"])
    assert result.records == () and result.missing == ("2104.12255v2",)


def test_invalid_ids_are_reported_not_sent(api: ArxivApiClient, arxiv_server: ReplayServer) -> None:
    result = api.fetch_by_ids(["abc", "1605.08386", "1605.08386"])
    assert result.invalid == ("abc",)
    assert [r.arxiv_id for r in result.records] == ["1605.08386"]
    assert len(arxiv_server.requests) == 1


@pytest.mark.parametrize("other", [True, False])
def test_an_id_answered_twice_keeps_its_first_entry(
    api: ArxivApiClient, arxiv_server: ReplayServer, other: bool
) -> None:
    """CONSTRUCTED: the recorded answer for 1605.08386 with its entry twice, the second with
    another title (``other``) or alike. Another copy is quarantined as a snapshot's later line
    is, ``duplicate of arXiv id … at line …``, and the first entry is the record; a copy alike is
    the one record. Before, the later copy with another title was dropped without a word."""
    body = next(ATOM_DIR.glob("id_1605.08386_*.xml")).read_bytes()
    head, rest = body.split(b"<entry>", 1)
    entry, tail = rest.split(b"</entry>", 1)
    copy = entry.replace(b"Heat-bath random walks", b"Cold-bath random walks") if other else entry
    answer = head + b"<entry>" + entry + b"</entry>\n  <entry>" + copy + b"</entry>" + tail
    arxiv_server.add_fault(Fault("status", status=200, body=answer))
    result = api.fetch_by_ids(["1605.08386", "1707.08567"])
    assert [r.title for r in result.records] == ["Heat-bath random walks with Markov bases"]
    assert result.missing == ("1707.08567",)
    first = result.records[0].line
    said = [f"duplicate of arXiv id 1605.08386 at line {first}"] if other else []
    assert [q.reason for q in result.quarantined] == said
    if other:
        assert "Cold-bath" in result.quarantined[0].text


def test_error_feed_raises_with_message(
    api: ArxivApiClient, arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    with pytest.raises(ExtractError, match="incorrect id format for abc") as caught:
        api.query_page(id_list=["abc"], max_results=100)
    assert caught.value.status == 400
    assert len(arxiv_server.requests) == 1  # a 400 is not retried
    (logged,) = arxiv_archive.retrievals()
    assert logged["status"] == 400  # archived before it was parsed


def test_unparseable_body_is_archived_before_parsing(
    api: ArxivApiClient, arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("status", status=200, body=b"<feed><entry>"))
    with pytest.raises(ParseError):
        api.fetch_by_ids(["1605.08386"])
    (logged,) = arxiv_archive.retrievals()
    assert arxiv_archive.get(str(logged["sha256"])).read_bytes() == b"<feed><entry>"


def test_http_404_is_an_extract_error(
    api: ArxivApiClient, arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("status", status=404, body=b"gone"))
    with pytest.raises(ExtractError, match="HTTP 404") as caught:
        api.fetch_by_ids(["1605.08386"])
    assert caught.value.status == 404
    assert [r["status"] for r in arxiv_archive.retrievals()] == [404]


def test_search_pages_in_order(
    api: ArxivApiClient, arxiv_server: ReplayServer, ranking: list[str]
) -> None:
    result = api.search("testing", max_results=60, page_size=10)
    assert starts(arxiv_server) == [0, 10, 20, 30, 40, 50]
    assert [r.param("max_results") for r in arxiv_server.requests] == ["10"] * 6
    assert [r.arxiv_id for r in result.records] == ranking[:60]
    assert result.complete and result.total_results == 214881
    assert len(result.archived) == 6


@pytest.mark.parametrize(
    ("page_size", "overlap", "wanted", "expected_starts"),
    [(10, 5, 20, [0, 5, 10]), (15, 6, 24, [0, 9])],
)
def test_overlapping_pages_are_deduplicated(
    api: ArxivApiClient,
    arxiv_server: ReplayServer,
    ranking: list[str],
    page_size: int,
    overlap: int,
    wanted: int,
    expected_starts: list[int],
) -> None:
    result = api.search("testing", max_results=wanted, page_size=page_size, overlap=overlap)
    assert starts(arxiv_server) == expected_starts
    ids = [r.arxiv_id for r in result.records]
    assert ids == ranking[:wanted]
    assert len(ids) == len(set(ids))
    served = sum(int(r.param("max_results") or 0) for r in arxiv_server.requests)
    assert served > wanted  # entries really came twice and were kept once


def test_empty_page_mid_paging_is_retried(
    api: ArxivApiClient, arxiv_server: ReplayServer, ranking: list[str]
) -> None:
    arxiv_server.add_fault(Fault("empty_page"), start="20", times=1)
    result = api.search("testing", max_results=30, page_size=10)
    assert starts(arxiv_server) == [0, 10, 20, 20]
    assert result.complete and [r.arxiv_id for r in result.records] == ranking[:30]


def test_empty_page_that_stays_empty_gives_partial_result(
    api: ArxivApiClient, arxiv_server: ReplayServer, ranking: list[str]
) -> None:
    arxiv_server.add_fault(Fault("empty_page"), start="20", times=-1)
    result = api.search("testing", max_results=40, page_size=10)
    assert starts(arxiv_server) == [0, 10, 20, 20, 20]  # 1 try + 2 retries
    assert not result.complete
    assert result.problem is not None and "start=20" in result.problem
    assert "totalResults=214881" in result.problem
    assert [r.arxiv_id for r in result.records] == ranking[:20]
    with pytest.raises(ExtractError, match="start=20"):
        result.raise_if_incomplete()


def test_search_respects_arxiv_caps(api: ArxivApiClient) -> None:
    with pytest.raises(ValueError, match="2000"):
        api.search("testing", page_size=2001)
    with pytest.raises(ValueError, match="30000"):
        api.search("testing", start=29990, max_results=11)
    with pytest.raises(ValueError, match="2000"):
        api.query_page(search_query="testing", max_results=2001)


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Heat-bath random walks", 'ti:"Heat bath random walks"'),
        (
            "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications",
            'ti:"Proceedings of Workshop AEW10 Concepts in Information Theory and Communications"',
        ),
        ('Cats AND "Dogs" OR (Mice) ANDNOT R\\B', 'ti:"Cats and Dogs or Mice andnot R B"'),
        ("$\\omega$Test: WebView-Oriented Testing", 'ti:"omega Test WebView Oriented Testing"'),
        ("Dirk Wübben's 0", 'ti:"Dirk Wübben s 0"'),
    ],
)  # fmt: skip
def test_title_query_escaping(title: str, query: str) -> None:
    assert title_query(title) == query


def test_title_query_rejects_empty() -> None:
    with pytest.raises(ValueError, match="no searchable words"):
        title_query(" :-() ")


def test_search_title_is_url_encoded(api: ArxivApiClient, arxiv_server: ReplayServer) -> None:
    # No title search was recorded: the replay is scripted to answer this exact query with the
    # recorded 1707.08567 feed, so the test checks what was sent and that the answer is read.
    title = "Proceedings of Workshop AEW10: Concepts in (Information) Theory AND Communications"
    phrase = 'ti:"Proceedings of Workshop AEW10 Concepts in Information Theory and Communications"'
    arxiv_server.add_fault(
        Fault("serve", fixture="atom/id_1707.08567_s0_m100_6a1afebfc6a3.xml"),
        search_query=phrase,
    )
    result = api.search_title(title, max_results=5)
    (request,) = arxiv_server.requests
    assert "search_query=ti%3A%22Proceedings+of+Workshop+AEW10+Concepts" in request.raw_query
    assert parse_qs(request.raw_query)["search_query"] == [phrase]
    assert request.param("max_results") == "5"
    assert [r.arxiv_id for r in result.records] == ["1707.08567"]
