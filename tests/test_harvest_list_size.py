"""A harvest whose list ends (no resumptionToken) before the ``completeListSize`` the server gave
warns that records may be missing and holds the watermark at its from-date, once per date: a
second short list from that date is taken as the server's estimate, accepted and the watermark
advances. One that reaches the size, or was told a smaller size, is neither warned of nor held.

Page 1 is the real oai_dc ``set=cs`` answer of the fixtures (5 records, ``completeListSize``
1162: trimmed by the repository it comes from). Page 2 is the real hep-ex ``ListRecords`` answer
(3 records) served for page 1's token with an empty ``<resumptionToken/>`` (the end of the
list), as the replay server stitches it; some tests rewrite page 1's size (CONSTRUCTED).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from arxiv_replay import OAI_DIR, STITCHED_TOKEN, Fault, ReplayServer
from building import counted
from conftest import write_config
from harvest_pages import HEP_EX, froms, page_one_saying
from scholarkg.config import Config, load_config
from scholarkg.extract.oai_state import HarvestState, Watermark
from scholarkg.harvest import WATERMARKS_NAME
from scholarkg.load.manifest import store_state_dir
from scholarkg.runs.arxiv_harvest import harvest

pytest_plugins = ("arxiv_fixtures",)

CS = OAI_DIR / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
KEY = "oai_dc set=cs"
SHORT = (
    "harvest oai_dc set=cs: the list ended after 8 records although the server said "
    "completeListSize=1162 (an empty resumptionToken on page 2?)"
)
HELD = (
    SHORT + "; records may be missing: the watermark stays at 2024-01-25, so the next harvest "
    "asks again from it (a second short list from that date is taken as the server's estimate "
    "and accepted)"
)


@pytest.fixture
def config(tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return load_config(
        write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})
    )


def short_of(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "completeListSize" in w]


def mark(config: Config) -> Watermark:
    found = HarvestState(store_state_dir(config) / WATERMARKS_NAME).get(KEY)
    assert found is not None
    return found


def test_a_list_that_ends_before_its_size_holds_the_watermark_once(
    config: Config, arxiv_server: ReplayServer, tmp_path: Path
) -> None:
    """Before, the watermark moved past the records the server counted but never sent: the
    next harvest asked from 2024-01-27 (page 1's responseDate) and never for them again."""
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report)[:2] == (8, 8)  # what was received is loaded
    assert short_of(report.warnings) == [HELD]
    assert [r.param("resumptionToken") for r in arxiv_server.requests_to("/oai")] == [
        None,
        STITCHED_TOKEN,
    ]
    assert (mark(config).from_date, mark(config).short_from) == ("2024-01-25", "2024-01-25")
    written = json.loads(report.write_json(tmp_path / "reports").read_text(encoding="utf-8"))
    assert HELD in written["warnings"]

    again = harvest(config, "cs", "oai_dc").report  # the next scheduled harvest: no from-date
    assert froms(arxiv_server) == ["2024-01-25", "2024-01-25"]
    assert counted(again)[:2] == (8, 8)
    assert short_of(again.warnings) == [
        SHORT + ", the second short list from 2024-01-25: accepted, the server's "
        "completeListSize looks like an estimate; the watermark advances to 2024-01-27"
    ]
    assert (mark(config).from_date, mark(config).short_from) == ("2024-01-27", None)

    # A short list from the new date is held once again (CONSTRUCTED: page 1 served for it).
    arxiv_server.add_fault(Fault("status", body=CS.read_bytes()), path="/oai", set="cs")
    third = harvest(config, "cs", "oai_dc").report
    assert froms(arxiv_server)[-1] == "2024-01-27"
    assert "the watermark stays at 2024-01-27" in short_of(third.warnings)[0]
    assert (mark(config).from_date, mark(config).short_from) == ("2024-01-27", "2024-01-27")


def test_an_old_watermark_without_the_field_reads_and_is_held_where_it_was(
    config: Config, arxiv_server: ReplayServer
) -> None:
    """A watermark file as older versions wrote it (no ``short_from``) reads as not held back:
    the first short list from it is held, the watermark left exactly as it was."""
    path = store_state_dir(config) / WATERMARKS_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    old = {"response_date": "2024-01-25T10:00:00+00:00", "from": "2024-01-25"}
    old["completed_at"] = "2024-01-25T10:05:00+00:00"
    path.write_text(json.dumps({"version": 1, "harvests": {KEY: old}}), encoding="utf-8")
    assert mark(config).short_from is None
    report = harvest(config, "cs", "oai_dc").report
    assert froms(arxiv_server) == ["2024-01-25"]
    assert short_of(report.warnings) == [HELD]
    held = mark(config)
    assert held.response_date == dt.datetime(2024, 1, 25, 10, tzinfo=dt.UTC)
    assert held.short_from == "2024-01-25"


@pytest.mark.parametrize(
    ("limit", "value"), [("harvest_max_pages", 1), ("harvest_deadline", 0.001)]
)
def test_a_run_stopped_by_a_limit_is_no_short_list(
    tmp_path: Path,
    arxiv_server: ReplayServer,
    monkeypatch: pytest.MonkeyPatch,
    limit: str,
    value: float,
) -> None:
    """A run cut by ``harvest_max_pages`` or ``harvest_deadline`` after page 1 has not reached
    the end of its list: it neither warns nor uses up the date's one hold; the run that
    finishes the list is the first short one, and is held."""
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    capped = load_config(
        write_config(
            tmp_path,
            [],
            arxiv={"min_interval": 0.01},
            http={"max_retries": 1},
            limits={limit: value},
        )
    )
    cut = harvest(capped, "cs", "oai_dc", "2024-01-25").report
    assert any(f"[limits] {limit} = {value}" in reason for _, reason in cut.failures)
    assert short_of(cut.warnings) == []
    assert not (store_state_dir(capped) / WATERMARKS_NAME).exists()
    finished = harvest(capped, "cs", "oai_dc").report  # goes on from the checkpoint
    assert [r.param("resumptionToken") for r in arxiv_server.requests_to("/oai")][-1] == (
        STITCHED_TOKEN
    )
    assert short_of(finished.warnings) == [HELD]
    assert (mark(capped).from_date, mark(capped).short_from) == ("2024-01-25", "2024-01-25")


def test_a_full_list_after_a_held_one_advances_and_clears_the_hold(
    config: Config, arxiv_server: ReplayServer
) -> None:
    harvest(config, "cs", "oai_dc", "2024-01-25")
    assert mark(config).short_from == "2024-01-25"
    page_one_saying(arxiv_server, 8)
    report = harvest(config, "cs", "oai_dc").report
    assert short_of(report.warnings) == []
    assert (mark(config).from_date, mark(config).short_from) == ("2024-01-27", None)


def test_quarantined_records_are_part_of_the_list(
    config: Config, arxiv_server: ReplayServer
) -> None:
    """A record listed but unreadable was sent all the same: 7 read and 1 quarantined make 8."""
    page_one_saying(arxiv_server, 8)
    bad = HEP_EX.replace(b"<created>2017-06-16</created>", b"<created>2017-06-31</created>")
    body = bad.replace(b"</ListRecords>", b"<resumptionToken/>\n</ListRecords>")
    arxiv_server.add_fault(
        Fault("status", body=body), path="/oai", times=-1, resumptionToken=STITCHED_TOKEN
    )
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert len(report.quarantined) == 1 and counted(report)[0] == 8
    assert short_of(report.warnings) == []


@pytest.mark.parametrize("size", [8, 3])
def test_a_list_that_reaches_its_size_or_passes_it_is_not_warned_of(
    config: Config, arxiv_server: ReplayServer, size: int
) -> None:
    page_one_saying(arxiv_server, size)
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report)[:2] == (8, 8)
    assert short_of(report.warnings) == []
    assert (mark(config).from_date, mark(config).short_from) == ("2024-01-27", None)
