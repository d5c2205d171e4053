"""A store copied where nothing may be written (a read-only copy or mount) is read by the
commands that only read it: ``export`` and ``query`` hold its checkpoint without a lease file
(:func:`scholarkg.store.served.lease`), for nothing can prune a checkpoint in a folder that
cannot be written.

Before: both failed making the checkpoint's ``.lease`` file — ``export`` with a
``PermissionError`` traceback, ``query`` with ``error: cannot open …: Permission denied``.
Input: the first lines of tests/fixtures/arxiv/kaggle/snapshot_sample_100.jsonl, loaded.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import requests

from conftest import write_config
from dated_snapshots import (
    BOUND,
    FIRST,
    IDS,
    as_no_writer,
    chmod_back,
    loaded,
    no_writer_command,
    read_only_copy,
    write_dated,
)
from scholarkg.config import load_config
from scholarkg.store.served import served_dir

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_export_and_query_read_a_store_they_cannot_write(tmp_path: Path) -> None:
    config = write_config(tmp_path, [])
    loaded(config, write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST), chunk_records=3)
    copy = read_only_copy(tmp_path, config)
    store = load_config(copy).store.path
    assert [p.name for p in served_dir(store).iterdir() if p.name.endswith(".lease")] == []
    dump = tmp_path / "dump.nq"
    try:
        exported = as_no_writer(
            "export", "--format", "nq", "--output", str(dump), "--config", str(copy)
        )
        queried = as_no_writer("query", "--sparql", COUNT, "--format", "csv", "--config", str(copy))
        leases = [p.name for p in served_dir(store).iterdir() if p.name.endswith(".lease")]
    finally:
        chmod_back(tmp_path)
    assert "Traceback" not in exported.stderr + queried.stderr
    assert (exported.returncode, queried.returncode) == (0, 0), exported.stderr + queried.stderr
    quads = len(dump.read_text("utf-8").splitlines())
    assert quads > 0
    assert queried.stdout.split() == ["n", str(quads)]
    assert leases == []  # nothing written beside the checkpoint


def _files(place: Path) -> dict[str, int]:
    return {str(p.relative_to(place)): p.stat().st_size for p in sorted(place.rglob("*"))}


def _serve_as_no_writer(config: Path) -> subprocess.Popen[str]:
    """``scholarkg serve`` on loopback in a child the file modes bind (as ``as_no_writer``)."""
    command, env = no_writer_command(
        "serve", "--host", "127.0.0.1", "--port", "0", "--config", str(config)
    )
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def test_serve_answers_from_a_store_it_cannot_write(tmp_path: Path) -> None:
    """The server reads the copy's checkpoint and writes nothing in it."""
    config = write_config(tmp_path, [])
    loaded(config, write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST), chunk_records=3)
    copy = read_only_copy(tmp_path, config)
    before = _files(tmp_path / "copy")
    server = _serve_as_no_writer(copy)
    hang = threading.Timer(BOUND, server.kill)  # only catches a hang
    hang.start()
    try:
        first = server.stdout.readline() if server.stdout else ""
        assert " at http://127.0.0.1:" in first, first
        url = first.split(" at ")[1].split()[0].rstrip("/")
        counted = requests.get(
            f"{url}/sparql", params={"query": COUNT, "format": "csv"}, timeout=BOUND
        )
        landing = requests.get(f"{url}/", timeout=BOUND)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=BOUND)
        hang.cancel()
        after = _files(tmp_path / "copy")
        chmod_back(tmp_path)
    assert "Traceback" not in err
    assert counted.status_code == 200 and landing.status_code == 200
    assert int(counted.text.split()[1]) > 0
    assert after == before  # nothing made, removed or grown in the copy


def test_serve_with_updates_refuses_a_store_it_cannot_write_in_one_line(tmp_path: Path) -> None:
    """Before: a ``PermissionError`` traceback removing the store's seal, and the server
    then hung on its query workers, never ending."""
    config = write_config(tmp_path, [])
    loaded(config, write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST), chunk_records=3)
    copy = read_only_copy(tmp_path, config)
    store = load_config(copy).store.path
    try:
        done = as_no_writer("serve", "--allow-updates", "--port", "0", "--config", str(copy))
    finally:
        chmod_back(tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: {store}: cannot serve updates: the folder cannot be written")
    assert "without --allow-updates" in line
