"""A bulk loader whose thread has failed is never waited for: the caller's next ``add``,
``drop`` or ``close`` raises the failure in one line. Here its manifest cannot be opened (the
state directory is a file): before, the thread died unheard (its error not kept), and the
caller waited for ever for room in the loader's queue — in ``add`` once the queue was full, in
``close`` and ``drop`` always once it was full."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

from scholarkg.errors import LoadError
from scholarkg.load.bulk import BulkLoader
from scholarkg.load.changes import ChangeSet
from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import GraphPayload, make_payload
from scholarkg.store.embedded import EmbeddedStore

EX = "https://example.org/"
WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
BOUND = 120.0  # only catches a hang


def graph(number: int) -> GraphPayload:
    iri = f"{EX}graph/{number}"
    return make_payload(iri, "arxiv", [(f"<{iri}/s>", f"<{EX}p>", '"v"')])


def raised(calls: Callable[[BulkLoader], None], tmp_path: Path) -> BaseException | None:
    """What ``calls`` raises on a loader whose manifest cannot be opened, in a thread the
    test waits for at most ``BOUND``; the loader aborted after."""
    state = tmp_path / "state"
    state.write_text("not a directory")
    outcome: list[BaseException | None] = []
    with EmbeddedStore(tmp_path / "store") as store:
        loader = BulkLoader(
            store,
            lambda: Manifest(state, "fingerprint"),
            run_iri="urn:x-test:run",
            when=WHEN,
            changes=ChangeSet(tmp_path / "changes"),
            queue_chunks=1,
        )

        def run() -> None:
            try:
                calls(loader)
                outcome.append(None)
            except BaseException as exc:  # handed to the test's thread
                outcome.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(BOUND)
        assert not thread.is_alive(), "the caller waits for a loader that has failed"
        loader.abort()
    [done] = outcome
    return done


def _adds(loader: BulkLoader) -> None:
    for number in range(3):
        loader.add([graph(number)])
    loader.close()


def _drops(loader: BulkLoader) -> None:
    loader.drop([f"{EX}graph/0"])
    loader.close()


def test_adds_to_a_failed_loader_raise_its_failure(tmp_path: Path) -> None:
    failed = raised(_adds, tmp_path)
    assert isinstance(failed, LoadError), failed
    assert str(failed).startswith("loading stopped: ") and "\n" not in str(failed), failed


def test_a_drop_and_close_of_a_failed_loader_raise_its_failure(tmp_path: Path) -> None:
    failed = raised(_drops, tmp_path)
    assert isinstance(failed, LoadError), failed
    assert str(failed).startswith("loading stopped: ") and "\n" not in str(failed), failed
