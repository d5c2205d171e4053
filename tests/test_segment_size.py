"""`[store] segment_quads`: how many quads a snapshot load writes per bulk store operation (and
manifest commit). The store's content and the report's counts do not depend on it; it trades
the embedded store's compaction work (many small bulk loads into a growing store) against the
bulk load's memory (see bench/HISTORY.md, 2026-12-03 afternoon). Input: the bench's generator
(the 100 real records, then SYNTHETIC ones, labelled), 2 500 records = 3 chunks."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from building import content, rows
from conftest import write_config
from samples import ROOT
from scholarkg.config import load_config
from scholarkg.errors import ConfigError
from scholarkg.load import bulk
from scholarkg.load.bulk import BulkLoader
from scholarkg.runs.arxiv_snapshot import load_snapshot

sys.path.insert(0, str(ROOT / "bench"))

import generate


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("input") / "snapshot.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for item in generate.records(2_500):
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return path


def test_the_segment_size_changes_no_quad_and_no_count(
    snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    segments: list[int] = []
    finish = BulkLoader._finish_segment

    def counted(self: BulkLoader) -> None:  # a spy on the real loader: segments committed
        if self._quads:
            segments.append(self._quads)
        finish(self)

    monkeypatch.setattr(BulkLoader, "_finish_segment", counted)
    stored, counts, committed = {}, {}, {}
    for quads in (1_000, 250_000):
        directory = tmp_path / str(quads)
        directory.mkdir()
        config = load_config(write_config(directory, [], store={"segment_quads": quads}))
        assert config.store.segment_quads == quads
        segments.clear()
        report = load_snapshot(config, snapshot, workers=0).report
        committed[quads] = list(segments)
        counts[quads] = (
            report.records_loaded,
            report.graphs_written,
            report.triples_gated,
            report.persons_new,
            report.store_quads,
        )
        stored[quads] = content(config)
    assert len(committed[1_000]) >= 3  # a segment per chunk at least (then the persons')
    assert len(committed[250_000]) < len(committed[1_000])
    assert all(n >= 1_000 for n in committed[1_000][:3])
    assert counts[1_000] == counts[250_000]
    assert counts[1_000][0] > 2_400
    assert stored[1_000] == stored[250_000]


def test_a_segment_too_small_to_be_one_is_a_config_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, [], store={"segment_quads": 10})
    with pytest.raises(ConfigError, match="segment_quads"):
        load_config(path)


def test_changed_graphs_are_written_a_segment_at_a_time(
    snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load in which every record's graph changed (each title revised) writes the changed
    graphs a segment at a time, as it does new ones: the loader holds one segment's payloads
    (a chunk's at most, where the segment is smaller), not the whole input's (before: only new
    graphs counted towards a segment, so all 2 500 changed graphs waited for one patch at the
    end, held in memory)."""
    revised = tmp_path / "revised.jsonl"
    with snapshot.open(encoding="utf-8") as lines, revised.open("w", encoding="utf-8") as out:
        for line in lines:
            item = json.loads(line)
            item["title"] = f"{item['title']} (revised)"
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    config = load_config(write_config(tmp_path, [], store={"segment_quads": 1_000}))
    load_snapshot(config, snapshot, workers=0)
    patched: list[int] = []
    original = bulk.write_changed

    def spied(*args: Any, **kwargs: Any) -> None:  # a spy on the real patch: graphs per call
        patched.append(len(args[3]))
        original(*args, **kwargs)

    monkeypatch.setattr(bulk, "write_changed", spied)
    report = load_snapshot(config, revised, workers=0).report
    assert report.records_loaded > 2_400
    assert sum(patched) >= report.records_loaded  # every record's graph was patched
    assert len(patched) >= 3  # a segment is closed after a chunk (1 000 records) at most
    assert max(patched) <= 1_000
    query = (
        "SELECT ?t { ?p <http://purl.org/dc/terms/title> ?t FILTER CONTAINS(STR(?p), '/paper/') }"
    )
    titles = {row["t"] for row in rows(config, query)}
    assert titles and [t for t in titles if not t.endswith("(revised)")] == []
