"""A batch on a Dask worker whose run's stop cannot be read (the scheduler out of reach) goes
on as if not stopped for a bounded number of reads, said once in the log, instead of failing,
and with it the run; each read waits at most ``[runner] dask_event_deadline`` for the answer.
The scheduler here really goes away while the batch runs: the cluster is in-process (its
worker a thread of the test), so the batch's outcome is seen here even though it can no longer
reach its run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import write_config
from constructed import profile_page
from kept_logs import kept_logs
from loopback import Pages
from polls import until
from scholarkg.config import Config, load_config

READ_TIMEOUT = "1s"  # a read of the stop fails after this once the scheduler is gone
CONNECT = "20s"  # distributed's own wait for a scheduler gone (its default: 30 s)
DEADLINE = 1.5  # [runner] dask_event_deadline where reads are to fail at it
ANSWERED = 30.0  # the deadline where every read is answered: a busy machine answers within it
BOUND = 60.0  # only catches a hang

ended: list[object] = []  # what the batch on the worker gave or raised
first_asked = threading.Event()
gone = threading.Event()  # the scheduler has gone: the first page may be answered


def fetched_batch(locations: list[str], config: Config, stop: Any) -> None:
    """The build's fetch batch (``fetch`` without Prefect around it), its outcome kept."""
    from scholarkg_flows.build_kg import fetch

    try:
        ended.append(fetch.fn(locations, config, stop))
    except Exception as exc:
        ended.append(exc)


def page(path: str) -> tuple[str, bytes]:
    if path == "/p0.txt":
        first_asked.set()
        gone.wait(BOUND)
    return "text/plain; charset=utf-8", profile_page(f"Held Person{path[2]}", [])


@pytest.fixture
def cluster(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Any]]:
    """A one-thread in-process cluster and its client, which tries to reach a scheduler gone
    for ``READ_TIMEOUT`` (or the test's parameter), then closes: the worker's reads fail on
    ``OSError``, then ``CommClosedError``, then errors of a closed client (``RuntimeError``,
    ``AttributeError``)."""
    import dask
    from distributed import Client, LocalCluster

    ended.clear()
    first_asked.clear()
    gone.clear()
    with (
        dask.config.set(
            {"distributed.comm.timeouts.connect": getattr(request, "param", READ_TIMEOUT)}
        ),
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as local,
        Client(local) as client,
    ):
        yield local, client
        gone.set()


def batch_on(
    tmp_path: Path, cluster: tuple[Any, Any], pages: int, stop: Any, closed: bool = True
) -> object:
    """What a batch of ``pages`` pages on the cluster's worker gave, reading ``stop`` (a
    ``BatchStop``), its scheduler closed while the first page is fetched (``closed``) or not."""
    from scholarkg_flows.stop_event import event_call

    local, client = cluster
    config = load_config(write_config(tmp_path, []))
    with Pages(page) as served:
        event_call("event_set", stop.event, BOUND, client)
        client.submit(
            fetched_batch,
            [f"{served.base}/p{n}.txt" for n in range(pages)],
            config,
            stop,
            pure=False,
        )
        until(first_asked.is_set, "the batch never asked for its first page", BOUND)
        if closed:
            client.sync(local.scheduler.close)
        gone.set()
        until(lambda: ended != [], "the batch never ended", BOUND)
    [got] = ended
    return got


def batch_without_its_scheduler(
    tmp_path: Path, cluster: tuple[Any, Any], pages: int
) -> tuple[object, str]:
    """A batch of ``pages`` pages on the cluster's worker, its scheduler closed while the first
    page is fetched: what the batch gave, and the stop's event."""
    from scholarkg_flows.batches import BatchStop

    stop = BatchStop("scholarkg-batches-test")
    return batch_on(tmp_path, cluster, pages, stop), "scholarkg-batches-test"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The deadline given to each call a client makes about the event
    ``scholarkg-batches-test`` (``distributed``'s ``Client.sync``, spied on, still called)."""
    from distributed import Client

    deadlines: list[object] = []
    sync = Client.sync

    def spied(self: Any, func: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("name") == "scholarkg-batches-test":
            deadlines.append(kwargs.get("callback_timeout"))
        return sync(self, func, *args, **kwargs)

    monkeypatch.setattr(Client, "sync", spied)
    return deadlines


def test_each_read_of_the_stop_is_given_the_deadline(
    tmp_path: Path, cluster: tuple[Any, Any], reads: list[object]
) -> None:
    """A batch of three pages, its scheduler there throughout: three reads, each given the
    deadline (before: none, so a read waited as long as ``distributed`` waits to connect)."""
    from scholarkg_flows.batches import BatchStop

    got = batch_on(tmp_path, cluster, 3, BatchStop("scholarkg-batches-test", ANSWERED), False)
    assert [type(result).__name__ for result in got] == ["Fetched"] * 3, got  # type: ignore[attr-defined]
    assert reads == [BOUND] + [ANSWERED] * 3, reads  # the test's own set, then the reads


@pytest.mark.parametrize("cluster", [CONNECT], indirect=True)
def test_reads_of_a_stop_whose_scheduler_is_gone_fail_at_the_deadline(
    tmp_path: Path, cluster: tuple[Any, Any], reads: list[object]
) -> None:
    """``distributed`` waiting 20 s for the scheduler gone (its default: 30 s), each of the batch's
    reads fails at the deadline instead: the batch fails at its fourth read in a row, on the
    deadline's ``TimeoutError``."""
    from scholarkg_flows.batches import UNREAD_MAX, BatchStop

    from scholarkg.errors import ScholarKGError

    stop = BatchStop("scholarkg-batches-test", DEADLINE)
    got = batch_on(tmp_path, cluster, UNREAD_MAX + 2, stop)
    assert isinstance(got, ScholarKGError), got
    assert str(got).endswith(
        f"could not be read {UNREAD_MAX + 1} times in a row: TimeoutError: timed out after "
        f"{DEADLINE} s."
    ), got
    # the test's own set, then the reads: the first answered, unless a busy machine held it
    # past the deadline too (then the fourth failure in a row is one read sooner)
    assert reads[0] == BOUND and set(reads[1:]) == {DEADLINE}, reads
    assert len(reads) - 1 in (UNREAD_MAX + 1, UNREAD_MAX + 2), reads


def test_a_batch_goes_on_through_reads_of_its_stop_that_fail(
    tmp_path: Path, cluster: tuple[Any, Any]
) -> None:
    """Each of the batch's three pages after the first is fetched, though every read of the
    stop before them failed; one line in the log says so (before: the first failed read,
    ``OSError``, failed the batch)."""
    from scholarkg_flows.batches import UNREAD_MAX

    with kept_logs("scholarkg_flows.batches") as kept:
        got, name = batch_without_its_scheduler(tmp_path, cluster, UNREAD_MAX + 1)
    assert isinstance(got, list), got
    assert [type(result).__name__ for result in got] == ["Fetched"] * (UNREAD_MAX + 1), got
    said = kept.said
    assert len(said) == 1, said
    assert said[0].startswith(f"Dask event {name}: the run's stop could not be read ("), said
    assert said[0].endswith(f"as if not stopped, for at most {UNREAD_MAX} reads in a row"), said


def test_a_batch_whose_stop_stays_unread_fails_on_one_line(
    tmp_path: Path, cluster: tuple[Any, Any]
) -> None:
    """One more read that fails fails the batch, on one line naming the event and the read's
    last error."""
    from scholarkg_flows.batches import UNREAD_MAX

    from scholarkg.errors import ScholarKGError

    got, name = batch_without_its_scheduler(tmp_path, cluster, UNREAD_MAX + 2)
    assert isinstance(got, ScholarKGError), got
    said = str(got)
    assert said.startswith(
        f"Dask event {name}: the run's stop could not be read {UNREAD_MAX + 1} times in a row: "
    ), said
    assert "\n" not in said and got.__cause__ is not None, said
