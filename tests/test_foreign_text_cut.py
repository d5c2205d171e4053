"""What a server wrote that an error line shows (a resumptionToken, a redirect's Location, an
OAI-PMH responseDate) is shown the one way (:func:`scholarkg.shown_text.shown`): a long text
cut, saying how many characters more it held (``…[N more characters]``), and what no reader
sees or no text holds as its escape (``\\u001b``), a masked control as what it stands for.

Before, each had its own cutter: a token's middle was left out (``'AAA…'…'…AAA'``, no count)
and its controls shown as Python writes them (``\\x1b``); a Location's controls as ``\\x1b`` and
a long one shown whole; a bad responseDate whole, a masked BEL as its private-use mask."""

from __future__ import annotations

import time

import pytest

from harvest_pages import HEP_EX
from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.paging import PageGuard
from scholarkg.extract.redirects import next_hop

DATE = b"<responseDate>2017-12-14T13:00:41Z</responseDate>"


def _guard() -> PageGuard:
    return PageGuard("harvest", max_pages=100, deadline=time.monotonic() + 3600)


def test_a_long_token_is_cut_saying_how_much_more_it_held() -> None:
    token = "A" * 9000
    with pytest.raises(ExtractError) as failure:
        _guard().page_done("o", token, None)
    told = f"resumptionToken of 9000 bytes ('{'A' * 60}'…[8940 more characters]) is longer"
    assert told in str(failure.value)


def test_a_token_that_came_back_shows_its_controls_as_escapes() -> None:
    guard = _guard()
    guard.page_done("o", "A\x1b[2J\u202e", None)
    with pytest.raises(ExtractError) as failure:
        guard.page_done("o", "A\x1b[2J\u202e", None)
    assert "resumptionToken 'A\\u001b[2J\\u202e' came back" in str(failure.value)


def test_a_long_location_is_cut_saying_how_much_more_it_held() -> None:
    location = "http://b.example/" + "p" * 5000
    with pytest.raises(ExtractError) as failure:
        next_hop("http://a.example/", "http://a.example/", location, 0)
    told = str(failure.value)
    assert f"redirected to http://b.example/{'p' * 283}…[4717 more characters]: " in told


def test_a_location_with_controls_shows_them_as_escapes() -> None:
    with pytest.raises(ExtractError) as failure:
        next_hop("http://a.example/", "http://a.example/", "http://b.example/\x07\u202e", 0)
    assert "redirected to http://b.example/\\u0007\\u202e: " in str(failure.value)


@pytest.mark.parametrize(
    ("written", "told"),
    [
        pytest.param(b"&#7;2018", "'\\u00072018'", id="a masked BEL"),
        pytest.param(b"\xc2\x9b2018", "'\\u009b2018'", id="C1 a terminal reads as ESC ["),
        pytest.param(b"9" * 5000, f"'{'9' * 300}'…[4700 more characters]", id="long"),
    ],
)
def test_a_bad_response_date_is_shown_cut_and_escaped(written: bytes, told: str) -> None:
    body = HEP_EX.replace(DATE, b"<responseDate>" + written + b"</responseDate>", 1)
    with pytest.raises(ParseError) as failure:
        parse_oai_response(body, source="o", container="ListRecords")
    assert str(failure.value) == f"o: bad responseDate {told}"
