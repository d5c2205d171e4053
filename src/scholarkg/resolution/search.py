"""arXiv API queries for resolution: several titles per request, then word-based fallbacks.

Each helper builds ``search_query`` strings from escaped words only (see
:func:`scholarkg.extract.arxiv_api.title_query`), keeps each query under ``MAX_QUERY_CHARS`` and
asks for enough results that every title of a batch has room for its candidates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from scholarkg.extract.arxiv_api import title_query
from scholarkg.resolution.titles import distinctive_words, searchable_words

MAX_QUERY_CHARS = 1000  # arXiv reads GET queries; stay well inside URL length limits
MAX_TITLES_PER_QUERY = 10
RESULTS_PER_TITLE = 8  # the default of [arxiv] candidates_per_title
OR_RESULTS_PER_TITLE = 20  # the looser word search needs more room: at least this many
MAX_RESULTS = 100


def _operator_safe(word: str) -> str:
    return word.lower() if word.upper() in ("AND", "OR", "ANDNOT", "NOT") else word


def exact_clause(title: str) -> str | None:
    """``ti:"…"`` for a title, or None when it has no searchable words (``---``)."""
    if not searchable_words(title):
        return None
    return title_query(title)


def words_clause(title: str, operator: str, limit: int) -> str | None:
    """``(ti:w1 AND ti:w2 …)`` of the title's distinctive words (OR for the looser pass)."""
    words = [_operator_safe(w) for w in distinctive_words(title, limit)]
    if len(words) < (2 if operator == "AND" else 1):
        return None
    return "(" + f" {operator} ".join(f"ti:{w}" for w in words) + ")"


def batches(
    clauses: Sequence[tuple[str, str]], *, per_title: int = RESULTS_PER_TITLE
) -> Iterator[tuple[str, list[str], int]]:
    """Group (title, clause) pairs into OR-combined queries within the size limits.

    Yields (query, titles in it, max_results).
    """
    group: list[tuple[str, str]] = []
    length = 0
    for title, clause in clauses:
        extra = len(clause) + (4 if group else 0)
        if group and (length + extra > MAX_QUERY_CHARS or len(group) >= MAX_TITLES_PER_QUERY):
            yield _query(group, per_title)
            group, length = [], 0
            extra = len(clause)
        group.append((title, clause))
        length += extra
    if group:
        yield _query(group, per_title)


def _query(group: list[tuple[str, str]], per_title: int) -> tuple[str, list[str], int]:
    query = " OR ".join(clause for _, clause in group)
    return query, [t for t, _ in group], min(MAX_RESULTS, per_title * len(group))
