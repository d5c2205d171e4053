"""The unfinished marks a run writes when it opens a store (``run-unfinished/<store>.json``)
and removes once it is published: the run a mark names, and the marks kept for other
stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scholarkg.runs.context import RunContext


def unfinished_mark(ctx: RunContext) -> dict[str, Any]:
    """What a run writes in its unfinished mark when it opens the store."""
    store = ctx.config.store
    return {
        "run": ctx.run.iri,
        "store": str(store.query_url) if store.kind == "sparql" else str(store.path),
        "job": ctx.job,
        "started_at": ctx.run.started_at.isoformat(),
        "config_hash": ctx.run.config_hash,
        "software_version": ctx.run.software_version,
    }


def marks_elsewhere(ctx: RunContext) -> list[tuple[Path, tuple[str, dict[str, Any]]]]:
    """The marks kept for other stores, with the run each names and its fields."""
    own, found = ctx.unfinished_mark, []
    for path in sorted(own.parent.glob("*.json")):
        if path.name == own.name:
            continue
        try:
            mark = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        iri = mark.get("run") if isinstance(mark, dict) else None
        if isinstance(iri, str) and iri != ctx.run.iri and "/run/" in iri:
            found.append((path, (iri, mark)))
    return found


def other_marks(ctx: RunContext) -> bool:
    """Whether marks are kept for other stores (one may be this store's, moved)."""
    return bool(marks_elsewhere(ctx))


def unfinished_elsewhere(ctx: RunContext) -> list[str]:
    """One line per run left unfinished in another store (its mark kept for that store): a
    run into it writes its record (before: the one mark was taken by the next run into any
    store, and a killed run's record was never written when the configuration had switched
    stores since)."""
    return [
        f"run <{iri}> into {mark.get('store') or 'another store'} did not finish (its mark: "
        f"{path}): the next run into that store writes its record and publishes it again"
        for path, (iri, mark) in marks_elsewhere(ctx)
    ]


def marked_run(ctx: RunContext) -> tuple[str, dict[str, Any]] | None:
    """The run this store's unfinished mark names (not this one) and the mark's fields (an
    older version's one mark for every store is taken as this store's)."""
    for path in (ctx.unfinished_mark, ctx.older_mark):
        try:
            mark = json.loads(path.read_text(encoding="utf-8"))
            break
        except (OSError, ValueError):
            continue
    else:
        return None
    iri = mark.get("run") if isinstance(mark, dict) else None
    if not isinstance(iri, str) or iri == ctx.run.iri or "/run/" not in iri:
        return None
    return iri, mark
