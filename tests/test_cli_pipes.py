"""Output into a pipe whose reader leaves early (`scholarkg query … | head -1`): the command ends
quietly (exit 0, or 141 as SIGPIPE would end it), never with a traceback; and `export --output -`
streams a dump that parses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from rdf_sets import canonical
from scholarkg.config import load_config
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore

ALL_QUADS = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"  # a table far larger than a pipe buffer
BOUND = 300


@pytest.fixture
def built(config_file: Path) -> Path:
    build(load_config(config_file))
    return config_file


def first_line_then_hang_up(*args: str) -> tuple[bytes, int, str]:
    """Run scholarkg, read one line of its stdout, close the pipe (as `head -1` does)."""
    command = [sys.executable, "-m", "scholarkg.cli", *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        line = proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=BOUND)
    return line, code, err


@pytest.mark.parametrize(
    "args",
    [
        ("query", "--sparql", ALL_QUADS),
        ("query", "papers-per-year"),
        ("export", "--output", "-"),
        ("export", "--output", "-", "--format", "jsonld"),
    ],
    ids=["query-large", "query-small", "export-nq", "export-jsonld"],
)
def test_a_reader_that_leaves_early_ends_the_command_quietly(
    built: Path, args: tuple[str, ...]
) -> None:
    line, code, err = first_line_then_hang_up(*args, "--config", str(built))
    assert line.strip()
    assert code in (0, 141), err
    assert err == "", err  # no traceback, no "Exception ignored … BrokenPipeError"


def test_the_large_query_does_hit_the_closed_pipe(built: Path) -> None:
    """The large cases above really write past a closed pipe (more than a pipe buffer)."""
    _, code, _ = first_line_then_hang_up("query", "--sparql", ALL_QUADS, "--config", str(built))
    assert code == 141


def test_export_to_stdout_streams_the_dump(built: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", "export", "--output", "-", "--config", str(built)],
        capture_output=True, check=False, timeout=BOUND,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    with EmbeddedStore(load_config(built).store.path, read_only=True) as store:
        expected = canonical(store.native)
    # blank nodes compared canonically (the dump labels them from content, the store at random)
    assert canonical(ox.parse(done.stdout, format=ox.RdfFormat.N_QUADS)) == expected
