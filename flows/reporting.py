"""Run reports as Prefect artifacts and log lines (the same report the CLI prints), and the
SIGTERM/SIGINT handling every flow body uses."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.utilities.engine import is_prefect_sigterm_handler_installed

from scholarkg.lifecycle import STOP, stop_once
from scholarkg.runs.report import RunReport
from scholarkg.runs.report_markdown import report_markdown

COLUMNS = ("graph", "severity", "focus", "path", "message", "shape", "value")


def publish_artifacts(report: RunReport, *, key: str) -> None:
    """A markdown report, a table of SHACL findings, and the summary in the run's log."""
    create_markdown_artifact(key=f"{key}-report", markdown=report_markdown(report))
    empty: dict[str, str | None] = dict.fromkeys(COLUMNS, "")
    table = [dict(f) for f in report.findings] or [
        empty | {"severity": "none: every graph conforms"}
    ]
    create_table_artifact(key=f"{key}-shacl-findings", table=table)
    logger = get_run_logger()
    for line in report.summary_lines():
        failing = line.startswith(("degraded:", "failed:", "dead-letter:", "kept:"))
        (logger.warning if failing else logger.info)(line)


@contextmanager
def stop_cleanly() -> Iterator[None]:
    """While a flow body runs: SIGTERM/SIGINT ask the job to stop at its next check (so it
    keeps what it staged and reports the stop) instead of crashing the flow run mid-write; a
    second signal changes nothing (:func:`~scholarkg.lifecycle.stop_once`). A body that
    stopped leaves that SIGTERM handler to the flow engine's end, which restores what the
    engine replaced: Prefect's handler back, a signal while the engine finishes would crash
    the run that is handing over its report (before: ``interrupted: stop requested`` and no
    report)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    prefects = is_prefect_sigterm_handler_installed()  # restored by the engine that set it
    previous = {s: signal.signal(s, stop_once) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if not (sig == signal.SIGTERM and prefects and STOP.is_set()):
                signal.signal(sig, handler)
