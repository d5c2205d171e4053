"""Graphs a store could not take: the outbox (for a later run) and the dead-letter folder.

* ``data/outbox/<run>/`` — validated graphs a locked, unreachable or interrupted load did not
  write. The next run loads them first, unless it produced a newer version of the same graph.
  Each run writes only its own folder, so concurrent or crashed runs never take each other's.
* ``data/dead-letter/<run>/`` — a graph the store refused on its own while the store itself
  kept working (say, a value it cannot hold): kept with the reason, reported, and never retried
  automatically, so it can never block later runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from dataclasses import fields as dataclass_fields
from pathlib import Path

from scholarkg.files import file_name_for, write_atomic
from scholarkg.load.payload import GraphPayload
from scholarkg.validate import Finding


def _stem(iri: str) -> str:
    return file_name_for(iri, iri.split("/id/", 1)[-1])


def _write(folder: Path, payload: GraphPayload, extra: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stem = _stem(payload.iri)  # may hold dots (arXiv ids): never cut at a "suffix"
    (folder / f"{stem}.nt").write_bytes(payload.data)
    fields = {f.name: getattr(payload, f.name) for f in dataclass_fields(payload)}
    record = {k: v for k, v in fields.items() if k not in ("data", "stats")}  # stats: recounted
    record["findings"] = [asdict(f) for f in payload.findings]
    record |= extra or {}
    text = json.dumps(record, ensure_ascii=False, indent=1)
    return write_atomic(folder / f"{stem}.json", text.encode("utf-8"))


def _read(record_path: Path) -> GraphPayload | None:
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        data = record_path.with_suffix(".nt").read_bytes()
    except (OSError, ValueError):
        return None
    findings = tuple(Finding(**f) for f in record.pop("findings", []))
    record.pop("reason", None)
    return GraphPayload(data=data, findings=findings, **record)


class Outbox:
    """The outbox of one data directory, as seen by run ``run_id``."""

    def __init__(self, data_dir: Path, run_id: str) -> None:
        self.root = Path(data_dir) / "outbox"
        self.mine = self.root / run_id

    def keep(self, payloads: Iterable[GraphPayload]) -> int:
        """Write graphs for a later run; returns how many."""
        count = 0
        for payload in payloads:
            _write(self.mine, payload)
            count += 1
        return count

    def pending(self) -> list[tuple[Path, GraphPayload]]:
        """What earlier runs kept, oldest first (a newer copy of a graph wins)."""
        if not self.root.is_dir():
            return []
        found: dict[str, tuple[Path, GraphPayload]] = {}
        folders = sorted(
            (f for f in self.root.iterdir() if f.is_dir() and f != self.mine),
            key=lambda f: f.stat().st_mtime,
        )
        for folder in folders:
            for record in sorted(folder.glob("*.json")):
                payload = _read(record)
                if payload is not None:
                    found.pop(payload.iri, None)
                    found[payload.iri] = (record, payload)
        return list(found.values())

    @staticmethod
    def settle(record: Path) -> None:
        """Remove a kept graph once a store holds it (or a newer version of it)."""
        for path in (record, record.with_suffix(".nt")):
            path.unlink(missing_ok=True)
        folder = record.parent
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()

    def folder(self) -> Path:
        return self.mine


class DeadLetters:
    """Graphs a working store refused, with the reason."""

    def __init__(self, data_dir: Path, run_id: str) -> None:
        self.folder = Path(data_dir) / "dead-letter" / run_id
        self.count = 0

    def put(self, payload: GraphPayload, reason: str) -> Path:
        self.count += 1
        return _write(self.folder, payload, {"reason": reason})
