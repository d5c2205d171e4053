"""Checks on SPARQL text before any engine parses it: size, nesting, query form, ``SERVICE``.

The text is scanned by a small lexer that knows comments, strings, IRIs and variables, so a
brace inside a string or ``service`` as a variable name is not miscounted. Deeply nested text
is refused here because the engine's recursive parser can overflow its stack on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scholarkg.config import ServeSettings
from scholarkg.errors import QueryLimitError

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_OPEN, _CLOSE = "{([", "})]"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_IRI = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")
_VARIABLE = re.compile(r"[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+")
_SERVE = ServeSettings()  # the defaults


@dataclass(frozen=True)
class QueryLimits:
    """How far one query may go. ``federation`` lists the SERVICE endpoints allowed (none:
    every ``SERVICE`` is refused). Defaults: the ``[serve]`` section's."""

    time_limit: float = _SERVE.time_limit
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
            memory_limit_mb=settings.memory_limit_mb,
            max_query_bytes=settings.max_query_bytes,
            max_nesting=settings.max_nesting,
            max_result_bytes=settings.max_result_mb * 1024 * 1024,
            federation=settings.federation,
        )


@dataclass(frozen=True)
class QueryInfo:
    """What the scan found: the query form keyword (upper case, None if not found), whether
    the text has its own dataset (``FROM``), the ``SERVICE`` endpoints and the deepest nesting."""

    form: str | None
    has_dataset: bool
    services: tuple[str, ...] = ()
    depth: int = 0
    variables: frozenset[str] = field(default_factory=frozenset)


@dataclass
class _Scan:
    form: str | None = None
    has_dataset: bool = False
    services: list[str] = field(default_factory=list)
    depth: int = 0
    max_depth: int = 0
    variables: set[str] = field(default_factory=set)
    pending_service: bool = False


def _skip_string(text: str, start: int) -> int:
    """Index just past the string literal starting at ``start``."""
    quote = text[start]
    long = text.startswith(quote * 3, start)
    end_mark = quote * 3 if long else quote
    i = start + (3 if long else 1)
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(end_mark, i):
            return i + len(end_mark)
        if not long and text[i] in "\r\n":
            return i
        i += 1
    return len(text)


def _note_word(scan: _Scan, word: str, text: str, end: int) -> None:
    upper = word.upper()
    followed_by_colon = end < len(text) and text[end] == ":"
    if followed_by_colon:
        if scan.pending_service:  # a prefixed name where an IRI should be
            scan.services.append(word + ":")
            scan.pending_service = False
        return
    if upper in QUERY_FORMS and scan.form is None:
        scan.form = upper
    elif upper == "FROM":
        scan.has_dataset = True
    elif upper == "SERVICE":
        scan.pending_service = True
    elif upper == "SILENT" and scan.pending_service:
        return
    elif scan.pending_service:
        scan.services.append(word)  # a prefixed name or keyword where an IRI should be
        scan.pending_service = False


def scan_query(text: str) -> QueryInfo:
    """Lex ``text`` once and report what :func:`check_query` needs."""
    scan = _Scan()
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            newline = text.find("\n", i)
            i = n if newline < 0 else newline + 1
        elif char in "\"'":
            i = _skip_string(text, i)
        elif char == "<" and (match := _IRI.match(text, i)):
            if scan.pending_service:
                scan.services.append(match.group(1))
                scan.pending_service = False
            i = match.end()
        elif char in "?$" and (match := _VARIABLE.match(text, i)):
            if scan.pending_service:
                scan.services.append(match.group(0))
                scan.pending_service = False
            scan.variables.add(match.group(0)[1:])
            i = match.end()
        elif char in _OPEN:
            if scan.pending_service:  # e.g. a prefixed name with an empty prefix
                scan.services.append("")
                scan.pending_service = False
            scan.depth += 1
            scan.max_depth = max(scan.max_depth, scan.depth)
            i += 1
        elif char in _CLOSE:
            scan.depth = max(0, scan.depth - 1)
            i += 1
        elif match := _WORD.match(text, i):
            preceded = i > 0 and text[i - 1] in ":_"
            if not preceded:
                _note_word(scan, match.group(0), text, match.end())
            i = match.end()
        else:
            i += 1
    return QueryInfo(
        scan.form,
        scan.has_dataset,
        tuple(scan.services),
        scan.max_depth,
        frozenset(scan.variables),
    )


def check_query(text: str, limits: QueryLimits) -> QueryInfo:
    """Refuse ``text`` (:class:`QueryLimitError`, status 400/403) when it is too large, nested
    too deeply or calls a ``SERVICE`` that federation does not allow; else what was found."""
    size = len(text.encode("utf-8"))
    if size > limits.max_query_bytes:
        raise QueryLimitError(
            f"query refused: {size} bytes is more than the limit of {limits.max_query_bytes}",
            status=413,
        )
    info = scan_query(text)
    if info.depth > limits.max_nesting:
        raise QueryLimitError(
            f"query refused: brackets nested {info.depth} deep, more than the limit of "
            f"{limits.max_nesting}",
            status=400,
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
    return info
