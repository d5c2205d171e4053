"""A name's generational suffix written after its own comma and parentheses (``J. Smith
(MIT), Jr. (1)``) keeps every affiliation of the author, through every arXiv door alike.

CONSTRUCTED: the one record 0704.0002 of the derived fixtures (Atom, OAI-PMH ``arXiv``), of
tests/arxiv_raw_record.py's ``arXivRaw`` wrapper and of the first real snapshot line, its authors
replaced by the free text below and, in each parsed list, by what it says (the suffix with its
name, both affiliations).
"""

from __future__ import annotations

import json

import pytest

from door_bodies import ATOM, OAI, RAW, SAMPLE, element, list_records, xml_text
from scholarkg.extract.arxiv_authors import split_author_string
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.snapshot import parse_snapshot_line
from scholarkg.models import ArxivRecord

Parsed = list[tuple[str, str, str, tuple[str, ...]]]  # keyname, forenames, suffix, affiliations


def _atom(parsed: Parsed) -> bytes:
    people = "".join(
        f"<author><name>{' '.join(p for p in (first, last, suffix) if p)}</name>"
        + "".join(f"<arxiv:affiliation>{a}</arxiv:affiliation>" for a in affiliations)
        + "</author>"
        for last, first, suffix, affiliations in parsed
    )
    start, end = ATOM.index("<author>"), ATOM.rindex("</author>") + len("</author>")
    return (ATOM[:start] + people + ATOM[end:]).encode()


def _oai(parsed: Parsed) -> bytes:
    people = "".join(
        f"<author><keyname>{last}</keyname><forenames>{first}</forenames>"
        + (f"<suffix>{suffix}</suffix>" if suffix else "")
        + "".join(f"<affiliation>{a}</affiliation>" for a in affiliations)
        + "</author>"
        for last, first, suffix, affiliations in parsed
    )
    start, end = OAI.index("<authors>") + len("<authors>"), OAI.index("</authors>")
    return list_records(OAI[:start] + people + OAI[end:], "arXiv")


def _raw(free_text: str) -> bytes:
    before = "<authors>Ileana Streinu and Louis Theran</authors>"
    body = element(RAW, "abstract", xml_text(str(SAMPLE[0]["abstract"])))
    return list_records(
        body.replace(before, f"<authors>{xml_text(free_text)}</authors>"), "arXivRaw"
    )


def _line(free_text: str, parsed: Parsed | None) -> str:
    entries = [[last, first, suffix, *affs] for last, first, suffix, affs in parsed or []]
    return json.dumps(dict(SAMPLE[0], authors=free_text, authors_parsed=entries))


def _doors(free_text: str, parsed: Parsed) -> dict[str, ArxivRecord]:
    oai = parse_oai_response(_oai(parsed), source="oai", container="ListRecords")
    raw = parse_oai_response(_raw(free_text), source="raw", container="ListRecords")
    records = {
        "api": parse_feed(_atom(parsed), source="api").records,
        "oai arXiv": oai.arxiv_records,
        "oai arXivRaw": raw.arxiv_records,
        "snapshot parsed": (parse_snapshot_line(_line(free_text, parsed), source="s"),),
        "snapshot text": (parse_snapshot_line(_line(free_text, None), source="s"),),
    }
    return {door: record for door, (record,) in records.items()}


CASES = [
    (
        "J. Smith (MIT), Jr. (1) and A. Jones (1) ((1) CMU)",
        [("Smith", "J.", "Jr.", ("MIT", "CMU")), ("Jones", "A.", "", ("CMU",))],
    ),
    (
        "J. Smith (1), Jr. (MIT) and A. Jones (1) ((1) CMU)",
        [("Smith", "J.", "Jr.", ("CMU", "MIT")), ("Jones", "A.", "", ("CMU",))],
    ),
    (
        "J. Smith (1), Jr. (2), A. Jones (2) ((1) MIT, (2) CMU)",
        [("Smith", "J.", "Jr.", ("MIT", "CMU")), ("Jones", "A.", "", ("CMU",))],
    ),
]


@pytest.mark.parametrize(("free_text", "parsed"), CASES)
def test_every_door_gives_a_suffixed_author_every_affiliation(
    free_text: str, parsed: Parsed
) -> None:
    """REPRODUCED: the free-text doors (``arXivRaw``, a snapshot line without
    ``authors_parsed``) gave ``J. Smith (MIT), Jr. (1) … ((1) CMU)`` CMU alone, where the
    API, OAI-PMH ``arXiv`` and the parsed snapshot give MIT and CMU: the footnote read from
    the legend replaced the affiliation written after the name."""
    doors = _doors(free_text, parsed)
    for door, record in doors.items():
        assert [a.affiliations for a in record.authors] == [p[3] for p in parsed], door
        assert [a.name for a in record.authors] == ["J. Smith Jr.", "A. Jones"], door
    # no legend read: the text affiliation stays, the number is none (as before)
    no_legend = split_author_string("J. Smith (MIT), Jr. (1) and A. Jones (1)")
    assert [a.affiliations for a in no_legend] == [("MIT",), ()]


@pytest.mark.parametrize(
    ("free_text", "parsed", "first"),
    [
        (
            "J. Smith, Jr. and A. Jones",
            [("Smith", "J.", "Jr.", ()), ("Jones", "A.", "", ())],
            "J. Smith Jr.",
        ),
        (
            "Neal J. Evans, II (UT Austin), A. Jones",
            [("Evans", "Neal J.", "II", ("UT Austin",)), ("Jones", "A.", "", ())],
            "Neal J. Evans II",
        ),
    ],
)
def test_every_door_lists_a_suffixed_name_alike(free_text: str, parsed: Parsed, first: str) -> None:
    """REPRODUCED: the free text's ``J. Smith, Jr.`` was listed ``J. Smith, Jr.`` (its
    skg:nameAsListed too) where the API, OAI-PMH ``arXiv`` and the parsed snapshot list
    ``J. Smith Jr.`` (arXiv's keyname, forenames and suffix): one record, two names."""
    listed = {door: [a.name for a in r.authors] for door, r in _doors(free_text, parsed).items()}
    assert all(names == [first, "A. Jones"] for names in listed.values()), listed
