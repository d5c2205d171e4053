"""``scholarkg export`` of the published dump publishes as a run does: it checks the manifest
against the store and drops the graphs gone from it (removed outside scholarkg). A person graph
among them is due again in the identity registry, and the export says so, as a run's close does
(before: the export dropped it from the manifest without a word, and no later run wrote it again:
a person graph removed behind scholarkg's back stayed gone for ever)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from building import content, rebuild, store_missing_a_person_graph
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.identity import registry as registry_module
from scholarkg.runs.state_paths import registry_path
from scholarkg.sqlite_in import StateConnection


def test_a_person_graph_an_export_finds_gone_is_written_again_by_the_next_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.txt"
    config, before, gone = store_missing_a_person_graph(tmp_path, page)
    capsys.readouterr()

    assert main(["export", "--config", str(tmp_path / "scholarkg.toml")]) == 0
    out = capsys.readouterr().out
    [warning] = [line for line in out.splitlines() if "gone from the store" in line]
    assert gone in warning and "1 person graphs are written again by the next run" in warning

    # CONSTRUCTED: the page again with another h-index, so the next run changes something
    page.write_bytes(SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118"))
    healed = rebuild(config)
    assert healed.outcome == "ok", healed.summary_lines()
    assert content(config)[gone] == before[gone], healed.summary_lines()


def test_a_registry_locked_by_another_process_is_one_line_and_found_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the identity registry in exclusive locking mode (as the
    ``sqlite3`` shell with ``PRAGMA locking_mode = EXCLUSIVE`` does): the export cannot even
    open it to mark the lost graphs' persons due again. That is one line naming the registry,
    nothing published; the next export, the lock gone, finds the graphs gone again (before:
    sqlite3's bare 'database is locked' out of ``Registry(...)``, a traceback)."""
    config, _, gone = store_missing_a_person_graph(tmp_path, tmp_path / "page.txt")
    capsys.readouterr()
    real = registry_module.connect_state

    def impatient(path: Path, what: str, **options: Any) -> StateConnection:
        """The registry's connection, waiting 50 ms for a lock (not SQLite's 30 s)."""
        return real(path, what, **(options | {"timeout": 0.05}))

    monkeypatch.setattr(registry_module, "connect_state", impatient)
    holder = sqlite3.connect(registry_path(config), isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("CREATE TABLE held (x)")  # a write: the lock held until closed
        holder.execute("COMMIT")
        code = main(["export", "--config", str(tmp_path / "scholarkg.toml")])
    finally:
        holder.close()
    monkeypatch.undo()

    out, err = capsys.readouterr()
    assert code == 1 and "gone from the store" not in out, out
    [line] = err.splitlines()
    assert line.startswith(f"error: {registry_path(config)}: not published: the identity"), err
    assert "database is locked" in line

    assert main(["export", "--config", str(tmp_path / "scholarkg.toml")]) == 0
    [warning] = [w for w in capsys.readouterr().out.splitlines() if "gone from the store" in w]
    assert gone in warning
