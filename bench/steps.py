"""The measured steps of the bench; each runs in a fresh process (see ``run.py --step``).

Every step returns figures for one row of the table: seconds, records, triples and the peak
resident memory of the step's process tree (workers included).
"""

from __future__ import annotations

import pickle
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

import jena as jena_cli
from measure import Sampler
from scholarkg.bulk import worker
from scholarkg.bulk.ingest import fingerprint, ingest_snapshot, setup_for
from scholarkg.bulk.loader import Loader
from scholarkg.bulk.manifest import Manifest
from scholarkg.config import Config
from scholarkg.extract.snapshot import batched, read_snapshot
from scholarkg.pipeline import arxiv_graphs
from scholarkg.resources import ontology_graph, shapes_dir
from scholarkg.shacl.engine import Engine as FastGate
from scholarkg.shacl.index import Ontology

# The raw pySHACL call (no parse cache): the naive reference is plain pySHACL.
from scholarkg.shacl.reference import findings_of, memoised_sparql_parse
from scholarkg.shacl.terms import rdflib_triples
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.validate import _run_shapes_unlocked

Row = dict[str, Any]


def _row(name: str, seconds: float, records: int, triples: int, peak: int, **extra: Any) -> Row:
    return {
        "name": name,
        "seconds": round(seconds, 3),
        "records": records,
        "triples": triples,
        "peak_rss": peak,
        **extra,
    }


def stages(config: Config, data: Path, work: Path) -> list[Row]:
    """Parse, transform, validate, write in one process, then load the result: each timed."""
    sampler = Sampler()
    setup = setup_for(config)
    worker.start(setup)
    spool = work / "stages.pickle"
    totals = dict.fromkeys(("parse", "transform", "validate", "write"), 0.0)
    records = triples = 0
    with spool.open("wb") as out:
        for index, lines in enumerate(batched(enumerate(data.open("rb"), start=1), 1000)):
            result = worker.ChunkResult(index)
            assert worker._WORKER is not None
            with sampler.during("parse"):
                started = time.perf_counter()
                parsed = worker._WORKER.parse(lines, str(data), result)
                totals["parse"] += time.perf_counter() - started
            with sampler.during("transform+validate+write"):
                started = time.perf_counter()
                worker._WORKER.run(parsed, result)
            for stage in ("transform", "validate", "write"):
                totals[stage] += result.seconds[stage]
            records += result.records
            triples += sum(g.triples for g in result.graphs)
            pickle.dump(result, out)
    store_dir = work / "stages-store"
    shutil.rmtree(store_dir, ignore_errors=True)
    with sampler.during("load"), EmbeddedStore(store_dir) as store:
        started = time.perf_counter()
        manifest = Manifest(store_dir, fingerprint(config))
        loader = Loader(store._store, manifest)
        with spool.open("rb") as chunks:
            while True:
                try:
                    loader.add(pickle.load(chunks), None)
                except EOFError:
                    break
        loader.close()
        manifest.close()
        load_seconds = time.perf_counter() - started
    sampler.stop()
    shared = sampler.peaks["transform+validate+write"]
    rows = [_row("parse", totals["parse"], records, triples, sampler.peaks["parse"])]
    rows += [
        _row(s, totals[s], records, triples, shared) for s in ("transform", "validate", "write")
    ]
    rows.append(_row("load", load_seconds, records, triples, sampler.peaks["load"]))
    shutil.rmtree(store_dir, ignore_errors=True)
    spool.unlink()
    return rows


def pipeline(config: Config, data: Path, work: Path, workers: int) -> list[Row]:
    """The bulk ingest as the CLI runs it, then the same input again (nothing changed)."""
    store_dir = work / "pipeline-store"
    shutil.rmtree(store_dir, ignore_errors=True)
    sampler = Sampler()
    rows = []
    with EmbeddedStore(store_dir) as store:
        for name in ("pipeline", "rerun"):
            tee = (work / "pipeline.nq").open("wb") if name == "pipeline" else None
            with sampler.during(name):
                started = time.perf_counter()
                summary = ingest_snapshot(data, config, store, workers=workers, tee=tee)
                seconds = time.perf_counter() - started
            if tee is not None:
                tee.close()
            rows.append(
                _row(
                    name,
                    seconds,
                    summary.records,
                    summary.triples,
                    sampler.peaks[name],
                    rejected=len(summary.rejected) + summary.rejected_skipped,
                    warnings=summary.warnings,
                    findings=summary.warnings + summary.infos,
                    graphs_written=summary.graphs_written + summary.graphs_replaced,
                    chunks_skipped=summary.chunks_skipped,
                    cpu_seconds={k: round(v, 2) for k, v in summary.seconds.items()},
                )
            )
    sampler.stop()
    shutil.rmtree(store_dir, ignore_errors=True)
    return rows


def floor(work: Path, records: int) -> list[Row]:
    """pyoxigraph alone on the pipeline's own N-Quads: parse, then bulk_load into a new store."""
    data = work / "pipeline.nq"
    sampler = Sampler()
    with sampler.during("parse"):
        started = time.perf_counter()
        quads = sum(1 for _ in ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
        parse_seconds = time.perf_counter() - started
    store_dir = work / "floor-store"
    shutil.rmtree(store_dir, ignore_errors=True)
    with sampler.during("bulk_load"):
        store = ox.Store(str(store_dir))
        started = time.perf_counter()
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        load_seconds = time.perf_counter() - started
        del store
    sampler.stop()
    shutil.rmtree(store_dir, ignore_errors=True)
    return [
        _row("floor parse", parse_seconds, records, quads, sampler.peaks["parse"]),
        _row("floor bulk_load", load_seconds, records, quads, sampler.peaks["bulk_load"]),
    ]


def naive(config: Config, data: Path, work: Path, records: int) -> list[Row]:
    """rdflib graphs + whole-graph pySHACL + per-graph load, on the first ``records`` records.

    Also: the fast gate on the same merged graph (findings compared), and pySHACL with its
    SPARQL parse memoised.
    """
    sampler = Sampler()
    items = [r for _, r in zip(range(records), read_snapshot(data), strict=False)]
    with sampler.during("rdflib"):
        started = time.perf_counter()
        graphs = arxiv_graphs(items, config)
        merged = Graph()
        for named in graphs:
            merged += named.graph
        build = time.perf_counter() - started
    triples = len(merged)
    with sampler.during("pyshacl"):
        started = time.perf_counter()
        expected = Counter(findings_of(_run_shapes_unlocked(merged)))
        validate = time.perf_counter() - started
    with sampler.during("pyshacl-memoised"), memoised_sparql_parse():
        started = time.perf_counter()
        memoised = Counter(findings_of(_run_shapes_unlocked(merged)))
        validate_memoised = time.perf_counter() - started
    store_dir = work / "naive-store"
    shutil.rmtree(store_dir, ignore_errors=True)
    with sampler.during("load"), EmbeddedStore(store_dir) as store:
        started = time.perf_counter()
        for named in graphs:
            store.replace_graph(named.iri, named.graph)
        load = time.perf_counter() - started
    shutil.rmtree(store_dir, ignore_errors=True)
    gate = FastGate()
    with sampler.during("fast gate"):
        started = time.perf_counter()
        fast = Counter(gate.check(rdflib_triples(merged)))
        fast_seconds = time.perf_counter() - started
    sampler.stop()
    same = fast == expected and memoised == expected
    return [
        _row("naive rdflib build", build, len(items), triples, sampler.peaks["rdflib"]),
        _row(
            "naive pySHACL whole graph",
            validate,
            len(items),
            triples,
            sampler.peaks["pyshacl"],
            findings=sum(expected.values()),
            identical_findings=same,
            fast_gate_seconds=round(fast_seconds, 3),
            by_severity=dict(Counter(f.severity for f in expected.elements())),
        ),
        _row("naive load (replace_graph)", load, len(items), triples, sampler.peaks["load"]),
        _row(
            "pySHACL, parse memoised",
            validate_memoised,
            len(items),
            triples,
            sampler.peaks["pyshacl-memoised"],
        ),
    ]


def jena(work: Path, records: int, cache: Path) -> list[Row]:
    """Jena ``shacl validate`` on the union of the pipeline's graphs (+ the ontology mix-in)."""
    cp = jena_cli.classpath(cache)
    if cp is None:
        return [{"name": "jena", "absent": True}]
    data = work / "jena-data.nt"
    triples = 0
    with data.open("w", encoding="utf-8") as out:
        for quad in ox.parse(path=str(work / "pipeline.nq"), format=ox.RdfFormat.N_QUADS):
            out.write(f"{quad.subject} {quad.predicate} {quad.object} .\n")
            triples += 1
        for s, p, o in Ontology(ontology_graph()).triples:
            out.write(f"{s} {p} {o} .\n")
    shapes = work / "shapes.ttl"
    shapes.write_text("\n".join(p.read_text() for p in sorted(shapes_dir().glob("*.ttl"))))
    run = jena_cli.validate(cp, shapes, data, work / "jena-report.ttl")
    data.unlink()
    return [
        _row(
            "jena shacl validate",
            run.seconds,
            records,
            triples,
            run.peak_rss,
            findings=run.results,
            conforms=run.conforms,
        )
    ]
