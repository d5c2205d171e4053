"""Where an unfinished OAI-PMH harvest stands (:class:`Checkpoint`) and the files that keep a
store's harvests: its watermarks and one checkpoint per harvest, dropped together when the store
lost what they vouch for. :class:`~scholarkg.harvest.HarvestJob` writes and reads them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

WATERMARKS_NAME = "oai-harvest.json"
CHECKPOINT_PREFIX = "harvest-checkpoint-"


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
    records_quarantined: int = 0  # listed but unreadable: part of the list all the same
    seen_tokens: tuple[str, ...] = ()  # digests (see scholarkg.extract.paging)
    seen_pages: tuple[str, ...] = ()
    empty_pages: int = 0  # empty pages in a row just before next_token (see PageGuard.empty)

    @property
    def progress(self) -> float | None:
        """Share of the list loaded, when the server said how long it is."""
        if not self.complete_list_size:
            return None
        return min(1.0, self.records_done / self.complete_list_size)


def checkpoint_name(key: str) -> str:
    """The checkpoint file of the harvest ``key`` (see :meth:`HarvestState.key`)."""
    return CHECKPOINT_PREFIX + "".join(c if c.isalnum() else "-" for c in key) + ".json"


def forget_harvests(state_dir: Path) -> list[str]:
    """Drop the harvest watermarks and checkpoints kept with a store that lost what they vouch
    for (its records harvested before them are gone); returns the names of the files removed."""
    found = [state_dir / WATERMARKS_NAME, *sorted(state_dir.glob(CHECKPOINT_PREFIX + "*.json"))]
    gone = []
    for path in found:
        if path.is_file():
            path.unlink(missing_ok=True)
            gone.append(path.name)
    return gone
