"""The OAI-PMH harvest watermark: where the next incremental harvest of a (metadataPrefix,
set) starts, kept in a small JSON file replaced atomically.

An entry may also say that the last harvest from its date ended short of the server's
``completeListSize`` and was held back (``short_from``): the next short list from that date is
accepted. Entries written before that field existed read as not held back."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from scholarkg.errors import ConfigError, ParseError
from scholarkg.files import write_atomic

CLOCK_SKEW = dt.timedelta(days=1)  # how far ahead of our clock a source may date its answer


@dataclass(frozen=True)
class Watermark:
    """Where the next incremental harvest starts."""

    response_date: dt.datetime
    completed_at: dt.datetime
    short_from: str | None = None  # a list from this date ended short and was held back once

    @property
    def from_date(self) -> str:
        return self.response_date.astimezone(dt.UTC).date().isoformat()


@dataclass(frozen=True)
class ListEnd:
    """What the end of a list did to its watermark: advanced, ``held`` (it ended short for the
    first time from its date) or ``accepted`` (short again from that date: advanced)."""

    mark: Watermark
    held: bool = False
    accepted: bool = False


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
            short_from=entry.get("short_from"),
        )

    def advance(
        self, key: str, response_date: dt.datetime, *, asked_from: str | None = None
    ) -> dt.datetime:
        """Store the source's ``responseDate`` as where the next harvest starts, unless it lies
        more than a day ahead of this machine's clock: then the clock (asked from a future
        date, every later harvest would silently get nothing); nor does it move back, before
        the stored watermark or midnight UTC of ``asked_from`` (the list's from-date): a source
        dating its answer 0001-01-01 would have the next harvest ask for everything again.
        Returns what was stored."""
        now = dt.datetime.now(dt.UTC)
        if response_date.tzinfo is None:
            response_date = response_date.replace(tzinfo=dt.UTC)
        if response_date - now > CLOCK_SKEW:
            response_date = now.replace(microsecond=0)
        floors = [mark.response_date] if (mark := self.get(key)) else []
        if asked_from is not None:
            floors.append(dt.datetime.combine(dt.date.fromisoformat(asked_from), dt.time(), dt.UTC))
        response_date = max([response_date, *floors])
        self._store(key, response_date)
        return response_date

    def end_list(
        self, key: str, from_date: str | None, response_date: dt.datetime, *, short: bool
    ) -> ListEnd:
        """The list asked ``from_date`` ended (no resumptionToken), ``short`` of the
        ``completeListSize`` the server gave or not: advance to ``response_date``, unless it is
        the first short list from that date, then :meth:`hold`. ``completeListSize`` is optional
        and may be an estimate, so a second short list from the same date is accepted."""
        mark = self.get(key)
        if short and from_date is not None and (mark is None or mark.short_from != from_date):
            return ListEnd(self.hold(key, from_date), held=True)
        self.advance(key, response_date, asked_from=from_date)
        advanced = self.get(key)
        assert advanced is not None
        return ListEnd(advanced, accepted=short)

    def hold(self, key: str, from_date: str) -> Watermark:
        """Keep the next harvest starting from ``from_date`` (the date of a list that ended
        short), marked as held back once: the stored watermark stays when it is that date's,
        else (a first harvest, ``--from``) the watermark becomes midnight UTC of it."""
        mark = self.get(key)
        if mark is None or mark.from_date != from_date:
            start = dt.datetime.combine(dt.date.fromisoformat(from_date), dt.time(), dt.UTC)
        else:
            start = mark.response_date
        self._store(key, start, short_from=from_date)
        held = self.get(key)
        assert held is not None
        return held

    def rewind(self, key: str, from_date: str) -> Watermark | None:
        """Move the watermark of ``key`` back to midnight UTC of ``from_date`` (an operator's
        harvest again), any hold dropped; returns the watermark it replaced (None: there was
        none). A date later than the watermark's is a :class:`ConfigError`: moving it forward
        would skip the records listed between the two, never harvested."""
        before = self.check_rewind(key, from_date)
        start = dt.datetime.combine(dt.date.fromisoformat(from_date), dt.time(), dt.UTC)
        self._store(key, start)
        return before

    def check_rewind(self, key: str, from_date: str) -> Watermark | None:
        """The watermark of ``key``, unless ``from_date`` is after it: a :class:`ConfigError`
        (:meth:`rewind` never moves a watermark forward)."""
        before = self.get(key)
        if before is not None and from_date > before.from_date:
            raise ConfigError(
                f"harvest {key}: cannot harvest again from {from_date}, after its watermark "
                f"{before.from_date} (that would skip the records listed between them); give "
                f"--from / from_date no later than {before.from_date}"
            )
        return before

    def _store(self, key: str, response_date: dt.datetime, short_from: str | None = None) -> None:
        harvests = self._load()
        entry = {
            "response_date": response_date.isoformat(),
            "from": Watermark(response_date, response_date).from_date,
            "completed_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        }
        if short_from is not None:
            entry["short_from"] = short_from
        harvests[key] = entry
        payload = json.dumps({"version": 1, "harvests": harvests}, indent=1, sort_keys=True)
        write_atomic(self.path, (payload + "\n").encode("utf-8"), durable=True)
