"""Run ``scholarkg`` with the arguments after the first, SIGKILLing this process when the
function the first names (``module:attribute``, or ``module:Class.method``) is called
(``module:attribute:suffix``: called with an argument whose text ends with ``suffix``; other
calls go through; ``module:attribute@n``: from its ``n``-th such call on): what a kill at that
point leaves on disk, with no clean-up of scholarkg's own. ``KILLED_BY=TERM`` in the environment
sends SIGTERM instead (and the call goes on): a stop asked for at that point; ``KILLED_BY=STOP``
stops the process (SIGSTOP, to the calling thread: the call goes on once SIGCONT comes): a
process caught there, once — held again at a later call, a process the test let go would wait
for ever; ``KILLED_BY=WAIT`` holds only the calling thread, once, until a stop is asked for
(``scholarkg.lifecycle.STOP``: a SIGTERM the job's handler took), saying ``killed_at: waiting
for a stop at <point>`` on stderr — its other threads (Prefect's control channel) go on.
:func:`install` hooks a function the same way in a process the test does not start through this
script (helpers/at_start/sitecustomize.py)."""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

WAIT_BOUND = 600.0  # only catches a test that never asks for the stop


def killing(
    original: Callable[..., Any], suffix: str, nth: int = 1, point: str = ""
) -> Callable[..., Any]:
    calls = [0]
    how = os.environ.get("KILLED_BY", "KILL")

    def killed(*args: object, **kwargs: object) -> Any:
        if not args or any(str(arg).endswith(suffix) for arg in args):
            calls[0] += 1
            if how == "WAIT":
                if calls[0] == nth:
                    wait_for_a_stop(point)
            # that call, and (as before) any such call after it; a hold only at that call
            elif how == "STOP" and calls[0] == nth:
                held_until_continued()
            elif calls[0] >= nth and how != "STOP":
                os.kill(os.getpid(), signal.Signals["SIG" + how])
        return original(*args, **kwargs)

    return killed


def held_until_continued() -> None:
    """Stop this process (SIGSTOP) at this call: the stop is sent to the calling thread
    (``tgkill``), which takes it before its system call returns, so it cannot run on before the
    hold (a query's clock started before its command was held, seen under load), and the rest
    of the process stops with it. The kernel goes on with the thread at SIGCONT, as it does with
    the others: no handler waits for it. Before, the calling thread waited for an event that
    SIGCONT's Python handler set; the kernel may hand SIGCONT to any thread (a RocksDB one),
    and Python runs its handlers in the main thread only when that thread next runs, so a
    main thread already waiting for the event waited out its bound (600 s: a CI run's export
    never ended)."""
    signal.pthread_kill(threading.get_ident(), signal.SIGSTOP)


def wait_for_a_stop(point: str) -> None:
    from scholarkg.lifecycle import STOP

    print(f"killed_at: waiting for a stop at {point}", file=sys.stderr, flush=True)
    STOP.wait(WAIT_BOUND)


def install(point: str) -> None:
    """Hook the function ``point`` names (the script's first argument) in this process."""
    module_name, attribute, *suffix = point.split(":")
    attribute, _, nth = attribute.partition("@")
    owner: Any = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    hooked = killing(getattr(owner, name), "".join(suffix), int(nth or 1), point)
    setattr(owner, name, hooked)


if __name__ == "__main__":
    from scholarkg.cli import main

    install(sys.argv[1])
    sys.exit(main(sys.argv[2:]))
