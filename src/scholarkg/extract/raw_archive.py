"""Content-addressed archive of raw bytes as fetched: written before parsing, never rewritten."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scholarkg.errors import ExtractError
from scholarkg.files import write_atomic


@dataclass(frozen=True)
class ArchivedResponse:
    """One archived body and where it first came from."""

    sha256: str
    path: Path
    source: str
    first_retrieved_at: dt.datetime
    retrieved_at: dt.datetime
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)  # sub-second: two retrievals in one second stay ordered


class RawArchive:
    """Stores bodies under ``objects/<aa>/<sha256>`` with a metadata file written once.

    Every retrieval is also appended to ``retrievals.jsonl``, so the archive tells both when
    some content was first seen and every time it was fetched again.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()

    def _object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def store(
        self,
        body: bytes,
        *,
        source: str,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        retrieved_at: dt.datetime | None = None,
    ) -> ArchivedResponse:
        """Archive ``body`` (idempotent for identical bytes) and log this retrieval."""
        sha256 = hashlib.sha256(body).hexdigest()
        now = retrieved_at or _utcnow()
        path = self._object_path(sha256)
        meta_path = path.with_name(sha256 + ".json")
        header_dict = {k: str(v) for k, v in (headers or {}).items()}
        record = {
            "sha256": sha256,
            "source": source,
            "status": status,
            "headers": header_dict,
            "retrieved_at": now.isoformat(),
        }
        try:
            with self._lock:
                path.parent.mkdir(parents=True, exist_ok=True)
                if not path.exists():
                    write_atomic(path, body)
                if not meta_path.exists():
                    write_atomic(meta_path, json.dumps(record, indent=1).encode())
                first = json.loads(meta_path.read_text(encoding="utf-8"))
                with (self.root / "retrievals.jsonl").open("a", encoding="utf-8") as log:
                    log.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise ExtractError(
                source, f"cannot archive raw bytes under {self.root}: {exc}"
            ) from exc
        return ArchivedResponse(
            sha256=sha256,
            path=path,
            source=source,
            first_retrieved_at=dt.datetime.fromisoformat(first["retrieved_at"]),
            retrieved_at=now,
            status=status,
            headers=header_dict,
        )

    def get(self, sha256: str) -> ArchivedResponse:
        """The archived object ``sha256`` as first recorded."""
        path = self._object_path(sha256)
        meta_path = path.with_name(sha256 + ".json")
        if not path.exists() or not meta_path.exists():
            raise ExtractError(str(self.root), f"no archived object {sha256}")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        first = dt.datetime.fromisoformat(meta["retrieved_at"])
        return ArchivedResponse(
            sha256=sha256,
            path=path,
            source=meta["source"],
            first_retrieved_at=first,
            retrieved_at=first,
            status=meta.get("status"),
            headers=meta.get("headers", {}),
        )

    def retrievals(self) -> Iterator[dict[str, object]]:
        """Every logged retrieval, oldest first."""
        log = self.root / "retrievals.jsonl"
        if not log.exists():
            return
        with log.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)
