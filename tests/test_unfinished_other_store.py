"""A run SIGKILLed into one store, then a run into another (the configuration switched
``[store] path``): the killed run's mark is kept for its store, the run into the other store
says so in one line, and the next run into the first store writes the killed run's record
(before: the run into the other store took the one mark and replaced it with its own, and the
first store's graphs named a run with no record, for ever)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.runs.build import build

# killed once the store holds the page's graphs, before the run's record
KILLED_AFTER_LOADING = """
import os, signal, sys
from scholarkg import incremental
from scholarkg.config import load_config
from scholarkg.runs.build import build
incremental.SourceStates.put = lambda self, states: os.kill(os.getpid(), signal.SIGKILL)
build(load_config(sys.argv[1]))
"""
RUNS = (
    "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT DISTINCT ?run ?outcome WHERE { GRAPH ?g { ?g prov:wasGeneratedBy ?run } "
    "OPTIONAL { GRAPH ?r { ?run skg:outcome ?outcome } } } ORDER BY ?run"
)
NAMING = (
    "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g "
    "<http://www.w3.org/ns/prov#wasGeneratedBy> ?run } }"
)


def runs(store: Path) -> dict[str, str | None]:
    """Each run the store's graphs name, with the outcome its record gives (None: no record)."""
    rows = ox.Store.read_only(str(store)).query(RUNS)
    assert isinstance(rows, ox.QuerySolutions)
    return {r["run"].value: None if r["outcome"] is None else r["outcome"].value for r in rows}  # type: ignore[union-attr]


def test_a_killed_runs_mark_waits_for_its_store(tmp_path: Path) -> None:
    path = write_config(tmp_path, [SAMPLE_PROFILE])
    first, other = tmp_path / "store", tmp_path / "other"
    text = path.read_text(encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_LOADING, str(path)], capture_output=True, timeout=600
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [run] = runs(first)
    assert runs(first) == {run: None}
    rows = ox.Store.read_only(str(first)).query(NAMING)
    assert isinstance(rows, ox.QuerySolutions)
    graphs = int(next(rows)["n"].value)  # type: ignore[union-attr]
    assert graphs > 0
    marks = tmp_path / "data" / "state" / "run-unfinished"
    [mark] = marks.iterdir()

    path.write_text(text.replace(f'"{first}"', f'"{other}"'), encoding="utf-8")
    elsewhere = build(load_config(path)).report
    assert elsewhere.outcome == "ok", elsewhere.summary_lines()
    assert elsewhere.notes == [
        f"run <{run}> into {first} did not finish (its mark: {mark}): the next run into that "
        "store writes its record and publishes it again"
    ]
    assert run not in runs(other)
    assert json.loads(mark.read_text(encoding="utf-8"))["run"] == run  # kept for its store

    path.write_text(text, encoding="utf-8")
    back = build(load_config(path)).report
    assert back.outcome == "ok", back.summary_lines()
    assert [n for n in back.notes if run in n] == [
        f"run <{run}> ended without a record (SIGKILL, a crash or the power lost): "
        f"{graphs} graphs name it; its record (outcome failed) and report written, and this "
        "run goes on from it"
    ]
    assert runs(first)[run] == "failed"  # before: None, for ever
    assert sorted(p.name for p in marks.iterdir()) == []  # both stores finished


def test_an_older_versions_one_mark_is_taken_by_the_next_run(tmp_path: Path) -> None:
    path = write_config(tmp_path, [SAMPLE_PROFILE])
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_LOADING, str(path)], capture_output=True, timeout=600
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    state = tmp_path / "data" / "state"
    [mark] = (state / "run-unfinished").iterdir()
    older = mark.replace(state / "run-unfinished.json")  # where an older version kept it
    [run] = runs(tmp_path / "store")
    report = build(load_config(path)).report
    assert report.outcome == "ok", report.summary_lines()
    assert [n for n in report.notes if run in n and "its record (outcome failed)" in n]
    assert runs(tmp_path / "store")[run] == "failed"
    assert not older.exists() and list((state / "run-unfinished").iterdir()) == []


def test_a_store_moved_with_its_data_directory_takes_its_killed_runs_mark(
    tmp_path: Path,
) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    path = write_config(before, [SAMPLE_PROFILE])
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_LOADING, str(path)], capture_output=True, timeout=600
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [run] = runs(before / "store")
    shutil.move(before, after)  # store and data directory together: the store's key changes
    report = build(load_config(write_config(after, [SAMPLE_PROFILE]))).report
    assert report.outcome == "ok", report.summary_lines()
    # before: "run <…> into …/before/store did not finish …", and its record never written
    assert [n for n in report.notes if run in n and "its record (outcome failed)" in n]
    assert runs(after / "store")[run] == "failed"
    assert list((after / "data" / "state" / "run-unfinished").iterdir()) == []
    assert len(report.published) > 0  # published again
