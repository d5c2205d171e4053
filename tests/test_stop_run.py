"""``scholarkg run`` stops cleanly on SIGTERM or SIGINT while a source is still arriving, and
a SIGKILL of it takes its temporary Prefect API with it."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from conftest import write_config
from polls import until
from processes import alive, children
from samples import ROOT
from scholarkg.config import load_config
from stopped_runs import BOUND, STARTUP_BOUND, dripping_profile, start_run, still_running
from store_contents import held_quads


def test_sigkill_of_a_run_takes_its_temporary_prefect_api_with_it(tmp_path: Path) -> None:
    drip = dripping_profile()
    config = write_config(tmp_path, [drip.url], http={"read_timeout": 30.0, "min_interval": 0.0})
    process = start_run(config)
    try:
        assert drip.asked.wait(STARTUP_BOUND), "the run never fetched the page"
        servers = [pid for pid in children(process.pid) if b"temporary_api_server" in _cmdline(pid)]
        assert len(servers) == 1, "the run's temporary Prefect API is its own child"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=BOUND)
        until(
            lambda: not alive(servers[0]), "the temporary Prefect API outlived the run", BOUND, 0.1
        )
    finally:
        if process.poll() is None:
            process.kill()
        drip.stop()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_scholarkg_run_cleanly_and_the_next_run_completes(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """``scholarkg run`` stopped while one source is still arriving: one line saying so, a
    report that says interrupted, no traceback, nothing left running (the temporary Prefect
    API included), and the next run builds what was asked."""
    drip = dripping_profile()
    sample = ROOT / "examples" / "profiles" / "leonard-hussenot.txt"
    config = write_config(
        tmp_path, [sample, drip.url], http={"read_timeout": 30.0, "min_interval": 0.0}
    )
    process = start_run(config)
    try:
        assert drip.asked.wait(STARTUP_BOUND), "the run never fetched the page"
        spawned = children(process.pid)
        process.send_signal(sig)
        out, err = process.communicate(timeout=BOUND)
    finally:
        if process.poll() is None:
            process.kill()
        drip.stop()
    assert process.returncode == 128 + sig, (out, err)  # 130 for SIGINT, 143 for SIGTERM
    assert f"stopping ({sig.name})".encode() in err, err
    assert b"Traceback" not in err + out, err
    assert b"failed: interrupted" in out, out
    assert not still_running(spawned)
    [report] = (tmp_path / "data" / "reports").glob("build-*.json")
    stopped = json.loads(report.read_text())
    assert stopped["interrupted"]
    wrote = [stopped[k] for k in ("triples_added", "provenance_triples", "report_triples")]
    assert sum(wrote) + sum(stopped["run_graphs"].values()) == held_quads(tmp_path / "store")
    again = load_config(write_config(tmp_path, [sample]))
    from scholarkg.runs.build import build

    done = build(again).report
    assert done.outcome in ("ok", "degraded") and done.papers == 25, done.summary_lines()
