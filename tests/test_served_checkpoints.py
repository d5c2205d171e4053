"""Readers of an embedded store read the checkpoint the last writer left, never the store while
it is written (pyoxigraph: a read-only open beside a writing process is undefined behaviour).

Measured before: serving a 20k-record store while `scholarkg arxiv load-snapshot` added 40k,
the server reopened its workers and warmed its caches after every write, answered 7 queries in
100 s (5-30 s each), and answers counted 2 013 197, then 2 014 352, then 2 013 308 quads: graphs
half replaced. A real server over real stores here; the writer is another process's
``pyoxigraph.Store`` (read-write), as a run is.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from building import build_store, rebuild
from polls import until
from processes import descendants
from rdf_sets import canonical
from samples import SAMPLE_PROFILE
from scholarkg.config import ServeSettings
from scholarkg.serve import ServerHandle, make_server
from scholarkg.store import served
from scholarkg.store.embedded import EmbeddedStore
from serve_fixtures import BASE, build_v2_store
from serve_helpers import running_server
from served_queries import COUNT, count


def insert(store: ox.Store, name: str) -> None:
    store.update(
        f'INSERT DATA {{ GRAPH <{BASE}graph/{name}> {{ <{BASE}x/{name}> <{BASE}p> "v" }} }}'
    )
    store.flush()


def checkpointed(tmp_path: Path) -> tuple[Path, ox.Store, Path]:
    """The constructed v2 store, open to write as a run has it, and its first checkpoint."""
    path = build_v2_store(tmp_path / "store")
    writer = ox.Store(str(path))
    return path, writer, served.take(writer, path)


def updating_server(path: Path) -> ServerHandle:
    """A server with ``--allow-updates`` over the store at ``path``, serving."""
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    return make_server(
        EmbeddedStore(path, read_only=True), allow_updates=True, settings=settings
    ).start()


def left(path: Path) -> list[str]:
    """What is in the store's checkpoint folder (a lease file only beside its checkpoint)."""
    names = sorted(p.name for p in served.served_dir(path).iterdir())
    leases = [n for n in names if n.endswith(".lease")]
    assert all(n.removesuffix(".lease") in names for n in leases), names
    return [n for n in names if n not in leases]


def quads(path: Path) -> int:
    return len(ox.Store.read_only(str(path)))


def test_a_checkpoint_is_what_readers_open_and_survives_writes_to_the_store(
    tmp_path: Path,
) -> None:
    path, writer, first = checkpointed(tmp_path)
    held = served.lease(path)
    assert held is not None and held.checkpoint == first
    before = quads(first)
    insert(writer, "later")
    assert quads(first) == before  # the checkpoint is not the store
    assert len(writer) == before + 1
    second = served.take(writer, path)
    assert served.current(path) == second and quads(second) == before + 1
    assert first.is_dir()  # held by a reader: kept
    held.release()
    third = served.take(writer, path)
    assert not first.exists() and not second.exists()  # nobody holds them: removed
    assert left(path) == [third.name, "current"]


def test_a_store_made_again_at_the_same_path_is_not_read_from_the_old_ones_checkpoint(
    tmp_path: Path,
) -> None:
    path, writer, _ = checkpointed(tmp_path)
    del writer
    for child in sorted(path.rglob("*"), reverse=True):
        child.unlink() if child.is_file() else child.rmdir()
    path.rmdir()
    EmbeddedStore(path).close()  # a new, empty store where the old one was
    assert served.current(path) is None
    assert served.lease(path) is None  # readers open the store itself until a run ends


def hold_then_release(path: str, ready: multiprocessing.synchronize.Event, go: object) -> None:
    held = served.lease(Path(path))
    assert held is not None
    ready.set()
    go.wait(60)  # type: ignore[attr-defined]


def test_a_checkpoint_another_process_holds_is_kept_until_it_lets_go(tmp_path: Path) -> None:
    path, writer, old = checkpointed(tmp_path)
    context = multiprocessing.get_context("spawn")
    ready, go = context.Event(), context.Event()
    reader = context.Process(target=hold_then_release, args=(str(path), ready, go))
    reader.start()
    try:
        assert ready.wait(60)
        served.take(writer, path)
        assert old.is_dir()
    finally:
        go.set()
        reader.join(60)
    assert served.prune(path) == [old]


def test_the_server_answers_from_the_checkpoint_while_the_store_is_written(
    tmp_path: Path,
) -> None:
    path = build_v2_store(tmp_path / "store")
    served.take(ox.Store(str(path)), path)
    with running_server(path, build=False) as (server, _):
        served_count = count(server.url)
        generation = server.kg.pool.generation
        writer = ox.Store(str(path))  # a run: writes for a while, then checkpoints
        for n in range(5):
            insert(writer, f"during-{n}")
            server.kg.check_store(force=True)  # the look its watcher takes each interval
            assert count(server.url) == served_count
        assert server.kg.pool.generation == generation  # no reopening while a run writes
        served.take(writer, path)
        until(
            lambda: count(server.url) == served_count + 5,
            "the new checkpoint was not served",
            every=0.05,
        )
        assert server.kg.pool.generation == generation + 1


def test_a_run_checkpoints_the_store_when_it_changed_it(tmp_path: Path) -> None:
    config, report = build_store(tmp_path, [SAMPLE_PROFILE])
    assert report.outcome == "ok"
    checkpoint = served.current(config.store.path)
    assert checkpoint is not None
    with EmbeddedStore(config.store.path, read_only=True) as store:
        assert quads(checkpoint) == store.quad_count()
    assert rebuild(config).changed_anything is False
    assert served.current(config.store.path) == checkpoint  # nothing new: the same checkpoint


def test_updates_through_the_server_are_checkpointed_for_its_query_workers(
    tmp_path: Path,
) -> None:
    path = build_v2_store(tmp_path / "store")
    with EmbeddedStore(path, read_only=True) as store:
        before = store.quad_count()
    server = updating_server(path)
    try:
        started = served.current(path)  # taken by the update worker: nothing reads the store
        assert started is not None and quads(started) == before
        assert count(server.url) == before
        update = f'INSERT DATA {{ GRAPH <{BASE}graph/u> {{ <{BASE}x/u> <{BASE}p> "v" }} }}'
        answer = requests.post(server.url + "update", data={"update": update}, timeout=60)
        assert answer.status_code == 204, answer.text
        checkpoint = served.current(path)
        assert checkpoint is not None and quads(checkpoint) == before + 1
        assert count(server.url) == before + 1
    finally:
        server.stop()


def test_checkpoints_cut_short_are_never_current_and_are_removed(tmp_path: Path) -> None:
    path, writer, done = checkpointed(tmp_path)
    root = served.served_dir(path)
    writer.backup(str(root / ".00000009.partial"))  # killed while it checkpointed
    writer.backup(str(root / "00000007"))  # killed before it pointed readers at it
    assert served.current(path) == done
    latest = served.take(writer, path)
    assert left(path) == [latest.name, "current"]


def deleted_store_files(pid: int, store: Path) -> list[str]:
    """Files of the store that process ``pid`` keeps open though a writer deleted them."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith(str(store) + "/") and target.endswith(" (deleted)"):
                found.append(target)
    return found


def test_the_serve_command_holds_no_file_of_the_store_a_writer_removes(tmp_path: Path) -> None:
    path = build_v2_store(tmp_path / "store")
    served.take(ox.Store(str(path)), path)
    command = [sys.executable, "-m", "scholarkg.cli", "serve", "--port", "0", "--store", str(path)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().decode()
        url = re.search(r"at (http://\S+/) ", first)
        assert url is not None, first + process.stderr.read().decode()  # type: ignore[union-attr]
        before = count(url.group(1))
        writer = ox.Store(str(path))  # a run: many flushes, then a compaction of them all
        for n in range(12):
            writer.bulk_extend(
                ox.Quad(ox.NamedNode(f"{BASE}x/{n}/{i}"), ox.NamedNode(f"{BASE}p"),
                        ox.Literal(str(i)), ox.NamedNode(f"{BASE}graph/w{n}"))
                for i in range(2000)
            )  # fmt: skip
            writer.flush()
        writer.optimize()
        assert count(url.group(1)) == before  # the run has not ended: the last checkpoint
        pids = [process.pid, *descendants(process.pid)]
        assert not [f for pid in pids for f in deleted_store_files(pid, path)]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(60)


def test_an_export_while_a_run_writes_is_the_state_the_last_run_left(tmp_path: Path) -> None:
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    path = config.store.path
    with EmbeddedStore(path, read_only=True) as store:
        left = canonical(store.native)  # blank nodes: the dump labels them from content
    writer = ox.Store(str(path))  # a run in progress: it holds the store and has written
    insert(writer, "in-progress")
    command = [sys.executable, "-m", "scholarkg.cli", "export", "--output", "-"]
    done = subprocess.run(
        [*command, "--config", str(config.source)], capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    dumped = canonical(ox.parse(done.stdout, format=ox.RdfFormat.N_QUADS))
    assert dumped == left
    assert len(writer) == len(left) + 1


def test_a_query_while_a_run_writes_answers_from_the_state_the_last_run_left(
    tmp_path: Path,
) -> None:
    config, _ = build_store(tmp_path, [SAMPLE_PROFILE])
    with EmbeddedStore(config.store.path, read_only=True) as store:
        left = store.quad_count()
    writer = ox.Store(str(config.store.path))  # a run in progress: it holds the store
    insert(writer, "in-progress")
    command = [sys.executable, "-m", "scholarkg.cli", "query", "--sparql", COUNT]
    done = subprocess.run(
        [*command, "--format", "csv", "--config", str(config.source)],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().split() == ["n", str(left)]


def test_after_a_run_the_servers_idle_workers_let_go_of_the_older_checkpoint(
    tmp_path: Path,
) -> None:
    path, writer, older = checkpointed(tmp_path)
    with running_server(path, build=False) as (server, _):
        before = count(server.url)  # a worker has the older checkpoint open (held)
        insert(writer, "next-run")
        served.take(writer, path)  # a run ends; nobody asks the server anything after it
        until(
            lambda: served.prune(path) == [older],
            "an idle worker still holds the older one",
            every=0.05,
        )
        assert count(server.url) == before + 1


def test_the_watcher_looks_again_when_the_checkpoint_goes_as_it_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scholarkg.serve.cache import StoreWatcher

    path, writer, older = checkpointed(tmp_path)
    watcher = StoreWatcher(path, interval=0.0)
    newer = served.take(writer, path)  # prunes the older one
    answers = iter([older, newer])  # the first look named the one just pruned
    monkeypatch.setattr(served, "current", lambda _: next(answers))
    assert watcher.changed(force=True)  # it raised FileNotFoundError (a 500 for the request)
    assert watcher.version == hashlib.sha256(str(newer).encode()).hexdigest()[:16]


def test_an_update_cut_short_before_its_checkpoint_is_served_by_the_next_update_worker(
    tmp_path: Path,
) -> None:
    path, writer, _ = checkpointed(tmp_path)
    before = len(writer)
    insert(writer, "committed-not-checkpointed")  # the update worker was killed right here
    del writer
    server = updating_server(path)
    try:
        until(
            lambda: count(server.url) == before + 1,
            "the committed update is not served",
            every=0.05,
        )
    finally:
        server.stop()
