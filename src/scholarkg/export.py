"""Dump the store as N-Quads, TriG, Turtle or JSON-LD, with a ``sha256sum`` file beside it.

Serialisation is streamed by Oxigraph (never through rdflib): an embedded store's quads are
read with its quad iterator (a whole store or one graph as N-Quads by its own dump, only the
lines with a blank node set aside: :mod:`scholarkg.export_nquads`; one graph as Turtle by its
own dump when it holds no blank node: :mod:`scholarkg.export_turtle`); a SPARQL server's with
``SELECT`` answers parsed as they arrive (:mod:`scholarkg.export_read`), any other
:class:`~scholarkg.store.base.GraphStore` with SPARQL (``SELECT`` quads or ``CONSTRUCT``
triples). ``nq``/``trig`` write every named graph (or one, with ``graph``);
``ttl``/``jsonld`` write the union of the named graphs as one graph, duplicates removed (or one
graph). Graphs named in ``exclude`` are left out (a publication's dumps leave out the VoID
graph that describes them). JSON-LD is compacted with the project's context
(``docs/context.jsonld``), streamed one node object per subject. Blank nodes are labelled
from content (RDFC-1.0, :mod:`scholarkg.dump_labels`): equal stores give equal bytes.

The dump is written to a temporary file in the target directory and renamed into place, then
the checksum file likewise, so a failed export never leaves a partial file behind; those a
killed export left (SIGKILL) are removed by the next export to that path. One export to a path
at a time (:mod:`scholarkg.export_lock`): a second waits for the first to finish.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SKOS, XSD
from rdflib.namespace import DCTERMS, FOAF, PROV

from scholarkg.dump_labels import Labelled
from scholarkg.errors import ConfigError, ExportError, ScholarKGError, WriteFailed
from scholarkg.export_lock import exporting_to
from scholarkg.export_nquads import write_native_nquads
from scholarkg.export_read import QueryableStore, native_store, store_quads, store_triples
from scholarkg.export_turtle import write_native_turtle
from scholarkg.files import file_sha256, remove_stale_temps, replacing, writing
from scholarkg.iris import BIDO, CATEGORY, DEFAULT_BASE, FABIO, ORG, PRO, SCHEMA, SKG
from scholarkg.jsonld import write_compact
from scholarkg.lifecycle import check_stop
from scholarkg.output_file import folder_problem


@dataclass(frozen=True)
class DumpFormat:
    """An export format: Oxigraph format, extension, IANA media type; ``dataset``: named graphs
    are kept (N-Quads, TriG), otherwise one graph is written (the union or the one asked for)."""

    name: str
    rdf_format: ox.RdfFormat
    extension: str
    media_type: str
    title: str
    dataset: bool


FORMATS: Mapping[str, DumpFormat] = {
    "nq": DumpFormat("nq", ox.RdfFormat.N_QUADS, ".nq", "application/n-quads", "N-Quads", True),
    "trig": DumpFormat("trig", ox.RdfFormat.TRIG, ".trig", "application/trig", "TriG", True),
    "ttl": DumpFormat("ttl", ox.RdfFormat.TURTLE, ".ttl", "text/turtle", "Turtle", False),
    "jsonld": DumpFormat(
        "jsonld", ox.RdfFormat.JSON_LD, ".jsonld", "application/ld+json", "JSON-LD", False
    ),
}


@dataclass(frozen=True)
class ExportResult:
    """A finished dump: where it is, its checksum file, how many quads/triples and its SHA-256;
    ``left_out``: the store's graphs it leaves out on purpose, with their quads."""

    path: Path
    sha256_path: Path
    triples_or_quads: int
    sha256: str
    fmt: str
    byte_size: int
    graph: str | None = None
    left_out: tuple[tuple[str, int], ...] = ()

    @property
    def media_type(self) -> str:
        return FORMATS[self.fmt].media_type


def default_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes for Turtle/TriG output: the project's namespaces plus ``id:`` for ``base``."""
    namespaces = {
        "skg": SKG,
        "cat": CATEGORY,
        "foaf": FOAF,
        "dcterms": DCTERMS,
        "prov": PROV,
        "fabio": FABIO,
        "pro": PRO,
        "bido": BIDO,
        "org": ORG,
        "schema": SCHEMA,
        "skos": SKOS,
        "owl": OWL,
        "rdf": RDF,
        "rdfs": RDFS,
        "xsd": XSD,
    }
    return {"id": base, **{name: str(ns) for name, ns in namespaces.items()}}


def dump_format(fmt: str) -> DumpFormat:
    """The :class:`DumpFormat` called ``fmt``; :class:`ConfigError` for an unknown name."""
    try:
        return FORMATS[fmt]
    except KeyError:
        raise ConfigError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}") from None


def default_filename(fmt: str, graph: str | None = None, stem: str = "scholarkg") -> str:
    """A file name for a dump: ``scholarkg.nq``, or ``scholarkg-<hash>.ttl`` for one graph."""
    suffix = dump_format(fmt).extension
    if graph is None:
        return f"{stem}{suffix}"
    return f"{stem}-graph-{hashlib.sha256(graph.encode()).hexdigest()[:12]}{suffix}"


class _Stoppable:
    """An output whose every write first looks for a stop request (SIGTERM): Oxigraph's
    serialiser writes in pieces of a few KiB, so a dump ends within one piece."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out

    def write(self, data: bytes) -> int:
        check_stop()
        return self._out.write(data)

    def flush(self) -> None:
        self._out.flush()

    @classmethod
    def around(cls, out: IO[bytes]) -> IO[bytes]:
        """``out`` wrapped, typed as what Oxigraph takes (it calls only write and flush)."""
        return cast("IO[bytes]", cls(out))


def _write(
    store: QueryableStore,
    out: IO[bytes],
    spec: DumpFormat,
    graph: str | None,
    prefixes: Mapping[str, str],
    exclude: Collection[str] = (),
) -> int:
    """Serialise into ``out``; returns the number of quads (dataset formats) or triples. Blank
    nodes are labelled from content (:func:`~scholarkg.dump_labels.labelled`), so equal stores
    give the same bytes; Oxigraph's own dump of an embedded store wrote the store's random
    labels."""
    native = native_store(store)
    if spec.name == "nq" and not exclude and native is not None:
        return write_native_nquads(native, out, graph)  # Oxigraph's own dump: less CPU
    if spec.name == "ttl" and graph is not None and native is not None:
        count = write_native_turtle(native, out, graph, prefixes)  # None: it holds `_:`
        if count is not None:
            return count
    out = _Stoppable.around(out)
    if spec.dataset:
        quads = Labelled(store_quads(store, graph, exclude))
        ox.serialize(quads, out, spec.rdf_format, prefixes=dict(prefixes))
        return quads.count
    triples = Labelled(store_triples(store, graph, exclude))
    if spec.name == "jsonld":  # compacted with the project's context, streamed
        return write_compact(triples, out, prefixes.get("id", DEFAULT_BASE))
    ox.serialize(triples, out, spec.rdf_format, prefixes=dict(prefixes))
    return triples.count


def export_dump(
    store: QueryableStore,
    path: Path,
    fmt: str,
    graph: str | None = None,
    *,
    prefixes: Mapping[str, str] | None = None,
    exclude: Collection[str] = (),
    through_links: bool = True,
) -> ExportResult:
    """Write the store (or named graph ``graph``) to ``path`` in ``fmt`` plus ``<path>.sha256``,
    leaving out the graphs named in ``exclude``. A symbolic link at ``path`` is written through
    (the file it names gets the dump, its checksum beside that); ``through_links=False`` (a
    publication's file): the dump and its checksum replace any link at their places.

    ``fmt`` is ``nq``, ``trig``, ``ttl`` or ``jsonld``. Raises :class:`ConfigError` for an
    unknown format or a graph the store does not hold, :class:`ExportError` when reading or
    writing fails (nothing is left behind then; an older file at ``path`` stays untouched).
    """
    spec = dump_format(fmt)
    path = Path(path)
    if through_links and path.is_symlink():  # as cp does: the file it names, the link kept
        named = Path(os.path.realpath(path))
        if named.is_symlink():  # a loop: cp refuses it (before: the link was replaced)
            raise ExportError(f"{path}: not written: a symbolic link loop names no file")
        problem = folder_problem(named)
        if problem is not None:  # a link to nowhere: its folder is not made (before: it was)
            raise ExportError(f"{path}: not written: it links to {named}: {problem}")
        path = named
    _check_graph(store, graph)
    sha_path = path.with_name(path.name + ".sha256")
    for target in (path, sha_path):
        if through_links or not target.is_symlink():  # a link itself is replaceable
            _check_replaceable(target)
    try:  # the dump is fsynced and renamed first, then its checksum (written before either)
        with writing(path), exporting_to(path):  # another export's to path ends first
            remove_stale_temps([path, sha_path])  # an earlier export's, killed while writing
            with replacing(sha_path) as sha_temp, replacing(path, durable=True) as temp:
                with temp.open("wb") as out:
                    count = _write(store, out, spec, graph, prefixes or default_prefixes(), exclude)
                digest = file_sha256(temp)
                size = temp.stat().st_size
                sha_temp.write_bytes(f"{digest}  {path.name}\n".encode())
    except WriteFailed as exc:  # refused by the file system: as any other failed write here
        raise ExportError(f"{path}: export as {spec.title} failed: {exc.__cause__}") from exc
    except ScholarKGError:
        check_stop()  # a store's read cut off by the stop: the export was stopped
        raise
    except (OSError, ValueError, SyntaxError, TypeError) as exc:
        raise ExportError(f"{path}: export as {spec.title} failed: {exc}") from exc
    return ExportResult(path, sha_path, count, digest, spec.name, size, graph)


def write_dump(
    store: QueryableStore,
    out: IO[bytes],
    fmt: str,
    graph: str | None = None,
    *,
    prefixes: Mapping[str, str] | None = None,
) -> int:
    """Write the store (or named graph ``graph``) to the open binary stream ``out`` in ``fmt``,
    without a checksum file (``scholarkg export --output -``); returns the number of quads or
    triples. A reader that went away (``BrokenPipeError``) is not an export error: it propagates
    as it is, for the caller to end quietly."""
    spec = dump_format(fmt)
    _check_graph(store, graph)
    try:
        return _write(store, out, spec, graph, prefixes or default_prefixes())
    except ScholarKGError:
        check_stop()  # a store's read cut off by the stop: the export was stopped
        raise
    except BrokenPipeError:
        raise
    except (OSError, ValueError, SyntaxError, TypeError) as exc:
        raise ExportError(f"export as {spec.title} to a stream failed: {exc}") from exc


def not_regular(path: Path) -> str | None:
    """What stands at ``path`` when it is not a regular file (``a directory``, ``a device``…),
    symlinks followed; ``None`` for a regular file or nothing."""
    try:
        mode = path.stat().st_mode
    except OSError:  # nothing there (or not reachable: the write says why)
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def _check_replaceable(path: Path) -> None:
    """A dump or checksum file replaces what is at its path by a rename: refuse (before writing
    anything) what is not a regular file. Before, the rename replaced a device such as
    ``/dev/null`` (run as root) or a named pipe with a regular file."""
    kind = not_regular(path)
    if kind is not None:
        raise ExportError(f"{path}: not written: it is {kind}, not a regular file to replace")


def _check_graph(store: QueryableStore, graph: str | None) -> None:
    if graph is not None and graph not in store.graph_names():
        raise ConfigError(f"graph <{graph}> is not in the store; nothing to export")
