"""The run context: what every job shares — configuration, the run's record, the store (opened
once), the identity registry (kept with the store, like the manifest), the title index, the
manifest, the outbox and the report.

Jobs are plain functions taking a :class:`RunContext`; Prefect flows wrap the same functions
as tasks. Only the process holding the context writes to the store and the registry; work that
can run elsewhere (fetching, parsing, resolving, validating) takes the configuration only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import ExitStack, suppress
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from scholarkg.config import Config
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.incremental import SourceState, SourceStates
from scholarkg.iris import Minter
from scholarkg.lifecycle import STOP, Interrupted, check_stop
from scholarkg.load.changes import ChangeSet
from scholarkg.load.manifest import Manifest, open_manifest, store_state_dir
from scholarkg.load.outbox import DeadLetters, Outbox, outbox_store_key
from scholarkg.models import QuarantinedRecord
from scholarkg.provenance import RunInfo
from scholarkg.resolution.index import TitleIndex
from scholarkg.runs import gating
from scholarkg.runs.allocator import return_freed_memory
from scholarkg.runs.collector import batch_collection
from scholarkg.runs.deletions import Deletions
from scholarkg.runs.held_versions import (
    StoreVersions,
    table_is_all,
    versions_in_store,
    versions_path,
)
from scholarkg.runs.identity_opening import open_registry, open_resolver, review_decisions
from scholarkg.runs.lock import RunLock
from scholarkg.runs.report import RunReport
from scholarkg.runs.server_store import check_before_run
from scholarkg.runs.state_paths import (
    UNFINISHED_MARK,
    UNFINISHED_MARKS,
    deletions_path,
    title_index_path,
)
from scholarkg.runs.store_opening import mark_opened, open_checked, sealable
from scholarkg.store.base import GraphStore
from scholarkg.store.foreign import check_not_foreign
from scholarkg.store.location import check_store_path
from scholarkg.store.seal import seal

if TYPE_CHECKING:
    from scholarkg.runs.holding_back import HoldingBack

ProgressSink = Callable[[int], None]
"""Told how many records a run has read so far (e.g. :meth:`scholarkg.progress.Progress.update`)."""


class RunContext:
    """One run of one job. Use as a context manager; see the module doc."""

    def __init__(
        self,
        config: Config,
        job: str,
        *,
        lock_wait: float = 60.0,
        progress: ProgressSink | None = None,
    ) -> None:
        self.config = config
        self.progress = progress
        self.job = job
        self.run = RunInfo.start(config)
        self.run_id = self.run.iri.rsplit("/", 1)[-1]
        self.minter = Minter(config.iri_base)
        self.report = RunReport(
            job,
            self.run.iri,
            quarantine_dir=str(config.quarantine_dir),
            reports_dir=str(config.reports_dir),
        )
        self.stop = STOP  # set by a SIGTERM/SIGINT handler (scholarkg.lifecycle)
        self.outbox = Outbox(config.data_dir, self.run_id, config.store)
        self.dead = DeadLetters(config.data_dir, self.run_id)
        self.changes = ChangeSet(config.changes_dir / self.run_id)
        self.after_load: list[Callable[[], None]] = []  # run once the store holds the graphs
        self.sources_built: list[SourceState] = []  # remembered at once after loading
        self.touched_papers: set[str] = set()  # for the consistency check
        self.touched_buckets: set[int] = set()  # dump parts of graphs written or dropped
        self.entries_kept: set[QuarantinedRecord] = set()  # a build's arXiv entries quarantined
        self._lock = RunLock(config.data_dir, job, wait=lock_wait)
        self._store: GraphStore | None = None
        # the manifest is in line with the store: nobody wrote it since a run closed it so
        # (a seal), or this run's publication compared them
        self.store_in_line = False
        self._registry: Registry | None = None
        self._identity: IdentityResolver | None = None
        self._index: TitleIndex | None = None
        self._deletions: Deletions | None = None
        self._versions: StoreVersions | None = None
        self._collection = ExitStack()
        self.unfinished = False
        self.described_at_open: str | None = None  # see scholarkg.runs.described
        self.holding_back: HoldingBack | None = None  # see scholarkg.runs.holding_back

    def __enter__(self) -> RunContext:
        if self.config.store.kind in ("oxigraph", "files"):  # before any source is asked
            check_store_path(self.config.store.path)
        if self.config.store.kind == "oxigraph":
            check_not_foreign(self.config.store.path)
        # a SPARQL server it cannot write: refused before the data directory is made (a stop
        # while it is asked is taken at the run's first check, and reported)
        with suppress(Interrupted):
            check_before_run(self.config)
        gating.start_gate(self.config.shacl.fallback)  # unsupported shapes: an error now
        self._pyshacl_before = gating.pyshacl_graphs()
        self._lock.__enter__()
        return_freed_memory()
        self._collection.enter_context(batch_collection())
        # an earlier run opened the store and did not close: it may have written graphs it
        # neither published nor checkpointed (killed, crashed, stopped): this run does both
        self.unfinished = self.unfinished_mark.exists() or self.older_mark.exists()
        return self

    @property
    def unfinished_mark(self) -> Path:
        """Present from the moment a run opens the store until its publication and checkpoint
        are done (see :mod:`scholarkg.runs.close`); one per store (``run-unfinished/<store
        key>.json``): a run into another store leaves it for the next run into this one."""
        key = outbox_store_key(self.config.store)
        return self.config.state_dir / UNFINISHED_MARKS / f"{key}.json"

    @property
    def older_mark(self) -> Path:
        """The one mark an older version kept for every store: taken as this store's."""
        return self.config.state_dir / UNFINISHED_MARK

    def count_pyshacl_graphs(self) -> None:
        """Add the graphs this process validated with pySHACL to the report."""
        self.report.pyshacl_graphs += gating.pyshacl_graphs() - self._pyshacl_before
        self._pyshacl_before = gating.pyshacl_graphs()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.changes.close()
            if self._registry is not None:
                self._registry.close()  # uncommitted decisions are dropped
            if self._index is not None:
                self._index.close()
            if self._deletions is not None:
                self._deletions.close()
            if self._versions is not None:
                self._versions.close()
            if self._store is not None:
                self._store.close()
                done = kind is None and not self.unfinished_mark.exists()
                if done and self.store_in_line and sealable(self.config):
                    seal(Path(self.config.store.path), store_state_dir(self.config))
        finally:
            self._collection.close()
            self._lock.__exit__(kind, exc, tb)

    # -- shared parts, opened on first use ----------------------------------------------------

    @property
    def store(self) -> GraphStore:
        """The store, opened on first use (see :mod:`scholarkg.runs.store_opening`)."""
        if self._store is None:
            self._store = open_checked(self)
            mark_opened(self, self._store)
        return self._store

    @property
    def has_store(self) -> bool:
        return self._store is not None

    @property
    def has_registry(self) -> bool:
        return self._registry is not None

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = open_registry(self.config, self.report)
        return self._registry

    @property
    def identity(self) -> IdentityResolver:
        if self._identity is None:
            self._identity = open_resolver(self.config, self.registry)
            review_decisions(self._identity, self.report)
        return self._identity

    @property
    def index(self) -> TitleIndex:
        if self._index is None:
            self.store  # noqa: B018 - the store's directory must exist (and be the store's) first
            self._index = TitleIndex(title_index_path(self.config))
        return self._index

    @property
    def deletions(self) -> Deletions:
        """The records deleted from this store (see :mod:`scholarkg.runs.deletions`)."""
        if self._deletions is None:
            self.store  # noqa: B018 - as for the index
            self._deletions = Deletions(deletions_path(self.config))
        return self._deletions

    @property
    def versions(self) -> StoreVersions:
        """The latest version this store holds of each record (see
        :mod:`scholarkg.runs.held_versions`)."""
        if self._versions is None:
            asked = None if table_is_all(self.config, self.store) else self._versions_in_store
            self._versions = StoreVersions(versions_path(self.config), asked)
        return self._versions

    def _versions_in_store(self, ids: Sequence[str]) -> dict[str, int]:
        return versions_in_store(self.store, self.minter, ids)

    def remember_source(self, state: SourceState) -> None:
        """Remember a source built in this run once the store holds its graphs: all of them in
        one write of ``sources.json`` after loading (before: one write of the whole file per
        page, 3 000 for 3 000 pages). A run killed before that write leaves the file as it
        was, and the next run builds those pages again (unchanged graphs stay as they are)."""
        if not self.sources_built:
            self.after_load.append(lambda: SourceStates(self.config).put(self.sources_built))
        self.sources_built.append(state)

    def forget_deletions(
        self, states: Sequence[tuple[str, dt.date | None]], *, inclusive: bool = False
    ) -> None:
        """These records, deleted before, loaded in a state dated after: once the run has
        loaded, the deletions of those whose graphs the store holds are forgotten (see
        :meth:`Deletions.forget`); a graph the gate rejected or the store refused leaves its
        deletion standing."""
        if not states:
            return
        graphs = {str(self.minter.arxiv_graph(i)): (i, day) for i, day in states}

        def forget() -> None:
            if not self.deletions:
                return
            held = self.store.graph_sizes(list(graphs))
            self.deletions.forget([graphs[g] for g in graphs if g in held], inclusive=inclusive)

        self.after_load.append(forget)

    def open_manifest(self) -> Manifest:
        """A new connection to the store's manifest (one per thread)."""
        self.store  # noqa: B018 - as for the index
        return open_manifest(self.config)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def check_stop(self) -> None:
        """Raise :class:`~scholarkg.lifecycle.Interrupted` once a stop was asked for."""
        check_stop()
