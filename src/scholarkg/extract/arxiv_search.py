"""What a paged arXiv API search is made of besides its requests: the phrase query for a title,
the result, its note of papers read again, why a ``totalResults`` the answers refute ends
paging, and which unreadable entries of a page are kept once
(:class:`~scholarkg.extract.arxiv_api.ArxivApiClient` pages)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from scholarkg.errors import ExtractError
from scholarkg.extract.raw_archive import ArchivedResponse
from scholarkg.models import ArxivRecord, QuarantinedRecord
from scholarkg.shown_text import some

_OPERATORS = frozenset({"AND", "OR", "ANDNOT", "NOT"})
_NOT_WORD = re.compile(r"[\W_]+")


def title_query(title: str) -> str:
    """``ti:"…"`` phrase query for ``title``, safe for arXiv's query syntax.

    Everything that is not a letter or digit (colons, hyphens, which arXiv reads as NOT,
    quotes, parentheses, backslashes, TeX) becomes a space, and the boolean operator words
    AND/OR/ANDNOT/NOT are lower-cased so they stay words of the phrase. URL encoding is left
    to the HTTP layer.
    """
    words = _NOT_WORD.sub(" ", title).split()
    words = [w.lower() if w.upper() in _OPERATORS else w for w in words]
    if not words:
        raise ValueError(f"title {title!r} has no searchable words")
    return f'ti:"{" ".join(words)}"'


@dataclass(frozen=True)
class SearchResult:
    """Deduplicated records of a paged search; ``complete`` is False for a partial result."""

    query: str
    records: tuple[ArxivRecord, ...]
    total_results: int | None
    complete: bool
    problem: str | None = None
    archived: tuple[ArchivedResponse, ...] = field(default=(), repr=False)
    warnings: tuple[str, ...] = ()  # answers cut at max_results
    quarantined: tuple[QuarantinedRecord, ...] = ()  # entries read that could not be used
    notes: tuple[str, ...] = ()  # papers read again with other content (see read_again)

    def raise_if_incomplete(self) -> None:
        if not self.complete:
            raise ExtractError(f"arXiv search {self.query!r}", self.problem or "incomplete")


def read_again(ids: Sequence[str]) -> tuple[str, ...]:
    """The note of a search that read the papers of ``ids`` again with other content (one
    record a paper kept: :class:`~scholarkg.extract.arxiv_copies.OnePerPaper`); none if none."""
    if not ids:
        return ()
    papers = f"{len(ids)} paper was" if len(ids) == 1 else f"{len(ids)} papers were"
    return (
        f"{papers} read again with other content (a later version, or one changed between "
        f"answers): one record a paper, the newer kept: {some(ids)}",
    )


def refuted(total: int, offset: int, held: int) -> str:
    """Why a ``totalResults`` the answers refute (negative, or not above the offset of a page
    that held entries) ends paging."""
    return (
        f"totalResults={total} although the page at start={offset} held {held} entries (the "
        "server's count is no count of them)"
    )


def keep_unread(
    page: Sequence[QuarantinedRecord], held_alike: Counter[str]
) -> list[QuarantinedRecord]:
    """Of a page's unreadable entries, those a search has not kept yet (``held_alike``: the
    entries kept so far, by text, updated): entries alike in text are kept as many times as one
    page holds them (two on a page are two), not again when the next page, overlapping this one,
    brings them again."""
    on_page: Counter[str] = Counter()
    new = []
    for entry in page:
        on_page[entry.text] += 1
        if on_page[entry.text] > held_alike[entry.text]:
            held_alike[entry.text] += 1
            new.append(entry)
    return new
