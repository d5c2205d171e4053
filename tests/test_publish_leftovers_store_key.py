"""The dump parts name their store by its resolved location, as the outbox does: one store
written two ways keeps its parts; two stores written the same way never share them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from building import build_store
from rdf_sets import canonical
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import Config
from scholarkg.iris import Minter
from scholarkg.load.manifest import store_key
from scholarkg.load.outbox import outbox_store_key
from scholarkg.publish import parts_store_key, publish
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.void_statistics import description_graph_iri

VOID_GRAPH = ox.NamedNode(str(description_graph_iri(Minter().base)))


def publish_into(config: Config, buckets: set[int] | None) -> None:
    with EmbeddedStore(Path(config.store.path)) as store:
        publish(store, config, buckets=buckets)


def part_times(config: Config) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (config.exports_dir / "parts").glob("*.nq")}


def store_quads_but_void(store_path: Path) -> set[str]:
    with EmbeddedStore(store_path, read_only=True) as store:
        return canonical(q for q in store.native if q.graph_name != VOID_GRAPH)


def dumped(config: Config) -> set[str]:
    path = config.exports_dir / "scholarkg.nq"
    return canonical(ox.parse(path=path, format=ox.RdfFormat.N_QUADS))


def test_the_parts_key_is_the_outboxs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    monkeypatch.chdir(tmp_path)
    relative = config.with_store_path(Path("x/../store"))
    (tmp_path / "x").mkdir()
    assert parts_store_key(relative) == parts_store_key(config) == outbox_store_key(config.store)
    unresolved = store_key(relative.store.kind, "x/../store")  # the path as typed
    assert parts_store_key(relative) != unresolved


def test_one_store_written_two_ways_keeps_its_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    publish_into(config, None)
    before = part_times(config)
    monkeypatch.chdir(tmp_path)
    publish_into(config.with_store_path(Path("store")), set())  # nothing changed
    assert part_times(config) == before  # no part rewritten


def test_two_stores_written_the_same_way_never_share_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    one, _ = build_store(tmp_path / "one", [SAMPLE_PROFILE])
    build_store(tmp_path / "two", [SECOND_PROFILE])
    monkeypatch.chdir(tmp_path / "one")
    publish_into(one.with_store_path(Path("store")), None)
    monkeypatch.chdir(tmp_path / "two")  # the same data directory, "store" is another store
    publish_into(one.with_store_path(Path("store")), set())
    assert dumped(one) == store_quads_but_void(tmp_path / "two" / "store")


def test_the_publication_mark_names_the_store_as_the_parts_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``published.json`` keys the store as the parts do: the configured store written as a
    relative path is the same store, so the run does not publish everything again."""
    from scholarkg.runs.close import publication_key

    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    monkeypatch.chdir(tmp_path)
    relative = config.with_store_path(Path("x/../store"))
    (tmp_path / "x").mkdir()
    assert publication_key(relative) == publication_key(config)
    assert publication_key(config)["store"] == parts_store_key(config)
