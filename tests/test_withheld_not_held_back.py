"""A record deleted from the store and read again in an older version is withheld (its source
deleted it), and only that: one outcome for the one record read. Before, it was counted
withheld (deleted) and held back too, '1 read, 0 loaded, …, 1 deleted, 1 held back', and the
note said the store kept 'the newer version it holds' (v1 < v2) of a record it no longer held.

0704.0002 is loaded from its real snapshot line (v1, v2), deleted by a CONSTRUCTED OAI-PMH
deleted header, then read in v1 from the API (the recorded answer with its id changed) and
from a snapshot line: loopback replay server, real embedded Oxigraph store."""

from __future__ import annotations

from pathlib import Path

from arxiv_replay import STITCHED_TOKEN, Fault, ReplayServer
from arxiv_versions import PAPER, answer_v1, config, held_versions, page, snapshot
from harvest_pages import deleted
from scholarkg.config import Config
from scholarkg.runs.arxiv_fetch import fetch_ids
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport

pytest_plugins = ("arxiv_fixtures",)
__all__ = ["config"]  # the fixture


def _records_line(report: RunReport) -> str:
    [line] = [s for s in report.summary_lines() if s.startswith("records: ")]
    return line


def test_a_deleted_record_read_again_older_is_withheld_and_not_held_back(
    tmp_path: Path, config: Config, arxiv_server: ReplayServer
) -> None:
    load_snapshot(config, snapshot(tmp_path, 2), workers=0)
    listing = page(deleted(PAPER, "2024-01-27").decode(), "P3")
    arxiv_server.add_fault(
        Fault("status", body=listing), path="/oai", times=1, resumptionToken=STITCHED_TOKEN
    )
    arxiv_server.add_fault(
        Fault("status", body=page("", "")), path="/oai", times=1, resumptionToken="P3"
    )
    assert harvest(config, "cs", "oai_dc", "2024-01-25").report.records_deleted == 1
    assert held_versions(config) == ([], [])
    arxiv_server.add_fault(
        Fault("status", status=200, body=answer_v1()), path="/api/query", times=-1
    )
    fetched = fetch_ids(config, [PAPER]).report
    read_again = load_snapshot(config, snapshot(tmp_path, 1), workers=0).report
    for report in (fetched, read_again):
        assert (report.records_read, report.records_deleted) == (1, 1)
        assert report.records_held_back == 0
        assert _records_line(report) == (
            "records: 1 read, 0 loaded, 0 rejected by SHACL, 0 quarantined, 1 deleted"
        )
        assert [n for n in report.notes if "held back" in n] == []
        assert any(n.startswith("1 records withheld") for n in report.notes), report.notes
    assert held_versions(config) == ([], [])
