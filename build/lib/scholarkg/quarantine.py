"""Records that could not be used, kept with their reason: one file per source and line.

The file name carries a readable part of the source and a hash of the whole source path, so two
sources never share a file (``a/b_c.txt`` and ``a_b/c.txt`` stay apart); writing the same
record again replaces its file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from scholarkg.models import QuarantinedRecord


def record_file_name(record: QuarantinedRecord) -> str:
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", record.source)[-60:].strip("._-") or "source"
    digest = hashlib.sha256(record.source.encode("utf-8")).hexdigest()[:12]
    return f"{readable}-{digest}-L{record.line}.json"


def quarantine_records(records: Iterable[QuarantinedRecord], root: Path) -> list[Path]:
    """Write each record under ``root/records``; returns the files written."""
    written = []
    for record in records:
        target = root / "records"
        target.mkdir(parents=True, exist_ok=True)
        path = target / record_file_name(record)
        path.write_text(json.dumps(asdict(record), ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(path)
    return written
