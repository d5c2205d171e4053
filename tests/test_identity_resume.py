"""A run killed after the store took its graphs and before the identity registry kept its
decisions, then run again: the same store as one uninterrupted run. Inputs are CONSTRUCTED
(tests/constructed.py): twelve real lines of the Kaggle sample, a profile page in the sample's
layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import scholarkg.runs.arxiv_snapshot as arxiv_snapshot
from building import content, rows
from conftest import write_config
from constructed import Listed, profile_page, snapshot_line, snapshot_lines
from scholarkg.config import Config, load_config
from scholarkg.incremental import SourceState, SourceStates
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from scholarkg.runs.context import RunContext
from scholarkg.runs.loading import Loading

DAY = dt.date(2024, 3, 1)
GRAPHS = Listed("Constructed paper on graphs", DAY, ("Jane Doe", "John Roe"), code="LG")
TREES = Listed("Constructed paper on trees", DAY, ("Jane Doe", "Mary Major"), code="LG")
DANGLING = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT ?a WHERE { ?a skg:author ?p FILTER NOT EXISTS { ?x skg:hasAuthorship ?a } }"
)
TWO_AUTHORS = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT ?a WHERE { ?a skg:author ?p , ?q FILTER (?p != ?q) }"
)
PERSONS = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a skg:Person }"
)


class Killed(BaseException):
    """The process ends here: nothing after it runs, nothing uncommitted is kept."""


def killed_in_identity(ctx: RunContext, loading: Loading, ingest: object) -> None:
    """The run's ``finish`` cut short the way a SIGKILL in the identity step leaves it: the
    loader has put the record graphs (and their chunks) in the store; the registry's decisions
    of this run are not committed (the run context drops them on the way out)."""
    loading.close()
    raise Killed


def snapshot_dir(tmp_path: Path, name: str) -> Config:
    directory = tmp_path / name
    directory.mkdir()
    lines = [snapshot_line(i) for i in list(snapshot_lines())[:12]]
    (directory / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(write_config(directory, []))


def test_a_load_killed_in_its_identity_step_resumes_to_the_same_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = snapshot_dir(tmp_path, "whole")
    load_snapshot(whole, whole.data_dir.parent / "s.jsonl", workers=0, chunk_records=2)
    killed = snapshot_dir(tmp_path, "killed")
    path = killed.data_dir.parent / "s.jsonl"
    with monkeypatch.context() as patched:
        patched.setattr(arxiv_snapshot, "finish", killed_in_identity)
        with pytest.raises(Killed):
            load_snapshot(killed, path, workers=0, chunk_records=2)
    assert int(rows(killed, PERSONS)[0]["n"]) == 0  # records loaded, no person yet
    report = load_snapshot(killed, path, workers=0, chunk_records=2).report
    assert report.outcome == "ok", report.summary_lines()
    # before: every chunk was skipped as loaded, its authorships never decided: no persons
    assert int(rows(killed, PERSONS)[0]["n"]) == int(rows(whole, PERSONS)[0]["n"]) > 0
    assert content(killed) == content(whole)
    again = load_snapshot(killed, path, workers=0, chunk_records=2).report
    assert "6 chunks unchanged since the last run (skipped)" in again.notes


def test_a_build_killed_once_its_profile_is_remembered_keeps_its_decisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CONSTRUCTED: a profile page in the sample's layout, two papers arXiv is not asked about
    page = tmp_path / "jane.txt"
    page.write_bytes(profile_page("Jane Doe", [GRAPHS, TREES], code="LG"))
    config = load_config(write_config(tmp_path, [page]))
    real = SourceStates.put

    def remembered_then_killed(states: SourceStates, built: list[SourceState]) -> None:
        real(states, built)  # the page is noted as built: the next run finds it unchanged
        raise Killed

    with monkeypatch.context() as patched:
        patched.setattr(SourceStates, "put", remembered_then_killed)
        with pytest.raises(Killed):
            build(config)
    assert build(config).report.sources_unchanged == [str(page)]
    page.write_bytes(profile_page("Jane Doe", [GRAPHS], code="LG"))  # the page drops "trees"
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    # before: the registry had lost the first build's decisions: the changed page was a new
    # profile, its researcher a second "Jane Doe" beside the first at one authorship, and Mary
    # Major kept an authorship of a paper the page no longer lists (4 persons)
    assert rows(config, DANGLING) == []
    assert int(rows(config, PERSONS)[0]["n"]) == 2
    assert rows(config, TWO_AUTHORS) == []
    assert sum(e.startswith("withdrawn:") for e in report.identity_events) == 2
