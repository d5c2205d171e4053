"""The first screen: what `scholarkg run` prints, as a new user runs it (a subprocess, no
PREFECT_API_URL, so the run starts its own temporary Prefect API and stops it at the end)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from building import run_cli
from conftest import write_config
from loopback import free_port
from samples import SAMPLE_PROFILE

BOUND = 600  # a hang, not a slow machine
PREFECT_LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} \| ")  # Prefect's console format


def progress_lines(config_store: Path) -> list[str]:
    return [
        f"scholarkg run: 1 profile into the embedded Oxigraph store at {config_store}; "
        "arXiv enrichment off ([arxiv] enabled = false)",
        "Prefect: starting a temporary local API for this run "
        "(set PREFECT_API_URL to follow runs in a Prefect UI)",
    ]


@pytest.mark.flow
def test_a_run_prints_progress_one_summary_and_the_summary_query(tmp_path: Path) -> None:
    config = write_config(tmp_path, [SAMPLE_PROFILE])
    first = run_cli(config)
    assert first.returncode == 0, first.stdout + first.stderr
    # stderr: the two progress lines and nothing else (no Prefect log lines, no "--- Error
    # logging to API ---" from logs flushed after the temporary API stopped, no traceback)
    assert first.stderr.splitlines() == progress_lines(tmp_path / "store"), first.stderr
    out = first.stdout
    assert out.count("scholarkg run summary") == 1 and out.count("outcome: ok") == 1, out
    assert "Traceback" not in out and not any(PREFECT_LINE.match(x) for x in out.splitlines())
    summary, _, table = out.partition("\npapers-per-year: ")
    assert "changes: 46 data graphs written" in summary, out
    assert table.splitlines()[1:3] == ["year  papers", "----  ------"], out
    assert "(7 rows)" in table

    again = run_cli(config, "-v")  # nothing new, and Prefect's log lines shown
    assert again.returncode == 0, again.stdout + again.stderr
    out = again.stdout
    assert out.count("scholarkg run summary") == 1 and "changes: nothing new" in out, out
    assert "papers-per-year" not in out and "year  papers" not in out  # no summary query
    assert again.stderr.splitlines()[:2] == progress_lines(tmp_path / "store")
    prefect = [line for line in again.stderr.splitlines() if PREFECT_LINE.match(line)]
    assert any("Finished in state" in line for line in prefect), again.stderr
    assert "Error logging to API" not in again.stderr and "Traceback" not in again.stderr


@pytest.mark.flow
def test_a_degraded_run_says_so_in_one_line(tmp_path: Path) -> None:
    """arXiv unreachable (as offline): the profile loads without it, the summary says why in
    one `degraded:` line, and nothing else is printed about it (no rate-limit hint, no log
    line, no traceback)."""
    dead = f"http://127.0.0.1:{free_port()}/api/query"
    config = write_config(
        tmp_path,
        [SAMPLE_PROFILE],
        arxiv={"enabled": True, "api_url": dead, "min_interval": 0.05},
        http={"max_retries": 0},
    )
    done = run_cli(config)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.splitlines()[1:] == progress_lines(tmp_path / "store")[1:], done.stderr
    assert done.stderr.splitlines()[0].endswith("arXiv enrichment on")
    lines = done.stdout.splitlines()
    assert "outcome: degraded" in lines
    [degraded] = [line for line in lines if line.startswith("degraded:")]
    assert degraded.startswith(f"degraded: arXiv unusable at {dead} (connection refused)")
    assert done.stdout.count("scholarkg run summary") == 1
    assert "papers-per-year: " in done.stdout  # the profile still loaded


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_quiet_run_still_sends_every_log_line_to_the_prefect_api(tmp_path: Path) -> None:
    """Quiet on the terminal is not quiet in the UI: with PREFECT_API_URL set, the run reports
    there, and its INFO lines (the summary among them) are in the API's logs."""
    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL

    url = str(PREFECT_API_URL.value())
    config = write_config(tmp_path, [SAMPLE_PROFILE])
    done = subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", "run", "--config", str(config)],
        capture_output=True, text=True, env=os.environ | {"PREFECT_API_URL": url}, timeout=BOUND,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.splitlines()[1:] == [f"Prefect: reporting to {url}"], done.stderr
    with get_client(sync_client=True) as client:
        ours = [
            run.id
            for run in client.read_flow_runs(sort=FlowRunSort.END_TIME_DESC, limit=20)
            if run.parameters.get("config_path") == str(config)
        ]
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=ours)))
    messages = {log.message for log in logs}
    assert "outcome: ok" in messages and "task runner: threads(2)" in messages, messages


def test_quiet_mode_silences_prefects_console_but_not_scholarkg_warnings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import logging

    from scholarkg.cli import prefect_output

    for name in prefect_output.SETTINGS:
        monkeypatch.delenv(name, raising=False)
    library = logging.getLogger("scholarkg")
    monkeypatch.setattr(library, "handlers", list(library.handlers))  # restored afterwards
    # not on to the root logger's handlers: Prefect's console, when an earlier test in this
    # process imported Prefect, was configured then and would print the record as well
    monkeypatch.setattr(library, "propagate", False)
    found = list(library.handlers)
    with prefect_output.configured(verbose=True):
        assert prefect_output.CONSOLE_LEVEL not in os.environ
    with prefect_output.configured(verbose=False):
        prefect_output.configure(verbose=False)  # once is enough
        assert os.environ[prefect_output.CONSOLE_LEVEL] == "CRITICAL"
        logging.getLogger("scholarkg.shacl.engine").warning("validated with pySHACL: %s", "sh:or")
        logging.getLogger("scholarkg.shacl.engine").info("not shown")
        assert capsys.readouterr().err == "warning: validated with pySHACL: sh:or\n"
    assert not any(name in os.environ for name in prefect_output.SETTINGS)
    assert library.handlers == found  # a library caller's warnings are its own again


@pytest.mark.parametrize("set_before", [False, True], ids=["unset", "the caller's"])
def test_an_in_process_run_leaves_the_environment_as_it_found_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, set_before: bool
) -> None:
    """``scholarkg.cli.main(["run", …])`` called by a Python program: its quiet console level
    (and the analytics opt-outs) are for the call only, so the caller's later Prefect runs and
    subprocesses log as before; a value the caller had set stays. Before, the call left
    PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL=CRITICAL in ``os.environ``."""
    from scholarkg.cli import main, prefect_output

    for name in prefect_output.SETTINGS:
        if set_before:
            monkeypatch.setenv(name, "WARNING")
        else:
            monkeypatch.delenv(name, raising=False)
    before = dict(os.environ)
    config = write_config(tmp_path, [SAMPLE_PROFILE], report={"summary_query": "nope"})
    assert main(["run", "--config", str(config)]) == 1  # refused before Prefect starts
    assert dict(os.environ) == before


CONSOLE_AFTER = """
import logging, os
from scholarkg.cli import prefect_output
for name in prefect_output.SETTINGS:
    os.environ.pop(name, None)
with prefect_output.configured(verbose=False):
    from prefect import flow  # noqa: F401  (first imported inside the command, as by a run)
    inside = logging.getLogger().handlers[0].level
console = logging.getLogger().handlers[0]  # Prefect's console: on the root logger
print(type(console).__name__, logging.getLevelName(inside), logging.getLevelName(console.level))
"""


def test_prefect_first_imported_in_a_quiet_command_logs_as_usual_after_it() -> None:
    """Prefect reads its console handler's level once, when it is first imported: imported
    inside an in-process ``scholarkg.cli.main(["run", …])`` (a fresh interpreter here), it
    took the command's quiet CRITICAL and kept it, so the caller's later flow runs printed
    nothing. After the command, the console is at Prefect's own level (NOTSET: every record)."""
    done = subprocess.run(
        [sys.executable, "-c", CONSOLE_AFTER], capture_output=True, text=True, timeout=BOUND
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["PrefectConsoleHandler", "CRITICAL", "NOTSET"]
