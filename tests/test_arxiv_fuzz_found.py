"""What fuzzing the arXiv parsers found (tests/test_arxiv_fuzz.py), each pinned by the input
that found it: a snapshot line whose ``authors_parsed`` or ``versions`` is no list, a version
date with a 20-digit year, day, hour or offset, an Atom answer whose prefix no ``xmlns``
declares and an OpenSearch counter not of ASCII digits are each refused in words naming what is
wrong, not by a Python error or a reading Python's ``int`` allows; an OAI-PMH error code holding
a line break is told in one line.

MUTATED from the real fixtures: the sample's first line (tests/fixtures/arxiv/kaggle), the
API's answer for 1707.08567 (tests/fixtures/arxiv/atom), INSPIRE's idDoesNotExist answer
(tests/fixtures/arxiv/oai) and test_oai_pmh's ``arXivRaw`` page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from arxiv_raw_record import ARXIV_RAW
from scholarkg.errors import ParseError
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import OaiPmhError, parse_oai_response
from scholarkg.extract.snapshot import parse_snapshot_line

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
LINE = json.loads((FIXTURES / "kaggle" / "snapshot_sample_100.jsonl").open().readline())
ATOM = (FIXTURES / "atom" / "id_1707.08567_s0_m100_6a1afebfc6a3.xml").read_bytes()
HUGE = "9" * 20


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("authors_parsed", 1.5),
        ("authors_parsed", 7),
        ("authors_parsed", "Streinu Ileana"),
        ("authors_parsed", {"Streinu": "Ileana"}),
        ("versions", 1.5),
        ("versions", "v1"),
        ("versions", {"version": "v1"}),
    ],
)
def test_a_snapshot_list_key_given_no_list_is_refused_naming_it(key: str, value: Any) -> None:
    # before: a number raised TypeError (quarantined as "TypeError: 'float' object is not
    # iterable"), a string or an object was read character by character or key by key
    line = json.dumps(dict(LINE, **{key: value}))
    with pytest.raises(ValueError, match=f"^'{key}' is not a list$"):
        parse_snapshot_line(line, source="s.jsonl:1")


DATES = [
    f"Mon, 2 Apr {HUGE} 19:18:42 GMT",
    f"Mon, {HUGE} Apr 2007 19:18:42 GMT",
    f"Mon, 2 Apr 2007 {HUGE}:18:42 GMT",
    f"Mon, 2 Apr 2007 19:18:42 +{HUGE}",
]


@pytest.mark.parametrize("date", DATES, ids=["year", "day", "hour", "offset"])
def test_a_snapshot_version_date_of_20_digits_is_a_bad_date(date: str) -> None:
    # before: OverflowError, which the snapshot reader does not quarantine: the run ended
    versions = [{"version": "v1", "created": date}]
    line = json.dumps(dict(LINE, versions=versions))
    with pytest.raises(ValueError, match=re.escape(f"bad version date {date!r}")):
        parse_snapshot_line(line, source="s.jsonl:1")


@pytest.mark.parametrize("date", DATES, ids=["year", "day", "hour", "offset"])
def test_an_arxiv_raw_version_date_of_20_digits_quarantines_its_record(date: str) -> None:
    # before: OverflowError out of parse_oai_response, the page's other records lost
    first = re.search(rb"<date>[^<]*</date>", ARXIV_RAW)
    assert first is not None, "the arXivRaw page no longer holds a version date"
    body = ARXIV_RAW.replace(first[0], f"<date>{date}</date>".encode(), 1)
    container = "GetRecord" if b"<GetRecord>" in body else "ListRecords"
    page = parse_oai_response(body, source="raw.xml", container=container)
    assert [q.reason for q in page.quarantined] == [f"bad version date {date!r}"]
    assert page.records == ()


def test_an_atom_prefix_no_xmlns_declares_is_refused_in_one_line() -> None:
    # before: ValueError("Invalid tag name 'opensearch:itemsPerPage'") out of parse_feed, which
    # named neither the answer nor the line (its declaration misspelt ``opensearih``)
    body = ATOM.replace(b"xmlns:opensearch=", b"xmlns:opensearih=", 1)
    line = body[: body.index(b"<opensearch:")].count(b"\n") + 1
    with pytest.raises(ParseError) as caught:
        parse_feed(body, source="api.xml")
    said = "not well-formed XML: Namespace prefix opensearch on "
    assert str(caught.value).startswith(f"api.xml:{line}: {said}"), str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("١٠", "'١٠'"),
        ("1_0", "'1_0'"),
        ("9" * 5000, f"'{'9' * 40}'…[4960 more characters]"),
    ],
    ids=["Arabic-Indic digits", "underscore", "5000 digits"],
)
def test_an_atom_counter_not_of_ascii_digits_is_refused_naming_it(written: str, said: str) -> None:
    # before: int() read "١٠" and "1_0" as 10, and quoted a counter of 5 000 digits whole
    body = re.sub(
        rb"(<opensearch:totalResults[^>]*>)[^<]*", lambda m: m[1] + written.encode(), ATOM, count=1
    )
    with pytest.raises(ParseError) as caught:
        parse_feed(body, source="api.xml")
    assert str(caught.value) == f"api.xml:8: OpenSearch counter {said} is not an integer"


def test_an_atom_counter_keeps_its_sign() -> None:
    body = re.sub(rb"(<opensearch:totalResults[^>]*>)[^<]*", rb"\g<1>-1", ATOM, count=1)
    assert parse_feed(body, source="api.xml").total_results == -1


def test_an_oai_error_code_holding_a_line_break_is_told_in_one_line() -> None:
    # before: "oai.xml: OAI-PMH error bad\nArgument: …", the error broken in two
    body = (FIXTURES / "oai" / "inspire_error_idDoesNotExist_1305.9999.xml").read_bytes()
    body = body.replace(b'code="idDoesNotExist"', b'code="idDoes&#10;NotExist"', 1)
    assert b"&#10;" in body, "the error fixture no longer holds its code"
    with pytest.raises(OaiPmhError) as caught:
        parse_oai_response(body, source="oai.xml", container="GetRecord")
    assert caught.value.code == "idDoes NotExist"
    assert str(caught.value).startswith("oai.xml: OAI-PMH error idDoes NotExist: ")
    assert "\n" not in str(caught.value)
