"""An error line names its URL with a long query value (a resumptionToken up to 8 KB) cut to
its first 40 characters and its length; the error's ``source`` keeps the URL whole. Before,
the line held the whole 8 KB token."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import fast_policy
from loopback import Scripted
from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.raw_archive import RawArchive

TOKEN = "a1b2" * 2048  # 8192 characters


def test_a_failed_request_with_a_long_token_names_it_short(tmp_path: Path) -> None:
    server = Scripted("text/xml", b"", "999 Odd")
    params = {"verb": "ListRecords", "resumptionToken": TOKEN}
    try:
        with (
            HttpClient(RawArchive(tmp_path / "raw"), fast_policy()) as http,
            pytest.raises(ExtractError) as caught,
        ):
            http.get(f"{server.url}/oai", params)
    finally:
        server.close()
    said = str(caught.value)
    assert said == (
        f"{server.url}/oai?verb=ListRecords&resumptionToken={TOKEN[:40]}…[8152 more characters]: "
        "HTTP 999: a status HTTP does not define"
    )
    assert caught.value.source.endswith(TOKEN)


def test_short_values_and_parse_errors() -> None:
    url = "https://x.org/api/query?search_query=ti%3Ax&start=0"
    assert str(ExtractError(url, "HTTP 500")) == f"{url}: HTTP 500"
    long = f"https://x.org/oai?resumptionToken={TOKEN}&verb=ListRecords"
    said = str(ParseError(long, "not XML", line=3))
    cut = f"resumptionToken={TOKEN[:40]}…[8152 more characters]"
    assert said == f"https://x.org/oai?{cut}&verb=ListRecords:3: not XML"
