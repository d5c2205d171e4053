"""Bulk ingest of snapshot files: same store content as ``load_records``, cheap re-runs, quarantine.

The existing path (``arxiv_load.load_records``) may also write provenance into each graph (triples
about the graph itself) and a ``…/shacl-report`` graph per graph; only the record triples are
compared here.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_config
from samples import ROOT
from scholarkg.arxiv_load import load_records, note_quarantined
from scholarkg.bulk.ingest import BulkSummary, ingest_records, ingest_snapshot
from scholarkg.config import Config, load_config
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.iris import Minter
from scholarkg.shacl.reference import memoised_sparql_parse
from scholarkg.store.embedded import EmbeddedStore

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
ARXIV_GRAPH = Minter().base + "graph/arxiv/"

Contents = dict[str, set[tuple[str, str, str]]]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path, []))


@pytest.fixture
def memoised_parse() -> Iterator[None]:
    """The pySHACL path, with rdflib's SPARQL parse memoised (see scholarkg.bulk.reference)."""
    with memoised_sparql_parse():
        yield


def first_author_twice(number: int) -> str:
    """Line ``number`` of the sample with its first author listed twice (a SHACL violation)."""
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8").splitlines()[number])
    data["authors_parsed"] = [data["authors_parsed"][0], *data["authors_parsed"]]
    return json.dumps(data)


def record_graphs(path: Path) -> Contents:
    """Each arXiv record graph's triples, without triples about the graph itself."""
    with EmbeddedStore(path, read_only=True) as store:
        names = [g for g in store.graph_names() if g.startswith(ARXIV_GRAPH)]
        names = [g for g in names if not g.endswith("/shacl-report")]
        return {g: {t for t in store.triples_in(g) if t[0] != f"<{g}>"} for g in names}


def bulk(snapshot: Path, config: Config, store: Path, **options: object) -> BulkSummary:
    with EmbeddedStore(store) as opened:
        return ingest_snapshot(snapshot, config, opened, **options)  # type: ignore[arg-type]


def edited(tmp_path: Path, name: str, edit: dict[int, str | None]) -> Path:
    """A copy of the sample with lines replaced (``None``: an unreadable line inserted before)."""
    out = []
    for number, line in enumerate(SNAPSHOT.read_text(encoding="utf-8").splitlines()):
        new = edit.get(number, line)
        out += ["{not json", line] if new is None else [new]
    path = tmp_path / name
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def retitled(number: int, title: str) -> str:
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8").splitlines()[number])
    data["title"] = title
    return json.dumps(data)


def test_bulk_store_equals_load_records(
    config: Config, tmp_path: Path, memoised_parse: None
) -> None:
    summary = bulk(SNAPSHOT, config, tmp_path / "bulk", workers=0, chunk_records=30)
    assert (summary.records, summary.graphs_written, summary.triples) == (100, 100, 4125)
    with EmbeddedStore(tmp_path / "old") as store:
        load_records(read_snapshot(SNAPSHOT), config, store)
    expected = record_graphs(tmp_path / "old")
    assert len(expected) == 100
    assert record_graphs(tmp_path / "bulk") == expected
    with EmbeddedStore(tmp_path / "records") as store:
        from_records = ingest_records(read_snapshot(SNAPSHOT), config, store, batch_size=40)
    assert from_records.graphs_written == 100
    assert record_graphs(tmp_path / "records") == expected


def test_parallel_workers_give_the_same_store(config: Config, tmp_path: Path) -> None:
    summary = bulk(SNAPSHOT, config, tmp_path / "parallel", workers=2, chunk_records=25)
    assert summary.chunks == 4 and summary.graphs_written == 100
    bulk(SNAPSHOT, config, tmp_path / "serial", workers=0)
    assert record_graphs(tmp_path / "parallel") == record_graphs(tmp_path / "serial")


def test_rerun_of_unchanged_input_rewrites_nothing(config: Config, tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = bulk(SNAPSHOT, config, store, workers=0, chunk_records=30)
    before = record_graphs(store)
    again = bulk(SNAPSHOT, config, store, workers=0, chunk_records=30)
    assert (again.chunks, again.chunks_skipped) == (4, 4)  # nothing parsed
    assert (again.graphs_written, again.graphs_replaced, again.triples_written) == (0, 0, 0)
    assert (again.records, again.loaded, again.triples) == (first.records, 100, first.triples)
    forced = bulk(SNAPSHOT, config, store, workers=0, chunk_records=30, force=True)
    assert forced.chunks_skipped == 0 and forced.records == 100
    assert (forced.graphs_unchanged, forced.graphs_written, forced.graphs_replaced) == (100, 0, 0)
    assert record_graphs(store) == before
    merged = dataclasses.replace(config, people_merge={"a-b": "c-d"})
    other_config = bulk(SNAPSHOT, merged, store, workers=0, chunk_records=30)
    assert other_config.chunks_skipped == 0  # the configuration decides the graphs too


def test_changed_record_replaces_its_graph_only(config: Config, tmp_path: Path) -> None:
    store = tmp_path / "store"
    bulk(SNAPSHOT, config, store, workers=0, chunk_records=30)
    changed = edited(tmp_path, "changed.jsonl", {42: retitled(42, "A new title")})
    summary = bulk(changed, config, store, workers=0, chunk_records=30)
    assert summary.chunks_skipped == 3  # the other chunks are byte-identical
    assert (summary.graphs_replaced, summary.graphs_written) == (1, 0)
    assert (summary.graphs_unchanged, summary.records_skipped) == (99, 70)
    bulk(changed, config, tmp_path / "fresh", workers=0)
    assert record_graphs(store) == record_graphs(tmp_path / "fresh")  # old title gone


def test_duplicate_record_last_one_wins(config: Config, tmp_path: Path) -> None:
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    twice = tmp_path / "twice.jsonl"
    twice.write_text("\n".join([*lines, retitled(7, "Second version")]) + "\n", encoding="utf-8")
    summary = bulk(twice, config, tmp_path / "store", workers=0, chunk_records=30)
    assert summary.records == 101 and summary.graphs_replaced == 1
    once = tmp_path / "once.jsonl"
    once.write_text("\n".join([*lines[:7], retitled(7, "Second version"), *lines[8:]]) + "\n")
    bulk(once, config, tmp_path / "expected", workers=0)
    assert record_graphs(tmp_path / "store") == record_graphs(tmp_path / "expected")


def test_bad_records_are_quarantined_as_the_gate_does(
    config: Config, tmp_path: Path, memoised_parse: None
) -> None:
    bad = edited(tmp_path, "bad.jsonl", {10: None, 20: first_author_twice(20)})
    summary = bulk(bad, config, tmp_path / "store", workers=0, chunk_records=30)
    rejected = ARXIV_GRAPH + json.loads(SNAPSHOT.read_text().splitlines()[20])["id"]
    assert summary.quarantined == 1 and summary.rejected == [rejected]
    assert summary.records == 100 and summary.loaded == 99
    assert rejected not in record_graphs(tmp_path / "store")
    quarantine = config.quarantine_dir
    bulk_files = sorted(p.relative_to(quarantine) for p in quarantine.rglob("*") if p.is_file())
    findings = json.loads(next(quarantine.rglob("findings.json")).read_text())
    assert findings["violations"] and findings["graph"] == rejected
    assert any(str(p).startswith("records/") and str(p).endswith("-L11.json") for p in bulk_files)
    # the pySHACL path quarantines the same files with the same findings
    (tmp_path / "other").mkdir()
    other = load_config(write_config(tmp_path / "other", []))
    with EmbeddedStore(tmp_path / "other" / "store") as store:
        reader = read_snapshot(bad)
        old = load_records(reader, other, store)
        note_quarantined(old, reader.quarantined, other)
    assert old.rejected == [rejected]
    old_files = sorted(
        p.relative_to(other.quarantine_dir) for p in other.quarantine_dir.rglob("*") if p.is_file()
    )
    assert old_files == bulk_files
    old_findings = json.loads(next(other.quarantine_dir.rglob("findings.json")).read_text())
    assert old_findings == findings
