"""Content-addressed archive of raw bytes as fetched: written before parsing, never rewritten."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from scholarkg.errors import ExtractError
from scholarkg.files import write_atomic

log = logging.getLogger(__name__)
_TAIL = 1 << 20  # bytes of retrievals.jsonl read for its last line (a line is one retrieval)


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
    returned_at: dt.datetime | None = None  # see RawArchive.noted

    @property
    def seen_since(self) -> dt.datetime:
        """When the source began to give these bytes this time: when they came back after
        others (:meth:`RawArchive.noted`), or else when they were first seen."""
        return self.returned_at or self.first_retrieved_at

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)  # sub-second: two retrievals in one second stay ordered


class RawArchive:
    """Stores bodies under ``objects/<aa>/<sha256>`` with a metadata file written once.

    Every retrieval is also appended to ``retrievals.jsonl``, so the archive tells both when
    some content was first seen and every time it was fetched again; ``sources/`` notes, per
    source that asks for it (profile pages), the bytes it gave last and since when.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._latest: dt.datetime | None = None  # the latest retrieval logged (read once)
        self._latest_read = False
        self._warned = False

    def _now(self) -> dt.datetime:
        """This retrieval's time: the clock's, or just after the latest retrieval logged when
        the clock is behind it (set back between runs), so observations stay in the order they
        were made; warned of once. Call with the lock held."""
        now = _utcnow()
        if not self._latest_read:
            self._latest, self._latest_read = self._last_logged(), True
        latest = self._latest
        if latest is not None and now <= latest:
            if not self._warned and now < latest - dt.timedelta(seconds=1):
                self._warned = True
                log.warning(
                    "the clock (%s) is behind the archive's latest retrieval (%s) under %s: "
                    "retrievals are dated just after it, so they stay in the order they were made",
                    now.isoformat(),
                    latest.isoformat(),
                    self.root,
                )
            now = latest + dt.timedelta(microseconds=1)
        self._latest = now
        return now

    def _last_logged(self) -> dt.datetime | None:
        """When the last retrieval in ``retrievals.jsonl`` was made (None: none, or unreadable)."""
        try:
            with (self.root / "retrievals.jsonl").open("rb") as logged:
                size = logged.seek(0, 2)
                logged.seek(max(0, size - _TAIL))
                lines = logged.read().splitlines()
            when = json.loads(lines[-1])["retrieved_at"] if lines else None
            stamp = dt.datetime.fromisoformat(when) if isinstance(when, str) else None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return stamp if stamp is not None and stamp.tzinfo is not None else None

    def _object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def store(
        self,
        body: bytes,
        *,
        source: str,
        requested: str | None = None,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        retrieved_at: dt.datetime | None = None,
    ) -> ArchivedResponse:
        """Archive ``body`` (idempotent for identical bytes) and log this retrieval: ``source``
        is the URL that gave it; ``requested``, when another, the URL asked for that was
        redirected there (logged beside it)."""
        sha256 = hashlib.sha256(body).hexdigest()
        path = self._object_path(sha256)
        meta_path = path.with_name(sha256 + ".json")
        header_dict = {k: str(v) for k, v in (headers or {}).items()}
        try:
            with self._lock:
                now = retrieved_at or self._now()
                record = {
                    "sha256": sha256,
                    "source": source,
                    "status": status,
                    "headers": header_dict,
                    "retrieved_at": now.isoformat(),
                }
                if requested is not None and requested != source:
                    record["requested"] = requested
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

    def noted(self, archived: ArchivedResponse, source: str) -> ArchivedResponse:
        """``archived``, retrieved from ``source`` just now, with ``returned_at`` set where
        ``source`` gave other bytes since these were first seen (a page edited and put back):
        when it began to give them again. The note under ``sources/`` stays while the source
        gives the same bytes, so a resumed run sees what the interrupted one saw; a source not
        noted yet gives its bytes since they were first seen (as before the notes)."""
        path = self._note_path(source)
        try:
            with self._lock:
                noted = self._note(path)
                if noted is not None and noted.get("sha256") == archived.sha256:
                    since = str(noted["since"])
                else:  # new bytes from a noted source: since now (= first seen, if new at all)
                    when = archived.first_retrieved_at if noted is None else archived.retrieved_at
                    since = when.isoformat()
                    note = {"source": source, "sha256": archived.sha256, "since": since}
                    path.parent.mkdir(parents=True, exist_ok=True)
                    write_atomic(path, json.dumps(note, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            raise ExtractError(source, f"cannot note the source under {self.root}: {exc}") from exc
        return replace(archived, returned_at=_returned(archived, since))

    def _note_path(self, source: str) -> Path:
        return self.root / "sources" / (hashlib.sha256(source.encode()).hexdigest()[:32] + ".json")

    @staticmethod
    def _note(path: Path) -> dict[str, object] | None:
        try:
            note = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:  # a damaged note: as if none (written again)
            return None
        return note if isinstance(note, dict) else None

    def get(self, sha256: str, source: str | None = None) -> ArchivedResponse:
        """The archived object ``sha256`` as first recorded; given the ``source`` it was
        :meth:`noted` for, with the ``returned_at`` noted."""
        path = self._object_path(sha256)
        meta_path = path.with_name(sha256 + ".json")
        if not path.exists() or not meta_path.exists():
            raise ExtractError(str(self.root), f"no archived object {sha256}")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        first = dt.datetime.fromisoformat(meta["retrieved_at"])
        archived = ArchivedResponse(
            sha256=sha256,
            path=path,
            source=meta["source"],
            first_retrieved_at=first,
            retrieved_at=first,
            status=meta.get("status"),
            headers=meta.get("headers", {}),
        )
        noted = None if source is None else self._note(self._note_path(source))
        if noted is None or noted.get("sha256") != sha256:
            return archived
        return replace(archived, returned_at=_returned(archived, str(noted["since"])))

    def retrievals(self) -> Iterator[dict[str, object]]:
        """Every logged retrieval, oldest first."""
        log = self.root / "retrievals.jsonl"
        if not log.exists():
            return
        with log.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)


def _returned(archived: ArchivedResponse, since: str) -> dt.datetime | None:
    """When the source began to give ``archived``'s bytes again (ISO ``since``), or None when
    that is when they were first seen."""
    when = dt.datetime.fromisoformat(since)
    return None if when == archived.first_retrieved_at else when
