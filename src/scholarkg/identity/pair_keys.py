"""The co-author pair index's keys and rows: one row per ordered pair of a paper's person
authors, keyed by both names' blocks (:func:`pair_key`), which the co-author rule looks an
author's namesakes up by (:mod:`.pair_lookups`)."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from functools import lru_cache

from scholarkg.identity import names

MAX_EVIDENCE_AUTHORS = 100
"""Papers with more person authors give no co-author evidence: on a collaboration paper
everyone "shares" thousands of co-authors, and its pairs would grow with the square. Neither
way: such a paper's pairs are not indexed, and its authors are not looked up in the index."""


def pair_key(block: str, co_block: str) -> int:
    """A signed 64-bit key of (name block, co-author's block) for the pair index. A collision
    only adds hits whose names then fail :func:`~scholarkg.identity.names.compatible`."""
    return _joined(crc(block), crc(co_block))


def _joined(high: int, low: int) -> int:
    """Two CRC-32s as one signed 64-bit integer (SQLite's INTEGER)."""
    return high_half(high) + low


def high_half(high: int) -> int:
    """The key's part of the high CRC: any low CRC added to it makes the key (its low 32 bits
    are zero, so adding is or-ing), computed once for the keys sharing it."""
    return (high << 32) - (1 << 63)


@lru_cache(maxsize=32_768)
def crc(text: str) -> int:
    """The CRC-32 of a name block (cached: a block is asked for again and again)."""
    return zlib.crc32(text.encode())


def pair_rows(
    paper: str, authors: Sequence[tuple[str, str, str]]
) -> Iterator[tuple[int, str, str, str]]:
    """The pair-index rows of a paper's authors (none past MAX_EVIDENCE_AUTHORS), under each
    block of each name (:func:`~scholarkg.identity.names.blocks`: ``Hans Müller`` is found as
    ``Hans Mueller`` too)."""
    if 1 < len(authors) <= MAX_EVIDENCE_AUTHORS:
        # pair_key's halves, once an author
        crcs = [[crc(b) for b in spelled_blocks(block, name)] for block, _, name in authors]
        tops = [[high_half(c) for c in lows] for lows in crcs]
        for (_, node, _), highs in zip(authors, tops, strict=True):
            for (_, co_node, co_name), lows in zip(authors, crcs, strict=True):
                if co_node != node:
                    for high in highs:
                        for low in lows:
                            yield high + low, node, paper, co_name


def spelled_blocks(block: str, name: str) -> tuple[str, ...]:
    """``block`` (as the registry holds it) and the blocks of the name's other spellings."""
    return (block, *(b for b in names.blocks(name)[1:] if b != block))
