"""Pytest fixtures for the arXiv extractor tests (loaded with ``pytest_plugins``).

Test modules opt in with ``pytest_plugins = ("arxiv_fixtures",)``; tests/conftest.py is left
alone. Fixtures (prefixed so they cannot clash with the lead's conftest): ``arxiv_server`` (a
running :class:`ReplayServer` on 127.0.0.1), ``arxiv_archive`` (a RawArchive under tmp_path)
and ``arxiv_http`` (an HttpClient with the fast test policy). Nothing touches the internet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from arxiv_replay import ReplayServer, fast_policy
from scholarkg.extract.http import HttpClient
from scholarkg.extract.raw_archive import RawArchive


@pytest.fixture
def arxiv_server() -> Iterator[ReplayServer]:
    server = ReplayServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def arxiv_archive(tmp_path: Path) -> RawArchive:
    return RawArchive(tmp_path / "raw")


@pytest.fixture
def arxiv_http(arxiv_archive: RawArchive) -> Iterator[HttpClient]:
    with HttpClient(arxiv_archive, fast_policy()) as client:
        yield client


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    """The replay server that also answers title searches from the recorded entries."""
    server = ReplayServer(assemble=True).start()
    try:
        yield server
    finally:
        server.stop()
