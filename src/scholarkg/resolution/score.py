"""Scoring candidates and deciding: resolved, ambiguous or unresolved, never a coin toss."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scholarkg.config import ArxivConfig
from scholarkg.models import ArxivRecord, ProfilePaper
from scholarkg.resolution.authors import agreement
from scholarkg.resolution.titles import title_similarity

TITLE_WEIGHT, DATE_WEIGHT, AUTHOR_WEIGHT = 0.55, 0.15, 0.30
DEFAULT_THRESHOLD: float = ArxivConfig.model_fields["threshold"].default
MIN_TITLE_SIMILARITY = 0.9
DEFAULT_MARGIN = 0.05
STATES = ("resolved", "overridden", "ambiguous", "unresolved")


@dataclass(frozen=True)
class Evidence:
    """Why a candidate scored what it did."""

    arxiv_id: str
    score: float
    title_similarity: float
    date_distance_days: int | None
    author_agreement: float | None


@dataclass(frozen=True)
class Verdict:
    """How one profile paper ended: exactly one of :data:`STATES`.

    ``origin`` says where the accepted record came from (``store`` or ``api``); ``note`` says
    what else happened (an override arXiv does not know).
    """

    paper: ProfilePaper
    state: str
    accepted: Evidence | None = None
    candidates: tuple[Evidence, ...] = ()
    origin: str | None = None
    note: str | None = None

    @property
    def arxiv_id(self) -> str | None:
        return self.accepted.arxiv_id if self.accepted else None


def title_score(paper: ProfilePaper, record: ArxivRecord) -> float:
    """Best similarity of the listed title to the record's title or any version's title."""
    titles = {record.title, *(v.title for v in record.versions if v.title)}
    return max(title_similarity(paper.title, t) for t in titles)


def date_distance(paper: ProfilePaper, record: ArxivRecord) -> int | None:
    """Days from the listed date to the nearest known date of the record (v1, versions)."""
    dates = [record.published] if record.published else []
    dates += [v.date.date() for v in record.versions if v.date is not None]
    return min((abs((paper.date - d).days) for d in dates), default=None)


def date_score(days: int | None) -> float:
    """1 within a week, falling to 0 at a year; 0.5 when the record has no date."""
    if days is None:
        return 0.5
    return 1.0 if days <= 7 else max(0.0, 1.0 - (days - 7) / 358)


def score(paper: ProfilePaper, record: ArxivRecord) -> Evidence:
    title = title_score(paper, record)
    days = date_distance(paper, record)
    authors = agreement(paper.authors, [a.name for a in record.authors])
    total = (
        TITLE_WEIGHT * title
        + DATE_WEIGHT * date_score(days)
        + AUTHOR_WEIGHT * (authors if authors is not None else 0.5)
    )
    return Evidence(record.arxiv_id, round(total, 4), round(title, 4), days, authors)


def decide(
    paper: ProfilePaper,
    candidates: Iterable[ArxivRecord],
    *,
    origin: str,
    threshold: float = DEFAULT_THRESHOLD,
    margin: float = DEFAULT_MARGIN,
) -> Verdict:
    """Accept the best acceptable candidate unless a second one is within ``margin`` of it."""
    ranked = sorted(
        {e.arxiv_id: e for e in (score(paper, c) for c in candidates)}.values(),
        key=lambda e: (-e.score, e.arxiv_id),
    )
    acceptable = [
        e for e in ranked if e.score >= threshold and e.title_similarity >= MIN_TITLE_SIMILARITY
    ]
    if not acceptable:
        return Verdict(paper, "unresolved", None, tuple(ranked[:3]))
    best = acceptable[0]
    rivals = [e for e in acceptable[1:] if best.score - e.score < margin]
    if rivals:
        return Verdict(paper, "ambiguous", None, (best, *rivals[:2]))
    return Verdict(paper, "resolved", best, tuple(ranked[:3]), origin)
