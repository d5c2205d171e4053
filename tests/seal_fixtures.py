"""The ``name_passes`` fixture of the seal tests (test_publish_seal.py, test_seal_kept.py),
loaded with ``pytest_plugins = ("seal_fixtures",)``: passes over the store's graph names,
counted on the real embedded store."""

from __future__ import annotations

import pytest

from scholarkg.store.embedded import EmbeddedStore


@pytest.fixture
def name_passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times any embedded store's graph names were read."""
    passes: list[int] = []
    read = EmbeddedStore.iter_graph_names

    def counted(self: EmbeddedStore) -> object:
        passes.append(1)
        return read(self)

    monkeypatch.setattr(EmbeddedStore, "iter_graph_names", counted)
    return passes
