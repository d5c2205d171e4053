"""arXiv identifier parsing and normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from door_authors import ATOM, OAI, api_reasons, lines_with, oai_reasons, snapshot_reasons
from scholarkg.errors import ParseError
from scholarkg.extract.arxiv_ids import (
    ArxivId,
    is_arxiv_id,
    normalise_arxiv_id,
    oai_identifier,
    parse_arxiv_id,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2104.12255", ArxivId("2104.12255", None)),
        ("2104.12255v3", ArxivId("2104.12255", 3)),
        ("1707.08567", ArxivId("1707.08567", None)),
        ("0704.0001", ArxivId("0704.0001", None)),
        ("quant-ph/0201082v1", ArxivId("quant-ph/0201082", 1)),
        ("astro-ph/0601001", ArxivId("astro-ph/0601001", None)),
        ("math.GT/0309136v2", ArxivId("math/0309136", 2)),
        ("http://arxiv.org/abs/1609.07528v3", ArxivId("1609.07528", 3)),
        ("https://arxiv.org/abs/astro-ph/0601001v1", ArxivId("astro-ph/0601001", 1)),
        ("https://export.arxiv.org/pdf/2104.12255v1.pdf", ArxivId("2104.12255", 1)),
        ("oai:arXiv.org:1401.2122", ArxivId("1401.2122", None)),
        ("oai:arXiv.org:hep-th/9901001", ArxivId("hep-th/9901001", None)),
        ("arXiv:2104.12255v2", ArxivId("2104.12255", 2)),
        ("  2104.12255 ", ArxivId("2104.12255", None)),
        ("1412.1234", ArxivId("1412.1234", None)),  # the last month of 4 digits
        ("1501.12345", ArxivId("1501.12345", None)),  # the first of 5
        ("0704.0002v2", ArxivId("0704.0002", 2)),
        ("hep-th/9901001", ArxivId("hep-th/9901001", None)),  # old style: untouched
        ("math.GT/0612123v1", ArxivId("math/0612123", 1)),
    ],
)
def test_parse_accepted_forms(text: str, expected: ArxivId) -> None:
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    ["abc", "", "2104.123", "2104.1225566", "2113.12255", "2104.12255v0", "cond—mat/0709123",
     "quant-ph/020108", "1234", "http://example.org/abs/2104.12255", "oai:arXiv.org:is-malformed"],
)  # fmt: skip
def test_parse_rejects_garbage(text: str) -> None:
    with pytest.raises(ParseError, match="arXiv"):
        parse_arxiv_id(text)
    assert not is_arxiv_id(text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0704.00020", "from 0704 to 1412 have 4 digits after the point, not 5"),
        ("1412.12345", "from 0704 to 1412 have 4 digits after the point, not 5"),
        ("0808.05394", "from 0704 to 1412 have 4 digits after the point, not 5"),
        ("arXiv:1412.12345v2", "from 0704 to 1412 have 4 digits after the point, not 5"),
        ("1501.1234", "from 1501 on have 5 digits after the point, not 4"),
        ("https://arxiv.org/abs/2104.1225v1", "from 1501 on have 5 digits after the point, not 4"),
        ("oai:arXiv.org:1501.1234", "from 1501 on have 5 digits after the point, not 4"),
        ("0703.1234", "of the form YYMM.NNNN begin at 0704, older ones are archive/YYMMNNN"),
        ("0101.00001", "of the form YYMM.NNNN begin at 0704, older ones are archive/YYMMNNN"),
    ],
)
def test_the_digit_count_is_the_months(text: str, why: str) -> None:
    """arXiv numbers a month's e-prints with 4 digits from 0704 to 1412 and 5 from 1501
    (info.arxiv.org/help/arxiv_identifier.html); before, either count was taken for any month,
    so ``0704.00020`` was an id beside ``0704.0002``."""
    with pytest.raises(ParseError) as caught:
        parse_arxiv_id(text, source="ids.txt")
    assert str(caught.value) == f"ids.txt: not an arXiv identifier: {text!r} (arXiv ids {why})"
    assert not is_arxiv_id(text)


def test_versioned_round_trip_and_helpers() -> None:
    assert parse_arxiv_id("2104.12255v3").versioned() == "2104.12255v3"
    assert parse_arxiv_id("quant-ph/0201082").versioned() == "quant-ph/0201082"
    assert normalise_arxiv_id("http://arxiv.org/abs/quant-ph/0201082v1") == "quant-ph/0201082"
    assert oai_identifier("1401.2122") == "oai:arXiv.org:1401.2122"
    with pytest.raises(ValueError, match="version"):
        oai_identifier("1305.0014v1")


def test_parse_error_names_its_source() -> None:
    with pytest.raises(ParseError) as caught:
        parse_arxiv_id("nonsense", source="profile.txt")
    assert caught.value.source == "profile.txt"


def test_every_door_quarantines_an_id_of_the_wrong_digit_count(tmp_path: Path) -> None:
    """DERIVED: record 0704.0002 as each door carries it (tests/door_authors.py), its id given
    a fifth digit (``0704.00020``, which no e-print of 2007 has); the other records load."""
    said = (
        "not an arXiv identifier: '{}' (arXiv ids from 0704 to 1412 have 4 digits after the"
        " point, not 5)"
    )
    api = ATOM.replace(b"<id>http://arxiv.org/abs/0704.0002v2</id>", b"<id>0704.00020v2</id>")
    oai = OAI.replace(
        b"<identifier>oai:arXiv.org:0704.0002<", b"<identifier>oai:arXiv.org:0704.00020<"
    )
    assert api != ATOM and oai != OAI
    assert api_reasons(api) == [(10, said.format("0704.00020v2"))]
    assert oai_reasons(oai) == [said.format("oai:arXiv.org:0704.00020")]
    path = lines_with(tmp_path, id="0704.00020")
    assert snapshot_reasons(path) == [(2, said.format("0704.00020"))]


def test_a_skipped_chunk_reads_plainly_only_the_ids_parse_arxiv_id_gives() -> None:
    """The fast read of a skipped chunk's ids (runs/chunk_work.py ``_PLAIN_ID``) takes a text
    as it is only where :func:`parse_arxiv_id` gives that very text, and takes every new-style
    id it gives (before: either digit count for any month, ``0704.00020`` and ``0612.1234``)."""
    from scholarkg.runs.chunk_work import _PLAIN_ID

    for yymm in (f"{yy:02d}{mm:02d}" for yy in range(100) for mm in range(0, 14)):
        for digits in (3, 4, 5, 6):
            text = f"{yymm}.{'1' * digits}"
            try:
                given: str | None = parse_arxiv_id(text).arxiv_id
            except ParseError:
                given = None
            plain = _PLAIN_ID.fullmatch(text.encode()) is not None
            assert plain == (given == text), (text, given)
    for text in ("hep-th/9901001", "math/0309136", "hep-th/9913001"):
        if _PLAIN_ID.fullmatch(text.encode()):
            assert parse_arxiv_id(text).arxiv_id == text
