"""A large OAI-PMH page is read record by record: what the parse holds at once does not grow
with the page's record count (a 50 000-record page cost ~2 GB parsed as one tree). Counted, not
timed: the number of ``<record>`` elements the tree holds while each record is mapped. The
hardening of the whole-tree parse holds for the stream too (no DOCTYPE, no entities)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from scholarkg.errors import ParseError
from scholarkg.extract import oai_pages
from scholarkg.extract.oai_header import OaiRecord

OAI = "http://www.openarchives.org/OAI/2.0/"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    b"<responseDate>2025-04-01T10:00:00Z</responseDate>"
    b'<request verb="ListRecords">https://oaipmh.arxiv.org/oai</request><ListRecords>\n'
)
TAIL = b'<resumptionToken completeListSize="9">t</resumptionToken></ListRecords></OAI-PMH>\n'


def record(i: int) -> bytes:
    """CONSTRUCTED: a minimal record in the ``arXiv`` format (one line each)."""
    arxiv_id = f"1706.{i:05d}"
    return (
        f"<record><header><identifier>oai:arXiv.org:{arxiv_id}</identifier>"
        "<datestamp>2017-12-14</datestamp></header><metadata>"
        f'<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>{arxiv_id}</id>'
        f"<created>2017-06-16</created><title>Title {i}</title>"
        "<categories>hep-ex</categories></arXiv></metadata></record>\n"
    ).encode()


def page(records: int) -> bytes:
    return HEAD + b"".join(record(i) for i in range(records)) + TAIL


def most_held(body: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[int, oai_pages.OaiPage]:
    """The most ``<record>`` elements the parsed tree held while one record was mapped."""
    held: list[int] = []
    real: Callable[..., OaiRecord] = oai_pages.parse_record

    def counting(element: etree._Element, **kwargs: Any) -> OaiRecord:
        holder = element.getparent()
        assert holder is not None
        held.append(len(holder))  # records (and, at the end, the token)
        return real(element, **kwargs)

    monkeypatch.setattr(oai_pages, "parse_record", counting)
    parsed = oai_pages.parse_oai_response(body, source="big", container="ListRecords")
    return max(held), parsed


def test_the_records_held_at_once_do_not_grow_with_the_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small, small_page = most_held(page(500), monkeypatch)
    large, large_page = most_held(page(5_000), monkeypatch)
    assert (len(small_page.records), len(large_page.records)) == (500, 5_000)
    assert large_page.resumption_token == "t" and large_page.complete_list_size == 9
    assert [r.header.arxiv_id for r in large_page.records[:2]] == ["1706.00000", "1706.00001"]
    assert large_page.records[-1].record is not None
    assert large_page.records[-1].record.line == 5_002  # lines are the page's still
    # the tree held the whole page: 500 and 5 000; now what one 64 KB feed reads ahead
    assert large <= 400 and small <= 400, (small, large)
    assert large <= small + 50


def test_the_stream_frees_what_it_handed_over() -> None:
    from scholarkg.extract.xmlsafe import RecordStream

    body = page(50_000)
    stream = RecordStream(
        body, source="s", path=(f"{{{OAI}}}OAI-PMH", f"{{{OAI}}}ListRecords", f"{{{OAI}}}record")
    )
    most = count = 0
    for element in stream:
        count += 1
        holder = element.getparent()
        assert holder is not None
        most = max(most, len(holder))
    assert count == 50_000 and most <= 400
    assert stream.root is not None
    holder = stream.root.find(f"{{{OAI}}}ListRecords")
    assert holder is not None and len(holder) <= 2  # the last record and the token


@pytest.mark.parametrize(
    "body",
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE OAI-PMH [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + HEAD.split(b"\n", 1)[1]
            + record(1).replace(b"Title 1", b"&xxe;")
            + TAIL
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE OAI-PMH [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            + HEAD.split(b"\n", 1)[1]
            + record(1).replace(b"Title 1", b"&c;")
            + TAIL
        ),
        ("<!DOCTYPE OAI-PMH>" + page(3).decode().split("\n", 1)[1]).encode("utf-16"),
    ],
    ids=["xxe", "entity-bomb", "utf-16-doctype"],
)
def test_a_doctype_is_refused_by_the_stream(body: bytes) -> None:
    with pytest.raises(ParseError, match="DOCTYPE") as caught:
        oai_pages.parse_oai_response(body, source="hostile", container="ListRecords")
    assert "root:" not in str(caught.value) and "aaaa" not in str(caught.value)


def test_damage_late_in_a_large_page_is_one_error_with_its_line() -> None:
    body = page(3_000)[:-40] + b"<oops></ListRecords>"
    with pytest.raises(ParseError) as caught:
        oai_pages.parse_oai_response(body, source="cut", container="ListRecords")
    assert str(caught.value).startswith("cut:") and caught.value.line is not None
    assert caught.value.line > 3_000
