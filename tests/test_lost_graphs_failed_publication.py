"""A publication that fails after it found graphs gone from the store (a dump or ``void.ttl``
that cannot be written) still has their persons due again: the manifest no longer records those
graphs once reconciled, so the next run would not find them missing (before: the registry was
told only when the publication returned, and a person graph dropped outside scholarkg was never
written again).

The refused write is a folder where the file goes (the publication's error), or a full disk
that refuses ``void.ttl`` (tests/small_disk.py: needs root, skipped without it)."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from building import content, rebuild, store_missing_a_person_graph
from samples import SAMPLE_PROFILE
from scholarkg.config import Config
from scholarkg.export import default_filename
from scholarkg.runs import close
from scholarkg.runs.context import RunContext
from scholarkg.runs.state_paths import registry_path
from small_disk import fill, small_data_dir


def _refused(config: Config, which: str) -> Path:
    if which == "N-Quads dump":
        return config.exports_dir / default_filename("nq")
    return config.data_dir / "void.ttl"


@pytest.mark.parametrize("which", ["void.ttl", "N-Quads dump", "a full disk"])
def test_a_person_graph_lost_before_a_failed_publication_is_written_again(
    tmp_path: Path, which: str
) -> None:
    with contextlib.ExitStack() as disk:
        if which == "a full disk":
            disk.enter_context(small_data_dir(tmp_path / "data", tmp_path / "roomy", "1m"))
        _lost_then_refused(tmp_path, which)


def _lost_then_refused(tmp_path: Path, which: str) -> None:
    page = tmp_path / "page.txt"
    config, before, gone = store_missing_a_person_graph(tmp_path, page)
    # CONSTRUCTED: the page again with another h-index, so the run changes something
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118"))
    refused = _refused(config, which)
    if which == "a full disk":
        fill(config.data_dir)
    else:
        refused.unlink(missing_ok=True)
        refused.mkdir()  # the file cannot be written there
    failed = rebuild(config)
    assert failed.outcome == "partial", failed.summary_lines()
    assert any(str(refused) in line for line in failed.summary_lines()), failed.summary_lines()
    [warning] = [w for w in failed.warnings if "gone from the store" in w]
    assert gone in warning and "1 person graphs are written again by the next run" in warning

    if which == "a full disk":
        (config.data_dir / "filler").unlink()
    else:
        shutil.rmtree(refused)
    healed = rebuild(config)
    assert healed.outcome == "ok", healed.summary_lines()
    assert gone in content(config), healed.summary_lines()
    assert content(config)[gone] == before[gone]


def test_lost_graphs_not_acted_on_are_the_reported_failure_and_found_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The identity registry refuses to mark the lost graphs' persons due again (another
    process holds it locked): that error is the one the run reports, in one line naming the
    registry, with nothing published; the manifest still records the graphs, so the next run
    finds them gone again and writes the person graph again (before: sqlite3's bare
    'database is locked' out of the run, a traceback and no report)."""
    page = tmp_path / "page.txt"
    config, before, gone = store_missing_a_person_graph(tmp_path, page)
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118"))
    real = close._missing
    holders: list[sqlite3.Connection] = []

    def locked_out(ctx: RunContext, graphs: Sequence[str]) -> None:
        """The real step, once another connection holds the registry (the run's own
        waits 50 ms for it, not SQLite's 30 s)."""
        ctx.registry.commit()  # what the run wrote so far is kept
        ctx.registry.db.execute("PRAGMA busy_timeout = 50")
        holder = sqlite3.connect(ctx.registry.path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        holders.append(holder)
        real(ctx, graphs)

    monkeypatch.setattr(close, "_missing", locked_out)
    try:
        failed = rebuild(config)
    finally:
        for holder in holders:
            holder.close()
    monkeypatch.undo()
    assert holders and failed.outcome == "partial", failed.summary_lines()
    [(stage, line)] = failed.failures
    assert stage == "after loading" and "\n" not in line
    assert line.startswith(f"{registry_path(config)}: not published: the identity registry"), line
    assert "database is locked" in line and failed.published == []
    assert not [w for w in failed.warnings if "gone from the store" in w]

    healed = rebuild(config)  # found gone again: the person is due again, then written
    assert healed.outcome == "ok", healed.summary_lines()
    [warning] = [w for w in healed.warnings if "gone from the store" in w]
    assert gone in warning
    again = rebuild(config)
    assert again.outcome == "ok", again.summary_lines()
    assert content(config)[gone] == before[gone]
