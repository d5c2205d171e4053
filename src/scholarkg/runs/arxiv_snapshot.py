"""The snapshot job: a snapshot file streamed in chunks through the pipeline (bulk loader by
default, worker processes), chunks loaded before skipped, so an interrupted load resumes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from scholarkg.config import Config
from scholarkg.errors import ConfigError, WorkerLost, WriteFailed
from scholarkg.extract.snapshot import chunked
from scholarkg.extract.snapshot_lines import SnapshotLine, snapshot_lines
from scholarkg.extract.snapshot_time import file_written
from scholarkg.lifecycle import Interrupted
from scholarkg.limits import Limits
from scholarkg.runs.build import finish
from scholarkg.runs.chunk_fingerprint import fingerprint
from scholarkg.runs.context import ProgressSink, RunContext
from scholarkg.runs.cut_short import lines_in_flight, stop_run
from scholarkg.runs.first_written import FirstWritten, chunk_part, first_written_path
from scholarkg.runs.loading import Loading
from scholarkg.runs.records import Ingest
from scholarkg.shown_text import some


def read_chunks(
    path: Path, size: int, limits: Limits, marked: list[int] | None = None
) -> Iterator[list[SnapshotLine]]:
    """Numbered lines of a snapshot file within the limits, ``size`` at a time, fewer where
    they are large (:func:`~scholarkg.extract.snapshot.chunked`); the numbers of lines read
    without the byte-order mark they began with go to ``marked``
    (:func:`~scholarkg.extract.snapshot_lines.snapshot_lines`)."""
    return chunked(snapshot_lines(path, limits, marked), size, limits)


def _marked_note(marked: list[int]) -> str:
    """The report's note on lines that began with a byte-order mark, past the first."""
    lines = some(str(n) for n in marked)
    return (
        f"a UTF-8 byte-order mark began {len(marked)} line(s) past the first (files joined?); "
        f"read without it: {lines}"
    )


def load_snapshot(
    config: Config,
    path: Path,
    *,
    chunk_records: int = 1000,
    workers: int | None = None,
    bulk: bool = True,
    force: bool = False,
    progress: ProgressSink | None = None,
) -> RunContext:
    """Stream a snapshot file through the pipeline; chunks loaded before are skipped once the
    store is seen to hold their graphs and the identity registry their decisions (so an
    interrupted load resumes), and reported with what they held (records, rejected and
    quarantined). The first line with an arXiv id is the
    record; later lines with that id are quarantined as duplicates. A ``chunk_records`` below
    1 (a deployment's parameter, say) is a :class:`ConfigError` before the run starts."""
    if chunk_records < 1:
        raise ConfigError(
            f"chunk_records: {chunk_records!r} is not a number of records (a whole number of at "
            "least 1)"
        )
    workers = config.runner.max_workers if workers is None else workers
    with (
        RunContext(config, "snapshot", progress=progress) as ctx,
        closing(
            FirstWritten(first_written_path(config), chunk_lines=chunk_records)
        ) as first_written,
    ):
        loading = Loading(ctx, bulk=bulk)
        ingest = Ingest(ctx, loading, workers=workers)
        manifest = ctx.open_manifest()
        if force:
            manifest.forget_chunks()
        stamp = fingerprint(config.limits, config.iri_base).encode()
        try:
            loading.pending_first()
            marked: list[int] = []
            file_time = file_written(path)  # read once a run
            chunks = read_chunks(path, chunk_records, config.limits, marked)
            for index, lines in enumerate(chunks):
                ctx.check_stop()
                digest = hashlib.blake2b(stamp, digest_size=16)
                content = hashlib.blake2b(digest_size=16)  # the bytes alone: whatever the config
                for line in lines:
                    part = chunk_part(line)
                    digest.update(part)
                    content.update(part)
                key = digest.digest()
                # before: this run's file time, so a file touched since judged bytes otherwise
                written = first_written.judge_by(content.digest(), file_time)
                known = manifest.chunk(key)
                if (
                    known is not None
                    and manifest.held(known[1], ctx.store.graph_sizes)
                    and ctx.registry.decided(key)  # a run killed before keeping them: decide
                ):
                    ingest.submit_skipped(index, str(path), lines, key, known, written)
                    continue
                ingest.submit_lines(index, str(path), lines, key, written)
            ingest.drain(0)
            if marked:
                ctx.report.notes.append(_marked_note(marked))
            if ingest.skipped:
                ctx.report.notes.append(
                    f"{ingest.skipped} chunks unchanged since the last run (skipped)"
                )
            finish(ctx, loading, ingest)  # the workers make the person graphs too
        # stopped, a full disk, or a worker killed (SIGKILL, out of memory): reported
        except (Interrupted, WriteFailed, WorkerLost) as exc:
            ctx.report.records_read += lines_in_flight(ingest.pending)
            ingest.abort()
            stop_run(ctx, loading, exc)
        except BaseException:
            ingest.abort()
            loading.abort()
            raise
        finally:
            manifest.close()
        return ctx
