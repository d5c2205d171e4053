"""JSON-LD compacted with the project's context (``docs/context.jsonld``), written by hand.

The context is flat (prefixes, and terms that map to one IRI with an optional ``@type``), so
compaction is a direct mapping: a property becomes its term (or a compact IRI), an object
becomes a plain value where the term's coercion gives back exactly that RDF term and a value
or node object otherwise. Subjects are written one node object each as they stream by, so a
dump of any size is written without holding the graph in memory. The context object is the
project's plus ``id:`` for the instance base.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import IO, Any

import pyoxigraph as ox

from scholarkg.errors import ConfigError
from scholarkg.iris import DEFAULT_BASE
from scholarkg.resources import docs_file

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
CONTEXT_FILE = "context.jsonld"


@lru_cache(maxsize=1)
def project_context() -> dict[str, Any]:
    """The ``@context`` object of ``docs/context.jsonld``."""
    path = docs_file(CONTEXT_FILE)
    try:
        context = json.loads(path.read_text(encoding="utf-8"))["@context"]
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"{path}: cannot read the JSON-LD context: {exc}") from exc
    if not isinstance(context, dict):
        raise ConfigError(f"{path}: @context must be an object")
    return context


class Compactor:
    """Maps IRIs and terms to their compact JSON-LD form under one context."""

    def __init__(self, base: str = DEFAULT_BASE, context: dict[str, Any] | None = None) -> None:
        self.context: dict[str, Any] = {**(context or project_context()), "id": base}
        self.prefixes: list[tuple[str, str]] = []
        for name, value in self.context.items():
            if isinstance(value, str) and value.endswith(("/", "#")) and ":" in value:
                self.prefixes.append((name, value))
        self.prefixes.sort(key=lambda item: -len(item[1]))  # longest namespace first
        self.terms: dict[str, tuple[str, str | None]] = {}
        for name, value in self.context.items():
            if name.startswith("@") or (name, value) in self.prefixes:
                continue
            iri, kind = (value, None) if isinstance(value, str) else (value.get("@id"), None)
            if isinstance(value, dict):
                kind = value.get("@type")
            if isinstance(iri, str):
                full = self.expand(iri)
                self.terms.setdefault(full, (name, self.expand(kind) if kind else None))

    def expand(self, value: str) -> str:
        if value.startswith("@"):
            return value
        prefix, colon, rest = value.partition(":")
        if colon and not rest.startswith("//"):
            namespace = self.context.get(prefix)
            if isinstance(namespace, str):
                return namespace + rest
        return value

    def iri(self, iri: str) -> str:
        """``prefix:local`` where a namespace of the context fits, else the IRI."""
        for name, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace) :]
                if not local.startswith("//"):
                    return f"{name}:{local}"
        return iri

    def key(self, predicate: str) -> tuple[str, str | None]:
        """The property's key and its coercion (``@id``, a datatype IRI or None)."""
        term = self.terms.get(predicate)
        if term is not None:
            return term
        return self.iri(predicate), None

    def type_name(self, iri: str) -> str:
        term = self.terms.get(iri)
        return term[0] if term is not None and term[1] is None else self.iri(iri)

    def value(
        self, node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, kind: str | None
    ) -> Any:
        if isinstance(node, ox.NamedNode):
            compact = self.iri(node.value)
            return compact if kind == "@id" else {"@id": compact}
        if isinstance(node, ox.BlankNode):
            return {"@id": f"_:{node.value}"}
        if isinstance(node, ox.Triple):
            return {"@value": str(node)}
        if node.language:  # an RDF 1.2 base direction (``"x"@ar--rtl``) is JSON-LD 1.1's too
            value = {"@value": node.value, "@language": node.language}
            return value if node.direction is None else {**value, "@direction": str(node.direction)}
        datatype = node.datatype.value
        if kind not in (None, "@id") and datatype == kind:
            return node.value
        if datatype == XSD_STRING:
            return node.value if kind is None else {"@value": node.value}
        return {"@value": node.value, "@type": self.iri(datatype)}

    def node(
        self, subject: ox.NamedNode | ox.BlankNode | ox.Triple, triples: list[ox.Triple]
    ) -> dict[str, Any]:
        if isinstance(subject, ox.NamedNode):
            out: dict[str, Any] = {"@id": self.iri(subject.value)}
        else:
            out = {"@id": f"_:{subject.value}" if isinstance(subject, ox.BlankNode) else ""}
        for triple in triples:
            predicate = triple.predicate.value
            if predicate == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
                out.setdefault("@type", []).append(self.type_name(triple.object.value))
                continue
            key, kind = self.key(predicate)
            out.setdefault(key, []).append(self.value(triple.object, kind))
        return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in out.items()}


def _by_subject(triples: Iterable[ox.Triple]) -> Iterator[tuple[Any, list[ox.Triple]]]:
    current: Any = None
    batch: list[ox.Triple] = []
    for triple in triples:
        if batch and triple.subject != current:
            yield current, batch
            batch = []
        current = triple.subject
        batch.append(triple)
    if batch:
        yield current, batch


def compact_document(triples: Iterable[ox.Triple], base: str = DEFAULT_BASE) -> dict[str, Any]:
    """A compacted JSON-LD document (context embedded) for ``triples``."""
    compactor = Compactor(base)
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    nodes = [compactor.node(subject, group) for subject, group in _by_subject(ordered)]
    return {"@context": compactor.context, "@graph": nodes}


def compact_bytes(triples: Iterable[ox.Triple], base: str = DEFAULT_BASE) -> bytes:
    """:func:`compact_document` as UTF-8 JSON text: the body of every JSON-LD answer the server
    sends (``/id/…``, ``/sparql``, ``/store``) and of ``scholarkg query --format jsonld``."""
    return json.dumps(compact_document(triples, base), ensure_ascii=False, indent=1).encode()


def write_compact(triples: Iterable[ox.Triple], out: IO[bytes], base: str = DEFAULT_BASE) -> int:
    """Stream ``triples`` (best grouped by subject) into ``out``; returns how many were written."""
    compactor = Compactor(base)
    context = json.dumps(compactor.context, ensure_ascii=False)
    out.write(b'{"@context": ' + context.encode("utf-8") + b',\n "@graph": [')
    count = 0
    for index, (subject, group) in enumerate(_by_subject(triples)):
        count += len(group)
        text = json.dumps(compactor.node(subject, group), ensure_ascii=False)
        out.write((",\n  " if index else "\n  ").encode("utf-8") + text.encode("utf-8"))
    out.write(b"\n]}\n")
    return count
