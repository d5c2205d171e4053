"""The ``url`` fixture of the bidi tests, loaded with ``pytest_plugins = ("bidi_fixtures",)``: a
server of the store of tests/bidi_store.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bidi_store import EXTRA
from scholarkg.config import ServeSettings
from serve_fixtures import build_v2_store
from serve_helpers import running_server


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a server (one worker) of the store, for the tests of one module."""
    path = tmp_path_factory.mktemp("bidi") / "store"
    build_v2_store(path, EXTRA)
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    with running_server(path, build=False, settings=settings) as (server, _):
        yield server.url
