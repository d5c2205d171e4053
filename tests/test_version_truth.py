"""The store itself is the truth on which arXiv version of a record it holds.

Each data directory keeps the latest version it loaded of each record beside its manifest
(:mod:`scholarkg.runs.held_versions`). Before, that table was all a run asked, so:

* a store made before the table (here: the table removed after loading 0704.0002 at v2) took a
  later v1 snapshot line: the store held [v1];
* two data directories writing one SPARQL server (a real ``oxigraph serve`` on loopback) each
  keep their own table: B's v1 line replaced the v2 that A loaded, and A, whose table knew v1,
  replaced B's v2 with its v1 again.

Now the records a chunk would load are looked up in the store too (one query a chunk), the
higher version counts, and what the store tells is kept in the table. Two data directories
sharing one embedded store share its table (it lives in the store's folder): checked in both
orders too. CONSTRUCTED inputs: the real snapshot line of 0704.0002 with its v2 taken out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from arxiv_versions import PAPER, raw_record, serve, snapshot
from building import counted
from conftest import write_config
from constructed import snapshot_lines
from scholarkg.config import Config, load_config
from scholarkg.iris import Minter
from scholarkg.query_results import run_select
from scholarkg.runs import context
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.held_versions import StoreVersions, versions_path
from scholarkg.store.base import GraphStore
from store_contents import quads

pytest_plugins = ("oxigraph_server", "arxiv_fixtures")

GRAPH = f"<https://w3id.org/scholarkg/id/graph/arxiv/{PAPER}>"
NUMBER = "<https://w3id.org/scholarkg/ontology#versionNumber>"
KAGGLE = Path(__file__).parent / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"


def in_store(config: Config) -> list[int]:
    """The version numbers the store's graph of 0704.0002 holds."""
    with config.store.open() as store:
        rows = run_select(
            store, f"SELECT ?n WHERE {{ GRAPH {GRAPH} {{ ?v {NUMBER} ?n }} }} ORDER BY ?n"
        ).rows
    return [int(str(n)) for (n,) in rows]


def in_table(config: Config, ids: Sequence[str] = (PAPER,)) -> dict[str, int]:
    table = StoreVersions(versions_path(config))
    try:
        return table.of(list(ids))
    finally:
        table.close()


def two_directories(tmp_path: Path, store: dict[str, object]) -> tuple[Config, Config]:
    configs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        configs.append(load_config(write_config(tmp_path / name, [], store=store)))
    return configs[0], configs[1]


def test_a_store_made_before_the_table_keeps_its_newer_version(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    load_snapshot(config, snapshot(tmp_path, 2), workers=0)
    versions_path(config).unlink()  # as a store loaded before the table was kept
    report = load_snapshot(config, snapshot(tmp_path, 1), workers=0).report
    assert in_store(config) == [1, 2]  # before: [1]
    assert counted(report) == (1, 0, 0, 0) and report.records_held_back == 1
    assert in_table(config) == {PAPER: 2}  # what the store told is kept


def test_a_harvest_into_a_store_made_before_the_table_holds_the_older_listing_back(
    tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    config = load_config(write_config(tmp_path, [], arxiv={"min_interval": 0.01}))
    load_snapshot(config, snapshot(tmp_path, 2), workers=0)
    versions_path(config).unlink()
    serve(arxiv_server, "", raw_record(1))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert in_store(config) == [1, 2]  # before: [1]
    assert counted(report) == (6, 5, 0, 0) and report.records_held_back == 1


def whole_snapshot(tmp_path: Path) -> tuple[Path, int]:
    """Every constructed snapshot line in one file, and the chunks of 4 records it makes."""
    lines = list(snapshot_lines().values())
    path = tmp_path / "all.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path, -(-len(lines) // 4)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of each look-up of the versions the store holds (the store really asked)."""
    ids: list[int] = []
    real = context.versions_in_store

    def counted(store: GraphStore, minter: Minter, wanted: Sequence[str]) -> dict[str, int]:
        ids.append(len(wanted))
        return real(store, minter, wanted)

    monkeypatch.setattr(context, "versions_in_store", counted)
    return ids


def test_a_first_load_into_a_new_store_does_not_ask_it(tmp_path: Path, asked: list[int]) -> None:
    """The run holds the new embedded store alone and keeps each version before loading it:
    its table is all the store holds (before: one query a chunk, 25 here)."""
    config = load_config(write_config(tmp_path, []))
    path, _ = whole_snapshot(tmp_path)
    ctx = load_snapshot(config, path, chunk_records=4, workers=0)
    assert (ctx.versions.queries, asked) == (0, [])
    assert ctx.report.records_read == ctx.report.records_loaded == len(snapshot_lines())


def test_a_store_holding_records_the_table_lacks_is_asked_once_a_chunk(
    tmp_path: Path, asked: list[int]
) -> None:
    """A whole snapshot in chunks of 4 records into a store loaded before the table was kept:
    one query a chunk, and what the store told is kept."""
    config = load_config(write_config(tmp_path, []))
    path, chunks = whole_snapshot(tmp_path)
    load_snapshot(config, path, workers=0)
    kept = in_table(config, list(snapshot_lines()))
    versions_path(config).unlink()  # as a store loaded before the table was kept
    asked.clear()
    ctx = load_snapshot(config, path, chunk_records=4, workers=0, force=True)
    assert ctx.versions.queries == len(asked) == chunks and all(asked)
    assert in_table(config, list(snapshot_lines())) == kept and len(kept) > 10
    assert ctx.report.records_read == len(snapshot_lines()) and ctx.report.records_held_back == 0


def test_a_first_load_stores_the_same_quads_as_one_asking_the_store(
    tmp_path: Path, asked: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Kaggle sample in chunks of 10, into a new store, without and with the look-up
    (forced on as for a store made before the table): the same quads."""
    stored = []
    for name in ("unasked", "asked"):
        if name == "asked":
            monkeypatch.setattr(context, "table_is_all", lambda config, store: False)
        (tmp_path / name).mkdir()
        config = load_config(write_config(tmp_path / name, []))
        report = load_snapshot(config, KAGGLE, chunk_records=10, workers=0).report
        assert report.records_loaded == 100
        stored.append(quads(tmp_path / name))
    assert len(asked) == 10  # none in the first load, one a chunk in the second
    assert stored[0] == stored[1] and len(stored[0]) > 1000


@pytest.fixture(params=["embedded", "server"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, object]:
    """One store two data directories write: an embedded store's folder, or a SPARQL server."""
    if request.param == "embedded":
        return {"path": str(tmp_path / "store")}
    url = request.getfixturevalue("oxigraph_url")
    return {"kind": "sparql", "query_url": f"{url}/query", "update_url": f"{url}/update"}


def test_a_directory_does_not_roll_back_what_another_loaded(
    tmp_path: Path, shared: dict[str, object]
) -> None:
    a, b = two_directories(tmp_path, shared)
    load_snapshot(a, snapshot(tmp_path, 2), workers=0)
    report = load_snapshot(b, snapshot(tmp_path, 1), workers=0).report
    assert in_store(b) == [1, 2]  # before, through the server: [1]
    assert report.records_held_back == 1 and report.records_loaded == 0


def test_the_other_order_loads_the_newer_and_holds_the_older_back_after(
    tmp_path: Path, shared: dict[str, object]
) -> None:
    a, b = two_directories(tmp_path, shared)
    load_snapshot(a, snapshot(tmp_path, 1), workers=0)
    report = load_snapshot(b, snapshot(tmp_path, 2), workers=0).report
    assert in_store(a) == [1, 2] and report.records_held_back == 0
    # a's table knew v1: the store, holding v2 since, is asked (before: rolled back to [1])
    again = load_snapshot(a, snapshot(tmp_path, 1), workers=0, force=True).report
    assert in_store(a) == [1, 2] and again.records_held_back == 1
    assert in_table(a) == {PAPER: 2}
