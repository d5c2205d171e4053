"""A disk that refuses ``void.ttl`` after the store took the VoID graph: the run fails with one
line naming the file, and its report counts the VoID graph the store holds (before: the graph
was written, then ``void.ttl`` failed, and ``run_graphs`` left it out, so the report counted
fewer quads than the store held).

The full disk is a small tmpfs mounted on the data directory and filled, each of the data
directory's folders bound to a roomy one beside it: the only file that cannot be written is
one written in the data directory itself, ``void.ttl``. Mounting needs root (CAP_SYS_ADMIN):
skipped without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.iris import Minter
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.void_statistics import description_graph_iri
from small_disk import fill, small_data_dir
from store_contents import held_quads


@pytest.fixture
def full_data_dir(tmp_path: Path) -> Iterator[Path]:
    with small_data_dir(tmp_path / "data", tmp_path / "roomy") as data:
        fill(data)
        yield data


def test_a_void_file_the_disk_refuses_still_counts_the_void_graph_the_store_holds(
    tmp_path: Path, full_data_dir: Path
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    report = build(config).report
    void = full_data_dir / "void.ttl"
    assert report.outcome == "partial", report.summary_lines()
    assert not void.exists()
    said = [line for line in report.summary_lines() if line.startswith(("error:", "failed:"))]
    [line] = said  # one line, naming the file and why
    assert f"{void}: cannot write" in line and "No space left on device" in line, line

    graph = str(description_graph_iri(Minter(config.iri_base).base))
    with EmbeddedStore(tmp_path / "store", read_only=True) as store:
        described = store.graph_sizes([graph]).get(graph, 0)
    assert described  # the store took the VoID graph before void.ttl was refused
    assert report.run_graphs.get("VoID description") == described, report.run_graphs
    held = held_quads(tmp_path / "store")
    assert report.store_quads == held
    wrote = [report.triples_added, report.provenance_triples, report.report_triples]
    assert sum(w or 0 for w in wrote) + sum(report.run_graphs.values()) == held, (wrote, report)
