"""How every door (OAI-PMH records, the metadata snapshot) reads a record's dates and version
labels: an ISO 8601 day, an RFC 2822 version date, a ``v<n>`` label, each refused with a
``ValueError`` worded alike whichever door it came through, which versions' days are the
record's published and updated days, and the orders its dates must keep: among themselves and
before the time its bytes were fetched."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

from scholarkg.counts import count_of
from scholarkg.extract.oai_state import CLOCK_SKEW  # a day of time zones and clocks, as ever
from scholarkg.extract.reasons import (
    bad_date,
    dated_after,
    dated_before,
    updated_before_published,
)
from scholarkg.models import ArxivRecord, ArxivVersion

ANSWER_FETCHED = "the answer was fetched"
"""An API or OAI-PMH answer's moment: when the raw archive first recorded its bytes."""
SNAPSHOT_FIRST_READ = "the snapshot file's time when first read"
"""A snapshot chunk's moment: the file's modification time when the store first read the chunk's
bytes (:mod:`scholarkg.runs.first_written`; the archive records no snapshot file), not the
file's time now."""
SNAPSHOT_FILE_NOW = "the snapshot file's time now"
"""A snapshot chunk no store has read (a listing, a reader without a store): the file's
modification time as it is read."""


def parse_record_date(text: str, what: str | None = None) -> dt.date:
    """The day of an ISO 8601 date, or date and time (``2017-11-26``, ``2017-11-26T10:00:00Z``),
    as every door reads a record's dates; anything else, trailing text included, is refused
    with the reason :func:`~.reasons.bad_date` words (``what``: the field it was to fill)."""
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError as exc:
        raise ValueError(bad_date(text, what)) from exc


# the year of an RFC 2822 date: after the optional day of the week, the day and the month
_YEAR = re.compile(r"\s*(?:[A-Za-z]+\s*,\s*)?[0-9]{1,2}\s+[A-Za-z]+\s+([0-9]+)\s")


def parse_version_date(text: object) -> dt.datetime:
    """``Mon, 2 Apr 2007 19:18:42 GMT`` (RFC 2822, as arXivRaw and the snapshot write it);
    anything else, a value that is no string included, is refused. A year of four digits is
    the year written (``0001`` is year 1, as an ISO date reads it; ``0000`` is none), only a
    shorter one RFC 2822's 19xx or 20xx."""
    try:
        if not isinstance(text, str):
            raise TypeError(f"{type(text).__name__} is no date")
        parsed = email.utils.parsedate_to_datetime(text)
        written = _YEAR.match(text)
        if written and len(written.group(1)) == 4 and parsed.year != int(written.group(1)):
            parsed = parsed.replace(year=int(written.group(1)))  # email read 0001 as 2001
        return parsed
    # before: a year, day, hour or offset of 20 digits raised OverflowError past every reader
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        raise ValueError(f"bad version date {text!r}") from exc


class _Dated(Protocol):
    @property
    def number(self) -> int: ...
    @property
    def date(self) -> dt.datetime | None: ...


V = TypeVar("V", bound=_Dated)


def one_per_number(versions: Iterable[V]) -> list[V]:
    """``versions`` ordered by number, one per number: a number listed again with the same date
    is the same version (the first kept), with another date a ValueError worded alike for every
    door (``version v1 is listed twice``); so is one dated before a version it follows
    (:func:`refuse_dated_before`)."""
    kept: dict[int, V] = {}
    for version in versions:
        before = kept.setdefault(version.number, version)
        if before is not version and before.date != version.date:
            raise ValueError(f"version v{version.number} is listed twice")
    ordered = [kept[number] for number in sorted(kept)]
    refuse_dated_before(ordered)
    return ordered


def _instant(when: dt.datetime) -> dt.datetime:
    """``when`` comparable with any other: a date without a zone (``-0000``) read as UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def refuse_dated_before(versions: Sequence[_Dated]) -> None:
    """A ValueError (:func:`~.reasons.dated_before`) when a version of ``versions`` (ordered by
    number) is dated before an earlier-numbered one; versions without a date are passed over.
    Before, a v2 dated before its v1 loaded without a word, the record updated before it was
    published."""
    latest: tuple[int, dt.datetime] | None = None  # the last dated version: number, date
    for version in versions:
        if version.date is None:
            continue
        if latest is not None and _instant(version.date) < _instant(latest[1]):
            raise ValueError(dated_before(version.number, version.date, *latest))
        latest = (version.number, version.date)


def _day(when: dt.date) -> dt.date:
    return when.date() if isinstance(when, dt.datetime) else when


def refuse_updated_before(published: dt.date | None, updated: dt.date | None) -> None:
    """A ValueError (:func:`~.reasons.updated_before_published`) when a record's ``updated``
    (its latest version) is before its ``published`` (its v1): instants when both are datetimes
    (one without a zone read as UTC), else days; either missing passes. For the doors that give
    the two dates but no version numbers. Before, such a record loaded without a word."""
    if published is None or updated is None:
        return
    if isinstance(published, dt.datetime) and isinstance(updated, dt.datetime):
        refused = _instant(updated) < _instant(published)
    else:
        refused = _day(updated) < _day(published)
    if refused:
        raise ValueError(updated_before_published(updated, published))


def record_dates(record: ArxivRecord) -> Iterator[tuple[str, dt.date | None]]:
    """Each date ``record`` states, named as its field: published, updated, then each version's."""
    yield "published", record.published
    yield "updated", record.updated
    for version in record.versions:
        yield f"v{version.number}", version.date


def refuse_dated_after(
    dates: Iterable[tuple[str, dt.date | None]], fetched: dt.datetime | None, event: str
) -> None:
    """A ValueError (:func:`~.reasons.dated_after`) for the first of ``dates`` on a day
    after ``fetched``'s UTC day (a time without a zone read as UTC) and :data:`CLOCK_SKEW`;
    ``fetched`` None (no fetch time known: a body parsed without its archive entry) checks
    nothing. ``event`` names the moment (:data:`ANSWER_FETCHED`, :data:`SNAPSHOT_FIRST_READ`).

    ``fetched`` is the time the archive recorded with the bytes, never the clock's at parse
    time: the archive read again, or a killed run resumed, judges each record alike. Before, a
    record dated 2999 loaded."""
    if fetched is None:
        return
    latest = _instant(fetched).astimezone(dt.UTC).date() + CLOCK_SKEW
    for field, when in dates:
        if when is None:
            continue
        if _day(when) > latest:  # the day as written: CLOCK_SKEW allows for its zone
            raise ValueError(dated_after(field, when, fetched, event))


def version_days(versions: Sequence[ArxivVersion]) -> tuple[dt.date | None, dt.date | None]:
    """The day of the first version (published) and of the latest (updated) of ``versions``,
    ordered by number; each None when that version has no date, never another version's."""
    if not versions:
        return None, None
    first, latest = versions[0].date, versions[-1].date
    return (first.date() if first else None), (latest.date() if latest else None)


def parse_version_label(label: object) -> int:
    """``v1``, ``v2``…: the version's number (at most 6 ASCII digits, as the snapshot's, from 1
    and without a leading zero, as arXiv writes them), or ValueError for any other label
    (``2``, ``v٢``, ``v²``, ``v0``, ``v02``), worded alike for every door."""
    digits = label[1:] if isinstance(label, str) and label[:1] == "v" else ""
    number = None if digits.startswith("0") else count_of(digits, digits=6)
    if number is None:
        raise ValueError(f"bad version label {label!r}")
    return number
