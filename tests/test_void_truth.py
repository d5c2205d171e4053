"""Every figure of the published VoID description is what the store and the dump hold, counted
independently (tests/void_truth.py: SPARQL COUNT/COUNT(DISTINCT) over the store and over the
N-Quads dump read back), after each run of realistic sequences: profiles enriched from the
arXiv replay (an entry quarantined), a snapshot load then changed and quarantined records,
persons merged and the merge undone, a record an OAI harvest deletes, a graph dropped by hand,
graphs changed in place by SPARQL Update through the server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from rdflib.namespace import FOAF

from arxiv_replay import Fault, ReplayServer
from building import sparql_store
from conftest import write_config
from constructed import snapshot_line, snapshot_lines
from harvest_pages import deleted, page_two, serve_page_two
from recorded_feed import answer, no_id
from samples import ROOT, SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import Config, ServeSettings, load_config
from scholarkg.iris import SKG, Minter
from scholarkg.load.manifest import store_state_dir
from scholarkg.load.written_around import written_around
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from scholarkg.serve import make_server
from scholarkg.store.base import GraphStore
from scholarkg.store.embedded import EmbeddedStore
from void_truth import copy_of_server, mismatches, typed_in_several_graphs

pytest_plugins = ("arxiv_fixtures", "oxigraph_server")
SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
ENRICHED = ROOT / "tests" / "fixtures" / "profiles" / "arnaud-gotlieb.txt"


def snapshot_file(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_profiles_enriched_from_arxiv_then_changed_and_a_graph_dropped(
    tmp_path: Path, replay: ReplayServer
) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.05}
    http = {"min_interval": 0.0, "max_retries": 1, "backoff_base": 0.05, "read_timeout": 5.0}
    dumps = {"dumps": ["nq", "trig", "ttl", "jsonld"]}
    config = load_config(
        write_config(tmp_path, [page, ENRICHED], arxiv=arxiv, http=http, publish=dumps)
    )
    replay.add_fault(Fault("status", status=200, body=answer(no_id(7), total=1)))
    assert build(config).report.quarantined  # the first title search's entry has no id
    assert mismatches(config) == []
    assert typed_in_several_graphs(config) > 0
    build(config, [str(SECOND_PROFILE)])
    assert mismatches(config) == []
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index119"))
    build(config)  # the second profile no longer listed
    assert mismatches(config) == []
    with EmbeddedStore(config.store.path) as store:  # a graph dropped by hand
        gone = sorted(g for g in store.graph_names() if "/graph/arxiv/" in g)[0]
        store.replace_graph_ntriples(gone, "")
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index120"))
    build(config)
    assert mismatches(config) == []


def test_a_snapshot_then_changed_duplicated_and_bad_records(tmp_path: Path) -> None:
    dumps = {"dumps": ["nq", "trig", "ttl", "jsonld"]}
    config = load_config(write_config(tmp_path, [], publish=dumps))
    load_snapshot(config, SNAPSHOT, chunk_records=30, workers=0)
    assert mismatches(config) == []
    lines = snapshot_lines()
    ids = list(lines)
    changed = []
    for arxiv_id in ids[:5]:
        data = dict(lines[arxiv_id])
        data["title"] = f"{data['title']} (revised)"
        changed.append(json.dumps(data, ensure_ascii=False))
    later = [
        *changed,
        snapshot_line(ids[5], authors=["Wei Wang", "Louis Theran"]),  # authors changed
        changed[0],  # the same id again: quarantined as a duplicate
        '{"id": "0704.9999", "title": ',  # not JSON: quarantined
        snapshot_line(ids[6], new_id="9003.00001", authors=["Wei Wang", "Ileana Streinu"]),
    ]
    report = load_snapshot(config, snapshot_file(tmp_path, "b.jsonl", later), workers=0).report
    assert len(report.quarantined) >= 2, report.summary_lines()
    assert mismatches(config) == []


def test_persons_merged_then_the_merge_undone(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    a = snapshot_line("0704.0002", authors=["Wei Wang", "Louis Theran"])
    b = snapshot_line("0704.0007", authors=["Wei Wang", "Tatjana Vukasinac"])
    load_snapshot(config, snapshot_file(tmp_path, "a.jsonl", [a, b]), workers=0)
    assert mismatches(config) == []
    authors = ["Louis Theran", "Tatjana Vukasinac", "Wei Wang"]
    linking = snapshot_line("0704.0033", new_id="9003.00002", authors=authors)
    report = load_snapshot(config, snapshot_file(tmp_path, "b.jsonl", [linking]), workers=0).report
    assert [e.split(":")[0] for e in report.identity_events] == ["merge"]
    assert mismatches(config) == []
    unlinking = snapshot_line("0704.0033", new_id="9003.00002", authors=authors[:2])
    undone = snapshot_file(tmp_path, "c.jsonl", [unlinking])
    report = load_snapshot(config, undone, workers=0).report
    assert "unmerge" in [e.split(":")[0] for e in report.identity_events]
    assert mismatches(config) == []


def test_a_record_an_oai_harvest_deletes(
    tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    settings = {"arxiv": {"min_interval": 0.01}, "http": {"max_retries": 1}}
    config = load_config(write_config(tmp_path, [], **settings))
    load_snapshot(config, SNAPSHOT, workers=0)
    assert mismatches(config) == []
    serve_page_two(arxiv_server, page_two(deleted("0704.0002", "2024-01-27")))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert report.records_deleted == 1 and report.graphs_removed >= 1
    assert mismatches(config) == []


def changed_in_place(config: Config, store: GraphStore, state_dir: Path | None = None) -> None:
    """A graph added to and another taken from through ``serve --allow-updates``: no graph is
    added or dropped."""
    run = next(g for g in store.graph_names() if "/graph/run/" in g)
    person = sorted(g for g in store.graph_names() if "/graph/person/" in g)[0]
    base = Minter(config.iri_base).base
    updates = [
        f"INSERT DATA {{ GRAPH <{run}> {{ <{base}x/added> a <{SKG}Person> }} }}",
        f"DELETE WHERE {{ GRAPH <{person}> {{ ?s <{FOAF}name> ?name }} }}",
    ]
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    server = make_server(store, allow_updates=True, settings=settings, state_dir=state_dir)
    server.start()
    try:
        for update in updates:
            answer = requests.post(server.url + "update", data={"update": update}, timeout=60)
            assert answer.status_code == 204, answer.text
    finally:
        server.stop()


def test_graphs_changed_through_serve_allow_updates_are_published_as_the_store_holds_them(
    tmp_path: Path,
) -> None:
    """Before, publishing (which compares only graph names with the manifest) kept what the
    loaders wrote, and a run with nothing new did not publish: the VoID counted 199 entities
    where the store held 200."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    build(config)
    with EmbeddedStore(config.store.path, read_only=True) as store:
        changed_in_place(config, store)
    assert written_around(config.store.path)  # beside the embedded store's manifest
    report = build(config).report  # nothing new from the sources, yet it publishes
    assert mismatches(config) == []
    assert report.published and not written_around(config.store.path)
    assert build(config).report.published == []  # once


@pytest.mark.server
def test_a_sparql_server_changed_through_serve_allow_updates_is_published_as_it_holds_them(
    tmp_path: Path, oxigraph_url: str
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], store=sparql_store(oxigraph_url)))
    build(config)
    with config.store.open() as store:
        changed_in_place(config, store, store_state_dir(config))  # as `scholarkg serve` does
    assert written_around(store_state_dir(config))
    assert build(config).report.published
    assert mismatches(config, copy_of_server(oxigraph_url)) == []
