"""arXiv API paging that ends: pages that bring nothing new, a page cap, a deadline, arXiv's
offset cap; and records with an oversize text value quarantined, whichever door they come by.
"""

from __future__ import annotations

import re

import pytest

from arxiv_replay import ATOM_DIR, Fault, ReplayServer
from harvest_pages import HEP_EX
from scholarkg.errors import ExtractError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.limits import Limits

pytest_plugins = ("arxiv_fixtures",)

ONE_ENTRY = (ATOM_DIR / "id_1707.08567_s0_m100_6a1afebfc6a3.xml").read_bytes()
TITLE = "Testing Deep Learning Models"


def client(server: ReplayServer, http: HttpClient, **limits: float) -> ArxivApiClient:
    return ArxivApiClient(http, base_url=server.api_url, limits=Limits(**limits))  # type: ignore[arg-type]


def test_pages_that_repeat_entries_stop_at_once(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    # Every page is the same one entry, and the feed claims a million results.
    endless = re.sub(
        rb"<opensearch:totalResults[^>]*>\d+<", b"<opensearch:totalResults>1000000<", ONE_ENTRY
    )
    assert b">1000000<" in endless
    arxiv_server.add_fault(Fault("status", status=200, body=endless), times=-1)
    result = client(arxiv_server, arxiv_http).search_title(TITLE, max_results=5)
    assert len(arxiv_server.requests) == 2  # the second page brought nothing new: stop
    assert [r.arxiv_id for r in result.records] == ["1707.08567"]
    assert not result.complete and result.problem is not None
    assert "no new records" in result.problem


def test_page_cap(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> None:
    api = client(arxiv_server, arxiv_http, search_max_pages=3)
    result = api.search("testing", max_results=60, page_size=10)
    assert len(arxiv_server.requests) == 3 and len(result.records) == 30
    assert not result.complete and "[limits] search_max_pages = 3" in (result.problem or "")


def test_deadline(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> None:
    api = client(arxiv_server, arxiv_http, search_deadline=0.001)
    result = api.search("testing", max_results=60, page_size=10)
    assert len(arxiv_server.requests) == 1 and len(result.records) == 10
    assert not result.complete and "[limits] search_deadline = 0.001" in (result.problem or "")


def test_offset_never_passes_arxivs_cap(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> None:
    page = (ATOM_DIR / "id_1605.08386_s0_m100_199195aa31ad.xml").read_bytes()
    huge = re.sub(rb"<opensearch:totalResults[^>]*>\d+<", b"<opensearch:totalResults>99999<", page)
    arxiv_server.add_fault(Fault("status", status=200, body=huge), times=-1)
    result = client(arxiv_server, arxiv_http).search("x", start=29_999, max_results=1)
    asked = [(r.param("start"), r.param("max_results")) for r in arxiv_server.requests]
    assert asked == [("29999", "1")] and len(result.records) == 1


def big_abstract(body: bytes, size: int) -> bytes:
    return re.sub(
        rb"<summary>.*?</summary>",
        b"<summary>" + b"x" * size + b"</summary>",
        body,
        count=1,
        flags=re.S,
    )


def test_api_record_with_an_oversize_abstract_is_quarantined() -> None:
    feed = parse_feed(big_abstract(ONE_ENTRY, 2_000_000), source="u")
    assert feed.entries == ()
    (bad,) = feed.quarantined
    assert "[limits] literal_bytes = 1048576" in bad.reason and bad.line > 0
    assert len(bad.text) < 70_000  # clipped
    assert len(parse_feed(ONE_ENTRY, source="u", limits=Limits(literal_bytes=10)).entries) == 0


def test_oai_record_with_an_oversize_abstract_is_quarantined_the_rest_kept() -> None:
    # 20 MB: past libxml2's default 10 MB text-node limit too, so the page must still parse
    body = re.sub(
        rb"<abstract>.*?</abstract>", b"<abstract>" + b"y" * 20_000_000 + b"</abstract>",
        HEP_EX, count=1, flags=re.S,
    )  # fmt: skip
    page = parse_oai_response(body, source="x", container="ListRecords")
    assert [r.header.arxiv_id for r in page.records] == ["1706.09418", "1707.00874"]
    (bad,) = page.quarantined
    assert "abstract is 20000000 bytes" in bad.reason and "literal_bytes" in bad.reason


def test_huge_text_is_read_only_in_documents_that_cannot_declare_entities() -> None:
    from scholarkg.errors import ParseError

    huge = b"<feed xmlns='http://www.w3.org/2005/Atom'><title>" + b"z" * 11_000_000 + b"</title>"
    assert parse_feed(huge + b"</feed>", source="u").entries == ()
    with pytest.raises(ParseError):  # a DOCTYPE keeps libxml2's limits (and is refused anyway)
        parse_feed(b"<!DOCTYPE feed>" + huge + b"</feed>", source="u")
    with pytest.raises(ParseError, match="Text node too long"):  # so does one it is found in
        parse_feed((huge + b"<!-- <!DOCTYPE --></feed>").decode().encode("utf-16"), source="u")
    # UTF-16 is searched as UTF-16 (before: it kept the limits, 'Text node too long')
    assert parse_feed((huge + b"</feed>").decode().encode("utf-16"), source="u").entries == ()
    with pytest.raises(ParseError, match="DOCTYPE"):
        parse_feed((b"<!DOCTYPE feed>" + huge + b"</feed>").decode().encode("utf-16"), source="u")


def with_total(name: str, total: str) -> bytes:
    page = (ATOM_DIR / name).read_bytes()
    said = f"<opensearch:totalResults>{total}<".encode()
    return re.sub(rb"<opensearch:totalResults[^>]*>[^<]*<", said, page)


@pytest.mark.parametrize(
    ("first", "second", "records", "said"),
    [
        ("-5", None, 10, "totalResults=-5 although the page at start=0 held 10 entries"),
        ("214881", "3", 20, "totalResults=3 although the page at start=10 held 10 entries"),
    ],
)
def test_a_total_below_what_the_server_sent_is_a_partial_result(
    arxiv_server: ReplayServer,
    arxiv_http: HttpClient,
    first: str,
    second: str | None,
    records: int,
    said: str,
) -> None:
    """A ``totalResults`` that is negative, or smaller than the offset of a page that still
    held entries, is a count the server's own answers refute: paging stops, keeps what came
    and says why. Before, such a count ended paging as if the list were complete
    (``complete=True``, the later pages never asked for)."""
    arxiv_server.add_fault(
        Fault("status", body=with_total("q_testing_s0_m10_bc5a6c384fe9.xml", first)), times=1
    )
    if second is not None:
        body = with_total("q_testing_s10_m10_34e56e15aaac.xml", second)
        arxiv_server.add_fault(Fault("status", body=body), times=1)
    result = client(arxiv_server, arxiv_http).search("testing", max_results=30, page_size=10)
    assert len(result.records) == records and len(arxiv_server.requests) == records // 10
    assert not result.complete and result.problem is not None
    assert said in result.problem and f"stopped with {records} records" in result.problem
    with pytest.raises(ExtractError, match="is no count of them"):
        result.raise_if_incomplete()


def test_a_total_reached_exactly_is_complete(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """The count the pages end at is no lie: a list of exactly 20 ends complete after 2 pages."""
    for name in ("q_testing_s0_m10_bc5a6c384fe9.xml", "q_testing_s10_m10_34e56e15aaac.xml"):
        arxiv_server.add_fault(Fault("status", body=with_total(name, "20")), times=1)
    result = client(arxiv_server, arxiv_http).search("testing", max_results=30, page_size=10)
    assert (len(result.records), len(arxiv_server.requests)) == (20, 2)
    assert result.complete and result.problem is None and result.total_results == 20


def test_an_empty_page_with_a_negative_total_is_a_partial_result(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """An empty first page whose count is negative: nothing came, and nothing says the list is
    empty (before: complete, zero records)."""
    body = with_total("q_testing_s0_m10_bc5a6c384fe9.xml", "-1")
    body = re.sub(rb"<entry>.*?</entry>\s*", b"", body, flags=re.S)
    arxiv_server.add_fault(Fault("status", body=body), times=1)
    result = client(arxiv_server, arxiv_http).search("testing", max_results=30, page_size=10)
    assert (len(result.records), len(arxiv_server.requests)) == (0, 1)
    assert not result.complete
    assert "totalResults=-1 although the page at start=0 held 0 entries" in (result.problem or "")
