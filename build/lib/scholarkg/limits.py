"""Size, depth, page and time limits that keep one hostile input from taking a run down.

Every reader applies them where it reads: a snapshot line, a JSON value's nesting, each text
value (literal) of a record, a profile page, the pages of a harvest or a search. What goes past
a limit is refused with :class:`~scholarkg.errors.LimitExceeded`, whose message names the
``[limits]`` key to raise; a record is then quarantined and the others load.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields

from scholarkg.errors import ConfigError, LimitExceeded
from scholarkg.models import ArxivRecord

MIB = 1024 * 1024
QUARANTINE_TEXT_CHARS = 65_536  # what a quarantine file keeps of one oversize record
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


@dataclass(frozen=True)
class Limits:
    """The ``[limits]`` section (sizes in bytes, times in seconds)."""

    line_bytes: int = 8 * MIB
    literal_bytes: int = 1 * MIB
    json_depth: int = 32
    profile_bytes: int = 64 * MIB
    harvest_max_pages: int = 100_000
    harvest_deadline: float = 86_400.0
    search_max_pages: int = 100
    search_deadline: float = 600.0

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bool) or not value > 0 or math.isinf(value):
                raise ConfigError(f"[limits] {spec.name} must be a number > 0, not {value!r}")


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


def check_record_literals(record: ArxivRecord, limits: Limits) -> None:
    """Refuse an arXiv record with any text value over ``[limits] literal_bytes``."""
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
    for char in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
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
