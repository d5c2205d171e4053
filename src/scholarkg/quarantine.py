"""Records that could not be used, kept with their reason: one JSON-lines file per run and source.

``records/<run id>/<readable source>-<hash of source>.jsonl`` holds a line per record
(``{"source", "line", "reason", "text"}``; a build's listed paper ``"kind": "listed paper"``
too, told apart from its arXiv entries) in the order the run met them, appended: two sources
never share a file (``a/b_c.txt`` and ``a_b/c.txt`` stay apart), and a bad dump of a million
lines is one file, not a million (before: a file per record, ``…-<hash>-L<line>.json``; a
snapshot load of 20 000 bad lines took 8.5–10.6 CPU s and 82 MB of disk, now 1.5–1.7 s and
10 MB). :func:`read_quarantined` reads both layouts back.

A write the file system refuses (full disk) is a :class:`~scholarkg.errors.WriteFailed` naming
the file, and the file is cut back to what it held. A kill mid-write can leave a partial last
line: :func:`read_quarantined` skips it with a note, and the next write to that file starts on a
line of its own.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scholarkg.models import QuarantinedRecord
from scholarkg.quarantine_lines import entry_line, keep, read_entries

_FIELDS = ("source", "line", "reason", "text")
LISTED = "listed paper"  # the kind of a build's quarantined listed paper (not an arXiv entry)


_DIGEST_CHARS = 12
# The names :func:`records_file` gives (anything else in a run's folder is not ours)
RECORDS_FILE_NAME = re.compile(rf".+-[0-9a-f]{{{_DIGEST_CHARS}}}\.jsonl")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]


def _readable(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[-60:].strip("._-")


def run_folder(run_id: str) -> str:
    """The name of run ``run_id``'s folder under ``records/`` and ``graphs/``."""
    return _readable(run_id) or "run"


def records_file(root: Path, run_id: str, source: str) -> Path:
    """``root/records/<run id>/<readable source>-<hash of source>.jsonl``."""
    return (
        root
        / "records"
        / run_folder(run_id)
        / f"{_readable(source) or 'source'}-{_digest(source)}.jsonl"
    )


def quarantine_records(
    records: Iterable[QuarantinedRecord], root: Path, run_id: str, *, kind: str | None = None
) -> list[Path]:
    """Append each record to its source's file of run ``run_id`` under ``root/records`` (a
    record an earlier run keeps as a reference to it), its ``kind`` noted when given (a build's
    listed papers: :data:`LISTED`); returns the files written to."""
    by_file: dict[Path, list[tuple[bytes, dict[str, object]]]] = {}
    before: dict[Path, list[bytes | None]] = {}
    for record in records:
        short = {"source": record.source, "line": record.line, "reason": record.reason}
        path = records_file(root, run_id, record.source)
        fields = asdict(record)
        entry = fields | ({"kind": kind} if kind else {})
        by_file.setdefault(path, []).append((entry_line(entry), short))
        # its line before kinds were noted: an older build's is referred to (before: kept again)
        before.setdefault(path, []).append(entry_line(fields) if kind else None)
    for path, entries in by_file.items():
        folder, run, what = path.parent.parent, path.parent.name, "quarantined record"
        keep(folder, run, path.name, entries, what=what, before=before[path])
    return list(by_file)


@dataclass
class Quarantined:
    """What a quarantine folder keeps: each record once, and notes on what could not be read."""

    records: list[QuarantinedRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def entry_record(data: object) -> QuarantinedRecord | None:
    """The record a line's JSON value holds (its kind, if noted, aside: :func:`build_kind`);
    ``None``: it is not a whole one."""
    if not isinstance(data, dict) or set(data) - {"kind"} != set(_FIELDS):
        return None
    record = QuarantinedRecord(**{name: data[name] for name in _FIELDS})
    ok = isinstance(record.line, int) and all(
        isinstance(getattr(record, name), str) for name in ("source", "reason", "text")
    )
    return record if ok else None


# How an arXiv answer's entry is kept since the first version: its Atom <entry> element's XML
_ATOM_ENTRY = re.compile(r"\s*<(?:[A-Za-z_][\w.-]*:)?entry[\s/>]")


def build_kind(data: object) -> str | None:
    """The kind of a line a build kept: :data:`LISTED` or ``None`` (an arXiv answer's entry),
    as the line notes it; one written before kinds were noted, by what it keeps (before: an
    arXiv entry, a listed paper too): an entry its Atom ``<entry>`` element, a listed paper its
    page's text or its title (a build keeps no other records)."""
    if not isinstance(data, dict):
        return None
    if "kind" in data:
        kind = data["kind"]
        return kind if isinstance(kind, str) else None
    text = data.get("text")
    return None if not isinstance(text, str) or _ATOM_ENTRY.match(text) else LISTED


def old_record(path: Path) -> QuarantinedRecord | None:
    """The record a file of the layout before runs had folders (``records/*.json``) holds;
    ``None``: it holds none (not JSON, empty, another shape, no file: not written by us)."""
    try:
        return entry_record(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _kept(root: Path, notes: list[str]) -> Iterator[QuarantinedRecord]:
    folder = root / "records"
    for path in sorted(folder.glob("*.json")):  # a file per record (stores written before)
        if path.is_dir():  # a run's folder, read below
            continue
        record = old_record(path)
        if record is None:  # not ours (quarantine_runs.not_records), or a write cut short
            notes.append(f"{path}: not a quarantined record: skipped")
        else:
            yield record
    for path, number, data in read_entries(folder, "*.jsonl", notes):
        record = entry_record(data)
        if record is not None:
            yield record
        else:
            notes.append(f"{path}:{number}: not a whole record (a write cut short?): skipped")


def read_quarantined(root: Path) -> Quarantined:
    """Every record kept under ``root/records``, in either layout, each once (a record kept
    again by a later run is the same record), in file order."""
    found = Quarantined()
    found.records = list(dict.fromkeys(_kept(root, found.notes)))
    return found
