"""The endpoint over a SPARQL server answers the dataset parameters as over the embedded store.

The same three named graphs go into an embedded store and into a real ``oxigraph serve`` on
loopback; ``scholarkg serve`` is started over each and asked the same protocol requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from scholarkg.config import ServeSettings
from scholarkg.serve import make_server
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.remote import SparqlStore
from serve_helpers import SPARQL_JSON

pytest_plugins = ("oxigraph_server",)
pytestmark = pytest.mark.server

BASE = "https://example.org/graph/"
NAME = "http://xmlns.com/foaf/0.1/name"
GRAPHS = {BASE + key: f'<https://example.org/{key}> <{NAME}> "{key}" .\n' for key in "abc"}
NAMES = f"SELECT ?n WHERE {{ ?s <{NAME}> ?n }} ORDER BY ?n"
IN_GRAPHS = f"SELECT ?g ?n WHERE {{ GRAPH ?g {{ ?s <{NAME}> ?n }} }} ORDER BY ?g"
ASKED = {  # (query, dataset parameters) -> what the SPARQL 1.1 Protocol says it answers
    "union of all graphs": (NAMES, {}, [["a"], ["b"], ["c"]]),
    "default graph a": (NAMES, {"default-graph-uri": BASE + "a"}, [["a"]]),
    "default graphs a+c": (NAMES, {"default-graph-uri": [BASE + "a", BASE + "c"]}, [["a"], ["c"]]),
    "named graphs b+c": (
        IN_GRAPHS,
        {"named-graph-uri": [BASE + "b", BASE + "c"]},
        [[BASE + "b", "b"], [BASE + "c", "c"]],
    ),
    "default only: no named graphs": (IN_GRAPHS, {"default-graph-uri": BASE + "a"}, []),
}


def answers(url: str) -> dict[str, list[list[str]]]:
    found = {}
    for label, (query, dataset, _) in ASKED.items():
        response = requests.get(
            url + "sparql",
            params={"query": query, **dataset},
            headers={"Accept": SPARQL_JSON},
            timeout=60,
        )
        assert response.status_code == 200, (label, response.text)
        body = response.json()
        found[label] = [
            [row[v]["value"] for v in body["head"]["vars"] if v in row]
            for row in body["results"]["bindings"]
        ]
    return found


@pytest.fixture
def remote(oxigraph_url: str, oxigraph_server: object) -> Iterator[SparqlStore]:
    with SparqlStore.for_oxigraph(oxigraph_url) as store:
        for iri, ntriples in GRAPHS.items():
            store.replace_graph_ntriples(iri, ntriples)
        yield store
    oxigraph_server.clear()  # type: ignore[attr-defined]


def test_dataset_parameters_answer_alike_over_both_store_kinds(
    tmp_path: Path, remote: SparqlStore
) -> None:
    with EmbeddedStore(tmp_path / "store") as embedded:
        for iri, ntriples in GRAPHS.items():
            embedded.replace_graph_ntriples(iri, ntriples)
    seen = {}
    with EmbeddedStore(tmp_path / "store", read_only=True) as embedded:
        for kind, store in (("embedded", embedded), ("remote", remote)):
            server = make_server(store, settings=ServeSettings(workers=1)).start()
            try:
                seen[kind] = answers(server.url)
            finally:
                server.stop()
    expected = {label: rows for label, (_, _, rows) in ASKED.items()}
    assert seen["embedded"] == expected
    assert seen["remote"] == expected
