"""A C0 control character XML 1.0 cannot hold (``&#7;``, or the raw byte) in one record of an
API or OAI-PMH answer refuses that record, quarantined naming its field and the control as the
snapshot door names it, and the rest of the answer is read. Before, the answer was not
well-formed XML: one ParseError for the whole page, and a harvest stopped at that page on
every run. Answers are the real fixtures with one field edited (CONSTRUCTED)."""

from __future__ import annotations

import re

import pytest

from arxiv_replay import ATOM_DIR
from harvest_pages import HEP_EX
from scholarkg.errors import ParseError
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.text_masks import MASK_BASES

PAGE = (ATOM_DIR / "q_testing_s0_m10_bc5a6c384fe9.xml").read_bytes()


def first_title_with(text: bytes) -> bytes:
    replacement = rb"\1" + text.replace(b"\\", b"\\\\")
    return re.sub(rb"(<entry>.*?<title>)", replacement, PAGE, count=1, flags=re.S)


@pytest.mark.parametrize(
    ("written", "code"),
    [(b"&#7;", "0007"), (b"\x07", "0007"), (b"&#x1F;", "001F"), (b"&#0;", "0000")],
)
def test_a_control_in_one_entry_quarantines_that_entry_only(written: bytes, code: str) -> None:
    feed = parse_feed(first_title_with(b"T " + written), source="u")
    assert len(feed.entries) == 9
    assert [q.reason for q in feed.quarantined] == [
        f"title: control character U+{code} is not text"
    ]
    assert [e.record.arxiv_id for e in feed.entries] == [
        e.record.arxiv_id for e in parse_feed(PAGE, source="u").entries[1:]
    ]


def test_a_vertical_tab_or_form_feed_is_white_space_as_every_door_reads_it() -> None:
    feed = parse_feed(first_title_with(b"A\x0bB&#12;C "), source="u")
    assert feed.quarantined == () and len(feed.entries) == 10
    assert feed.entries[0].record.title.startswith("A B C ")


def test_references_to_characters_xml_holds_are_left_as_written() -> None:
    feed = parse_feed(first_title_with(b"&#65;&#x9;&#10;&#13;"), source="u")
    assert feed.quarantined == () and feed.entries[0].record.title.startswith("A ")


def test_a_control_in_one_oai_record_quarantines_that_record_only() -> None:
    body = HEP_EX.replace(b"<abstract>", b"<abstract>&#x7;", 1)
    page = parse_oai_response(body, source="o", container="ListRecords")
    assert len(page.records) == 2
    assert [q.reason for q in page.quarantined] == [
        "abstract: control character U+0007 is not text"
    ]


def second_title_with(text: bytes, body: bytes = PAGE) -> bytes:
    replacement = rb"\1" + text.replace(b"\\", b"\\\\")
    return re.sub(rb"(<entry>.*?<entry>.*?<title>)", replacement, body, count=1, flags=re.S)


# a private-use character a source wrote: U+E007, where the masks were (the mask of BEL), and
# U+E180 (that of the byte 0x80), as the character itself or a reference
PRIVATE_USE = [
    pytest.param(b"\xee\x80\x87", "\ue007", id="U+E007 written"),
    pytest.param(b"&#xE007;", "\ue007", id="U+E007 as a hex reference"),
    pytest.param(b"&#57351;", "\ue007", id="U+E007 as a decimal reference"),
    pytest.param(b"&#xE180;", "\ue180", id="U+E180 as a reference"),
]


@pytest.mark.parametrize(("written", "char"), PRIVATE_USE)
def test_a_private_use_character_in_an_answer_with_no_control_is_text(
    written: bytes, char: str
) -> None:
    feed = parse_feed(first_title_with(b"T " + written), source="u")
    assert feed.quarantined == () and feed.entries[0].record.title.startswith(f"T {char}")


@pytest.mark.parametrize(("written", "char"), PRIVATE_USE)
@pytest.mark.parametrize(
    ("control", "said"),
    [
        (b"&#7;", "title: control character U+0007 is not text"),
        (b"\x80", "title: not UTF-8 (byte 0x80)"),
    ],
)
def test_a_private_use_character_beside_a_masked_control_is_still_text(
    written: bytes, char: str, control: bytes, said: str
) -> None:
    """The masks are of a block the answer holds no character of (before: always U+E000-U+EFFF,
    so a ``&#xE007;`` the source wrote was read as a masked BEL and its entry quarantined as
    holding U+0007; one written so refused the whole answer, not well-formed)."""
    body = second_title_with(b"T " + control, first_title_with(b"T " + written))
    feed = parse_feed(body, source="u")
    assert [q.reason for q in feed.quarantined] == [said]
    assert feed.entries[0].record.title.startswith(f"T {char}")
    assert len(feed.entries) == 9


@pytest.mark.parametrize(("written", "char"), PRIVATE_USE)
def test_an_entry_holding_a_private_use_character_and_a_control_is_refused_for_the_control(
    written: bytes, char: str
) -> None:
    feed = parse_feed(first_title_with(b"T " + written + b" &#7;"), source="u")
    assert [q.reason for q in feed.quarantined] == ["title: control character U+0007 is not text"]
    assert len(feed.entries) == 9


def test_a_private_use_character_beside_a_control_in_an_oai_record_is_text() -> None:
    first, second = HEP_EX.split(b"<abstract>")[:2], HEP_EX.split(b"<abstract>")[2:]
    body = b"<abstract>&#xE007;".join(first) + b"<abstract>&#x7;" + b"<abstract>".join(second)
    page = parse_oai_response(body, source="o", container="ListRecords")
    assert [q.reason for q in page.quarantined] == [
        "abstract: control character U+0007 is not text"
    ]
    assert page.records[0].record is not None
    assert (page.records[0].record.abstract or "").startswith("\ue007")


def test_an_answer_holding_a_character_of_every_block_of_masks_is_refused_as_before() -> None:
    """No block is left whose characters could not be told from a mask: nothing is masked, and
    the control makes the answer not well-formed."""
    every = b"".join(b"&#x%X;" % base for base in MASK_BASES)
    with pytest.raises(ParseError, match="not well-formed XML"):
        parse_feed(first_title_with(every + b" &#7;"), source="u")


NO_TEXT = [
    (b"\xff", "title: not UTF-8 (byte 0xFF)"),
    (b"Andr\xe9 ", "title: not UTF-8 (byte 0xE9)"),  # one Latin-1 field in a UTF-8 answer
    (b"\xe2\x82", "title: not UTF-8 (byte 0xE2)"),  # a multi-byte character cut short
    (b"&#xFFFE;", "title: noncharacter U+FFFE is not text"),
    (b"&#65535;", "title: noncharacter U+FFFF is not text"),
    (b"&#xD800;", "title: a lone surrogate \\ud800 is no character"),
    (b"&#57343;", "title: a lone surrogate \\udfff is no character"),
    (b"&#x110000;", "title: a character reference beyond U+10FFFF is no character"),
]


@pytest.mark.parametrize(("written", "said"), NO_TEXT)
def test_bytes_or_references_that_are_no_text_quarantine_one_entry_only(
    written: bytes, said: str
) -> None:
    """Bytes that are not UTF-8 in a UTF-8 answer, or a reference to what is no XML character,
    in one entry: before, the whole answer was not well-formed (one ParseError, the page
    lost)."""
    feed = parse_feed(first_title_with(b"T " + written), source="u")
    assert [q.reason for q in feed.quarantined] == [said]
    assert [e.record.arxiv_id for e in feed.entries] == [
        e.record.arxiv_id for e in parse_feed(PAGE, source="u").entries[1:]
    ]


@pytest.mark.parametrize(("written", "said"), NO_TEXT)
def test_what_is_no_text_is_told_alike_by_the_masks_of_another_block(
    written: bytes, said: str
) -> None:
    """The answer holds a character of U+E000-U+EFFF and of U+F0000-U+F0FFF: its masks are of
    U+F1000-U+F1FFF, each told as what it stands for."""
    body = second_title_with(b"&#xE000;\xf3\xb0\x80\x80", first_title_with(b"T " + written))
    feed = parse_feed(body, source="u")
    assert [q.reason for q in feed.quarantined] == [said]
    assert feed.entries[0].record.title.startswith("\ue000\U000f0000")


def test_bytes_that_are_not_utf8_in_one_oai_record_quarantine_that_record_only() -> None:
    """Before, a harvest stopped at such a page on every run."""
    body = HEP_EX.replace(b"<abstract>", b"<abstract>\xc3(\xa9", 1)
    page = parse_oai_response(body, source="o", container="ListRecords")
    assert len(page.records) == 2
    assert [q.reason for q in page.quarantined] == ["abstract: not UTF-8 (byte 0xC3)"]
    line = HEP_EX[: HEP_EX.index(b"<record>")].count(b"\n") + 1
    assert page.quarantined[0].describe() == f"o:{line}: abstract: not UTF-8 (byte 0xC3)"


def test_an_answer_in_latin1_declared_as_such_is_read_as_latin1() -> None:
    body = first_title_with("Andr\u00e9 ".encode("latin-1"))
    body = body.replace(b"encoding='UTF-8'", b"encoding='ISO-8859-1'", 1)
    assert b"encoding='ISO-8859-1'" in body
    feed = parse_feed(body, source="u")
    assert feed.quarantined == () and feed.entries[0].record.title.startswith("Andr\u00e9 ")
