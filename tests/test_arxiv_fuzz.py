"""The arXiv parsers under hostile input: an Atom answer, an OAI-PMH page (``arXiv``,
``arXivRaw``, ``oai_dc``) or a snapshot line, mutated as an attacker or a broken server would
(cut short, elements dropped or doubled, namespaces changed, entities and DOCTYPEs, huge
counters, odd dates and ids, CDATA, markup where text belongs, NUL and control characters,
invalid UTF-8; for JSON: wrong types and deep nesting), either parses, each record it cannot
read quarantined with a one-line reason and the others kept, or raises a
:class:`~scholarkg.errors.ScholarKGError` of one line naming its source. Never another
exception, never a hang (an alarm far above the parse's time catches one).

The inputs are MUTATED from the real fixtures (tests/fixtures/arxiv: atom/, oai/, derived/,
kaggle/) and the ``arXivRaw`` page of test_oai_pmh; hypothesis draws the mutations
(derandomized, so every run tries the same ones).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from arxiv_raw_record import ARXIV_RAW
from no_hang import no_hang
from scholarkg.errors import ParseError, ScholarKGError
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.snapshot import read_line
from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.limits import DEFAULT_LIMITS
from scholarkg.models import QuarantinedRecord

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
ATOMS = [p.read_bytes() for p in sorted((FIXTURES / "atom").glob("*.xml"))]
OAIS = [p.read_bytes() for p in sorted((FIXTURES / "oai").glob("*.xml"))]
OAIS += [ARXIV_RAW, (FIXTURES / "derived" / "oai_arXiv_0704.0002.xml").read_bytes()]
LINES = (FIXTURES / "kaggle" / "snapshot_sample_100.jsonl").read_text("utf-8").splitlines()[:20]

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# what is put in, or put in place of an element's text
PIECES = [
    b"\x00", b"\x01", b"\x0b", b"\x7f", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbf\xbe",
    b"&amp;", b"&lol;", b"&#0;", b"&#x1;", b"&#xD800;", b"<![CDATA[1]]>", b"<![CDATA[",
    b"<b>9</b>", b"Mon, 2 Apr 99999999999999999999 19:18:42 GMT", b"<!-- c -->", b"<?pi x?>",
    b' xmlns="urn:x"', b"</", b"<", b">", b'"', b"\r", b"99999999999999999999999999999999",
    b"-1", b"1e9", b"0x10", b"\xd9\xa2", b"NaN", b"", b"9999-99-99", b"0000-00-00",
    b"2024-02-30", b"2024-01-01T25:00:00Z", b"10000-01-01", b" ", b"a b/c\xc3\xa9",
    b"http://arxiv.org/abs/ 1/2", b"\xe2\x80\xa8",
]  # fmt: skip
TAGS = [
    b"totalResults", b"startIndex", b"itemsPerPage", b"id", b"published", b"updated", b"title",
    b"name", b"author", b"entry", b"resumptionToken", b"responseDate", b"datestamp",
    b"identifier", b"created", b"version", b"date", b"authors", b"keyname", b"record",
    b"header", b"metadata", b"categories", b"dc:creator", b"dc:identifier", b"setSpec",
]  # fmt: skip
NAMESPACES = [
    b"http://www.w3.org/2005/Atom", b"http://a9.com/-/spec/opensearch/1.1/",
    b"http://arxiv.org/schemas/atom", b"http://www.openarchives.org/OAI/2.0/",
    b"http://arxiv.org/OAI/arXiv/", b"http://arxiv.org/OAI/arXivRaw/",
    b"http://purl.org/dc/elements/1.1/",
]  # fmt: skip
HEADS = [
    b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY lol "lol"><!ENTITY l2 "&lol;&lol;">]>',
    b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    b'<?xml version="1.0" encoding="UTF-16"?>', b'<?xml version="1.0" encoding="latin-1"?>',
    b"\xef\xbb\xbf", b"",
]  # fmt: skip


def _element(body: bytes, tag: bytes) -> tuple[int, int] | None:
    """Where the first ``<tag …>…</tag>`` of ``body`` starts and ends, if it has one."""
    found = re.search(
        b"<" + re.escape(tag) + rb"[\s/>].*?</" + re.escape(tag) + rb"\s*>", body, re.S
    )
    return found.span() if found else None


def _mutate(body: bytes, op: int, at: float, choice: int) -> bytes:
    i = int(at * len(body))
    tag = TAGS[choice % len(TAGS)]
    if op == 0:  # cut short
        return body[:i]
    if op == 1:
        return body[:i] + PIECES[choice % len(PIECES)] + body[i:]
    if op == 2:
        return body[:i] + body[i + 1 + choice * 7 :]
    if op == 3:  # a stretch doubled
        return body[: i + choice * 11] + body[i : i + choice * 11] + body[i + choice * 11 :]
    if (op == 4 or op == 5) and (span := _element(body, tag)) is not None:
        start, end = span
        if op == 4:  # an element dropped, or doubled
            return body[:start] + body[end:] if choice % 2 else body[:end] + body[start:]
        text_at = body.find(b">", start) + 1  # its text (or first child) replaced
        text_end = body.find(b"<", text_at)
        return body[:text_at] + PIECES[choice % len(PIECES)] + body[text_end:]
    if op == 6 and choice % 3 == 0:  # a prefix no longer declared
        return re.sub(rb"xmlns:(\w+)=", rb"xmlns:\1z=", body, count=1)
    if op == 6:
        return body.replace(NAMESPACES[choice % len(NAMESPACES)], b"urn:wrong", 1)
    if op == 7:
        return HEADS[choice % len(HEADS)] + body.split(b"?>", 1)[-1]
    return body


mutations = st.lists(
    st.tuples(st.integers(0, 7), st.floats(0, 1), st.integers(0, 60)), min_size=1, max_size=4
)


def _mutated(fixtures: list[bytes], which: int, ops: list[tuple[int, float, int]]) -> bytes:
    body = fixtures[which % len(fixtures)]
    for op in ops:
        body = _mutate(body, *op)
    return body


_TYPE_NAMED = re.compile(r"^[A-Z]\w*(Error|Exception): ")  # Python's words, not a reason


def _one_line_naming(exc: ScholarKGError, source: str) -> None:
    assert "\n" not in str(exc) and "\r" not in str(exc), str(exc)
    assert str(exc).startswith(source), str(exc)


def _told(quarantined: tuple[QuarantinedRecord, ...] | list[QuarantinedRecord], source: str):
    for record in quarantined:
        assert record.source == source and record.reason.strip(), record
        assert "\n" not in record.reason and not _TYPE_NAMED.match(record.reason), record.reason


@FUZZ
@given(st.integers(0, 100), mutations)
@example(0, [(6, 0.0, 0)])  # before: ValueError, a prefix undeclared (test_arxiv_fuzz_found)
def test_a_mutated_atom_answer_parses_or_is_refused_in_one_line(which: int, ops) -> None:
    body = _mutated(ATOMS, which, ops)
    with no_hang(60, "the parse"):
        try:
            feed = parse_feed(body, source="api.xml")
        except ScholarKGError as exc:
            _one_line_naming(exc, "api.xml")
            return
    _told(feed.quarantined, "api.xml")


@FUZZ
@given(st.integers(0, 100), mutations)
@example(10, [(5, 0.0, 16)])  # before: OverflowError, arXivRaw's version date of 20 digits
def test_a_mutated_oai_page_parses_or_is_refused_in_one_line(which: int, ops) -> None:
    body = _mutated(OAIS, which, ops)
    container = "GetRecord" if b"<GetRecord" in body else "ListRecords"
    with no_hang(60, "the parse"):
        try:
            page = parse_oai_response(body, source="oai.xml", container=container)
        except ScholarKGError as exc:
            _one_line_naming(exc, "oai.xml")
            return
    _told(page.quarantined, "oai.xml")


OVERFLOWING = "Mon, 2 Apr 2007 19:18:42 +99999999999999999999"  # an offset of 20 digits
JSON_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["", " ", "\x00", "\ufffe", "a b/c", "9999-12-31", "Mon, 31 Feb 2007"]),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.integers(1, 3000).map(lambda depth: f"DEEP{depth}"),  # nested that deep, in the line
)
_DEEP = re.compile(r'"DEEP(\d+)"')
KEYS = ["id", "title", "authors", "authors_parsed", "versions", "categories", "update_date",
        "abstract", "doi", "comments", "journal-ref", "license"]  # fmt: skip


@FUZZ
@example(0, [("authors_parsed", 1.5, False)])  # before: quarantined as "TypeError: …"
@example(0, [("versions", [{"version": "v1", "created": OVERFLOWING}], False)])  # OverflowError
@given(
    st.integers(0, 100),
    st.lists(st.tuples(st.sampled_from(KEYS), JSON_ODD, st.booleans()), min_size=1, max_size=3),
)
def test_a_snapshot_line_of_wrong_types_is_quarantined_with_a_reason(which: int, changes) -> None:
    data = json.loads(LINES[which % len(LINES)])
    for key, value, inside in changes:
        if inside and isinstance(data.get(key), list) and data[key]:
            data[key][0] = value  # a version or an author entry
        else:
            data[key] = value
    text = _DEEP.sub(lambda m: "[" * int(m[1]) + "]" * int(m[1]), json.dumps(data))
    line = SnapshotLine(7, text.encode(), None)
    with no_hang(60, "the parse"):
        read = read_line(line, "s.jsonl", DEFAULT_LIMITS)
    if isinstance(read, QuarantinedRecord):
        _told([read], "s.jsonl")


@pytest.mark.parametrize("head", HEADS[:2], ids=["billion laughs", "XXE"])
@pytest.mark.parametrize("door", ["atom", "oai"])
def test_a_doctype_is_refused_in_one_line(head: bytes, door: str) -> None:
    if door == "atom":
        with pytest.raises(ParseError, match="DOCTYPE is refused") as caught:
            parse_feed(head + ATOMS[0].split(b"?>", 1)[1], source="api.xml")
    else:
        with pytest.raises(ParseError, match="DOCTYPE is refused") as caught:
            body = head + OAIS[1].split(b"?>", 1)[1]
            parse_oai_response(body, source="oai.xml", container="GetRecord")
    _one_line_naming(caught.value, f"{door.replace('atom', 'api')}.xml")
