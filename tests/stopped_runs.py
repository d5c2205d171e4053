"""What the tests of stopped runs share: the CONSTRUCTED input (the 100 real snapshot lines
copied under new ids, ``9004.NNNNN``, a range no e-print can have), a snapshot load in a child
process that holds itself at a chosen call (helpers/killed_at.py, ``KILLED_BY=STOP``) for the
test to signal it however fast it runs, ``scholarkg run`` in a child process with a source still
arriving or sent SIGTERM at a hook (:func:`run_terminated_at`), the check that a stopped load's
report counts what its store holds (:func:`stopped_counts_what_the_store_holds`), and the
bounds that only catch a hang. The ``uninterrupted`` fixture: tests/stopped_runs_fixtures.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from conftest import write_config
from loopback import Drip
from polls import within
from processes import alive, children, wait_held, wait_shown
from samples import ROOT

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
# a run sent SIGTERM at a hook (run_terminated_at): only catches a hang
TERMINATED_BOUND = 300.0


def copies(path: Path, times: int) -> Path:
    """``times`` copies of the snapshot sample, each under new ids, written to ``path``."""
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
    within(lambda: not any(alive(pid) for pid in pids), BOUND, every=0.1)
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


def run_terminated_at(hook: str, config: Path) -> None:
    """``scholarkg run`` with SIGTERM sent at ``hook`` (helpers/killed_at.py): it stops cleanly,
    in one line, the run recorded as interrupted."""
    stopped = subprocess.run(
        [sys.executable, str(KILLED_AT), hook, "run", "--config", str(config)],
        capture_output=True, text=True, timeout=TERMINATED_BOUND,
        env={**os.environ, "KILLED_BY": "TERM"},
    )  # fmt: skip
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert "stopping (SIGTERM)" in stopped.stderr, stopped.stderr
    assert "Traceback" not in stopped.stderr + stopped.stdout, stopped.stderr
    assert "failed: interrupted" in stopped.stdout, stopped.stdout


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
    assert report["store_quads"] == sparql_count(store)  # said as a finished run says it
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


def sparql_count(store: ox.Store) -> int:
    """The quads of ``store``, counted by a SPARQL query (named graphs and default graph)."""
    total = 0
    for where in ("GRAPH ?g { ?s ?p ?o }", "?s ?p ?o"):
        rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        assert isinstance(rows, ox.QuerySolutions)
        total += sum(int(row["n"].value) for row in rows)  # type: ignore[union-attr]
    return total
