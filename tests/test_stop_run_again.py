"""``scholarkg run`` sent a second and a third signal while it stops: they change nothing, the
run still ends as the first asked, on its report, with nothing left running; a signal while
Prefect's engine, not the flow's body, runs ends it on one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import write_config
from processes import children
from samples import ROOT
from stopped_runs import (
    BOUND,
    KILLED_AT,
    STARTUP_BOUND,
    TERMINATED_BOUND,
    dripping_profile,
    start_run,
    still_running,
)

# between the signals: the race is tried at five spacings, and once with SIGINT
TRIES = [(signal.SIGTERM, gap) for gap in (0.0, 0.05, 0.1, 0.3, 0.6)] + [(signal.SIGINT, 0.1)]


@pytest.mark.parametrize(("sig", "gap"), TRIES, ids=[f"{s.name}-{g}" for s, g in TRIES])
def test_more_signals_while_a_run_stops_change_nothing(
    tmp_path: Path, sig: signal.Signals, gap: float
) -> None:
    """Three signals ``gap`` seconds apart while a source is still arriving: exit 143 (130 for
    SIGINT), one stop line, the report saying interrupted, no traceback, no child left.
    Before, the second raised ``KeyboardInterrupt`` wherever Prefect's engine was:
    ``interrupted`` and no report, and in some runs an end by SIGINT (exit -2)."""
    drip = dripping_profile()
    config = write_config(tmp_path, [drip.url], http={"read_timeout": 30.0, "min_interval": 0.0})
    process = start_run(config)
    try:
        assert drip.asked.wait(STARTUP_BOUND), "the run never fetched the page"
        spawned = children(process.pid)
        for _ in range(3):
            if process.poll() is None:
                process.send_signal(sig)
            time.sleep(gap)  # spacing only: nothing is asserted about time
        out, err = process.communicate(timeout=BOUND)
    finally:
        if process.poll() is None:
            process.kill()
        drip.stop()
    shown = err.decode(errors="replace")
    assert process.returncode == 128 + sig, shown
    assert shown.count("stopping (") == 1 and f"stopping ({sig.name})" in shown, shown
    assert "\ninterrupted\n" not in f"\n{shown}", shown
    assert "Traceback" not in shown + out.decode(errors="replace"), shown
    assert b"failed: interrupted" in out, (out, shown)
    assert not still_running(spawned)


def test_a_signal_while_prefects_engine_runs_ends_the_run_on_one_line(tmp_path: Path) -> None:
    """SIGTERM as the ``build_kg`` flow reads its configuration, where Prefect's own SIGTERM
    handler, not the body's, is in place: exit 143, ``interrupted: stop requested``, no
    traceback (before: Prefect's ``TerminationSignal`` traceback, exit 1)."""
    config = write_config(tmp_path, [ROOT / "examples" / "profiles" / "leonard-hussenot.txt"])
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    stopped = subprocess.run(
        [sys.executable, str(KILLED_AT), "scholarkg_flows.build_kg:load_run_config",
         "run", "--config", str(config)],
        capture_output=True, text=True, timeout=TERMINATED_BOUND, env=env | {"KILLED_BY": "TERM"},
    )  # fmt: skip
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert stopped.stderr.count("stopping (SIGTERM)") == 1, stopped.stderr
    assert stopped.stderr.rstrip().endswith("interrupted: stop requested"), stopped.stderr
    assert "Traceback" not in stopped.stderr + stopped.stdout, stopped.stderr
