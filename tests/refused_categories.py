"""A bad snapshot, the snapshot sample (tests/snapshot_sample.py) with every tenth line's
category one the shapes refuse (:func:`bad_snapshot`: :data:`BAD` rejected graphs), and the
CLI that loads it, cut where helpers/killed_at.py is told (:func:`scholarkg`). Shared by
test_quarantine_graphs.py, test_quarantine_reruns.py and test_killed_run_quarantine.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from snapshot_sample import SNAPSHOT

HELPER = Path(__file__).parent / "helpers" / "killed_at.py"
BOUND = 600  # only catches a hang
BAD = 10  # every tenth line of the snapshot has a category the shapes refuse


def bad_snapshot(path: Path) -> Path:
    """The bad snapshot, written to ``path``."""
    lines = []
    for number, line in enumerate(SNAPSHOT.read_text(encoding="utf-8").splitlines()):
        data = json.loads(line)
        if number % 10 == 0:
            data["categories"] += " Not!ACategory"
        lines.append(json.dumps(data))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scholarkg(*args: str, killed_at: str | None = None) -> subprocess.CompletedProcess[str]:
    """``scholarkg *args`` in a child process, SIGKILLed at ``killed_at`` if given."""
    command = [str(HELPER), killed_at] if killed_at else ["-m", "scholarkg.cli"]
    return subprocess.run(
        [sys.executable, *command, *args], capture_output=True, text=True, timeout=BOUND
    )
