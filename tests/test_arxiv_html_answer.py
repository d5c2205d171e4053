"""A ``200 OK`` that is an HTML page (a maintenance notice, a proxy's or captive portal's page)
where the arXiv API or OAI-PMH answer should be: one clear error naming the URL and saying it is
HTML. Before, the error read "XML with a DOCTYPE is refused (entity expansion risk)" (an attack
suspected) or "not well-formed XML: Opening and ending tag mismatch" (a damaged answer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import fast_policy
from loopback import Scripted
from scholarkg.errors import ParseError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.extract.raw_archive import RawArchive

PAGES = [
    b"<!DOCTYPE html>\n<html><head><title>arXiv is down</title></head>\n"
    b"<body><p>Scheduled maintenance<br></p></body></html>\n",
    b"\xef\xbb\xbf  <HTML><body><p>Service Unavailable<br></body></HTML>",
    b'<!doctype HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">\n<html><body>x</body></html>',
]


@pytest.mark.parametrize("page", PAGES)
def test_an_html_page_for_an_api_answer_says_so(tmp_path: Path, page: bytes) -> None:
    server = Scripted("text/html; charset=utf-8", page)
    archive = RawArchive(tmp_path / "raw")
    try:
        with HttpClient(archive, fast_policy()) as http:
            api = ArxivApiClient(http, base_url=f"{server.url}/api/query")
            with pytest.raises(ParseError) as caught:
                api.query_page(search_query="ti:x")
    finally:
        server.close()
    said = str(caught.value)
    assert said.startswith(f"{server.url}/api/query?search_query=ti%3Ax")
    assert "an HTML page, not XML" in said and "\n" not in said
    assert len(list((tmp_path / "raw").rglob("*.json"))) >= 1  # archived before it was read


@pytest.mark.parametrize("page", PAGES)
def test_an_html_page_for_an_oai_answer_says_so(tmp_path: Path, page: bytes) -> None:
    server = Scripted("text/html", page)
    try:
        with HttpClient(RawArchive(tmp_path / "raw"), fast_policy()) as http:
            oai = OaiPmhClient(http, base_url=f"{server.url}/oai")
            with pytest.raises(ParseError, match="an HTML page, not XML") as caught:
                oai.fetch_page(metadata_prefix="arXiv", set_spec="cs")
    finally:
        server.close()
    assert str(caught.value).startswith(f"{server.url}/oai?verb=ListRecords")
