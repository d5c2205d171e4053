"""What a run prints while Prefect runs it: by default only our own lines; Prefect's with ``-v``.

Prefect writes its log lines to the terminal through the ``console`` handler of its logging
configuration and sends the same records to its API (the UI) through the ``api`` handler. A
quiet run raises only the console handler's level, through the environment override Prefect's
``logging.yml`` documents (``PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL``), before Prefect is
imported: every record still reaches the API at its usual level, so the Prefect UI shows the
whole run either way. The setting is the command's only (:func:`configured`): a program that
calls the CLI in-process gets its environment back as it was, and Prefect's console its usual
level when the command was what first set Prefect up.

Warnings of scholarkg's own library loggers (``scholarkg.*``) are not Prefect's: a quiet run
prints them as ``warning: …`` lines instead of dropping them with the console.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

CONSOLE_LEVEL = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"
SETTINGS = ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED", CONSOLE_LEVEL)


@contextmanager
def configured(verbose: bool) -> Iterator[None]:
    """For one command (enter before Prefect is imported): :func:`configure`, then the
    environment and the ``scholarkg`` logger as they were found, so an in-process
    ``scholarkg.cli.main([...])`` leaves none of its settings to its caller's later Prefect
    runs and subprocesses (before: the quiet console level stayed in ``os.environ``). The
    processes the command started meanwhile (a temporary Prefect API, Dask workers) had them."""
    found = {name: os.environ.get(name) for name in SETTINGS}
    library = logging.getLogger("scholarkg")
    handlers = list(library.handlers)
    set_up_before = _prefect_set_up()
    configure(verbose)
    try:
        yield
    finally:
        quieted = os.environ.get(CONSOLE_LEVEL) != found[CONSOLE_LEVEL]
        for name, value in found.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        for handler in [h for h in library.handlers if h not in handlers]:
            library.removeHandler(handler)
        if quieted and not set_up_before:
            _console_as_configured()


_PREFECT_LOGGING = "prefect.logging.configuration"


def _prefect_set_up() -> bool:
    """Whether Prefect's logging is set up in this process (it is once, when first needed)."""
    configuration = sys.modules.get(_PREFECT_LOGGING)
    return configuration is not None and bool(configuration.PROCESS_LOGGING_CONFIG)


def _console_as_configured() -> None:
    """Prefect's console handler at the level its logging configuration gives it now the
    command's quiet level is gone from the environment. Prefect reads it once, when first set
    up: set up during the command (first imported by it), its console stayed at CRITICAL in
    the caller's process, whose later flow runs printed nothing. (Prefect's own incremental
    set-up cannot do it: ``dictConfig`` skips a handler level of 0, the console's.)"""
    named = (h for h in logging.getLogger().handlers if h.get_name() == "console")
    console = next(named, None)  # the handler Prefect's configuration names console
    if not _prefect_set_up() or console is None:
        return  # Prefect was not set up: it reads the environment as restored when it is
    configuration = sys.modules[_PREFECT_LOGGING]
    from prefect.settings import PREFECT_LOGGING_SETTINGS_PATH

    path = PREFECT_LOGGING_SETTINGS_PATH.value()
    if not path.exists():
        path = configuration.DEFAULT_LOGGING_SETTINGS_PATH
    level = configuration.load_logging_config(path).get("handlers", {}).get("console", {})
    console.setLevel(level.get("level", logging.NOTSET))


def configure(verbose: bool) -> None:
    """Call before Prefect is imported. An explicit setting in the environment wins."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if verbose:
        return
    os.environ.setdefault(CONSOLE_LEVEL, "CRITICAL")
    library = logging.getLogger("scholarkg")
    if not any(isinstance(h, LibraryWarnings) for h in library.handlers):
        library.addHandler(LibraryWarnings())


class LibraryWarnings(logging.Handler):
    """``warning: <message>`` on stderr (the current one) for WARNING and above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(f"{record.levelname.lower()}: {record.getMessage()}\n")
        except Exception:
            self.handleError(record)
