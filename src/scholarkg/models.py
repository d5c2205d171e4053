"""Frozen records that flow between the pipeline stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Metrics:
    """Headline metrics printed in a profile header."""

    h_index: int | None = None
    papers: int | None = None
    citations: int | None = None
    novelty_percent: int | None = None
    ai_score: int | None = None


@dataclass(frozen=True)
class ProfilePaper:
    """One paper as a profile page lists it."""

    line: int
    subject_code: str
    category: str | None
    date: dt.date
    has_code: bool
    title: str
    authors: tuple[str, ...]
    authors_truncated: bool
    organizations: tuple[str, ...] = ()
    abstract: str | None = None


@dataclass(frozen=True)
class QuarantinedRecord:
    """A record that could not be read, kept with its reason and raw text."""

    source: str
    line: int
    reason: str
    text: str

    def describe(self) -> str:
        """``source:line: reason``, as reports and the CLI name it."""
        return f"{self.source}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class Profile:
    """A researcher profile page as retrieved at one point in time."""

    source: str
    name: str
    subject_code: str
    category: str | None
    metrics: Metrics
    stated_paper_count: int | None
    papers: tuple[ProfilePaper, ...]
    retrieved_at: dt.datetime
    content_sha256: str
    quarantined: tuple[QuarantinedRecord, ...] = ()
    warnings: tuple[str, ...] = ()
    returned_at: dt.datetime | None = None  # the page gave these bytes again after others

    @property
    def snapshot_key(self) -> str:
        """What names this retrieval's snapshot: the bytes' hash (16 hex digits), and when they
        came back if the page gave others in between (a snapshot is immutable once written, so
        a page put back is a new snapshot, dated when it came back)."""
        key = self.content_sha256[:16]
        if self.returned_at is None:
            return key
        return f"{key}-{self.returned_at.astimezone(dt.UTC):%Y%m%dT%H%M%S%fZ}"


@dataclass(frozen=True, slots=True)
class ArxivAuthor:
    """An author as arXiv lists them, in order."""

    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArxivVersion:
    """One version (v1…vN) of an arXiv e-print."""

    number: int
    date: dt.datetime | None = None
    title: str | None = None


@dataclass(frozen=True)
class ArxivRecord:
    """An arXiv e-print: the same model whichever door it came through (API, OAI-PMH, snapshot).

    ``arxiv_id`` never carries a version (``2104.12255``, ``quant-ph/0201082``); ``versions``
    holds what the source knows about each version, ordered by number.
    """

    arxiv_id: str
    title: str
    abstract: str
    authors: tuple[ArxivAuthor, ...]
    categories: tuple[str, ...]
    primary_category: str | None = None
    published: dt.date | None = None
    updated: dt.date | None = None
    versions: tuple[ArxivVersion, ...] = ()
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    license: str | None = None
    source: str = field(default="", compare=False)
    # where in ``source`` the record stands (the snapshot line, the line of its <record> or
    # <entry> element), so a record quarantined after reading is told at its line
    line: int | None = field(default=None, compare=False)

    @property
    def latest_version(self) -> int | None:
        return max((v.number for v in self.versions), default=None)
