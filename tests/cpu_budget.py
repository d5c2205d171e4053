"""Whether a piece of work ends: run it in a forked child under a CPU-time limit.

For work a hostile input could make quadratic (a regular expression that backtracks, a loop
that rescans): the test gives a budget of CPU seconds (not wall time: a loaded machine does not
change it) some hundred times what the linear work needs, and far below what the quadratic work
would take (hours). A child past its budget is killed by the kernel (SIGXCPU), and the test
fails instead of hanging.
"""

from __future__ import annotations

import os
import resource
import signal
from collections.abc import Callable


def ends_within(cpu_seconds: int, work: Callable[[], object]) -> str | None:
    """None when ``work()`` returns within ``cpu_seconds`` of CPU time in a forked child; else
    what happened to it (killed at the budget, or the exception it raised)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limited, and it never returns into the test
        os.close(read)
        status = 0
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
            # a backstop for a child that blocks instead of computing (a lock some other
            # thread of the test process held when it forked): ten times the budget, on the
            # wall clock only to end the test, never to judge the work
            signal.alarm(cpu_seconds * 10)
            work()
        except BaseException as exc:
            os.write(write, f"raised {type(exc).__name__}: {exc}"[:2000].encode())
            status = 1
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        killed = signal.Signals(os.WTERMSIG(status))
        if killed == signal.SIGXCPU:
            return f"killed by SIGXCPU: did not end within {cpu_seconds} CPU seconds"
        return f"killed by {killed.name}"
    if os.WEXITSTATUS(status) != 0:
        return said or f"exited with status {os.WEXITSTATUS(status)}"
    return None
