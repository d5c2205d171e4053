"""A snapshot load killed in its identity step, after the store took the record graphs and before
the identity registry kept its decisions, then run again: the same store as one uninterrupted
load. Inputs are CONSTRUCTED: twelve real lines of the Kaggle sample (tests/constructed.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import scholarkg.runs.arxiv_jobs as arxiv_jobs
from building import content, rows
from conftest import write_config
from constructed import snapshot_line, snapshot_lines
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_jobs import load_snapshot
from scholarkg.runs.context import RunContext
from scholarkg.runs.loading import Loading

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
        patched.setattr(arxiv_jobs, "finish", killed_in_identity)
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
