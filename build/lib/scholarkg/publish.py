"""Publish for integrators: dumps with checksums and a VoID + DCAT description of the dataset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from scholarkg.config import Config
from scholarkg.dump_parts import DumpParts
from scholarkg.export import ExportResult, default_filename, default_prefixes, export_dump
from scholarkg.iris import Minter
from scholarkg.load.manifest import store_key
from scholarkg.store.base import GraphStore
from scholarkg.void import describe_dataset, description_graph_iri, write_description


@dataclass(frozen=True)
class Publication:
    """What one publish step wrote."""

    dumps: tuple[ExportResult, ...]
    description: Path
    description_triples: int


def export(
    store: GraphStore,
    config: Config,
    fmt: str,
    *,
    graph: str | None = None,
    path: Path | None = None,
) -> ExportResult:
    """One dump (with its ``.sha256``) under ``data/exports/`` unless ``path`` is given."""
    target = path or config.exports_dir / default_filename(fmt, graph)
    prefixes = default_prefixes(Minter(config.iri_base).base)
    return export_dump(store, target, fmt, graph, prefixes=prefixes)


# Above this many touched graphs one dump of the store is cheaper than rewriting parts.
REBUILD_ABOVE = 5000


def nquads_dump(store: GraphStore, config: Config, touched: Collection[str] | None) -> ExportResult:
    """The published N-Quads dump, from parts: only the parts of ``touched`` graphs are
    rewritten (``None``: not known, so every part is)."""
    base = Minter(config.iri_base).base
    kind, where = config.store.kind, str(config.store.query_url or config.store.path)
    parts = DumpParts(
        config.exports_dir / "parts", store_key(kind, where), [str(description_graph_iri(base))]
    )
    try:
        if not parts.valid or touched is None or len(touched) > REBUILD_ABOVE:
            parts.rebuild_all(store)
        else:
            parts.refresh(store, touched)
        target = config.exports_dir / default_filename("nq", None)
        done = parts.assemble(target)
    finally:
        parts.close()
    sums = target.with_name(target.name + ".sha256")
    return ExportResult(done.path, sums, done.quads, done.sha256, "nq", done.byte_size, None)


def publish(
    store: GraphStore,
    config: Config,
    *,
    touched: Collection[str] | None = None,
    when: dt.datetime | None = None,
) -> Publication:
    """Write the configured dumps, then describe the dataset (graph ``<base>graph/void`` and
    ``data/void.ttl``). ``touched`` names the graphs written or dropped since the last
    publication (the N-Quads dump then rewrites only their parts)."""
    dumps = tuple(
        nquads_dump(store, config, touched) if fmt == "nq" else export(store, config, fmt)
        for fmt in config.publish.dumps
    )
    base = Minter(config.iri_base).base
    description = describe_dataset(
        store,
        base=base,
        generated_at=when or dt.datetime.now(dt.UTC).replace(microsecond=0),
        endpoint_url=config.publish.endpoint_url,
        dumps=list(dumps),
        license_iri=config.publish.license,
        download_base=config.publish.download_base,
    )
    store.replace_graph(description_graph_iri(base), description)
    path = write_description(description, config.data_dir / "void.ttl")
    return Publication(dumps, path, len(description))
