"""Where an unfinished OAI-PMH harvest stands (:class:`Checkpoint`) and the files that keep a
store's harvests: its watermarks and one checkpoint per harvest, dropped together when the store
lost what they vouch for. :class:`~scholarkg.harvest.HarvestJob` writes and reads them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

WATERMARKS_NAME = "oai-harvest.json"
CHECKPOINT_PREFIX = "harvest-checkpoint-"
_NAME_CHARS = 160  # bytes of a key's name kept: with the prefix and a digest, under 255


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
    """The checkpoint file of the harvest ``key`` (see :meth:`HarvestState.key`): its letters
    and digits, ``-`` for the rest; one longer than :data:`_NAME_CHARS` is cut there and told
    apart by a digest of the whole key, so the name stays within what a file system takes (a
    set spec has no bound; before: ``File name too long`` out of the harvest)."""
    name = "".join(c if c.isalnum() else "-" for c in key)
    if len(name.encode("utf-8")) > _NAME_CHARS:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        name = name.encode("utf-8")[:_NAME_CHARS].decode("utf-8", "ignore") + "-" + digest
    return CHECKPOINT_PREFIX + name + ".json"


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
