"""A temporary Prefect API for one CLI run that cannot outlive it.

Without ``PREFECT_API_URL``, Prefect starts its own temporary server in a subprocess, which
survives a ``kill -9`` of the run. The CLI starts the same server itself instead (Prefect's
uvicorn app factory, loopback only, UI off; :mod:`scholarkg_flows.temporary_api_server`),
points Prefect's API URL setting at it for the run, and stops it on the way out, after the log
records and events Prefect still holds for it are sent (:func:`send_what_is_queued`).

Only the run stops the server: the server ignores SIGINT and SIGTERM and runs in a session of
its own, outside the run's process group, so Ctrl-C in a terminal (SIGINT to the whole
foreground group), ``kill -TERM -<pgid>`` or systemd stopping the run's control group reach
the run, which stops cleanly while the server still answers. (A server stopped at the same
moment as the run left the run's last state changes and log records facing a closed port:
minutes of Prefect's client retries, then tracebacks.) The run stops it by closing its stdin;
a run that dies closes it too, and the kernel kills the server then
(:func:`scholarkg.lifecycle.die_with_parent`), even after a ``kill -9`` of the run. A run whose
stdout is closed (``scholarkg run >&-``) gives it ``/dev/null`` instead (before: it had no
stdout, and uvicorn failed to start, 'NoneType' object has no attribute 'isatty', a traceback
and 'the temporary Prefect API exited with 1' ending the run).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import httpx

from scholarkg.errors import ConfigError
from scholarkg.lifecycle import die_with_parent, pause

STARTUP_SECONDS = 120.0
DRAIN_SECONDS = 30.0
STOP_SECONDS = 10.0
ANSWER_SECONDS = 10.0  # a configured API's answer to one request, as a run starts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _open(fd: int) -> bool:
    """Whether this process has file descriptor ``fd`` open."""
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


@contextmanager
def temporary_prefect_api() -> Iterator[str | None]:
    """Yield the API URL to use: the configured one (once it answers), else a temporary
    server's."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        check_answers(configured)
        yield None
        return
    port = _free_port()
    env = os.environ | {
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "scholarkg_flows.temporary_api_server", str(port)],
        env=env,
        stdin=subprocess.PIPE,
        stdout=None if _open(1) else subprocess.DEVNULL,  # a closed stdout fails uvicorn
        preexec_fn=partial(die_with_parent, signal.SIGKILL),  # it ignores SIGTERM
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_until_healthy(server, url)
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        send_what_is_queued()
        _stop(server)


def check_answers(url: str) -> None:
    """A :class:`~scholarkg.errors.ConfigError` in one line naming ``PREFECT_API_URL`` when
    the API there gives no answer (any answer will do: its ``/health``, needing no key) within
    :data:`ANSWER_SECONDS`. Asked through Prefect's own client, once, so the settings the run's
    client follows hold for it too (``PREFECT_API_TLS_INSECURE_SKIP_VERIFY``,
    ``PREFECT_API_SSL_CERT_FILE``, custom headers, the key): before, a plain request refused an
    API with a private certificate that Prefect reaches. Before that, the flow's start failed on
    Prefect's ``RuntimeError: Failed to reach API``, a traceback of three chained exceptions."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    with (
        temporary_settings(updates={PREFECT_API_URL: url, PREFECT_CLIENT_MAX_RETRIES: 0}),
        get_client(sync_client=True, httpx_settings={"timeout": ANSWER_SECONDS}) as client,
    ):
        failure = client.api_healthcheck()
    if failure is None or isinstance(failure, httpx.HTTPStatusError):  # it answered
        return
    said = " ".join(f"{type(failure).__name__}: {failure}".split())
    raise ConfigError(
        f"PREFECT_API_URL={url}: the Prefect API does not answer ({said}); start it, or "
        "unset PREFECT_API_URL for a temporary one"
    ) from None


def _stop(server: subprocess.Popen[bytes]) -> None:
    """End the server's input, which stops it; kill it if it has not stopped in STOP_SECONDS."""
    if server.stdin is not None:
        server.stdin.close()
    try:
        server.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _wait_until_healthy(server: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise ConfigError(f"the temporary Prefect API exited with {server.returncode}")
            try:
                if client.get(f"{url}/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            pause(0.2)  # a stop asked for meanwhile ends the wait (Interrupted)
    raise ConfigError(f"the temporary Prefect API did not answer within {STARTUP_SECONDS:.0f} s")


def send_what_is_queued(timeout: float = DRAIN_SECONDS) -> None:
    """Send the log records and events Prefect still queues for the API, and stop its senders.

    Prefect hands a run's log records to a background service (``APILogWorker``) that posts
    them in batches every ``PREFECT_LOGGING_TO_API_BATCH_INTERVAL`` seconds, and its events to
    another (``EventsWorker``). What is still queued when the flow returns is otherwise sent by
    their at-exit hooks, when this temporary API has already stopped: the run then ends with
    "--- Error logging to API --- All connection attempts failed" on stderr, and those records
    are lost. Draining both while the server still answers sends them (Prefect's own test
    harness does the same before it stops its server).
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=timeout)
    EventsWorker.drain_all(timeout=timeout)
