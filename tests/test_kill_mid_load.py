"""Kill the loading process mid-run, in a graph's write: every graph is afterwards either its old or
its new version (those reported new, those after the killed one old), and re-running completes
the work (embedded store and a real Oxigraph server)."""

from __future__ import annotations

import signal
import subprocess
import sys
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
# The graph whose write the loader is killed in (its own thread, at that write: no timing).
KILLED_IN = 8
VERSIONS_QUERY = "SELECT ?g ?o (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ?o"


def loader_command(target: list[str], version: str, *more: str) -> list[str]:
    return [sys.executable, str(HELPER), *target, "--version", version, *more]


def load_to_completion(target: list[str], version: str) -> None:
    done = subprocess.run(
        loader_command(target, version), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"loaded {i}" for i in range(GRAPHS)]


def kill_mid_run(target: list[str], version: str, killed_in: int) -> int:
    """Run the loader, SIGKILLed while it writes graph ``killed_in``: the graphs it reported."""
    done = subprocess.run(
        loader_command(target, version, "--killed-in", str(killed_in)),
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr
    reported = done.stdout.splitlines()
    assert reported == [f"loaded {i}" for i in range(len(reported))], reported
    return len(reported)


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
    load_to_completion(target, "old")
    assert set(inspect().values()) == {"old"}
    reported = kill_mid_run(target, "new", KILLED_IN)
    # killed in graph KILLED_IN's write, or at the latest as it was reported
    assert reported in (KILLED_IN, KILLED_IN + 1), reported
    versions = inspect()
    assert all(versions[i] == "new" for i in range(reported)), "a reported graph was lost"
    assert all(versions[i] == "old" for i in range(KILLED_IN + 1, GRAPHS)), versions
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
