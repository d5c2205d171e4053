"""A load killed between writing what the outbox kept and settling it (the kept files still
there, the store and the manifest holding the graphs), then run again: the graphs are taken
once more, idempotently: the store holds what a load never killed leaves (no graph lost, none
twice with two runs' provenance), the manifest notes what the store holds, and the outbox is
emptied. The outbox: a build while another writer held the store (its graphs kept for the
next run). Input as in test_snapshot_killed_parts.py."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from conftest import write_config
from killed_snapshot import held_per_graph, load, make_input, manifest_rows
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore
from store_contents import beside_run_records, quads, unrecorded_runs

Rows = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


def kept(directory: Path) -> list[Path]:
    return sorted((directory / "data" / "outbox").glob("*/*.json"))


def kept_by_a_locked_build(directory: Path) -> dict[str, str]:
    """The input, and the graphs of a build that could not write the store in the outbox:
    their digests (each build's differ: the time a page was read is in its graph)."""
    make_input(directory)
    config = write_config(directory, [SAMPLE_PROFILE], store={"segment_quads": 1000})
    with EmbeddedStore(directory / "store"):  # another writer holds the store
        report = build(load_config(config)).report
    assert report.outcome == "failed" and report.kept > 2, report.summary_lines()
    assert len(kept(directory)) == report.kept
    records = [json.loads(path.read_text(encoding="utf-8")) for path in kept(directory)]
    return {record["iri"]: record["digest"] for record in records}


def as_kept(rows: Rows, digests: dict[str, str]) -> Rows:
    """The manifest's rows, the graphs kept in the outbox with the digest they were kept with
    written the same (and checked to be that one)."""
    graphs = []
    for iri, digest, size in rows[0]:
        if iri in digests:
            assert digest == digests.pop(str(iri)), iri
            digest = "KEPT"
        graphs.append((iri, digest, size))
    assert digests == {}  # each one noted
    return graphs, rows[1]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Rows]:
    """What the store and the manifest hold once a load never killed took the outbox."""
    directory = tmp_path_factory.mktemp("clean")
    digests = kept_by_a_locked_build(directory)
    done = load(directory)
    assert done.returncode == 1, done.stdout + done.stderr  # partial: two lines quarantined
    assert kept(directory) == []
    return beside_run_records(quads(directory)), as_kept(manifest_rows(directory), digests)


def test_a_load_killed_before_it_settled_the_outbox_takes_it_again_idempotently(
    tmp_path: Path, clean: tuple[list[str], Rows]
) -> None:
    digests = kept_by_a_locked_build(tmp_path)
    count = len(digests)
    done = load(tmp_path, "scholarkg.load.outbox:Outbox.settle")
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    assert len(kept(tmp_path)) == count  # the store holds them, the outbox still too
    done = load(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    outbox = tmp_path / "data" / "outbox"
    assert not outbox.exists() or list(outbox.iterdir()) == []
    assert unrecorded_runs(tmp_path / "store") == []
    found, manifest = clean
    assert beside_run_records(quads(tmp_path)) == found
    rows = manifest_rows(tmp_path)
    assert as_kept(rows, digests) == manifest
    held = held_per_graph(tmp_path)
    assert {iri: held.get(str(iri)) for iri, _, n in rows[0]} == {iri: n for iri, _, n in rows[0]}
