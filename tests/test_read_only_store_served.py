"""A store copied where nothing may be written (a read-only copy or mount) is read by the
commands that only read it: ``export`` and ``query`` hold its checkpoint without a lease file
(:func:`scholarkg.store.served.lease`), for nothing can prune a checkpoint in a folder that
cannot be written.

Before: both failed making the checkpoint's ``.lease`` file — ``export`` with a
``PermissionError`` traceback, ``query`` with ``error: cannot open …: Permission denied``.
Input: the first lines of tests/fixtures/arxiv/kaggle/snapshot_sample_100.jsonl, loaded.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from scholarkg.config import load_config
from scholarkg.store.served import served_dir
from test_snapshot_first_written import FIRST, _write
from test_snapshot_listing_dated import IDS, _as_no_writer, _chmod_back, _loaded, _read_only_copy

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_export_and_query_read_a_store_they_cannot_write(tmp_path: Path) -> None:
    config = write_config(tmp_path, [])
    _loaded(config, _write(tmp_path / "snapshot.jsonl", IDS, FIRST), chunk_records=3)
    copy = _read_only_copy(tmp_path, config)
    store = load_config(copy).store.path
    assert [p.name for p in served_dir(store).iterdir() if p.name.endswith(".lease")] == []
    dump = tmp_path / "dump.nq"
    try:
        exported = _as_no_writer(
            "export", "--format", "nq", "--output", str(dump), "--config", str(copy)
        )
        queried = _as_no_writer(
            "query", "--sparql", COUNT, "--format", "csv", "--config", str(copy)
        )
        leases = [p.name for p in served_dir(store).iterdir() if p.name.endswith(".lease")]
    finally:
        _chmod_back(tmp_path)
    assert "Traceback" not in exported.stderr + queried.stderr
    assert (exported.returncode, queried.returncode) == (0, 0), exported.stderr + queried.stderr
    quads = len(dump.read_text("utf-8").splitlines())
    assert quads > 0
    assert queried.stdout.split() == ["n", str(quads)]
    assert leases == []  # nothing written beside the checkpoint
