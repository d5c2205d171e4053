"""The temporary Prefect API's own process (:mod:`scholarkg_flows.temporary_api`): Prefect's API
app on uvicorn, stopped by the run that started it and by no signal.

SIGINT and SIGTERM are ignored: one sent to every process of the run (Ctrl-C in a terminal,
``kill -TERM -<pgid>``, systemd stopping the run's control group) is the run's to handle, and
the run still needs this API to record how it ended. The run stops the server by closing its
stdin, which the kernel closes too when the run dies; uvicorn runs in a thread, where it leaves
the signal handlers alone, and the main thread waits for that end of input.
"""

from __future__ import annotations

import signal
import sys
import threading

import uvicorn

APP = "prefect.server.api.server:create_app"


def serve(port: int) -> int:
    """Serve on ``127.0.0.1:port`` until stdin ends (or the server fails); the exit code."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    config = uvicorn.Config(
        APP, factory=True, host="127.0.0.1", port=port, log_level="error", lifespan="on"
    )
    server = uvicorn.Server(config)
    running = threading.Thread(target=server.run, name="uvicorn")
    ended = threading.Event()

    def read_to_the_end() -> None:
        sys.stdin.buffer.read()
        ended.set()

    threading.Thread(target=read_to_the_end, name="stdin", daemon=True).start()
    running.start()
    while running.is_alive() and not ended.wait(0.5):
        pass
    server.should_exit = True
    running.join()
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(serve(int(sys.argv[1])))
