"""Why a record is quarantined, in the same words whichever door read it.

A quarantined record carries its source and line, and is told as ``<source>:<line>: <reason>``;
so its reason is the message alone: no exception type (a snapshot line's reasons named it, the
API's and OAI-PMH's not), no location again (a :class:`~scholarkg.errors.ParseError` names its
own). One bad record thus reads the same through the snapshot, the API and OAI-PMH.

A record that lacks a field every record needs is refused by each door with the one wording
below (before, each door worded it its own way: ``entry without a title``, ``record without a
title``, ``missing title``).
"""

from __future__ import annotations

import datetime as dt
import json

from scholarkg.errors import ParseError

NO_ID = "no arXiv id"
"""A record (an Atom ``<entry>``, an OAI-PMH ``<header>``, a snapshot line) without an id."""
NO_TITLE = "no title"
"""A record without a title."""


def nameless_author(position: int) -> str:
    """The reason a record listing an author without a name (an empty Atom ``<name>``, OAI
    ``<author>`` or ``dc:creator``, a blank ``authors_parsed`` entry, an empty entry of an
    authors string) is refused for, ``position`` the author's place in the list from 1.

    Dropping the author would move every author after it one place up, and an authorship is
    stated with its name as listed; so the record is quarantined, its text kept, whichever door
    read it."""
    return f"author {position} has no name"


def bad_date(text: str, what: str | None = None) -> str:
    """The reason a date that is none is refused for, ``what`` naming the record field it was
    to fill (``published``, ``updated``), the same whichever door's element or key held it."""
    return f"bad {what} date {text!r}" if what else f"bad date {text!r}"


def dated_before(later: int, when: dt.datetime, earlier: int, then: dt.datetime) -> str:
    """The reason a record whose version ``later`` is dated ``when``, before its version
    ``earlier`` (dated ``then``), is refused for. A later version comes after the one it
    revises; which of the two dates is wrong is not known, so the record is quarantined, its
    text kept, rather than loaded with one of them as its published or updated day."""
    return f"version v{later} is dated {when.isoformat()}, before v{earlier} ({then.isoformat()})"


def updated_before_published(updated: dt.date, published: dt.date) -> str:
    """The reason a record dated ``updated`` (its latest version), before it was ``published``
    (its v1), is refused for, when the door names no version numbers (the OAI ``arXiv``
    format's ``<created>``/``<updated>``, an Atom entry whose id has no version): the same
    rule as :func:`dated_before`, worded with the record's two fields."""
    return f"updated {updated.isoformat()} is before published ({published.isoformat()})"


def listed_before(position: int, when: dt.date, then: dt.date) -> str:
    """The reason an ``oai_dc`` record whose ``dc:date`` number ``position`` (from 1) is dated
    ``when``, before the one listed just before it (``then``), is refused for. arXiv lists one
    ``dc:date`` per version, v1's first, each version's day no earlier than the one before:
    out of order, which date is wrong is not known (:func:`dated_before`)."""
    return (
        f"dc:date {position} ({when.isoformat()}) is before dc:date {position - 1} "
        f"({then.isoformat()})"
    )


def dated_after(field: str, when: dt.date, then: dt.datetime, event: str) -> str:
    """The reason a record whose ``field`` (``published``, ``updated``, ``v2``…) is dated
    ``when``, after ``event`` (``the answer was fetched``, ``the snapshot file's time when
    first read``) at ``then``, is refused for: no record is dated after its bytes existed, so one
    of its dates is wrong, and which is not known."""
    return f"{field} {when.isoformat()} is after {event} ({then.isoformat()})"


def foreign_entry(namespace: str | None, expected: str) -> str:
    """The reason an ``<entry>`` of a feed is refused for when it is not in the feed format's
    ``expected`` namespace (``namespace`` None: in none): it is no record of that format, so
    it is said what it is rather than its id told missing."""
    shown = (namespace or "").encode("unicode_escape").decode("ascii")  # one line, whatever
    where = f"namespace {shown}" if namespace else "no namespace"
    return f"an <entry> in {where}, not in Atom's ({expected}): not read as an arXiv entry"


def quarantine_reason(exc: BaseException) -> str:
    """The reason a record refused with ``exc`` is quarantined for.

    Python's own refusals of a line say what the line is not (``not JSON: ...``,
    ``not UTF-8: ...``); an error no reader raises on purpose keeps its type's name.
    """
    if isinstance(exc, ParseError):
        return exc.message
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON: {exc}"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8: {exc}"
    if isinstance(exc, ValueError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
