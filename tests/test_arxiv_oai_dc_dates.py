"""An ``oai_dc`` record's ``dc:date`` values are judged all together: arXiv lists one per
version, v1's first, each no earlier than the one before (the recorded cs page: 1303.2033 lists
2013-03-08 then 2024-01-23). A date before the one listed before it quarantines the record, its
reason naming both, as a version dated before an earlier one does through the other doors;
which date is wrong is not known. Before, only the first and the last were compared: a middle
date out of order loaded. Answers are CONSTRUCTED from the recorded page (its dates changed as
stated), served by the replay server to the real client."""

from __future__ import annotations

import datetime as dt

import pytest

from arxiv_replay import OAI_DIR, Fault, ReplayServer
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient

pytest_plugins = ("arxiv_fixtures",)

CS = (
    OAI_DIR / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
).read_bytes()
DATES = b"<dc:date>2013-03-08</dc:date>\r\n<dc:date>2024-01-23</dc:date>"  # CRLF, as recorded
OTHERS = ["2401.14034", "2401.14036", "2401.14038", "2401.14040"]


def _dated(*days: str) -> bytes:
    assert CS.count(DATES) == 1
    return CS.replace(DATES, b"\r\n".join(f"<dc:date>{d}</dc:date>".encode() for d in days))


@pytest.fixture
def oai(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> OaiPmhClient:
    return OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)


@pytest.mark.parametrize(
    ("days", "reason"),
    [
        (  # the first and the last in order, the third before the second
            ("2013-03-08", "2020-06-01", "2014-01-01", "2024-01-23"),
            "dc:date 3 (2014-01-01) is before dc:date 2 (2020-06-01)",
        ),
        (  # the second before the first, the last after both
            ("2013-03-08", "2012-01-01", "2024-01-23"),
            "dc:date 2 (2012-01-01) is before dc:date 1 (2013-03-08)",
        ),
        (  # the last before the first keeps its reason
            ("2013-03-08", "2020-06-01", "2012-01-23"),
            "updated 2012-01-23 is before published (2013-03-08)",
        ),
    ],
)
def test_a_dc_date_out_of_order_quarantines_the_record(
    oai: OaiPmhClient, arxiv_server: ReplayServer, days: tuple[str, ...], reason: str
) -> None:
    arxiv_server.add_fault(Fault("status", body=_dated(*days)), path="/oai")
    page = oai.fetch_page(metadata_prefix="oai_dc", set_spec="cs")
    assert [r.record and r.record.arxiv_id for r in page.records] == OTHERS
    (held,) = page.quarantined  # before: loaded, published 2013-03-08, updated 2024-01-23
    assert held.reason == reason
    assert held.source == page.source and held.line > 0 and "1303.2033" in held.text


def test_dates_in_order_the_same_day_twice_included_load(
    oai: OaiPmhClient, arxiv_server: ReplayServer
) -> None:
    days = ("2013-03-08", "2013-03-08", "2020-06-01", "2024-01-23")
    arxiv_server.add_fault(Fault("status", body=_dated(*days)), path="/oai")
    page = oai.fetch_page(metadata_prefix="oai_dc", set_spec="cs")
    assert not page.quarantined
    (record,) = [r.record for r in page.records if r.record and r.record.arxiv_id == "1303.2033"]
    assert (record.published, record.updated) == (dt.date(2013, 3, 8), dt.date(2024, 1, 23))
