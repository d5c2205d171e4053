"""Resumable OAI-PMH harvests: a checkpoint after every loaded page, the watermark at the end.

A harvest that is interrupted (killed, crashed, store down) leaves its checkpoint: the
resumptionToken of the next page and what is already done. The next run continues from there;
records are loaded one named graph each, replaced atomically, so a page loaded twice gives no
duplicates, and the watermark only advances once the last page is loaded, so nothing is skipped.
A list that ends (no resumptionToken) before the ``completeListSize`` the server last gave is
warned of (:attr:`HarvestJob.warnings`): the records it counted but never sent may be missing, so
the watermark is held at the harvest's ``from`` date and the next harvest asks again. Only once
per date: ``completeListSize`` is optional and may be an estimate (OAI-PMH 2.0, 3.5), so a second
short list from the same date is accepted and the watermark advances. A run stopped by a limit
or a cycle has not reached the end of its list and is no short list.

Every loop over the pages (the CLI's and the ``harvest_arxiv`` flow's) goes through
:class:`HarvestJob`, which ends it: a resumption token or page seen before (remembered in the
checkpoint, so a resumed harvest still sees a cycle), empty pages in a row with new tokens (their
count kept in the checkpoint too), ``[limits] harvest_max_pages`` and
``harvest_deadline`` per run (the checkpoint is kept: the next run goes on). A resumption token
that expired (``badResumptionToken``) while a checkpoint held it is not fatal: the stale
checkpoint is dropped and the harvest starts again from the watermark, once per run, and
:attr:`HarvestJob.notices` says so.

The watermarks and the checkpoint belong to the store the harvest loads into: they live with its
manifest and title index (:func:`~scholarkg.load.manifest.store_state_dir`), so a new store
(``--store``) starts afresh instead of from another store's watermark. Older versions kept them
in the data directory's ``state`` folder for every store; :meth:`HarvestJob.of` moves them to the
configured store (only that one) when it has none of its own yet, and says so in the notices.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import asdict, replace
from pathlib import Path

from scholarkg.config import Config
from scholarkg.errors import ConfigError, StateUnreadable
from scholarkg.extract.oai_pages import OaiPage, OaiPmhError, parse_oai_response
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.extract.oai_state import HarvestState
from scholarkg.extract.paging import PageGuard
from scholarkg.extract.raw_archive import RawArchive
from scholarkg.files import write_atomic
from scholarkg.harvest_checkpoint import (
    CHECKPOINT_PREFIX,
    WATERMARKS_NAME,
    Checkpoint,
    checkpoint_name,
    forget_harvests,
)
from scholarkg.limits import DEFAULT_LIMITS, Limits
from scholarkg.load.manifest import adopt_legacy_state, store_state_dir
from scholarkg.shown_text import shown_value

__all__ = [  # the checkpoint's names too: callers read one module
    "CHECKPOINT_PREFIX",
    "WATERMARKS_NAME",
    "Checkpoint",
    "HarvestJob",
    "archived_page",
    "checkpoint_name",
    "forget_harvests",
]

log = logging.getLogger(__name__)


class HarvestJob:
    """One incremental harvest of (metadataPrefix, set), resumable across processes.

    ``state_dir`` is the folder of the store the harvest loads into (:meth:`of` picks it).
    """

    def __init__(
        self,
        state_dir: Path,
        metadata_prefix: str,
        set_spec: str | None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.watermarks = HarvestState(Path(state_dir) / WATERMARKS_NAME)
        self.key = HarvestState.key(metadata_prefix, set_spec)
        self.path = Path(state_dir) / checkpoint_name(self.key)
        self.metadata_prefix = metadata_prefix
        self.set_spec = set_spec
        self.guard = PageGuard(
            f"harvest {self.key}", limits.harvest_max_pages, limits.harvest_deadline
        )
        self.notices: list[str] = []  # what the run should tell (e.g. a restarted harvest)
        self.warnings: list[str] = []  # what the run must warn of (a list that ended short)
        self._restarted = False  # at most one restart per run
        self._restart_pending = False  # the next page_loaded starts a fresh checkpoint

    @classmethod
    def of(cls, config: Config, metadata_prefix: str, set_spec: str | None) -> HarvestJob:
        """The harvest into ``config``'s store, with its state kept with the store; state left
        by older versions in ``config.state_dir`` is adopted only by the configured store."""
        key = HarvestState.key(metadata_prefix, set_spec)
        adopted = [
            adopt_legacy_state(config, WATERMARKS_NAME, "harvest watermarks"),
            adopt_legacy_state(config, checkpoint_name(key), f"checkpoint of harvest {key}"),
        ]
        job = cls(store_state_dir(config), metadata_prefix, set_spec, limits=config.limits)
        for notice in adopted:
            if notice is not None:
                log.warning(notice)
                job.notices.append(notice)
        return job

    def _checkpoint(self) -> Checkpoint:
        """The stored checkpoint; one that is no checkpoint (broken JSON, fields missing) is a
        :class:`StateUnreadable` naming its file (deleting it harvests from the watermark), and
        so is another harvest's, whose key names the same file (``math.AG`` and ``math:AG``;
        before: resumed as this one's, its token listing the other set's records)."""
        what = f"checkpoint of harvest {self.key}"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise TypeError(f"a JSON {type(data).__name__}, not an object")
            for name in ("seen_tokens", "seen_pages"):
                data[name] = tuple(data.get(name, ()))
            checkpoint = Checkpoint(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise StateUnreadable(self.path, what, str(exc)) from exc
        if checkpoint.key != self.key:
            other = shown_value(str(checkpoint.key))
            raise StateUnreadable(
                self.path,
                what,
                f"it holds the unfinished harvest {other}, whose file this one's shares: run "
                "that harvest to its end first",
            )
        return checkpoint

    def start(self, from_date: str | None) -> Checkpoint:
        """The stored checkpoint, else a fresh one from the watermark, else from ``from_date``."""
        if self.path.exists():
            return self._checkpoint()
        mark = self.watermarks.get(self.key)
        start = mark.from_date if mark else from_date
        if start is None:
            raise ConfigError(
                f"no harvest watermark yet for {self.key!r}: give a start date (--from / from_date)"
            )
        return Checkpoint(self.key, self.metadata_prefix, self.set_spec, start)

    def again(self, from_date: str) -> Checkpoint:
        """A fresh list from ``from_date``, asked for by an operator: the watermark moves back to
        it (:meth:`HarvestState.rewind`: never forward) and a checkpoint is dropped, each said in
        :attr:`notices`; the watermark advances again once the list ends, as always."""
        before = self.watermarks.rewind(self.key, from_date)
        was = f"the watermark moved back from {before.from_date}" if before else "no watermark"
        self.notices.append(f"harvest {self.key} again from {from_date} (--again): {was}")
        if self.path.exists():
            left = self._checkpoint()
            self.path.unlink()
            self.notices.append(
                f"harvest {self.key}: the checkpoint of the harvest from {left.from_date} (after "
                f"page {left.pages_done}, {left.records_done} records) is dropped: harvested again"
            )
        return Checkpoint(self.key, self.metadata_prefix, self.set_spec, from_date)

    @property
    def resuming(self) -> bool:
        return self.path.exists()

    def fetch(self, client: OaiPmhClient, at: Checkpoint) -> OaiPage:
        """Fetch (and archive) the page the checkpoint points at.

        If the server says the checkpoint's token expired, the harvest starts again from its
        ``from`` date (the watermark's): the stale checkpoint is removed, a notice is kept on
        :attr:`notices` and logged, and the first page is returned (once per run).
        """
        try:
            return self._fetch(client, at.from_date, at.next_token)
        except OaiPmhError as exc:
            if exc.code != "badResumptionToken" or not at.next_token or self._restarted:
                raise
        self._restarted = self._restart_pending = True
        self.path.unlink(missing_ok=True)
        notice = (
            f"harvest {self.key} restarted from {at.from_date}: the server no longer knows the "
            f"resumption token of page {at.pages_done + 1} (badResumptionToken: expired?)"
        )
        log.warning(notice)
        self.notices.append(notice)
        return self._fetch(client, at.from_date, None)

    def _fetch(self, client: OaiPmhClient, from_date: str | None, token: str | None) -> OaiPage:
        return client.fetch_page(
            metadata_prefix=self.metadata_prefix,
            set_spec=self.set_spec,
            from_date=from_date,
            resumption_token=token,
        )

    def page_loaded(self, at: Checkpoint, page: OaiPage) -> Checkpoint:
        """Record a loaded page; at the end of the list, advance the watermark and finish.

        Raises :class:`~scholarkg.extract.paging.PagingStopped` when the page or its token came
        before (nothing saved) or when this run reached its page cap or deadline (checkpoint
        saved first, so the next run goes on).
        """
        if self._restart_pending:  # fetch() restarted the harvest: this page begins a new list
            self._restart_pending = False
            at = Checkpoint(self.key, self.metadata_prefix, self.set_spec, at.from_date)
        guard = self.guard
        guard.tokens, guard.pages = list(at.seen_tokens), list(at.seen_pages)
        guard.empty = at.empty_pages
        guard.page_done(page.source, page.resumption_token, page.key)
        after = replace(
            at,
            next_token=page.resumption_token or None,
            first_response=at.first_response or page.response_date.isoformat(),
            pages_done=at.pages_done + 1,
            records_done=at.records_done + len(page.records) + len(page.deleted),
            complete_list_size=page.complete_list_size or at.complete_list_size,
            records_quarantined=at.records_quarantined + len(page.quarantined),
            seen_tokens=tuple(guard.tokens),
            seen_pages=tuple(guard.pages),
            empty_pages=guard.empty,
        )
        if after.next_token:
            self._save(after)
            guard.check_limits(page.source)
        else:
            self._list_ended(after)
            self.path.unlink(missing_ok=True)
        return after

    def _list_ended(self, done: Checkpoint) -> None:
        """Advance the watermark to the list's first ``responseDate``, unless the list ended
        short of its ``completeListSize`` for the first time from its date: then hold it."""
        short = self._short_by(done)
        assert done.first_response is not None
        said = dt.datetime.fromisoformat(done.first_response)
        end = self.watermarks.end_list(self.key, done.from_date, said, short=short is not None)
        if end.held:
            self._warn(
                f"{short}; records may be missing: the watermark stays at {done.from_date}, so "
                "the next harvest asks again from it (a second short list from that date is "
                "taken as the server's estimate and accepted)"
            )
            return
        if end.mark.response_date > said:
            self.notices.append(
                f"harvest {self.key}: the source dated its answer {done.first_response}, "
                f"before the date the list was asked from or the watermark; the watermark "
                f"stays at {end.mark.from_date}"
            )
        elif end.mark.response_date != said:
            self.notices.append(
                f"harvest {self.key}: the source dated its answer {done.first_response}, "
                "over a day ahead of this machine's clock; the next harvest starts from the "
                "clock's date instead"
            )
        if end.accepted:
            self._warn(
                f"{short}, the second short list from {done.from_date}: accepted, the server's "
                "completeListSize looks like an estimate; the watermark advances to "
                f"{end.mark.from_date}"
            )

    def _short_by(self, done: Checkpoint) -> str | None:
        """What is short when the list ended (no resumptionToken) before the length the server
        last gave it (``completeListSize``), else None."""
        said = done.complete_list_size
        listed = done.records_done + done.records_quarantined
        if said is None or listed >= said:
            return None
        return (
            f"harvest {self.key}: the list ended after {listed} records although the server "
            f"said completeListSize={said} (an empty resumptionToken on page {done.pages_done}?)"
        )

    def _warn(self, warning: str) -> None:
        log.warning(warning)
        self.warnings.append(warning)

    def _save(self, checkpoint: Checkpoint) -> None:
        write_atomic(self.path, json.dumps(asdict(checkpoint), indent=1).encode("utf-8"))


def archived_page(archive: RawArchive, sha256: str, limits: Limits = DEFAULT_LIMITS) -> OaiPage:
    """Re-read an archived ListRecords page (no network)."""
    archived = archive.get(sha256)
    return parse_oai_response(
        archived.read_bytes(),
        source=archived.source,
        container="ListRecords",
        archived=archived,
        limits=limits,
    )
