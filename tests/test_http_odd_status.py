"""A status no request asked for or HTTP defines is one clear error naming the URL and status:
an unasked ``304 Not Modified`` (no If-None-Match / If-Modified-Since sent) read before as an
answer ("Document is empty"), ``999`` (any code HTTP does not define) as a success, and a
``302`` or ``300`` without a Location (a redirection not followed), whose body was read as the
answer (an Atom feed sent with it: its ids missing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import fast_policy
from loopback import Scripted
from scholarkg.errors import ExtractError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.extract.raw_archive import RawArchive

ATOM = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>'
STATUSES = ["304 Not Modified", "999 Whatever", "299 Fine", "302 Found", "300 Multiple Choices"]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("door", ["api", "oai"])
def test_an_odd_status_is_one_error_naming_url_and_status(
    tmp_path: Path, status: str, door: str
) -> None:
    server = Scripted("application/atom+xml", b"" if status.startswith("304") else ATOM, status)
    try:
        with (
            HttpClient(RawArchive(tmp_path / "raw"), fast_policy()) as http,
            pytest.raises(ExtractError) as caught,
        ):
            if door == "api":
                ArxivApiClient(http, base_url=f"{server.url}/api/query").query_page(
                    search_query="ti:x"
                )
            else:
                OaiPmhClient(http, base_url=f"{server.url}/oai").fetch_page(metadata_prefix="arXiv")
    finally:
        server.close()
    said = str(caught.value)
    path = "/api/query?search_query=ti%3Ax" if door == "api" else "/oai?verb=ListRecords"
    assert said.startswith(f"{server.url}{path}"), said
    assert f"HTTP {status.split()[0].lstrip('0')}" in said and "\n" not in said, said
    assert "Document is empty" not in said


def test_a_304_to_a_conditional_request_is_an_answer(tmp_path: Path) -> None:
    server = Scripted("text/html", b"", "304 Not Modified")
    try:
        with HttpClient(RawArchive(tmp_path / "raw"), fast_policy()) as http:
            response = http.get(f"{server.url}/p", if_none_match='"abc"')
    finally:
        server.close()
    assert response.not_modified
