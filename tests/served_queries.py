"""SPARQL texts the serving tests send: :func:`slow` keeps a worker busy for a while (a count
over 60⁵ rows, a text of its own for each ``number`` so that no two are one flight),
:data:`SLOW` counts 60⁴ rows (:data:`ROWS`), the same text for every client, :data:`CHEAP`
is answered at once and :func:`count` asks a server how many quads it serves."""

from __future__ import annotations

import requests

from serve_helpers import SPARQL_JSON

VALUES = " ".join(str(i) for i in range(60))
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?{v} {{ {VALUES} }}" for v in "abcd")
    + " }"
)
ROWS = str(60**4)
CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/scholarkg/ontology#Person> }"


def slow(number: int) -> str:
    """A count over 60⁵ rows, told apart by ``number``."""
    lists = " ".join(f"VALUES ?{v} {{ {VALUES} }}" for v in "abcde")
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ {lists} FILTER(?a != {number + 1000}) }}"


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def count(url: str) -> int:
    """The quads the server at ``url`` answers :data:`COUNT` with."""
    answer = requests.get(
        url + "sparql", params={"query": COUNT}, headers={"Accept": SPARQL_JSON}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])
