"""Closing a run that ends normally, the same for every job: loading finished, the ontology, a
consistency check over the union, the run's prov:Activity and publication when something
changed, an embedded store's checkpoint for its readers (:mod:`scholarkg.store.served`), and a
report whose counts are read from the store. A run cut short ends in
:mod:`scholarkg.runs.cut_short` instead."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from scholarkg.config import Config
from scholarkg.errors import ExportError, LoadError, ScholarKGError, WriteFailed
from scholarkg.files import write_atomic
from scholarkg.iris import ONTOLOGY_IRI, SKG, Minter
from scholarkg.lifecycle import Interrupted
from scholarkg.load.contents import bucket_of, take_from_store
from scholarkg.load.manifest import store_state_dir
from scholarkg.load.written_around import written_around
from scholarkg.provenance import run_record
from scholarkg.publish import Publication, parts_store_key, publish
from scholarkg.resources import ONTOLOGY_FILES, ontology_dir
from scholarkg.runs.consistency import consistency
from scholarkg.runs.context import RunContext
from scholarkg.runs.described import described_version, revalidate
from scholarkg.runs.loading import Loading
from scholarkg.runs.lost_graphs import persons_due_again
from scholarkg.runs.report import PublishedFile, now_iso
from scholarkg.store import served
from scholarkg.store.base import GraphStore
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.sparql_text import iri_ref

PUBLISHED_MARK = "published.json"


def publication_key(config: Config) -> dict[str, str]:
    """What a publication was made of, besides the store's graphs: which store (its key, as
    the dump parts name it) and a hash of the ``[publish]`` settings and the IRI base. The mark
    of the last complete publication records it; a mark that records something else (another
    store, other settings, an older mark without these fields) counts as no publication.
    Without ``download_base`` the settings hold where the dumps are too: the description names
    them by their ``file:`` IRIs, which a data directory moved since no longer has."""
    publish = config.publish
    settings = {
        "dumps": list(publish.dumps),
        "license": publish.license,
        "endpoint_url": publish.endpoint_url,
        "download_base": publish.download_base,
        "iri_base": Minter(config.iri_base).base,
    }
    if publish.download_base is None:  # the dumps are described by their file: IRIs
        settings["exports"] = config.exports_dir.resolve().as_uri()
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8")).hexdigest()
    return {
        "store": parts_store_key(config),
        "publish": f"sha256:{digest}",
    }


def published_complete(mark: Path, key: dict[str, str]) -> bool:
    """Whether ``mark`` says the last publication finished and was of this store with these
    settings (so only the graphs a run changes need publishing again)."""
    recorded = _recorded(mark)
    return bool(recorded) and all(recorded.get(k) == v for k, v in key.items())


def _recorded(mark: Path) -> dict[str, object]:
    try:
        recorded = json.loads(mark.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def load_ontology(
    store: GraphStore, minter: Minter, written: dict[str, int] | None = None
) -> dict[str, int]:
    """Load the ontology and the category scheme, each into its own named graph, unless the
    store already holds that file's version (its SHA-256). Returns the graphs written, each
    with the triples it holds now, put in ``written`` as each is written (a failure of the
    second leaves the first there)."""
    written = {} if written is None else written
    iris = (minter.ontology_graph(), minter.category_graph())
    for name, iri in zip(ONTOLOGY_FILES, iris, strict=True):
        data = (ontology_dir() / name).read_bytes()
        digest = Literal("sha256:" + hashlib.sha256(data).hexdigest())
        pattern = f"{iri_ref(iri)} {iri_ref(SKG.contentHash)} {digest.n3()}"
        if bool(store.query(f"ASK {{ GRAPH {iri_ref(iri)} {{ {pattern} }} }}", union=False)):
            continue
        graph = Graph().parse(data=data, format="turtle")
        graph.add((iri, SKG.contentHash, digest))
        graph.add((iri, DCTERMS.source, URIRef(f"{ONTOLOGY_IRI}/{name}")))
        store.replace_graph(iri, graph)
        written[str(iri)] = len(graph)
    return written


def _note(ctx: RunContext, iris: Sequence[str], counted: bool) -> None:
    """Graphs written here, outside the loaders, noted in the store's manifest too."""
    manifest = ctx.open_manifest()
    try:
        for iri in iris:
            take_from_store(manifest.contents, ctx.store, iri, counted=counted)
        manifest.commit()
    finally:
        manifest.close()


def write_report(ctx: RunContext) -> None:
    """The report as JSON in the reports folder; one that cannot be written (a full disk) is a
    failure of the run that the summary shows first, naming the file."""
    try:
        ctx.report.write_json(ctx.config.reports_dir)
    except WriteFailed as exc:  # first: the summary shows it however many sources failed
        ctx.report.failures.insert(0, (str(exc.path), str(exc)))


def quad_count(ctx: RunContext) -> int | None:
    """The quads the store holds (None when it cannot be opened or read)."""
    try:
        return ctx.store.quad_count()
    except ScholarKGError:
        return None


def close_run(ctx: RunContext, loading: Loading) -> None:
    """Finish loading, then everything a run does once (see the module doc)."""
    report = ctx.report
    ctx.count_pyshacl_graphs()
    with report.timed("load"):
        loading.close()
    if report.store_error is None:
        for step in ctx.after_load:
            try:
                step()
            except ScholarKGError as exc:  # the others still run (its message names its file)
                report.failures.append(("after loading", str(exc)))
            except (OSError, sqlite3.Error) as exc:
                report.failures.append(("after loading", f"{type(exc).__name__}: {exc}"))
        try:
            _close_store_side(ctx)
        except (WriteFailed, ExportError) as exc:  # a file beside the store (a dump, the VoID,
            # the manifest, a mark): the store is usable; the next run publishes again
            report.failures.append(("after loading", str(exc)))
        except ScholarKGError as exc:
            report.store_error = str(exc)
        except Interrupted as exc:  # in the publication: the graphs stay, the dump being
            # written is dropped, and the next run publishes everything (the run is unfinished)
            report.interrupted = str(exc)
            _record_the_stop(ctx)
    report.finished_at = now_iso()
    report.store_quads = quad_count(ctx)
    write_report(ctx)


def _record_the_stop(ctx: RunContext) -> None:
    """A run stopped in its publication wrote its record before (outcome ``ok``, say): it is
    written again with the outcome ``failed`` the report gives (before: the store's record said
    ``ok`` while the report said the run was interrupted)."""
    if "run record" not in ctx.report.run_graphs:
        return
    try:
        write_run_record(ctx)
    except ScholarKGError as exc:
        ctx.report.failures.append(("after loading", f"the run record not rewritten: {exc}"))


def _missing(ctx: RunContext, graphs: Sequence[str]) -> None:
    """Graphs the manifest noted are gone from the store (removed outside scholarkg): a record's
    or profile's is loaded again when its source is next read; a person's is due again in the
    registry (nothing else would ever write it), for the next run."""
    ctx.report.warnings.append(persons_due_again(ctx.registry, ctx.minter, graphs))


def published_files(publication: Publication) -> list[PublishedFile]:
    """The files ``publication`` wrote, as the report lists them: its dumps, then ``void.ttl``
    when it was written."""
    files = [
        PublishedFile(
            str(d.path),
            d.triples_or_quads,
            "quads" if d.fmt in ("nq", "trig") else "triples",
            left_out=d.left_out,
        )
        for d in publication.dumps
    ]
    if publication.description is not None:
        files.append(
            PublishedFile(
                str(publication.description),
                publication.description_triples,
                "triples",
                kind="VoID description",
            )
        )
    return files


def held_as_written(store: GraphStore, iri: str, triples: int) -> None:
    """Raise :class:`LoadError` unless the store holds the ``triples`` of graph ``iri`` just
    written: a server (or a proxy before it) that answers writes with success without applying
    them would otherwise have the run say ``ok`` for graphs nobody can read."""
    held = store.graph_sizes([iri]).get(iri, 0)
    if held != triples:
        raise LoadError(
            f"the store answered the write of the run record <{iri}> with success but holds "
            f"{held} of its {triples} triples: it does not apply the writes it acknowledges "
            "(a read-only replica, or a proxy before the server?); nothing was published"
        )


def write_run_record(ctx: RunContext) -> None:
    """The run's record (its outcome and counts so far) written to the store and noted in the
    manifest: the activity every graph the run wrote names as ``prov:wasGeneratedBy``."""
    report, store = ctx.report, ctx.store
    record = run_record(ctx.run, ended_at=ctx.now(), outcome=report.outcome, counts=report.counts())
    store.replace_graph(ctx.run.graph_iri, record)
    if ctx.config.store.check_writes:  # off: a query endpoint lagging behind the writes
        held_as_written(store, str(ctx.run.graph_iri), len(record))
    report.run_graphs["run record"] = len(record)
    _note(ctx, [str(ctx.run.graph_iri)], True)


def _close_store_side(ctx: RunContext) -> None:
    report, store = ctx.report, ctx.store
    names = {
        str(ctx.minter.ontology_graph()): "ontology",
        str(ctx.minter.category_graph()): ("arXiv categories"),
    }
    ontology: dict[str, int] = {}
    try:
        load_ontology(store, ctx.minter, ontology)
    finally:  # counted before a failure of the second graph is seen: the store holds the first
        report.ontology_triples = sum(ontology.values())
        report.run_graphs.update({names[iri]: triples for iri, triples in ontology.items()})
    if report.ontology_triples:
        _note(ctx, [str(ctx.minter.ontology_graph()), str(ctx.minter.category_graph())], False)
    if ctx.touched_papers:
        with report.timed("consistency check"):
            report.consistency += consistency(store, sorted(ctx.touched_papers))
    mark = ctx.config.state_dir / PUBLISHED_MARK
    key = publication_key(ctx.config)
    # the last publication finished, of this store with these settings: only this run's graphs
    # changed; otherwise (none, cut short, another store, other settings) publish everything
    complete = published_complete(mark, key) and not ctx.unfinished
    # graphs changed in place by SPARQL Update (serve --allow-updates): publish them
    complete = complete and not written_around(store_state_dir(ctx.config))
    # another data directory that loads this store wrote it or published since: the store's
    # description, as this run found it, is not the one this directory's publication left
    complete = complete and _recorded(mark).get("described") == ctx.described_at_open
    if report.changed_anything:
        mark.unlink(missing_ok=True)  # until this run's publication is complete
        write_run_record(ctx)
    if report.changed_anything or not complete:
        buckets: set[int] | None = None
        if complete:
            touched = [str(ctx.run.graph_iri)]
            if report.ontology_triples:
                touched += [str(ctx.minter.ontology_graph()), str(ctx.minter.category_graph())]
            buckets = ctx.touched_buckets | {bucket_of(g) for g in touched}
        described: dict[str, int] = {}
        publication = Publication()
        try:
            with report.timed("publish"):
                publish(
                    store,
                    ctx.config,
                    buckets=buckets,
                    sealed=ctx.store_in_line,
                    written=described,
                    on_lost=lambda graphs: _missing(ctx, graphs),  # before the manifest forgets
                    into=publication,
                )
        finally:  # counted when the store took it, though a later step failed (void.ttl)
            if described:
                report.run_graphs["VoID description"] = sum(described.values())
            # the files written, though a later one failed (void.ttl, a dump, a stop)
            report.published = published_files(publication)
        ctx.store_in_line = True  # its graph names compared, or nobody wrote it around the run
        recorded = {"run": ctx.run.iri, **key, "described": described_version(store, ctx.minter)}
        write_atomic(mark, (json.dumps(recorded, sort_keys=True) + "\n").encode("utf-8"))
    else:  # nothing written: the description this run found is as true as it was
        revalidate(store, ctx.minter, ctx.run.iri)
    if isinstance(store, EmbeddedStore) and (
        report.changed_anything or not complete or served.current(store.path) is None
    ):
        served.take(store.native, store.path)  # what the server and its workers read
    ctx.unfinished_mark.unlink(missing_ok=True)  # published and checkpointed: finished
