"""A later version dated before an earlier one (v2 before its v1) is quarantined with one
reason, worded alike through every door: ``version v2 is dated …, before v1 (…)``.

Which of the two dates is wrong is not known, and each becomes a day the record states
(published, updated): the record is held back with its text, as a bad date is. Before, it loaded
without a word, updated before it was published. Each case is CONSTRUCTED from a real record:
the recorded API answer of 1609.07528 and the arXivRaw answer and snapshot line of 0704.0002
(tests/test_oai_pmh.py), their dates swapped as stated.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from arxiv_assembled import ATOM_DIR, entries_of, feed
from arxiv_raw_record import ARXIV_RAW, SNAPSHOT_0704_0002
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.record_fields import refuse_dated_before
from scholarkg.extract.snapshot import parse_snapshot_line
from scholarkg.models import ArxivVersion

V1, V2 = "Sat, 31 Mar 2007 02:26:18 GMT", "Sat, 13 Dec 2008 17:26:00 GMT"
SAID_RAW = "version v2 is dated 2007-03-30T02:26:18+00:00, before v1 (2007-03-31T02:26:18+00:00)"


def _recorded_1609_07528() -> bytes:
    path = next(ATOM_DIR.glob("q_testing_s0_m100_*.xml"))
    return entries_of(path.read_bytes(), {})["1609.07528"][2]


def test_an_api_entry_updated_before_it_was_published_is_quarantined() -> None:
    entry = _recorded_1609_07528()  # v3, published 2016-09-23, updated 2024-09-06
    dated = entry.replace(b"2016-09-23T21:58:38Z", b"2025-01-01T00:00:00Z")
    answer = parse_feed(feed([entry, dated], "t"), source="api")
    assert [e.record.arxiv_id for e in answer.entries] == ["1609.07528"]  # the real one loads
    (held,) = answer.quarantined
    assert held.reason == (
        "version v3 is dated 2024-09-06T02:20:22+00:00, before v1 (2025-01-01T00:00:00+00:00)"
    )
    assert held.source == "api" and held.line > 0 and "2025-01-01T00:00:00Z" in held.text


def test_an_arxiv_raw_v2_dated_before_its_v1_is_quarantined() -> None:
    body = ARXIV_RAW.replace(V2.encode(), b"Fri, 30 Mar 2007 02:26:18 GMT")
    page = parse_oai_response(body, source="oai", container="GetRecord")
    assert page.records == ()
    assert [q.reason for q in page.quarantined] == [SAID_RAW]


def test_a_snapshot_v2_dated_before_its_v1_is_refused_alike() -> None:
    line = json.loads(json.dumps(SNAPSHOT_0704_0002))
    assert [v["created"] for v in line["versions"]] == [V1, V2]
    line["versions"][1]["created"] = "Fri, 30 Mar 2007 02:26:18 GMT"
    with pytest.raises(ValueError) as refused:
        parse_snapshot_line(json.dumps(line), source="s")
    assert str(refused.value) == SAID_RAW


def test_versions_in_order_same_instant_or_undated_pass() -> None:
    day = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    naive = dt.datetime(2019, 12, 31, 23)  # "-0000": no zone, read as UTC
    refuse_dated_before([ArxivVersion(1, naive), ArxivVersion(2, day), ArxivVersion(3, day)])
    refuse_dated_before([ArxivVersion(1, day), ArxivVersion(2, None), ArxivVersion(3, day)])
    with pytest.raises(ValueError, match=r"version v3 is dated .* before v1"):
        refuse_dated_before([ArxivVersion(1, day), ArxivVersion(2), ArxivVersion(3, naive)])
