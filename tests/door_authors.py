"""The one record 0704.0002 as each arXiv door gives it with an author added or its authors
replaced (:func:`atom_with`, :func:`oai_with`, :func:`raw_with`, :func:`lines_with`; derived
Atom and OAI-PMH answers, the SYNTHETIC arXivRaw wrapper, the real snapshot lines), and what each
door quarantined of it (:func:`api_reasons`, :func:`oai_reasons`, :func:`snapshot_reasons`):
shared by test_nameless_author_doors.py and the door tests beside it."""

from __future__ import annotations

import json
from pathlib import Path

from arxiv_raw_record import ARXIV_RAW_0704_0002
from samples import ROOT
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.snapshot import SnapshotReader
from scholarkg.limits import DEFAULT_LIMITS

FIXTURES = ROOT / "tests" / "fixtures" / "arxiv"
ATOM = (FIXTURES / "derived" / "atom_0704.0002.xml").read_bytes()
OAI = (FIXTURES / "derived" / "oai_arXiv_0704.0002.xml").read_bytes()
SNAPSHOT = FIXTURES / "kaggle" / "snapshot_sample_100.jsonl"
LINES = SNAPSHOT.read_text(encoding="utf-8").splitlines()
ARXIV_RAW = ARXIV_RAW_0704_0002  # SYNTHETIC: tests/arxiv_raw_record.py

MOST = DEFAULT_LIMITS.authors_per_record
OAI_DC = (  # the real oai_dc page
    FIXTURES / "oai" / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
).read_bytes()


def said(count: int, most: int = MOST) -> str:
    return (
        f"{count} authors: over [limits] authors_per_record = {most}; "
        "raise it in your config if this is genuine"
    )


def names(count: int) -> list[tuple[str, str]]:
    """``count`` generated (forenames, keyname) pairs."""
    return [(f"Given{i}", f"Family{i}") for i in range(count)]


def atom_authors(count: int) -> str:
    return "".join(f"<author><name>{f} {k}</name></author>" for f, k in names(count))


def oai_authors(count: int) -> str:
    return "".join(
        f"<author><keyname>{k}</keyname><forenames>{f}</forenames></author>"
        for f, k in names(count)
    )


def atom_with(author: str) -> bytes:
    """The Atom entry with ``author`` (an ``<author>`` element) after its first author."""
    first = b"<author>\n      <name>Ileana Streinu</name>\n    </author>"
    assert first in ATOM
    return ATOM.replace(first, first + author.encode(), 1)


def oai_with(author: str) -> bytes:
    """The OAI-PMH ``arXiv`` record with ``author`` after its first author."""
    first = b"<author><keyname>Streinu</keyname><forenames>Ileana</forenames></author>"
    assert first in OAI
    return OAI.replace(first, first + author.encode(), 1)


def raw_with(authors: str) -> bytes:
    """The arXivRaw record with ``authors`` as its author list."""
    return ARXIV_RAW.replace(b"Ileana Streinu and Louis Theran", authors.encode(), 1)


def lines_with(tmp_path: Path, **fields: object) -> Path:
    """A snapshot of line 2, then line 1 with ``fields`` set (in ``tmp_path``)."""
    data = json.loads(LINES[0])
    data.update(fields)
    path = tmp_path / "snapshot.jsonl"
    path.write_text(LINES[1] + "\n" + json.dumps(data) + "\n", encoding="utf-8")
    return path


def whole_snapshot_with(tmp_path: Path, **fields: object) -> Path:
    """The whole sample snapshot, its line 1 with ``fields`` set (in ``tmp_path``)."""
    data = json.loads(LINES[0])
    data.update(fields)
    path = tmp_path / "snapshot.jsonl"
    path.write_text("\n".join([json.dumps(data), *LINES[1:]]) + "\n", encoding="utf-8")
    return path


def api_reasons(body: bytes) -> list[tuple[int, str]]:
    """The (line, reason) of each entry the API answer ``body`` quarantined (it reads none)."""
    feed = parse_feed(body, source="api.xml")
    assert feed.records == ()
    return [(q.line, q.reason) for q in feed.quarantined]


def oai_reasons(body: bytes) -> list[str]:
    """The reasons the OAI-PMH answer ``body`` quarantined its record for (it reads none)."""
    page = parse_oai_response(body, source="oai.xml", container="GetRecord")
    assert page.records == ()
    assert all(q.source == "oai.xml" and q.line > 0 for q in page.quarantined)
    return [q.reason for q in page.quarantined]


def snapshot_reasons(path: Path) -> list[tuple[int, str]]:
    """The (line, reason) of each line of ``path`` quarantined (0704.0003 still reads)."""
    reader = SnapshotReader(path)
    assert [r.arxiv_id for r in reader] == ["0704.0003"]  # the other line still loads
    assert all(q.source == str(path) for q in reader.quarantined)
    return [(q.line, q.reason) for q in reader.quarantined]
