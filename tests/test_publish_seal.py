"""A run that closed the store in line with its manifest seals it; the next run's publication
then skips comparing every graph name the store holds with the manifest (a pass over the whole
store, 1.6 s of CPU at 100k records after a one-record change), unless something wrote the
store in between or a run was stopped before it sealed again. Passes over the store are counted
on the real embedded store (its graph names read), never timed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_config
from published import SNAPSHOT, changed_snapshot, dumped, load
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.seal import SEAL, seal, take_seal

pytest_plugins = ("seal_fixtures",)


def test_a_small_change_after_a_sealed_run_reads_no_graph_names(
    tmp_path: Path, name_passes: list[int]
) -> None:
    config = load_config(write_config(tmp_path, []))
    load(config, SNAPSHOT)
    assert (config.store.path / SEAL).exists()
    name_passes.clear()
    load(config, changed_snapshot(tmp_path, 50))
    assert name_passes == []  # the store's names were not read: the dump is the store's anyway
    assert (config.store.path / SEAL).exists()
    dump = config.exports_dir / "scholarkg.nq"
    published = dump.read_bytes()
    (config.state_dir / "published.json").unlink()  # the next run publishes everything, compared
    load(config, changed_snapshot(tmp_path, 50))
    assert len(name_passes) == 1 and dump.read_bytes() == published  # the very same bytes


def test_a_store_written_by_hand_after_the_seal_is_compared_again(
    tmp_path: Path, name_passes: list[int]
) -> None:
    config = load_config(write_config(tmp_path, []))
    load(config, SNAPSHOT)
    with EmbeddedStore(config.store.path) as store:  # a graph dropped outside scholarkg
        gone = sorted(g for g in store.graph_names() if "/graph/arxiv/" in g)[0]
        store.replace_graph_ntriples(gone, "")
    name_passes.clear()
    load(config, changed_snapshot(tmp_path, 50))
    assert len(name_passes) == 1  # every name compared once
    # the dropped record's graph is loaded again as its source is read: dump and store hold it
    assert [q for q in dumped(config.exports_dir / "scholarkg.nq") if q.endswith(f"<{gone}>")]


def test_a_store_written_by_hand_stays_unsealed_until_a_publication_compares_it(
    tmp_path: Path, name_passes: list[int]
) -> None:
    config = load_config(write_config(tmp_path, []))
    load(config, SNAPSHOT)
    with EmbeddedStore(config.store.path) as store:  # a graph added outside scholarkg
        store.replace_graph_ntriples(GRAPH, f'<{GRAPH}/s> <{GRAPH}/p> "by hand" .\n')
    again = load_snapshot(config, SNAPSHOT, chunk_records=40, workers=0).report
    assert not again.published  # nothing changed: no publication, so nothing compared ...
    assert not (config.store.path / SEAL).exists()  # ... and no seal
    name_passes.clear()
    load(config, changed_snapshot(tmp_path, 50))
    assert len(name_passes) == 1
    assert [q for q in dumped(config.exports_dir / "scholarkg.nq") if q.endswith(f"<{GRAPH}>")]
    assert (config.store.path / SEAL).exists()


def test_a_run_stopped_before_it_sealed_leaves_the_next_to_compare(
    tmp_path: Path, name_passes: list[int]
) -> None:
    config = load_config(write_config(tmp_path, []))
    load(config, SNAPSHOT)
    assert take_seal(config.store.path, config.store.path)  # as a run that opened the store
    assert not (config.store.path / SEAL).exists()  # ... and was killed before closing it
    name_passes.clear()
    load(config, changed_snapshot(tmp_path, 50))
    assert len(name_passes) == 1


GRAPH = "https://example.org/g"


def test_the_seal_is_broken_by_any_write_and_taken_once(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with EmbeddedStore(path) as store:
        store.replace_graph_ntriples(GRAPH, f'<{GRAPH}/s> <{GRAPH}/p> "1" .\n')
    seal(path, tmp_path)
    with EmbeddedStore(path, read_only=True) as store:  # read, not written
        assert len(store.native) == 1
    assert take_seal(path, tmp_path)
    assert not take_seal(path, tmp_path)  # taken: gone until sealed again
    seal(path, tmp_path)
    with EmbeddedStore(path) as store:
        store.replace_graph_ntriples(GRAPH, "")
    assert not take_seal(path, tmp_path)


def test_a_file_rocksdb_removes_while_the_seal_is_taken_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RocksDB's threads delete obsolete files after the store is closed: a file listed, then
    gone before its size is read, is not in the seal (before: FileNotFoundError out of the
    run's close, in tests/test_deletion_memory.py under load). The seal still holds for the
    store as it is after."""
    import os

    from scholarkg.store import seal as sealing

    config = load_config(write_config(tmp_path, []))
    load(config, SNAPSHOT)
    store, state = Path(config.store.path), Path(config.store.path)
    (store / SEAL).unlink()
    doomed = store / "999999.sst"
    doomed.write_bytes(b"obsolete")
    listed = os.scandir

    def listed_then_removed(path: Path) -> object:
        entries = list(listed(path))
        doomed.unlink()  # as RocksDB's cleanup does, between the listing and the stat
        return _Listing(entries)

    monkeypatch.setattr(sealing.os, "scandir", listed_then_removed)
    seal(store, state)
    monkeypatch.undo()
    assert "999999.sst" not in (state / SEAL).read_text(encoding="utf-8")
    assert take_seal(store, state)


def test_a_file_rocksdb_removes_after_the_seal_leaves_it_holding(tmp_path: Path) -> None:
    """After a first load of 100k records the seal noted two .sst files a compaction was
    writing when the run closed the store (000431.sst, 000432.sst); RocksDB removed them once
    the store was gone, so no first update after a fresh load found the seal and every one
    compared the store's 250 000 graph names with the manifest again (1.7 s of the 10.4 s
    publication, measured). A file noted and gone since is such a file: the seal holds.
    CONSTRUCTED: the spare .sst stands for the compaction's output (it cannot be timed)."""
    path = tmp_path / "store"
    with EmbeddedStore(path) as store:
        store.replace_graph_ntriples(GRAPH, f'<{GRAPH}/s> <{GRAPH}/p> "1" .\n')
    spare = path / "999999.sst"
    spare.write_bytes(b"a compaction's output, cut short")
    seal(path, tmp_path)
    spare.unlink()  # as RocksDB does once the store is closed
    assert take_seal(path, tmp_path)


def test_a_store_opened_to_write_breaks_the_seal_though_nothing_was_written(
    tmp_path: Path,
) -> None:
    """What lets a file gone since the seal be ignored: any process that opens the store to
    write adds files (RocksDB writes a new MANIFEST, OPTIONS and log on every such open), so
    a seal whose files are all still there, as noted, saw no writer."""
    path = tmp_path / "store"
    with EmbeddedStore(path) as store:
        store.replace_graph_ntriples(GRAPH, f'<{GRAPH}/s> <{GRAPH}/p> "1" .\n')
    seal(path, tmp_path)
    with EmbeddedStore(path):
        pass
    assert not take_seal(path, tmp_path)


def test_a_seal_that_cannot_be_taken_fails_no_run(tmp_path: Path) -> None:
    """Sealing is a saving only: a store whose files cannot be listed leaves no seal, and no
    error."""
    state = tmp_path / "state"
    state.mkdir()
    (state / SEAL).write_text('{"files": []}\n', encoding="utf-8")
    seal(tmp_path / "no-store-here", state)
    assert not (state / SEAL).exists()


class _Listing(list[object]):
    """A directory listing read ahead, used as :func:`os.scandir`'s is (a context manager)."""

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        return None
