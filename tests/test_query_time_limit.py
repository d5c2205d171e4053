"""A query whose rows keep coming ends at ``[serve] time_limit``, however fast its rows come and
however slowly they are read: ``scholarkg query`` says the limit and that the output before it
is incomplete, and the endpoint answers 503 naming the limit (before: the command checked the
limit only while its worker was silent, so a cross product streamed to a pipe ran forever)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from conftest import write_config
from scholarkg.config import ServeSettings
from scholarkg.query_output import BATCH_ROWS
from serve_fixtures import build_v2_store
from serve_helpers import SPARQL_JSON, running_server

COMMAND = [sys.executable, "-m", "scholarkg.cli"]
# Every quad joined with every other, four times over: rows for longer than anyone waits.
ENDLESS_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ENDS_WITHIN = 60  # seconds the tests wait for a run to end: far past the 3 s limit
LIMIT_SAID = (
    "error: query stopped: it ran longer than the time limit of 3 s ([serve] time_limit = 3)"
)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store and a config whose only limit a cross product meets is the time limit."""
    directory = tmp_path_factory.mktemp("time-limit")
    store = build_v2_store(directory / "store")
    serve = {"time_limit": 3.0, "max_result_mb": 1_000_000}
    return write_config(directory, [], store={"path": str(store)}, serve=serve)


class Reader:
    """A thread reading a stream to its end, ``pause`` seconds between chunks (a slow
    reader), keeping what it read."""

    def __init__(self, stream: object, pause: float = 0.0, keep: bool = True) -> None:
        self.stream, self.pause, self.keep = stream, pause, keep
        self.chunks: list[bytes] = []
        self.size = 0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while chunk := self.stream.read1(16384):  # type: ignore[attr-defined]
            self.size += len(chunk)
            if self.keep:
                self.chunks.append(chunk)
            if self.pause:
                time.sleep(self.pause)

    def text(self) -> str:
        self.thread.join(ENDS_WITHIN)
        return b"".join(self.chunks).decode("utf-8")


def _query(config: Path, fmt: str, pause: float) -> tuple[int, str, Reader]:
    """Run the endless query in ``fmt`` with its output read every ``pause`` seconds: its exit
    code, its stderr and its stdout's reader; a run still going after :data:`ENDS_WITHIN` is
    killed and fails the test."""
    command = subprocess.Popen(
        [*COMMAND, "query", "--config", str(config), "--sparql", ENDLESS_ROWS, "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = Reader(command.stdout, pause, keep=False), Reader(command.stderr)
    try:
        code = command.wait(ENDS_WITHIN)
    except subprocess.TimeoutExpired:
        command.kill()
        command.wait()
        pytest.fail(f"the query ran past its 3 s time limit for {ENDS_WITHIN} s")
    return code, err.text(), out


@pytest.mark.parametrize("pause", [0.0, 0.01], ids=["fast reader", "slow reader"])
@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_a_streamed_query_ends_at_its_time_limit_saying_its_output_is_cut_short(
    config: Path, fmt: str, pause: float
) -> None:
    code, err, out = _query(config, fmt, pause)
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 1, err
    said, _, rest = lines[0].partition("; the output stops after ")
    assert said == LIMIT_SAID
    rows, _, incomplete = rest.partition(" rows: ")
    assert incomplete == "incomplete"
    assert int(rows) > 0 and int(rows) % BATCH_ROWS == 0  # whole batches went out
    out.thread.join(ENDS_WITHIN)
    assert out.size > 0


@pytest.fixture
def endless_server(tmp_path: Path) -> Iterator[str]:
    settings = ServeSettings(workers=1, time_limit=3.0, max_result_mb=1_000_000)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        yield server.url


@pytest.mark.parametrize("accept", [SPARQL_JSON, "text/csv"])
def test_the_endpoint_answers_a_query_whose_rows_keep_coming_at_its_time_limit(
    endless_server: str, accept: str
) -> None:
    """The endpoint's worker serializes the whole answer before sending it: the limit stops
    it before the client's first byte, read as a stream as a client reads a large answer."""
    with requests.post(
        endless_server + "sparql",
        data={"query": ENDLESS_ROWS},
        headers={"Accept": accept},
        stream=True,
        timeout=ENDS_WITHIN,
    ) as response:
        body = b"".join(response.iter_content(4096)).decode("utf-8")
    assert response.status_code == 503, body[:200]
    assert "ran longer than the time limit of 3 s" in body
