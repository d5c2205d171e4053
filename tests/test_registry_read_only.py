"""An identity registry the run may not write (immutable: ``chattr +i``, which binds root as
well; ``chmod 444`` does not, and the tests run as root, where ``os.access`` says writable):
the run stops as on a full disk, its report's error one line naming the registry, none of its
decisions kept; writable again, the next run builds (before: sqlite3's bare 'attempt to write
a readonly database' out of the run, a traceback naming no file, and no report)."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import load_config
from scholarkg.runs.build import build
from scholarkg.runs.state_paths import registry_path


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``path`` made immutable inside (skipped where the file system has no such flag)."""
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i refused here: {made.stderr!r}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True, timeout=60)


def test_a_registry_the_run_may_not_write_stops_it_in_one_line(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    assert build(config).report.outcome == "ok"
    registry = registry_path(config)
    with closing(sqlite3.connect(registry)) as db:  # its log folded in: one file to freeze
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for part in registry.parent.glob(registry.name + "-*"):
        part.unlink()
    before = registry.read_bytes()
    more = load_config(write_config(tmp_path, [SAMPLE_PROFILE, SECOND_PROFILE]))

    with immutable(registry):
        stopped = build(more).report
    assert stopped.outcome == "failed", stopped.summary_lines()
    assert stopped.run_error is not None and "\n" not in stopped.run_error
    assert stopped.run_error.startswith(
        f"{registry}: cannot write the identity registry: attempt to write a readonly database"
    )
    assert stopped.sources_built == []
    assert registry.read_bytes() == before

    again = build(more).report
    assert again.outcome == "ok", again.summary_lines()
    assert again.sources_built == [str(SECOND_PROFILE)]
