"""OAI-PMH harvester against the replay server serving recorded arXiv OAI-PMH answers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from arxiv_raw_record import ARXIV_RAW, SNAPSHOT_0704_0002
from arxiv_replay import OAI_DIR, STITCHED_TOKEN, Fault, ReplayServer
from scholarkg.config import load_config
from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pages import OaiPage, OaiPmhError, parse_oai_response
from scholarkg.extract.oai_pmh import DEFAULT_OAI_URL, OaiPmhClient, oai_url
from scholarkg.extract.oai_state import HarvestState
from scholarkg.extract.raw_archive import RawArchive
from scholarkg.extract.snapshot import parse_snapshot_line
from scholarkg.models import ArxivAuthor, ArxivVersion

pytest_plugins = ("arxiv_fixtures",)

HEP_EX = OAI_DIR / "hepcrawl_arXiv_ListRecords_physics-hep-ex_2017-12-14.xml"
CS = OAI_DIR / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
LICENSE = "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"


@pytest.fixture
def oai(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> OaiPmhClient:
    return OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)


def cs_harvest(oai: OaiPmhClient) -> list[OaiPage]:
    return list(oai.list_records(metadata_prefix="oai_dc", set_spec="cs", from_date="2024-01-25"))


def test_base_url_from_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHOLARKG_OAI_URL", raising=False)
    assert oai_url() == DEFAULT_OAI_URL == "https://oaipmh.arxiv.org/oai"
    assert load_config().arxiv.oai_url == DEFAULT_OAI_URL
    monkeypatch.setenv("SCHOLARKG_OAI_URL", "http://127.0.0.1:9/oai")
    assert oai_url(load_config().arxiv.oai_url) == "http://127.0.0.1:9/oai"


def test_list_records_arxiv_format(oai: OaiPmhClient, arxiv_server: ReplayServer) -> None:
    since = dt.date(2017, 12, 14)
    pages = list(
        oai.list_records(metadata_prefix="arXiv", set_spec="physics:hep-ex", from_date=since)
    )
    (request,) = arxiv_server.requests
    assert request.query == {
        "verb": ["ListRecords"],
        "metadataPrefix": ["arXiv"],
        "set": ["physics:hep-ex"],
        "from": ["2017-12-14"],
    }
    assert "set=physics%3Ahep-ex" in request.raw_query
    (page,) = pages
    assert page.response_date == dt.datetime(2017, 12, 14, 13, 0, 41, tzinfo=dt.UTC)
    assert page.resumption_token is None and not page.quarantined and not page.deleted
    assert [r.record.arxiv_id for r in page.records if r.record] == [
        "1706.05371",
        "1706.09418",
        "1707.00874",
    ]
    first, second, _ = page.records
    assert first.record is not None and second.record is not None
    assert first.record.title == (
        "Evaluation of Silicon Photomultipliers for use as Photosensors in Liquid Xenon Detectors"
    )
    assert len(first.record.authors) == 13 and first.record.authors[-1].name == "Mani Tripathi"
    rpv = second.record
    assert second.metadata_format == "arXiv"
    assert second.header.datestamp == dt.date(2017, 12, 14)
    assert second.header.set_specs == ("physics:hep-ex",)
    assert rpv.title == "R-Parity Violation at the LHC"
    assert [a.name for a in rpv.authors] == [
        "Daniel Dercks", "Herbi Dreiner", "Manuel E. Krauss", "Toby Opferkuch", "Annika Reinert",
    ]  # fmt: skip
    assert rpv.categories == ("hep-ph", "hep-ex") and rpv.primary_category == "hep-ph"
    assert rpv.comment == (
        "43 pages, 13 tables, 17 figures; updated Figs. 11-17 and Tab. 12 including NLO "
        "corrections; version accepted for publication in EPJC"
    )
    assert second.report_no == "BONN-TH-2017-03"
    assert rpv.journal_ref == "Eur. Phys. J. C (2017) 77:856"
    assert rpv.doi == "10.1140/epjc/s10052-017-5414-4"
    assert rpv.license == LICENSE
    assert (rpv.published, rpv.updated) == (dt.date(2017, 6, 28), dt.date(2017, 11, 26))
    assert rpv.versions == ()  # the arXiv format has no version numbers
    assert rpv.abstract.startswith("We investigate the phenomenology of the MSSM extended")
    assert rpv.abstract.endswith("lower mass bounds on all relevant supersymmetric particles.")


def test_oai_dc_then_resumption_token_to_the_end(
    oai: OaiPmhClient, arxiv_server: ReplayServer
) -> None:
    pages = cs_harvest(oai)
    assert len(pages) == 2
    first, last = pages
    assert first.resumption_token == STITCHED_TOKEN and first.complete_list_size == 1162
    assert last.resumption_token is None
    liepins = first.records[0]
    assert liepins.metadata_format == "oai_dc" and liepins.record is not None
    record = liepins.record
    assert record.arxiv_id == "1303.2033"
    assert record.title == "Extended Fourier analysis of signals"
    assert record.authors == (ArxivAuthor("Vilnis Liepins"),)
    assert liepins.dc_subjects == (
        "Computer Science - Data Structures and Algorithms",
        "Computer Science - Information Theory",
        "Mathematics - Numerical Analysis",
    )
    assert record.categories == ()  # oai_dc carries subject names, not category codes
    assert record.abstract.startswith("This summary of the doctoral thesis is created")
    assert record.comment == "32 pages, 9 figures"
    assert (record.published, record.updated) == (dt.date(2013, 3, 8), dt.date(2024, 1, 23))
    periti = first.records[4].record
    assert periti is not None and periti.title.startswith("(Chat)GPT v BERT")
    assert [a.name for a in periti.authors] == [
        "Francesco Periti",
        "Haim Dubossarsky",
        "Nina Tahmasebi",
    ]
    assert [r.header.arxiv_id for r in last.records] == ["1706.05371", "1706.09418", "1707.00874"]
    second_request = arxiv_server.requests[1]
    assert second_request.query == {"verb": ["ListRecords"], "resumptionToken": [STITCHED_TOKEN]}
    assert "resumptionToken=6960524%7C1001" in second_request.raw_query


def test_get_record_fields(oai: OaiPmhClient, arxiv_server: ReplayServer) -> None:
    sergyeyev = oai.get_record("1401.2122")
    assert arxiv_server.requests[0].param("identifier") == "oai:arXiv.org:1401.2122"
    record = sergyeyev.record
    assert record is not None
    assert record.categories == ("math.AP", "hep-th", "math-ph", "math.DG", "math.MP", "nlin.SI")
    assert sergyeyev.msc_class == "37K05 37K10 53D10"
    assert record.journal_ref == "Lett. Math. Phys. 108 (2018), no. 2, 359-376"
    assert record.doi == "10.1007/s11005-017-1013-4"
    reindented = oai.get_record("1305.0014").record  # text nodes padded with newlines
    assert reindented is not None
    assert reindented.title.startswith("Framework for maximum likelihood analysis of neutron")
    assert reindented.license == LICENSE
    assert [a.name for a in reindented.authors] == ["S. Gardner", "B. Plaster"]
    icecube = oai.get_record("1512.07978").record
    assert icecube is not None
    assert icecube.authors == (ArxivAuthor("Teresa Maria Montaruli for the IceCube Collaboration"),)


def test_id_does_not_exist(oai: OaiPmhClient) -> None:
    with pytest.raises(OaiPmhError, match="does not correspond to an item") as caught:
        oai.get_record("1305.9999")
    assert caught.value.code == "idDoesNotExist"
    assert isinstance(caught.value, ExtractError)


def test_versioned_id_is_refused_before_sending(
    oai: OaiPmhClient, arxiv_server: ReplayServer
) -> None:
    with pytest.raises(ValueError, match="version"):
        oai.get_record("1305.0014v1")
    assert arxiv_server.requests == []


def test_no_records_match_is_an_empty_result(oai: OaiPmhClient, arxiv_server: ReplayServer) -> None:
    arxiv_server.add_fault(
        Fault("oai_error", code="noRecordsMatch", message="no records"), path="/oai"
    )
    (page,) = list(oai.list_records(set_spec="physics:hep-ex", from_date="2030-01-01"))
    assert page.no_records_match and page.records == () and page.resumption_token is None


def test_bad_resumption_token_raises(oai: OaiPmhClient, arxiv_server: ReplayServer) -> None:
    arxiv_server.add_fault(
        Fault("oai_error", code="badResumptionToken", message="expired"),
        path="/oai",
        resumptionToken=STITCHED_TOKEN,
    )
    with pytest.raises(OaiPmhError, match="badResumptionToken: expired") as caught:
        cs_harvest(oai)
    assert caught.value.code == "badResumptionToken"


def test_503_retry_after_is_flow_control(oai: OaiPmhClient, arxiv_server: ReplayServer) -> None:
    arxiv_server.add_fault(Fault("status", status=503, headers={"Retry-After": "1"}), path="/oai")
    pages = cs_harvest(oai)
    assert len(pages) == 2
    first, second = arxiv_server.requests[:2]
    assert second.started - first.started >= 1.0
    assert first.query == second.query


def test_watermark_only_after_completion(
    oai: OaiPmhClient, arxiv_server: ReplayServer, tmp_path: Path
) -> None:
    state = HarvestState(tmp_path / "state" / "oai.json")
    key = HarvestState.key("oai_dc", "cs")
    harvest = oai.harvest(state, metadata_prefix="oai_dc", set_spec="cs", initial_from="2024-01-25")
    next(harvest)
    assert state.get(key) is None  # one page seen: nothing stored yet
    harvest.close()  # the caller stops early
    assert state.get(key) is None and not state.path.exists()

    arxiv_server.add_fault(Fault("status", status=404), path="/oai", resumptionToken=STITCHED_TOKEN)
    with pytest.raises(ExtractError, match="HTTP 404"):
        list(oai.harvest(state, metadata_prefix="oai_dc", set_spec="cs", initial_from="2024-01-25"))
    assert not state.path.exists()

    # CONSTRUCTED: page 1 says the list's 8 records (the recording says 1162), so it is whole
    whole = CS.read_bytes().replace(b'completeListSize="1162"', b'completeListSize="8"')
    arxiv_server.add_fault(Fault("status", body=whole), path="/oai", set="cs")
    pages = list(
        oai.harvest(state, metadata_prefix="oai_dc", set_spec="cs", initial_from="2024-01-25")
    )
    assert len(pages) == 2
    mark = state.get(key)
    assert mark is not None
    assert mark.response_date == dt.datetime(2024, 1, 27, 17, 53, 42, tzinfo=dt.UTC)  # page 1
    assert mark.from_date == "2024-01-27"
    saved = json.loads(state.path.read_text())
    assert saved["harvests"][key]["from"] == "2024-01-27"

    arxiv_server.add_fault(Fault("oai_error", code="noRecordsMatch", message="none"), path="/oai")
    (page,) = list(
        oai.harvest(state, metadata_prefix="oai_dc", set_spec="cs", initial_from="2024-01-25")
    )
    assert arxiv_server.requests[-1].param("from") == "2024-01-27"  # continued from the watermark
    assert page.no_records_match
    advanced = state.get(key)
    assert advanced is not None and advanced.response_date > mark.response_date


def test_a_short_list_holds_the_watermark_once(
    oai: OaiPmhClient, arxiv_server: ReplayServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The recorded list ends after 8 records of the 1162 page 1 says: the watermark stays at
    its from-date once (before: it advanced to page 1's responseDate); the second short list
    from that date is accepted and advances it."""
    state = HarvestState(tmp_path / "state" / "oai.json")
    key = HarvestState.key("oai_dc", "cs")
    list(oai.harvest(state, metadata_prefix="oai_dc", set_spec="cs", initial_from="2024-01-25"))
    held = state.get(key)
    assert held is not None and (held.from_date, held.short_from) == ("2024-01-25", "2024-01-25")
    list(oai.harvest(state, metadata_prefix="oai_dc", set_spec="cs"))  # from the watermark
    assert [r.param("from") for r in arxiv_server.requests_to("/oai") if r.param("from")] == [
        "2024-01-25",
        "2024-01-25",
    ]
    advanced = state.get(key)
    assert advanced is not None and (advanced.from_date, advanced.short_from) == (
        "2024-01-27",
        None,
    )
    said = [r.getMessage() for r in caplog.records if "completeListSize=1162" in r.getMessage()]
    assert [m.rsplit("; ", 1)[1] for m in said] == [
        "the watermark stays at 2024-01-25",
        "the watermark advances: the second short list from it",
    ]


def test_deleted_record_is_reported_not_parsed() -> None:
    # Derived in the test from the real hep-ex page: the first record is turned into a deleted
    # one the way OAI-PMH marks them (header status="deleted", no metadata).
    body = HEP_EX.read_bytes()
    start, end = body.index(b"<record>"), body.index(b"</record>") + len(b"</record>")
    deleted = (
        b'<record><header status="deleted"><identifier>oai:arXiv.org:1706.05371</identifier>'
        b"<datestamp>2017-12-14</datestamp><setSpec>physics:hep-ex</setSpec></header></record>"
    )
    page = parse_oai_response(
        body[:start] + deleted + body[end:], source="x", container="ListRecords"
    )
    assert [h.arxiv_id for h in page.deleted] == ["1706.05371"] and page.deleted[0].deleted
    assert [r.header.arxiv_id for r in page.records] == ["1706.09418", "1707.00874"]


@pytest.mark.parametrize(
    ("size", "read"),
    [("1162", 1162), ("\u00b2", None), ("9" * 5000, None), ("-3", None), ("1e3", None)],
)
def test_a_complete_list_size_that_is_no_count_is_ignored(size: str, read: int | None) -> None:
    """CONSTRUCTED: the real hep-ex page with a resumption token; a superscript digit ('²',
    which str.isdigit accepts and int refuses) or 5 000 digits raised ValueError out of the
    harvest."""
    token = f'<resumptionToken completeListSize="{size}">t</resumptionToken></ListRecords>'
    body = HEP_EX.read_bytes().replace(b"</ListRecords>", token.encode())
    page = parse_oai_response(body, source="x", container="ListRecords")
    assert page.complete_list_size == read and page.resumption_token == "t"
    assert len(page.records) == 3


def test_unreadable_record_is_quarantined() -> None:
    body = HEP_EX.read_bytes().replace(b"<title>R-Parity Violation at the LHC</title>", b"", 1)
    page = parse_oai_response(body, source="x", container="ListRecords")
    assert len(page.records) == 2
    (bad,) = page.quarantined
    assert bad.reason == "no title" and "1706.09418" in bad.text and bad.line > 0


def test_arxiv_raw_versions_with_dates_and_sizes() -> None:
    page = parse_oai_response(ARXIV_RAW, source="x", container="GetRecord")
    (raw,) = page.records
    record = raw.record
    assert raw.metadata_format == "arXivRaw" and raw.submitter == "Louis Theran"
    assert record is not None
    assert [(v.number, v.size_kb, v.source_type) for v in raw.raw_versions] == [
        (1, 17, None),
        (2, 20, "D"),
    ]
    title = "Sparsity-certifying Graph Decompositions"
    assert record.versions == (
        ArxivVersion(1, dt.datetime(2007, 3, 31, 2, 26, 18, tzinfo=dt.UTC)),
        ArxivVersion(2, dt.datetime(2008, 12, 13, 17, 26, tzinfo=dt.UTC), title),
    )
    assert (record.published, record.updated) == (dt.date(2007, 3, 31), dt.date(2008, 12, 13))
    assert [a.name for a in record.authors] == ["Ileana Streinu", "Louis Theran"]
    assert record.categories == ("math.CO", "cs.CG")


@pytest.mark.parametrize("size", ["\u0662kb", "1" * 5000 + "kb", "20 MB", "kb"])
def test_a_version_size_that_is_no_ascii_number_of_kb_is_unknown(size: str) -> None:
    """A size is ASCII digits then ``kb``, as the version labels are ASCII digits. Before,
    ``\u0662kb`` (an Arabic-Indic two) read as 2 kB, and 5 000 digits reached ``int()``, which
    refuses more than 4 300: the record was quarantined for Python's message."""
    body = ARXIV_RAW.replace(b"<size>20kb</size>", f"<size>{size}</size>".encode())
    page = parse_oai_response(body, source="x", container="GetRecord")
    assert page.quarantined == ()
    (raw,) = page.records
    assert [(v.number, v.size_kb) for v in raw.raw_versions] == [(1, 17), (2, None)]


@pytest.mark.parametrize("label", ["v\u0662", "2", "v1234567", "v", "v0", "v00", "v02"])
def test_a_bad_version_label_reads_alike_through_arxiv_raw_and_the_snapshot(label: str) -> None:
    """Before, arXivRaw took ``v\u0662`` (an Arabic-Indic two) and a 7-digit number, which the
    snapshot refused, and the snapshot said ``bad version entry {...}`` for what arXivRaw called
    ``bad version label '...'``. arXiv counts versions from v1 and writes no leading zero: ``v0``
    (which the API's ids refuse) and ``v02`` (a second v2 beside ``v2``) were read as versions."""
    said = [f"bad version label {label!r}"]
    body = ARXIV_RAW.replace(b'version="v2"', f'version="{label}"'.encode())
    page = parse_oai_response(body, source="x", container="GetRecord")
    assert (page.records, [q.reason for q in page.quarantined]) == ((), said)
    line = {"id": "0704.0002", "title": "t", "versions": [{"version": "v1"}, {"version": label}]}
    with pytest.raises(ValueError) as refused:
        parse_snapshot_line(json.dumps(line), source="s")
    assert [str(refused.value)] == said


@pytest.mark.parametrize(
    "second", ["Sat, 13 Dec 2008 17:26:00 GMT", "Sat, 31 Mar 2007 02:26:18 GMT"]
)
def test_a_version_listed_twice_reads_alike_through_arxiv_raw_and_the_snapshot(
    second: str,
) -> None:
    """v1 listed twice (arXivRaw: the real answer's v2 relabelled v1; the snapshot: its real
    line's likewise): with another date the record is quarantined as ``version v1 is listed
    twice``; with the same date it is one v1. Before, both doors kept two versions numbered 1,
    and the record's days came from whichever sorted first."""
    first = "Sat, 31 Mar 2007 02:26:18 GMT"
    body = ARXIV_RAW.replace(b'version="v2"', b'version="v1"').replace(
        b"<date>Sat, 13 Dec 2008 17:26:00 GMT</date>", f"<date>{second}</date>".encode()
    )
    page = parse_oai_response(body, source="x", container="GetRecord")
    line = json.loads(json.dumps(SNAPSHOT_0704_0002))
    line["versions"] = [{"version": "v1", "created": first}, {"version": "v1", "created": second}]
    if second == first:
        (raw,) = page.arxiv_records
        snapshot = parse_snapshot_line(json.dumps(line), source="s")
        assert [(v.number, v.date) for v in raw.versions] == [
            (1, dt.datetime(2007, 3, 31, 2, 26, 18, tzinfo=dt.UTC))
        ]
        assert [(v.number, v.date) for v in snapshot.versions] == [
            (v.number, v.date) for v in raw.versions
        ]
        return
    said = ["version v1 is listed twice"]
    assert (page.records, [q.reason for q in page.quarantined]) == ((), said)
    with pytest.raises(ValueError) as refused:
        parse_snapshot_line(json.dumps(line), source="s")
    assert [str(refused.value)] == said


def test_a_version_without_a_date_reads_alike_through_arxiv_raw_and_the_snapshot() -> None:
    """v1 without a date (constructed: the record's arXivRaw answer above and its real snapshot
    line, v1's date left out of each): the day it was published is unknown through either door.
    Before, the snapshot took the first version that had a date, v2's, as that day."""
    body = ARXIV_RAW.replace(b"<date>Sat, 31 Mar 2007 02:26:18 GMT</date>", b"")
    raw = parse_oai_response(body, source="x", container="GetRecord").arxiv_records[0]
    line = json.loads(json.dumps(SNAPSHOT_0704_0002))
    del line["versions"][0]["created"]
    snapshot = parse_snapshot_line(json.dumps(line), source="s")
    assert (raw.published, raw.updated) == (None, dt.date(2008, 12, 13))
    assert (snapshot.published, snapshot.updated) == (raw.published, raw.updated)
    assert [(v.number, v.date) for v in snapshot.versions] == [
        (v.number, v.date) for v in raw.versions
    ]


@pytest.mark.parametrize(
    ("written", "year"), [("0001", 1), ("0050", 50), ("0099", 99), ("2999", 2999), ("07", 2007)]
)
def test_a_version_date_is_in_the_year_written_through_arxiv_raw_and_the_snapshot(
    written: str, year: int
) -> None:
    """A year of four digits is that year through every door, as the API's and the arXiv
    format's ISO dates read it (only a two-digit year is RFC 2822's 19xx or 20xx). Before,
    ``Mon, 1 Jan 0001`` read as 2001, ``0099`` as 1999 and ``0050`` as 2050.

    Read without a fetch time (no archived answer, no snapshot file), no date is judged against
    one; with one, 2999 is after it and the record is quarantined (before: it loaded; every door:
    tests/test_dated_after_fetch.py)."""
    date = f"Mon, 1 Jan {written} 00:00:00 GMT"
    # v2 dated as v1: a v2 dated before its v1 (2999 after 2008) is quarantined
    body = ARXIV_RAW.replace(b"Sat, 31 Mar 2007 02:26:18 GMT", date.encode())
    body = body.replace(b"Sat, 13 Dec 2008 17:26:00 GMT", date.encode())
    raw = parse_oai_response(body, source="x", container="GetRecord").arxiv_records[0]
    line = json.loads(json.dumps(SNAPSHOT_0704_0002))
    line["versions"][0]["created"] = line["versions"][1]["created"] = date
    line["update_date"] = f"{year:04d}-01-01"  # not before v1 (2999 after 2008-12-13)
    snapshot = parse_snapshot_line(json.dumps(line), source="s")
    first = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    assert [v.date for v in raw.versions][:1] == [v.date for v in snapshot.versions][:1] == [first]
    assert raw.published == snapshot.published == first.date()
    written = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)  # the file's time: 2999 is after it
    if year <= written.year:
        assert parse_snapshot_line(json.dumps(line), source="s", written=written) == snapshot
        return
    with pytest.raises(ValueError) as refused:
        parse_snapshot_line(json.dumps(line), source="s", written=written)
    assert str(refused.value) == (
        "published 2999-01-01 is after the snapshot file's time when first read "
        "(2026-12-06T00:00:00+00:00)"
    )


def test_a_version_date_in_year_0000_is_refused_as_no_date() -> None:
    """Year 0000 is no year of the calendar: refused (before, read as 2000)."""
    date = "Sat, 1 Jan 0000 00:00:00 GMT"
    line = json.loads(json.dumps(SNAPSHOT_0704_0002))
    line["versions"][0]["created"] = date
    with pytest.raises(ValueError) as refused:
        parse_snapshot_line(json.dumps(line), source="s")
    assert str(refused.value) == f"bad version date {date!r}"
    body = ARXIV_RAW.replace(b"Sat, 31 Mar 2007 02:26:18 GMT", date.encode())
    page = parse_oai_response(body, source="x", container="GetRecord")
    assert (page.records, [q.reason for q in page.quarantined]) == ((), [str(refused.value)])


@pytest.mark.parametrize("created", [1175308000, ["Sat, 31 Mar 2007 02:26:18 GMT"], True])
def test_a_version_date_that_is_no_text_is_refused_as_one_that_is_no_date(
    created: object,
) -> None:
    """Before, a version date that was no JSON string was dropped without a word (and the next
    version's date taken for the day the paper was published); a string that is no date was
    refused. Both are now refused alike."""
    line = json.loads(json.dumps(SNAPSHOT_0704_0002))
    line["versions"][0]["created"] = created
    with pytest.raises(ValueError) as refused:
        parse_snapshot_line(json.dumps(line), source="s")
    assert str(refused.value) == f"bad version date {created!r}"


def test_archive_holds_every_oai_page(oai: OaiPmhClient, arxiv_archive: RawArchive) -> None:
    pages = cs_harvest(oai)
    assert [p.archived.sha256 for p in pages if p.archived] == [
        str(r["sha256"]) for r in arxiv_archive.retrievals()
    ]


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            b"<ListRecords>",
            b'<error code="noRecordsMatch">none</error><ListRecords>',
            'the answer holds both <error code="noRecordsMatch"> and <ListRecords>',
        ),
        (
            b"</ListRecords>",
            b"<resumptionToken>other</resumptionToken></ListRecords>",
            "<resumptionToken> is given twice with different values",
        ),
        (
            b"<responseDate>",
            b"<responseDate>2099-01-01T00:00:00Z</responseDate><responseDate>",
            "<responseDate> is given twice with different values",
        ),
    ],
    ids=["no records and records", "two tokens", "two dates"],
)
def test_an_answer_that_contradicts_itself_is_refused_in_one_line(
    old: bytes, new: bytes, said: str
) -> None:
    """CONSTRUCTED: the recorded cs page (5 records, a token) with a second, contradicting
    element. Which the server meant is not known, so the page is refused, naming it. Before,
    ``noRecordsMatch`` beside the list made it an empty page (its 5 records dropped without a
    word and the list ended, the watermark advancing past them); of two tokens or two dates
    the first was read and the other dropped."""
    body = CS.read_bytes().replace(old, new, 1)
    assert body != CS.read_bytes()
    with pytest.raises(ParseError) as refused:
        parse_oai_response(body, source="oai-page", container="ListRecords")
    assert str(refused.value) == f"oai-page: {said}"
