"""Resumable OAI-PMH harvests: a checkpoint after every loaded page, the watermark at the end.

A harvest that is interrupted (killed, crashed, store down) leaves its checkpoint: the
resumptionToken of the next page and what is already done. The next run continues from there;
records are loaded one named graph each, replaced atomically, so a page loaded twice gives no
duplicates, and the watermark only advances once the last page is loaded, so nothing is skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from scholarkg.errors import ConfigError
from scholarkg.extract.oai_pmh import HarvestState, OaiPage, OaiPmhClient, parse_oai_response
from scholarkg.extract.raw_archive import RawArchive


@dataclass(frozen=True)
class Checkpoint:
    """Where an unfinished harvest stands."""

    key: str
    metadata_prefix: str
    set_spec: str | None
    from_date: str | None
    next_token: str | None = None
    first_response: str | None = None
    pages_done: int = 0
    records_done: int = 0
    complete_list_size: int | None = None

    @property
    def progress(self) -> float | None:
        """Share of the list loaded, when the server said how long it is."""
        if not self.complete_list_size:
            return None
        return min(1.0, self.records_done / self.complete_list_size)


class HarvestJob:
    """One incremental harvest of (metadataPrefix, set), resumable across processes."""

    def __init__(self, state_dir: Path, metadata_prefix: str, set_spec: str | None) -> None:
        self.watermarks = HarvestState(state_dir / "oai-harvest.json")
        self.key = HarvestState.key(metadata_prefix, set_spec)
        safe = "".join(c if c.isalnum() else "-" for c in self.key)
        self.path = state_dir / f"harvest-checkpoint-{safe}.json"
        self.metadata_prefix = metadata_prefix
        self.set_spec = set_spec

    def start(self, from_date: str | None) -> Checkpoint:
        """The stored checkpoint, else a fresh one from the watermark, else from ``from_date``."""
        if self.path.exists():
            return Checkpoint(**json.loads(self.path.read_text(encoding="utf-8")))
        mark = self.watermarks.get(self.key)
        start = mark.from_date if mark else from_date
        if start is None:
            raise ConfigError(
                f"no harvest watermark yet for {self.key!r}: give a start date (--from / from_date)"
            )
        return Checkpoint(self.key, self.metadata_prefix, self.set_spec, start)

    @property
    def resuming(self) -> bool:
        return self.path.exists()

    def fetch(self, client: OaiPmhClient, at: Checkpoint) -> OaiPage:
        """Fetch (and archive) the page the checkpoint points at."""
        return client.fetch_page(
            metadata_prefix=self.metadata_prefix,
            set_spec=self.set_spec,
            from_date=at.from_date,
            resumption_token=at.next_token,
        )

    def page_loaded(self, at: Checkpoint, page: OaiPage) -> Checkpoint:
        """Record a loaded page; at the end of the list, advance the watermark and finish."""
        after = replace(
            at,
            next_token=page.resumption_token or None,
            first_response=at.first_response or page.response_date.isoformat(),
            pages_done=at.pages_done + 1,
            records_done=at.records_done + len(page.records) + len(page.deleted),
            complete_list_size=page.complete_list_size or at.complete_list_size,
        )
        if after.next_token:
            self._save(after)
        else:
            assert after.first_response is not None
            self.watermarks.advance(self.key, dt.datetime.fromisoformat(after.first_response))
            self.path.unlink(missing_ok=True)
        return after

    def _save(self, checkpoint: Checkpoint) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(checkpoint), indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


def archived_page(archive: RawArchive, sha256: str) -> OaiPage:
    """Re-read an archived ListRecords page (no network)."""
    archived = archive.get(sha256)
    return parse_oai_response(
        archived.read_bytes(), source=archived.source, container="ListRecords", archived=archived
    )
