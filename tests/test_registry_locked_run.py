"""A run whose identity registry another process holds in exclusive locking mode (as the
``sqlite3`` shell with ``PRAGMA locking_mode = EXCLUSIVE`` does) stops in one line naming the
registry, which is left as it was; the next run, the lock gone, builds (before: sqlite3's bare
'database is locked' out of the run, a traceback naming no file). The holder is a second
process; SQLite's wait for it is cut to 50 ms (not 30 s)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import load_config
from scholarkg.errors import StateInUse
from scholarkg.identity import registry as registry_module
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
    assert message.startswith(f"{registry}: cannot open the identity registry: database is")
    assert "another process holds it locked" in message

    assert registry.read_bytes() == before  # left as it was
    again = build(more).report  # the lock gone
    assert again.outcome == "ok", again.summary_lines()
    assert str(SECOND_PROFILE) in again.sources_built
