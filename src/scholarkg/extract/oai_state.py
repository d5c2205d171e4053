"""The OAI-PMH harvest watermark: where the next incremental harvest of a (metadataPrefix,
set) starts, kept in a small JSON file replaced atomically."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from scholarkg.errors import ParseError
from scholarkg.files import write_atomic

CLOCK_SKEW = dt.timedelta(days=1)  # how far ahead of our clock a source may date its answer


@dataclass(frozen=True)
class Watermark:
    """Where the next incremental harvest starts."""

    response_date: dt.datetime
    completed_at: dt.datetime

    @property
    def from_date(self) -> str:
        return self.response_date.astimezone(dt.UTC).date().isoformat()


class HarvestState:
    """Watermarks per (metadataPrefix, set) in a small JSON file, replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @staticmethod
    def key(metadata_prefix: str, set_spec: str | None) -> str:
        return f"{metadata_prefix} set={set_spec or '*'}"

    def _load(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            harvests: dict[str, dict[str, str]] = data["harvests"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ParseError(str(self.path), f"unreadable harvest state: {exc}") from exc
        return harvests

    def get(self, key: str) -> Watermark | None:
        entry = self._load().get(key)
        if entry is None:
            return None
        return Watermark(
            response_date=dt.datetime.fromisoformat(entry["response_date"]),
            completed_at=dt.datetime.fromisoformat(entry["completed_at"]),
        )

    def advance(self, key: str, response_date: dt.datetime) -> dt.datetime:
        """Store the source's ``responseDate`` as where the next harvest starts, unless it lies
        more than a day ahead of this machine's clock: then the clock (asked from a future
        date, every later harvest would silently get nothing). Returns what was stored."""
        now = dt.datetime.now(dt.UTC)
        if response_date.tzinfo is None:
            response_date = response_date.replace(tzinfo=dt.UTC)
        if response_date - now > CLOCK_SKEW:
            response_date = now.replace(microsecond=0)
        harvests = self._load()
        harvests[key] = {
            "response_date": response_date.isoformat(),
            "from": Watermark(response_date, response_date).from_date,
            "completed_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        }
        payload = json.dumps({"version": 1, "harvests": harvests}, indent=1, sort_keys=True)
        write_atomic(self.path, (payload + "\n").encode("utf-8"), durable=True)
        return response_date
