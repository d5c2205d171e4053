"""A run waiting out a server's long Retry-After is stopped by SIGTERM at once."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from conftest import write_config
from polls import until
from processes import sleeping_alone
from stopped_runs import BOUND

if TYPE_CHECKING:
    from arxiv_replay import ReplayServer


def answered(server: ReplayServer) -> bool:
    """Whether ``server`` has written an answer to ``/api/query``."""
    return any(r.finished is not None for r in server.requests_to("/api/query"))


def test_sigterm_ends_a_long_back_off_wait_at_once(tmp_path: Path) -> None:
    """arXiv answers 503 with Retry-After: 100 s (within [http] backoff_max): the run waits,
    and SIGTERM ends the wait and the run at once, not when the 100 s are over."""
    from arxiv_replay import Fault, ReplayServer

    server = ReplayServer().start()
    try:
        server.add_fault(
            Fault("status", status=503, headers={"Retry-After": "100"}), path="/api/query", times=-1
        )
        config = write_config(
            tmp_path, [], arxiv={"enabled": True, "api_url": server.api_url, "min_interval": 0.0}
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "scholarkg.cli", "arxiv", "fetch", "2301.00001",
             "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip

        def waits() -> bool:
            if answered(server) and sleeping_alone(process.pid):
                return True
            assert process.poll() is None, "it never waited"
            return False

        # into the wait: the 503 answered, the request's thread ended, the run asleep. Before,
        # a 0.5 s sleep, which a busy machine could outlast before the wait began
        until(waits, "it never waited", BOUND)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=BOUND)  # well before the 100 s are over
        assert process.returncode == 128 + signal.SIGTERM
        assert b"stopping (SIGTERM)" in err and b"Traceback" not in err
        assert len(server.requests_to("/api/query")) == 1  # no retry after the stop
    finally:
        server.stop()
