"""A record giving one field twice with different values is quarantined by every door.

Which value the writer meant is not known. Before, the XML doors (the API's Atom entry and
OAI-PMH's ``arXiv`` and ``arXivRaw`` records) read the first of two ``<title>`` elements and the
snapshot (JSON) the last of two ``"title"`` keys: one hostile record loaded with two different
titles through different doors, and nothing said. Now each door quarantines it, the field named
(``<title> is given twice with different values``, ``key 'title' is given twice with different
values``); a field repeated with the same text is that text.

CONSTRUCTED from record 0704.0002 as the derived fixtures carry it (tests/fixtures/arxiv/derived,
the snapshot sample's line 1, tests/arxiv_raw_record.py's arXivRaw wrapper), a field repeated.
"""

from __future__ import annotations

import json

import pytest

from door_bodies import ATOM, LINE, OAI, RAW
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.snapshot import parse_snapshot_line

TITLE = "Sparsity-certifying Graph Decompositions"


def _after(body: str, anchor: str, extra: str) -> bytes:
    """``body`` with ``extra`` put after the first ``anchor`` past the record's start."""
    start = body.index("<entry>") if "<entry>" in body else body.index("<metadata>")
    at = body.index(anchor, start) + len(anchor)
    return (body[:at] + extra + body[at:]).encode()


def _reasons(extra_title: str, extra_doi: str) -> dict[str, list[str]]:
    """What each door quarantines of the record with a second title (and DOI) given."""
    title, doi = f"<title>{extra_title}</title>", "<doi>10.1000/a</doi>"
    api = parse_feed(
        _after(ATOM, f"<title>{TITLE}</title>", title).replace(
            b"</entry>",
            f"<arxiv:doi>10.1000/a</arxiv:doi><arxiv:doi>{extra_doi}</arxiv:doi></entry>".encode(),
        ),
        source="api",
    )
    oai = parse_oai_response(
        _after(OAI, f"<title>{TITLE}</title>", title + doi + doi.replace("10.1000/a", extra_doi)),
        source="oai",
        container="GetRecord",
    )
    raw = parse_oai_response(
        _after(RAW, f"<title>{TITLE}</title>", title), source="raw", container="GetRecord"
    )
    line = json.dumps(dict(LINE, doi=extra_doi))
    line = line.replace('"title": ', f'"title": {json.dumps(extra_title)}, "title": ', 1)
    line = line.replace('"doi": ', '"doi": "10.1000/a", "doi": ', 1)
    try:
        parse_snapshot_line(line, source="snapshot")
        snapshot = []
    except ValueError as exc:
        snapshot = [str(exc)]
    return {
        "api": [q.reason for q in api.quarantined],
        "oai arXiv": [q.reason for q in oai.quarantined],
        "oai arXivRaw": [q.reason for q in raw.quarantined],
        "snapshot": snapshot,
    }


def test_every_door_refuses_a_title_given_twice_with_different_values() -> None:
    reasons = _reasons("Another Title", "10.1000/a")
    assert reasons == {
        "api": ["<title> is given twice with different values"],
        "oai arXiv": ["<title> is given twice with different values"],
        "oai arXivRaw": ["<title> is given twice with different values"],
        "snapshot": ["key 'title' is given twice with different values"],
    }


def test_every_door_refuses_a_doi_given_twice_with_different_values() -> None:
    reasons = _reasons(TITLE, "10.1000/b")
    assert reasons["api"] == reasons["oai arXiv"] == ["<doi> is given twice with different values"]
    assert reasons["snapshot"] == ["key 'doi' is given twice with different values"]


@pytest.mark.parametrize("space", ["", "  ", "\n"])
def test_a_field_given_twice_alike_is_read_once(space: str) -> None:
    """The same text twice (white space aside, as every door folds it) is that text."""
    doors = ("api", "oai arXiv", "oai arXivRaw", "snapshot")
    assert _reasons(f"{space}{TITLE}{space}", "10.1000/a") == {door: [] for door in doors}
