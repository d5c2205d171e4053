"""How a worker runs each kind of job (query, update, the pages' SELECT batch) on its store."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from scholarkg.errors import ScholarKGError
from scholarkg.serve.jobs import JobFailure, QueryJob, QueryOutcome, SelectBatch, UpdateJob, shape
from scholarkg.serve.store_spec import StoreSpec
from scholarkg.serve.worker_failures import DETAIL_CHARS, evaluation_failure, store_failure
from scholarkg.store import served


def _dataset_kwargs(job: QueryJob) -> dict[str, Any]:
    """As the SPARQL 1.1 Protocol says: given either parameter, the dataset is exactly the
    default graphs and named graphs given (none of a kind left out)."""
    if job.default_graphs is None and job.named_graphs is None:
        return {"use_default_graph_as_union": job.union}
    return {
        "default_graph": [ox.NamedNode(g) for g in job.default_graphs or ()],
        "named_graphs": [ox.NamedNode(g) for g in job.named_graphs or ()],
    }


def query_store(store: Any, job: QueryJob) -> Any:
    """The result of ``job``'s query on ``store``, over the dataset the job asks for."""
    if isinstance(store, ox.Store):
        return store.query(job.sparql, **_dataset_kwargs(job))
    return store.query(  # a SPARQL server: the dataset goes on as protocol parameters
        job.sparql,
        union=job.union,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs,
    )


def run_job(store: Any, job: QueryJob, max_bytes: int) -> QueryOutcome | JobFailure:
    """Run one query job against an open store. An error while the result is evaluated, read
    or serialized is a failure of kind store (a SERVICE endpoint may fail mid-stream); only
    the query text's own syntax error is kind syntax. MemoryError goes up to the worker loop."""
    try:
        result = query_store(store, job)
    except SyntaxError as exc:
        return JobFailure("syntax", str(exc))
    except MemoryError:
        raise
    except Exception as exc:
        return evaluation_failure(exc, store)
    try:
        return shape(result, job, max_bytes)
    except MemoryError:
        raise
    except Exception as exc:
        return evaluation_failure(exc, store)


def run_update(store: Any, job: UpdateJob, spec: StoreSpec) -> str | JobFailure:
    """Apply one update to a store opened read-write; ``"done"`` once it is on disk and, for an
    embedded store, checkpointed for the query workers."""
    try:
        store.update(job.sparql)
        store.flush()
    except SyntaxError as exc:
        return JobFailure("syntax", f"SPARQL update failed: {exc}")
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}"[:DETAIL_CHARS]
        print(f"update failed: {detail}", file=sys.stderr, flush=True)
        name = type(exc).__name__
        return store_failure(exc, store, f"the update could not be applied ({name})")
    if spec.kind == "oxigraph":
        try:
            served.take(store, Path(spec.location))
        except ScholarKGError as exc:
            return JobFailure("store", f"the update was applied but not checkpointed: {exc}")
    return "done"


def run_batch(store: Any, batch: SelectBatch) -> tuple[QueryOutcome, ...] | JobFailure:
    """The server's own SELECT queries (its pages), each answer with the variables it asks, in
    the order it asks them (:func:`as_asked`: a SPARQL server's answer is checked)."""
    outcomes = []
    for sparql in batch.queries:
        outcome = run_job(store, QueryJob(sparql), 1 << 62)
        if not isinstance(outcome, JobFailure) and not isinstance(store, ox.Store):
            outcome = as_asked(sparql, outcome, getattr(store, "query_url", "the store"))
        if isinstance(outcome, JobFailure):
            return outcome
        outcomes.append(outcome)
    return tuple(outcomes)


_EMPTY: list[ox.Store] = []  # an empty in-memory store: what a query projects, read off it


def as_asked(sparql: str, outcome: QueryOutcome, where: str) -> QueryOutcome | JobFailure:
    """A SPARQL server's ``outcome`` of SELECT ``sparql`` with its columns in the order the
    query projects them (pages read some by position); answered with other variables (or
    not as solutions), a failure: the pages read them by name."""
    if not _EMPTY:
        _EMPTY.append(ox.Store())
    projected = _EMPTY[0].query(sparql)
    if not isinstance(projected, ox.QuerySolutions):
        return outcome  # the pages batch SELECT queries only
    asked = tuple(v.value for v in projected.variables)
    got = outcome.variables
    if outcome.form == "solutions" and got == asked:
        return outcome
    if outcome.form != "solutions" or sorted(got) != sorted(asked):
        said = " ".join(f"?{v}" for v in got) if outcome.form == "solutions" else outcome.form
        detail = f"{where} answered {said} to a query asking " + " ".join(f"?{v}" for v in asked)
        return JobFailure("upstream", "the store answered other variables than asked", detail)
    order = [got.index(v) for v in asked]
    rows = tuple(tuple(row[i] for i in order) for row in outcome.rows)
    return replace(outcome, variables=asked, rows=rows)
