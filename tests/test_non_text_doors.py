"""One record with a control character in a field gets one verdict through every arXiv door.

CONSTRUCTED from the real hep-ex OAI-PMH page: its record 1706.09418 (R-Parity Violation at the
LHC), with a control character put into one field, as the OAI page, an Atom answer and a
snapshot line carry it. DEL and C1 are legal in XML 1.0, so the API and OAI-PMH answers parse;
before, those two doors stored the character in the literal and only the snapshot refused it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from harvest_pages import HEP_EX
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.profile_page import parse_profile
from scholarkg.extract.snapshot import SnapshotReader
from scholarkg.limits import Limits

TITLE = "R-Parity Violation at the LHC"
ABSTRACT = "We investigate the phenomenology of the MSSM extended by a single R-parity"
AUTHOR = ("Dercks", "Daniel")


def _values(field: str, char: str) -> tuple[str, str, tuple[str, str]]:
    """Title, abstract and (keyname, forenames) with ``char`` inside ``field``."""
    title = TITLE.replace(" ", f" {char}", 1) if field == "title" else TITLE
    abstract = ABSTRACT.replace(" ", f"{char} ", 1) if field == "abstract" else ABSTRACT
    author = (f"Der{char}cks", AUTHOR[1]) if field == "authors" else AUTHOR
    return title, abstract, author


def _oai(field: str, char: str) -> bytes:
    title, abstract, (keyname, _) = _values(field, char)
    body = HEP_EX.replace(f"<title>{TITLE}</title>".encode(), f"<title>{title}</title>".encode())
    body = body.replace(ABSTRACT.encode(), abstract.encode(), 1)
    return body.replace(b"<keyname>Dercks</keyname>", f"<keyname>{keyname}</keyname>".encode())


def _atom(field: str, char: str) -> bytes:
    title, abstract, (keyname, forenames) = _values(field, char)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>arXiv Query: id_list=1706.09418,1706.05371</title>
  <entry>
    <id>http://arxiv.org/abs/1706.09418v2</id>
    <updated>2017-11-26T10:00:00Z</updated><published>2017-06-28T10:00:00Z</published>
    <title>{escape(title)}</title>
    <summary>{escape(abstract)}</summary>
    <author><name>{escape(forenames)} {escape(keyname)}</name></author>
    <arxiv:primary_category term="hep-ph"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/1706.05371v2</id>
    <updated>2017-12-12T10:00:00Z</updated><published>2017-06-16T10:00:00Z</published>
    <title>Evaluation of Silicon Photomultipliers</title>
    <summary>Silicon photomultipliers</summary>
    <author><name>Tyler Anderson</name></author>
  </entry>
</feed>""".encode()


def _snapshot_lines(field: str, char: str, *, ascii_only: bool) -> str:
    title, abstract, (keyname, forenames) = _values(field, char)
    lines = [
        {"id": "1706.05371", "title": "Evaluation of Silicon Photomultipliers"},
        {
            "id": "1706.09418",
            "title": title,
            "abstract": abstract,
            "authors": f"{forenames} {keyname}",
            "authors_parsed": [[keyname, forenames, ""]],
        },
    ]
    return "".join(json.dumps(line, ensure_ascii=ascii_only) + "\n" for line in lines)


CASES = [
    (field, char)
    for field in ("title", "abstract", "authors")
    for char in ("\x7f", "\x80", "\x84", "\x86", "\x9f")
]


@pytest.mark.parametrize(("field", "char"), CASES)
def test_every_door_quarantines_the_record_naming_field_and_code_point(
    field: str, char: str, tmp_path: Path
) -> None:
    said = f"{field}: control character U+{ord(char):04X} is not text"

    page = parse_oai_response(_oai(field, char), source="oai.xml", container="ListRecords")
    assert [r.header.arxiv_id for r in page.records] == ["1706.05371", "1707.00874"]
    (bad,) = page.quarantined
    assert (bad.source, bad.line, bad.reason) == ("oai.xml", 27, said), bad
    assert "1706.09418" in bad.text

    feed = parse_feed(_atom(field, char), source="api.xml")
    assert [r.arxiv_id for r in feed.records] == ["1706.05371"]
    (bad,) = feed.quarantined
    assert (bad.source, bad.line, bad.reason) == ("api.xml", 4, said), bad

    for ascii_only in (True, False):
        path = tmp_path / f"snapshot-{ascii_only}.jsonl"
        path.write_text(_snapshot_lines(field, char, ascii_only=ascii_only), encoding="utf-8")
        reader = SnapshotReader(path)
        assert [r.arxiv_id for r in reader] == ["1706.05371"]
        (bad,) = reader.quarantined
        assert (bad.source, bad.line) == (str(path), 2)
        assert bad.reason == said, bad  # before: "ValueError: " in front, the snapshot alone


def test_an_oversize_value_and_a_bad_id_read_alike_through_every_door(tmp_path: Path) -> None:
    """A value over ``[limits] literal_bytes`` and an id that is none: the snapshot's reasons
    named the exception type (``LimitExceeded: ``, ``ParseError: ``) and the bad id's repeated
    the line's location, which the quarantined record carries; the API and OAI-PMH's did not."""
    strict = Limits(literal_bytes=20)  # the title (29 bytes) is over, and more
    said = "title is 29 bytes: over [limits] literal_bytes = 20; "
    said += "raise it in your config if this is genuine"
    page = parse_oai_response(_oai("title", ""), source="o", container="ListRecords", limits=strict)
    feed = parse_feed(_atom("title", ""), source="a", limits=strict)
    path = tmp_path / "snapshot.jsonl"
    path.write_text(_snapshot_lines("title", "", ascii_only=True), encoding="utf-8")
    reader = SnapshotReader(path, strict)
    assert list(reader) == []
    for quarantined in (page.quarantined, feed.quarantined, reader.quarantined):
        assert [q.reason for q in quarantined if "1706.09418" in q.text] == [said]

    atom = _atom("title", "").replace(b"abs/1706.09418v2", b"abs/R-Parity", 1)
    (bad,) = parse_feed(atom, source="a").quarantined
    assert bad.reason == "not an arXiv identifier: 'http://arxiv.org/abs/R-Parity'"
    path.write_text(_snapshot_lines("title", "", ascii_only=True).replace("1706.09418", "R-Parity"))
    reader = SnapshotReader(path)
    assert [r.arxiv_id for r in reader] == ["1706.05371"]
    assert [q.reason for q in reader.quarantined] == ["not an arXiv identifier: 'R-Parity'"]


def test_next_line_folds_to_a_space_through_every_door(tmp_path: Path) -> None:
    """U+0085 (NEXT LINE) is white space, as tab and line feed: one space, nothing refused."""
    page = parse_oai_response(_oai("title", "\x85"), source="oai.xml", container="ListRecords")
    feed = parse_feed(_atom("title", "\x85"), source="api.xml")
    path = tmp_path / "snapshot.jsonl"
    path.write_text(_snapshot_lines("title", "\x85", ascii_only=True), encoding="utf-8")
    reader = SnapshotReader(path)
    titles = [
        next(r.record.title for r in page.records if r.header.arxiv_id == "1706.09418"),
        feed.records[0].title,
        next(r.title for r in reader if r.arxiv_id == "1706.09418"),
    ]
    assert titles == [TITLE] * 3
    assert not page.quarantined and not feed.quarantined and not reader.quarantined


@pytest.mark.parametrize(
    ("written", "code"),
    [("&#127;", 0x7F), ("&#0128;", 0x80), ("&#x80;", 0x80), ("&#x9F;", 0x9F), ("&#x84;", 0x84)],
)
def test_a_character_reference_to_a_control_is_refused_too(written: str, code: int) -> None:
    """The XML doors skip the record-by-record check when a byte scan finds nothing that can
    carry DEL or C1; a character reference can, so it is found."""
    said = f"title: control character U+{code:04X} is not text"
    page = HEP_EX.replace(b"R-Parity Violation", f"R-Parity{written} Violation".encode(), 1)
    (bad,) = parse_oai_response(page, source="o", container="ListRecords").quarantined
    assert bad.reason == said
    atom = _atom("title", "").replace(b"R-Parity", f"R-Parity{written}".encode(), 1)
    (bad,) = parse_feed(atom, source="a").quarantined
    assert bad.reason == said


def test_a_page_in_latin_1_is_checked_record_by_record() -> None:
    """A body in another encoding than UTF-8: byte 0x80 is U+0080 there."""
    atom = _atom("title", "").replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1)
    atom = atom.replace(b"R-Parity", b"R-Parity\x80", 1)
    feed = parse_feed(atom, source="a")
    (bad,) = feed.quarantined
    assert bad.reason == "title: control character U+0080 is not text"
    assert [r.arxiv_id for r in feed.records] == ["1706.05371"]
    clean = parse_feed(_atom("title", "").replace(b"R-Parity", b"R-Parity&#133;"), source="a")
    assert clean.quarantined == () and clean.records[0].title == TITLE


def _without(field: str) -> tuple[bytes, bytes, str]:
    """The OAI page, the Atom answer and the snapshot lines, 1706.09418 lacking ``field`` (or,
    for ``updated:<text>``, with ``text`` for its updated date)."""
    oai, atom = _oai("title", ""), _atom("title", "")
    snapshot = _snapshot_lines("title", "", ascii_only=True)
    lines = [json.loads(line) for line in snapshot.splitlines()]
    if field == "title":
        oai = oai.replace(f"<title>{TITLE}</title>".encode(), b"", 1)
        atom = atom.replace(f"<title>{TITLE}</title>".encode(), b"", 1)
        del lines[1]["title"]
    elif field.startswith("updated:"):
        text = field.removeprefix("updated:")
        oai = oai.replace(b"<updated>2017-11-26</updated>", f"<updated>{text}</updated>".encode())
        atom = atom.replace(b"<updated>2017-11-26T10:00:00Z", f"<updated>{text}".encode(), 1)
        lines[1]["update_date"] = text
    else:
        oai = oai.replace(b"<identifier>oai:arXiv.org:1706.09418</identifier>", b"", 1)
        oai = oai.replace(b"<id>1706.09418</id>", b"", 1)
        atom = atom.replace(b"<id>http://arxiv.org/abs/1706.09418v2</id>", b"", 1)
        del lines[1]["id"]
    return oai, atom, "".join(json.dumps(line) + "\n" for line in lines)


@pytest.mark.parametrize(
    ("field", "said"),
    [
        ("title", "no title"),
        ("id", "no arXiv id"),
        ("updated:yesterday", "bad updated date 'yesterday'"),
        # before, OAI-PMH read the first ten characters only and took this as 2017-11-26
        ("updated:2017-11-26junk", "bad updated date '2017-11-26junk'"),
    ],
)
def test_a_record_lacking_a_required_field_reads_alike_through_every_door(
    field: str, said: str, tmp_path: Path
) -> None:
    """Before, each door worded the same lack its own way: ``entry without a title`` (API),
    ``record without a title`` (OAI-PMH), ``missing title`` (snapshot); ``entry without an
    id``, ``header without an identifier``, ``missing id``; ``bad updated date``, ``bad date``,
    Python's ``Invalid isoformat string``."""
    oai, atom, lines = _without(field)
    assert oai != _oai("title", "") and atom != _atom("title", "")
    path = tmp_path / "snapshot.jsonl"
    path.write_text(lines, encoding="utf-8")
    reader = SnapshotReader(path)
    assert [r.arxiv_id for r in reader] == ["1706.05371"]
    page = parse_oai_response(oai, source="o", container="ListRecords")
    assert [r.header.arxiv_id for r in page.records] == ["1706.05371", "1707.00874"]
    feed = parse_feed(atom, source="a")
    assert [r.arxiv_id for r in feed.records] == ["1706.05371"]
    doors = (page.quarantined, feed.quarantined, reader.quarantined)
    assert [[q.reason for q in door] for door in doors] == [[said]] * 3


def test_an_updated_date_with_a_time_reads_alike_through_every_door(tmp_path: Path) -> None:
    """A date with a time of day is that day through every door: the API's ``<updated>``
    always carries one; before, the snapshot refused ``2017-11-26T10:00:00Z`` as no date."""
    oai, atom, lines = _without("updated:2017-11-26T10:00:00Z")
    path = tmp_path / "snapshot.jsonl"
    path.write_text(lines, encoding="utf-8")
    reader = SnapshotReader(path)
    from_snapshot = next(r for r in reader if r.arxiv_id == "1706.09418")
    page = parse_oai_response(oai, source="o", container="ListRecords")
    from_oai = next(r for r in page.records if r.header.arxiv_id == "1706.09418")
    feed = parse_feed(atom, source="a")
    from_api = next(r for r in feed.records if r.arxiv_id == "1706.09418")
    assert not reader.quarantined and not page.quarantined and not feed.quarantined
    assert from_oai.record is not None
    updated = [from_snapshot.updated, from_oai.record.updated, from_api.updated]
    assert updated == [dt.date(2017, 11, 26)] * 3


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"])
@pytest.mark.parametrize("field", ["title", "abstract", "authors"])
def test_a_noncharacter_no_xml_can_hold_is_refused_by_the_snapshot_and_profile_doors(
    field: str, char: str, tmp_path: Path
) -> None:
    """U+FFFE and U+FFFF are no XML character (not even as a reference), so an Atom or OAI-PMH
    answer cannot carry them, but a snapshot line and a profile page could: stored, they made
    every XML answer of the endpoint (SPARQL XML results, RDF/XML) not well-formed."""
    said = f"{field}: noncharacter U+{ord(char):04X} is not text"
    for ascii_only in (True, False):
        path = tmp_path / f"snapshot-{ascii_only}.jsonl"
        path.write_text(_snapshot_lines(field, char, ascii_only=ascii_only), encoding="utf-8")
        reader = SnapshotReader(path)
        assert [r.arxiv_id for r in reader] == ["1706.05371"]
        assert [q.reason for q in reader.quarantined] == [said]
    page = SAMPLE_PROFILE.read_text(encoding="utf-8")
    first = {"title": "Gemma 2: Improving", "abstract": "In this work", "authors": "Gemma Team"}
    hostile = page.replace(first[field], first[field].replace(" ", f" {char}", 1), 1)
    assert hostile != page
    profile = parse_profile(
        hostile.encode(),
        source="p",
        retrieved_at=dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
        subject_codes=load_config().subject_codes,
    )
    assert [q.reason for q in profile.quarantined] == [said]
    assert len(profile.papers) == 24
