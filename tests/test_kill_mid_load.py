"""Kill the loading process mid-run: every graph is afterwards either its old or its new version,
and re-running completes the work (embedded store and a real Oxigraph server)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from helpers.load_many import GRAPHS, TRIPLES, graph_iri, value
from scholarkg.store.base import GraphStore
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.remote import SparqlStore

pytest_plugins = ("oxigraph_server",)

HELPER = Path(__file__).parent / "helpers" / "load_many.py"
# Per attempt: graphs reported done, then the fraction of one graph's load time to wait before
# SIGKILL, so that the kill lands while the next graph is being written, not between graphs.
KILL_AT = ((5, 0.5), (8, 0.3), (12, 0.7))
VERSIONS_QUERY = "SELECT ?g ?o (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ?o"


def loader_command(target: list[str], version: str) -> list[str]:
    return [sys.executable, str(HELPER), *target, "--version", version]


def load_to_completion(target: list[str], version: str) -> None:
    done = subprocess.run(
        loader_command(target, version), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"loaded {i}" for i in range(GRAPHS)]


def kill_mid_run(target: list[str], version: str, after: int, fraction: float) -> int | None:
    """Start the loader; once it reported ``after`` graphs, wait ``fraction`` of its mean time
    per graph and SIGKILL it. The count it had reported, or None if it finished first."""
    process = subprocess.Popen(
        loader_command(target, version),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    stamps: list[float] = []
    try:
        for line in process.stdout:
            if line.startswith("loaded "):
                stamps.append(time.monotonic())
            if len(stamps) >= after:
                time.sleep(fraction * (stamps[-1] - stamps[0]) / (len(stamps) - 1))
                process.send_signal(signal.SIGKILL)
                break
        process.wait(timeout=600)
    finally:
        if process.poll() is None:  # only when the test itself failed
            process.kill()
            process.wait(timeout=60)
        process.stdout.close()
    return len(stamps) if process.returncode == -signal.SIGKILL else None


def graph_versions(store: GraphStore) -> dict[int, str]:
    """``old`` or ``new`` per graph; fails on any mixed, partial, empty or stray graph."""
    result = store.query(VERSIONS_QUERY, union=False)
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, list[tuple[str, int]]] = {}
    for row in result:
        count = row["n"]
        assert isinstance(count, ox.Literal)
        found.setdefault(row["g"].value, []).append((row["o"].value, int(count.value)))
    versions = {}
    for i in range(GRAPHS):
        entries = found.pop(graph_iri(i), [])
        assert len(entries) == 1, f"graph {i} is empty or mixed: {entries}"
        [(obj, count)] = entries
        assert count == TRIPLES, f"graph {i} holds {count} triples, not {TRIPLES}"
        assert obj in (value("old", i), value("new", i)), f"graph {i}: unexpected {obj!r}"
        versions[i] = obj.split("-")[0]
    assert not found, f"unexpected graphs: {sorted(found)}"
    return versions


def check_kill_and_rerun(target: list[str], inspect: Callable[[], dict[int, str]]) -> None:
    for after, fraction in KILL_AT:
        load_to_completion(target, "old")
        assert set(inspect().values()) == {"old"}
        reported = kill_mid_run(target, "new", after, fraction)
        if reported is None:
            continue  # finished before the kill: retry with another timing
        versions = inspect()
        assert all(versions[i] == "new" for i in range(reported)), "a reported graph was lost"
        if {"old", "new"} <= set(versions.values()):
            break
    else:
        pytest.fail(f"no kill landed mid-run after {len(KILL_AT)} attempts")
    load_to_completion(target, "new")
    assert set(inspect().values()) == {"new"}


def test_killed_embedded_load_leaves_old_or_new_graphs(tmp_path: Path) -> None:
    path = tmp_path / "store"

    def inspect() -> dict[int, str]:
        with EmbeddedStore(path) as store:  # read-write: the killed writer's lock is gone
            return graph_versions(store)

    check_kill_and_rerun(["--path", str(path)], inspect)


@pytest.mark.server
def test_killed_server_load_leaves_old_or_new_graphs(oxigraph_url: str) -> None:
    def inspect() -> dict[int, str]:
        with SparqlStore.for_oxigraph(oxigraph_url) as store:
            return graph_versions(store)

    check_kill_and_rerun(["--url", oxigraph_url], inspect)
