"""A query whose rows keep coming ends at ``[serve] time_limit``, however fast its rows come and
however slowly they are read: ``scholarkg query`` says the limit and that the output before it
is incomplete, and the endpoint answers 503 naming the limit (before: the command checked the
limit only while its worker was silent, so a cross product streamed to a pipe ran forever)."""

from __future__ import annotations

import array
import contextlib
import fcntl
import os
import select
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from conftest import write_config
from polls import until, within
from processes import alive, descendants, still_alive
from scholarkg.config import ServeSettings
from scholarkg.query_output import BATCH_ROWS
from serve_fixtures import build_v2_store
from serve_helpers import SPARQL_JSON, running_server
from store_workers import store_worker

COMMAND = [sys.executable, "-m", "scholarkg.cli"]
# Every quad joined with every other, four times over: rows for longer than anyone waits.
ENDLESS_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ENDS_WITHIN = 60  # seconds the tests wait for a run to end: far past the 24 s limit
# On a busy machine the worker's first batch can take all of 3 s, and the run ends before any
# row went out. Such a run is tried again with the next.
LIMITS = (3, 6, 12, 24)


def said(limit: int) -> str:
    """The line of a query stopped by ``[serve] time_limit = limit``."""
    return (
        f"error: query stopped: it ran longer than the time limit of {limit} s"
        f" ([serve] time_limit = {limit})"
    )


LIMIT_SAID = said(3)


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

    def __init__(
        self, stream: object, pause: float = 0.0, keep: bool = True, read: int = 16384
    ) -> None:
        self.stream, self.pause, self.keep, self.read = stream, pause, keep, read
        self.chunks: list[bytes] = []
        self.size = 0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while chunk := self.stream.read1(self.read):  # type: ignore[attr-defined]
            self.size += len(chunk)
            if self.keep:
                self.chunks.append(chunk)
            if self.pause:
                time.sleep(self.pause)

    def text(self) -> str:
        self.thread.join(ENDS_WITHIN)
        return b"".join(self.chunks).decode("utf-8")


def _limited(config: Path, limit: int) -> Path:
    """``config``, or for a limit other than its 3 s one a config of the same store with it."""
    if limit == 3:
        return config
    directory = config.parent / f"limit-{limit}"
    directory.mkdir(exist_ok=True)
    serve = {"time_limit": float(limit), "max_result_mb": 1_000_000}
    return write_config(directory, [], store={"path": str(config.parent / "store")}, serve=serve)


def _query_until(
    config: Path,
    fmt: str,
    pause: float,
    enough: Callable[[int, str, Reader], bool],
    read: int = 16384,
) -> tuple[int, int, str, Reader]:
    """:func:`_query` at each of :data:`LIMITS` in turn until a run is ``enough`` (given its
    limit, stderr and stdout's reader) or the last has run: the limit, and what :func:`_query`
    gives."""
    for limit in LIMITS:
        code, err, out = _query(_limited(config, limit), fmt, pause, read)
        if enough(limit, err, out):
            break
    return limit, code, err, out


def _rowless(err: str, limit: int) -> bool:
    """Whether ``err`` says no row went out whole before ``limit``."""
    return err.strip() in (said(limit), f"{said(limit)}; the output stops after 0 rows: incomplete")


def _query(config: Path, fmt: str, pause: float, read: int = 16384) -> tuple[int, str, Reader]:
    """Run the endless query in ``fmt`` with its output read every ``pause`` seconds: its exit
    code, its stderr and its stdout's reader; a run still going after :data:`ENDS_WITHIN` is
    killed and fails the test."""
    command = subprocess.Popen(
        [*COMMAND, "query", "--config", str(config), "--sparql", ENDLESS_ROWS, "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = Reader(command.stdout, pause, keep=read != 16384, read=read), Reader(command.stderr)
    try:
        code = command.wait(ENDS_WITHIN)
    except subprocess.TimeoutExpired:
        command.kill()
        command.wait()
        pytest.fail(f"the query ran past its time limit for {ENDS_WITHIN} s")
    return code, err.text(), out


@pytest.mark.parametrize("pause", [0.0, 0.01], ids=["fast reader", "slow reader"])
@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_a_streamed_query_ends_at_its_time_limit_saying_its_output_is_cut_short(
    config: Path, fmt: str, pause: float
) -> None:
    limit, code, err, out = _query_until(config, fmt, pause, lambda t, err, _: not _rowless(err, t))
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 1, err
    stopped, _, rest = lines[0].partition("; the output stops after ")
    assert stopped == said(limit)
    rows, _, incomplete = rest.partition(" rows: ")
    assert incomplete == "incomplete"
    assert int(rows) > 0  # the rows that went out whole (a slow reader: part of one more)
    out.thread.join(ENDS_WITHIN)
    assert out.size > 0


def test_a_limit_met_partway_through_a_batch_says_the_rows_written_whole(config: Path) -> None:
    """A reader too slow to take one batch of rows within the time limit: the limit meets the
    command while it waits to write the rest of that batch. Part of it went out, so the line
    says the output is incomplete and how many rows went out whole: every whole line of the
    CSV read (before: the limit's words alone, since no whole batch had gone out, of an output
    holding hundreds of rows and part of one more)."""

    def partway(limit: int, err: str, out: Reader) -> bool:  # a limit met at a row's end: again
        return not _rowless(err, limit) and not out.text().endswith("\n")

    limit, code, err, out = _query_until(config, "csv", 0.2, partway, read=4096)  # ~20 kB/s
    text = out.text()  # a batch takes minutes
    whole = text.count("\n") - 1  # the header's line, then one line per row (no line breaks)
    assert 0 < whole < BATCH_ROWS and not text.endswith("\n")  # part of one more row went out
    assert code == 1
    assert err.splitlines() == [f"{said(limit)}; the output stops after {whole} rows: incomplete"]


def _held(read_end: int) -> int:
    """Bytes written into the pipe whose read end is ``read_end`` and not yet read."""
    held = array.array("i", [0])
    fcntl.ioctl(read_end, termios.FIONREAD, held)
    return held[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("fmt", ["csv", "table"])
@pytest.mark.parametrize("ended_by", ["time limit", "SIGTERM"])
def test_a_query_whose_output_is_never_read_ends_with_its_worker(
    config: Path, fmt: str, ended_by: str
) -> None:
    """stdout a pipe whose reader stays open and never reads: once the pipe is full the
    command waits for a reader that never comes. It ends at its time limit with the one line
    naming it (or at once at SIGTERM, with its own line), and its worker, forkserver and
    resource tracker end with it. Before, the write blocked in the kernel, where the limit never
    reached it: the command and its worker stayed for as long as the reader did."""
    store = config.parent / "store"
    if ended_by == "SIGTERM":  # a limit that never comes first
        (config.parent / "no-limit").mkdir(exist_ok=True)
        config = write_config(
            config.parent / "no-limit",
            [],
            store={"path": str(store)},
            serve={"time_limit": 3600.0, "max_result_mb": 1_000_000},
        )
    args = ["query", "--config", str(config), "--sparql", ENDLESS_ROWS, "--format", fmt]
    read_end, write_end = os.pipe()
    try:
        command = subprocess.Popen(
            [*COMMAND, *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write_end)
    err = Reader(command.stderr)
    left: set[int] = set()
    try:
        worker = store_worker(command, store)
        assert worker is not None, err.text()
        pool = descendants(command.pid)  # the worker, the forkserver, the resource tracker
        if ended_by == "SIGTERM":
            full = fcntl.fcntl(read_end, fcntl.F_GETPIPE_SZ) - select.PIPE_BUF
            until(  # the command waits for its reader
                lambda: _held(read_end) >= full, "the pipe never filled", ENDS_WITHIN, every=0.1
            )
            command.send_signal(signal.SIGTERM)
        code = command.wait(ENDS_WITHIN)
        left = {pid for pid in pool if alive(pid)}
        within(lambda: not still_alive(left), 30, every=0.1)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the query whose output is never read ran on for {ENDS_WITHIN} s")
    finally:
        if command.poll() is None:
            command.kill()
            command.wait(30)
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        os.close(read_end)
    lines = err.text().splitlines()
    assert len(lines) == 1, lines
    if ended_by == "SIGTERM":
        assert (code, lines[0]) == (143, "interrupted: stop requested")
    else:  # a whole batch or none went out: the pipe holds less than one
        assert (code, lines[0].partition("; the output stops after ")[0]) == (1, LIMIT_SAID)
    assert worker in pool and left == set()


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
