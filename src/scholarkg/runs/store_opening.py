"""What a run does as it opens its store: take the seal, check the store against its manifest,
record a killed run, mark itself unfinished, and note in the store's description that it
writes (a part of :class:`~scholarkg.runs.context.RunContext`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from scholarkg.config import Config
from scholarkg.errors import ScholarKGError
from scholarkg.files import write_atomic
from scholarkg.harvest import forget_harvests
from scholarkg.load.manifest import open_manifest, store_state_dir
from scholarkg.runs.described import described_version, invalidate
from scholarkg.runs.killed import record_killed_run
from scholarkg.runs.unfinished_marks import other_marks, unfinished_elsewhere, unfinished_mark
from scholarkg.store.base import GraphStore
from scholarkg.store.seal import take_seal

if TYPE_CHECKING:
    from scholarkg.runs.context import RunContext


def sealable(config: Config) -> bool:
    """An embedded store: its files tell whether anything wrote it (see
    :mod:`scholarkg.store.seal`)."""
    return config.store.kind == "oxigraph"


def open_checked(ctx: RunContext) -> GraphStore:
    """The run's store opened, its seal taken first (``ctx.store_in_line``) and its manifest
    checked (:func:`check_manifest`); a store that fails the check is closed again."""
    config = ctx.config
    if sealable(config):  # read (and removed) before the store is opened
        ctx.store_in_line = take_seal(Path(config.store.path), store_state_dir(config))
    store = config.store.open()
    try:
        warning = check_manifest(config, store)
    except BaseException:
        store.close()
        raise
    if warning is not None:
        ctx.report.warnings.append(warning)
    return store


def check_manifest(config: Config, store: GraphStore) -> str | None:
    """Before any work: another ``[iris] base`` than the store's is an error; a store that
    lost what its manifest records (made afresh, cleared outside scholarkg) is written
    again in full, person graphs included: the warning saying so (None: nothing lost)."""
    manifest = open_manifest(config)
    try:
        try:
            lost = manifest.lost_by(store.graph_sizes)
        except ScholarKGError:  # unreachable now: the loader keeps its graphs in the outbox
            return None
        if not lost:
            return None
        manifest.start_afresh()
        harvests = forget_harvests(store_state_dir(config))
        where = config.store.query_url or config.store.path
        return (
            f"{config.store.kind} store {where} holds none of the graphs its"
            " manifest records (made afresh or cleared outside scholarkg): every graph"
            " is written again as its source is read"
            + (
                "; harvests start again (their watermarks and checkpoints dropped: give --from)"
                if harvests
                else ""
            )
        )
    finally:
        manifest.close()


def mark_opened(ctx: RunContext, store: GraphStore) -> None:
    """Once the run holds ``store``: the record of a killed run without one written, this
    run's unfinished mark in place of any older one, and what the store's description says
    before this run writes kept (``ctx.described_at_open``), then a note in it that this run
    writes (see :mod:`scholarkg.runs.described`)."""
    if ctx.unfinished or other_marks(ctx):  # a killed run without a record: write it
        try:
            record_killed_run(ctx, store)
        except ScholarKGError as exc:
            ctx.report.warnings.append(f"a killed run's record not written: {exc}")
    ctx.report.notes += unfinished_elsewhere(ctx)
    mark = unfinished_mark(ctx)
    ctx.unfinished_mark.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(ctx.unfinished_mark, (json.dumps(mark) + "\n").encode("utf-8"))
    ctx.older_mark.unlink(missing_ok=True)  # taken (its run recorded) or replaced
    try:
        ctx.described_at_open = described_version(store, ctx.minter)
        invalidate(store, ctx.minter, ctx.run.iri)
    except ScholarKGError as exc:  # the store's writes fail: its loaders say so too
        ctx.report.warnings.append(f"the store's description not noted as written: {exc}")
