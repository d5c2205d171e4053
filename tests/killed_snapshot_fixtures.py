"""The ``clean`` fixture of the killed-load tests, loaded with
``pytest_plugins = ("killed_snapshot_fixtures",)``: the input of tests/killed_snapshot.py loaded
once a test module by a run nothing cuts (:func:`killed_snapshot.clean_load`)."""

from __future__ import annotations

import pytest

from killed_snapshot import Clean, clean_load


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Clean:
    return clean_load(tmp_path_factory.mktemp("clean"))
