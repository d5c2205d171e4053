"""A directory of N-Triples files, one per named graph: for integrators and dry runs.

Layout: ``<dir>/<slug>-<sha256 prefix>.nt`` per graph (the name is derived from the graph IRI and
safe on any file system) and ``<dir>/index.json`` mapping each file name to its graph IRI. Every
file is replaced atomically (write a temporary file, fsync, ``os.replace``), so a reader or a
killed writer leaves each graph at its old or its new version. Files hold canonical N-Triples
(one distinct triple per line) as re-serialised by Oxigraph. :meth:`FileSink.query` loads every
file into an in-memory store first: it is meant for small data (dry runs, tests), not for
serving queries.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Graph, URIRef

from scholarkg.errors import LoadError, QueryError
from scholarkg.files import write_atomic
from scholarkg.store.base import ClosingStore
from scholarkg.store.location import check_store_path
from scholarkg.store.patch import GraphPatch
from scholarkg.store.sparql_text import iri_ref

INDEX_NAME = "index.json"
_LOCK_NAME = ".lock"
_INDEX_FORMAT = "scholarkg-file-sink/1"
_EXPORT_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def graph_file_name(iri: str) -> str:
    """A file name for graph ``iri``: a readable slug plus a hash, so names never collide."""
    readable = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", iri)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", readable)[:80].strip("._-") or "graph"
    digest = hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]
    return f"{slug}-{digest}.nt"


def _canonical_ntriples(ntriples: str) -> bytes:
    """``ntriples`` as an Oxigraph store holds it (distinct triples, typed values normalised as
    the embedded store normalises them, e.g. ``"1.50"^^xsd:decimal`` → ``"1.5"``), re-serialised
    as N-Triples. Raises LoadError if the text is not valid N-Triples."""
    scratch = ox.Store()
    try:
        scratch.load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError, OSError) as exc:
        raise LoadError(f"not valid N-Triples: {exc}") from exc
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in scratch]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


class FileSink(ClosingStore):
    """A :class:`~scholarkg.store.base.GraphStore` writing one N-Triples file per named graph.

    One writer at a time: a read-write sink holds an exclusive lock on ``<dir>/.lock``.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._lock: IO[bytes] | None = None
        if not read_only or self.path.exists() or self.path.is_symlink():  # a file or a loop
            check_store_path(self.path, writable=not read_only)
        if read_only:
            if not (self.path / INDEX_NAME).exists():
                raise LoadError(f"{self.path}: no file sink here yet")
            return
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            lock = (self.path / _LOCK_NAME).open("ab")
        except OSError as exc:
            raise LoadError(f"{self.path}: cannot open the file sink ({exc})") from exc
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            lock.close()
            raise LoadError(f"{self.path}: locked; is another process writing to it?") from exc
        self._lock = lock
        if not (self.path / INDEX_NAME).exists():
            self._write_index({})

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the descriptor releases the flock
            self._lock = None

    # -- index ---------------------------------------------------------------------------------

    def _read_index(self) -> dict[str, str]:
        try:
            data = json.loads((self.path / INDEX_NAME).read_text(encoding="utf-8"))
            graphs = data["graphs"]
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise LoadError(f"{self.path / INDEX_NAME}: unreadable index ({exc})") from exc
        return {str(name): str(iri) for name, iri in graphs.items()}

    def _write_index(self, graphs: dict[str, str]) -> None:
        text = json.dumps({"format": _INDEX_FORMAT, "graphs": graphs}, indent=2, sort_keys=True)
        write_atomic(self.path / INDEX_NAME, (text + "\n").encode("utf-8"), durable=True)

    def _files(self) -> Iterator[tuple[str, Path]]:
        """(graph IRI, file) for every indexed graph whose file exists."""
        for name, iri in sorted(self._read_index().items()):
            file = self.path / name
            if file.is_file():
                yield iri, file

    # -- writes --------------------------------------------------------------------------------

    def replace_graph(self, iri: URIRef | str, graph: Graph) -> None:
        """Replace named graph ``iri`` with ``graph``: old or new file, never half."""
        self.replace_graph_ntriples(iri, graph.serialize(format="nt"))

    def replace_graph_ntriples(self, iri: URIRef | str, ntriples: str) -> None:
        """Replace named graph ``iri`` with the N-Triples text ``ntriples``, atomically."""
        if self._lock is None:
            raise LoadError(f"{self.path}: the file sink is open read-only (or closed)")
        iri_ref(iri)  # same IRI rules as the SPARQL backends
        text = str(iri)
        data = _canonical_ntriples(ntriples)
        name = graph_file_name(text)
        index = self._read_index()
        try:
            if not data:  # like DROP + empty INSERT DATA: the graph no longer exists
                if index.pop(name, None) is not None:
                    self._write_index(index)
                (self.path / name).unlink(missing_ok=True)
                return
            write_atomic(self.path / name, data, durable=True)
            if index.get(name) != text:
                index[name] = text
                self._write_index(index)
        except OSError as exc:
            raise LoadError(f"{self.path}: cannot replace graph <{text}>: {exc}") from exc

    def replace_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        """Each graph file is replaced atomically, one after the other."""
        for iri, ntriples in graphs:
            self.replace_graph_ntriples(iri, ntriples)

    def patch_graphs(self, patches: Sequence[GraphPatch]) -> None:
        """A file holds a whole graph: each is written again."""
        self.replace_graphs([(patch.iri, patch.ntriples) for patch in patches])

    # -- reads ---------------------------------------------------------------------------------

    def graph_sizes(self, iris: Sequence[str]) -> dict[str, int]:
        index = self._read_index()
        sizes: dict[str, int] = {}
        for iri in iris:
            name = graph_file_name(iri)
            if index.get(name) == iri and (self.path / name).is_file():
                sizes[iri] = sum(1 for _ in self._parse(self.path / name))
        return {i: n for i, n in sizes.items() if n}

    def iter_graph_names(self) -> Iterator[str]:
        return (iri for iri, _ in self._files())

    def _parse(self, file: Path) -> Iterator[ox.Quad]:
        try:
            yield from ox.parse(path=file, format=ox.RdfFormat.N_TRIPLES)
        except (OSError, SyntaxError, ValueError) as exc:
            raise LoadError(f"{file}: unreadable graph file ({exc})") from exc

    def triples_in(self, iri: URIRef | str) -> set[tuple[str, str, str]]:
        """The triples of one named graph, as N-Triples term strings (for comparisons)."""
        file = self.path / graph_file_name(str(iri))
        if self._read_index().get(file.name) != str(iri) or not file.is_file():
            return set()
        return {(str(q.subject), str(q.predicate), str(q.object)) for q in self._parse(file)}

    def quad_count(self) -> int:
        return sum(1 for _, file in self._files() for _ in self._parse(file))

    def _quads(self) -> Iterator[ox.Quad]:
        for iri, file in self._files():
            graph = ox.NamedNode(iri)
            for q in self._parse(file):
                yield ox.Quad(q.subject, q.predicate, q.object, graph)

    def query(
        self, sparql: str, *, union: bool = True
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query over all files loaded into memory (small data only)."""
        store = ox.Store()
        store.extend(self._quads())
        try:
            return store.query(sparql, use_default_graph_as_union=union)
        except (SyntaxError, ValueError, OSError) as exc:
            raise QueryError(f"SPARQL query failed: {exc}") from exc

    def export(self, path: Path, format: str = "nquads") -> Path:
        """Write the whole dataset to ``path`` as N-Quads (``"nquads"``) or TriG (``"trig"``)."""
        if format not in _EXPORT_FORMATS:
            raise LoadError(f"export format must be one of {sorted(_EXPORT_FORMATS)}")
        target = Path(path)
        data = ox.serialize(self._quads(), format=_EXPORT_FORMATS[format]) or b""
        try:
            write_atomic(target, data, durable=True)
        except OSError as exc:
            raise LoadError(f"{target}: cannot export ({exc})") from exc
        return target
