"""Pytest fixtures for the saved-query tests over the constructed v2-model store
(serve_fixtures.build_v2_store), loaded with ``pytest_plugins = ("v2_store_fixtures",)``:
``store_path`` (the store built once a test module) and ``store`` (it opened read-only). A
module's own fixture of either name is the one its tests get."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scholarkg.store.embedded import EmbeddedStore
from serve_fixtures import build_v2_store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_v2_store(tmp_path_factory.mktemp("v2") / "store")


@pytest.fixture(scope="module")
def store(store_path: Path) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(store_path, read_only=True) as opened:
        yield opened
