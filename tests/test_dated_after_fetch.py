"""A record dated after its bytes were fetched is quarantined, ``<field> <date> is after the
answer was fetched (<time>)``: no record is dated after it existed, so one of its dates is wrong.

The moment is the one the raw archive recorded with the answer (its first retrieval), never the
clock's when it is parsed: the archive read again, at any later time, or a killed run resumed,
judges each record alike. A day past that moment's UTC day is allowed (time zones and clocks,
as a profile paper's). The snapshot, which the archive does not record, is judged against its
file's modification time when first read, each chunk by the one the store first read its bytes with
(tests/test_snapshot_first_written.py). Before, a record dated 2999 loaded through every door.

Each answer is CONSTRUCTED from a recorded one (tests/fixtures/arxiv, see its PROVENANCE.md), its
dates changed as stated, and served by the replay server to the real clients.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from arxiv_replay import OAI_DIR, Fault, ReplayServer
from conftest import write_config
from harvest_pages import HEP_EX
from scholarkg.config import load_config
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.extract.raw_archive import RawArchive
from scholarkg.extract.record_fields import refuse_dated_after
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.harvest import archived_page
from scholarkg.runs.arxiv_snapshot import load_snapshot

pytest_plugins = ("arxiv_fixtures",)

UTC = dt.UTC
ATOM_0704_0002 = (OAI_DIR.parent / "derived" / "atom_0704.0002.xml").read_bytes()
SNAPSHOT = (OAI_DIR.parent / "kaggle" / "snapshot_sample_100.jsonl").read_text(encoding="utf-8")
HEP_EX_URL = "http://127.0.0.1:1/oai?verb=ListRecords&set=physics:hep-ex"


def _changed(body: bytes, old: bytes, new: bytes) -> bytes:
    assert body.count(old) == 1, old
    return body.replace(old, new)


def test_an_oai_record_dated_2999_is_quarantined_naming_the_fetch(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    # 1706.09418: created 2017-06-28, updated 2017-11-26 → 2999-11-26
    body = _changed(HEP_EX, b"<updated>2017-11-26</updated>", b"<updated>2999-11-26</updated>")
    arxiv_server.add_fault(Fault("status", body=body), path="/oai")
    oai = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)
    page = oai.fetch_page(set_spec="physics:hep-ex")
    assert [r.record and r.record.arxiv_id for r in page.records] == ["1706.05371", "1707.00874"]
    (held,) = page.quarantined  # before: loaded, updated 2999-11-26
    assert page.archived is not None
    fetched = page.archived.first_retrieved_at.isoformat()
    assert held.reason == f"updated 2999-11-26 is after the answer was fetched ({fetched})"
    assert held.source == page.source and held.line > 0 and "1706.09418" in held.text


def test_the_archived_fetch_time_judges_not_the_clock_and_alike_when_read_again(
    tmp_path: Path,
) -> None:
    """The recorded page (updated 2017-12-12, 2017-11-26 and 2017-12-13), archived as fetched
    2017-12-11T12:00Z: 2017-12-12 is within the day allowed, 2017-12-13 after it, although both
    are long past by the clock. Fetched again years later (the same bytes), and re-read from
    the archive, it is judged against the first retrieval still. Its headers' datestamps
    (2017-12-14, judged alike) are CONSTRUCTED 2017-12-11, within that day."""
    archive = RawArchive(tmp_path / "raw")
    first = dt.datetime(2017, 12, 11, 12, tzinfo=UTC)
    body = HEP_EX.replace(
        b"<datestamp>2017-12-14</datestamp>", b"<datestamp>2017-12-11</datestamp>"
    )
    assert body.count(b"<datestamp>2017-12-11</datestamp>") == 3
    stored = archive.store(body, source=HEP_EX_URL, retrieved_at=first)
    archive.store(body, source=HEP_EX_URL, retrieved_at=dt.datetime(2030, 1, 1, tzinfo=UTC))
    reads = [archived_page(archive, stored.sha256) for _ in range(2)]
    for page in reads:
        assert [r.record and r.record.arxiv_id for r in page.records] == [
            "1706.05371",
            "1706.09418",
        ]
        assert [q.reason for q in page.quarantined] == [
            "updated 2017-12-13 is after the answer was fetched (2017-12-11T12:00:00+00:00)"
        ]
    assert reads[0].quarantined == reads[1].quarantined


def test_an_api_entry_dated_2999_is_quarantined_naming_the_fetch(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    body = _changed(  # 0704.0002v2: v1 published 2007-03-31, v2 updated 2008-12-13 → 2999
        ATOM_0704_0002,
        b"<updated>2008-12-13T17:26:00Z</updated>",
        b"<updated>2999-12-13T17:26:00Z</updated>",
    )
    arxiv_server.add_fault(Fault("status", body=body))
    found = ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url).fetch_by_ids(["0704.0002"])
    assert found.records == () and found.missing == ()
    (held,) = found.quarantined  # before: loaded, updated 2999-12-13
    fetched = found.archived[0].first_retrieved_at.isoformat()
    assert held.reason == f"updated 2999-12-13 is after the answer was fetched ({fetched})"
    assert held.line > 0 and "2999-12-13T17:26:00Z" in held.text


def _snapshot(tmp_path: Path, lines: int, written: dt.datetime) -> Path:
    path = tmp_path / "snapshot.jsonl"
    path.write_text("".join(f"{line}\n" for line in SNAPSHOT.splitlines()[:lines]))
    os.utime(path, (written.timestamp(), written.timestamp()))
    return path


@pytest.mark.parametrize(
    ("written", "reasons"),
    [  # 0704.0002: v2 Sat, 13 Dec 2008 17:26:00 GMT, update_date 2008-12-13
        (dt.datetime(2008, 12, 12, 0, 0, tzinfo=UTC), []),  # the day after: allowed
        (dt.datetime(2008, 12, 14, tzinfo=UTC), []),
        (
            dt.datetime(2008, 12, 11, 23, 0, tzinfo=UTC),
            [  # read without a store: the file's time now (before: "when first read")
                "updated 2008-12-13 is after the snapshot file's time now "
                "(2008-12-11T23:00:00+00:00)"
            ],
        ),
    ],
)
def test_a_snapshot_line_dated_after_its_file_was_written_is_quarantined(
    tmp_path: Path, written: dt.datetime, reasons: list[str]
) -> None:
    reader = read_snapshot(_snapshot(tmp_path, 1, written))
    loaded = [r.arxiv_id for r in reader]
    assert [q.reason for q in reader.quarantined] == reasons
    assert loaded == ([] if reasons else ["0704.0002"])


@pytest.mark.parametrize("workers", [0, 1])
def test_a_snapshot_load_and_its_rerun_quarantine_alike(tmp_path: Path, workers: int) -> None:
    """0704.0002 (updated 2008-12-13), 0704.0003 (v3 Sun, 13 Jan 2008 00:36 GMT) and 0704.0004
    (2007) in a file last written 2008-01-12T12:00Z: 0704.0003 is within the day allowed, and
    0704.0002 after it. The run again (its chunk loaded before, read again as it quarantined a
    line) quarantines the same line for the same reason, the file's time read as before; in the
    run's process or a worker's."""
    path = _snapshot(tmp_path, 3, dt.datetime(2008, 1, 12, 12, tzinfo=UTC))
    config = load_config(write_config(tmp_path, []))
    reports = [load_snapshot(config, path, workers=workers).report for _ in range(2)]
    reason = (
        "updated 2008-12-13 is after the snapshot file's time when first read "
        "(2008-01-12T12:00:00+00:00)"
    )
    for report in reports:
        (told,) = report.quarantined
        assert told.endswith(f":1: {reason}"), told
        assert report.records_loaded == 2
    assert list(reports[0].quarantined) == list(reports[1].quarantined)
    assert any("chunks unchanged" in note for note in reports[1].notes)


def test_the_rule_allows_a_day_past_the_fetch_and_judges_nothing_without_one() -> None:
    fetched = dt.datetime(2020, 1, 1, 23, 59, tzinfo=UTC)
    refuse_dated_after([("updated", dt.date(2020, 1, 2))], fetched, "it was fetched")
    refuse_dated_after([("updated", dt.date(2999, 1, 1))], None, "it was fetched")
    refuse_dated_after(  # a version's time is judged by its day as written
        [("v2", dt.datetime(2020, 1, 2, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5))))],
        fetched,
        "it was fetched",
    )
    with pytest.raises(ValueError) as refused:
        refuse_dated_after(
            [("published", None), ("v2", dt.datetime(2020, 1, 3, tzinfo=UTC))],
            dt.datetime(2020, 1, 1, 23, 59),  # no zone: read as UTC
            "it was fetched",
        )
    assert str(refused.value) == (
        "v2 2020-01-03T00:00:00+00:00 is after it was fetched (2020-01-01T23:59:00)"
    )


def test_a_snapshot_file_stamped_with_the_epoch_is_not_judged(tmp_path: Path) -> None:
    """An archive unpacked without times, or a reproducible build, stamps 1970 (or 1980): a
    file time before arXiv's first paper is no time, and its lines load (before this rule,
    every line would be refused as dated after it)."""
    for stamp in (dt.datetime(1970, 1, 1, tzinfo=UTC), dt.datetime(1980, 1, 1, tzinfo=UTC)):
        reader = read_snapshot(_snapshot(tmp_path, 3, stamp))
        assert [r.arxiv_id for r in reader] == ["0704.0002", "0704.0003", "0704.0004"]
        assert reader.quarantined == []
