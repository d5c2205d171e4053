"""The DOI field of an arXiv record as DOIs: several at white space, a suffix typed after a
space, ``doi:`` / ``https://doi.org/`` written before one, invisible characters, a prefix with
no suffix (CONSTRUCTED fields on the first real record of the snapshot sample). Before,
``10.1007/ s00373-008-0834-4`` stored the DOI ``10.1007/`` and linked ``https://doi.org/10.1007/``
as the paper, and ``doi:10.1/a`` gave no DOI."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from building import content
from conftest import write_config
from samples import ROOT
from scholarkg.config import load_config
from scholarkg.extract.snapshot import SnapshotReader
from scholarkg.iris import doi_iri
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.transform.arxiv import dois

LINE = json.loads(
    (ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl")
    .open(encoding="utf-8")
    .readline()
)
DOI = "10.1007/s00373-008-0834-4"  # the DOI of 0704.0002 (the sample has none for it)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (DOI, [DOI]),
        (f"{DOI} 10.1000/second", [DOI, "10.1000/second"]),
        ("10.1007/ s00373-008-0834-4", [DOI]),  # a space typed after the slash
        ("10.1007 /s00373-008-0834-4", [DOI]),
        (f"doi:{DOI}", [DOI]),
        (f"DOI:{DOI} https://doi.org/10.1000/second", [DOI, "10.1000/second"]),
        (f"http://dx.doi.org/{DOI}", [DOI]),
        ("10.1007/s00373\u200b-008-0834-4\ufeff", [DOI]),
        ("10.1007/", []),  # a registrant's prefix is no DOI
        ("10.1007", []),
        ("10./x", []),
        (f"{DOI} (erratum)", [DOI]),
        ("see the journal", []),
        ("", []),
    ],
)
def test_a_doi_field_reads_as_its_dois(field: str, expected: list[str], tmp_path: Path) -> None:
    path = tmp_path / "line.jsonl"
    path.write_text(json.dumps(LINE) + "\n", encoding="utf-8")
    (record,) = SnapshotReader(path)
    assert dois(dataclasses.replace(record, doi=field)) == expected


@pytest.mark.parametrize(
    "hidden", ["\u200b", "\u00ad", "\u200e", "\u202a", "\u2066", "\U000e0041", "\ufe0f", "\u034f"]
)
def test_a_doi_with_a_hidden_character_is_the_clean_doi(hidden: str, tmp_path: Path) -> None:
    """A character no one sees (identity.invisible's one rule) is no part of a DOI: the same
    DOI and DOI IRI as the clean field. Before: only a zero-width space, joiner, word joiner or
    BOM was dropped; a soft hyphen or a bidi mark kept, ``https://doi.org/10.1007/s00373%C2%AD…``
    linked as another work."""
    path = tmp_path / "line.jsonl"
    path.write_text(json.dumps(LINE) + "\n", encoding="utf-8")
    (record,) = SnapshotReader(path)
    field = f"{hidden}10.1007/s00373{hidden}-008-0834-4{hidden}"
    found = dois(dataclasses.replace(record, doi=field))
    assert found == [DOI]
    assert [doi_iri(d) for d in found] == [doi_iri(DOI)]


def test_a_suffix_after_a_space_is_stored_and_linked_as_one_doi(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.jsonl"
    path.write_text(json.dumps(dict(LINE, doi="doi:10.1007/ s00373-008-0834-4")) + "\n")
    config = load_config(write_config(tmp_path, []))
    report = load_snapshot(config, path, workers=0).report
    assert (report.records_loaded, report.quarantined) == (1, [])
    paper = content(config)["https://w3id.org/scholarkg/id/graph/arxiv/0704.0002"]
    stated = {(p, o) for _, p, o in paper if p.endswith("#doi>") or "doi.org" in o}
    assert stated == {
        ("<https://w3id.org/scholarkg/ontology#doi>", f'"{DOI}"'),
        ("<http://www.w3.org/2002/07/owl#sameAs>", f"<https://doi.org/{DOI}>"),
    }
