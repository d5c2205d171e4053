"""An author listed without a name gets one verdict through every arXiv door.

DERIVED from record 0704.0002 as the three doors carry it (tests/fixtures/arxiv/derived, the
snapshot sample's line 1), with an author slot that has no name put between its two authors.
Before, the API quarantined the entry while OAI-PMH and the snapshot dropped the author silently,
so Louis Theran, listed third, was stored at position 2. Now every door quarantines the record
with one reason naming the position, and the run report counts what the store does not hold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxiv_raw_record import ARXIV_RAW_0704_0002
from building import content
from conftest import write_config
from samples import ROOT
from scholarkg.config import load_config
from scholarkg.extract.arxiv_authors import split_author_string
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.snapshot import SnapshotReader
from scholarkg.iris import Minter
from scholarkg.quarantine import read_quarantined
from scholarkg.runs.arxiv_snapshot import load_snapshot

FIXTURES = ROOT / "tests" / "fixtures" / "arxiv"
ATOM = (FIXTURES / "derived" / "atom_0704.0002.xml").read_bytes()
OAI = (FIXTURES / "derived" / "oai_arXiv_0704.0002.xml").read_bytes()
OAI_DC = (
    FIXTURES / "oai" / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
).read_bytes()
SNAPSHOT = FIXTURES / "kaggle" / "snapshot_sample_100.jsonl"
LINES = SNAPSHOT.read_text(encoding="utf-8").splitlines()
SAID = "author 2 has no name"

ARXIV_RAW = ARXIV_RAW_0704_0002  # SYNTHETIC: tests/arxiv_raw_record.py


def _atom(author: str) -> bytes:
    first = b"<author>\n      <name>Ileana Streinu</name>\n    </author>"
    assert first in ATOM
    return ATOM.replace(first, first + author.encode(), 1)


def _oai(author: str) -> bytes:
    first = b"<author><keyname>Streinu</keyname><forenames>Ileana</forenames></author>"
    assert first in OAI
    return OAI.replace(first, first + author.encode(), 1)


def _raw(authors: str) -> bytes:
    return ARXIV_RAW.replace(b"Ileana Streinu and Louis Theran", authors.encode(), 1)


def _snapshot(tmp_path: Path, **fields: object) -> Path:
    data = json.loads(LINES[0])
    data.update(fields)
    path = tmp_path / "snapshot.jsonl"
    path.write_text(LINES[1] + "\n" + json.dumps(data) + "\n", encoding="utf-8")
    return path


def _api_reasons(body: bytes) -> list[tuple[int, str]]:
    feed = parse_feed(body, source="api.xml")
    assert feed.records == ()
    return [(q.line, q.reason) for q in feed.quarantined]


def _oai_reasons(body: bytes) -> list[str]:
    page = parse_oai_response(body, source="oai.xml", container="GetRecord")
    assert page.records == ()
    assert all(q.source == "oai.xml" and q.line > 0 for q in page.quarantined)
    return [q.reason for q in page.quarantined]


def _snapshot_reasons(path: Path) -> list[tuple[int, str]]:
    reader = SnapshotReader(path)
    assert [r.arxiv_id for r in reader] == ["0704.0003"]  # the other line still loads
    assert all(q.source == str(path) for q in reader.quarantined)
    return [(q.line, q.reason) for q in reader.quarantined]


@pytest.mark.parametrize(
    "author", ["<author><name/></author>", "<author><name>  </name></author>", "<author/>"]
)
def test_the_api_quarantines_an_entry_with_a_nameless_author(author: str) -> None:
    # before: "author without a name", which said not which one
    assert _api_reasons(_atom(author)) == [(10, SAID)]


@pytest.mark.parametrize(
    "author",
    [
        "<author><keyname/></author>",
        "<author><keyname> </keyname><forenames/></author>",
        "<author><affiliation>MIT</affiliation></author>",
    ],
)
def test_oai_arxiv_format_quarantines_a_record_with_a_nameless_author(author: str) -> None:
    assert _oai_reasons(_oai(author)) == [SAID]  # before: loaded, Theran at position 2


@pytest.mark.parametrize(
    ("authors", "said"),
    [
        ("Ileana Streinu,, Louis Theran", SAID),
        ("Ileana Streinu, , Louis Theran", SAID),
        ("Ileana Streinu, and , Louis Theran", SAID),
        (", Ileana Streinu and Louis Theran", "author 1 has no name"),
    ],
)
def test_arxiv_raw_quarantines_a_record_whose_author_string_has_an_empty_entry(
    authors: str, said: str
) -> None:
    assert _oai_reasons(_raw(authors)) == [said]  # before: loaded, Theran at position 2


def test_oai_dc_quarantines_a_record_with_an_empty_creator() -> None:
    first = b"<dc:creator>Liepins, Vilnis</dc:creator>"
    body = OAI_DC.replace(first, first + b"<dc:creator> </dc:creator>", 1)
    page = parse_oai_response(body, source="oai.xml", container="ListRecords")
    before = parse_oai_response(OAI_DC, source="oai.xml", container="ListRecords")
    assert len(page.records) == len(before.records) - 1
    (bad,) = page.quarantined
    assert bad.reason == SAID and "1303.2033" in bad.text


@pytest.mark.parametrize("entry", [["", "", ""], ["  ", " ", ""], ["", "", "", "MIT"], [""]])
def test_the_snapshot_quarantines_a_line_with_a_nameless_parsed_author(
    entry: list[str], tmp_path: Path
) -> None:
    parsed = [["Streinu", "Ileana", ""], entry, ["Theran", "Louis", ""]]
    path = _snapshot(tmp_path, authors_parsed=parsed)
    assert _snapshot_reasons(path) == [(2, SAID)]  # before: loaded, Theran at position 2


def test_the_snapshot_quarantines_a_free_text_author_list_with_an_empty_entry(
    tmp_path: Path,
) -> None:
    path = _snapshot(tmp_path, authors="Ileana Streinu,, Louis Theran", authors_parsed=None)
    assert _snapshot_reasons(path) == [(2, SAID)]


def test_every_door_gives_one_reason(tmp_path: Path) -> None:
    parsed = [["Streinu", "Ileana", ""], ["", "", ""], ["Theran", "Louis", ""]]
    reasons = {
        "api": [r for _, r in _api_reasons(_atom("<author><name/></author>"))],
        "oai arXiv": _oai_reasons(_oai("<author><keyname/></author>")),
        "oai arXivRaw": _oai_reasons(_raw("Ileana Streinu, , Louis Theran")),
        "snapshot": [r for _, r in _snapshot_reasons(_snapshot(tmp_path, authors_parsed=parsed))],
    }
    assert reasons == {door: [SAID] for door in reasons}


@pytest.mark.parametrize(
    ("authors", "names"),
    [
        # a serial comma before "and" is one separator, not an empty entry
        (
            "A.A. Serga, M. Kostylev, and B. Hillebrands",
            ["A. A. Serga", "M. Kostylev", "B. Hillebrands"],  # as arXiv parsed 0704.0024
        ),
        # a separator closing the list lists nobody and moves nobody
        ("Ileana Streinu and Louis Theran,", ["Ileana Streinu", "Louis Theran"]),
        ("Ileana Streinu, Louis Theran, ", ["Ileana Streinu", "Louis Theran"]),
        # a footnote legend standing alone is affiliations, not an author
        (
            "A. Gould (1), S. Dorsher (2), ((1) Ohio State, (2) Caltech)",
            ["A. Gould", "S. Dorsher"],
        ),
        ("", []),
    ],
)
def test_what_is_no_empty_entry_still_reads(authors: str, names: list[str]) -> None:
    assert [a.name for a in split_author_string(authors)] == names
    page = parse_oai_response(_raw(authors), source="oai.xml", container="GetRecord")
    assert page.quarantined == ()
    (record,) = page.records
    assert record.record is not None and [a.name for a in record.record.authors] == names


def test_the_run_report_counts_the_nameless_author_record_the_store_lacks(tmp_path: Path) -> None:
    data = json.loads(LINES[0])
    data["authors_parsed"] = [["Streinu", "Ileana", ""], ["", "", ""], ["Theran", "Louis", ""]]
    path = tmp_path / "snapshot.jsonl"
    path.write_text("\n".join([json.dumps(data), *LINES[1:]]) + "\n", encoding="utf-8")
    (tmp_path / "store").mkdir()
    config = load_config(write_config(tmp_path / "store", []))
    report = load_snapshot(config, path, workers=0).report
    assert (report.records_read, report.records_loaded) == (100, 99)
    assert report.quarantined == [f"{path}:1: {SAID}"]
    assert report.outcome == "partial"
    assert [r.line for r in read_quarantined(config.quarantine_dir).records] == [1]  # kept
    prefix = Minter().base + "graph/arxiv/"
    graphs = {g for g in content(config) if g.startswith(prefix) and "/shacl" not in g}
    assert len(graphs) == 99 and prefix + "0704.0002" not in graphs
