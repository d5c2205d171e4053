"""Runs stop cleanly on SIGTERM and leave nothing running behind, even after SIGKILL.

The input is CONSTRUCTED: the 100 real snapshot lines copied under new ids (``9004.NNNNN``, a
range no e-print can have). A load to be stopped midway holds itself at a chosen chunk
(helpers/killed_at.py, ``KILLED_BY=STOP``) for the test to signal it, however fast it runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import pytest

from building import content
from conftest import write_config
from loopback import Drip
from processes import alive, children, sleeping_alone, wait_held, wait_shown
from samples import ROOT
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from test_disk_full import held_quads

if TYPE_CHECKING:
    from arxiv_replay import ReplayServer

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
BOUND = 60.0  # an upper bound that only catches a hang, never a timing assertion
# A run's start-up includes its temporary Prefect API, which a busy two-core machine has taken
# over 200 s to start: the wait for its first request is bounded only against a hang.
STARTUP_BOUND = 600.0
KILLED_AT = Path(__file__).parent / "helpers" / "killed_at.py"
# Where a load is held: as its third chunk is handed to the loader, two loaded (or in the bulk
# loader's segment) and nine to come, with its worker processes running.
THIRD_CHUNK = "scholarkg.runs.loading:Loading.add@3"
COPIES = 6  # 600 records: 12 chunks of 50


def copies(path: Path, times: int) -> Path:
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    out = []
    for copy in range(times):
        for number, line in enumerate(lines):
            data = json.loads(line)
            data["id"] = f"9004.{copy * 100 + number:05d}"
            out.append(json.dumps(data))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def still_running(pids: set[int]) -> list[int]:
    """Those of ``pids`` alive after BOUND (a process that exits takes a moment to go)."""
    deadline = time.monotonic() + BOUND
    while [pid for pid in pids if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


class Run:
    """``scholarkg arxiv load-snapshot`` in a child process that holds itself at a chosen call
    for the test to signal it, its stderr read as it comes."""

    def __init__(
        self,
        directory: Path,
        snapshot: Path,
        *,
        own_group: bool = False,
        loader: str = "bulk",
        held_at: str = THIRD_CHUNK,
    ) -> None:
        """``held_at``: the run holds itself (SIGSTOP) when the function it names is called
        (helpers/killed_at.py), until :meth:`go_on`."""
        config = write_config(directory, [], runner={"max_workers": 2})
        self.process = subprocess.Popen(
            [sys.executable, str(KILLED_AT), held_at, "arxiv", "load-snapshot", str(snapshot),
             "--batch-size", "50", "--loader", loader, "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=own_group,  # leading a process group, as a shell's job does
            # PYTHONFAULTHANDLER: a hang's failure shows each Python thread's stack
            env={**os.environ, "KILLED_BY": "STOP", "PYTHONFAULTHANDLER": "1"},
        )  # fmt: skip
        self.out: list[bytes] = []
        self.err: list[bytes] = []
        self.readers = [
            threading.Thread(target=_read, args=(stream, into), daemon=True)
            for stream, into in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self.readers:
            reader.start()

    def hold(self) -> set[int]:
        """Once the run holds itself where ``held_at`` names: its worker processes."""
        wait_held(self.process, lambda: b"".join(self.err).decode())
        return children(self.process.pid)

    def go_on(self) -> None:
        """The held run goes on (a signal sent it while held is then handled)."""
        os.kill(self.process.pid, signal.SIGCONT)

    def finish(self) -> tuple[bytes, bytes]:
        """Its stdout and stderr once it has ended; a hang fails showing where it was (before:
        a read of stdout without a bound, then ``TimeoutExpired`` alone)."""
        wait_shown(self.process, BOUND, self._stderr)
        for reader in self.readers:
            reader.join(BOUND)
        return b"".join(self.out), b"".join(self.err)

    def _stderr(self) -> str:
        self.readers[1].join(BOUND)
        return b"".join(self.err).decode(errors="replace")


def _read(stream: Any, into: list[bytes]) -> None:
    for line in stream:
        into.append(line)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[tuple[str, str, str]]]:
    """What one uninterrupted load of ``copies(…, COPIES)`` holds: built once, only read (the
    same for both loaders' stopped-then-completed runs)."""
    directory = tmp_path_factory.mktemp("uninterrupted")
    snapshot = copies(directory / "snapshot.jsonl", COPIES)
    clean = load_config(write_config(directory, []))
    load_snapshot(clean, snapshot, chunk_records=50, workers=0)
    return content(clean)


@pytest.mark.parametrize("loader", ["bulk", "transactional"])
def test_sigterm_stops_a_snapshot_load_cleanly_and_the_next_run_completes_it(
    tmp_path: Path, loader: str, uninterrupted: dict[str, set[tuple[str, str, str]]]
) -> None:
    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    run = tmp_path / "run"
    run.mkdir()
    job = Run(run, snapshot, loader=loader, held_at=THIRD_CHUNK)
    workers = job.hold()
    process = job.process
    assert workers, "the load runs worker processes"
    process.send_signal(signal.SIGTERM)
    job.go_on()
    out, err = job.finish()
    assert process.returncode == 128 + signal.SIGTERM  # as the shell reports a SIGTERM'd process
    assert b"stopping (SIGTERM)" in err
    assert b"outcome: failed" in out and b"failed: interrupted" in out
    assert not still_running(workers)
    [path] = (run / "data" / "reports").glob("snapshot-*.json")
    report = json.loads(path.read_text())
    assert report["interrupted"]
    stopped_counts_what_the_store_holds(run, report)
    assert f"store: holds {report['store_quads']} quads".encode() in out.splitlines(), out
    # The next run finishes the job: the store ends as one uninterrupted load makes it.
    config = load_config(run / "scholarkg.toml")
    bulk = loader == "bulk"
    again = load_snapshot(config, snapshot, chunk_records=50, workers=0, bulk=bulk).report
    assert again.outcome == "ok", again.summary_lines()
    assert content(config) == uninterrupted


ORIGINS = (
    "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "SELECT ?run (COUNT(DISTINCT ?g) AS ?n) (SAMPLE(?outcome) AS ?how) "
    "WHERE { GRAPH ?g { ?g prov:wasGeneratedBy ?run } "
    "OPTIONAL { GRAPH ?r { ?run a prov:Activity ; skg:outcome ?outcome } } } GROUP BY ?run"
)


def stopped_counts_what_the_store_holds(run: Path, report: dict[str, Any]) -> None:
    """The stopped run's report counts what the store it made holds (the segment in progress
    streamed in on the stop included), and its change set lists those graphs. Before, it
    counted 0 graphs written, 0 records loaded ("nothing written") with 50 graphs held. The
    graphs written name the run, whose record says it failed (before: no record, so the
    provenance of every graph a stopped run wrote named an activity the store did not hold)."""
    store = ox.Store.read_only(str(run / "store"))
    named = {str(g.value) for g in store.named_graphs()}
    [record] = [g for g in named if "/graph/run/" in g]
    graphs = named - {record}
    papers = [g for g in graphs if "/graph/arxiv/" in g]
    wrote = [report[k] for k in ("triples_added", "provenance_triples", "report_triples")]
    assert papers and sum(wrote) + sum(report["run_graphs"].values()) == len(store), report
    assert report["store_quads"] == _counted(store)  # said as a finished run says it
    assert report["graphs_written"] == len(graphs) and report["records_loaded"] == len(papers)
    assert report["run_graphs"] == {"run record": 16}
    origins = store.query(ORIGINS)
    assert isinstance(origins, ox.QuerySolutions)
    [(origin, count, how)] = [(r["run"], r["n"], r["how"]) for r in origins]
    assert isinstance(origin, ox.NamedNode) and record.endswith(origin.value.rsplit("/", 1)[1])
    assert isinstance(count, ox.Literal) and int(count.value) == len(graphs)
    assert how == ox.Literal("failed")
    [changes] = (run / "data" / "changes").glob("*/graphs.tsv")
    assert {line.split("\t")[0] for line in changes.read_text().splitlines()} == graphs


def _counted(store: ox.Store) -> int:
    """The quads of ``store``, counted by a SPARQL query (named graphs and default graph)."""
    total = 0
    for where in ("GRAPH ?g { ?s ?p ?o }", "?s ?p ?o"):
        rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        assert isinstance(rows, ox.QuerySolutions)
        total += sum(int(row["n"].value) for row in rows)  # type: ignore[union-attr]
    return total


def test_sigkill_takes_the_worker_processes_with_it(tmp_path: Path) -> None:
    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    job = Run(tmp_path, snapshot, held_at=THIRD_CHUNK)
    workers = job.hold()
    process = job.process
    assert workers
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=BOUND)
    assert not still_running(workers)


def dripping_profile() -> Drip:
    """The sample page, one byte every half second (a source still arriving when stopped)."""
    return Drip((ROOT / "examples" / "profiles" / "leonard-hussenot.txt").read_bytes(), 0.5)


def start_run(config: Path) -> subprocess.Popen[bytes]:
    """``scholarkg run`` in a child process with its own temporary Prefect API."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "scholarkg.cli", "run", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def test_sigkill_of_a_run_takes_its_temporary_prefect_api_with_it(tmp_path: Path) -> None:
    drip = dripping_profile()
    config = write_config(tmp_path, [drip.url], http={"read_timeout": 30.0, "min_interval": 0.0})
    process = start_run(config)
    try:
        assert drip.asked.wait(STARTUP_BOUND), "the run never fetched the page"
        servers = [pid for pid in children(process.pid) if b"temporary_api_server" in _cmdline(pid)]
        assert len(servers) == 1, "the run's temporary Prefect API is its own child"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=BOUND)
        deadline = time.monotonic() + BOUND
        while alive(servers[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(servers[0])
    finally:
        if process.poll() is None:
            process.kill()
        drip.stop()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


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
        deadline = time.monotonic() + BOUND
        # into the wait: the 503 answered, the request's thread ended, the run asleep. Before,
        # a 0.5 s sleep, which a busy machine could outlast before the wait began
        while not (answered(server) and sleeping_alone(process.pid)):
            assert process.poll() is None and time.monotonic() < deadline, "it never waited"
            time.sleep(0.01)  # a poll, not a wait for time to pass
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=BOUND)  # well before the 100 s are over
        assert process.returncode == 128 + signal.SIGTERM
        assert b"stopping (SIGTERM)" in err and b"Traceback" not in err
        assert len(server.requests_to("/api/query")) == 1  # no retry after the stop
    finally:
        server.stop()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_scholarkg_run_cleanly_and_the_next_run_completes(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """``scholarkg run`` stopped while one source is still arriving: one line saying so, a
    report that says interrupted, no traceback, nothing left running (the temporary Prefect
    API included), and the next run builds what was asked."""
    drip = dripping_profile()
    sample = ROOT / "examples" / "profiles" / "leonard-hussenot.txt"
    config = write_config(
        tmp_path, [sample, drip.url], http={"read_timeout": 30.0, "min_interval": 0.0}
    )
    process = start_run(config)
    try:
        assert drip.asked.wait(STARTUP_BOUND), "the run never fetched the page"
        spawned = children(process.pid)
        process.send_signal(sig)
        out, err = process.communicate(timeout=BOUND)
    finally:
        if process.poll() is None:
            process.kill()
        drip.stop()
    assert process.returncode == 128 + sig, (out, err)  # 130 for SIGINT, 143 for SIGTERM
    assert f"stopping ({sig.name})".encode() in err, err
    assert b"Traceback" not in err + out, err
    assert b"failed: interrupted" in out, out
    assert not still_running(spawned)
    [report] = (tmp_path / "data" / "reports").glob("build-*.json")
    stopped = json.loads(report.read_text())
    assert stopped["interrupted"]
    wrote = [stopped[k] for k in ("triples_added", "provenance_triples", "report_triples")]
    assert sum(wrote) + sum(stopped["run_graphs"].values()) == held_quads(tmp_path / "store")
    again = load_config(write_config(tmp_path, [sample]))
    from scholarkg.runs.build import build

    done = build(again).report
    assert done.outcome in ("ok", "degraded") and done.papers == 25, done.summary_lines()
