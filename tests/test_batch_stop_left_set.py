"""A run's Dask event left set on the scheduler (its clearing failed) stops no later run, nor
keeps one going: each run's event is its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kept_logs import kept_logs
from tcp_relay import relayed


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
