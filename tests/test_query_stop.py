"""``scholarkg query`` stopped (SIGTERM, or SIGINT as Ctrl-C sends it) while its query runs
ends at once: its worker is stopped, one line says so, and the exit code is the signal's.
Before, SIGTERM ended the command without a word and left its worker running the query (its
forkserver too: neither ever ended), and SIGINT printed "interrupted" and then waited for the
query to finish, however long it took."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config
from polls import until, within
from processes import alive
from serve_fixtures import build_v2_store
from store_workers import ENDLESS, store_worker

COMMAND = [sys.executable, "-m", "scholarkg.cli"]


def _catches(pid: int, sig: signal.Signals) -> bool:
    """Whether process ``pid`` has a handler for ``sig`` (its ``SigCgt`` mask in /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (sig - 1) & 1)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_query_ends_with_its_worker_in_one_line(
    sig: signal.Signals, code: int, tmp_path: Path
) -> None:
    store = build_v2_store(tmp_path / "store")
    config = write_config(tmp_path, [], store={"path": str(store)}, serve={"time_limit": 3600.0})
    command = subprocess.Popen(
        [*COMMAND, "query", "--config", str(config), "--sparql", ENDLESS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        worker = store_worker(command, store)
        assert worker is not None, command.communicate(timeout=60)
        # the pool starts its worker before the command takes SIGTERM and SIGINT over
        within(lambda: _catches(command.pid, signal.SIGTERM), 60, every=0.05)
        command.send_signal(sig)
        out, err = command.communicate(timeout=60)
    finally:
        if command.poll() is None:
            command.kill()
    assert command.returncode == code
    assert out == ""
    assert err.splitlines() == ["interrupted: stop requested"]
    # the killed worker is reaped by its forkserver
    until(lambda: not alive(worker), f"worker {worker} still running", 30, every=0.1)


def test_a_limit_that_stops_the_query_is_named_with_its_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: "query stopped: it ran longer than the time limit of 1 s", naming no setting
    the command's user could raise."""
    from scholarkg.cli import main

    store = build_v2_store(tmp_path / "store")
    slow = write_config(tmp_path, [], store={"path": str(store)}, serve={"time_limit": 1.0})
    assert main(["query", "--config", str(slow), "--sparql", ENDLESS]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "error: query stopped: it ran longer than the time limit of 1 s ([serve] time_limit = 1)"
    ]
    small = write_config(tmp_path, [], store={"path": str(store)}, serve={"max_result_mb": 1})
    pairs = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    assert main(["query", "--config", str(small), "--sparql", pairs, "--format", "csv"]) == 1
    captured = capsys.readouterr()
    # streamed: the rows sent within the limit went out, and the one line says they are cut
    lines = captured.out.splitlines()
    assert lines[0] == "a,b,c,d,e,f" and captured.out.endswith("\n")
    assert len(lines) > 1 and len(captured.out.encode()) < 1 << 20
    assert captured.err.splitlines() == [
        f"error: query stopped: result larger than the limit of {1 << 20} bytes; add LIMIT "
        f"([serve] max_result_mb = 1); the output stops after {len(lines) - 1} rows: incomplete"
    ]


@pytest.mark.parametrize(
    ("query", "fmt", "said"),
    [
        (ENDLESS, "turtle", "SELECT results come as table, csv, tsv, json, not 'turtle'"),
        (
            "ASK { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
            "nt",
            "ASK results come as table, csv, tsv, json, not 'nt'",
        ),
        (
            ENDLESS.replace("SELECT (COUNT(*) AS ?n)", "CONSTRUCT { ?a ?b ?c }"),
            "csv",
            "graph results come as table, turtle, nt, json, jsonld, not 'csv'",
        ),
    ],
)
def test_a_format_the_query_form_cannot_come_in_is_refused_before_it_runs(
    query: str,
    fmt: str,
    said: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before, the query ran first and the format was refused only once it answered: here it
    never does, and the time limit stopped it instead."""
    from scholarkg.cli import main

    store = build_v2_store(tmp_path / "store")
    config = write_config(tmp_path, [], store={"path": str(store)}, serve={"time_limit": 2.0})
    assert main(["query", "--config", str(config), "--sparql", query, "--format", fmt]) == 1
    assert capsys.readouterr().err.splitlines() == [f"error: {said}"]
