"""A ``[people]`` reference that names no person says what it names and why it cannot be
used (before: ``names nobody in the registry`` for each, a group's position, a position past
a listing's ``et al.``, a paper never loaded alike). Records CONSTRUCTED from a real snapshot
line (tests/constructed.py), the page the real sample profile."""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from constructed import snapshot_line
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.iris import Minter
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from snapshot_sample import snapshot

BOND = "BOND: Aligning LLMs with Best-of-N Distillation"


def test_a_groups_position_is_named_as_no_person(tmp_path: Path) -> None:
    line = snapshot_line(
        "0704.0002", authors=["The ATLAS Collaboration", "Louis Theran", "Ileana Streinu"]
    )
    refs = {"0704.0002#1": "0704.0002#2", "0704.0002|Ann Other": "0704.0002#3"}
    config = load_config(write_config(tmp_path, [], **{"people.merge": refs}))
    report = load_snapshot(config, snapshot(tmp_path, "g.jsonl", [line]), workers=0).report
    paper = Minter(config.iri_base).paper_by_arxiv("0704.0002")
    assert report.config_errors == [
        f"[people.merge] '0704.0002#1' names author 1 of {paper}, who is no person: a group (a"
        " collaboration or team, never a person) or an author the listing does not name (past"
        " 'et al.'); its persons are authors 2, 3, nothing to merge",
        f"[people.merge] '0704.0002|Ann Other' names nobody: {paper} lists no person named"
        " 'Ann Other' (its persons are authors 2, 3)",
    ]


def test_a_paper_not_loaded_is_said_to_be_none(tmp_path: Path) -> None:
    split = {"people.split": {"0704.0099#1": "someone"}}
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], **split))
    report = build(config).report
    assert report.config_errors == [
        "[people.split] '0704.0099#1' names no paper loaded so far (none is known as '0704.0099')"
    ]
