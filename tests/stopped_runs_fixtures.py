"""The ``uninterrupted`` fixture of the stopped-load tests, loaded with
``pytest_plugins = ("stopped_runs_fixtures",)``: what one load nothing stops makes of
tests/stopped_runs.py's input (``copies(…, COPIES)``), built once a test module. Used by
test_stop.py and test_bulk_close_stop.py."""

from __future__ import annotations

import pytest

from building import content
from conftest import write_config
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from stopped_runs import COPIES, copies


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[tuple[str, str, str]]]:
    """What one uninterrupted load of ``copies(…, COPIES)`` holds: built once, only read (the
    same for both loaders' stopped-then-completed runs)."""
    directory = tmp_path_factory.mktemp("uninterrupted")
    snapshot = copies(directory / "snapshot.jsonl", COPIES)
    clean = load_config(write_config(directory, []))
    load_snapshot(clean, snapshot, chunk_records=50, workers=0)
    return content(clean)
