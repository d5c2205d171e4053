"""The endless query the stop tests send (:data:`ENDLESS`) and the worker process that opened a
store (:func:`store_worker`): shared by test_query_stop.py, test_query_time_limit.py and
test_pool_parent_killed.py."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from polls import within
from processes import descendants

# Four copies of every quad joined: no answer for as long as anyone waits.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def store_worker(command: subprocess.Popen[Any], store: Path) -> int | None:
    """The worker of ``command``: a process under its forkserver that has opened ``store``
    (None if none did within two minutes, or ``command`` ended first)."""
    found: list[int] = []

    def settled() -> bool:  # ended, or a worker found
        if command.poll() is not None:
            return True
        for pid in descendants(command.pid):
            try:
                opened = {os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()}
            except OSError:
                continue
            if any(path.startswith(str(store)) for path in opened):
                found.append(pid)
                return True
        return False

    within(settled, 120, every=0.1)
    return found[0] if found else None
