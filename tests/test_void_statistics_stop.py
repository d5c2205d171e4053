"""SIGTERM while the VoID statistics are counted in a large store's manifest stops the count
there (a real process, a real signal): the distinct typed subjects are counted by SQLite in one
statement, which a signal handler cannot break into by itself."""

from __future__ import annotations

import hashlib
import importlib
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import load_config
from scholarkg.load.contents import Contents
from scholarkg.runs.build import build
from scholarkg.void import SPDX
from void_truth import mismatches

BASE = "https://w3id.org/scholarkg/id/"
ROWS = 2_000_000  # typed subjects: counting them distinct takes about a second
BOUND = 120.0  # an upper bound that only catches a hang, never a timing assertion

CHILD = """
import signal, sqlite3, sys
from pathlib import Path
from scholarkg import lifecycle
from scholarkg.iris import Minter
from scholarkg.load.contents import Contents
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.void_statistics import manifest_statistics

signal.signal(signal.SIGTERM, lifecycle.request_stop)
folder = Path(sys.argv[1])
contents = Contents(sqlite3.connect(folder / "manifest.sqlite"))
with EmbeddedStore(folder / "store") as store:
    print("counting", flush=True)
    try:
        stats = manifest_statistics(store, Minter(), contents)
    except lifecycle.Interrupted as exc:
        print("interrupted:", exc, flush=True)
    else:
        print("counted", stats.entities, flush=True)
"""


def large_manifest(folder: Path, rows: int) -> None:
    db = sqlite3.connect(folder / "manifest.sqlite")
    Contents(db)  # its tables
    db.execute(
        "INSERT INTO typed WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
        f"WHERE i + 1 < {rows}) SELECT 'https://w3id.org/scholarkg/ontology#C' || (i % 7), "
        f"'{BASE}paper/' || (i / 2), '{BASE}graph/' || (i % 1000) FROM n"
    )
    db.commit()
    db.close()


def test_sigterm_while_the_statistics_are_counted_stops_the_count(tmp_path: Path) -> None:
    large_manifest(tmp_path, ROWS)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "counting\n"
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=BOUND)
    finally:
        child.kill()
    # before: the count ran to its end and the statistics were returned, the stop unseen
    assert out == "interrupted: stop requested (SIGTERM/SIGINT)\n", (out, err)
    assert child.returncode == 0, err


def test_a_stop_in_the_statistics_leaves_the_dump_and_its_description_in_agreement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The statistics are counted before the dump is replaced: stopped there, the dump and
    ``void.ttl`` are still the last publication's, its checksum that of the file (before: the
    new dump, described by the old checksum until the next run)."""
    from scholarkg import lifecycle

    publish = importlib.import_module(
        "scholarkg.publish"
    )  # the module (the package names the function)
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    build(config)
    count = publish.manifest_statistics

    def stopped_while_counting(*args: Any) -> Any:
        lifecycle.request_stop()
        return count(*args)

    monkeypatch.setattr(publish, "manifest_statistics", stopped_while_counting)
    try:
        stopped = build(config, [str(SECOND_PROFILE)]).report
    finally:
        lifecycle.STOP.clear()
    assert stopped.interrupted and stopped.graphs_written > 0 and stopped.published == []
    dump = config.exports_dir / "scholarkg.nq"
    digest = hashlib.sha256(dump.read_bytes()).hexdigest()
    described = Graph().parse(config.data_dir / "void.ttl")
    assert digest in {str(v) for v in described.objects(None, SPDX.checksumValue)}
    assert (config.exports_dir / "scholarkg.nq.sha256").read_text().split()[0] == digest
    monkeypatch.undo()
    assert build(config, [str(SECOND_PROFILE)]).report.outcome == "ok"
    assert mismatches(config) == []
