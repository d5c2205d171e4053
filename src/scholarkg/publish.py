"""Publish for integrators: dumps with checksums and a VoID + DCAT description of the dataset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from scholarkg.config import Config
from scholarkg.export import ExportResult, default_filename, default_prefixes, export_dump
from scholarkg.iris import Minter
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


def publish(store: GraphStore, config: Config, *, when: dt.datetime | None = None) -> Publication:
    """Write the configured dumps, then describe the dataset (graph ``<base>graph/void`` and
    ``data/void.ttl``)."""
    dumps = tuple(export(store, config, fmt) for fmt in config.publish.dumps)
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
