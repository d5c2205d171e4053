"""An answer in a Content-Encoding the client never asked for (it sends ``Accept-Encoding:
gzip, deflate``) and cannot undo (``zstd``, ``br``, a name no one knows) is refused in one line
naming the URL and the coding, not retried, nothing archived. Before, its compressed bytes were
handed on as the answer, archived as such, and the parse failed on them (``not well-formed
XML``, or worse an answer that happened to read); a coding the client can undo still reads.

CONSTRUCTED: the replay server's recorded answer for 1605.08386, compressed as each case says.
"""

from __future__ import annotations

import gzip

import pytest
import requests

from arxiv_replay import Fault, ReplayServer, fast_policy
from scholarkg.errors import ExtractError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.extract.raw_archive import RawArchive

pytest_plugins = ("arxiv_fixtures",)

ID_QUERY = {"id_list": "1605.08386"}


def retrievals(archive: RawArchive) -> int:
    return len((archive.root / "retrievals.jsonl").read_text().splitlines())


def answer(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> bytes:
    return arxiv_http.get(arxiv_server.api_url, ID_QUERY).body


@pytest.mark.parametrize("coding", ["zstd", "br", "compress", "gzip, zstd", "x-unheard-of"])
def test_a_coding_never_asked_for_is_refused_in_one_line(
    coding: str,
    arxiv_server: ReplayServer,
    arxiv_http: HttpClient,
    arxiv_archive: RawArchive,
) -> None:
    body = answer(arxiv_server, arxiv_http)
    stored = retrievals(arxiv_archive)
    fault = Fault("status", body=b"\x28\xb5\x2f\xfd" + body, headers={"Content-Encoding": coding})
    arxiv_server.add_fault(fault, path="/api/query", times=-1)
    client = ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url)
    with pytest.raises(ExtractError) as caught:
        client.fetch_by_ids(["1605.08386"])
    line = str(caught.value)
    assert "\n" not in line and "1605.08386" in line
    assert f"Content-Encoding {coding!r}" in line and "not asked for" in line
    assert len(arxiv_server.requests) == 2  # not retried
    assert retrievals(arxiv_archive) == stored  # nothing archived


@pytest.mark.parametrize("coding", ["gzip", "GZIP", "x-gzip", "identity", "gzip, identity"])
def test_a_coding_the_client_can_undo_reads(
    coding: str, arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    body = answer(arxiv_server, arxiv_http)
    sent = body if coding == "identity" else gzip.compress(body)
    fault = Fault("status", body=sent, headers={"Content-Encoding": coding})
    arxiv_server.add_fault(fault, path="/api/query")
    assert answer(arxiv_server, arxiv_http) == body


def test_the_client_asks_only_for_the_codings_it_can_undo(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    """A session that would offer more (urllib3 adds ``br``/``zstd`` when brotli or zstandard
    is installed) still asks for gzip and deflate only: a server taking the offer would be
    refused above (before: the session's own header went out as it was)."""
    offering = requests.Session()
    offering.headers["Accept-Encoding"] = "gzip, deflate, br, zstd"
    with HttpClient(arxiv_archive, fast_policy(), session=offering) as client:
        client.get(arxiv_server.api_url, ID_QUERY)
    assert [r.headers.get("Accept-Encoding") for r in arxiv_server.requests] == ["gzip, deflate"]
