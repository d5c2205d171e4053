"""A run that ends Cancelled (stopped) or Failed ends on that state and its one-line reason in
the run's log, not on an ERROR from Prefect's engine after it.

A deployment's run (``scholarkg schedule serve``, a worker) goes through Prefect's engine, which
asks the flow run's final state for its result once the run has ended. A Cancelled or Failed
state's result always raises (ours, the :class:`~scholarkg.errors.RunStopped` or
:class:`~scholarkg.errors.RunFailed` holding the run's report), so the engine logged "Engine
execution exited with unexpected exception" with a traceback on the flow run's logger (the
terminal and the Prefect UI) after every stopped or failed run, then exited, the run's state
being recorded already. :func:`mark_ended` notes the flow run that its body ended so, and that
one record is dropped for a stopped run and, for a failed one, is the failure's one line (still
an ERROR: the run failed) with no traceback; any other error of the engine's still shows.
``scholarkg run`` asks for the state itself and never gets it.

A run refused before it began (:func:`refused`: a bad setting, a date it cannot harvest from)
ends the same way: Failed on the refusal's one line, never an ERROR with a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from prefect.client.schemas.objects import State
from prefect.context import FlowRunContext
from prefect.states import Failed

from scholarkg.errors import ScholarKGError
from scholarkg.runs.report import RunReport

ENGINE_ERROR = "Engine execution exited with unexpected exception"  # prefect.flow_engine.run_flow
ENGINE_LOGGER = "prefect.flow_runs"  # the logger of prefect.logging.flow_run_logger
# the flow runs of this process that ended on their report: id -> what the engine's error
# about their result says instead (None: nothing, for a stopped run)
_ended: dict[str, str | None] = {}


class RunEnd(logging.Filter):
    """The engine's error about the result of a flow run that ended on its report: dropped, or
    made the failure's one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        flow_run_id = str(getattr(record, "flow_run_id", ""))
        if record.msg != ENGINE_ERROR or flow_run_id not in _ended:
            return True
        instead = _ended.pop(flow_run_id)  # the engine says it once a run: nothing kept
        if instead is None:
            return False
        record.msg, record.args, record.exc_info, record.exc_text = instead, (), None, None
        return True


def mark_ended(failed: str | None = None) -> None:
    """The current flow run (none outside a flow: nothing to do) ends Cancelled, or Failed for
    the reason ``failed``, with the run's report as its result."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return
    _ended[str(context.flow_run.id)] = failed
    logger = logging.getLogger(ENGINE_LOGGER)
    if not any(isinstance(f, RunEnd) for f in logger.filters):
        logger.addFilter(RunEnd())


def failure_reason(report: RunReport) -> str:
    """Why a failed run failed, in one line: the store's error, the file it could not write, or
    its first failed source (naming it) and how many more failed."""
    if report.store_error:
        return f"store: {report.store_error}"
    if report.run_error:
        return report.run_error
    if not report.failures:
        return "nothing could be loaded"
    source, error = report.failures[0]
    first = error if error.startswith(f"{source}:") else f"{source}: {error}"
    more = len(report.failures) - 1
    return f"{first} (and {more} more failed)" if more else first


def refused(error: ScholarKGError) -> State[Any]:
    """The Failed state of a flow run the project's own error refused (a
    :class:`~scholarkg.errors.ConfigError` before anything ran, a snapshot that is not there):
    its one line, the error its result (which calling the flow raises). Before: the flow raised
    it, and Prefect logged "Encountered exception during execution" with a traceback. A bug's
    exception is not caught: its traceback still shows."""
    line = str(error)
    mark_ended(line)
    return Failed(message=line, data=error)
