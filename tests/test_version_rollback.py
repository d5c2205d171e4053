"""A store never goes back to an older arXiv version of a record than it already holds.

0704.0002 is loaded with versions v1 and v2 (its real snapshot line); a later run reads a copy
with only v1 — a month-old snapshot line, a replayed API answer, an OAI-PMH arXivRaw listing —
and, before, replaced the graph: the store held [v1], and nothing told it. Now the older copy is
held back (read, not loaded, counted and noted "0704.0002 (v1 < v2)"), in whichever order the
doors come, on every later run; a copy of the same or a newer version loads as before.

CONSTRUCTED inputs: the v1 snapshot line is the real line with its v2 taken out; the API answer
is the recorded 2104.12255v1 answer with its id made 0704.0002v1; the arXivRaw listings are those
of tests/arxiv_versions.py (facts from the real line); all served by the loopback replay
server, loaded into a real embedded Oxigraph store.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer
from arxiv_versions import PAPER, answer_v1, config, held_versions, raw_record, serve, snapshot
from building import counted
from constructed import listing, snapshot_lines
from profile_config import page_config
from scholarkg.config import Config
from scholarkg.runs.arxiv_fetch import fetch_ids
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from scholarkg.runs.held_versions import StoreVersions, versions_path
from scholarkg.runs.report import RunReport

pytest_plugins = ("arxiv_fixtures",)
__all__ = ["config"]  # the fixture

TITLE = "Sparsity-certifying Graph Decompositions"


def held_back(report: RunReport) -> list[str]:
    return [n for n in report.notes if "held back" in n]


def test_an_older_snapshot_line_after_a_newer_one_is_held_back_on_every_run(
    tmp_path: Path, config: Config
) -> None:
    load_snapshot(config, snapshot(tmp_path, 2), workers=0)
    assert held_versions(config)[0] == [1, 2]
    for _ in range(2):  # the chunk is read again on every run: held back every time
        report = load_snapshot(config, snapshot(tmp_path, 1), workers=0).report
        assert held_versions(config)[0] == [1, 2]
        assert counted(report) == (1, 0, 0, 0) and report.records_held_back == 1
        [note] = held_back(report)
        assert note.startswith("1 records held back") and f"{PAPER} (v1 < v2)" in note
        assert "1 held back (older than the store's)" in report.summary_lines()[1]
        written = json.loads(report.write_json(tmp_path).read_text(encoding="utf-8"))
        assert written["records_held_back"] == 1


def test_a_newer_or_equal_snapshot_line_loads(tmp_path: Path, config: Config) -> None:
    load_snapshot(config, snapshot(tmp_path, 1), workers=0)
    assert held_versions(config)[0] == [1]
    report = load_snapshot(config, snapshot(tmp_path, 2), workers=0).report
    assert held_versions(config)[0] == [1, 2] and report.records_loaded == 1
    again = load_snapshot(config, snapshot(tmp_path, 2), workers=0, force=True).report
    assert held_versions(config)[0] == [1, 2]
    assert again.records_held_back == 0 and not held_back(again)


def test_the_same_holds_through_worker_processes_and_the_bulk_loader(
    tmp_path: Path, config: Config
) -> None:
    load_snapshot(config, snapshot(tmp_path, 2), workers=2)
    report = load_snapshot(config, snapshot(tmp_path, 1), workers=2).report
    assert held_versions(config)[0] == [1, 2] and report.records_held_back == 1


def test_a_replayed_api_answer_of_an_older_version_is_held_back(
    tmp_path: Path, config: Config, arxiv_server: ReplayServer
) -> None:
    arxiv_server.add_fault(
        Fault("status", status=200, body=answer_v1()), path="/api/query", times=-1
    )
    load_snapshot(config, snapshot(tmp_path, 2), workers=0)
    report = fetch_ids(config, [PAPER]).report
    assert held_versions(config) == ([1, 2], [TITLE])
    assert counted(report) == (1, 0, 0, 0) and report.records_held_back == 1
    assert f"{PAPER} (v1 < v2)" in held_back(report)[0]


def test_an_api_answer_before_a_newer_snapshot_is_replaced_by_it(
    tmp_path: Path, config: Config, arxiv_server: ReplayServer
) -> None:
    arxiv_server.add_fault(
        Fault("status", status=200, body=answer_v1()), path="/api/query", times=-1
    )
    assert fetch_ids(config, [PAPER]).report.records_loaded == 1
    assert held_versions(config)[0] == [1]
    report = load_snapshot(config, snapshot(tmp_path, 2), workers=0).report
    assert held_versions(config) == ([1, 2], [TITLE]) and report.records_held_back == 0


def test_an_older_oai_listing_after_a_newer_snapshot_is_held_back(
    tmp_path: Path, config: Config, arxiv_server: ReplayServer
) -> None:
    load_snapshot(config, snapshot(tmp_path, 2), workers=0)
    serve(arxiv_server, "", raw_record(1))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert held_versions(config) == ([1, 2], [TITLE])
    # read: the 5 records of page 1 and the listing held back, which is neither loaded nor lost
    assert counted(report) == (6, 5, 0, 0) and report.records_held_back == 1
    assert f"{PAPER} (v1 < v2)" in held_back(report)[0]


@pytest.mark.parametrize(
    ("two", "three", "loaded", "held"),
    [
        (raw_record(1), raw_record(1), 5, 1),  # held back on two pages
        (raw_record(1), raw_record(1) + raw_record(1), 5, 1),  # and twice on the second
        (raw_record(1), raw_record(2), 6, 0),  # held back, then its newer listing loads
        (raw_record(2), raw_record(1), 6, 0),  # loaded, then an older listing: stale
    ],
    ids=["two pages", "then twice on one page", "then newer", "newer first"],
)
def test_a_listing_held_back_on_two_pages_of_a_harvest_is_counted_once(
    tmp_path: Path,
    config: Config,
    arxiv_server: ReplayServer,
    two: str,
    three: str,
    loaded: int,
    held: int,
) -> None:
    """Before, each page that listed the v1 copy counted it again: read 7 of 6 records, "2
    records held back: 0704.0002 (v1 < v2) and 1 more"; held back, then listed at v2 and
    loaded, it was read twice and still told as held back."""
    load_snapshot(config, snapshot(tmp_path, 2), workers=0)
    serve(arxiv_server, two, three)
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    title = TITLE if held else f"{TITLE} (v2)"
    assert held_versions(config) == ([1, 2], [title])
    assert counted(report) == (6, loaded, 0, 0) and report.records_held_back == held
    notes = [n for n in held_back(report) if "records held back" in n]
    if held:
        assert notes == [
            "1 records held back: older than the store's (the store keeps the newer version "
            f"it holds): {PAPER} (v1 < v2)"
        ]
    else:
        assert notes == []
    if (two, three) == (raw_record(1), raw_record(2)):
        assert any(
            f"{PAPER} (before: held back, older than the store's)" in n for n in report.notes
        )


def test_a_snapshot_line_older_than_a_harvested_listing_is_held_back(
    tmp_path: Path, config: Config, arxiv_server: ReplayServer
) -> None:
    serve(arxiv_server, "", raw_record(3))
    harvest(config, "cs", "oai_dc", "2024-01-25")
    assert held_versions(config)[0] == [1, 2, 3]
    report = load_snapshot(config, snapshot(tmp_path, 2), workers=0).report
    assert held_versions(config) == ([1, 2, 3], [f"{TITLE} (v3)"])
    assert report.records_held_back == 1 and f"{PAPER} (v2 < v3)" in held_back(report)[0]


def test_the_versions_kept_take_the_higher_and_survive_reopening(tmp_path: Path) -> None:
    kept = StoreVersions(tmp_path / "versions.sqlite")
    kept.keep([("0704.0002", 2), ("0704.0001", 1)])
    kept.keep([("0704.0002", 1)])
    kept.close()
    again = StoreVersions(tmp_path / "versions.sqlite")
    assert again.of(["0704.0002", "0704.0001", "0704.0003"]) == {"0704.0002": 2, "0704.0001": 1}
    assert again.older({"0704.0002": 1, "0704.0001": 1, "0704.0003": 1, "0704.0004": None}) == {
        "0704.0002": (1, 2)
    }
    again.close()


def test_the_versions_live_with_the_store(config: Config) -> None:
    assert versions_path(config).parent == Path(config.store.path)


def test_a_profile_build_resolving_an_older_version_than_the_store_holds_keeps_the_store(
    tmp_path: Path,
) -> None:
    """The profile (CONSTRUCTED) lists 2202.12139, resolved from the replayed API answer (its
    v1); the store holds it in v3 first (CONSTRUCTED: 0704.0002's line, its id made
    2202.12139, a third version added)."""
    resolved = "2202.12139"
    line = dict(snapshot_lines()[PAPER])
    versions = list(line["versions"])  # type: ignore[call-overload]
    versions.append({"version": "v3", "created": "Thu, 1 Feb 2024 10:00:00 GMT"})
    line.update(id=resolved, versions=versions, update_date="2024-02-01")
    newer = tmp_path / "newer.jsonl"
    newer.write_text(json.dumps(line) + "\n", encoding="utf-8")
    server = ReplayServer(assemble=True).start()
    try:
        config = page_config(tmp_path, server.api_url, [listing(resolved)])
        load_snapshot(config, newer, workers=0)
        report = build(config).report
    finally:
        server.stop()
    assert report.resolved_from == {"api": 1}
    assert held_versions(config, resolved) == ([1, 2, 3], [TITLE])
    assert report.records_held_back == 1
    assert f"{resolved} (v1 < v3)" in held_back(report)[0]
