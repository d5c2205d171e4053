"""``scholarkg serve`` on an embedded store judges and reads the last run's checkpoint, as
``query`` and ``export`` do, never the store itself (which a run may be writing: pyoxigraph
calls a read-only open beside a writer undefined behaviour, measured up to 12 s during a load).

Measured before: ``serve`` opened the store itself read-only at start-up (then closed it), so
with the store unreadable and its checkpoint whole (here RocksDB's ``CURRENT`` is removed, a
stand-in for a store being written) ``serve`` exited 1 with ``error: <store>: no store here
yet (the directory holds no Oxigraph store)`` while ``query`` answered from the checkpoint.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from scholarkg.store import served
from serve_fixtures import build_v2_store
from served_queries import COUNT, count

BOUND = 120


def checkpointed_and_unreadable(tmp_path: Path) -> tuple[Path, int]:
    """A store with a current checkpoint, then made unreadable itself; the quads it held."""
    path = build_v2_store(tmp_path / "store")
    writer = ox.Store(str(path))
    held = len(writer)
    served.take(writer, path)
    del writer
    (path / "CURRENT").unlink()
    assert served.current(path) is not None
    return path, held


def test_serve_reads_the_checkpoint_as_query_does(tmp_path: Path) -> None:
    path, held = checkpointed_and_unreadable(tmp_path)
    cli = [sys.executable, "-m", "scholarkg.cli"]
    query = [*cli, "query", "--sparql", COUNT, "--format", "csv", "--store", str(path)]
    done = subprocess.run(query, capture_output=True, text=True, cwd=tmp_path, timeout=BOUND)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["n", str(held)]
    serve = [*cli, "serve", "--port", "0", "--store", str(path)]
    process = subprocess.Popen(
        serve, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        url = re.search(r"at (http://\S+/) ", first)
        if url is None:
            process.wait(BOUND)
            raise AssertionError(first + process.stderr.read())
        assert count(url.group(1)) == held
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(BOUND)
