"""Author evidence: the profile lists a paper's *first* authors, in order.

:func:`align` places each listed name at arXiv's position for it (a group the profile names but
arXiv leaves out, or the reverse, shifts the rest by one); :func:`agreement` turns that into
evidence for resolution: the listed prefix found in order is strong support, and a first author
that arXiv does not have first is strong counter-evidence.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar

from scholarkg.identity.names import compatible, compatible_at_position, is_group, name_key
from scholarkg.iris import group_key

T = TypeVar("T")

# How far a listed name may sit from its listed index in arXiv's list (absent/extra groups).
SLACK = 2


def _same_author(listed: str, arxiv: str) -> bool:
    if is_group(listed) or is_group(arxiv):
        return is_group(listed) and is_group(arxiv) and group_key(listed) == group_key(arxiv)
    return compatible(listed, arxiv)


def _reordered(listed: str, arxiv: str) -> bool:
    """The same person written in another order (``Wei Wang`` / ``Wang Wei``): evidence only
    at the very place the listing puts them (see :func:`~.names.compatible_at_position`)."""
    if is_group(listed) or is_group(arxiv):
        return False
    return compatible_at_position(listed, arxiv)


def align(listed: Sequence[str], arxiv: Sequence[str]) -> list[int | None]:
    """arXiv's 1-based position of each listed name (None where arXiv has no such author near
    the listed place); positions increase along the listing. A name arXiv writes in another
    order (``Wang Wei`` for the listed ``Wei Wang``) is placed only at the listed place (its
    index shifted as the last name placed before it was), never at one near it."""
    out: list[int | None] = []
    cursor, shift = 0, 0
    for index, name in enumerate(listed):
        found = None
        upper = min(len(arxiv), max(cursor, index) + SLACK + 1)
        for j in range(cursor, upper):
            if _same_author(name, arxiv[j]) or (j == index + shift and _reordered(name, arxiv[j])):
                found = j
                break
        out.append(None if found is None else found + 1)
        if found is not None:
            cursor, shift = found + 1, found - index
    return out


def agreement(listed: Sequence[str], arxiv: Sequence[str]) -> float | None:
    """Share of the listed persons found in order at their place in arXiv's list; 0 when the
    first listed person is not among arXiv's first persons; None when no person is listed."""
    people = [n for n in listed if not is_group(n)]
    if not people:
        return None
    arxiv_people = [n for n in arxiv if not is_group(n)]
    placed = align(people, arxiv_people)
    if placed[0] is None or placed[0] > 1 + SLACK - 1:
        return 0.0
    return sum(p is not None for p in placed) / len(people)


def position_of(name: str, arxiv: Sequence[str]) -> int | None:
    """The 1-based position of ``name`` in ``arxiv`` when exactly one author there is compatible."""
    found = [i for i, other in enumerate(arxiv, start=1) if _same_author(name, other)]
    return found[0] if len(found) == 1 else None


def positions_of(name: str, arxiv: Sequence[str], without: Collection[int] = ()) -> list[int]:
    """The 1-based positions in ``arxiv`` of the authors compatible with ``name``, but those in
    ``without``; when several are and exactly one is spelled as ``name`` (the same folded
    name), that one (``Wei Wang`` at 1 and ``W. Wang`` at 3: 1)."""
    found = [
        i
        for i, other in enumerate(arxiv, start=1)
        if i not in without and _same_author(name, other)
    ]
    return best_spelled(name, found, {i: arxiv[i - 1] for i in found})


def best_spelled(name: str, found: list[T], spelled: Mapping[T, str]) -> list[T]:
    """``found`` narrowed to the one spelled as ``name`` (the same folded name) if exactly one
    is; else ``found`` as it is."""
    if len(found) > 1:
        same = [f for f in found if name_key(spelled[f]) == name_key(name)]
        if len(same) == 1:
            return same
    return found
