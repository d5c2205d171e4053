"""SIGTERM stops `scholarkg export` of a whole store within one written piece, its partial
dump removed, non-zero exit, no traceback (before: the command took no stop: SIGTERM killed it
at once, leaving its ``.part`` files beside the dump; and Oxigraph's own dump of an embedded
store, every graph or one graph as Turtle, never looked for a stop)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from scholarkg import lifecycle
from scholarkg.export import export_dump
from scholarkg.store.embedded import EmbeddedStore

QUADS = 40_000
GRAPH = "https://w3id.org/scholarkg/id/graph/0"
BOUND = 60.0  # only catches a hang


def _quads() -> Iterator[ox.Quad]:
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    for i in range(QUADS):
        graph = ox.NamedNode(f"https://w3id.org/scholarkg/id/graph/{i // 1000}")
        subject = ox.NamedNode(f"https://w3id.org/scholarkg/id/s{i}")
        yield ox.Quad(subject, title, ox.Literal(f"title {i} " + "x" * 60), graph)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "store"
    native = ox.Store(str(path))
    native.bulk_extend(_quads())
    native.flush()
    del native
    return path


@pytest.fixture
def stop_requested() -> Iterator[None]:
    lifecycle.request_stop()
    try:
        yield
    finally:
        lifecycle.STOP.clear()


@pytest.mark.parametrize(("fmt", "graph"), [("nq", None), ("trig", None), ("ttl", GRAPH)])
def test_a_stop_ends_oxigraphs_own_dump_and_leaves_no_file(
    store_dir: Path, tmp_path: Path, stop_requested: None, fmt: str, graph: str | None
) -> None:
    target = tmp_path / f"dump.{fmt}"
    with EmbeddedStore(store_dir, read_only=True) as store, pytest.raises(lifecycle.Interrupted):
        export_dump(store, target, fmt, graph)
    assert list(tmp_path.iterdir()) == []


def test_sigterm_mid_export_stops_it_within_a_piece(store_dir: Path, tmp_path: Path) -> None:
    """The dump goes to a pipe that the test stops reading after its first bytes: the export is
    mid-dump, blocked on the pipe, when SIGTERM comes; once the pipe is drained it writes at
    most the piece under way, not the rest of the dump."""
    config = tmp_path / "scholarkg.toml"
    config.write_text(
        f'[data]\ndir = "{tmp_path / "data"}"\n[store]\npath = "{store_dir}"\n', encoding="utf-8"
    )
    with EmbeddedStore(store_dir, read_only=True) as store:
        whole = len(store.native.dump(format=ox.RdfFormat.N_QUADS) or b"")
    command = [sys.executable, "-m", "scholarkg.cli", "export", "--config", str(config)]
    process = subprocess.Popen(
        [*command, "--output", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        first = process.stdout.read(4096)
        process.send_signal(signal.SIGTERM)
        rest, err = process.communicate(timeout=BOUND)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signal.SIGTERM, err
    assert b"Traceback" not in err, err
    assert err.decode().splitlines() == [
        "interrupted (SIGTERM): the dump on stdout is cut short, not whole"
    ]
    assert len(first) == 4096 and len(first) + len(rest) < whole // 4, (len(rest), whole)


SIGNALLED_AT = Path(__file__).parent / "helpers" / "killed_at.py"


def _stopped_at(where: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``scholarkg export *args``, sent SIGTERM when ``where`` (module:function) is called."""
    return subprocess.run(
        [sys.executable, str(SIGNALLED_AT), where, "export", *args],
        capture_output=True,
        text=True,
        timeout=BOUND,
        env={**os.environ, "KILLED_BY": "TERM"},
    )


def test_a_stopped_export_says_in_one_line_what_it_did_not_write(
    store_dir: Path, tmp_path: Path
) -> None:
    """Before: two lines, the shared 'stopping (SIGTERM): finishing the current step', then
    'interrupted: stop requested', neither naming the dump."""
    config = tmp_path / "scholarkg.toml"
    config.write_text(
        f'[data]\ndir = "{tmp_path / "data"}"\n[store]\npath = "{store_dir}"\n', encoding="utf-8"
    )
    target = tmp_path / "out" / "dump.trig"
    target.parent.mkdir()
    target.write_bytes(b"the earlier dump\n")
    args = ("--format", "trig", "--output", str(target), "--config", str(config))
    done = _stopped_at("scholarkg.export:_check_graph", *args)  # before the dump is written
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert done.stderr.splitlines() == [
        f"interrupted (SIGTERM): {target} not written (a file there before is left as it was)"
    ]
    assert done.stdout == ""
    assert sorted(p.name for p in target.parent.iterdir()) == ["dump.trig"]
    assert target.read_bytes() == b"the earlier dump\n"


def test_a_stopped_export_to_stdout_says_the_dump_is_cut_short(
    store_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "scholarkg.toml"
    config.write_text(
        f'[data]\ndir = "{tmp_path / "data"}"\n[store]\npath = "{store_dir}"\n', encoding="utf-8"
    )
    done = _stopped_at("scholarkg.export:_check_graph", "--output", "-", "--config", str(config))
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert done.stderr.splitlines() == [
        "interrupted (SIGTERM): the dump on stdout is cut short, not whole"
    ]
