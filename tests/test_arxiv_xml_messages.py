"""An answer libxml2 refuses at one of its limits is told in one line naming the source, the
line and what is wrong, without libxml2's advice to its own callers. Before, the line ended
``use XML_PARSE_HUGE option`` (a parser option no user can set, and for a document without a
DOCTYPE already on) or ``see xmlCtxtSetMaxAmplification.``; one advice's line break showed as
``\\x0a``. Bodies are constructed; each reaches real libxml2 (the one lxml brings) through
:func:`~scholarkg.extract.atom.parse_feed`, but for wordings of older libxml2 releases, which
only :func:`~scholarkg.extract.xml_messages.plain_message` can be shown. An entity XML does
not predefine (``&nbsp;``) is named at its line, a bare ``&`` told without libxml2's function.
Answers with one field edited are the recorded ones (CONSTRUCTED)."""

from __future__ import annotations

import re

import pytest

from arxiv_replay import ATOM_DIR
from harvest_pages import HEP_EX
from scholarkg.errors import ParseError
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.xml_messages import plain_message

FEED = '<feed xmlns="http://www.w3.org/2005/Atom">'
LIMIT = 11 * 1024 * 1024  # past libxml2's 10 000 000 bytes for one value
MAY_DECLARE = "<!-- <!DOCTYPE -->"
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(8)
    )
    + b"]><feed>&i;</feed>"
)


def deep(levels: int, doctype: bool = False) -> bytes:
    head = "<!DOCTYPE feed>" if doctype else ""
    return f"{head}{FEED}\n{'<x>' * levels}{'</x>' * levels}</feed>".encode()


CASES = {
    # without a DOCTYPE huge_tree is on: its limit of 2048 levels, the advice to turn it on
    "nested past 2048": (deep(2100), 2, "Excessive depth in document: 2048"),
    "nested past 256, a DOCTYPE": (deep(300, doctype=True), 2, "Excessive depth in document: 256"),
    "billion laughs": (LAUGHS, 1, "Maximum entity amplification factor exceeded"),
    "element declaration": (
        b"<!DOCTYPE feed [<!ELEMENT feed " + b"(" * 300 + b"x" + b")" * 300 + b">]><feed/>",
        1,
        "element declaration nested too deep (257 levels)",
    ),
    # a document a byte search finds '<!DOCTYPE' in (a comment here; searched as UTF-16 in
    # UTF-16) may declare entities: libxml2's limits stay (before: every UTF-16 document)
    "UTF-16 text": (
        f"{FEED}<e>{'x' * LIMIT}</e>{MAY_DECLARE}</feed>".encode("utf-16"),
        1,
        "Text node too long",
    ),
    "UTF-16 attribute": (
        f'{FEED}<e a="{"x" * LIMIT}"/>{MAY_DECLARE}</feed>'.encode("utf-16"),
        1,
        "Buffer size limit exceeded (column ",  # before: '… try XML_PARSE_HUGE\x0a, line 1'
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_limit_is_told_without_libxml2s_advice(case: str) -> None:
    body, line, said = CASES[case]
    with pytest.raises(ParseError) as caught:
        parse_feed(body, source="https://export.arxiv.org/api/query")
    error = caught.value
    assert error.line == line
    assert said in error.message
    assert error.message.startswith("not well-formed XML: ")
    told = str(error)
    assert told.startswith(f"https://export.arxiv.org/api/query:{line}: ")
    for advice in ("XML_PARSE", "xmlCtxt", "xmlParse", "\\x0a", "\n"):
        assert advice not in told


@pytest.mark.parametrize(
    ("older", "plain"),
    [
        # libxml2 2.9-2.10 (lxml built against a system libxml2)
        ("Excessive depth in document: 256 use XML_PARSE_HUGE option", "document: 256"),
        ("internal error: Huge input lookup, line 1, column 9", "input too long to read, line 1"),
        ("Memory allocation failed : xmlSAX2Characters: huge text node", "Text node too long"),
        ("Detected an entity reference loop", "Detected an entity reference loop"),
    ],
)
def test_older_libxml2_wordings_are_plain(older: str, plain: str) -> None:
    said = plain_message(older)
    assert plain in said
    assert "XML_PARSE" not in said
    assert "xmlSAX2" not in said
    assert "Huge input lookup" not in said


PAGE = (ATOM_DIR / "q_testing_s0_m100_cfe7536492ca.xml").read_bytes()  # 100 entries


def _line_of(body: bytes, marker: bytes) -> int:
    return body[: body.index(marker)].count(b"\n") + 1


@pytest.mark.parametrize("nth", [1, 90])  # in the parser's first feed of 64 KB, and past it
def test_an_undeclared_entity_is_named_at_its_line(nth: int) -> None:
    """An HTML entity (``&nbsp;``) in an answer without a DTD: lxml's pull parser, keeping
    entities unresolved, ends the document there without a word. Before: 'no element found'
    at line 0, or past the first feed 'Start tag expected, '<' not found' at line 1."""
    at = [m.end() for m in re.finditer(rb"<summary>", PAGE)][nth - 1]
    body = PAGE[:at] + b"A&nbsp;B " + PAGE[at:]
    assert len(PAGE) > 64 * 1024 * 2
    with pytest.raises(ParseError) as caught:
        parse_feed(body, source="u")
    assert caught.value.message == "not well-formed XML: Entity 'nbsp' not defined"
    assert caught.value.line == _line_of(body, b"A&nbsp;B")


def test_an_undeclared_entity_in_an_oai_page_is_named_at_its_line() -> None:
    body = HEP_EX.replace(b"<abstract>", b"<abstract>&eacute;", 1)
    with pytest.raises(ParseError) as caught:
        parse_oai_response(body, source="o", container="ListRecords")
    assert (
        str(caught.value)
        == f"o:{_line_of(body, b'&eacute;')}: not well-formed XML: Entity 'eacute' not defined"
    )


def test_a_bare_ampersand_is_told_without_libxml2s_function() -> None:
    body = HEP_EX.replace(b"<abstract>", b"<abstract>R & D", 1)
    with pytest.raises(ParseError) as caught:
        parse_oai_response(body, source="o", container="ListRecords")
    assert "'&' begins no entity reference (& is &amp;)" in caught.value.message
    assert "xmlParse" not in str(caught.value)


def test_the_error_line_tells_its_line_once() -> None:
    """lxml ends its message with ``, line N, column M``; the error line names line N already
    (before: ``S:2: not well-formed XML: …, line 2, column 15``)."""
    body = b'<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><a></b></entry></feed>'
    with pytest.raises(ParseError) as caught:
        parse_feed(body, source="S")
    assert str(caught.value) == (
        "S:2: not well-formed XML: Opening and ending tag mismatch: a line 2 and b (column 15)"
    )
