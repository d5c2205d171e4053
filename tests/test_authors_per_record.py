"""One arXiv record lists at most ``[limits] authors_per_record`` authors, through every door.

Before, nothing bounded them but ``[limits] line_bytes``: a snapshot line of 2 MB listing
100 000 authors made 100 000 persons, ~1 GB and 75 s, and the API and OAI-PMH doors took such
records alike. Now a record over the limit is quarantined with its source, line and count, the
others of its file or page load, and no authorship or person is made of it (counted: the
authors handed to the identity step, not timed).

DERIVED from record 0704.0002 as the three doors carry it (tests/door_authors.py: the Atom and
OAI-PMH ``arXiv`` answers, the SYNTHETIC arXivRaw wrapper, the real snapshot line) and from the
real ``oai_dc`` page, with generated authors added to reach the limit and one past it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from building import content
from conftest import write_config
from door_authors import (
    ATOM,
    LINES,
    MOST,
    OAI,
    OAI_DC,
    api_reasons,
    atom_authors,
    atom_with,
    lines_with,
    names,
    oai_authors,
    oai_reasons,
    oai_with,
    raw_with,
    said,
    snapshot_reasons,
    whole_snapshot_with,
)
from scholarkg.config import load_config
from scholarkg.errors import LimitExceeded
from scholarkg.extract import arxiv_authors
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.snapshot import SnapshotReader, parse_snapshot_line
from scholarkg.identity.mentions import PaperMentions
from scholarkg.iris import Minter
from scholarkg.limits import Limits
from scholarkg.models import ArxivAuthor, ArxivRecord
from scholarkg.runs import chunk_work
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.transform.arxiv import arxiv_mentions


def free_text(count: int) -> str:
    """Ileana Streinu, ``count`` more and Louis Theran, as arXivRaw writes a list."""
    return ", ".join(["Ileana Streinu", *(f"{f} {k}" for f, k in names(count)), "Louis Theran"])


def parsed(count: int) -> list[list[str]]:
    """The snapshot's ``authors_parsed`` of :func:`free_text`."""
    listed = [("Ileana", "Streinu"), *names(count), ("Louis", "Theran")]
    return [[k, f, ""] for f, k in listed]


# record 0704.0002 lists two authors: ``MOST - 1`` more is one past the limit, ``MOST - 2`` it
def test_the_api_quarantines_an_entry_over_the_limit() -> None:
    assert api_reasons(atom_with(atom_authors(MOST - 1))) == [(10, said(MOST + 1))]
    (entry,) = parse_feed(atom_with(atom_authors(MOST - 2)), source="api.xml").records
    assert len(entry.authors) == MOST


def test_oai_arxiv_format_quarantines_a_record_over_the_limit() -> None:
    assert oai_reasons(oai_with(oai_authors(MOST - 1))) == [said(MOST + 1)]
    page = parse_oai_response(oai_with(oai_authors(MOST - 2)), source="o", container="GetRecord")
    (listed,) = page.records
    assert listed.record is not None and len(listed.record.authors) == MOST


def test_arxiv_raw_quarantines_a_record_over_the_limit() -> None:
    assert oai_reasons(raw_with(free_text(MOST - 1))) == [said(MOST + 1)]
    page = parse_oai_response(raw_with(free_text(MOST - 2)), source="o", container="GetRecord")
    (listed,) = page.records
    assert listed.record is not None and len(listed.record.authors) == MOST


def test_oai_dc_quarantines_a_record_over_the_limit_and_reads_the_others() -> None:
    first = b"<dc:creator>Liepins, Vilnis</dc:creator>"
    creators = "".join(f"<dc:creator>{k}, {f}</dc:creator>" for f, k in names(MOST))
    body = OAI_DC.replace(first, first + creators.encode(), 1)
    page = parse_oai_response(body, source="oai.xml", container="ListRecords")
    before = parse_oai_response(OAI_DC, source="oai.xml", container="ListRecords")
    assert len(page.records) == len(before.records) - 1
    (bad,) = page.quarantined
    assert bad.reason == said(MOST + 1) and bad.source == "oai.xml" and bad.line > 0
    assert "1303.2033" in bad.text


@pytest.mark.parametrize("field", ["authors_parsed", "authors"])
def test_the_snapshot_quarantines_a_line_over_the_limit(field: str, tmp_path: Path) -> None:
    over: dict[str, object] = {"authors_parsed": parsed(MOST - 1)}
    if field == "authors":  # the free text alone, read when authors_parsed is missing
        over = {"authors": free_text(MOST - 1), "authors_parsed": None}
    assert snapshot_reasons(lines_with(tmp_path, **over)) == [(2, said(MOST + 1))]
    (_, record) = SnapshotReader(lines_with(tmp_path, authors_parsed=parsed(MOST - 2)))
    assert len(record.authors) == MOST


def test_the_limit_is_the_configured_one(tmp_path: Path) -> None:
    """Raised or lowered in ``[limits]``, every door counts against it (two authors: the
    record as it is, one over a limit of 1)."""
    one, two = Limits(authors_per_record=1), Limits(authors_per_record=2)
    assert [q.reason for q in parse_feed(ATOM, source="a", limits=one).quarantined] == [said(2, 1)]
    assert len(parse_feed(ATOM, source="a", limits=two).records) == 1
    for body in (OAI, raw_with("Ileana Streinu and Louis Theran")):
        page = parse_oai_response(body, source="o", container="GetRecord", limits=one)
        assert [q.reason for q in page.quarantined] == [said(2, 1)]
    reader = SnapshotReader(lines_with(tmp_path), limits=one)
    assert [r.arxiv_id for r in reader] == ["0704.0003"]  # one author; 0704.0002 lists two
    assert [(q.line, q.reason) for q in reader.quarantined] == [(2, said(2, 1))]


@pytest.fixture
def mentioned(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """The authors each paper handed to the identity step, by paper IRI: the persons made."""
    counted: dict[str, int] = {}

    def counting(record: ArxivRecord, minter: Minter) -> PaperMentions:
        mentions = arxiv_mentions(record, minter)
        counted[mentions.paper] = counted.get(mentions.paper, 0) + len(mentions.authors)
        return mentions

    monkeypatch.setattr(chunk_work, "arxiv_mentions", counting)
    yield counted


def test_a_load_quarantines_the_record_and_makes_no_person_of_it(
    tmp_path: Path, mentioned: dict[str, int]
) -> None:
    path = whole_snapshot_with(tmp_path, authors_parsed=parsed(MOST - 1))
    (tmp_path / "store").mkdir()
    config = load_config(write_config(tmp_path / "store", []))
    report = load_snapshot(config, path, workers=0).report
    assert (report.records_read, report.records_loaded) == (100, 99)
    assert report.quarantined == [f"{path}:1: {said(MOST + 1)}"]
    assert report.outcome == "partial"
    paper = Minter().paper_by_arxiv("0704.0002")
    assert str(paper) not in mentioned and len(mentioned) == 99  # before: its 10 001 persons
    assert sum(mentioned.values()) < MOST
    prefix = Minter().base + "graph/arxiv/"
    graphs = {g for g in content(config) if g.startswith(prefix) and "/shacl" not in g}
    assert len(graphs) == 99 and prefix + "0704.0002" not in graphs


@pytest.fixture
def authors_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the authors the snapshot's author readers make, as they are made."""
    made: list[str] = []

    def counting(name: str, affiliations: tuple[str, ...] = ()) -> ArxivAuthor:
        made.append(name)
        return ArxivAuthor(name=name, affiliations=affiliations)

    monkeypatch.setattr(arxiv_authors, "ArxivAuthor", counting)
    return made


def line_of(**fields: object) -> str:
    """The snapshot line of 0704.0002 with ``fields`` set."""
    data = json.loads(LINES[0])
    data.update(fields)
    return json.dumps(data)


TEN = Limits(authors_per_record=10)


@pytest.mark.parametrize("listed", [11, 1_000, 20_000])
@pytest.mark.parametrize("field", ["authors_parsed", "authors"])
def test_the_snapshot_makes_no_author_past_one_over_the_limit(
    field: str, listed: int, authors_made: list[str]
) -> None:
    """A line over the limit is refused once its free text's 11th author is made, its
    ``authors_parsed`` before any is made, however many it lists (before: every one was made,
    then counted; ``authors_parsed``'s first 11); ``authors_parsed`` is told by its whole count,
    the free text, read no further, as more than the limit unless it ended there."""
    fields: dict[str, object] = {"authors_parsed": parsed(listed - 2)}
    if field == "authors":
        fields = {"authors": free_text(listed - 2), "authors_parsed": None}
    with pytest.raises(LimitExceeded) as refused:
        parse_snapshot_line(line_of(**fields), source="s", limits=TEN)
    assert len(authors_made) == (11 if field == "authors" else 0)
    read_all = field == "authors_parsed" or listed == 11
    more = "more than 10 authors: over [limits] authors_per_record = 10; raise it in your config"
    assert str(refused.value) == (said(listed, 10) if read_all else f"{more} if this is genuine")


def test_a_line_over_the_limit_keeps_the_reason_read_before_its_count(tmp_path: Path) -> None:
    """Stopped early, the count is still told where it was: a later field that cannot be read
    (``comments`` after the authors) refuses the line first, as when every author was made."""
    over = {"authors_parsed": parsed(MOST - 1), "comments": ["not", "text"]}
    assert snapshot_reasons(lines_with(tmp_path, **over)) == [(2, "'comments' is not a string")]
