"""A harvest's watermark is the source's responseDate, unless the source dates its answer more
than a day ahead of this machine's clock (then the clock's, and the report says so)."""

from __future__ import annotations

import datetime as dt

from arxiv_replay import OAI_DIR, Fault, ReplayServer
from harvest_pages import config, page_two, replay, serve_page_two
from scholarkg.config import Config
from scholarkg.extract.oai_state import HarvestState, Watermark
from scholarkg.harvest import WATERMARKS_NAME
from scholarkg.load.manifest import store_state_dir
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.report import RunReport

pytest_plugins = ("arxiv_fixtures",)
__all__ = ["config", "replay"]  # fixtures


def _harvest_dated(
    config: Config, replay: ReplayServer, response_date: bytes
) -> tuple[RunReport, Watermark | None]:
    """Harvest the recorded cs page (asked from 2024-01-25) re-dated ``response_date`` and
    saying the list's 8 records (so the list is complete and the watermark advances): the
    report and the stored watermark."""
    recorded = OAI_DIR / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
    body = recorded.read_bytes().replace(b"2024-01-27T17:53:42Z", response_date, 1)
    body = body.replace(b'completeListSize="1162"', b'completeListSize="8"')
    replay.add_fault(Fault("status", status=200, body=body), path="/oai", times=1, set="cs")
    serve_page_two(replay, page_two())
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert report.records_read > 0
    return report, HarvestState(store_state_dir(config) / WATERMARKS_NAME).get("oai_dc set=cs")


def test_a_response_date_far_ahead_of_the_clock_does_not_become_the_watermark(
    config: Config, replay: ReplayServer
) -> None:
    """CONSTRUCTED: the recorded cs page dated 9999 (and saying the list's 8 records, so the
    list is complete and the watermark advances); stored as the watermark, every later harvest
    asked from 9999-12-31 and silently got nothing. The clock's date is kept instead, and the
    report says why."""
    report, mark = _harvest_dated(config, replay, b"9999-12-31T00:00:00Z")
    assert mark is not None and mark.response_date.year < 9999
    assert mark.response_date <= dt.datetime.now(dt.UTC)
    assert any("ahead of this machine's clock" in n for n in report.notes), report.notes


def test_a_response_date_before_the_list_s_from_date_does_not_move_the_watermark_back(
    config: Config, replay: ReplayServer
) -> None:
    """CONSTRUCTED: the recorded cs page (asked from 2024-01-25) dated 0001-01-01 (and saying
    the list's 8 records, so the list is complete and the watermark advances). Before, it was
    stored as the watermark and the next harvest asked for the whole archive again, from
    0001-01-01, without a word. The watermark stays at the list's from-date, and the report says
    why."""
    report, mark = _harvest_dated(config, replay, b"0001-01-01T00:00:00Z")
    assert mark is not None and mark.from_date == "2024-01-25"
    assert any("before the date the list was asked from" in n for n in report.notes), report.notes
