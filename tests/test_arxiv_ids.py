"""arXiv identifier parsing and normalisation."""

from __future__ import annotations

import pytest

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
        ("0808.05394", ArxivId("0808.05394", None)),  # arXiv's API accepts the form too
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
