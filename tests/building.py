"""Build stores the way a run does (the library's build job), and read them back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from conftest import write_config
from scholarkg.config import Config, load_config
from scholarkg.runs.build import build
from scholarkg.runs.report import RunReport
from scholarkg.store.embedded import EmbeddedStore


def sparql_store(base: str, **settings: object) -> dict[str, object]:
    """`[store]` settings for the SPARQL 1.1 server at `base` (Oxigraph's three endpoints)."""
    endpoints = {"query_url": f"{base}/query", "update_url": f"{base}/update"}
    return {"kind": "sparql", **endpoints, "store_url": f"{base}/store", **settings}


def build_store(
    directory: Path, profiles: list[Path | str], **sections: dict[str, object]
) -> tuple[Config, RunReport]:
    """Write a config in ``directory`` and run the build job over ``profiles``."""
    config = load_config(write_config(directory, profiles, **sections))
    return config, build(config).report


def rebuild(config: Config, extra: list[str] | None = None) -> RunReport:
    return build(config, extra).report


def rows(config: Config, sparql: str) -> list[dict[str, Any]]:
    """A SELECT over the union of named graphs, as plain Python values."""
    with EmbeddedStore(config.store.path, read_only=True) as store:
        result = store.query(sparql)
        assert isinstance(result, ox.QuerySolutions)
        names = [v.value for v in result.variables]
        return [{n: (None if row[n] is None else row[n].value) for n in names} for row in result]


def graphs(config: Config) -> dict[str, set[tuple[str, str, str]]]:
    with EmbeddedStore(config.store.path, read_only=True) as store:
        return {g: store.triples_in(g) for g in store.graph_names()}


def content(config: Config) -> dict[str, set[tuple[str, str, str]]]:
    """Every data graph's triples without the provenance each states about itself (run, VoID,
    ontology and category graphs left out: the ontology's blank nodes differ per load)."""
    out = {}
    skip = ("/graph/void", "/graph/ontology", "/graph/categories")
    for graph, triples in graphs(config).items():
        if "/graph/run/" in graph or graph.endswith(skip):
            continue
        out[graph] = {t for t in triples if t[0] != f"<{graph}>"}
    return out


def run_cli(
    config: Path, *extra: str, bound: float = 600, prefect_api: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``scholarkg run --config config`` in a child process with its own temporary Prefect
    API (or ``prefect_api``'s, e.g. the session's) and Prefect's default console logging
    (``bound`` only catches a hang)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_URL")}
    if prefect_api:
        env["PREFECT_API_URL"] = prefect_api
    return subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", "run", "--config", str(config), *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=bound,
        check=False,
    )


def counted(report: RunReport) -> tuple[int, int, int, int]:
    """(records read, loaded, rejected, quarantined): read is the sum of the other three."""
    return (
        report.records_read,
        report.records_loaded,
        len(report.rejected),
        len(report.quarantined),
    )


def store_missing_a_person_graph(
    directory: Path, page: Path
) -> tuple[Config, dict[str, set[tuple[str, str, str]]], str]:
    """A store built in ``directory`` from a copy of the sample profile at ``page``, then one
    person graph dropped behind scholarkg's back (as a SPARQL Update through ``serve
    --allow-updates`` would): its config, its content before the drop, and the graph dropped."""
    from samples import SAMPLE_PROFILE

    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config, first = build_store(directory, [page])
    assert first.outcome == "ok", first.summary_lines()
    before = content(config)
    gone = sorted(g for g in before if "/graph/person/" in g)[0]
    store = ox.Store(str(config.store.path))
    store.update(f"DROP GRAPH <{gone}>")
    del store
    return config, before, gone
