"""A run whose identity registry another process holds in exclusive locking mode (as the
``sqlite3`` shell with ``PRAGMA locking_mode = EXCLUSIVE`` does) stops in one line naming the
registry, which is left as it was; the next run, the lock gone, builds (before: sqlite3's bare
'database is locked' out of the run, a traceback naming no file). The holder is a second
process; SQLite's wait for it is cut to 50 ms (not 30 s)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from building import content
from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.errors import StateInUse
from scholarkg.identity import registry as registry_module
from scholarkg.identity.registry import Registry
from scholarkg.runs import identity_opening
from scholarkg.runs.build import build
from scholarkg.runs.state_paths import registry_path
from scholarkg.sqlite_in import StateConnection

HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA locking_mode = EXCLUSIVE")
db.execute("BEGIN EXCLUSIVE")  # in exclusive locking mode, held past the commit, until closed
db.execute("COMMIT")
print("held", flush=True)
sys.stdin.read()  # until the test closes its input
"""


def test_a_registry_another_process_holds_locked_stops_the_run_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    assert build(config).report.outcome == "ok"
    registry = registry_path(config)
    more = load_config(write_config(tmp_path, [SAMPLE_PROFILE, SECOND_PROFILE]))  # builds one
    before = registry.read_bytes()
    real = registry_module.connect_state

    def impatient(path: Path, what: str, **options: Any) -> StateConnection:
        return real(path, what, **(options | {"timeout": 0.05}))

    monkeypatch.setattr(registry_module, "connect_state", impatient)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(registry)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(StateInUse) as caught:
            build(more)
    finally:
        holder.communicate("", timeout=60)
    monkeypatch.undo()

    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{registry}: cannot use the identity registry: database is")
    assert "another process holds it locked" in message

    assert registry.read_bytes() == before  # left as it was
    again = build(more).report  # the lock gone
    assert again.outcome == "ok", again.summary_lines()
    assert str(SECOND_PROFILE) in again.sources_built


WRITER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")  # a write transaction held open (the default locking mode)
print("held", flush=True)
sys.stdin.read()  # until the test closes its input
db.execute("ROLLBACK")
"""


def _tables(path: Path, names: tuple[str, ...] = ()) -> list[str]:
    """The registry's rows (of the tables ``names``, else all), as SQL (read once no other
    process holds it)."""
    with closing(sqlite3.connect(path)) as db:
        dumped = list(db.iterdump())
    return [line for line in dumped if not names or line.startswith(_inserts(names))]


def _inserts(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f'INSERT INTO "{name}"' for name in names)


def _timeless(config: Config) -> dict[str, set[tuple[str, str, str]]]:
    """The store's data graphs without their times (profile metrics observed, snapshots taken:
    the run's clock, never the same in two builds)."""
    return {
        graph: {t for t in triples if not t[2].endswith("XMLSchema#dateTime>")}
        for graph, triples in content(config).items()
    }


def test_a_registry_another_process_locks_after_the_run_opened_it_stops_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process takes the write lock on the identity registry after the run opened it:
    the run's next statement on it (past SQLite's wait, cut to 50 ms) stops the run in the
    same one line naming the registry as a lock found at its opening, nothing of this run's
    decisions kept; the next run, the lock gone, ends as one never stopped (before: sqlite3's
    bare 'database is locked' from the write, a traceback naming no file)."""
    for place in ("locked", "clean"):
        (tmp_path / place).mkdir()
    config = load_config(write_config(tmp_path / "locked", [SAMPLE_PROFILE]))
    assert build(config).report.outcome == "ok"
    registry = registry_path(config)
    more = load_config(write_config(tmp_path / "locked", [SAMPLE_PROFILE, SECOND_PROFILE]))
    before = _tables(registry)
    real = identity_opening.registry_at
    holders: list[subprocess.Popen[str]] = []

    def then_locked(path: Path) -> Registry:
        """The real registry, whose write lock another process takes as soon as it is open."""
        opened = real(path)
        holder = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        holders.append(holder)
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        return opened

    monkeypatch.setattr(registry_module, "BUSY_WAIT", 0.05)
    monkeypatch.setattr(identity_opening, "registry_at", then_locked)
    try:
        with pytest.raises(StateInUse) as caught:
            build(more)
    finally:
        for holder in holders:
            holder.communicate("", timeout=60)
    monkeypatch.undo()

    assert len(holders) == 1
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{registry}: cannot use the identity registry: database is")
    assert "another process holds it locked" in message
    assert _tables(registry) == before  # no decision of the stopped run kept

    again = build(more).report
    assert again.outcome == "ok", again.summary_lines()
    assert str(SECOND_PROFILE) in again.sources_built
    clean = load_config(write_config(tmp_path / "clean", [SAMPLE_PROFILE]))
    assert build(clean).report.outcome == "ok"
    clean_more = load_config(write_config(tmp_path / "clean", [SAMPLE_PROFILE, SECOND_PROFILE]))
    assert build(clean_more).report.outcome == "ok"
    assert _timeless(more) == _timeless(clean_more)
    decisions = ("persons", "mentions", "merges")
    assert _tables(registry, decisions) == _tables(registry_path(clean_more), decisions)
