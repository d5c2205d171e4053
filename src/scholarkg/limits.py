"""Size, depth, page and time limits that keep one hostile input from taking a run down.

Every reader applies them where it reads: a snapshot line, a JSON value's nesting, each text
value (literal) of a record, the authors a record or a profile paper lists, a profile page, the
pages of a harvest or a search. What goes past a limit is refused with
:class:`~scholarkg.errors.LimitExceeded`, whose message names the ``[limits]`` key to raise; a
record (or a profile's paper) is then quarantined and the others load.
"""

from __future__ import annotations

import re

from scholarkg.config.network import MIB as MIB
from scholarkg.config.network import Limits as Limits  # the [limits] section, re-exported
from scholarkg.errors import LimitExceeded
from scholarkg.models import ArxivRecord

QUARANTINE_TEXT_CHARS = 65_536  # what a quarantine file keeps of one oversize record
# A JSON string, or (``rest``) from a quote no string closes to the end: every later quote is
# then inside that one's parse, so none closes a string either. Matching the rest once keeps it
# as it is in linear time (trying each of its quotes again was quadratic in its length).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|(?P<rest>".*)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def record_limits(limits: Limits) -> tuple[int, ...]:
    """The limits that decide which records and papers are quarantined: what a run's config
    hash and a snapshot chunk's fingerprint are made of (raising one reads again what it
    refused)."""
    return (
        limits.line_bytes,
        limits.literal_bytes,
        limits.json_depth,
        limits.authors_per_record,
    )


def clip(text: str, keep: int = QUARANTINE_TEXT_CHARS) -> str:
    """``text``, or its first ``keep`` characters with a note of how long it was."""
    if len(text) <= keep:
        return text
    return f"{text[:keep]}… [clipped: {len(text)} characters in all]"


def utf8_size_over(text: str, limit: int) -> int | None:
    """The UTF-8 size of ``text`` if it is over ``limit`` bytes, else None (cheap when short)."""
    if len(text) * 4 <= limit:
        return None
    size = len(text) if len(text) > limit else len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit else None


def check_literal(name: str, text: str | None, limits: Limits) -> None:
    """Refuse a text value larger than ``[limits] literal_bytes``."""
    if text is None:
        return
    size = utf8_size_over(text, limits.literal_bytes)
    if size is not None:
        raise LimitExceeded(
            f"{name} is {size} bytes", "[limits] literal_bytes", limits.literal_bytes
        )


def check_author_count(count: int, limits: Limits, *, read_all: bool = True) -> None:
    """Refuse a record or profile paper listing ``count`` authors, more than ``[limits]
    authors_per_record``: each author becomes an authorship and a person to decide (a snapshot
    line of 100 000 took ~1 GB and 75 s before this limit). ``read_all`` False: the list was
    read no further than its first ``count`` authors (one past the limit), its whole count not
    known, told as more than the limit."""
    most = limits.authors_per_record
    if count > most:
        what = f"{count} authors" if read_all else f"more than {most} authors"
        raise LimitExceeded(what, "[limits] authors_per_record", most)


def check_record_authors(record: ArxivRecord, limits: Limits) -> None:
    """Refuse an arXiv record listing more authors than ``[limits] authors_per_record``
    (:func:`check_author_count`)."""
    check_author_count(len(record.authors), limits)


def check_record_literals(record: ArxivRecord, limits: Limits) -> None:
    """Refuse an arXiv record over the limits of one record, whichever door it came through
    (API, OAI-PMH, snapshot: each calls this on the record it made, before any of it is
    transformed): more authors than ``[limits] authors_per_record``
    (:func:`check_record_authors`, first), any text value over ``literal_bytes``."""
    check_record_authors(record, limits)
    for name in ("title", "abstract", "comment", "journal_ref", "doi", "license"):
        check_literal(name, getattr(record, name), limits)
    for author in record.authors:
        check_literal("an author name", author.name, limits)
        for affiliation in author.affiliations:
            check_literal("an affiliation", affiliation, limits)
    for category in record.categories:
        check_literal("a category", category, limits)
    for version in record.versions:
        check_literal("a version title", version.title, limits)


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in the JSON ``text`` (brackets inside strings aside)."""
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", _JSON_STRING.sub(r"\g<rest>", text)):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def check_json_depth(text: str, limits: Limits) -> None:
    """Refuse JSON nested deeper than ``[limits] json_depth`` before any parser recurses into it."""
    limit = limits.json_depth
    if text.count("[") + text.count("{") <= limit:  # the common case, at C speed
        return
    depth = json_depth(text)
    if depth > limit:
        raise LimitExceeded(f"JSON nested {depth} deep", "[limits] json_depth", limit)


DEFAULT_LIMITS = Limits()
