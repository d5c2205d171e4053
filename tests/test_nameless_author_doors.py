"""An author listed without a name gets one verdict through every arXiv door.

DERIVED from record 0704.0002 as the three doors carry it (tests/fixtures/arxiv/derived, the
snapshot sample's line 1), with an author slot that has no name put between its two authors.
Before, the API quarantined the entry while OAI-PMH and the snapshot dropped the author silently,
so Louis Theran, listed third, was stored at position 2. Now every door quarantines the record
with one reason naming the position, and the run report counts what the store does not hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from building import content
from conftest import write_config
from door_authors import (
    FIXTURES,
    api_reasons,
    atom_with,
    lines_with,
    oai_reasons,
    oai_with,
    raw_with,
    snapshot_reasons,
    whole_snapshot_with,
)
from scholarkg.config import load_config
from scholarkg.extract.arxiv_authors import split_author_string
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.iris import Minter
from scholarkg.quarantine import read_quarantined
from scholarkg.runs.arxiv_snapshot import load_snapshot

OAI_DC = (
    FIXTURES / "oai" / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
).read_bytes()
SAID = "author 2 has no name"


@pytest.mark.parametrize(
    "author", ["<author><name/></author>", "<author><name>  </name></author>", "<author/>"]
)
def test_the_api_quarantines_an_entry_with_a_nameless_author(author: str) -> None:
    # before: "author without a name", which said not which one
    assert api_reasons(atom_with(author)) == [(10, SAID)]


@pytest.mark.parametrize(
    "author",
    [
        "<author><keyname/></author>",
        "<author><keyname> </keyname><forenames/></author>",
        "<author><affiliation>MIT</affiliation></author>",
    ],
)
def test_oai_arxiv_format_quarantines_a_record_with_a_nameless_author(author: str) -> None:
    assert oai_reasons(oai_with(author)) == [SAID]  # before: loaded, Theran at position 2


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
    assert oai_reasons(raw_with(authors)) == [said]  # before: loaded, Theran at position 2


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
    path = lines_with(tmp_path, authors_parsed=parsed)
    assert snapshot_reasons(path) == [(2, SAID)]  # before: loaded, Theran at position 2


def test_the_snapshot_quarantines_a_free_text_author_list_with_an_empty_entry(
    tmp_path: Path,
) -> None:
    path = lines_with(tmp_path, authors="Ileana Streinu,, Louis Theran", authors_parsed=None)
    assert snapshot_reasons(path) == [(2, SAID)]


def test_every_door_gives_one_reason(tmp_path: Path) -> None:
    parsed = [["Streinu", "Ileana", ""], ["", "", ""], ["Theran", "Louis", ""]]
    reasons = {
        "api": [r for _, r in api_reasons(atom_with("<author><name/></author>"))],
        "oai arXiv": oai_reasons(oai_with("<author><keyname/></author>")),
        "oai arXivRaw": oai_reasons(raw_with("Ileana Streinu, , Louis Theran")),
        "snapshot": [r for _, r in snapshot_reasons(lines_with(tmp_path, authors_parsed=parsed))],
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
    page = parse_oai_response(raw_with(authors), source="oai.xml", container="GetRecord")
    assert page.quarantined == ()
    (record,) = page.records
    assert record.record is not None and [a.name for a in record.record.authors] == names


def test_the_run_report_counts_the_nameless_author_record_the_store_lacks(tmp_path: Path) -> None:
    path = whole_snapshot_with(
        tmp_path, authors_parsed=[["Streinu", "Ileana", ""], ["", "", ""], ["Theran", "Louis", ""]]
    )
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
