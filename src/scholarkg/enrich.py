"""Enrich a profile with arXiv: resolve its papers, keep the evidence and the archived answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scholarkg.errors import ExtractError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.arxiv_ids import normalise_arxiv_id
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.raw_archive import RawArchive
from scholarkg.models import ArxivRecord, Profile
from scholarkg.resolve import DEFAULT_THRESHOLD, Resolution, apply_overrides, resolve_paper


@dataclass(frozen=True)
class Enrichment:
    """Resolution verdicts plus the archived arXiv responses that hold the accepted records.

    ``degraded`` names why arXiv could not be used (then nothing was resolved and the profile
    graph loads on its own).
    """

    resolutions: tuple[Resolution, ...] = ()
    response_shas: tuple[str, ...] = ()
    missing_ids: tuple[str, ...] = ()
    degraded: str | None = None

    @property
    def unresolved(self) -> tuple[Resolution, ...]:
        return tuple(r for r in self.resolutions if r.arxiv_id is None)


def enrich_profile(
    profile: Profile,
    client: ArxivApiClient,
    *,
    overrides: Mapping[str, str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    candidates_per_title: int = 5,
) -> Enrichment:
    """Resolve every listed paper: overridden ones by one batched id lookup, others by title."""
    known = {
        title: normalise_arxiv_id(arxiv_id, source="[arxiv.overrides]")
        for title, arxiv_id in apply_overrides(profile.papers, overrides or {}).items()
    }
    shas: list[str] = []
    verdicts: list[Resolution] = []
    missing: tuple[str, ...] = ()
    try:
        by_id: dict[str, ArxivRecord] = {}
        if known:
            fetched = client.fetch_by_ids(sorted(set(known.values())), batch_size=100)
            by_id = {r.arxiv_id: r for r in fetched.records}
            missing = fetched.missing + fetched.invalid
            shas += [a.sha256 for a in fetched.archived]
        for paper in profile.papers:
            if paper.title in known:
                chosen = by_id.get(known[paper.title])
                candidates = [chosen] if chosen else []
                verdicts.append(resolve_paper(paper, candidates, override=known[paper.title]))
                continue
            found = client.search_title(paper.title, max_results=candidates_per_title)
            shas += [a.sha256 for a in found.archived]
            verdicts.append(resolve_paper(paper, found.records, threshold=threshold))
    except ExtractError as exc:
        return Enrichment(degraded=degraded_message(client.base_url, exc))
    return Enrichment(tuple(verdicts), tuple(dict.fromkeys(shas)), missing)


def degraded_message(base_url: str, exc: ExtractError) -> str:
    """One line: where arXiv was tried, the last cause in short, and what happened instead."""
    text = str(exc)
    known = {
        "Failed to resolve": "name resolution failed",
        "Connection refused": "connection refused",
        "timed out": "timed out",
    }
    cause = next((short for marker, short in known.items() if marker in text), None)
    if cause is None:
        cause = text.rsplit("last: ", 1)[-1].split(" (Caused by")[0]
        cause = cause if len(cause) <= 120 else cause[:119] + "…"
    return f"arXiv unreachable at {base_url} ({cause}); profiles loaded without enrichment"


def accepted_records(enrichment: Enrichment, archive: RawArchive) -> dict[str, ArxivRecord]:
    """Re-read the accepted records from the archived responses (no network)."""
    wanted = {r.arxiv_id for r in enrichment.resolutions if r.arxiv_id}
    found: dict[str, ArxivRecord] = {}
    for record in _records_in(enrichment.response_shas, archive):
        if record.arxiv_id in wanted:
            found.setdefault(record.arxiv_id, record)
    return found


def _records_in(shas: Iterable[str], archive: RawArchive) -> Iterable[ArxivRecord]:
    for sha in shas:
        archived = archive.get(sha)
        yield from parse_feed(archived.read_bytes(), source=archived.source).records
