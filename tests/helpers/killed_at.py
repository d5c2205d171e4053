"""Run ``scholarkg`` with the arguments after the first, SIGKILLing this process when the
function the first names (``module:attribute``, or ``module:Class.method``) is called
(``module:attribute:suffix``: called with an argument whose text ends with ``suffix``; other
calls go through; ``module:attribute@n``: from its ``n``-th such call on): what a kill at that
point leaves on disk, with no clean-up of scholarkg's own. ``KILLED_BY=TERM`` in the environment
sends SIGTERM instead (and the call goes on): a stop asked for at that point; ``KILLED_BY=STOP``
sends SIGSTOP (the call goes on once SIGCONT comes): a process caught there, once — held again
at a later call, a process the test let go would wait for ever; ``KILLED_BY=WAIT`` holds only
the calling thread, once, until a stop is asked for (``scholarkg.lifecycle.STOP``: a SIGTERM
the job's handler took), saying ``killed_at: waiting for a stop at <point>`` on stderr — its
other threads (Prefect's control channel) go on. :func:`install` hooks a function the same way
in a process the test does not start through this script (helpers/at_start/sitecustomize.py)."""

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


_CONTINUED = threading.Event()  # set by SIGCONT's handler (installed with a STOP hook)


def held_until_continued() -> None:
    """SIGSTOP this process, and let the calling thread go on only once SIGCONT has come: a
    stop another thread of the process takes a moment to deliver cannot let this call run on
    before the hold (a query's clock started before its command was held, seen under load)."""
    _CONTINUED.clear()
    os.kill(os.getpid(), signal.SIGSTOP)
    _CONTINUED.wait(WAIT_BOUND)


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
    if os.environ.get("KILLED_BY") == "STOP":  # a handler is set from the main thread only
        signal.signal(signal.SIGCONT, lambda _signum, _frame: _CONTINUED.set())
    setattr(owner, name, hooked)


if __name__ == "__main__":
    from scholarkg.cli import main

    install(sys.argv[1])
    sys.exit(main(sys.argv[2:]))
