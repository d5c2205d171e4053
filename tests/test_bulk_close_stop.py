"""A SIGTERM while the bulk loader closes (waiting for the chunks queued and its last segment)
stops the run within a bounded wait: the loader takes no chunk after the one it is writing, its
segment is not committed, the run ends with the usual interrupted report, and the next run
makes the store one uninterrupted load makes. Before, ``BulkLoader.close`` joined its thread
with no limit and heeded no stop: every queued chunk was loaded and committed first.

A loader thread that never ends fails the wait in one line naming it (the thread is held here by
the test, the deadline made short so that the test need not wait an hour).

The input is CONSTRUCTED, as in test_stop.py: the 100 real snapshot lines copied under new ids.
The run holds its loader thread at its first chunk until it closes the loader, then until the
stop (helpers/loader_held_in_close.py), so the SIGTERM comes during the close however fast the
run is.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from building import content
from conftest import write_config
from polls import until
from processes import kill_run, wait_shown
from scholarkg.config import load_config
from scholarkg.errors import LoadError
from scholarkg.lifecycle import Interrupted
from scholarkg.load.bulk import BulkLoader
from scholarkg.load.changes import ChangeSet
from scholarkg.load.manifest import Manifest
from scholarkg.load.payload import make_payload
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.context import RunContext
from scholarkg.runs.cut_short import stop_run
from scholarkg.runs.loading import Loading
from scholarkg.store.embedded import EmbeddedStore
from stopped_runs import BOUND, COPIES, STARTUP_BOUND, copies, stopped_counts_what_the_store_holds

pytest_plugins = ("stopped_runs_fixtures",)

GRAPH = "https://w3id.org/scholarkg/id/graph/arxiv/"
HELD_IN_CLOSE = Path(__file__).parent / "helpers" / "loader_held_in_close.py"
CHUNK = 50


def _read(stream: Any, into: list[bytes]) -> None:
    for line in stream:
        into.append(line)


def test_a_sigterm_while_the_bulk_loader_closes_stops_the_run_and_leaves_its_segment(
    tmp_path: Path,
    uninterrupted: dict[str, set[tuple[str, str, str]]],
) -> None:
    snapshot = copies(tmp_path / "snapshot.jsonl", COPIES)
    run = tmp_path / "run"
    run.mkdir()
    config = write_config(run, [], runner={"max_workers": 2})
    process = subprocess.Popen(
        [sys.executable, str(HELD_IN_CLOSE), "arxiv", "load-snapshot", str(snapshot),
         "--batch-size", str(CHUNK), "--loader", "bulk", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},  # a hang's failure shows the stacks
    )  # fmt: skip
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [
        threading.Thread(target=_read, args=(stream, into), daemon=True)
        for stream, into in ((process.stdout, out), (process.stderr, err))
    ]
    for reader in readers:
        reader.start()
    try:

        def waiting() -> bool:
            if b"killed_at: waiting for a stop" in b"".join(err):
                return True
            assert process.poll() is None, b"".join(err).decode(errors="replace")
            return False

        # only catches a run that never gets there
        until(waiting, "the run never closed its loader", STARTUP_BOUND, every=0.05)
        process.send_signal(signal.SIGTERM)
        wait_shown(process, BOUND, lambda: b"".join(err).decode(errors="replace"))
    finally:
        kill_run(process)
    for reader in readers:
        reader.join(BOUND)
    said, stderr = b"".join(out), b"".join(err)
    assert process.returncode == 128 + signal.SIGTERM, (said, stderr)
    assert b"stopping (SIGTERM)" in stderr and b"Traceback" not in stderr, stderr
    assert b"outcome: failed" in said and b"failed: interrupted" in said, said
    # The held chunk alone: none after the stop (before: all twelve, then the person graphs',
    # loaded and committed while the SIGTERM waited).
    assert stderr.count(b"loader: took a chunk") == 1, stderr
    [path] = (run / "data" / "reports").glob("snapshot-*.json")
    report = json.loads(path.read_text())
    assert report["interrupted"] and report["store_error"] is None, report
    assert 0 < report["records_loaded"] <= CHUNK, report  # of the first chunk: not committed
    stopped_counts_what_the_store_holds(run, report)
    # The next run finishes the job: the store ends as one uninterrupted load makes it.
    again = load_snapshot(
        load_config(config), snapshot, chunk_records=CHUNK, workers=0, bulk=True
    ).report
    assert again.outcome == "ok", again.summary_lines()
    assert content(load_config(config)) == uninterrupted


def _loader(tmp_path: Path, store: EmbeddedStore, **options: Any) -> BulkLoader:
    return BulkLoader(
        store,
        lambda: Manifest(tmp_path / "state", "fingerprint"),
        run_iri="urn:x-test:run",
        when=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        changes=ChangeSet(tmp_path / "changes"),
        **options,
    )


@pytest.mark.parametrize("ending", ["close", "abort"])
def test_a_loader_thread_that_never_ends_fails_the_wait_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    """Its thread held in a chunk (as a store operation that never returns holds it): ``close``
    fails once it has taken no chunk for ``idle_deadline``, ``abort`` once it has not ended
    ``abort_deadline`` after (before: ``close`` waited for ever, ``abort`` went on without a
    word, the thread running)."""
    entered, release = threading.Event(), threading.Event()
    take = BulkLoader._take

    def held(self: BulkLoader, chunk: Any) -> None:
        entered.set()
        release.wait(BOUND)
        take(self, chunk)

    monkeypatch.setattr(BulkLoader, "_take", held)
    payload = make_payload("https://example.org/g", "arxiv", [("<urn:s>", "<urn:p>", '"o"')])
    with EmbeddedStore(tmp_path / "store") as store:
        loader = _loader(tmp_path, store, idle_deadline=0.5, abort_deadline=0.5)
        try:
            loader.add([payload])
            assert entered.wait(BOUND)
            with pytest.raises(LoadError) as failed:
                loader.close() if ending == "close" else loader.abort()
        finally:
            release.set()
        message = str(failed.value)
        assert "\n" not in message
        assert "bulk loader's thread (scholarkg-loader)" in message
        assert "the next run writes it again" in message
        loader.abort()  # let go, it ends


def test_a_stop_ends_the_close_and_the_loader_takes_no_further_chunk(tmp_path: Path) -> None:
    """A stop asked for while ``close`` waits: it raises Interrupted, and the chunks queued
    behind the one being written are not written; nothing of the segment is committed."""
    stop, entered, release = threading.Event(), threading.Event(), threading.Event()
    taken: list[int] = []
    payloads = [
        make_payload(f"https://example.org/g{n}", "arxiv", [("<urn:s>", "<urn:p>", f'"{n}"')])
        for n in range(3)
    ]
    with EmbeddedStore(tmp_path / "store") as store:
        loader = _loader(tmp_path, store, stop=stop)
        take = loader._take

        def held(chunk: Any) -> None:
            taken.append(len(taken))
            entered.set()
            release.wait(BOUND)
            take(chunk)

        loader._take = held  # type: ignore[method-assign]
        for payload in payloads:
            loader.add([payload])
        assert entered.wait(BOUND)
        stop.set()
        release.set()
        with pytest.raises(Interrupted):
            loader.close()
        loader.abort()
        assert taken == [0]
        assert loader.tally.records == 0
        manifest = Manifest(tmp_path / "state", "fingerprint")
        try:  # the graph written is not noted: the next run finds it and writes it again
            assert manifest.known([p.iri for p in payloads]) == {}
        finally:
            manifest.close()


def test_a_stopped_run_whose_loader_thread_does_not_end_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped while its loader thread is held in a chunk past ``[store]
    loader_abort_deadline``: the run's report gives the store error naming the thread and the
    configured deadline, no run record is written over a store still being written, and the
    stop goes on to its report (before: the thread was left running without a word; the
    deadline was a module constant, 60 s, that no config could shorten)."""
    entered, release = threading.Event(), threading.Event()
    take = BulkLoader._take

    def held(self: BulkLoader, chunk: Any) -> None:
        entered.set()
        release.wait(BOUND)
        take(self, chunk)

    monkeypatch.setattr(BulkLoader, "_take", held)
    config = load_config(write_config(tmp_path, [], store={"loader_abort_deadline": 0.25}))
    with RunContext(config, "snapshot") as ctx:
        loading = Loading(ctx, bulk=True)
        try:
            loading.add([make_payload(f"{GRAPH}1", "arxiv", [(f"<{GRAPH}1>", "<urn:p>", '"o"')])])
            assert entered.wait(BOUND)
            stop_run(ctx, loading, Interrupted("stop requested (SIGTERM/SIGINT)"))
        finally:
            release.set()
            loader = loading._loader
            assert isinstance(loader, BulkLoader)
            loader._loop._thread.join(BOUND)  # ends once let go, before the store closes
    report = ctx.report
    assert report.interrupted and report.store_error is not None, report.summary_lines()
    assert "\n" not in report.store_error
    assert "bulk loader's thread (scholarkg-loader) did not end" in report.store_error
    assert "within 0.25 s of being stopped" in report.store_error, report.store_error
    assert loader._loop.abort_deadline == 0.25
    assert "run record" not in report.run_graphs
