"""An answer whose XML declaration names UTF-16, UTF-32 or UCS-2 while its bytes are UTF-8 (the
declaration itself written one byte a character) is refused, whole, in one line at line 1
saying so. Before, libxml2 switched to the encoding named and the line said only ``not
well-formed XML: Blank needed here (column 38)``. An answer truly in UTF-16 still reads.

DERIVED: the real hep-ex ``ListRecords`` page and the real Atom feed of the fixtures, their
declarations changed (CONSTRUCTED lies), or the whole page written in UTF-16.
"""

from __future__ import annotations

import pytest

from arxiv_replay import ATOM_DIR
from harvest_pages import HEP_EX
from scholarkg.errors import ParseError
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response

ATOM = (ATOM_DIR / "q_testing_s0_m100_cfe7536492ca.xml").read_bytes()
LIES = ["UTF-16", "utf-16le", "UTF-16BE", "UTF-32", "UCS-2", "ISO-10646-UCS-2"]


def said(named: str) -> str:
    return (
        f"src:1: the XML declaration names encoding '{named}' but is itself written one byte a "
        f"character, not in {named}: which encoding the document is in is not known"
    )


@pytest.mark.parametrize("named", LIES)
def test_an_oai_page_declaring_an_encoding_it_is_not_in_is_refused_saying_so(named: str) -> None:
    body = HEP_EX.replace(b'encoding="UTF-8"', f'encoding="{named}"'.encode(), 1)
    with pytest.raises(ParseError) as caught:
        parse_oai_response(body, source="src", container="ListRecords")
    assert str(caught.value) == said(named)


@pytest.mark.parametrize("named", LIES)
def test_an_api_feed_declaring_an_encoding_it_is_not_in_is_refused_saying_so(named: str) -> None:
    body = ATOM.replace(b"encoding='UTF-8'", f"encoding='{named}'".encode(), 1)
    with pytest.raises(ParseError) as caught:
        parse_feed(body, source="src")
    assert str(caught.value) == said(named)


def test_a_page_truly_in_utf_16_still_reads() -> None:
    text = HEP_EX.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    page = parse_oai_response(text.encode("utf-16"), source="src", container="ListRecords")
    truth = parse_oai_response(HEP_EX, source="src", container="ListRecords")
    assert page.records == truth.records and len(page.records) == 3
