"""Where the researcher sits among one listed paper's authors: which authorship node is theirs.

A listed name compatible with theirs wins; else a listed name that is theirs written in the
other order (the page heads ``Wang Wei``, the listing writes ``Wei Wang``); else the one arXiv
author compatible with theirs that the listing gives to no other name; else an authorship of
their own (``profile-<slug>``). When several fit and nothing chooses between them, none is
claimed.
"""

from __future__ import annotations

from dataclasses import dataclass

from scholarkg.identity.names import (
    compatible,
    compatible_at_position,
    is_group,
    listed_name,
)
from scholarkg.models import ArxivRecord, ProfilePaper
from scholarkg.resolution.authors import align, best_spelled, positions_of


@dataclass(frozen=True)
class ListedPlaces:
    """Where each listed name and the researcher sit on one paper."""

    tokens: tuple[int | str, ...]  # authorship node token per listed name
    positions: tuple[int | None, ...]
    researcher: int | str | None  # the researcher's node token; None: cannot be told
    candidates: tuple[int | str, ...] = ()  # where the researcher may be, when not told


def place_researcher(
    item: ProfilePaper, researcher: str, slug_: str, record: ArxivRecord | None
) -> ListedPlaces:
    """Which authorship is the researcher's: the one listed name compatible with theirs (of
    several, the one spelled as theirs), else the one listed as theirs in the other order
    (:func:`~scholarkg.identity.names.compatible_at_position`: ``Wei Wang`` on the page of
    ``Wang Wei``), else the one arXiv author compatible with theirs
    that the listing does not give to another name, else ``profile-<slug>`` (beyond "et
    al.", or arXiv has no such author). Several and nothing to choose between them: none
    (the profile does not say which; no authorship is made up for the researcher)."""
    listed = [listed_name(n) for n in item.authors]
    mine = [i for i, n in enumerate(listed) if not is_group(n) and compatible(n, researcher)]
    if not mine:  # the page and its listing write the researcher in two orders: one author
        mine = [
            i
            for i, n in enumerate(listed)
            if not is_group(n) and compatible_at_position(n, researcher)
        ]
    mine = best_spelled(researcher, mine, dict(enumerate(listed)))
    if record is None:
        tokens: list[int | str] = list(range(1, len(listed) + 1))
        positions: list[int | None] = list(range(1, len(listed) + 1))
    else:
        aligned = align(listed, [a.name for a in record.authors])
        tokens = [p if p is not None else f"listed-{i}" for i, p in enumerate(aligned, 1)]
        positions = list(aligned)
    if len(mine) > 1:
        return ListedPlaces(tuple(tokens), tuple(positions), None, tuple(tokens[i] for i in mine))
    if len(mine) == 1:
        return ListedPlaces(tuple(tokens), tuple(positions), tokens[mine[0]])
    if record is not None:
        others = {p for p in positions if p is not None}  # listed, and not the researcher
        found = positions_of(researcher, [a.name for a in record.authors], others)
        if len(found) > 1:
            return ListedPlaces(tuple(tokens), tuple(positions), None, tuple(found))
        if found:
            return ListedPlaces(tuple(tokens), tuple(positions), found[0])
    return ListedPlaces(tuple(tokens), tuple(positions), f"profile-{slug_}")
