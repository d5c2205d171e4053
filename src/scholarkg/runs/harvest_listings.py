"""A harvest's records by arXiv id, so each is counted once, as the state the store holds
(:class:`Listings`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scholarkg.extract.oai_pages import OaiPage
from scholarkg.iris import Minter
from scholarkg.models import ArxivRecord
from scholarkg.runs.context import RunContext
from scholarkg.runs.deletions import comes_back
from scholarkg.runs.holding_back import holding_back
from scholarkg.runs.loading import Loading
from scholarkg.shown_text import some
from scholarkg.transform.arxiv import emit_arxiv
from scholarkg.transform.emit import NTriplesEmitter


@dataclass
class _Listed:
    """How the state of a record listed in this harvest came out."""

    datestamp: dt.date | None
    outcome: str  # loaded, rejected, deleted, quarantined (by the emitter), kept (store failed)
    findings: int  # report.findings before its page: its findings come after
    version: int | None = None  # its latest version's number, when the listing gives versions


class Listings:
    """The records a harvest lists, by arXiv id, so that each is counted once, as the state the
    store holds.

    OAI-PMH lists a record in its current state, its datestamp saying when that state began; a
    record that changes while a harvest pages may be listed again (OAI-PMH 2.0, 3.5.1). Unlike
    a snapshot's later line of an id (one state of arXiv: the first line wins, later ones are
    quarantined), a listing not older than the one loaded before is the record's newer state: it
    is loaded, replacing the graph, and the record's earlier state is taken out of the counts
    (read, loaded or rejected, with its findings), so ``read = loaded + rejected + quarantined``
    counts records and ``loaded`` what the store holds. A newer listing that is not loaded
    (rejected by SHACL, or quarantined by the emitter) replaces nothing in the store: the state
    loaded before stays, counted as loaded, and the listing is counted on its own (as one that
    could not be read), so the report's quarantined are the quarantine folder's files and its
    loaded what the store holds. A listing older than the one loaded (its datestamp older, or
    the latest version it gives, as arXivRaw does, lower) is stale: neither loaded nor counted.
    Twice on one page, the later (or newer) listing is read.
    Listings that could not be read name no record and are counted on their own (quarantined).
    A deleted header is a state too: the record is removed and counted as deleted. A listing
    older (by latest version) than what the store held before the harvest is held back
    (:mod:`~scholarkg.runs.held_versions`).
    """

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.seen: dict[str, _Listed] = {}
        self.replaced: dict[str, str] = {}  # arXiv id: what the earlier state came out as
        self.stale: dict[str, str] = {}  # arXiv id: the datestamps
        self.withheld: dict[str, str] = {}  # arXiv id: its datestamp and its deletion's
        self.unloaded: dict[str, str] = {}  # arXiv id: how its newer state came out (not loaded)
        self._returning: set[str] = set()  # listed after their deletion: loaded, they are back
        self._back: dict[str, dt.date | None] = {}  # come back and loaded: id, its datestamp
        self._pending: list[tuple[str, _Listed]] = []  # earlier states the page replaces
        self._marks = (0, 0, 0)
        self.holding_back = holding_back(ctx)
        self.held: set[str] = set()  # held back in this harvest: read, counted once

    def take(self, page: OaiPage) -> tuple[list[ArxivRecord], list[str]]:
        """The page's records to load and the arXiv ids it lists as deleted: the newest listing
        of each id (of two on one page, the later in the answer unless its datestamp is older),
        none older than its state read before in this harvest."""
        newest: dict[str, tuple[dt.date | None, ArxivRecord | None]] = {}
        for listing in page.listed:  # in the answer's order: the later of two listings is read
            arxiv_id, datestamp, record = (
                listing.header.arxiv_id,
                listing.header.datestamp,
                listing.record,
            )
            before = newest.get(arxiv_id)
            if before is not None:
                if _older(datestamp, before[0]):
                    self.stale[arxiv_id] = f"{datestamp} < {before[0]}"
                    continue
                if _lower(_latest(record), _latest(before[1])):
                    self.stale[arxiv_id] = f"v{_latest(record)} < v{_latest(before[1])}"
                    continue
                self.replaced.setdefault(arxiv_id, "listed earlier on the same page")
            newest[arxiv_id] = (datestamp, record)
        self._pending = []
        for arxiv_id, (datestamp, record) in list(newest.items()):
            earlier = self.seen.get(arxiv_id)
            if earlier is None:
                continue
            if _older(datestamp, earlier.datestamp):
                self.stale[arxiv_id] = f"{datestamp} < {earlier.datestamp}"
                del newest[arxiv_id]
                continue
            if _lower(_latest(record), earlier.version):
                self.stale[arxiv_id] = f"v{_latest(record)} < v{earlier.version}"
                del newest[arxiv_id]
                continue
            self._pending.append((arxiv_id, earlier))
        self._after_deletions(newest)
        self._after_store_versions(newest)
        report = self.ctx.report
        self._marks = (len(report.findings), len(report.rejected), len(report.quarantined))
        for arxiv_id, (datestamp, record) in newest.items():
            self.seen[arxiv_id] = _Listed(datestamp, "", self._marks[0], _latest(record))
        records = [record for _, record in newest.values() if record is not None]
        return records, [arxiv_id for arxiv_id, (_, r) in newest.items() if r is None]

    def _after_deletions(self, newest: dict[str, _State]) -> None:
        """Records deleted from the store before this harvest: a listing not dated after the
        deletion is withheld (neither loaded nor counted); a later one is the record come back,
        and the deletion is forgotten. Listed earlier in this harvest, the rules above decide."""
        listed = [i for i, (_, record) in newest.items() if record is not None]
        deletions = self.ctx.deletions
        tombstones = deletions.of(listed) if deletions else {}
        for arxiv_id, deleted_on in tombstones.items():
            datestamp = newest[arxiv_id][0]
            if arxiv_id not in self.seen and not comes_back(deleted_on, datestamp):
                self.withheld[arxiv_id] = f"{datestamp}, deleted {deleted_on}"
                del newest[arxiv_id]
            else:
                self._returning.add(arxiv_id)  # forgotten once the store holds it (settle)

    def _after_store_versions(self, newest: dict[str, _State]) -> None:
        """A listing whose latest version is older than the one the store holds (loaded by an
        earlier run, through any door) is held back: read, counted as held back, not loaded.
        Held back on an earlier page, it is counted once: listed again as old, it is held back
        again, uncounted; listed newer, that state loads and the one held back leaves the
        counts. Listed earlier in this harvest (and loaded), the rules above decide."""
        latest = {
            i: _latest(record)
            for i, (_, record) in newest.items()
            if record is not None and i not in self.seen
        }
        older = self.ctx.versions.older(latest) if any(latest.values()) else {}
        for arxiv_id in older:
            del newest[arxiv_id]
        again = {i for i in newest if i in self.held}  # held back before, now not older
        for arxiv_id in again:
            self.held.discard(arxiv_id)
            self.holding_back.forget(arxiv_id)
            self.replaced[arxiv_id] = "held back, older than the store's"
        first = {i: v for i, v in older.items() if i not in self.held}
        self.ctx.report.records_read += len(first) - len(again)
        if first:
            self.held.update(first)
            self.holding_back.tell(first)

    def settle(self, records: list[ArxivRecord], deleted: list[str], loading: Loading) -> None:
        """After the page was absorbed: note how each record came out, and take the states its
        records replaced out of the counts (unless the store failed: then it holds those)."""
        ctx, report = self.ctx, self.ctx.report
        _, rejected_mark, quarantined_mark = self._marks
        rejected = set(report.rejected[rejected_mark:])
        unwritable = len(report.quarantined) > quarantined_mark  # the emitter quarantined some
        for record in records:
            iri = str(ctx.minter.arxiv_graph(record.arxiv_id))
            listed = self.seen[record.arxiv_id]
            if loading.failed is not None:
                listed.outcome = "kept"
            elif iri in rejected:
                listed.outcome = "rejected"
            elif unwritable and _unwritable(record, ctx.minter):
                listed.outcome = "quarantined"
            else:
                listed.outcome = "loaded"
        for arxiv_id in deleted:
            self.seen[arxiv_id].outcome = "kept" if loading.failed is not None else "deleted"
        for record in records:
            if (
                record.arxiv_id in self._returning
                and self.seen[record.arxiv_id].outcome == "loaded"
            ):
                self._back[record.arxiv_id] = self.seen[record.arxiv_id].datestamp
        for arxiv_id in deleted:  # deleted again since: that deletion stands
            self._back.pop(arxiv_id, None)
        self._returning.difference_update(r.arxiv_id for r in records)
        if loading.failed is not None:
            return
        for arxiv_id, earlier in self._pending:
            iri = str(ctx.minter.arxiv_graph(arxiv_id))
            newer = self.seen[arxiv_id]
            if earlier.outcome == "loaded" and newer.outcome in ("rejected", "quarantined"):
                # not written: the store keeps the state loaded before, and so do the counts;
                # the newer listing is told on its own (a later listing replaces that state)
                self.unloaded[arxiv_id] = newer.outcome
                self.seen[arxiv_id] = _Listed(
                    newer.datestamp, "loaded", earlier.findings, earlier.version
                )
                continue
            if earlier.outcome == "loaded":
                report.records_loaded -= 1  # the loader counted it: added when it closes
            elif earlier.outcome == "rejected":
                report.rejected.remove(iri)
            elif earlier.outcome == "deleted":
                report.records_deleted -= 1
            else:  # quarantined by the emitter or kept: told on its own
                continue
            report.records_read -= 1
            report.findings = [
                f
                for n, f in enumerate(report.findings)
                if not (earlier.findings <= n < self._marks[0] and f.get("graph") == iri)
            ]
            self.replaced[arxiv_id] = _BEFORE[earlier.outcome]
        self._pending = []

    def close(self) -> None:
        """The harvest read its last page: the deletions of the records it brought back (listed
        after them, by this harvest's order) are forgotten once the store holds them."""
        self.ctx.forget_deletions(list(self._back.items()), inclusive=True)

    def notes(self) -> list[str]:
        notes = []
        if self.replaced:
            ids = some(f"{i} (before: {how})" for i, how in self.replaced.items())
            notes.append(
                f"{len(self.replaced)} records listed again in this harvest, not older than "
                f"before: the newer state replaced the earlier, each record counted once: {ids}"
            )
        if self.unloaded:
            ids = some(f"{i} ({_NEWER[how]})" for i, how in self.unloaded.items())
            notes.append(
                f"{len(self.unloaded)} records listed again in a newer state that was not "
                "loaded: the store keeps the state loaded before, counted as loaded, and the "
                f"newer listing is counted on its own: {ids}"
            )
        if self.stale:
            ids = some(f"{i} ({dates})" for i, dates in self.stale.items())
            notes.append(
                f"{len(self.stale)} records listed again with an older datestamp (or an older "
                "latest version) than the state read before: not loaded, not counted again: "
                f"{ids}"
            )
        if self.withheld:
            ids = some(f"{i} ({dates})" for i, dates in self.withheld.items())
            notes.append(
                f"{len(self.withheld)} records deleted from the store before were listed with "
                f"a datestamp not after their deletion: not loaded, not counted: {ids}"
            )
        return notes


_BEFORE = {"loaded": "loaded", "rejected": "rejected by SHACL", "deleted": "deleted"}
_NEWER = {"rejected": "newer state rejected by SHACL", "quarantined": "newer state quarantined"}


_State = tuple[dt.date | None, ArxivRecord | None]  # a listing's datestamp and record


def _older(datestamp: dt.date | None, than: dt.date | None) -> bool:
    return datestamp is not None and than is not None and datestamp < than


def _latest(record: ArxivRecord | None) -> int | None:
    """The number of the latest version a listing gives (arXivRaw), None when it gives none."""
    return max((v.number for v in record.versions), default=None) if record else None


def _lower(version: int | None, than: int | None) -> bool:
    return version is not None and than is not None and version < than


def _unwritable(record: ArxivRecord, minter: Minter) -> bool:
    """Whether the emitter quarantines this record (an IRI N-Triples cannot write)."""
    out = NTriplesEmitter()
    emit_arxiv(record, minter, out)
    return out.unwritable is not None
