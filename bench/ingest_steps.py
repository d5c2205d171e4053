"""Measured ingest steps (each runs in a fresh interpreter, see ``measure.run_step``).

* ``pipeline``: ``load_snapshot`` with the default workers into a new embedded store (data and
  store under the step's scratch directory); optionally without the identity step
  (``identity: false``) or with naive persons in its place (``identity: "naive"``): the
  bench-only ablations of ``ablation.py``; ``persons_per_graph: n`` writes the persons n to a
  named graph (``ablation.person_shards``).
* ``dump``: what that store holds, as N-Quads (the floor's input).
* ``rerun``: the same call again on the store a ``pipeline`` step left (nothing changed, or one
  record changed: the publishing cost of a small update).
* ``floor``: pyoxigraph alone, ``bulk_load`` of those N-Quads into a new store.
"""

from __future__ import annotations

import shutil
from contextlib import ExitStack, nullcontext
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ablation import identity_disabled, identity_naive, person_shards
from measure import clocks
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport

Params = dict[str, Any]
ABLATIONS = {False: identity_disabled, "naive": identity_naive}  # params["identity"]: which


OFFLINE = "[arxiv]\nenabled = false\n"


def config_for(work: Path, *, profiles: tuple[Path, ...] = (), sections: str = OFFLINE) -> Config:
    """A config whose data directory and store are under ``work``, with these profile pages and
    TOML ``sections`` (by default: arXiv off, so nothing touches the network)."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / "scholarkg.toml"
    if not path.exists():
        sources = ", ".join(f'"{p}"' for p in profiles)
        path.write_text(
            f'[data]\ndir = "{work / "data"}"\n[store]\npath = "{work / "store"}"\n'
            f"[profiles]\nsources = [{sources}]\n{sections}",
            encoding="utf-8",
        )
    return load_config(path)


def facts(report: RunReport) -> dict[str, Any]:
    """What a snapshot run did, for the tables (counts from the run's own report)."""
    severities = report.severity_counts()
    return {
        "outcome": report.outcome,
        "records": report.records_read,
        "records_loaded": report.records_loaded,
        "rejected": len(report.rejected),
        "quarantined": len(report.quarantined),
        "violations": severities["Violation"],
        "warnings": severities["Warning"],
        "infos": severities["Info"],
        "triples_gated": report.triples_gated,
        "graphs_written": report.graphs_written,
        "graphs_unchanged": report.graphs_unchanged,
        "persons_new": report.persons_new,
        "store_quads": report.store_quads,
        "published": bool(report.published),
        "durations_s": dict(report.durations),
    }


def pipeline(params: Params) -> dict[str, Any]:
    work = Path(params["work"])
    shutil.rmtree(work, ignore_errors=True)
    config = config_for(work)
    data = Path(params["data"])
    identity = params.get("identity", True)
    ablation = nullcontext() if identity is True else ABLATIONS[identity]()
    with ExitStack() as patches:
        patches.enter_context(ablation)
        patches.enter_context(person_shards(int(params.get("persons_per_graph", 1))))
        with clocks() as measured:
            ctx = load_snapshot(config, data)
    if not params.get("keep", False):
        shutil.rmtree(work, ignore_errors=True)
    return {"wall": measured.wall, "cpu": measured.cpu, **facts(ctx.report)}


def dump(params: Params) -> dict[str, Any]:
    """Everything a pipeline's store holds, as N-Quads: the floor loads exactly this."""
    store = ox.Store.read_only(str(Path(params["work"]) / "store"))
    target = Path(params["nquads"])
    target.parent.mkdir(parents=True, exist_ok=True)
    with clocks() as measured:
        store.dump(str(target), format=ox.RdfFormat.N_QUADS)
    return {"wall": measured.wall, "cpu": measured.cpu, "quads": len(store)}


def rerun(params: Params) -> dict[str, Any]:
    config = config_for(Path(params["work"]))
    with clocks() as measured:
        ctx = load_snapshot(config, Path(params["data"]))
    return {"wall": measured.wall, "cpu": measured.cpu, **facts(ctx.report)}


def floor(params: Params) -> dict[str, Any]:
    store_dir = Path(params["work"]) / "floor-store"
    shutil.rmtree(store_dir, ignore_errors=True)
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    with clocks() as measured:
        store = ox.Store(str(store_dir))
        store.bulk_load(path=params["nquads"], format=ox.RdfFormat.N_QUADS)
        store.flush()
    quads = len(store)
    del store
    shutil.rmtree(store_dir, ignore_errors=True)
    return {"wall": measured.wall, "cpu": measured.cpu, "quads": quads}


STEPS = {"pipeline": pipeline, "rerun": rerun, "floor": floor, "dump": dump}
