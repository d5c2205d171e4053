"""A SPARQL server as the store is asked once per run, before the run reads any source, whether
it can be the run's store (:func:`scholarkg.store.probe.check_writable`).

Every run asks, whoever started it — the CLI, a Prefect deployment, a library call such as
:func:`scholarkg.runs.build.build`: :class:`~scholarkg.runs.context.RunContext` does when it
starts (before: only the CLI did, and a run started otherwise read and validated every source,
then kept or dead-lettered every graph a read-only server refused). A command that asks
earlier, before it names the store and starts Prefect (``scholarkg run``), asks within
:func:`asked_for_the_next_run`: the next run this process starts into that store takes that
answer instead of asking again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager

from scholarkg.config import Config
from scholarkg.load.outbox import outbox_store_key

_answered: set[str] = set()  # stores asked for a run this process has not started yet
_guard = threading.Lock()


def check_server_store(config: Config) -> None:
    """A SPARQL server as the store is opened (a URL with credentials is refused before any
    line names it) and asked whether it takes a run's queries and writes: a one-line
    :class:`~scholarkg.errors.ConfigError` when it cannot; nothing for another kind."""
    if config.store.kind != "sparql":
        return
    from scholarkg.store.probe import check_writable

    with closing(config.store.open()) as store:
        check_writable(store)


@contextmanager
def asked_for_the_next_run(config: Config) -> Iterator[None]:
    """Ask now (:func:`check_server_store`); the first run started meanwhile in this process
    into the same store does not ask again. Its answer is for that run only: a later one asks."""
    check_server_store(config)
    if config.store.kind != "sparql":
        yield
        return
    key = outbox_store_key(config.store)
    with _guard:
        _answered.add(key)
    try:
        yield
    finally:
        with _guard:
            _answered.discard(key)


def check_before_run(config: Config) -> None:
    """What a run does first: :func:`check_server_store`, unless this process asked for this
    run already (:func:`asked_for_the_next_run`)."""
    if config.store.kind != "sparql":
        return
    key = outbox_store_key(config.store)
    with _guard:
        if key in _answered:
            _answered.discard(key)
            return
    check_server_store(config)
