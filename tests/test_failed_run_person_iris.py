"""Persons a failed run kept in the registry are named as a fresh build of its inputs names them.

A snapshot run keeps its identity decisions as it goes (every ``COMMIT_EVERY`` papers, 1 here);
when its store then refuses every write, the run fails and its later work (the names it settled
for the persons' graphs) is not kept, while the persons it kept are unpublished. Before, the
next run did not name those persons again (only persons founded in its own process were): it
wrote ``alice-martin-3dc61c55`` and ``jane-doe-88392e52``, named by the authorships the failed
run read first, where a fresh build writes ``alice-martin-76af2035`` and ``jane-doe-dd042cdc``.
The names and papers are CONSTRUCTED (tests/constructed.py's snapshot lines); the store is a
real ``oxigraph serve`` behind a loopback proxy refusing writes while told to.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from building import sparql_store
from conftest import write_config
from constructed import snapshot_line
from scholarkg.config import Config, load_config
from scholarkg.runs import records
from scholarkg.runs.arxiv_snapshot import load_snapshot
from store_proxy import StoreProxy, running_proxy

pytest_plugins = ("oxigraph_server",)
pytestmark = pytest.mark.server

PERSON = "https://w3id.org/scholarkg/id/graph/person/"


@pytest.fixture
def proxy(oxigraph_url: str) -> Iterator[StoreProxy]:
    with running_proxy(oxigraph_url) as running:
        yield running


def _snapshot(tmp_path: Path) -> Path:
    """Two papers of Jane Doe and Alice Martin, the second in IRI order read first."""
    lines = [
        snapshot_line(
            "0704.0002", new_id=f"9003.{31 + i:05d}", authors=["Jane Doe", "Alice Martin"]
        )
        for i in (1, 0)
    ]
    path = tmp_path / "snapshot.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _persons(config: Config) -> list[str]:
    with config.store.open() as store:
        return sorted(g for g in store.graph_names() if g.startswith(PERSON))


def test_a_failed_runs_persons_are_named_as_a_fresh_build_names_them(
    tmp_path: Path, proxy: StoreProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = _snapshot(tmp_path)
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    fresh = load_config(write_config(fresh_dir, []))
    assert load_snapshot(fresh, snapshot, workers=0).report.outcome == "ok"
    expected = _persons(fresh)
    assert len(expected) == 2

    monkeypatch.setattr(records, "COMMIT_EVERY", 1)  # decisions kept before the store fails
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    config = load_config(write_config(run_dir, [], store=sparql_store(proxy.url)))
    proxy.refuse_writes = True
    first = load_snapshot(config, snapshot, workers=0).report
    assert first.outcome == "failed", first.summary_lines()
    proxy.refuse_writes = False
    second = load_snapshot(config, snapshot, workers=0).report
    assert second.outcome == "ok", second.summary_lines()
    assert _persons(config) == expected
