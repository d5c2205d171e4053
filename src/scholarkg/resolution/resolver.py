"""Resolve a profile's papers to arXiv: local first, then batched, then thorough.

1. ``[arxiv.overrides]``: the id's record from the store, else one batched ``id_list`` request;
   an id arXiv does not return is reported and the paper keeps its profile identity.
2. The local title index (records already in the store): exact titles, then word matches.
   Zero requests when every paper is found there; works offline.
3. Exact titles OR-combined, several per request.
4. What is left: distinctive title words, AND then OR, several titles per request, scored here.

Every paper ends in exactly one state (resolved, overridden, ambiguous, unresolved), and the
requests made are counted by purpose. The entries of arXiv's answers that could not be read are
kept (:attr:`Enrichment.quarantined`) for the run to quarantine and count.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar

from scholarkg.errors import ScholarKGError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.arxiv_ids import normalise_arxiv_id
from scholarkg.iris import work_key
from scholarkg.models import ArxivRecord, ProfilePaper, QuarantinedRecord
from scholarkg.resolution import search
from scholarkg.resolution.index import TitleIndex
from scholarkg.resolution.score import (
    DEFAULT_MARGIN,
    DEFAULT_THRESHOLD,
    Verdict,
    decide,
    score,
)

InStore = Callable[[Sequence[str]], set[str]]
Withheld = Callable[[Mapping[str, dt.date | None]], Mapping[str, str]]
"""Of records ``{arXiv id: latest version date}``, those their source deleted from the store
and not come back since (:meth:`scholarkg.runs.deletions.Deletions.withheld`)."""
R = TypeVar("R")


@dataclass(frozen=True)
class Enrichment:
    """Verdicts for every listed paper, the accepted records, and what it cost."""

    verdicts: tuple[Verdict, ...] = ()
    records: Mapping[str, ArxivRecord] = field(default_factory=dict)
    fetched: tuple[str, ...] = ()  # accepted ids whose records came from the API (to load)
    requests: Mapping[str, int] = field(default_factory=dict)
    degraded: str | None = None
    warnings: tuple[str, ...] = ()  # arXiv answers cut at max_results (one line each)
    quarantined: tuple[QuarantinedRecord, ...] = ()  # entries of arXiv's answers not read
    index_revision: int = 0  # of the title index resolution read (0: none held)

    def states(self) -> Counter[str]:
        return Counter(v.state for v in self.verdicts)

    @property
    def unresolved(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.state in ("unresolved", "ambiguous"))


@dataclass
class _Progress:
    """What resolution has found so far for one profile."""

    verdicts: dict[int, Verdict] = field(default_factory=dict)
    records: dict[str, ArxivRecord] = field(default_factory=dict)
    fetched: set[str] = field(default_factory=set)


class PaperResolver:
    """Resolution of one profile's papers (see the module doc)."""

    def __init__(
        self,
        *,
        index: TitleIndex | None = None,
        client: ArxivApiClient | None = None,
        overrides: Mapping[str, str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        margin: float = DEFAULT_MARGIN,
        in_store: InStore | None = None,
        per_title: int = search.RESULTS_PER_TITLE,
        withheld: Withheld | None = None,
    ) -> None:
        self.index = index
        self.withheld = withheld
        self.per_title = per_title
        self.client = client
        self.overrides = {work_key(t): i for t, i in (overrides or {}).items()}
        self.threshold = threshold
        self.margin = margin
        self.in_store = in_store
        self.requests: Counter[str] = Counter()
        self.degraded: str | None = None
        self.quarantined: list[QuarantinedRecord] = []  # entries of the answers not read

    def resolve(self, papers: Sequence[ProfilePaper]) -> Enrichment:
        found = _Progress()
        self._overrides([p for p in papers if work_key(p.title) in self.overrides], found)
        self._local([p for p in papers if p.line not in found.verdicts], found)
        for stage in (self._exact, self._and_words, self._or_words):
            left = [
                p
                for p in papers
                if p.line not in found.verdicts or self._open(found.verdicts[p.line])
            ]
            if not left or self.client is None or self.degraded:
                break
            stage(left, found)
        unasked = self._unasked()
        final = tuple(
            self._noted(found.verdicts.get(p.line) or Verdict(p, "unresolved"), unasked)
            for p in papers
        )
        keep = {v.arxiv_id for v in final if v.arxiv_id}
        return Enrichment(
            final,
            {i: r for i, r in found.records.items() if i in keep},
            tuple(sorted(found.fetched & keep)),
            dict(self.requests),
            self.degraded,
            quarantined=tuple(self.quarantined),
        )

    def _unasked(self) -> str | None:
        """Why arXiv's search was not (all) done, for papers it left unresolved; None if it was."""
        if self.client is None:
            return "not among the store's records; arXiv was not searched (enrichment is off)"
        if self.degraded:
            # fixed text: it goes into the graph, and the error (a port, a time) varies by run
            return "arXiv could not be searched to the end (see the run's report)"
        return None

    @staticmethod
    def _noted(verdict: Verdict, unasked: str | None) -> Verdict:
        if unasked is None or verdict.state != "unresolved" or verdict.note is not None:
            return verdict
        return replace(verdict, note=unasked)

    @staticmethod
    def _open(verdict: Verdict) -> bool:
        return verdict.state == "unresolved" and verdict.note is None

    # -- 1. overrides ---------------------------------------------------------------------

    def _overrides(self, papers: list[ProfilePaper], found: _Progress) -> None:
        if not papers:
            return
        wanted = {p.line: normalise_arxiv_id(self.overrides[work_key(p.title)]) for p in papers}
        known = self._from_store(sorted(set(wanted.values())))
        missing = sorted(set(wanted.values()) - set(known))
        available: dict[str, ArxivRecord] = dict(known)
        gone: Mapping[str, str] = {}
        if missing and self.client is not None and not self.degraded:
            client = self.client
            answer = self._call("override ids", lambda: client.fetch_by_ids(missing))
            if answer is not None:
                self.quarantined += answer.quarantined
                kept, gone = self._live(answer.records)
                available.update(kept)
                found.fetched.update(kept)
        for paper in papers:
            arxiv_id = wanted[paper.line]
            record = available.get(arxiv_id)
            if record is None:
                why = "arXiv could not be asked" if self.degraded else "arXiv has no such record"
                if arxiv_id in gone:
                    why = f"its source deleted it from the store on {gone[arxiv_id]}"
                note = f"[arxiv.overrides] {arxiv_id}: {why}; kept the profile's own identity"
                found.verdicts[paper.line] = Verdict(paper, "unresolved", note=note)
                continue
            found.records[arxiv_id] = record
            origin = "store" if arxiv_id in known else "api"
            evidence = score(paper, record)
            found.verdicts[paper.line] = Verdict(paper, "overridden", evidence, (), origin)

    # -- 2. the store ---------------------------------------------------------------------

    def _from_store(self, ids: Sequence[str]) -> dict[str, ArxivRecord]:
        if self.index is None or not ids:
            return {}
        found = self.index.get(ids)
        if self.in_store is not None and found:
            present = self.in_store(sorted(found))
            found = {i: r for i, r in found.items() if i in present}
        return found

    def _local(self, papers: list[ProfilePaper], found: _Progress) -> None:
        if self.index is None:
            return
        for paper in papers:
            candidates = {r.arxiv_id: r for r in self.index.exact(paper.title)}
            verdict = decide(paper, candidates.values(), origin="store", **self._limits())
            if verdict.state == "unresolved":
                candidates |= {r.arxiv_id: r for r in self.index.by_words(paper.title)}
                verdict = decide(paper, candidates.values(), origin="store", **self._limits())
            if verdict.state == "unresolved":
                continue
            ids = [e.arxiv_id for e in (verdict.accepted, *verdict.candidates) if e]
            present = self.in_store(sorted(set(ids))) if self.in_store else set(ids)
            if verdict.arxiv_id is not None and verdict.arxiv_id not in present:
                continue  # indexed but no longer in the store: ask arXiv instead
            found.verdicts[paper.line] = verdict
            if verdict.arxiv_id is not None:
                found.records[verdict.arxiv_id] = candidates[verdict.arxiv_id]

    # -- 3 and 4. the API -----------------------------------------------------------------

    def _exact(self, papers: list[ProfilePaper], found: _Progress) -> None:
        clauses = [(p, search.exact_clause(p.title)) for p in papers]
        self._search("exact titles", clauses, found, per_title=self.per_title)

    def _and_words(self, papers: list[ProfilePaper], found: _Progress) -> None:
        clauses = [(p, search.words_clause(p.title, "AND", 4)) for p in papers]
        self._search("title words (AND)", clauses, found, per_title=self.per_title)

    def _or_words(self, papers: list[ProfilePaper], found: _Progress) -> None:
        clauses = [(p, search.words_clause(p.title, "OR", 6)) for p in papers]
        per_title = max(self.per_title, search.OR_RESULTS_PER_TITLE)
        self._search("title words (OR)", clauses, found, per_title=per_title)

    def _search(
        self,
        purpose: str,
        clauses: Iterable[tuple[ProfilePaper, str | None]],
        found: _Progress,
        *,
        per_title: int,
    ) -> None:
        usable = [(p, c) for p, c in clauses if c is not None]
        by_key = {str(p.line): p for p, _ in usable}
        client = self.client
        assert client is not None
        keyed = [(str(p.line), c) for p, c in usable]
        for query, lines, size in search.batches(keyed, per_title=per_title):
            feed = self._call(
                purpose, partial(client.query_page, search_query=query, max_results=size)
            )
            if feed is None:
                return
            self.quarantined += feed.quarantined
            answer, _ = self._live(feed.records)
            for line in lines:
                paper = by_key[line]
                verdict = decide(paper, answer.values(), origin="api", **self._limits())
                found.verdicts[paper.line] = self._keep_best(
                    verdict, found.verdicts.get(paper.line)
                )
                if verdict.arxiv_id is not None:
                    found.records[verdict.arxiv_id] = answer[verdict.arxiv_id]
                    found.fetched.add(verdict.arxiv_id)

    def _live(
        self, records: Sequence[ArxivRecord]
    ) -> tuple[dict[str, ArxivRecord], Mapping[str, str]]:
        """arXiv's answer by id, without the records deleted from the store and not come back
        since (an older state of them is no candidate), and those: ``{id: deletion date}``."""
        answer = {r.arxiv_id: r for r in records}
        gone = self.withheld({i: r.updated for i, r in answer.items()}) if self.withheld else {}
        return {i: r for i, r in answer.items() if i not in gone}, gone

    @staticmethod
    def _keep_best(new: Verdict, old: Verdict | None) -> Verdict:
        if old is None or new.state != "unresolved":
            return new
        best = sorted(
            {e.arxiv_id: e for e in (*old.candidates, *new.candidates)}.values(),
            key=lambda e: -e.score,
        )
        return Verdict(new.paper, "unresolved", None, tuple(best[:3]))

    def _limits(self) -> dict[str, float]:
        return {"threshold": self.threshold, "margin": self.margin}

    def _call(self, purpose: str, request: Callable[[], R]) -> R | None:
        """One API request (counted); on failure the resolver degrades for the rest."""
        self.requests[purpose] += 1
        try:
            return request()
        except ScholarKGError as exc:
            self.degraded = str(exc)
            return None
