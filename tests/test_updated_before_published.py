"""A record updated before it was published, through a door that names no version numbers, is
quarantined with one reason, ``updated … is before published (…)``: the OAI ``arXiv`` format's
``<updated>`` before its ``<created>``, and an Atom entry for v1 or whose id has no version with
its ``<updated>`` before its ``<published>``.

The same rule as a later version dated before an earlier one (tests/test_version_dated_before.py):
which date is wrong is not known, and each becomes a day the record states. Before, both loaded
without a word. Each answer is CONSTRUCTED from a recorded one (tests/fixtures/arxiv, see its
PROVENANCE.md), its dates changed as stated, and served by the replay server to the real clients.
"""

from __future__ import annotations

import datetime as dt

import pytest

from arxiv_replay import OAI_DIR, Fault, ReplayServer
from scholarkg.errors import ParseError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.extract.record_fields import refuse_updated_before

pytest_plugins = ("arxiv_fixtures",)

DERIVED = OAI_DIR.parent / "derived"
HEP_EX = (OAI_DIR / "hepcrawl_arXiv_ListRecords_physics-hep-ex_2017-12-14.xml").read_bytes()
OAI_0704_0002 = (DERIVED / "oai_arXiv_0704.0002.xml").read_bytes()
ATOM_0704_0002 = (DERIVED / "atom_0704.0002.xml").read_bytes()


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


def test_an_oai_arxiv_record_updated_before_created_is_quarantined(
    oai: OaiPmhClient, arxiv_server: ReplayServer
) -> None:
    # 1706.09418: created 2017-06-28, updated 2017-11-26 → updated 2017-05-26
    body = _changed(HEP_EX, (b"<updated>2017-11-26</updated>", b"<updated>2017-05-26</updated>"))
    arxiv_server.add_fault(Fault("status", body=body), path="/oai")
    (page,) = oai.list_records(metadata_prefix="arXiv", set_spec="physics:hep-ex")
    assert [r.record and r.record.arxiv_id for r in page.records] == ["1706.05371", "1707.00874"]
    (held,) = page.quarantined  # before: loaded, updated 2017-05-26, published 2017-06-28
    assert held.reason == "updated 2017-05-26 is before published (2017-06-28)"
    assert held.source == page.source and held.line > 0 and "1706.09418" in held.text
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


def test_an_unversioned_atom_entry_updated_before_published_is_quarantined(
    api: ArxivApiClient, arxiv_server: ReplayServer
) -> None:
    body = _unversioned(b"2009-01-01T00:00:00Z")  # after its updated 2008-12-13T17:26:00Z
    arxiv_server.add_fault(Fault("status", body=body))
    found = api.fetch_by_ids(["0704.0002"])
    assert found.records == () and found.missing == ()
    (held,) = found.quarantined  # before: loaded, updated before it was published
    assert held.reason == (
        "updated 2008-12-13T17:26:00+00:00 is before published (2009-01-01T00:00:00+00:00)"
    )
    assert held.line > 0 and held.source and "2009-01-01T00:00:00Z" in held.text


def test_an_unversioned_atom_entry_in_order_loads(
    api: ArxivApiClient, arxiv_server: ReplayServer
) -> None:
    arxiv_server.add_fault(Fault("status", body=_unversioned(b"2007-03-31T02:26:18Z")))
    (record,) = api.fetch_by_ids(["0704.0002"]).records
    assert (record.published, record.updated) == (dt.date(2007, 3, 31), dt.date(2008, 12, 13))
    assert record.versions == ()


def test_a_v1_atom_entry_updated_before_published_is_quarantined(
    api: ArxivApiClient, arxiv_server: ReplayServer
) -> None:
    recorded = next(OAI_DIR.parent.glob("atom/id_2104.12255v1_*.xml")).read_bytes()
    body = _changed(  # v1: published and updated 2021-04-20T16:07:14Z, as every recorded v1
        recorded,
        (b"<updated>2021-04-20T16:07:14Z</updated>", b"<updated>2021-04-19T00:00:00Z</updated>"),
    )
    arxiv_server.add_fault(Fault("status", body=body))
    found = api.fetch_by_ids(["2104.12255v1"])
    assert found.records == ()
    (held,) = found.quarantined  # before: loaded, updated 2021-04-19, published 2021-04-20
    assert held.reason == (
        "updated 2021-04-19T00:00:00+00:00 is before published (2021-04-20T16:07:14+00:00)"
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
