"""The bookkeeping of an arXiv API lookup by id: which asked strings are arXiv ids (each asked
once), which entry of an ``id_list`` answer matches each (a versioned id only that version, an
unversioned one the latest), which ids arXiv answered with an entry that had to be quarantined,
and which got no entry at all; the result is a :class:`FetchResult`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from scholarkg.errors import ParseError
from scholarkg.extract.arxiv_ids import ArxivId, parse_arxiv_id
from scholarkg.extract.atom import AtomFeed
from scholarkg.extract.raw_archive import ArchivedResponse
from scholarkg.models import ArxivRecord, QuarantinedRecord

_ENTRY_ID = re.compile(r"<(?:\w+:)?id>\s*([^<\s]+)\s*</(?:\w+:)?id>")  # a quarantined entry's


@dataclass(frozen=True)
class FetchResult:
    """Records found by id; ``missing`` ids got no entry, ``invalid`` ones were never sent.

    ``quarantined``: entries of the answers that could not be read (a bad field, a text over
    ``[limits] literal_bytes``). arXiv did answer for their ids, so those ids are not missing.
    ``problem``: why the lookup stopped at a batch (one line naming its URL), its ids and the
    later batches' in ``not_fetched`` (neither missing nor found: never answered).
    """

    records: tuple[ArxivRecord, ...]
    missing: tuple[str, ...]
    invalid: tuple[str, ...]
    matched: Mapping[str, ArxivRecord]
    archived: tuple[ArchivedResponse, ...] = field(default=(), repr=False)
    quarantined: tuple[QuarantinedRecord, ...] = ()
    warnings: tuple[str, ...] = ()  # answers cut at max_results (one line each)
    problem: str | None = None
    not_fetched: tuple[str, ...] = ()


def _quarantined_id(entry: QuarantinedRecord) -> ArxivId | None:
    """The arXiv id (and version) a quarantined entry names, when its ``<id>`` can be read."""
    found = _ENTRY_ID.search(entry.text)
    if found is None:
        return None
    try:
        return parse_arxiv_id(found.group(1))
    except ParseError:
        return None


class IdLookup:
    """The ids asked for and what the answers brought for them."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.wanted: list[ArxivId] = []
        self.invalid: list[str] = []
        for raw in ids:
            try:
                parsed = parse_arxiv_id(raw)
            except ParseError:
                self.invalid.append(raw)
                continue
            if parsed not in self.wanted:
                self.wanted.append(parsed)
        self.records: dict[str, ArxivRecord] = {}
        self.matched: dict[str, ArxivRecord] = {}
        self.quarantined: list[QuarantinedRecord] = []
        self.answered: set[str] = set()  # ids whose entry was quarantined: answered, not missing

    def batches(self, size: int) -> Iterator[Sequence[ArxivId]]:
        """The valid ids, ``size`` at a time, in the order asked."""
        for i in range(0, len(self.wanted), size):
            yield self.wanted[i : i + size]

    def take(self, batch: Sequence[ArxivId], feed: AtomFeed) -> None:
        """Match the entries of ``feed``, the answer for ``batch``, to its ids."""
        self.quarantined += feed.quarantined
        named = [n for n in map(_quarantined_id, feed.quarantined) if n is not None]
        for want in batch:
            if any(
                n.arxiv_id == want.arxiv_id and want.version in (None, n.version) for n in named
            ):
                self.answered.add(want.versioned())
            found = [
                entry
                for entry in feed.entries
                if entry.record.arxiv_id == want.arxiv_id and want.version in (None, entry.version)
            ]
            if found:  # unversioned: the latest version (an older one asked too is there)
                entry = max(reversed(found), key=lambda e: e.version or 0)
                self.matched[want.versioned()] = entry.record
                self.records.setdefault(want.versioned(), entry.record)

    def result(
        self,
        archived: Sequence[ArchivedResponse],
        warnings: Sequence[str] = (),
        *,
        problem: str | None = None,
        failed: Sequence[ArxivId] = (),
    ) -> FetchResult:
        """What the lookup found, with the responses it archived; ``problem``: why it stopped
        at the batch ``failed`` (its ids and every later one's are not fetched)."""
        start = self.wanted.index(failed[0]) if failed else len(self.wanted)
        missing = tuple(
            w.versioned()
            for w in self.wanted[:start]
            if w.versioned() not in self.matched and w.versioned() not in self.answered
        )
        return FetchResult(
            records=tuple(self.records.values()),
            missing=missing,
            invalid=tuple(self.invalid),
            matched=self.matched,
            archived=tuple(archived),
            quarantined=tuple(self.quarantined),
            warnings=tuple(warnings),
            problem=problem,
            not_fetched=tuple(w.versioned() for w in self.wanted[start:]),
        )
