"""The outbox keeps graphs for the store they were meant for, even when data dirs are shared."""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.load.outbox import Outbox
from scholarkg.load.payload import GraphPayload
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore

GRAPH = "https://w3id.org/scholarkg/id/graph/arxiv/"


def profiles_in(store_path: Path) -> set[str]:
    """The people whose profile graphs ``store_path`` holds."""
    with EmbeddedStore(store_path, read_only=True) as store:
        names = store.graph_names()
    return {
        g.split("/graph/profile/")[1].rsplit("-", 1)[0]
        for g in names
        if "/graph/profile/" in g and "/snapshot/" not in g and "shacl" not in g
    }


def kept_records(config: Config) -> list[Path]:
    return sorted((config.data_dir / "outbox").glob("*/*.json"))


def test_graphs_kept_for_one_store_wait_for_it_whatever_store_the_next_run_uses(
    tmp_path: Path,
) -> None:
    shared = load_config(write_config(tmp_path, []))  # one data directory, two stores
    store_a = shared.with_store_path(tmp_path / "a")
    store_b = shared.with_store_path(tmp_path / "b")
    with EmbeddedStore(tmp_path / "a"):  # another writer holds store A
        locked = build(store_a, [str(SAMPLE_PROFILE)]).report
    assert locked.outcome == "failed" and locked.store_error and locked.kept > 2
    kept = kept_records(shared)
    assert len(kept) == locked.kept

    other = build(store_b, [str(SECOND_PROFILE)]).report
    assert other.outcome == "ok", other.summary_lines()
    assert profiles_in(tmp_path / "b") == {"robert-dadashi"}  # none of A's graphs
    assert kept_records(shared) == kept  # A's outbox left as it was
    [waiting] = [n for n in other.notes if n.startswith("outbox:")]  # and the run says so
    assert (
        f"{locked.kept} graphs kept by earlier runs wait for oxigraph {tmp_path / 'a'}" in waiting
    )

    again = build(store_a, [str(SECOND_PROFILE)]).report  # A's lock released
    assert again.outcome == "ok", again.summary_lines()
    assert profiles_in(tmp_path / "a") == {"leonard-hussenot", "robert-dadashi"}
    assert kept_records(shared) == []
    assert not any(n.startswith("outbox:") for n in again.notes)
    assert not (shared.data_dir / "outbox" / Path(locked.outbox_dir or "").name).exists()


def payload(name: str) -> GraphPayload:
    data = f'<{GRAPH}{name}> <http://purl.org/dc/terms/title> "{name}" .\n'.encode()
    return GraphPayload(iri=GRAPH + name, kind="arxiv", data=data, digest=name, triples=1)


def test_folders_written_before_stores_were_recorded_go_to_the_next_run(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    store_a = config.with_store_path(tmp_path / "a").store
    store_b = config.with_store_path(tmp_path / "b").store
    Outbox(tmp_path, "run-1", store=store_a).keep([payload("for-a")])
    Outbox(tmp_path, "run-2").keep([payload("old")])  # as an older version wrote it: no store
    taken_by_b = Outbox(tmp_path, "run-3", store=store_b).pending()
    assert [p.iri for _, p in taken_by_b] == [GRAPH + "old"]
    taken_by_a = Outbox(tmp_path, "run-4", store=store_a).pending()
    assert sorted(p.iri for _, p in taken_by_a) == [GRAPH + "for-a", GRAPH + "old"]
    for record, _ in taken_by_a:
        Outbox.settle(record)
    assert not (tmp_path / "outbox" / "run-1").exists()  # the store's note goes with the graphs
    assert not (tmp_path / "outbox" / "run-2").exists()
