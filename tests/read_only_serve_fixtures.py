"""The ``served`` fixture of the SPARQL store probe tests, loaded with
``pytest_plugins = ("read_only_serve_fixtures",)``: a real, read-only `scholarkg serve` over
the constructed v2-model store (serve_fixtures.build_v2_store), its base URL. Used by
test_store_probe.py and test_run_server_probe.py."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from serve_fixtures import build_v2_store

BOUND = 120.0  # only catches a hang


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """A real, read-only `scholarkg serve` over a store; its base URL."""
    store = build_v2_store(tmp_path / "served")
    command = [sys.executable, "-m", "scholarkg.cli", "serve", "--port", "0"]
    server = subprocess.Popen(
        [*command, "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline().decode()
        url = re.search(r"at (http://\S+)/ ", first)
        assert url is not None, first
        yield url.group(1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(BOUND)
