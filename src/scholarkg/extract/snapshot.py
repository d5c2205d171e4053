"""Streaming reader of arXiv's metadata snapshot (JSON lines, one e-print per line).

The file is read line by line, never loaded whole. A line that cannot be read (invalid JSON or
UTF-8, missing id/title, bad dates or versions) becomes a :class:`QuarantinedRecord` with its
line number, reason and raw text on :attr:`SnapshotReader.quarantined`; reading goes on.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract.arxiv_authors import clean_affiliations, person_name, split_author_string
from scholarkg.extract.arxiv_ids import parse_arxiv_id
from scholarkg.extract.oai_records import parse_version_date
from scholarkg.extract.xmlsafe import squash
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion, QuarantinedRecord

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    """Consecutive tuples of ``size`` items (the last one may be shorter)."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key!r} is not a string")
    return squash(value)


def _authors(data: dict[str, Any]) -> tuple[ArxivAuthor, ...]:
    parsed = data.get("authors_parsed")
    if not parsed:
        return split_author_string(_text(data, "authors") or "")
    authors = []
    for entry in parsed:
        if not isinstance(entry, list) or not entry or not all(isinstance(p, str) for p in entry):
            raise ValueError(f"bad authors_parsed entry {entry!r}")
        last, first, suffix = [*entry, "", ""][:3]  # [last, first, suffix, affiliation...]
        name = person_name(last, first, suffix)
        if name:
            authors.append(ArxivAuthor(name=name, affiliations=clean_affiliations(entry[3:])))
    return tuple(authors)


def _versions(data: dict[str, Any]) -> tuple[ArxivVersion, ...]:
    versions = []
    for entry in data.get("versions") or ():
        label = entry.get("version", "") if isinstance(entry, dict) else ""
        if not (isinstance(label, str) and label[:1] == "v" and label[1:].isdigit()):
            raise ValueError(f"bad version entry {entry!r}")
        created = entry.get("created")
        date = parse_version_date(created) if isinstance(created, str) else None
        versions.append(ArxivVersion(number=int(label[1:]), date=date))
    return tuple(sorted(versions, key=lambda v: v.number))


def parse_snapshot_line(line: str, *, source: str) -> ArxivRecord:
    """One snapshot line as an :class:`ArxivRecord`; ValueError/ParseError if it cannot be read.

    ``updated`` is the date of the latest version (as in the API and OAI ``arXiv`` format),
    falling back to the snapshot's ``update_date`` when no version has a date.
    """
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("line is not a JSON object")
    raw_id = data.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise ValueError("missing id")
    arxiv_id = parse_arxiv_id(raw_id, source=source).arxiv_id
    title = _text(data, "title")
    if title is None:
        raise ValueError("missing title")
    categories = tuple((_text(data, "categories") or "").split())
    versions = _versions(data)
    dated = [v.date for v in versions if v.date is not None]
    update_text = _text(data, "update_date")
    update_date = dt.date.fromisoformat(update_text) if update_text else None
    updated = dated[-1].date() if dated else update_date
    return ArxivRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=_text(data, "abstract") or "",
        authors=_authors(data),
        categories=categories,
        primary_category=categories[0] if categories else None,
        published=dated[0].date() if dated else None,
        updated=updated,
        versions=versions,
        comment=_text(data, "comments"),
        journal_ref=_text(data, "journal-ref"),
        doi=_text(data, "doi"),
        license=_text(data, "license"),
        source=source,
    )


class SnapshotReader:
    """Iterate good records; bad lines collect on :attr:`quarantined` as reading goes on.

    ``for record in reader`` streams the file; ``reader.quarantined`` and ``reader.lines_read``
    are up to date after each yielded record. A ``.gz`` file is decompressed on the fly.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.quarantined: list[QuarantinedRecord] = []
        self.lines_read = 0

    def _open(self) -> IO[bytes] | gzip.GzipFile:
        try:
            if self.path.suffix == ".gz":
                return gzip.open(self.path, "rb")
            return self.path.open("rb")
        except OSError as exc:
            raise ExtractError(str(self.path), f"cannot open snapshot: {exc}") from exc

    def __iter__(self) -> Iterator[ArxivRecord]:
        self.quarantined = []
        self.lines_read = 0
        with self._open() as handle:
            for number, raw in enumerate(handle, start=1):
                self.lines_read = number
                if not raw.strip():
                    continue
                text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                try:
                    record = parse_snapshot_line(
                        raw.decode("utf-8"), source=f"{self.path}:{number}"
                    )
                except (ValueError, TypeError, ParseError) as exc:
                    reason = f"{type(exc).__name__}: {exc}"
                    self.quarantined.append(QuarantinedRecord(str(self.path), number, reason, text))
                    continue
                yield record


def read_snapshot(path: Path | str) -> SnapshotReader:
    """A :class:`SnapshotReader` over ``path``."""
    return SnapshotReader(path)
