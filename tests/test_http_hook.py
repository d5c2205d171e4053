"""HttpClient's ``before_request`` hook against the loopback replay server (no Prefect)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from arxiv_replay import Fault, ReplayServer, fast_policy
from scholarkg.config import load_config
from scholarkg.errors import ExtractError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.http_policy import slot_for
from scholarkg.extract.raw_archive import RawArchive

pytest_plugins = ("arxiv_fixtures",)

ID_QUERY = {"id_list": "1605.08386"}


class Recorder:
    """A hook noting each URL and whether the host's politeness lock was held at that moment."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.locked: list[bool] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)
        host = urlsplit(url).hostname or ""
        self.locked.append(slot_for(host).lock.locked())


def test_hook_runs_once_per_attempt_retries_included(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("status", status=503), times=1)  # one retry, then the answer
    hook = Recorder()
    with HttpClient(arxiv_archive, fast_policy(), before_request=hook) as client:
        first = client.get(arxiv_server.api_url, ID_QUERY)
        second = client.get(arxiv_server.api_url, {"id_list": "1605.08386v2"})
    assert (first.attempts, second.attempts) == (2, 1)
    received = [f"{arxiv_server.base_url}{r.path}?{r.raw_query}" for r in arxiv_server.requests]
    assert hook.urls == received == [first.url, first.url, second.url]
    assert hook.locked == [True, True, True]  # called inside the per-host lock (one thread)


def test_a_failing_hook_stops_the_request(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    def refuse(url: str) -> None:
        raise ExtractError(url, "rate limit unavailable")

    with (
        HttpClient(arxiv_archive, fast_policy(), before_request=refuse) as client,
        pytest.raises(ExtractError, match="rate limit unavailable"),
    ):
        client.get(arxiv_server.api_url, ID_QUERY)
    assert arxiv_server.requests == []


def test_clients_pass_the_hook_through(tmp_path: Path, arxiv_server: ReplayServer) -> None:
    from conftest import write_config
    from scholarkg.clients import arxiv_api_client, oai_client

    config = load_config(write_config(tmp_path, [], arxiv={"api_url": arxiv_server.api_url}))
    hook = Recorder()
    api, oai = arxiv_api_client(config, before_request=hook), oai_client(config, hook)
    try:
        assert api.http.before_request is hook and oai.http.before_request is hook
        assert arxiv_api_client(config).http.before_request is None
    finally:
        api.http.close()
        oai.http.close()
