"""An element inside a record's text field (``<title>Foo <b>bar</b> baz</title>``) quarantines
the record, naming the field and the element: ``title: element <b> is markup, not text``.

arXiv writes its fields as plain text (TeX included): Atom's ``<title>``, ``<summary>`` and
author ``<name>`` are of Atom's type ``text``, which holds no child element (RFC 4287, 3.1.1),
and a ``<`` in a title comes as ``&lt;`` (the OAI-PMH formats alike). Such an answer is not
arXiv's; whether the markup was meant is not known, so the record is kept whole, its XML with
its reason, rather than loaded with its text joined. Before, every door loaded ``Foo bar baz``,
the markup dropped without a word. The snapshot door reads JSON strings, where ``<b>`` is text.
Answers are the recorded ones with one field edited (CONSTRUCTED); the arXivRaw one is
SYNTHETIC (no real arXivRaw answer was found: tests/fixtures/arxiv/PROVENANCE.md)."""

from __future__ import annotations

import pytest

from arxiv_raw_record import ARXIV_RAW_0704_0002
from arxiv_replay import ATOM_DIR, OAI_DIR
from harvest_pages import HEP_EX
from scholarkg.errors import ParseError
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response

PAGE = (ATOM_DIR / "q_testing_s0_m10_bc5a6c384fe9.xml").read_bytes()
CS = (
    OAI_DIR / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
).read_bytes()
ARXIV_RAW = ARXIV_RAW_0704_0002  # SYNTHETIC: tests/arxiv_raw_record.py


def _edited(body: bytes, old: bytes, new: bytes) -> bytes:
    assert old in body
    return body.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (b"<title>Testing Deep", b"<title>Testing <b>Deep</b>", "title: element <b> is markup"),
        (b"<summary>Deep", b"<summary><p>Deep</p>", "abstract: element <p> is markup"),
        (b"<name>Mohit", b'<name><x:i xmlns:x="urn:x">Mohit</x:i>', "authors: element <i> is"),
    ],
)
def test_markup_in_an_atom_entry_quarantines_that_entry(
    old: bytes, new: bytes, reason: str
) -> None:
    feed = parse_feed(_edited(PAGE, old, new), source="u")
    (held,) = feed.quarantined  # before: loaded, the element's text joined to the rest
    assert held.reason.startswith(reason) and held.reason.endswith(", not text")
    assert new in held.text.encode()  # the record whole, its markup with it
    assert [e.record.arxiv_id for e in feed.entries] == [
        e.record.arxiv_id for e in parse_feed(PAGE, source="u").entries[1:]
    ]


@pytest.mark.parametrize(
    ("body", "old", "new", "reason"),
    [
        (HEP_EX, b"<title>R-Parity", b"<title><em>R</em>-Parity", "title: element <em>"),
        (HEP_EX, b"<keyname>Dercks", b"<keyname><b>D</b>ercks", "authors: element <b>"),
        (CS, b"<dc:title>Extended", b"<dc:title><b>Extended</b>", "title: element <b>"),
        (CS, b"<dc:creator>Liepins", b"<dc:creator><b>Liepins</b>", "authors: element <b>"),
        (ARXIV_RAW, b"<title>Sparsity", b"<title><sub>S</sub>parsity", "title: element <sub>"),
        (ARXIV_RAW, b"<date>Sat", b"<date><b>Sat</b>", "versions: element <b>"),
    ],
)
def test_markup_in_an_oai_record_quarantines_that_record(
    body: bytes, old: bytes, new: bytes, reason: str
) -> None:
    container = "GetRecord" if body is ARXIV_RAW else "ListRecords"
    whole = parse_oai_response(body, source="o", container=container)
    page = parse_oai_response(_edited(body, old, new), source="o", container=container)
    (held,) = page.quarantined  # before: loaded, the element's text joined to the rest
    assert held.reason == f"{reason} is markup, not text"
    assert new in held.text.encode()
    assert len(page.records) == len(whole.records) - 1


def test_what_holds_fields_and_what_no_door_reads_still_load() -> None:
    """An author's affiliation, an arXivRaw version's date, an extension element of another
    namespace holding elements, a comment inside a title: none is markup in a field read."""
    body = _edited(
        PAGE,
        b"<title>Testing Deep",
        b'<x:ext xmlns:x="urn:x"><x:a>1</x:a></x:ext><title>Testing <!-- c -->Deep',
    )
    feed = parse_feed(body, source="u")
    assert not feed.quarantined and len(feed.entries) == 10
    assert feed.entries[0].record.title.startswith("Testing Deep Learning")
    raw = parse_oai_response(ARXIV_RAW, source="o", container="GetRecord")
    assert not raw.quarantined and raw.records[0].record is not None
    oai = parse_oai_response(HEP_EX, source="o", container="ListRecords")
    assert not oai.quarantined and len(oai.records) == 3


_DELETED = (
    b'<header status="deleted">\n <identifier>oai:arXiv.org:<b>1706.05371</b></identifier>',
    "id: element <b>",
    8,
)


@pytest.mark.parametrize(
    ("old", "new", "reason", "line"),
    [
        (b"<identifier>oai:arXiv", b"<identifier><b>oai:arXiv</b>", "id: element <b>", 8),
        (b"<datestamp>2017", b"<datestamp><i>2017</i>", "datestamp: element <i>", 9),
        (b"<setSpec>physics", b'<setSpec><x:s xmlns:x="urn:x">physics</x:s>', "setSpec: elem", 10),
        (b"<header>\n <identifier>oai:arXiv.org:1706.05371</identifier>", *_DELETED),
    ],
)
def test_markup_in_an_oai_header_quarantines_that_record(
    old: bytes, new: bytes, reason: str, line: int
) -> None:
    """A header's ``<identifier>``, ``<datestamp>`` or ``<setSpec>`` holding an element, a
    deleted record's too (before: read by joining its text, ``oai:arXiv.org:1706.05371``): the
    record is quarantined at the field's line (before: at the record's, line 6), kept whole, the
    identifier it could not read with it."""
    whole = parse_oai_response(HEP_EX, source="o", container="ListRecords")
    page = parse_oai_response(_edited(HEP_EX, old, new), source="o", container="ListRecords")
    (held,) = page.quarantined
    assert held.reason.startswith(reason) and held.reason.endswith(" is markup, not text")
    assert new in held.text.encode() and whole.records[0].record.line == 6
    assert held.line == line and held.describe().startswith(f"o:{line}: {reason}")
    assert not page.deleted and len(page.records) == len(whole.records) - 1


def test_markup_in_a_field_is_told_at_the_line_of_the_text_holding_it() -> None:
    """A record's field is told at its own line too, an author's at its ``<keyname>``'s or
    ``<name>``'s, not the ``<authors>`` list's nor the record's (CONSTRUCTED: the field moved to
    a line of its own; before: the record's line, 27, or the entry's)."""
    body = _edited(HEP_EX, b"<author><keyname>Dercks", b"<author>\n<keyname><b>D</b>ercks")
    (held,) = parse_oai_response(body, source="o", container="ListRecords").quarantined
    assert (held.line, held.reason) == (36, "authors: element <b> is markup, not text")
    body = _edited(HEP_EX, b"<title>R-Parity", b"\n\n<title><em>R</em>-Parity")
    (held,) = parse_oai_response(body, source="o", container="ListRecords").quarantined
    assert (held.line, held.reason) == (37, "title: element <em> is markup, not text")
    atom = _edited(PAGE, b"<name>Mohit", b"\n<name><i>Mohit</i>")
    (held,) = parse_feed(atom, source="u").quarantined
    entry_line = parse_feed(PAGE, source="u").entries[0].record.line
    name_line = atom[: atom.index(b"<name><i>Mohit")].count(b"\n") + 1
    assert entry_line is not None and held.line == name_line > entry_line


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (b">6960524|1001<", b">6960524|<b>1001</b><", "o:112: resumptionToken: element <b>"),
        (b"<responseDate>2024", b"<responseDate><i>2024</i>", "o:2: responseDate: element <i>"),
    ],
)
def test_markup_in_an_oai_answers_own_field_refuses_the_answer(
    old: bytes, new: bytes, reason: str
) -> None:
    """The answer's ``<resumptionToken>`` or ``<responseDate>`` holding an element: before,
    read with its text joined (the next request sent the token ``6960524|1001``, one the
    server never gave). They are the answer's, no record's: the answer is refused at the
    field's line."""
    with pytest.raises(ParseError) as caught:
        parse_oai_response(_edited(CS, old, new), source="o", container="ListRecords")
    assert str(caught.value) == f"{reason} is markup, not text"


def test_markup_in_an_atom_counter_refuses_the_answer() -> None:
    """``<opensearch:totalResults>2148<b>81</b>``: before, read as the total 214881."""
    body = _edited(PAGE, b">214881<", b">2148<b>81</b><")
    with pytest.raises(ParseError) as caught:
        parse_feed(body, source="u")
    assert str(caught.value) == "u:8: totalResults: element <b> is markup, not text"
