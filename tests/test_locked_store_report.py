"""A run whose store another process holds: its report says no profile was built, the profile's
graphs kept for the next run, and its summary and JSON report agree with the store (before: the
summary said ``profiles: 1 built`` while every graph of the profile waited in the outbox). Nor
does it claim new persons: their decisions are kept only once the store holds their graphs
(before: ``identity: 44 new persons`` though the registry dropped them, and the next run counted
the same 44 again)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore


def test_a_run_on_a_locked_store_says_its_profile_was_kept_not_built(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    with EmbeddedStore(tmp_path / "store"):  # another writer holds the store
        report = build(config).report
    assert report.outcome == "failed" and report.store_error and report.kept > 2
    assert report.sources_built == []
    assert report.sources_kept == [str(SAMPLE_PROFILE)]
    lines = report.summary_lines()
    assert (
        "profiles: 0 built, 1 not loaded (their graphs kept for the next run), "
        "0 unchanged (skipped), 0 failed"
    ) in lines, lines
    assert report.persons_new == 0 and any(
        line.startswith("identity: 0 new persons") for line in lines
    ), lines
    [written] = (tmp_path / "data" / "reports").glob("*.json")
    saved = json.loads(written.read_text(encoding="utf-8"))
    assert saved["sources_built"] == [] and saved["sources_kept"] == [str(SAMPLE_PROFILE)]
    assert saved["persons_new"] == 0
    with EmbeddedStore(tmp_path / "store", read_only=True) as store:
        assert not store.graph_names()  # what the report says: nothing of it loaded

    again = build(config).report  # the lock released: the kept graphs load, the page is built
    assert again.outcome == "ok", again.summary_lines()
    assert again.sources_kept == []
    assert "profiles: 1 built, 0 unchanged (skipped), 0 failed" in again.summary_lines()
    assert again.persons_new == 44  # counted once, by the run that kept them
