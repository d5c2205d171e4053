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
from pathlib import Path

import test_door_counts_harvest as counting
from arxiv_replay import ReplayServer
from building import counted
from constructed import snapshot_lines
from scholarkg.config import Config
from scholarkg.runs.arxiv_jobs import harvest, load_snapshot
from scholarkg.runs.context import deletions_path
from scholarkg.runs.deletions import Deletions
from scholarkg.runs.report import RunReport
from test_door_counts_harvest import RELISTED, page_two, papers, serve_page_two
from test_harvest_deletions import GONE, SNAPSHOT, authors_of, deleted, dumped, indexed

pytest_plugins = ("arxiv_fixtures",)
replay, config = counting.replay, counting.config  # its fixtures: the replay server, a config
BASE = "https://w3id.org/scholarkg/id/"


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
        assert f"{BASE}paper/arxiv/{GONE}>" not in dumped(config)
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


def test_a_later_harvest_listing_a_deleted_record_no_later_than_its_deletion_withholds_it(
    config: Config, replay: ReplayServer
) -> None:
    kept = Deletions(deletions_path(config))
    kept.mark([(RELISTED, dt.date(2024, 1, 26))])  # the datestamp page 1 lists it with
    kept.close()
    serve_page_two(replay, page_two())
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert RELISTED not in papers(config) and balanced(report)
    told = [n for n in report.notes if "not after their deletion" in n]
    assert len(told) == 1 and f"{RELISTED} (2024-01-26, deleted 2024-01-26)" in told[0]
    assert deletions_of(config, RELISTED) == {RELISTED: "2024-01-26"}


def test_a_later_harvest_listing_a_deleted_record_after_its_deletion_loads_it(
    config: Config, replay: ReplayServer
) -> None:
    kept = Deletions(deletions_path(config))
    kept.mark([(RELISTED, dt.date(2024, 1, 25))])
    kept.close()
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
    kept.forget(["2401.00001"])
    kept.close()
    again = Deletions(tmp_path / "deletions.sqlite")
    assert again and again.of(["2401.00001", "2401.00002"]) == {"2401.00002": "0000-00-00"}
    again.close()
