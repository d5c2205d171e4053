"""A stopped run ends on its Cancelled state (with the stop's one-line reason), not on an ERROR
from Prefect's engine after it.

A deployment's run (``scholarkg schedule serve``, a worker) goes through Prefect's engine, which
asks the flow run's final state for its result once the run has ended. A Cancelled state's
result always raises (``CancelledRun``, or a ``TypeError`` when the state carries the run's
report, as ours do), so the engine logged "Engine execution exited with unexpected exception"
with a traceback on the flow run's logger (the terminal and the Prefect UI) after every stopped
run, then exited 0, the run's state being recorded already. :func:`mark_stopped` notes the flow
run that its body ended Cancelled, and that one record is dropped for it; any other error of
the engine's still shows. ``scholarkg run`` asks for the state itself and never gets it.
"""

from __future__ import annotations

import logging

from prefect.context import FlowRunContext

ENGINE_ERROR = "Engine execution exited with unexpected exception"  # prefect.flow_engine.run_flow
ENGINE_LOGGER = "prefect.flow_runs"  # the logger of prefect.logging.flow_run_logger
_stopped: set[str] = set()  # the ids of the flow runs of this process that a stop ended


class StoppedRunEnd(logging.Filter):
    """Drops the engine's error about the result of a flow run that a stop ended."""

    def filter(self, record: logging.LogRecord) -> bool:
        stopped = str(getattr(record, "flow_run_id", "")) in _stopped
        return not (stopped and record.msg == ENGINE_ERROR)


def mark_stopped() -> None:
    """The current flow run (none outside a flow: nothing to do) ends Cancelled by a stop."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return
    _stopped.add(str(context.flow_run.id))
    logger = logging.getLogger(ENGINE_LOGGER)
    if not any(isinstance(f, StoppedRunEnd) for f in logger.filters):
        logger.addFilter(StoppedRunEnd())
