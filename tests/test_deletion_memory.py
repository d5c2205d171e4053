"""A record an OAI-PMH harvest deleted stays deleted when another door brings an older state of
it: a snapshot file written before the deletion, or a later harvest listing it with a datestamp
not after the deletion. The deletion is remembered per store with its datestamp; a state dated
after it (a version submitted since, a newer listing) is the record come back and loads.
Before, loading the snapshot again put the deleted record back into the store, its persons and
the dump.

The store is loaded from the real snapshot sample; the harvest pages are those of
``test_harvest_deletions`` (deleted headers CONSTRUCTED in the form OAI-PMH gives); the
snapshot line with a later version is CONSTRUCTED from the sample's line of the record.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from arxiv_replay import STITCHED_TOKEN, Fault, ReplayServer
from building import counted, sparql_store
from conftest import write_config
from constructed import listing, snapshot_line, snapshot_lines
from harvest_pages import (
    CS,
    GONE,
    RELISTED,
    SNAPSHOT,
    authors_of,
    config,
    deleted,
    dump_text,
    indexed,
    page_two,
    papers,
    replay,
    serve_page_two,
)
from profile_config import page_config
from scholarkg.config import Config, load_config
from scholarkg.harvest import WATERMARKS_NAME
from scholarkg.load.manifest import store_state_dir
from scholarkg.runs import chunk_work
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from scholarkg.runs.deletions import Deletions
from scholarkg.runs.report import RunReport
from scholarkg.runs.state_paths import deletions_path
from store_proxy import running_proxy

pytest_plugins = ("arxiv_fixtures", "oxigraph_server")
__all__ = ["config", "replay"]  # fixtures
BASE = "https://w3id.org/scholarkg/id/"


def mark(config: Config, arxiv_id: str, day: dt.date) -> None:
    """Remember a deletion as a harvest does (for doors tested without one)."""
    kept = Deletions(deletions_path(config))
    kept.mark([(arxiv_id, day)])
    kept.close()


def deletions_of(config: Config, *ids: str) -> dict[str, str]:
    kept = Deletions(deletions_path(config))
    try:
        return kept.of(list(ids))
    finally:
        kept.close()


def delete_by_harvest(config: Config, replay: ReplayServer, arxiv_id: str, datestamp: str) -> None:
    serve_page_two(replay, page_two(deleted(arxiv_id, datestamp)))
    assert harvest(config, "cs", "oai_dc", "2024-01-25").report.records_deleted == 1


def balanced(report: RunReport) -> bool:
    read, loaded, rejected, quarantined = counted(report)
    return read == loaded + rejected + quarantined + report.records_deleted


def test_a_snapshot_read_again_does_not_bring_a_deleted_record_back(
    config: Config, replay: ReplayServer
) -> None:
    first = load_snapshot(config, SNAPSHOT, workers=0).report
    delete_by_harvest(config, replay, GONE, "2024-01-27")
    assert deletions_of(config, GONE) == {GONE: "2024-01-27"}
    for _ in range(2):  # and again: the chunk that held it is read on every run
        report = load_snapshot(config, SNAPSHOT, workers=0).report
        assert GONE not in papers(config)
        assert authors_of(config, GONE) == set()
        assert not indexed(config, GONE)
        assert f"{BASE}paper/arxiv/{GONE}>" not in dump_text(config)
        assert report.records_read == first.records_read
        assert report.records_loaded == first.records_loaded - 1
        assert report.records_deleted == 1 and balanced(report)
        told = [n for n in report.notes if "withheld" in n]
        assert len(told) == 1 and f"{GONE} (deleted 2024-01-27" in told[0], report.notes
    assert deletions_of(config, GONE) == {GONE: "2024-01-27"}


def test_the_same_holds_through_worker_processes_and_the_bulk_loader(
    config: Config, replay: ReplayServer
) -> None:
    load_snapshot(config, SNAPSHOT, workers=0)
    delete_by_harvest(config, replay, GONE, "2024-01-27")
    report = load_snapshot(config, SNAPSHOT, workers=2, force=True).report
    assert GONE not in papers(config) and report.records_deleted == 1 and balanced(report)


def test_a_version_dated_after_the_deletion_brings_the_record_back(
    tmp_path: Path, config: Config, replay: ReplayServer
) -> None:
    load_snapshot(config, SNAPSHOT, workers=0)
    delete_by_harvest(config, replay, GONE, "2024-01-27")
    line = dict(snapshot_lines()[GONE])
    versions = list(line["versions"])  # type: ignore[call-overload]
    versions.append({"version": f"v{len(versions) + 1}", "created": "Thu, 1 Feb 2024 10:00:00 GMT"})
    line.update(versions=versions, update_date="2024-02-01")
    newer = tmp_path / "newer.jsonl"
    newer.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = load_snapshot(config, newer, workers=0).report
    assert (report.records_loaded, report.records_deleted) == (1, 0)
    assert GONE in papers(config) and authors_of(config, GONE) and indexed(config, GONE)
    assert deletions_of(config, GONE) == {}
    assert not [n for n in report.notes if "withheld" in n]


def test_a_record_back_after_its_deletion_in_an_older_version_loads(
    tmp_path: Path, config: Config, replay: ReplayServer
) -> None:
    """CONSTRUCTED: 0704.0002 loaded with v1 and v2, deleted by its source, then back with v1
    only, dated after the deletion: the record is back and loads (the store held no version
    of it any more). Before, the version kept for it still held it back, on every run."""
    load_snapshot(config, SNAPSHOT, workers=0)
    delete_by_harvest(config, replay, GONE, "2024-01-27")
    line = dict(snapshot_lines()[GONE])
    line.update(
        versions=[{"version": "v1", "created": "Thu, 1 Feb 2024 10:00:00 GMT"}],
        update_date="2024-02-01",
    )
    back = tmp_path / "back.jsonl"
    back.write_text(json.dumps(line) + "\n", encoding="utf-8")
    for _ in range(2):
        report = load_snapshot(config, back, workers=0, force=True).report
        assert (report.records_loaded, report.records_held_back) == (1, 0), report.notes
        assert GONE in papers(config)


def test_a_later_harvest_listing_a_deleted_record_no_later_than_its_deletion_withholds_it(
    config: Config, replay: ReplayServer
) -> None:
    mark(config, RELISTED, dt.date(2024, 1, 26))  # the datestamp page 1 lists it with
    serve_page_two(replay, page_two())
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert RELISTED not in papers(config) and balanced(report)
    told = [n for n in report.notes if "not after their deletion" in n]
    assert len(told) == 1 and f"{RELISTED} (2024-01-26, deleted 2024-01-26)" in told[0]
    assert deletions_of(config, RELISTED) == {RELISTED: "2024-01-26"}


def test_a_later_harvest_listing_a_deleted_record_after_its_deletion_loads_it(
    config: Config, replay: ReplayServer
) -> None:
    mark(config, RELISTED, dt.date(2024, 1, 25))
    serve_page_two(replay, page_two())
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert RELISTED in papers(config) and balanced(report)
    assert not [n for n in report.notes if "not after their deletion" in n]
    assert deletions_of(config, RELISTED) == {}


def test_of_two_deletions_of_a_record_the_later_is_kept(tmp_path: Path) -> None:
    kept = Deletions(tmp_path / "deletions.sqlite")
    assert not kept
    kept.mark([("2401.00001", dt.date(2024, 1, 5)), ("2401.00001", dt.date(2024, 1, 3))])
    kept.mark([("2401.00001", dt.date(2024, 1, 4)), ("2401.00002", None)])
    assert kept
    assert kept.of(["2401.00001", "2401.00002", "2401.00003"]) == {
        "2401.00001": "2024-01-05",
        "2401.00002": "0000-00-00",
    }
    assert kept.withheld({"2401.00001": dt.date(2024, 1, 5), "2401.00003": None}) == {
        "2401.00001": "2024-01-05"
    }
    assert kept.withheld({"2401.00001": dt.date(2024, 1, 6)}) == {}
    kept.forget([("2401.00001", dt.date(2024, 1, 5))])  # a state no later: the deletion stands
    assert kept.of(["2401.00001"]) == {"2401.00001": "2024-01-05"}
    kept.forget([("2401.00001", dt.date(2024, 1, 6)), ("2401.00002", None)])
    kept.close()
    again = Deletions(tmp_path / "deletions.sqlite")
    assert again and again.of(["2401.00001", "2401.00002"]) == {"2401.00002": "0000-00-00"}
    again.close()


def test_a_snapshot_line_of_a_deleted_record_the_gate_rejects_is_withheld_not_rejected(
    tmp_path: Path, config: Config
) -> None:
    """CONSTRUCTED: the sample's line of the record with a category SHACL rejects."""
    mark(config, GONE, dt.date(2024, 1, 27))
    line = dict(snapshot_lines()[GONE])
    line["categories"] = "zz.XX!"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = load_snapshot(config, bad, workers=0).report
    assert (*counted(report), report.records_deleted) == (1, 0, 0, 0, 1)
    assert not report.findings and not list((config.quarantine_dir / "graphs").glob("*"))
    assert [n for n in report.notes if "withheld" in n]


def test_a_newer_listing_the_gate_rejects_leaves_the_deletion_standing(
    tmp_path: Path, config: Config, replay: ReplayServer
) -> None:
    """1706.09418 is listed on page 2 (2017-12-14) with a category SHACL rejects: the store
    never holds a state newer than its deletion, so an older snapshot state stays withheld."""
    rejected = "1706.09418"
    mark(config, rejected, dt.date(2017, 12, 1))
    serve_page_two(replay, page_two())
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert any(rejected in iri for iri in report.rejected)
    assert deletions_of(config, rejected) == {rejected: "2017-12-01"}
    older = tmp_path / "older.jsonl"  # CONSTRUCTED: a state whose versions are from 2007
    older.write_text(snapshot_line(GONE, new_id=rejected) + "\n", encoding="utf-8")
    report = load_snapshot(config, older, workers=0).report
    assert rejected not in papers(config) and report.records_deleted == 1


def test_a_deletion_marked_after_a_state_came_back_stands(
    config: Config, replay: ReplayServer
) -> None:
    """In one harvest RELISTED comes back (page 1, 2024-01-26, after a deletion of 2024-01-25)
    and is deleted again on page 2 (2024-01-27): the later deletion is remembered."""
    mark(config, RELISTED, dt.date(2024, 1, 25))
    serve_page_two(replay, page_two(deleted(RELISTED, "2024-01-27")))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert RELISTED not in papers(config) and report.records_deleted == 1
    assert deletions_of(config, RELISTED) == {RELISTED: "2024-01-27"}


RESOLVED = "2202.12139"  # a recorded API entry, latest version 2022-02-24


@pytest.fixture
def searching(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    """A replay server that also answers title searches (and the harvest's pages)."""
    server = ReplayServer(assemble=True).start()
    monkeypatch.setenv("SCHOLARKG_OAI_URL", server.oai_url)
    try:
        yield server
    finally:
        server.stop()


def test_profile_enrichment_does_not_bring_a_deleted_record_back(
    tmp_path: Path, searching: ReplayServer
) -> None:
    """A profile (CONSTRUCTED, listing the recorded entry) resolves it from the replayed API;
    a harvest deletes it; the next build, which the harvest asks for, leaves it out."""
    config = page_config(tmp_path, searching.api_url, [listing(RESOLVED)])
    assert build(config).report.resolved_from == {"api": 1} and RESOLVED in papers(config)
    delete_by_harvest(config, searching, RESOLVED, "2024-01-27")
    assert RESOLVED not in papers(config)
    again = build(config).report
    assert RESOLVED not in papers(config) and not indexed(config, RESOLVED)
    assert again.resolved_from == {}
    assert deletions_of(config, RESOLVED) == {RESOLVED: "2024-01-27"}


def test_profile_enrichment_loads_a_record_with_a_version_after_its_deletion(
    tmp_path: Path, searching: ReplayServer
) -> None:
    config = page_config(tmp_path, searching.api_url, [listing(RESOLVED)])
    mark(config, RESOLVED, dt.date(2022, 2, 1))  # before its latest version: it came back
    assert build(config).report.resolved_from == {"api": 1} and RESOLVED in papers(config)
    assert deletions_of(config, RESOLVED) == {}


def test_a_come_back_state_the_gate_rejects_in_a_profile_build_leaves_the_deletion(
    tmp_path: Path, searching: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate is made to reject every arXiv graph (a stand-in: no recorded entry fails it)."""
    config = page_config(tmp_path, searching.api_url, [listing(RESOLVED)])
    mark(config, RESOLVED, dt.date(2022, 2, 1))  # its latest version (2022-02-24) is after
    real = chunk_work.gating.gate_many

    def reject_all(emitted):  # type: ignore[no-untyped-def]  # the gate rejects every arXiv graph
        return [(g, None, f) for g, _, f in real(emitted)]

    monkeypatch.setattr(chunk_work.gating, "gate_many", reject_all)
    report = build(config).report
    assert any(RESOLVED in iri for iri in report.rejected), report.rejected
    assert RESOLVED not in papers(config)
    # README: "a newer state the gate rejects leaves the deletion standing"
    assert deletions_of(config, RESOLVED) == {RESOLVED: "2022-02-01"}


def test_deleted_and_listed_again_with_one_datestamp_in_a_harvest_the_listing_is_back(
    tmp_path: Path, config: Config, replay: ReplayServer
) -> None:
    """CONSTRUCTED: page 1 lists 1707.00874 as deleted with the datestamp page 2 lists it with."""
    z = "1707.00874"  # on page 2, datestamp 2017-12-14, loads
    page_one = CS.read_bytes().replace(
        b"<resumptionToken", deleted(z, "2017-12-14") + b"<resumptionToken"
    )
    replay.add_fault(Fault("status", status=200, body=page_one), path="/oai", times=-1, set="cs")
    serve_page_two(replay, page_two())
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert z in papers(config), report.notes  # loaded: the newer state of the harvest
    older = tmp_path / "older.jsonl"
    older.write_text(snapshot_line(GONE, new_id=z) + "\n", encoding="utf-8")
    again = load_snapshot(config, older, workers=0).report
    assert again.records_deleted == 0 and not [n for n in again.notes if "withheld" in n]
    assert z in papers(config)
    assert deletions_of(config, z) == {}  # the store holds a state not older than the deletion


def test_a_chunk_loaded_before_is_read_again_when_it_holds_a_record_deleted_since(
    tmp_path: Path, config: Config
) -> None:
    line = dict(snapshot_lines()[GONE])
    line["categories"] = "zz.XX!"
    lines = [json.dumps(line), snapshot_line(GONE, new_id="1706.00001")]
    snap = tmp_path / "s.jsonl"
    snap.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = load_snapshot(config, snap, workers=0).report
    assert (*counted(first), first.records_deleted) == (2, 1, 1, 0, 0)
    mark(config, GONE, dt.date(2024, 1, 27))  # a harvest lists GONE as deleted
    again = load_snapshot(config, snap, workers=0).report
    forced = load_snapshot(config, snap, workers=0, force=True).report
    assert (*counted(forced), forced.records_deleted) == (2, 1, 0, 0, 1)
    # README: withheld "whatever the gate would say (read, counted as deleted)"
    assert (*counted(again), again.records_deleted) == (*counted(forced), forced.records_deleted)


def test_a_come_back_state_the_store_refuses_leaves_the_deletion(tmp_path: Path) -> None:
    """CONSTRUCTED: a state with a version after the deletion and a 20 MB abstract, which the
    transactional loader hands to the dead letters."""
    limits = {"literal_bytes": 64 << 20, "line_bytes": 64 << 20}
    config = load_config(write_config(tmp_path, [], limits=limits))
    mark(config, GONE, dt.date(2024, 1, 27))
    line = dict(snapshot_lines()[GONE])
    versions = list(line["versions"])
    versions.append({"version": f"v{len(versions) + 1}", "created": "Thu, 1 Feb 2024 10:00:00 GMT"})
    line.update(versions=versions, update_date="2024-02-01", abstract="x" * (20 << 20))
    snap = tmp_path / "big.jsonl"
    snap.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = load_snapshot(config, snap, workers=0, bulk=False).report
    assert [g for g, _ in report.dead] and report.store_error is None
    assert GONE not in papers(config)
    assert deletions_of(config, GONE) == {GONE: "2024-01-27"}  # the store does not hold it


def test_later_lines_of_a_withheld_record_are_duplicates_on_every_run(
    tmp_path: Path, config: Config
) -> None:
    mark(config, GONE, dt.date(2024, 1, 27))
    old = json.dumps(dict(snapshot_lines()[GONE]))
    other = snapshot_line(GONE, new_id="1706.00001")
    snap = tmp_path / "d.jsonl"
    snap.write_text("\n".join([old, other, old, old]) + "\n", encoding="utf-8")
    for force in (False, False, True):
        r = load_snapshot(config, snap, chunk_records=2, workers=0, force=force).report
        assert (*counted(r), r.records_deleted) == (4, 1, 0, 2, 1)


def test_a_step_after_loading_that_fails_is_reported_and_the_run_still_closes(
    tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deletions file is locked when the run forgets a deletion (the error SQLite gives is
    raised in its place): the run still publishes and writes its report, which names it."""
    mark(config, GONE, dt.date(2024, 1, 27))
    line = dict(snapshot_lines()[GONE])
    versions = [*line["versions"], {"version": "v9", "created": "Thu, 1 Feb 2024 10:00:00 GMT"}]  # type: ignore[misc]
    line.update(versions=versions)
    newer = tmp_path / "newer.jsonl"
    newer.write_text(json.dumps(line) + "\n", encoding="utf-8")

    def locked(self: Deletions, *args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Deletions, "forget", locked)
    report = load_snapshot(config, newer, workers=0).report
    assert GONE in papers(config) and report.published
    assert report.failures == [("after loading", "OperationalError: database is locked")]
    assert report.outcome == "partial"
    assert deletions_of(config, GONE) == {GONE: "2024-01-27"}  # forgotten by the next run
    written = json.loads(sorted(config.reports_dir.glob("*.json"))[-1].read_text())
    assert written["outcome"] == "partial"


@pytest.mark.server
def test_a_deletion_the_store_refuses_to_drop_is_listed_again_and_not_remembered(
    tmp_path: Path, replay: ReplayServer, oxigraph_url: str
) -> None:
    """A SPARQL server behind a proxy that refuses writes while the harvest deletes a record:
    the run fails with the store's one line, the record keeps its graph, its persons and its
    title, and nothing remembers the deletion; once the store takes writes, the same listing
    deletes it."""
    with running_proxy(oxigraph_url) as proxy:
        store = sparql_store(proxy.url)
        config = load_config(write_config(tmp_path, [], store=store, arxiv={"min_interval": 0.01}))
        load_snapshot(config, SNAPSHOT, workers=0, bulk=False)
        once = Fault("status", status=200, body=page_two())
        replay.add_fault(once, path="/oai", times=1, resumptionToken=STITCHED_TOKEN)
        assert harvest(config, "cs", "oai_dc", "2024-01-25").report.store_error is None
        graph = f"{BASE}graph/arxiv/{GONE}"
        assert graph in held_graphs(config)
        (store_state_dir(config) / WATERMARKS_NAME).unlink()  # harvest the same days again

        serve_page_two(replay, page_two(deleted(GONE, "2024-01-27")))
        proxy.refuse_writes = True
        failed = harvest(config, "cs", "oai_dc", "2024-01-25").report
        assert proxy.refused and failed.outcome == "failed", "\n".join(failed.summary_lines())
        assert failed.store_error is not None and "writes refused" in failed.store_error
        assert "\n" not in failed.store_error
        assert failed.records_deleted == 0 and not failed.identity_events
        assert graph in held_graphs(config) and indexed(config, GONE)
        assert deletions_of(config, GONE) == {}

        proxy.refuse_writes = False  # the failed run left no watermark: the same days again
        again = harvest(config, "cs", "oai_dc", "2024-01-25").report
        assert again.store_error is None and again.records_deleted == 1
        assert graph not in held_graphs(config) and not indexed(config, GONE)
        assert deletions_of(config, GONE) == {GONE: "2024-01-27"}


def held_graphs(config: Config) -> set[str]:
    with config.store.open(read_only=True) as store:
        return set(store.iter_graph_names())
