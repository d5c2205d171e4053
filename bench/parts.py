"""The bench's parts: which steps run, in which order, and what is compared with what.

Every measured step runs in a fresh interpreter (:func:`measure.run_step`). Paired steps of one
comparison run back to back in one repeat, their order reversed in every other repeat.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import generate
from measure import Run, compare, mib, run_step, spread, summary


@dataclass(frozen=True)
class Settings:
    work: Path
    repeats: int
    naive_sizes: tuple[int, ...]
    resolution_papers: int
    naive_persons: bool = False  # ingest: also the ablation with naive persons (--naive-persons)


def data_file(settings: Settings, n: int) -> Path:
    """The bench input of ``n`` records (generated once per generator version)."""
    path = settings.work / f"arxiv-{n}-v{generate.VERSION}.jsonl"
    if not path.exists():
        generate.write(path, n)
    return path


def changed_file(data: Path, *, every: bool = False) -> Path:
    """``data`` with one record's title changed (the record in the middle of the file), or
    with ``every`` record's abstract changed (a new snapshot in which all were revised)."""
    path = data.with_name(data.stem + ("-all-changed.jsonl" if every else "-one-changed.jsonl"))
    if path.exists():
        return path
    with data.open(encoding="utf-8") as handle:
        total = sum(1 for _ in handle)
    with data.open(encoding="utf-8") as src, path.open("w", encoding="utf-8") as out:
        for number, line in enumerate(src):
            if every:
                item = json.loads(line)
                item["abstract"] = f"{item.get('abstract') or ''} (revised)"
                line = json.dumps(item, ensure_ascii=False) + "\n"
            elif number == total // 2:
                item = json.loads(line)
                item["title"] += " (revised)"
                line = json.dumps(item, ensure_ascii=False) + "\n"
            out.write(line)
    return path


def ingest(settings: Settings, n: int, *, keep_store: bool) -> dict[str, Any]:
    """Pipeline vs floor, pipeline vs pipeline without identity (and, with
    ``settings.naive_persons``, vs naive persons, and those vs none), re-run, one-record
    update, then an update in which every record changed."""
    data = data_file(settings, n)
    changed, all_changed = changed_file(data), changed_file(data, every=True)
    work = settings.work / f"n{n}"
    nquads = work / "pipeline.nq"
    order = ["pipeline", "floor", "no-identity"] + ["naive-persons"] * settings.naive_persons
    runs: dict[str, list[Run]] = {k: [] for k in order}
    runs |= {"rerun": [], "update": [], "update-all": []}
    for repeat in range(settings.repeats):
        last = repeat == settings.repeats - 1
        for name in order if repeat % 2 == 0 else order[::-1]:
            print(f"  N={n} repeat {repeat + 1}/{settings.repeats}: {name}", flush=True)
            if name == "pipeline":
                store = work / "pipeline"
                params = {"work": str(store), "data": str(data), "keep": True}
                runs["pipeline"].append(run_step("pipeline", params))
                if repeat == 0:
                    run_step("dump", {"work": str(store), "nquads": str(nquads)})
                again_runs = (("rerun", data), ("update", changed), ("update-all", all_changed))
                for again, source in again_runs:
                    print(f"  N={n} repeat {repeat + 1}/{settings.repeats}: {again}", flush=True)
                    step = {"work": str(store), "data": str(source)}
                    runs[again].append(run_step("rerun", step))
                if not (keep_store and last):
                    shutil.rmtree(store, ignore_errors=True)
            elif name == "floor":
                runs["floor"].append(run_step("floor", {"work": str(work), "nquads": str(nquads)}))
            else:
                mode = False if name == "no-identity" else "naive"
                params = {"work": str(work / name), "data": str(data), "identity": mode}
                runs[name].append(run_step("pipeline", params))
    nquads.unlink(missing_ok=True)
    pipeline = runs["pipeline"]
    pairs = list(zip(pipeline, runs["floor"], strict=True))
    identity = compare(pipeline, runs["no-identity"])
    identity["identity_share"] = {k: round(v - 1, 4) for k, v in identity["ratio_wall"].items()}
    split = {}
    if settings.naive_persons:
        split = {
            "pipeline_vs_naive_persons": _share(compare(pipeline, runs["naive-persons"])),
            "naive_persons_vs_no_identity": _share(
                compare(runs["naive-persons"], runs["no-identity"])
            ),
        }
    return {
        "n": n,
        "store": str(work / "pipeline" / "store") if keep_store else None,
        "runs": {k: [r.row() for r in v] for k, v in runs.items()},
        "summary": {k: summary(v) for k, v in runs.items()},
        "pipeline_vs_floor": compare(pipeline, runs["floor"]),
        "pipeline_vs_no_identity": identity,
        "pipeline_without_publish_vs_floor": spread(
            [(p.wall - p.data["durations_s"].get("publish", 0.0)) / f.wall for p, f in pairs]
        ),
        "rerun_vs_pipeline": _ratios(runs["rerun"], pipeline),
        "update_vs_pipeline": _ratios(runs["update"], pipeline),
        "update_all_vs_pipeline": _ratios(runs["update-all"], pipeline),
        "peak_rss_mib": max(mib(r.peak_rss) for r in pipeline),
        **split,
    }


def _share(comparison: dict[str, Any]) -> dict[str, Any]:
    """``comparison`` (A / B) with A's cost over B: the ratios less one, wall and CPU."""
    for clock in ("wall", "cpu"):
        ratios = comparison[f"ratio_{clock}"]
        comparison[f"share_{clock}"] = {k: round(v - 1, 4) for k, v in ratios.items()}
    return comparison


def _ratios(a: list[Run], b: list[Run]) -> dict[str, float]:
    return spread([x.wall / y.wall for x, y in zip(a, b, strict=True)])


def identity_quality(settings: Settings) -> dict[str, Any]:
    print("  identity quality: labelled set through the pipeline", flush=True)
    return run_step("identity-quality", {"work": str(settings.work / "identity-set")}).row()


def resolution(settings: Settings, store: Path | None, n: int) -> dict[str, Any]:
    """Requests and precision/recall against the replay server; local rate on the N store."""
    print("  resolution: labelled profiles against the replay server", flush=True)
    result: dict[str, Any] = {
        "quality": run_step("resolution-quality", {"work": str(settings.work / "resolution")}).row()
    }
    data = data_file(settings, n)
    work = store.parent if store is not None else settings.work / f"n{n}" / "pipeline"
    if store is None:
        print(f"  resolution: loading N={n} for the local rate (not a measurement)", flush=True)
        run_step("pipeline", {"work": str(work), "data": str(data), "keep": True})
    print(f"  resolution: local rate against the N={n} store", flush=True)
    params = {"work": str(work), "data": str(data), "papers": settings.resolution_papers}
    result["local"] = {"n": n, **run_step("resolution-local", params).row()}
    shutil.rmtree(work, ignore_errors=True)
    return result


def naive(settings: Settings) -> list[dict[str, Any]]:
    """The naive reference and the pipeline on the same records, at each naive size."""
    rows = []
    for n in settings.naive_sizes:
        data = data_file(settings, n)
        print(f"  naive reference, N={n}", flush=True)
        ref = run_step(
            "naive", {"work": str(settings.work / "naive"), "data": str(data), "records": n}
        )
        print(f"  pipeline, N={n}", flush=True)
        pipe = run_step("pipeline", {"work": str(settings.work / f"small-{n}"), "data": str(data)})
        rows.append(
            {
                "n": n,
                "naive": ref.row(),
                "pipeline": pipe.row(),
                "naive_vs_pipeline_wall": round(ref.wall / pipe.wall, 2),
            }
        )
    return rows
