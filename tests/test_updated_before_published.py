"""A record updated before it was published, through a door that names no version numbers, is
quarantined with one reason, ``updated … is before published (…)``: the OAI ``arXiv`` format's
``<updated>`` before its ``<created>``, an ``oai_dc`` record's last ``dc:date`` before its first,
an Atom entry for v1 or whose id has no version with its ``<updated>`` before its
``<published>``, and a snapshot line's ``update_date`` before its v1's day.

The same rule as a later version dated before an earlier one (tests/test_version_dated_before.py):
which date is wrong is not known, and each becomes a day the record states. Before, each loaded
without a word. Each answer is CONSTRUCTED from a recorded one (tests/fixtures/arxiv, see its
PROVENANCE.md), its dates changed as stated, and served by the replay server to the real clients.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from arxiv_replay import OAI_DIR, Fault, ReplayServer
from harvest_pages import HEP_EX
from scholarkg.errors import ParseError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.extract.record_fields import refuse_updated_before
from scholarkg.extract.snapshot import read_snapshot

pytest_plugins = ("arxiv_fixtures",)

DERIVED = OAI_DIR.parent / "derived"
CS = (
    OAI_DIR / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
).read_bytes()
OAI_0704_0002 = (DERIVED / "oai_arXiv_0704.0002.xml").read_bytes()
ATOM_0704_0002 = (DERIVED / "atom_0704.0002.xml").read_bytes()
SNAPSHOT = (OAI_DIR.parent / "kaggle" / "snapshot_sample_100.jsonl").read_text(encoding="utf-8")


def _changed(body: bytes, *swaps: tuple[bytes, bytes]) -> bytes:
    for old, new in swaps:
        assert body.count(old) == 1, old
        body = body.replace(old, new)
    return body


@pytest.fixture
def oai(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> OaiPmhClient:
    return OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)


@pytest.fixture
def api(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> ArxivApiClient:
    return ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url)


@pytest.mark.parametrize(
    ("prefix", "set_spec", "body", "kept", "held_id", "reason"),
    [
        pytest.param(  # 1706.09418: created 2017-06-28, updated 2017-11-26 → 2017-05-26
            "arXiv",
            "physics:hep-ex",
            _changed(HEP_EX, (b"<updated>2017-11-26</updated>", b"<updated>2017-05-26</updated>")),
            ["1706.05371", "1707.00874"],
            "1706.09418",
            "updated 2017-05-26 is before published (2017-06-28)",
            id="arXiv-updated-before-created",
        ),
        pytest.param(  # 1303.2033: dc:date 2013-03-08 then 2024-01-23 → 2012-01-23
            "oai_dc",
            "cs",
            _changed(CS, (b"<dc:date>2024-01-23</dc:date>", b"<dc:date>2012-01-23</dc:date>")),
            ["2401.14034", "2401.14036", "2401.14038", "2401.14040"],
            "1303.2033",
            "updated 2012-01-23 is before published (2013-03-08)",
            id="oai_dc-last-date-before-first",
        ),
    ],
)
def test_an_oai_record_updated_before_created_is_quarantined(
    oai: OaiPmhClient,
    arxiv_server: ReplayServer,
    prefix: str,
    set_spec: str,
    body: bytes,
    kept: list[str],
    held_id: str,
    reason: str,
) -> None:
    arxiv_server.add_fault(Fault("status", body=body), path="/oai")
    page = oai.fetch_page(metadata_prefix=prefix, set_spec=set_spec)
    assert [r.record and r.record.arxiv_id for r in page.records] == kept
    # before: loaded, its updated day before its published one (oai_dc: not checked at all)
    (held,) = page.quarantined
    assert held.reason == reason
    assert held.source == page.source and held.line > 0 and held_id in held.text
    assert "\n" not in held.reason


def test_an_oai_get_record_updated_before_created_is_refused_in_one_line(
    oai: OaiPmhClient, arxiv_server: ReplayServer
) -> None:
    body = _changed(
        OAI_0704_0002, (b"<updated>2008-12-13</updated>", b"<updated>2007-03-30</updated>")
    )
    arxiv_server.add_fault(Fault("status", body=body), path="/oai")
    with pytest.raises(ParseError) as refused:
        oai.get_record("0704.0002")
    assert refused.value.message == "updated 2007-03-30 is before published (2007-03-31)"


def test_an_oai_record_updated_the_day_it_was_created_loads(
    oai: OaiPmhClient, arxiv_server: ReplayServer
) -> None:
    body = _changed(
        OAI_0704_0002, (b"<updated>2008-12-13</updated>", b"<updated>2007-03-31</updated>")
    )
    arxiv_server.add_fault(Fault("status", body=body), path="/oai")
    record = oai.get_record("0704.0002").record
    assert record is not None and record.published == record.updated == dt.date(2007, 3, 31)


def _unversioned(published: bytes) -> bytes:
    return _changed(
        ATOM_0704_0002,
        (b"<id>http://arxiv.org/abs/0704.0002v2</id>", b"<id>http://arxiv.org/abs/0704.0002</id>"),
        (
            b"<published>2007-03-31T02:26:18Z</published>",
            b"<published>" + published + b"</published>",
        ),
    )


def test_an_unversioned_atom_entry_in_order_loads(
    api: ArxivApiClient, arxiv_server: ReplayServer
) -> None:
    arxiv_server.add_fault(Fault("status", body=_unversioned(b"2007-03-31T02:26:18Z")))
    (record,) = api.fetch_by_ids(["0704.0002"]).records
    assert (record.published, record.updated) == (dt.date(2007, 3, 31), dt.date(2008, 12, 13))
    assert record.versions == ()


def _v1_updated_before() -> bytes:
    recorded = next(OAI_DIR.parent.glob("atom/id_2104.12255v1_*.xml")).read_bytes()
    return _changed(  # v1: published and updated 2021-04-20T16:07:14Z, as every recorded v1
        recorded,
        (b"<updated>2021-04-20T16:07:14Z</updated>", b"<updated>2021-04-19T00:00:00Z</updated>"),
    )


@pytest.mark.parametrize(
    ("body", "asked", "reason"),
    [
        pytest.param(
            _unversioned(b"2009-01-01T00:00:00Z"),  # after its updated 2008-12-13T17:26:00Z
            "0704.0002",
            "updated 2008-12-13T17:26:00+00:00 is before published (2009-01-01T00:00:00+00:00)",
            id="unversioned",
        ),
        pytest.param(
            _v1_updated_before(),
            "2104.12255v1",
            "updated 2021-04-19T00:00:00+00:00 is before published (2021-04-20T16:07:14+00:00)",
            id="v1",
        ),
    ],
)
def test_an_atom_entry_updated_before_published_is_quarantined(
    api: ArxivApiClient, arxiv_server: ReplayServer, body: bytes, asked: str, reason: str
) -> None:
    arxiv_server.add_fault(Fault("status", body=body))
    found = api.fetch_by_ids([asked])
    assert found.records == () and found.missing == ()
    (held,) = found.quarantined  # before: loaded, updated before it was published
    assert held.reason == reason
    assert held.line > 0 and held.source and "\n" not in held.reason


@pytest.mark.parametrize(
    ("update_date", "reasons"),
    [
        ("2007-03-30", ["updated 2007-03-30 is before published (2007-03-31)"]),
        ("2007-03-31", []),  # the day v1 was submitted: in order
        ("2008-12-13", []),  # as recorded
    ],
)
def test_a_snapshot_update_date_before_v1_is_quarantined(
    tmp_path: Path, update_date: str, reasons: list[str]
) -> None:
    """0704.0002's snapshot line (v1 Sat, 31 Mar 2007; update_date 2008-12-13), its
    ``update_date`` changed. Before, one before v1's day loaded without a word."""
    line = json.loads(SNAPSHOT.splitlines()[0])
    line["update_date"] = update_date
    path = tmp_path / "snapshot.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    reader = read_snapshot(path)
    loaded = [r.arxiv_id for r in reader]
    assert [q.reason for q in reader.quarantined] == reasons
    assert (loaded, [q.line for q in reader.quarantined]) == (
        ([], [1]) if reasons else (["0704.0002"], [])
    )


def test_the_rule_compares_instants_and_days_and_passes_a_missing_date() -> None:
    day = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    refuse_updated_before(dt.datetime(2019, 12, 31, 23), day)  # no zone: read as UTC
    refuse_updated_before(None, day)
    refuse_updated_before(day, None)
    refuse_updated_before(dt.date(2020, 1, 1), day)  # a day and a datetime: days
    with pytest.raises(
        ValueError, match=r"^updated 2019-12-31 is before published \(2020-01-01\)$"
    ):
        refuse_updated_before(dt.date(2020, 1, 1), dt.date(2019, 12, 31))
