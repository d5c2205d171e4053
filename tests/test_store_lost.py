"""A store that lost what its manifest records — a SPARQL server made afresh while the data
directory kept its state, a store cleared outside scholarkg — is written again in full on the
next run, person graphs included (the identity registry had them as published, so nothing else
would ever write them again), and the report says why.

Real stores: the embedded Oxigraph store cleared with pyoxigraph, and an ``oxigraph serve``
process on loopback emptied with ``DROP ALL``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from building import build_store, content, rebuild, sparql_store
from constructed import Listed, profile_page
from samples import SAMPLE_PROFILE
from scholarkg.config import Config
from scholarkg.store.base import GraphStore

pytest_plugins = ("oxigraph_server",)

PERSON_GRAPH = "/graph/person/"
LOST = "holds none of the graphs its manifest records"


def person_graphs(store: GraphStore) -> set[str]:
    return {g for g in store.iter_graph_names() if PERSON_GRAPH in g}


def data_graphs(config: Config) -> set[str]:
    with config.store.open() as store:
        return {g for g in store.iter_graph_names() if "/graph/run/" not in g}


def test_a_cleared_embedded_store_gets_every_graph_again(tmp_path: Path) -> None:
    config, first = build_store(tmp_path, [str(SAMPLE_PROFILE)])
    assert first.outcome == "ok"
    before = content(config)
    assert sum(PERSON_GRAPH in g for g in before) == 44

    unchanged = rebuild(config)  # nothing lost: nothing written, nothing said
    assert unchanged.graphs_written == 0 and not any(LOST in w for w in unchanged.warnings)

    store = ox.Store(str(config.store.path))
    store.clear()  # as another tool would
    del store
    report = rebuild(config)
    assert report.outcome == "ok", report.summary_lines()
    [warning] = [w for w in report.warnings if LOST in w]
    assert str(config.store.path) in warning and "every graph is written again" in warning
    assert f"warning: {warning}" in report.summary_lines()
    assert content(config) == before  # the person graphs too, not only the profile's

    again = rebuild(config)  # and the next run finds the store as its manifest says
    assert again.graphs_written == 0 and not any(LOST in w for w in again.warnings)


@pytest.mark.server
def test_a_sparql_server_made_afresh_gets_every_graph_again(
    tmp_path: Path, oxigraph_url: str
) -> None:
    config, first = build_store(tmp_path, [str(SAMPLE_PROFILE)], store=sparql_store(oxigraph_url))
    assert first.outcome == "ok", first.summary_lines()
    before = data_graphs(config)
    with config.store.open() as server:
        assert len(person_graphs(server)) == 44
    requests.post(  # the same server emptied, as one redeployed without its volume would be
        f"{oxigraph_url}/update",
        data=b"DROP ALL",
        headers={"Content-Type": "application/sparql-update"},
        timeout=60,
    ).raise_for_status()
    report = rebuild(config)
    assert report.outcome == "ok", report.summary_lines()
    assert any(LOST in w and oxigraph_url in w for w in report.warnings)
    assert data_graphs(config) == before


CYRILLIC = "%D0%B8%D0%B2%D0%B0%D0%BD"  # "иван" in a person graph's IRI


def constructed_page(h_index: int) -> bytes:
    """CONSTRUCTED: a profile whose co-author's slug is not ASCII (percent-encoded in IRIs)."""
    listed = Listed("A constructed paper", dt.date(2023, 1, 5), ("Ann Lee", "Иван Петров"))
    return profile_page("Ann Lee", [listed], h_index=h_index)


@pytest.mark.parametrize("who", ["first person of the sample", "a Cyrillic co-author"])
def test_a_person_graph_removed_outside_scholarkg_is_written_again(
    tmp_path: Path, who: str
) -> None:
    """Publishing finds the manifest's graphs the store no longer holds; a record's or profile's
    comes back when its source is read again, but a person's was never written again (the
    registry had it as published): it is due again, and the next run writes it."""
    sample = who.startswith("first")
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes() if sample else constructed_page(10))
    config, _ = build_store(tmp_path, [page])
    before = content(config)
    persons = sorted(g for g in before if PERSON_GRAPH in g)
    gone = persons[0] if sample else next(g for g in persons if CYRILLIC in g)
    store = ox.Store(str(config.store.path))
    store.update(f"DROP GRAPH <{gone}>")  # as a SPARQL Update through `serve --allow-updates`
    del store
    # CONSTRUCTED: the page again with another h-index, so the run changes something
    changed = SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118")
    page.write_bytes(changed if sample else constructed_page(11))
    told = rebuild(config)
    assert told.outcome == "ok", told.summary_lines()
    [warning] = [w for w in told.warnings if "gone from the store" in w]
    assert gone in warning and "1 person graphs are written again by the next run" in warning
    healed = rebuild(config)
    assert healed.graphs_written == 1 and not healed.warnings, healed.summary_lines()
    assert content(config)[gone] == before[gone]


def test_a_lost_store_drops_the_harvest_state_that_vouched_for_it(tmp_path: Path) -> None:
    """A harvest resumes from its watermark: kept with a store that lost its records, it would
    never fetch them again. The lost store's watermarks and checkpoints go, and the report
    says harvests start again."""
    from scholarkg.extract.oai_state import HarvestState
    from scholarkg.harvest import WATERMARKS_NAME, checkpoint_name
    from scholarkg.load.manifest import store_state_dir

    config, _ = build_store(tmp_path, [str(SAMPLE_PROFILE)])
    state = store_state_dir(config)
    HarvestState(state / WATERMARKS_NAME).advance(
        "oai_dc set=cs", dt.datetime(2024, 1, 27, tzinfo=dt.UTC)
    )
    checkpoint = state / checkpoint_name("oai_dc set=cs")
    checkpoint.write_text("{}", encoding="utf-8")
    unrelated = state / "notes.txt"
    unrelated.write_text("mine", encoding="utf-8")
    store = ox.Store(str(config.store.path))
    store.clear()
    del store
    report = rebuild(config)
    [warning] = [w for w in report.warnings if LOST in w]
    assert "harvests start again" in warning and "--from" in warning
    assert not (state / WATERMARKS_NAME).exists() and not checkpoint.exists()
    assert unrelated.read_text(encoding="utf-8") == "mine"
