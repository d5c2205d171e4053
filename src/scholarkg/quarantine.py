"""Records that could not be used, kept with their reason: one file per record.

The file name carries a readable part of the source, a hash of the whole source path, a hash
of the record's reason and text, and its line: two sources never share a file (``a/b_c.txt``
and ``a_b/c.txt`` stay apart), nor do two records of one source and line (the entries of an
answer on one line, or of no known line); writing the same record again replaces its file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from scholarkg.files import write_atomic
from scholarkg.models import QuarantinedRecord


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def record_file_name(record: QuarantinedRecord) -> str:
    """``<readable source>-<hash of source>-<hash of reason and text>-L<line>.json``."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", record.source)[-60:].strip("._-") or "source"
    content = _digest(json.dumps([record.reason, record.text], ensure_ascii=False))
    return f"{readable}-{_digest(record.source)}-{content}-L{record.line}.json"


def quarantine_records(records: Iterable[QuarantinedRecord], root: Path) -> list[Path]:
    """Write each record under ``root/records``, each file whole or not at all (a write the
    file system refuses is a :class:`~scholarkg.errors.WriteFailed` naming it); returns the
    files written."""
    written = []
    for record in records:
        path = root / "records" / record_file_name(record)  # write_atomic makes the folder
        text = json.dumps(asdict(record), ensure_ascii=False, indent=1)
        write_atomic(path, text.encode("utf-8"), what="a quarantined record")
        written.append(path)
    return written
