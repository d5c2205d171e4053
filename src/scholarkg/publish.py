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
from scholarkg.load.contents import Contents, reconcile
from scholarkg.load.manifest import open_manifest, store_key
from scholarkg.store.base import GraphStore
from scholarkg.void import (
    describe_dataset,
    write_description,
)
from scholarkg.void_statistics import description_graph_iri, manifest_statistics


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


def nquads_dump(
    store: GraphStore, config: Config, contents: Contents, buckets: Collection[int] | None
) -> ExportResult:
    """The published N-Quads dump, from parts: only ``buckets`` are rewritten (``None``: all)."""
    kind, where = config.store.kind, str(config.store.query_url or config.store.path)
    parts = DumpParts(config.exports_dir / "parts", store_key(kind, where))
    parts.refresh(contents, buckets)
    target = config.exports_dir / default_filename("nq", None)
    done = parts.assemble(target)
    sums = target.with_name(target.name + ".sha256")
    return ExportResult(done.path, sums, done.quads, done.sha256, "nq", done.byte_size, None)


def publish(
    store: GraphStore,
    config: Config,
    *,
    buckets: Collection[int] | None = None,
    when: dt.datetime | None = None,
) -> Publication:
    """Write the configured dumps, then describe the dataset (graph ``<base>graph/void`` and
    ``data/void.ttl``). ``buckets``: the dump parts of the graphs written or dropped since the
    last publication (``None``: not known, all). The N-Quads dump and the statistics come from the
    store's manifest, brought in line with the store first; only those dump parts are
    rewritten."""
    minter = Minter(config.iri_base)
    base = minter.base
    void_graph = str(description_graph_iri(base))
    side = {str(minter.ontology_graph()), str(minter.category_graph())}
    manifest = open_manifest(config)
    try:
        changed = reconcile(manifest.contents, store, excluded={void_graph}, side=side)
        manifest.commit()
        todo = None if buckets is None else changed | set(buckets)
        dumps = tuple(
            nquads_dump(store, config, manifest.contents, todo)
            if fmt == "nq"
            else export(store, config, fmt)
            for fmt in config.publish.dumps
        )
        statistics = manifest_statistics(store, minter, manifest.contents)
    finally:
        manifest.close()
    description = describe_dataset(
        store,
        base=base,
        generated_at=when or dt.datetime.now(dt.UTC).replace(microsecond=0),
        endpoint_url=config.publish.endpoint_url,
        dumps=list(dumps),
        license_iri=config.publish.license,
        download_base=config.publish.download_base,
        statistics=statistics,
    )
    store.replace_graph(void_graph, description)
    path = write_description(description, config.data_dir / "void.ttl")
    return Publication(dumps, path, len(description))
