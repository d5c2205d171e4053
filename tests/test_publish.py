"""Publishing: the N-Quads dump is assembled from parts, only the parts of changed graphs are
rewritten, and every published number is what the store and the file hold."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS

from conftest import write_config
from published import SNAPSHOT, VOID_GRAPH, dumped, statistics_agree, store_quads_but_void
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import load_config
from scholarkg.iris import Minter
from scholarkg.load.contents import BUCKETS
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from scholarkg.store import served
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.void import (
    VOID,
    dataset_iri,
)
from void_truth import mismatches


def part_times(parts: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in parts.glob("part-*.nq")}


def test_the_dump_follows_the_store_and_only_changed_parts_are_rewritten(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config = load_config(write_config(tmp_path, [page]))
    first = build(config).report
    dump = config.exports_dir / "scholarkg.nq"
    parts = config.exports_dir / "parts"
    assert len(part_times(parts)) == BUCKETS
    assert dumped(dump) == store_quads_but_void(config.store.path)
    before = part_times(parts)
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118"))
    second = build(config, [str(SECOND_PROFILE)]).report
    after = part_times(parts)
    rewritten = [name for name in before if after[name] != before[name]]
    assert 0 < len(rewritten) < BUCKETS // 2  # a small change rewrites a few parts
    assert dumped(dump) == store_quads_but_void(config.store.path)
    digest = hashlib.sha256(dump.read_bytes()).hexdigest()
    assert (config.exports_dir / "scholarkg.nq.sha256").read_text().split() == [
        digest,
        "scholarkg.nq",
    ]
    description = Graph().parse(config.data_dir / "void.ttl")
    checksums = {str(v) for v in description.objects(None, None) if isinstance(v, Literal)}
    assert digest in checksums  # the description names the file as it is now
    quads = len(dumped(dump))
    assert second.store_quads is not None and first.store_quads is not None
    with EmbeddedStore(config.store.path, read_only=True) as store:
        void_quads = len(store.triples_in(VOID_GRAPH))
        assert second.store_quads == quads + void_quads == len(store.native)
    dataset = dataset_iri(Minter().base)
    instance = int(description.value(dataset, VOID.triples))
    sides = sum(
        int(description.value(side, VOID.triples))
        for side in description.objects(dataset, DCTERMS.relation)
    )
    assert instance + sides == quads  # the description's numbers add up to the dump


def test_a_publication_cut_short_is_completed_by_the_next_run(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    build(config)
    mark = config.state_dir / "published.json"
    (config.data_dir / "void.ttl").unlink()
    mark.unlink()  # as if the run was killed while publishing
    report = build(config).report
    assert report.graphs_written == 0 and report.published  # nothing new, yet it publishes
    assert (config.data_dir / "void.ttl").exists() and mark.exists()
    assert dumped(config.exports_dir / "scholarkg.nq") == store_quads_but_void(config.store.path)


def test_a_snapshot_publication_cut_short_is_completed_by_the_next_run(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    load_snapshot(config, SNAPSHOT, chunk_records=40, workers=0)
    mark = config.state_dir / "published.json"
    (config.data_dir / "void.ttl").unlink()
    mark.unlink()  # as if the load was killed while publishing
    report = load_snapshot(config, SNAPSHOT, chunk_records=40, workers=0).report
    assert report.graphs_written == 0 and report.published  # nothing new, yet it publishes
    assert (config.data_dir / "void.ttl").exists() and mark.exists()
    assert dumped(config.exports_dir / "scholarkg.nq") == store_quads_but_void(config.store.path)


def test_export_of_a_published_dump_updates_its_description(tmp_path: Path) -> None:
    from scholarkg.cli import main

    config_path = write_config(tmp_path, [SAMPLE_PROFILE])
    config = load_config(config_path)
    build(config)
    dump = config.exports_dir / "scholarkg.nq"
    dump.write_bytes(b"")  # someone truncated the published file
    assert main(["export", "--format", "nq", "--config", str(config_path)]) == 0
    digest = hashlib.sha256(dump.read_bytes()).hexdigest()
    description = Graph().parse(config.data_dir / "void.ttl")
    assert digest in {str(v) for v in description.objects(None, None) if isinstance(v, Literal)}
    assert dumped(dump) == store_quads_but_void(config.store.path)


def test_a_published_dump_written_by_export_is_described_in_what_the_server_reads(
    tmp_path: Path,
) -> None:
    from scholarkg.cli import main

    config_path = write_config(tmp_path, [SAMPLE_PROFILE])
    build(load_config(config_path))
    more = write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "trig"]})
    config = load_config(more)
    assert main(["export", "--format", "trig", "--config", str(more)]) == 0
    checkpoint = served.current(config.store.path)  # the VoID graph now lists the TriG dump
    assert checkpoint is not None and quads_in(checkpoint) == quads_in(config.store.path)


def test_dump_and_statistics_come_from_the_manifest_and_match_the_store(tmp_path: Path) -> None:
    """Both loaders, a drop and a graph removed around the pipeline: publishing never reads
    the store back, yet the dump holds the store's quads exactly (lexical forms included) and
    the VoID numbers are the store's."""
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config = load_config(write_config(tmp_path, [page]))
    dump = config.exports_dir / "scholarkg.nq"
    load_snapshot(config, SNAPSHOT, chunk_records=30, workers=0)  # the bulk loader
    assert dumped(dump) == store_quads_but_void(config.store.path)
    statistics_agree(config)
    build(config)  # the transactional loader, person graphs rewritten
    assert dumped(dump) == store_quads_but_void(config.store.path)
    statistics_agree(config)
    with EmbeddedStore(config.store.path) as store:  # a graph dropped by hand
        gone = sorted(g for g in store.graph_names() if "/graph/arxiv/" in g)[0]
        store.replace_graph_ntriples(gone, "")
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index119"))
    build(config)  # publishes again: the manifest follows the store
    quads = store_quads_but_void(config.store.path)
    assert dumped(dump) == quads and not [q for q in quads if q.endswith(f"<{gone}>")]
    statistics_agree(config)


def test_published_files_are_world_readable(tmp_path: Path) -> None:
    """A web server running as another user serves the dump, its checksum and the VoID."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    build(config)
    published = [
        config.exports_dir / "scholarkg.nq",
        config.exports_dir / "scholarkg.nq.sha256",
        config.data_dir / "void.ttl",
    ]
    unreadable = [p.name for p in published if not p.stat().st_mode & 0o004]
    assert unreadable == []


def test_graphs_a_stopped_run_wrote_are_published_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop after the profile's graphs were written (at the identity step) publishes
    nothing; the next run finds those graphs unchanged, yet publishes them, and checkpoints."""
    from scholarkg import lifecycle
    from scholarkg.runs import build as build_module

    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    build(config)
    checkpoint = served.current(config.store.path)
    finish_identity = build_module.finish_identity

    def stopped_there(*args: object) -> None:
        lifecycle.request_stop()  # SIGTERM's handler, as the step starts
        try:
            lifecycle.check_stop()
        finally:
            lifecycle.STOP.clear()

    monkeypatch.setattr(build_module, "finish_identity", stopped_there)
    stopped = build(config, [str(SECOND_PROFILE)]).report
    assert stopped.interrupted and stopped.graphs_written > 0 and not stopped.published
    monkeypatch.setattr(build_module, "finish_identity", finish_identity)
    build(config, [str(SECOND_PROFILE)])
    assert dumped(config.exports_dir / "scholarkg.nq") == store_quads_but_void(config.store.path)
    assert mismatches(config) == []  # every VoID figure too
    assert served.current(config.store.path) != checkpoint


def test_a_run_that_crashed_after_writing_is_published_and_checkpointed_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed or crashed before its close (no stop_run), a run leaves its graphs unpublished
    and unserved; the next run finds them unchanged, yet publishes and checkpoints them."""
    from scholarkg.runs import build as build_module

    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    build(config)

    def crashed(*args: object) -> None:
        raise RuntimeError("killed before its close")

    close_run = build_module.close_run
    monkeypatch.setattr(build_module, "close_run", crashed)
    with pytest.raises(RuntimeError, match="killed"):
        build(config, [str(SECOND_PROFILE)])
    monkeypatch.setattr(build_module, "close_run", close_run)
    again = build(config, [str(SECOND_PROFILE)]).report
    assert again.graphs_written == 0 and again.published  # nothing new, yet it publishes
    held = store_quads_but_void(config.store.path)
    assert dumped(config.exports_dir / "scholarkg.nq") == held
    assert mismatches(config) == []
    checkpoint = served.current(config.store.path)
    assert checkpoint is not None and quads_in(checkpoint) == quads_in(config.store.path)


def test_a_checkpoint_that_failed_is_taken_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scholarkg.errors import LoadError

    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    build(config)
    first = served.current(config.store.path)
    take = served.take

    def full_disk(*args: object) -> None:
        raise LoadError("no space left on device")

    monkeypatch.setattr(served, "take", full_disk)
    failed = build(config, [str(SECOND_PROFILE)]).report
    assert failed.store_error and "no space left" in failed.store_error
    monkeypatch.setattr(served, "take", take)
    build(config, [str(SECOND_PROFILE)])  # nothing new
    checkpoint = served.current(config.store.path)
    assert checkpoint is not None and checkpoint != first
    assert quads_in(checkpoint) == quads_in(config.store.path)


def quads_in(path: Path) -> set[str]:
    return {str(q) for q in ox.Store.read_only(str(path))}


def test_a_snapshot_load_stopped_after_a_bulk_segment_is_published_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk loader forgets what its committed segments wrote when a stop aborts it, so
    the stopped run's report says nothing changed; the next run skips the chunk it holds."""
    from scholarkg import lifecycle
    from scholarkg.load.bulk import BulkLoader
    from scholarkg.runs import build as build_module

    config = load_config(write_config(tmp_path, []))
    load_snapshot(config, SNAPSHOT, workers=0)
    small = tmp_path / "small.jsonl"
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()[:2]
    small.write_text("\n".join(line.replace('"id":"0704.', '"id":"9005.') for line in lines) + "\n")
    made = BulkLoader.__init__

    def one_quad_segments(self: BulkLoader, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **{**kwargs, "segment_quads": 1})  # every graph commits a segment

    def stopped_there(*args: object) -> None:
        lifecycle.request_stop()  # SIGTERM's handler, as the identity step starts
        try:
            lifecycle.check_stop()
        finally:
            lifecycle.STOP.clear()

    monkeypatch.setattr(BulkLoader, "__init__", one_quad_segments)
    finish_identity = build_module.finish_identity
    monkeypatch.setattr(build_module, "finish_identity", stopped_there)
    assert load_snapshot(config, small, chunk_records=1, workers=0).report.interrupted
    monkeypatch.setattr(build_module, "finish_identity", finish_identity)
    load_snapshot(config, small, chunk_records=1, workers=0)
    assert dumped(config.exports_dir / "scholarkg.nq") == store_quads_but_void(config.store.path)
    assert mismatches(config) == []


@pytest.mark.parametrize("where", ["nq", "jsonld"])
def test_a_stop_during_the_publication_ends_it_and_the_next_run_publishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """SIGTERM while the dumps are written ends the run there (before: the whole publication
    was written first, minutes for a large store, and the run said ``ok``, exit 0): the run
    is interrupted, no dump file is half written, and the next run publishes everything."""
    from scholarkg import dump_parts, export, lifecycle

    config = load_config(
        write_config(tmp_path, [SAMPLE_PROFILE], publish={"dumps": ["nq", "jsonld"]})
    )
    if where == "nq":  # the stop comes as the third part of the N-Quads dump is written
        write_part = dump_parts.DumpParts._write_part

        def stop_at_third(parts: dump_parts.DumpParts, contents: Any, bucket: int):  # type: ignore[no-untyped-def]
            if bucket == 2:
                lifecycle.request_stop()
            return write_part(parts, contents, bucket)

        monkeypatch.setattr(dump_parts.DumpParts, "_write_part", stop_at_third)
    else:  # the stop comes as the JSON-LD dump starts
        store_triples = export.store_triples

        def stop_then_read(*args: Any) -> Any:
            lifecycle.request_stop()
            return store_triples(*args)

        monkeypatch.setattr(export, "store_triples", stop_then_read)
        monkeypatch.setattr(export, "_STOP_EVERY", 100, raising=False)
    try:
        stopped = build(config).report
    finally:
        lifecycle.STOP.clear()
    assert stopped.interrupted == "stop requested (SIGTERM/SIGINT)"
    assert stopped.outcome == "failed" and stopped.graphs_written > 0
    # what was in place when the stop came is said: the N-Quads dump, written before JSON-LD's
    written = [] if where == "nq" else [str(config.exports_dir / "scholarkg.nq")]
    assert [p.path for p in stopped.published] == written
    assert not (config.exports_dir / f"scholarkg.{where}").exists()
    assert [p.name for p in config.exports_dir.iterdir() if p.name.startswith(".")] == []
    monkeypatch.undo()
    again = build(config).report
    assert again.outcome == "ok" and again.graphs_written == 0, again.summary_lines()
    assert len(again.published) == 3  # the two dumps and the VoID description
    assert dumped(config.exports_dir / "scholarkg.nq") == store_quads_but_void(config.store.path)
    assert mismatches(config) == []
