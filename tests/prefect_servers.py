"""A pytest plugin (loaded by conftest): a temporary Prefect API server that Prefect started
itself in a test (a flow run without the session's ``prefect_harness``) is stopped when the
session ends, while pytest's capture of stderr is still open.

Left to Prefect, its at-exit hook stops it after pytest has closed that capture, and Prefect's
console handler, which writes to the stderr it found when Prefect's logging was set up (the
capture), fails on "Stopping temporary server on …": a "--- Logging error ---" traceback at
the end of the test process (``ValueError: I/O operation on closed file``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

_SERVER_MODULE = "prefect.server.api.server"


@pytest.fixture(scope="session", autouse=True)
def prefect_servers_stopped() -> Iterator[None]:
    """After every other session fixture (the harness too): stop what Prefect left running."""
    yield
    module = sys.modules.get(_SERVER_MODULE)
    if module is None:  # no test started one
        return
    # The one Prefect starts itself is its default server, which a call with no port returns
    # (as Prefect's own clients find it, and its test fixtures stop it); the harness stops its
    # own and puts back the default it found. Stopping one never started does nothing.
    module.SubprocessASGIServer().stop()
