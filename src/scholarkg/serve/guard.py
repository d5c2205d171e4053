"""Checks on SPARQL text before any engine parses it: size, nesting, query form, ``SERVICE``
and ``LOAD``.

The text is read by a small lexer (:mod:`scholarkg.serve.guard_lexer`) that tokenizes it as
Oxigraph does, so a brace inside a string or ``service`` as a variable name is not miscounted,
and a quote or ``#`` inside an IRI hides nothing. Text with ``\\uXXXX`` escapes is read a second
time with them decoded first (SPARQL 1.1's rule, which other engines follow), and what either
reading finds counts. Deep nesting is refused here because the engine's recursive parser and
evaluator overflow their stack on it: brackets, and chains of operators the engine nests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scholarkg.config import ServeSettings
from scholarkg.errors import QueryLimitError
from scholarkg.serve.guard_lexer import lex
from scholarkg.serve.sparql_tokens import decode_escapes

_SERVE = ServeSettings()  # the defaults


@dataclass(frozen=True)
class QueryLimits:
    """How far one query may go. ``federation`` lists the SERVICE endpoints allowed (none:
    every ``SERVICE`` is refused). Defaults: the ``[serve]`` section's."""

    time_limit: float = _SERVE.time_limit
    queue_wait: float = _SERVE.queue_wait  # for a worker while every one is busy
    memory_limit_mb: int = _SERVE.memory_limit_mb
    max_query_bytes: int = _SERVE.max_query_bytes
    max_nesting: int = _SERVE.max_nesting
    max_result_bytes: int = _SERVE.max_result_mb * 1024 * 1024
    federation: tuple[str, ...] = _SERVE.federation

    @classmethod
    def from_settings(cls, settings: ServeSettings) -> QueryLimits:
        """The limits of the ``[serve]`` configuration (shared by the server and the CLI)."""
        return cls(
            time_limit=settings.time_limit,
            queue_wait=settings.queue_wait,
            memory_limit_mb=settings.memory_limit_mb,
            max_query_bytes=settings.max_query_bytes,
            max_nesting=settings.max_nesting,
            max_result_bytes=settings.max_result_mb * 1024 * 1024,
            federation=settings.federation,
        )


@dataclass(frozen=True)
class QueryInfo:
    """What the scan found: the query form keyword (upper case, None if not found), whether
    the text has its own dataset (``FROM``), the ``SERVICE`` endpoints and ``LOAD`` sources,
    the deepest bracket nesting (``depth``) and the nesting that counts operator chains too
    (``nesting``), ``<…>`` the lexer could not tell from a comparison (``doubts``), the
    keywords, the steps of every group and the path operators ``* + ?`` (``closures``), from
    which :func:`scholarkg.serve.quick.looks_quick` judges it, and the syntax error of a
    bracket that does not pair (``unbalanced``, :mod:`.sparql_balance`), if any; ``stopped``:
    the scan stopped where the nesting passed its limit (the rest unread, unbalanced unknown)."""

    form: str | None
    has_dataset: bool
    services: tuple[str, ...] = ()
    depth: int = 0
    variables: frozenset[str] = field(default_factory=frozenset)
    loads: tuple[str, ...] = ()
    nesting: int = 0
    doubts: tuple[str, ...] = ()
    words: frozenset[str] = frozenset()
    steps: int = 0
    closures: int = 0
    unbalanced: str | None = None
    stopped: bool = False


def scan_query(text: str, max_nesting: int | None = None) -> QueryInfo:
    """Lex ``text`` (and, when it has ``\\u``/``\\U`` escapes, the text with them decoded) and
    report what :func:`check_query` needs. With ``max_nesting``, a reading stops once its
    nesting passes it: the rest is not read (``QueryInfo.stopped``; nesting: as far as read)."""
    escaped = "\\u" in text or "\\U" in text
    decoded = lex(decode_escapes(text), max_nesting) if escaped else None
    if decoded is not None and decoded.stopped_at is not None:
        scans = [decoded]  # nested past the limit once decoded: the text itself is not read
    else:
        scans = [lex(text, max_nesting)]
        if decoded is not None and scans[0].stopped_at is None:
            scans.append(decoded)
    stopped = any(scan.stopped_at is not None for scan in scans)
    first = scans[0]
    return QueryInfo(
        first.form,
        first.has_dataset,
        tuple(dict.fromkeys(found for scan in scans for found in scan.services)),
        max(scan.depth for scan in scans),
        frozenset(first.variables),
        tuple(dict.fromkeys(found for scan in scans for found in scan.loads)),
        max(scan.nesting for scan in scans),
        tuple(dict.fromkeys(found for scan in scans for found in scan.doubts)),
        frozenset(word for scan in scans for word in scan.words),
        max(scan.steps for scan in scans),
        max(scan.closures for scan in scans),
        None if stopped else first.pairs.unpaired(text),  # as the engine reads it
        stopped,
    )


def check_size(text: str, limits: QueryLimits) -> None:
    """Refuse ``text`` (:class:`QueryLimitError`, 413) when it is over ``max_query_bytes``:
    the first check, before anything reads a token of it."""
    size = len(text.encode("utf-8"))
    if size > limits.max_query_bytes:
        raise QueryLimitError(
            f"query refused: {size} bytes is more than the limit of {limits.max_query_bytes}",
            status=413,
        )


def check_query(text: str, limits: QueryLimits) -> QueryInfo:
    """Refuse ``text`` (:class:`QueryLimitError`, status 400/403/413) when it is too large,
    nested too deeply, unclear to the lexer, calls a ``SERVICE`` that federation does not
    allow or has a ``LOAD``; else what was found."""
    check_size(text, limits)
    info = scan_query(text, limits.max_nesting)
    if info.nesting > limits.max_nesting:  # read up to the level past the limit, no further
        read = f"at least {info.nesting}" if info.stopped else str(info.nesting)
        raise QueryLimitError(
            f"query refused: nested {read} deep (brackets, and chains of operators, UNION or "
            f"path steps), more than the limit of {limits.max_nesting}",
            status=400,
        )
    if info.loads:
        raise QueryLimitError(
            "query refused: LOAD (fetching a document from a URL) is disabled on this endpoint",
            status=403,
        )
    for service in info.services:
        if not limits.federation:
            raise QueryLimitError(
                "query refused: SERVICE (federated query) is disabled on this endpoint", status=403
            )
        if service not in limits.federation:
            raise QueryLimitError(
                f"query refused: SERVICE {service!r} is not in the federation allow-list "
                "(write the endpoint as a full <IRI>)",
                status=403,
            )
    if info.doubts:
        raise QueryLimitError(
            f"query refused: cannot tell whether {info.doubts[0]!r} is an IRI or '<' comparing "
            "(put spaces around a '<' that compares)",
            status=400,
        )
    return info
