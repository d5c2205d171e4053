"""SIGTERM while the identity step decides a long profile's authorships ends the run within a
bounded number of decisions, the page's restatement undone, and the next run completes it.

The input is CONSTRUCTED (tests/constructed.py's page in the sample's layout): 1 200 papers by
the profile's researcher and the same two co-authors, distinct titles and dates (the middle one
with one more co-author, where the stop is asked for); arXiv is off.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conftest import write_config
from constructed import Listed, profile_page
from scholarkg import lifecycle
from scholarkg.config import load_config
from scholarkg.runs import identity_step
from scholarkg.runs.build import build
from scholarkg.runs.state_paths import registry_path
from stopped_runs import run_terminated_at

PAPERS = 1200
AUTHORS = ("Jane Doe", "John Roe", "Mary Major")
MIDDLE = "Zed Quinn"  # the middle paper's extra co-author


def decisions(config: Path) -> tuple[int, int]:
    """The registry's decided authorships, and the persons they name."""
    with sqlite3.connect(registry_path(load_config(config))) as db:
        decided, persons = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT person) FROM mentions"
        ).fetchone()
        return int(decided), int(persons)


def test_sigterm_in_the_identity_step_stops_the_run_before_it_decides_every_authorship(
    tmp_path: Path,
) -> None:
    day = dt.date(2000, 1, 1)
    papers = [
        Listed(f"Constructed paper number {n}", day + dt.timedelta(days=n), AUTHORS, code="LG")
        for n in range(PAPERS)
    ]
    papers[PAPERS // 2] = replace(papers[PAPERS // 2], authors=(*AUTHORS, MIDDLE))
    page = tmp_path / "jane.txt"
    page.write_bytes(profile_page("Jane Doe", papers, code="LG"))
    config = write_config(tmp_path, [page])
    # SIGTERM once the middle paper's authorships are being decided (the call goes on)
    hook = f"scholarkg.identity.resolver:IdentityResolver._spelled_first:{MIDDLE}"
    run_terminated_at(hook, config)
    # before: every one of the page's authorships was decided before the stop was seen (and
    # kept); seen mid-way, it undoes the page's restatement whole: none is kept
    assert decisions(config) == (0, 0)
    done = build(load_config(config)).report
    assert done.outcome == "ok", done.summary_lines()
    assert done.papers == PAPERS
    assert decisions(config) == (PAPERS * len(AUTHORS) + 1, len(AUTHORS) + 1)


def test_a_stop_between_two_batches_of_person_graphs_made_in_this_process_ends_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build has no worker processes: its person graphs are made here, batch by batch (one
    person a batch below), and a stop asked for during the first batch ends the run before the
    second; the persons stay due, and the next run writes them all."""
    day = dt.date(2000, 1, 1)
    papers = [
        Listed(f"Constructed paper number {n}", day, ("Jane Doe", f"Co Author{chr(65 + n)}"))
        for n in range(4)
    ]
    page = tmp_path / "jane.txt"
    page.write_bytes(profile_page("Jane Doe", papers))
    config = write_config(tmp_path, [page])
    made = identity_step.person_graphs
    batches: list[int] = []

    def stop_in_first(records: Any, iri_base: str) -> Any:
        batches.append(len(records))
        lifecycle.STOP.set()  # as SIGTERM's handler does
        return made(records, iri_base)

    with monkeypatch.context() as patched:
        patched.setattr(identity_step, "BATCH", 1)
        patched.setattr(identity_step, "person_graphs", stop_in_first)
        try:
            stopped = build(load_config(config)).report
        finally:
            lifecycle.STOP.clear()
    assert stopped.interrupted is not None, stopped.summary_lines()
    assert batches == [1]  # before: every person's batch was made (5) before the stop was seen
    done = build(load_config(config)).report
    assert done.outcome == "ok", done.summary_lines()
    assert done.persons_new == len(papers) + 1
