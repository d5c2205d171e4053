"""Resolve profile papers to arXiv e-prints: scored by title, date and authors, with evidence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

from scholarkg.iris import fold, title_key
from scholarkg.models import ArxivRecord, ProfilePaper

TITLE_WEIGHT, DATE_WEIGHT, AUTHOR_WEIGHT = 0.6, 0.15, 0.25
DEFAULT_THRESHOLD = 0.8
MIN_TITLE_SIMILARITY = 0.9
_COLLECTIVE = ("team", "collaboration", "consortium", "group")


@dataclass(frozen=True)
class Evidence:
    """Why a candidate scored what it did."""

    arxiv_id: str
    score: float
    title_similarity: float
    date_distance_days: int | None
    author_overlap: float | None


@dataclass(frozen=True)
class Resolution:
    """The verdict for one profile paper: the accepted match, or the best candidates."""

    paper: ProfilePaper
    method: str  # "override" | "score" | "unresolved"
    accepted: Evidence | None
    candidates: tuple[Evidence, ...] = ()

    @property
    def arxiv_id(self) -> str | None:
        return self.accepted.arxiv_id if self.accepted else None


def title_similarity(title: str, record: ArxivRecord) -> float:
    """Best similarity of ``title`` to the record's title or any version's title."""
    mine = title_key(title)
    titles = {record.title, *(v.title for v in record.versions if v.title)}
    return max(SequenceMatcher(None, mine, title_key(t)).ratio() for t in titles)


def _tokens(name: str) -> list[str]:
    return fold(name).split()


def names_compatible(a: str, b: str) -> bool:
    """Same surname and compatible given names: ``L. Hussenot`` ~ ``Léonard Hussenot``."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb or ta[-1] != tb[-1]:
        return False
    for x, y in zip(ta[:-1], tb[:-1], strict=False):
        if (
            x != y
            and not (len(x) == 1 and y.startswith(x))
            and not (len(y) == 1 and x.startswith(y))
        ):
            return False
    return True


def is_collective(name: str) -> bool:
    """``Gemma Team``-style group authors, which arXiv lists differently or not at all."""
    return fold(name).split()[-1:] in ([w] for w in _COLLECTIVE)


def author_overlap(listed: Iterable[str], record: ArxivRecord) -> float | None:
    """Share of the profile's listed (individual) authors that arXiv lists too."""
    people = [n for n in listed if not is_collective(n)]
    if not people:
        return None
    found = sum(any(names_compatible(n, a.name) for a in record.authors) for n in people)
    return found / len(people)


def date_score(days: int | None) -> float:
    """1 within a week of v1, falling to 0 at a year."""
    if days is None:
        return 0.5
    return 1.0 if days <= 7 else max(0.0, 1.0 - (days - 7) / 358)


def score(paper: ProfilePaper, record: ArxivRecord) -> Evidence:
    title = title_similarity(paper.title, record)
    days = abs((paper.date - record.published).days) if record.published else None
    overlap = author_overlap(paper.authors, record)
    total = (
        TITLE_WEIGHT * title
        + DATE_WEIGHT * date_score(days)
        + AUTHOR_WEIGHT * (overlap if overlap is not None else 0.5)
    )
    return Evidence(record.arxiv_id, round(total, 4), round(title, 4), days, overlap)


def resolve_paper(
    paper: ProfilePaper,
    candidates: Iterable[ArxivRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    override: str | None = None,
) -> Resolution:
    """Accept the best candidate above ``threshold`` (an override always wins)."""
    ranked = sorted((score(paper, c) for c in candidates), key=lambda e: -e.score)
    if override:
        chosen = next((e for e in ranked if e.arxiv_id == override), None)
        evidence = chosen or Evidence(override, 1.0, 0.0, None, None)
        return Resolution(paper, "override", evidence, tuple(ranked[:3]))
    best = ranked[0] if ranked else None
    if best and best.score >= threshold and best.title_similarity >= MIN_TITLE_SIMILARITY:
        return Resolution(paper, "score", best, tuple(ranked[:3]))
    return Resolution(paper, "unresolved", None, tuple(ranked[:3]))


def researcher_keys(
    researcher: str, researcher_key: str, records: Iterable[ArxivRecord]
) -> dict[str, str]:
    """Map every arXiv spelling of the researcher's name to the researcher's person key."""
    return {
        a.name: researcher_key
        for r in records
        for a in r.authors
        if names_compatible(a.name, researcher)
    }


def researcher_position(researcher: str, record: ArxivRecord) -> int | None:
    """1-based position of the researcher among arXiv's authors, if listed."""
    for position, author in enumerate(record.authors, start=1):
        if names_compatible(author.name, researcher):
            return position
    return None


def apply_overrides(papers: Iterable[ProfilePaper], overrides: Mapping[str, str]) -> dict[str, str]:
    """Profile paper title → arXiv id from config, matched on the normalised title."""
    wanted = {title_key(t): i for t, i in overrides.items()}
    return {p.title: wanted[title_key(p.title)] for p in papers if title_key(p.title) in wanted}
