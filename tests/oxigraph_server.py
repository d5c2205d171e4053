"""Pytest fixtures running a real ``oxigraph serve`` on loopback (loaded with ``pytest_plugins``).

Test modules opt in with ``pytest_plugins = ("oxigraph_server",)``. ``oxigraph_server`` is one
server for the whole session (data in a temporary directory); ``oxigraph_url`` is its base URL
for one test, emptied (``DROP ALL``) before the test so tests do not see each other's data.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from loopback import free_port
from polls import within

STARTUP_SECONDS = 30.0


def oxigraph_binary() -> Path | None:
    """The ``oxigraph`` CLI installed next to this Python, else the one on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    if local.is_file():
        return local
    found = shutil.which("oxigraph")
    return Path(found) if found else None


@dataclass
class OxigraphServer:
    """A running ``oxigraph serve`` process."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def answers(self) -> bool:
        try:
            response = requests.post(
                f"{self.url}/query",
                data={"query": "ASK {}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=2,
            )
        except requests.RequestException:
            return False
        return response.status_code == 200

    def clear(self) -> None:
        response = requests.post(
            f"{self.url}/update",
            data=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
            timeout=60,
        )
        response.raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _ended_or_answers(server: OxigraphServer) -> bool:
    return server.process.poll() is not None or server.answers()


def start_oxigraph(
    binary: Path, directory: Path, attempts: int = 3, port: int | None = None
) -> OxigraphServer:
    """Start ``oxigraph serve`` over ``directory`` on ``port`` (default: a free loopback port,
    another each attempt) and wait until it answers a query."""
    failure, given = "", port
    for attempt in range(attempts):
        port = given or free_port()
        log = directory / f"server-{attempt}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    str(binary),
                    "serve",
                    "--location",
                    str(directory / "db"),
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = OxigraphServer(process, f"http://127.0.0.1:{port}", log)
        settled = functools.partial(_ended_or_answers, server)
        if within(settled, STARTUP_SECONDS, every=0.05) and process.poll() is None:
            return server
        if process.poll() is None:
            server.stop()
        failure = log.read_text(errors="replace")
    raise RuntimeError(f"oxigraph serve did not start after {attempts} attempts: {failure}")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the `oxigraph` CLI is not installed (pip install oxigraph, a dev dependency)")
    server = start_oxigraph(binary, tmp_path_factory.mktemp("oxigraph-server"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def oxigraph_url(oxigraph_server: OxigraphServer) -> str:
    """The base URL of the session's Oxigraph server, emptied for this test."""
    if oxigraph_server.process.poll() is not None:
        pytest.fail(f"oxigraph serve died: {oxigraph_server.log.read_text(errors='replace')}")
    oxigraph_server.clear()
    return oxigraph_server.url
