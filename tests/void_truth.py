"""Every figure a published VoID description states, and the same figures counted independently
(plain SPARQL ``COUNT``/``COUNT(DISTINCT …)`` written here, not the project's statistics code)
over the store and over the published N-Quads dump read back; the vocabularies are those of
:data:`scholarkg.void.VOCABULARIES` a class, a property or a term of the side graphs uses."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from scholarkg.config import Config
from scholarkg.iris import Minter
from scholarkg.void import VOCABULARIES

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"

Figures = dict[str, object]


def _number(graph: Graph, subject: object, predicate: str) -> int:
    value = graph.value(subject, URIRef(predicate))  # type: ignore[arg-type]
    assert isinstance(value, Literal), f"no <{predicate}> on {subject}"
    return int(value)


def stated(void: Graph, base: str) -> Figures:
    """The numbers ``void`` (a parsed description) states about the dataset under ``base``."""
    dataset = URIRef(base + "dataset")
    out: Figures = {
        f"dataset {name}": _number(void, dataset, VOID + name)
        for name in ("triples", "entities", "classes", "properties")
    }
    for name in ("distinctSubjects", "distinctObjects", "documents"):
        if void.value(dataset, URIRef(VOID + name)) is not None:
            out[f"dataset {name}"] = _number(void, dataset, VOID + name)
    out["class partitions"] = {
        str(void.value(part, URIRef(VOID + "class"))): _number(void, part, VOID + "entities")
        for part in void.objects(dataset, URIRef(VOID + "classPartition"))
    }
    out["property partitions"] = {
        str(void.value(part, URIRef(VOID + "property"))): _number(void, part, VOID + "triples")
        for part in void.objects(dataset, URIRef(VOID + "propertyPartition"))
    }
    for side in void.objects(dataset, DCTERMS.relation):
        name = str(side).rsplit("/", 1)[-1]
        out[f"{name} triples"] = _number(void, side, VOID + "triples")
        out[f"{name} entities"] = _number(void, side, VOID + "entities")
    out["vocabularies"] = sorted(str(v) for v in void.objects(dataset, URIRef(VOID + "vocabulary")))
    return out


def _select(store: ox.Store, sparql: str) -> list[tuple[str, ...]]:
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    return [tuple("" if t is None else t.value for t in row) for row in result]


def _one(store: ox.Store, sparql: str) -> int:
    [(value,)] = _select(store, sparql)
    return int(value)


def counted(store: ox.Store, base: str) -> Figures:
    """The same figures counted by SPARQL over ``store``: the instance data is every named
    graph but the ontology, the category scheme and the description (``<base>graph/void``)."""
    minter = Minter(base)
    ontology, categories = str(minter.ontology_graph()), str(minter.category_graph())
    instance = f"FILTER (?g NOT IN (<{ontology}>, <{categories}>, <{base}graph/void>))"
    quads = f"GRAPH ?g {{ ?s ?p ?o }} {instance}"
    typed = f"GRAPH ?g {{ ?s a ?c }} {instance} FILTER (isIRI(?c))"
    out: Figures = {
        "dataset triples": _one(store, f"SELECT (COUNT(*) AS ?n) {{ {quads} }}"),
        "dataset entities": _one(
            store,
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ {typed} "
            f'FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{base}")) }}',
        ),
        "dataset classes": _one(store, f"SELECT (COUNT(DISTINCT ?c) AS ?n) {{ {typed} }}"),
        "dataset properties": _one(store, f"SELECT (COUNT(DISTINCT ?p) AS ?n) {{ {quads} }}"),
        "class partitions": {
            c: int(n)
            for c, n in _select(
                store, f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) {{ {typed} }} GROUP BY ?c"
            )
        },
        "property partitions": {
            p: int(n)
            for p, n in _select(store, f"SELECT ?p (COUNT(*) AS ?n) {{ {quads} }} GROUP BY ?p")
        },
    }
    sides = f"VALUES ?g {{ <{ontology}> <{categories}> }} GRAPH ?g {{ ?s ?p ?o }}"
    used = (
        f"{{ {typed} BIND (?c AS ?t) }} UNION {{ {quads} BIND (?p AS ?t) }} "
        f"UNION {{ {sides} VALUES ?at {{ 1 2 }} BIND (IF(?at = 1, ?p, ?o) AS ?t) }}"
    )
    out["vocabularies"] = sorted(
        ns
        for ns in VOCABULARIES.values()
        if _one(store, f'SELECT (COUNT(*) AS ?n) {{ {used} FILTER STRSTARTS(STR(?t), "{ns}") }}')
    )
    for name, graph in (("ontology", ontology), ("categories", categories)):
        side = f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        out[f"{name} triples"] = _one(store, f"SELECT (COUNT(*) AS ?n) {{ {side} }}")
        out[f"{name} entities"] = _one(
            store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ {side} FILTER isIRI(?s) }}"
        )
    return out


def in_store(path: Path) -> ox.Store:
    return ox.Store.read_only(str(path))


def copy_of_server(url: str) -> ox.Store:
    """Every quad an ``oxigraph serve`` at ``url`` holds, in an in-memory store."""
    answer = requests.get(f"{url}/store", headers={"Accept": "application/n-quads"}, timeout=60)
    answer.raise_for_status()
    store = ox.Store()
    store.load(answer.content, format=ox.RdfFormat.N_QUADS)
    return store


def dump_store(path: Path) -> ox.Store:
    """The N-Quads dump read back into an in-memory store."""
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def distributions(void: Graph) -> dict[str, tuple[int, int, str]]:
    """Each dump the description lists: file name -> (its stated quads or triples, byte size,
    SHA-256)."""
    out = {}
    for dist in void.subjects(URIRef(RDF_TYPE), URIRef(DCAT + "Distribution")):
        url = void.value(dist, URIRef(DCAT + "downloadURL"))
        if url is None:
            continue
        text = str(void.value(dist, DCTERMS.description))
        match = re.match(r"(\d+) (quads|triples):", text)
        assert match, text
        checksum = void.value(dist, URIRef(SPDX + "checksum"))
        sha = str(void.value(checksum, URIRef(SPDX + "checksumValue")))
        size = _number(void, dist, DCAT + "byteSize")
        out[str(url).rsplit("/", 1)[-1]] = (int(match[1]), size, sha)
    return out


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def mismatches(config: Config, store: ox.Store | None = None) -> list[str]:
    """Every figure of ``data/void.ttl`` (and of the store's description graph) that is not
    what the store (the embedded one of ``config``, else ``store``: a copy of a SPARQL
    server's) and the N-Quads dump hold."""
    base = Minter(config.iri_base).base
    void = Graph().parse(config.data_dir / "void.ttl", format="turtle")
    says = stated(void, base)
    found: list[str] = []
    store = in_store(config.store.path) if store is None else store
    truth = counted(store, base)
    graph = ox.NamedNode(base + "graph/void")
    held = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    if stated(Graph().parse(data=held, format="nt"), base) != says:
        found.append("the store's description graph differs from data/void.ttl")
    dump = config.exports_dir / "scholarkg.nq"
    from_dump = counted(dump_store(dump), base)
    for key in truth:
        if says.get(key) != truth[key]:
            found.append(f"{key}: stated {_diff(says.get(key), truth[key])} store")
        if says.get(key) != from_dump[key]:
            found.append(f"{key}: stated {_diff(says.get(key), from_dump[key])} dump")
    data = dump.read_bytes()
    lines = data.count(b"\n")
    dists = distributions(void)
    stated_quads = dists["scholarkg.nq"][0]
    if not stated_quads == lines == len(set(ox.parse(data, format=ox.RdfFormat.N_QUADS))):
        found.append(f"dump quads: stated {stated_quads}, {lines} lines")
    for name, (number, size, sha) in sorted(dists.items()):
        data = (config.exports_dir / name).read_bytes()
        if (size, sha) != (len(data), hashlib.sha256(data).hexdigest()):
            found.append(f"{name}: size or checksum")
        read = read_back(data, name)
        if number != read:
            found.append(f"{name}: stated {number}, read back {read}")
    return found


FORMATS = {
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def read_back(data: bytes, name: str) -> int:
    """The distinct quads (N-Quads, TriG) or triples (Turtle, JSON-LD: the union) a dump holds;
    blank nodes are the file's own."""
    fmt = FORMATS[name.rsplit(".", 1)[-1]]
    quads = ox.parse(data, format=fmt)
    if fmt.supports_datasets and fmt is not ox.RdfFormat.JSON_LD:
        return len(set(quads))
    return len({q.triple for q in quads})


def _diff(stated_value: object, true_value: object) -> str:
    if isinstance(stated_value, dict) and isinstance(true_value, dict):
        keys = sorted(set(stated_value) | set(true_value))
        parts = [
            f"{k}={stated_value.get(k)}" + f" vs {true_value.get(k)}"
            for k in keys
            if stated_value.get(k) != true_value.get(k)
        ]
        return "{" + ", ".join(parts) + "} in"
    return f"{stated_value} vs {true_value} in"


def typed_in_several_graphs(config: Config) -> int:
    """Subjects typed with one class in more than one instance graph: the data stresses the
    distinct counts (they count once)."""
    base = Minter(config.iri_base).base
    sparql = (
        "SELECT (COUNT(*) AS ?n) { { SELECT ?s ?c (COUNT(DISTINCT ?g) AS ?k) "
        f'{{ GRAPH ?g {{ ?s a ?c }} FILTER (STRSTARTS(STR(?g), "{base}graph/")) }} '
        "GROUP BY ?s ?c } FILTER (?k > 1) }"
    )
    return _one(in_store(config.store.path), sparql)
