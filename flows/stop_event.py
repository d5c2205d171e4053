"""A run's Dask stop event on the scheduler: each call about it (set, read, clear) bounded by
``[runner] dask_event_deadline``, and its name kept in the data directory while it may be set,
so that the next run there clears one its run left set.

``distributed``'s own ``Event.is_set()``, ``set()`` and ``clear()`` wait for a scheduler that
went away (or is being reconnected to) until ``distributed.comm.timeouts.connect`` (30 s)
passes, each of them: a batch, which reads the stop before each of its sources, waited 30 s a
source before a read counted as failed, and a stopped run 30 s more for its event's clearing.
A run killed (SIGKILL), or whose clearing failed, left its event set on the scheduler until it
restarted: now the next run of the same data directory (the run lock keeps it to one run at a
time, so an event named there when a run starts is no other run's) clears it, which also ends
that run's batches still on the cluster at their next source.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholarkg.files import open_regular, write_atomic

if TYPE_CHECKING:
    from distributed import Client

PREFIX = "scholarkg-batches-"
RECORD = "dask-stop-events.txt"  # in the data directory's state folder, one name a line
RECORD_NAMES = 16  # names kept at most: events an earlier run could not clear, then the run's
RECORD_BYTES = 4096  # read at most (16 names: ~700 bytes)


def event_name(run_id: str) -> str:
    """The stop event of the run ``run_id`` (its id as in its record, ``<base>run/<id>``)."""
    return f"{PREFIX}{run_id}"


def event_call(handler: str, name: str, deadline: float, client: Client | None = None) -> Any:
    """The scheduler's ``handler`` (``event_is_set``, ``event_set``, ``event_clear``) for the
    event ``name``, through ``client`` (none: the worker's own, in a Dask task); a
    ``TimeoutError`` once ``deadline`` seconds pass without its answer."""
    if client is None:
        from distributed import get_client

        client = get_client()
    call = getattr(client.scheduler, handler)
    return client.sync(call, name=name, callback_timeout=deadline)  # type: ignore[no-untyped-call]


def recorded(path: Path) -> list[str]:
    """The event names kept at ``path``: none when it is missing, unreadable or no regular
    file (a pipe there is never waited on)."""
    try:
        with open_regular(path) as handle:
            data = handle.read(RECORD_BYTES)
    except OSError:
        return []
    names = data.decode("utf-8", "replace").splitlines()
    return [name for name in names if name.startswith(PREFIX) and name.isprintable()]


def keep(path: Path, names: list[str]) -> None:
    """Keep ``names`` at ``path`` (the last :data:`RECORD_NAMES`), or remove it for none."""
    if names:
        text = "".join(f"{name}\n" for name in names[-RECORD_NAMES:])
        write_atomic(path, text.encode(), what="the run's Dask stop events")
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
