"""Run by Python at the start of every process whose ``PYTHONPATH`` holds this folder (and of
the processes those start, which inherit it): with ``KILLED_AT=<point>`` in the environment,
the function ``<point>`` names is hooked as ``helpers/killed_at.py <point>`` hooks it (its
``KILLED_BY``), in a process a test does not start itself — the flow run Prefect's runner
starts for a served deployment. With ``KILLED_IN=workers`` too, only in the run's worker
processes (started by multiprocessing's ``spawn``), not in the run itself."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

_POINT = os.environ.get("KILLED_AT")
if _POINT and os.environ.get("KILLED_IN") == "workers":
    _POINT = _POINT if b"spawn_main" in Path("/proc/self/cmdline").read_bytes() else None
if _POINT:
    _SPEC = importlib.util.spec_from_file_location(
        "killed_at", Path(__file__).parents[1] / "killed_at.py"
    )
    assert _SPEC is not None and _SPEC.loader is not None
    _MODULE = importlib.util.module_from_spec(_SPEC)
    _SPEC.loader.exec_module(_MODULE)
    _MODULE.install(_POINT)
