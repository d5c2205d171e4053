"""Publish for integrators: dumps with checksums and a VoID + DCAT description of the dataset.

The dumps a publication wrote are recorded (:data:`OWNED`); a later publication removes those
``[publish] dumps`` no longer asks for (with their checksums and, for N-Quads, the parts), never
any other file. A dump written by ``scholarkg export`` outside a publication is the user's. The
record is changed under a lock (:mod:`scholarkg.published_record`): a publication and an export
that change it at once each keep the other's change.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scholarkg.config import Config
from scholarkg.dump_labels import label_blank_nodes
from scholarkg.dump_parts import DumpParts
from scholarkg.dump_retiring import retired
from scholarkg.errors import ExportError, WriteFailed
from scholarkg.export import (
    ExportResult,
    default_filename,
    default_prefixes,
    export_dump,
)
from scholarkg.export_places import (
    refuse_among_kept_files,
    refuse_exports_link_among_kept_files,
)
from scholarkg.files import (
    remove_stale_temps,
)
from scholarkg.iris import Minter
from scholarkg.load.contents import Contents, reconcile
from scholarkg.load.manifest import Manifest, open_manifest, store_state_dir
from scholarkg.load.outbox import outbox_store_key
from scholarkg.load.written_around import MARK as WRITTEN_AROUND
from scholarkg.load.written_around import clear_written_around, reread, written_around
from scholarkg.published_record import change_owned, owned_dumps
from scholarkg.store.base import GraphStore
from scholarkg.void import (
    describe_dataset,
    write_description,
)
from scholarkg.void_statistics import description_graph_iri, manifest_statistics


@dataclass
class Publication:
    """What one publish step wrote, filled in as each file is in place: one that failed holds
    what it still wrote (the dumps before it; ``description`` ``None``: not ``void.ttl``)."""

    dumps: list[ExportResult] = field(default_factory=list)
    description: Path | None = None
    description_triples: int = 0


def export(
    store: GraphStore,
    config: Config,
    fmt: str,
    *,
    graph: str | None = None,
    path: Path | None = None,
) -> ExportResult:
    """One dump (with its ``.sha256``) under ``data/exports/`` unless ``path`` is given; asked
    for outside a publication, so a file a publication wrote there becomes the user's. A
    ``path`` among the files scholarkg keeps is an :class:`ExportError`, nothing written."""
    if path is not None:
        refuse_among_kept_files(path, config)
    done = _export(store, config, fmt, graph=graph, path=path)
    name = done.path.name
    if done.path.parent.resolve() == config.exports_dir.resolve() and name in owned_dumps(config):
        change_owned(config, lambda owned: owned - {name})
    return done


def _export(
    store: GraphStore,
    config: Config,
    fmt: str,
    *,
    graph: str | None,
    path: Path | None,
) -> ExportResult:
    target = path or config.exports_dir / default_filename(fmt, graph)
    prefixes = default_prefixes(Minter(config.iri_base).base)
    return export_dump(store, target, fmt, graph, prefixes=prefixes)


def _published_dump(
    store: GraphStore,
    config: Config,
    fmt: str,
    *,
    parts: DumpParts | None,
    contents: Contents,
    todo: Collection[int] | None,
    void_graph: str,
) -> ExportResult:
    """One dump of a publication under ``data/exports/`` (the VoID graph left out): N-Quads from
    its parts, any other format from the store. A symbolic link at its place or its checksum's
    is replaced, never written through (before: a ``ttl`` or ``jsonld`` dump was written into
    the file a link planted there named, any file the run's user can write)."""
    if fmt == "nq" and parts is not None:
        return nquads_dump(parts, config, contents, todo)  # its files replace links too
    target = config.exports_dir / default_filename(fmt)
    prefixes = default_prefixes(Minter(config.iri_base).base)
    return export_dump(
        store, target, fmt, prefixes=prefixes, exclude={void_graph}, through_links=False
    )


def parts_store_key(config: Config) -> str:
    """The key the dump parts name the store by: the outbox's (its resolved location)."""
    return outbox_store_key(config.store)


def _noted_at(state_dir: Path) -> int | None:
    """When ``serve --allow-updates`` last noted an update (the mark's time, ns; ``None``: no
    mark): each update touches the mark again before it writes."""
    try:
        return (state_dir / WRITTEN_AROUND).stat().st_mtime_ns
    except OSError:
        return None


def published_parts(config: Config) -> DumpParts | None:
    """The parts of the published N-Quads dump (``None`` when no N-Quads dump is configured)."""
    if "nq" not in config.publish.dumps:
        return None
    return DumpParts(config.exports_dir / "parts", parts_store_key(config))


def nquads_dump(
    parts: DumpParts, config: Config, contents: Contents, buckets: Collection[int] | None
) -> ExportResult:
    """The published N-Quads dump, from parts: only ``buckets`` are rewritten (``None``: all)."""
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
    sealed: bool = False,
    written: dict[str, int] | None = None,
    on_lost: Callable[[list[str]], None] | None = None,
    into: Publication | None = None,
) -> Publication:
    """Write the configured dumps, then describe the dataset (graph ``<base>graph/void`` and
    ``data/void.ttl``). ``buckets``: the dump parts of the graphs written or dropped since the
    last publication (``None``: not known, all). The N-Quads dump and the statistics come from the
    store's manifest, brought in line with the store first (every graph compared with the store
    when it was written around the loaders, see :mod:`scholarkg.load.written_around`); only
    those dump parts are rewritten; ``sealed`` (with ``buckets``): nobody wrote the store
    since a run closed it in line with the manifest (:mod:`scholarkg.store.seal`), so its graph
    names are not compared. Every dump leaves out the VoID graph, which describes the
    dumps (their checksums): each result's ``left_out`` says so, with that graph's quads in the
    store now. Dumps an earlier publication wrote that are no longer configured are removed once
    the new description is written. ``written``: the VoID graph's IRI with the triples it holds
    is put in it once the store took it (a later failure, of ``void.ttl`` say, leaves it there).
    ``on_lost``: called with the graphs the manifest recorded that the store no longer holds
    (removed outside scholarkg) before the manifest stops recording them, so a publication
    killed or failing after that has still had them acted on (their persons due again).
    ``into``: the :class:`Publication` returned, filled in as each file is in place, so a
    caller whose publication failed (``void.ttl`` not written, say) knows what it wrote."""
    done = Publication() if into is None else into
    with _obstructed():
        refuse_exports_link_among_kept_files(config)
        _publish(
            store,
            config,
            buckets=buckets,
            when=when,
            sealed=sealed,
            written=written,
            on_lost=on_lost,
            done=done,
        )
    return done


@contextlib.contextmanager
def _obstructed() -> Iterator[None]:
    """A published file or folder that cannot be written for what stands at its path (a file
    where the exports folder or its parts go, a folder where a dump or ``void.ttl`` goes, no
    permission) is an :class:`ExportError` naming that path; a write the file system refused
    (full disk) stays a :class:`WriteFailed`."""
    try:
        yield
    except WriteFailed:
        raise
    except OSError as exc:
        where = exc.filename2 if exc.filename2 is not None else exc.filename
        if exc.errno == errno.ENOTDIR and where is not None:  # a file where a folder goes
            where = next((p for p in Path(where).parents if p.is_file()), where)
        raise ExportError(
            f"{where}: not published: {exc.strerror or exc} (the next run publishes again)"
        ) from exc


@contextlib.contextmanager
def _closed_after(manifest: Manifest) -> Iterator[Manifest]:
    """``manifest``, closed when the block ends. An error inside is the one raised: a close
    failing after it is a note on it (before: the close's error replaced it, a run's report
    saying "Cannot operate on a closed database", not which dump was in the way)."""
    try:
        yield manifest
    except BaseException as first:
        try:
            manifest.close()
        except Exception as late:
            first.add_note(f"closing {manifest.path} after it failed too: {late}")
        raise
    manifest.close()


@contextlib.contextmanager
def _let_go(parts: DumpParts | None) -> Iterator[None]:
    """``parts`` closed (its folder let go) when the block ends."""
    try:
        yield
    finally:
        if parts is not None:
            parts.close()


def _publish(
    store: GraphStore,
    config: Config,
    *,
    buckets: Collection[int] | None,
    when: dt.datetime | None,
    sealed: bool,
    written: dict[str, int] | None,
    on_lost: Callable[[list[str]], None] | None,
    done: Publication,
) -> None:
    minter = Minter(config.iri_base)
    base = minter.base
    void_graph = str(description_graph_iri(base))
    side = {str(minter.ontology_graph()), str(minter.category_graph())}
    wanted = {default_filename(f) for f in config.publish.dumps}
    change_owned(config, lambda owned: owned | wanted)  # before writing: a dump cut short is ours
    parts = published_parts(config)
    with _closed_after(open_manifest(config)) as manifest, _let_go(parts):
        around = written_around(store_state_dir(config))
        noted_at = _noted_at(store_state_dir(config))
        changed: set[int] = set()
        missing: list[str] = []
        if not (sealed and buckets is not None and not around):
            changed, missing = reconcile(manifest.contents, store, excluded={void_graph}, side=side)
        if around:
            changed |= reread(manifest.contents, store, excluded={void_graph}, side=side)
        changed |= label_blank_nodes(manifest.contents, side)  # the same bytes in every store
        todo = None if buckets is None else changed | set(buckets)
        if parts is not None:  # killed from here on, the next publication rewrites every part
            parts.expect(todo)
        if missing and on_lost is not None:  # acted on before the manifest forgets them
            on_lost(missing)
        manifest.commit()
        # every graph is as the store held it when read; an update noted since (the server
        # touched the mark again) is for the next publication
        if around and _noted_at(store_state_dir(config)) == noted_at:
            clear_written_around(store_state_dir(config))
        # counted first: stopped there, the dumps and their description are still one pair
        statistics = manifest_statistics(store, minter, manifest.contents)
        for fmt in config.publish.dumps:
            dump = _published_dump(
                store,
                config,
                fmt,
                parts=parts,
                contents=manifest.contents,
                todo=todo,
                void_graph=void_graph,
            )
            done.dumps.append(dump)  # in place: published, whatever fails next
    description = describe_dataset(
        store,
        base=base,
        generated_at=when or dt.datetime.now(dt.UTC).replace(microsecond=0),
        endpoint_url=config.publish.endpoint_url,
        dumps=list(done.dumps),
        license_iri=config.publish.license,
        download_base=config.publish.download_base,
        statistics=statistics,
    )
    store.replace_graph(void_graph, description)
    if written is not None:  # the store holds it, whatever fails next
        written[void_graph] = len(description)
    left_out = ((void_graph, len(description)),)  # the graph that describes the dumps
    done.dumps[:] = [dataclasses.replace(d, left_out=left_out) for d in done.dumps]
    remove_stale_temps([config.data_dir / "void.ttl"])  # a killed publication's
    done.description = write_description(description, config.data_dir / "void.ttl")
    done.description_triples = len(description)
    change_owned(config, lambda owned: retired(config, owned, wanted))
