"""A run's Dask event left set on the scheduler (its clearing failed, or its run was killed)
stops no later run, nor keeps one going: each run's event is its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from kept_logs import kept_logs
from processes import kill_run
from tcp_relay import relayed

BOUND = 60.0  # only catches a hang
# a run that sends batches to the cluster at argv[1], its event printed, until it is killed
KILLED_RUN = """
import sys, threading
from distributed import Client
from scholarkg_flows.batches import run_going
with Client(sys.argv[1]) as client, run_going(client) as stop:
    print(stop.event, flush=True)
    threading.Event().wait()
"""


@pytest.fixture
def scheduler() -> Iterator[tuple[str, Any]]:
    """A Dask scheduler on loopback TCP (its address) and a client of the test's, the current
    one (what a batch's reads use); a connection fails after a second."""
    import dask
    from distributed import Client, LocalCluster

    with (
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
        LocalCluster(
            n_workers=0, processes=False, protocol="tcp://", dashboard_address=None
        ) as cluster,
        Client(cluster.scheduler_address) as client,
        client.as_current(),
    ):
        yield cluster.scheduler_address, client


def is_set(client: Any, name: str) -> bool:
    from scholarkg_flows.batches import dask_event

    return bool(dask_event(name, client).is_set())


def a_next_run_goes_then_stops(client: Any, stale: str) -> None:
    """A run after the one whose event ``stale`` is left set: its batches see no stop while it
    goes on, and see it once it has left, ``stale`` still set meanwhile."""
    from scholarkg_flows.batches import RUN_GONE, run_going

    from scholarkg.lifecycle import Interrupted

    assert is_set(client, stale)
    with run_going(client) as stop:
        assert stop.event != stale
        stop.batch_check()()  # going: no stop
    with pytest.raises(Interrupted) as stopped:
        stop.batch_check()()
    assert str(stopped.value) == RUN_GONE
    assert is_set(client, stale)


def test_an_event_whose_clearing_failed_is_said_and_stops_no_next_run(
    scheduler: tuple[str, Any],
) -> None:
    """The run's client cut from the scheduler as it leaves (a relay between them cut): its
    event stays set, and one line in the log names it (before: the ``OSError`` was passed
    over unsaid)."""
    from distributed import Client
    from scholarkg_flows.batches import run_going

    address, client = scheduler
    with (
        kept_logs("scholarkg_flows.batches") as kept,
        relayed(address.removeprefix("tcp://")) as relay,
        Client(f"tcp://{relay.address}", set_as_default=False) as cut_off,
    ):
        with run_going(cut_off) as first:
            relay.cut()
        assert first.event is not None
    assert len(kept.said) == 1, kept.said
    assert kept.said[0].startswith(f"Dask event {first.event}: could not be cleared ("), kept.said
    assert kept.said[0].endswith("); left set, it stops no other run"), kept.said
    a_next_run_goes_then_stops(client, first.event)


def test_the_event_of_a_killed_run_stops_no_next_run(scheduler: tuple[str, Any]) -> None:
    """A run killed (SIGKILL) while it sends batches leaves its event set: the next run on the
    same cluster goes on and stops as its own."""
    address, client = scheduler
    run = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, address],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert run.stdout is not None
        event = run.stdout.readline().strip()
        assert event.startswith("scholarkg-batches-"), (event, run.communicate(timeout=BOUND))
        os.kill(run.pid, signal.SIGKILL)
        assert run.wait(timeout=BOUND) == -signal.SIGKILL
    finally:
        kill_run(run)
    a_next_run_goes_then_stops(client, event)
