"""Run ``scholarkg`` with the arguments after the first, SIGKILLing this process when the
function the first names (``module:attribute``, or ``module:Class.method``) is called
(``module:attribute:suffix``: called with an argument whose text ends with ``suffix``; other
calls go through; ``module:attribute@n``: from its ``n``-th such call on): what a kill at that
point leaves on disk, with no clean-up of scholarkg's own. ``KILLED_BY=TERM`` in the environment
sends SIGTERM instead (and the call goes on): a stop asked for at that point; ``KILLED_BY=STOP``
sends SIGSTOP (the call goes on once SIGCONT comes): a process caught there, once — held again
at a later call, a process the test let go would wait for ever."""

from __future__ import annotations

import importlib
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from scholarkg.cli import main


def killing(original: Callable[..., Any], suffix: str, nth: int = 1) -> Callable[..., Any]:
    calls = [0]
    how = os.environ.get("KILLED_BY", "KILL")

    def killed(*args: object, **kwargs: object) -> Any:
        if not args or any(str(arg).endswith(suffix) for arg in args):
            calls[0] += 1
            # that call, and (as before) any such call after it; a hold only at that call
            if calls[0] == nth or (calls[0] > nth and how != "STOP"):
                os.kill(os.getpid(), signal.Signals["SIG" + how])
        return original(*args, **kwargs)

    return killed


if __name__ == "__main__":
    module_name, attribute, *suffix = sys.argv[1].split(":")
    attribute, _, nth = attribute.partition("@")
    owner: Any = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    setattr(owner, name, killing(getattr(owner, name), "".join(suffix), int(nth or 1)))
    sys.exit(main(sys.argv[2:]))
