"""Streaming reader of arXiv's metadata snapshot (JSON lines, one e-print per line).

The file is read line by line, never loaded whole, within ``[limits]``
(:mod:`scholarkg.extract.snapshot_lines`). A line that cannot be read (invalid JSON or UTF-8,
no id or title, bad dates or versions, too long, nested too deep, a text value too large,
a key given twice with different values, a control character or lone surrogate in any field, by
:mod:`scholarkg.extract.textcheck`, the rule the API and OAI-PMH readers apply too)
becomes a :class:`QuarantinedRecord` with its line number, reason and raw text (clipped) on
:attr:`SnapshotReader.quarantined`; reading goes on. Damage that ends a file early is the last
quarantined entry.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from scholarkg.errors import LimitExceeded, ParseError
from scholarkg.extract.arxiv_authors import split_author_string, structured_authors
from scholarkg.extract.arxiv_ids import parse_arxiv_id
from scholarkg.extract.reasons import NO_ID, NO_TITLE, quarantine_reason
from scholarkg.extract.record_fields import (
    SNAPSHOT_FILE_NOW,
    SNAPSHOT_FIRST_READ,
    one_per_number,
    parse_record_date,
    parse_version_date,
    parse_version_label,
    record_dates,
    refuse_dated_after,
    refuse_updated_before,
    version_days,
)
from scholarkg.extract.snapshot_lines import BlankRun, Read, SnapshotLine, snapshot_lines
from scholarkg.extract.snapshot_time import FILE_NOW, Dated, file_written
from scholarkg.extract.textcheck import refuse_non_text
from scholarkg.extract.xmlsafe import squash
from scholarkg.identity.person_names import refuse_unfit_authors
from scholarkg.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_author_count,
    check_json_depth,
    check_literal,
    check_record_literals,
    clip,
)
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion, QuarantinedRecord

T = TypeVar("T")
JudgeBy = Callable[[Sequence[SnapshotLine], dt.datetime | None], Dated]
"""The time a chunk of lines is judged by, given the file's (:func:`file_written`)."""


def batched(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    """Consecutive tuples of ``size`` items (the last one may be shorter)."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch


CHUNK_OF_LARGEST = 4
"""A chunk holds the bytes of at most this many lines of the largest size (``line_bytes``)."""


def chunked(lines: Iterable[Read], size: int, limits: Limits) -> Iterator[list[SnapshotLine]]:
    """Consecutive chunks of ``size`` lines, a chunk cut sooner where its lines' bytes reach
    :data:`CHUNK_OF_LARGEST` × ``[limits] line_bytes``: a chunk is held whole (its bytes'
    digest first), in the run and in its worker, several in flight (before: ``size`` lines of up
    to ``line_bytes`` each, 8 GiB of one chunk of 1 000 lines of 8 MiB). Cut by its lines
    alone, a file is cut alike by every load and listing of the same ``size`` and limits.

    A :class:`BlankRun` counts as the lines it is, so a file is cut where it was when each
    blank line came on its own (a chunk's bytes, the digest a store knows it by, unchanged); a
    chunk of blank lines alone is not handed on (nothing in it is read), and the chunks a run
    fills are counted, not made (before: 1 000 blank lines a chunk, each chunk digested,
    judged, gated and kept in the manifest)."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    chunks = _Chunks(size, CHUNK_OF_LARGEST * limits.line_bytes)
    for line in lines:
        yield from chunks.add(line)
    if chunks.lines:
        yield chunks.lines


class _Chunks:
    """The chunk being cut: its lines once one of them is not blank; before that, its blank
    lines as read (a run only counted)."""

    def __init__(self, size: int, bound: int) -> None:
        self.size, self.bound = size, bound
        self.lines: list[SnapshotLine] = []
        self.blank: list[Read] = []
        self.count = self.held = 0

    def add(self, read: Read) -> Iterator[list[SnapshotLine]]:
        if isinstance(read, BlankRun):
            yield from self._add_run(read)
            return
        if self.lines:
            self.lines.append(read)
        elif read.blank:  # nothing in it to read
            self.blank.append(read)
        else:
            self.lines = [*_each(self.blank), read]
            self.blank = []
        self.count += 1
        self.held += len(read.data)
        if self.count >= self.size or self.held >= self.bound:
            yield from self._cut()

    def _add_run(self, run: BlankRun) -> Iterator[list[SnapshotLine]]:
        number, left, line = run
        while left:
            # the lines until a cut, as one at a time reached it: size lines, or bound bytes
            room = min(self.size - self.count, -(-(self.bound - self.held) // len(line)))
            taken = BlankRun(number, min(left, room), line)
            if self.lines:
                self.lines += taken.lines()
            else:
                self.blank.append(taken)
            self.count += taken.times
            self.held += taken.times * len(line)
            number, left = number + taken.times, left - taken.times
            if taken.times == room:
                yield from self._cut()
                whole = min(self.size, -(-self.bound // len(line)))  # a chunk of this run alone
                number += left - left % whole  # not handed on: skipped, counted
                left %= whole

    def _cut(self) -> Iterator[list[SnapshotLine]]:
        if self.lines:
            yield self.lines
        self.lines, self.blank = [], []
        self.count = self.held = 0


def _each(reads: Iterable[Read]) -> Iterator[SnapshotLine]:
    """Every line of ``reads``, a blank run's each on its own."""
    for read in reads:
        yield from read.lines() if isinstance(read, BlankRun) else (read,)


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key!r} is not a string")
    return squash(value)


def _authors(data: dict[str, Any], limits: Limits) -> tuple[ArxivAuthor, ...]:
    """``authors_parsed``, or the free text of ``authors`` as written (its line breaks tell
    whether arXiv's parser reads its footnote legend: :func:`split_author_string`).

    Over ``[limits] authors_per_record``, refused (:class:`~scholarkg.errors.LimitExceeded`)
    before any author past it is made: ``authors_parsed`` for its whole count, counted before
    any is made (its entries are listed), the free text for more than the limit (before: every
    author was made first, 100 000 in 1.3 s and 117 MB, then counted). The count is told
    before a nameless or malformed author, as every door tells it (before: ``authors_parsed``
    told a nameless author met before the limit)."""
    parsed = data.get("authors_parsed")
    if parsed is not None and not isinstance(parsed, list):  # before: TypeError, or its chars
        raise ValueError("'authors_parsed' is not a list")
    if not parsed:
        listed = data.get("authors")
        if listed is not None and not isinstance(listed, str):
            raise ValueError("'authors' is not a string")
        return split_author_string(listed or "", limits)
    check_author_count(len(parsed), limits)  # first, as the API's and OAI-PMH's are counted
    return structured_authors(_parsed_entries(parsed))


def _parsed_entries(parsed: Iterable[Any]) -> Iterator[tuple[str, str, str, list[str]]]:
    """``authors_parsed`` entries ([last, first, suffix, affiliation...]) as (keyname,
    forenames, suffix, affiliations), each checked as it comes."""
    for entry in parsed:
        if not isinstance(entry, list) or not entry or not all(isinstance(p, str) for p in entry):
            raise ValueError(f"bad authors_parsed entry {entry!r}")
        last, first, suffix = [*entry, "", ""][:3]
        yield last, first, suffix, entry[3:]


def _versions(data: dict[str, Any]) -> tuple[ArxivVersion, ...]:
    versions = []
    listed = data.get("versions")
    if listed is not None and not isinstance(listed, list):  # before: TypeError, or its chars
        raise ValueError("'versions' is not a list")
    for entry in listed or ():
        if not isinstance(entry, dict):
            raise ValueError(f"bad version entry {entry!r}")
        number = parse_version_label(entry.get("version", ""))  # "v٢" or "v²" is none
        created = entry.get("created")  # absent or null: not known; any other: a date
        date = None if created is None else parse_version_date(created)
        versions.append(ArxivVersion(number=number, date=date))
    return tuple(one_per_number(versions))


def _json_int(text: str) -> int:
    """A JSON integer; one longer than Python reads is a ValueError saying so (before: Python's
    own words, which told to call ``sys.set_int_max_str_digits()``)."""
    try:
        return int(text)
    except ValueError:
        most = sys.get_int_max_str_digits()
        raise ValueError(f"a number of {len(text)} digits: over {most}, the most read") from None


def _one_value_per_key(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict; a key given twice with different values is a
    ValueError naming it (``json.loads`` keeps the later value without a word: which one the
    writer meant is not known). A key repeated with the same value (text: the same once its
    white space is folded, as every door reads it) is that value."""
    data = dict(pairs)
    if len(data) == len(pairs):
        return data
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen and _folded(seen[key]) != _folded(value):
            raise ValueError(f"key {key!r} is given twice with different values")
        seen[key] = value
    return data


def _folded(value: Any) -> Any:
    return squash(value) if isinstance(value, str) else value


# JSON refuses C0 raw, so only an escape brings it (or a lone surrogate); DEL, C1, U+FFFE and
# U+FFFF may stand raw
_MAY_HOLD_NON_TEXT = re.compile("\\\\u|[\x7f-\x9f\ufffe\uffff]")


def parse_snapshot_line(
    line: str,
    *,
    source: str,
    limits: Limits = DEFAULT_LIMITS,
    written: dt.datetime | None = None,
    moment: str = SNAPSHOT_FIRST_READ,
) -> ArxivRecord:
    """One snapshot line as an :class:`ArxivRecord`; ValueError/ParseError if it cannot be read
    (:class:`~scholarkg.errors.LimitExceeded`, a ValueError, past ``json_depth`` or
    ``literal_bytes``), or is dated after ``written`` (its chunk's time when first read,
    :mod:`scholarkg.runs.first_written`; None: not judged,
    :func:`~.record_fields.refuse_dated_after`), the reason naming ``moment``.

    ``published`` is the date of the first version and ``updated`` of the latest (as in the API
    and OAI ``arXiv`` format, by :func:`~.record_fields.version_days`), ``updated`` falling
    back to the snapshot's ``update_date`` when the latest version has no date. An
    ``update_date`` before v1's day refuses the line
    (:func:`~.record_fields.refuse_updated_before`).
    """
    check_json_depth(line, limits)
    data = json.loads(line, object_pairs_hook=_one_value_per_key, parse_int=_json_int)
    if not isinstance(data, dict):
        raise ValueError("line is not a JSON object")
    if _MAY_HOLD_NON_TEXT.search(line):
        refuse_non_text(data)
    raw_id = data.get("id")
    if raw_id is not None and not isinstance(raw_id, str):  # 1501.10000 would read as 1501.1
        raise ValueError("'id' is not a string")
    if raw_id is None or not raw_id.strip():
        raise ValueError(NO_ID)
    arxiv_id = parse_arxiv_id(raw_id, source=source).arxiv_id
    title = _text(data, "title")
    if title is None:
        raise ValueError(NO_TITLE)
    listed = data.get("authors")
    if isinstance(listed, str):  # one text, as OAI-PMH arXivRaw's <authors>: bounded whole
        check_literal("authors", listed, limits)
    categories = tuple((_text(data, "categories") or "").split())
    versions = _versions(data)
    published, updated = version_days(versions)
    update_text = _text(data, "update_date")
    update_date = parse_record_date(update_text, "updated") if update_text else None
    refuse_updated_before(published, update_date)  # before: an update_date before v1's loaded
    abstract = _text(data, "abstract") or ""
    try:
        authors, too_many = _authors(data, limits), None
    except LimitExceeded as exc:  # told where every door counts them: after the dates
        authors, too_many = (), exc
    record = ArxivRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=authors,
        categories=categories,
        primary_category=categories[0] if categories else None,
        published=published,
        updated=updated or update_date,
        versions=versions,
        comment=_text(data, "comments"),
        journal_ref=_text(data, "journal-ref"),
        doi=_text(data, "doi"),
        license=_text(data, "license"),
        source=source,
    )
    refuse_dated_after([*record_dates(record), ("update_date", update_date)], written, moment)
    if too_many is not None:
        raise too_many
    check_record_literals(record, limits)
    refuse_unfit_authors(a.name for a in record.authors)
    return record


def read_line(
    line: SnapshotLine,
    source: str,
    limits: Limits,
    written: dt.datetime | None = None,
    moment: str = SNAPSHOT_FIRST_READ,
) -> ArxivRecord | QuarantinedRecord | None:
    """One line as a record, or as a quarantined record with its reason; None for a blank line
    (``written``: the time its chunk is judged by, ``moment`` which time that is,
    :func:`parse_snapshot_line`)."""
    number, data, problem = line
    if problem is not None:
        text = clip(data.decode("utf-8", errors="replace").rstrip("\r\n"))
        return QuarantinedRecord(source, number, problem, text)
    if line.blank:
        return None
    try:
        return parse_snapshot_line(
            data.decode("utf-8"),
            source=f"{source}:{number}",
            limits=limits,
            written=written,
            moment=moment,
        )
    except (ValueError, TypeError, ParseError, RecursionError) as exc:
        text = clip(data.decode("utf-8", errors="replace").rstrip("\r\n"))
        return QuarantinedRecord(source, number, quarantine_reason(exc), text)


class SnapshotReader:
    """Iterate good records; bad lines collect on :attr:`quarantined` as reading goes on.

    ``for record in reader`` streams the file; ``reader.quarantined`` and ``reader.lines_read``
    are up to date after each yielded record, as is ``reader.dated``, the time its chunk was
    judged by and which (:class:`Dated`); ``reader.marked_lines`` the numbers of the lines
    after the first read without the byte-order mark they began with (files joined). A ``.gz``
    file is decompressed on the fly. A file that is no snapshot at all (one JSON array, a plain
    file named ``.gz``, a zip archive or another packing, :mod:`~scholarkg.extract.snapshot_lines`)
    raises
    :class:`~scholarkg.errors.ParseError` / :class:`~scholarkg.errors.ExtractError` at once.

    ``judge_by``: the time each chunk of ``chunk_lines`` lines (:func:`chunked`) is judged
    by, given the file's (a store's first-read times, as a load of that chunk size takes its
    chunks, :mod:`scholarkg.runs.first_written`); None, read without a store: every line is
    judged by the file's modification time now (:data:`FILE_NOW`; a reason says "the snapshot
    file's time now"), so a file touched or copied since a load may read otherwise than the
    load did.
    """

    def __init__(
        self,
        path: Path | str,
        limits: Limits = DEFAULT_LIMITS,
        judge_by: JudgeBy | None = None,
        chunk_lines: int = 1000,
    ) -> None:
        self.path = Path(path)
        self.limits = limits
        self.judge_by = judge_by
        self.chunk_lines = chunk_lines
        self.quarantined: list[QuarantinedRecord] = []
        self.lines_read = 0
        self.marked_lines: list[int] = []
        self.dated = Dated(None, FILE_NOW)

    def __iter__(self) -> Iterator[ArxivRecord]:
        self.quarantined = []
        self.lines_read = 0
        self.marked_lines = []
        file_time = file_written(self.path)
        last = [0]  # the last line read: chunks of blank lines alone are not handed on
        lines = _noting_last(snapshot_lines(self.path, self.limits, self.marked_lines), last)
        chunks: Iterable[Sequence[SnapshotLine]] = (
            _each_line(lines)  # no store: each line as it comes
            if self.judge_by is None
            else chunked(lines, self.chunk_lines, self.limits)  # held whole: digest first
        )
        self.dated = Dated(file_time, FILE_NOW)
        for chunk in chunks:
            if self.judge_by is not None:
                self.dated = self.judge_by(chunk, file_time)
            # before: "when first read" of a time no store kept
            moment = SNAPSHOT_FILE_NOW if self.dated.by == FILE_NOW else SNAPSHOT_FIRST_READ
            for line in chunk:
                self.lines_read = line.number
                outcome = read_line(line, str(self.path), self.limits, self.dated.time, moment)
                if isinstance(outcome, QuarantinedRecord):
                    self.quarantined.append(outcome)
                elif outcome is not None:
                    yield outcome
        self.lines_read = last[0]


def _noting_last(lines: Iterable[Read], last: list[int]) -> Iterator[Read]:
    """``lines``, the number of the last line read in ``last[0]`` as they are read."""
    for line in lines:
        last[0] = line.number + line.times - 1 if isinstance(line, BlankRun) else line.number
        yield line


def _each_line(lines: Iterable[Read]) -> Iterator[tuple[SnapshotLine]]:
    """Each line on its own, blank lines in a row left out (nothing in them to read)."""
    for line in lines:
        if not isinstance(line, BlankRun):
            yield (line,)


def read_snapshot(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> SnapshotReader:
    """A :class:`SnapshotReader` over ``path``."""
    return SnapshotReader(path, limits)
