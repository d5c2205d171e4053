"""A SYNTHETIC author population for ``bench/generate.py``: co-author communities with
Zipf-like productivity, computed from indices (nothing is stored, so memory stays flat).

* A new community of ``COMMUNITY`` members starts every ``STEP`` records; a record's home is one
  of the ``WINDOW`` newest communities, and each of its authors comes from the home (or, at rate
  ``OUTSIDE``, from another active community), so co-authors recur.
* Within a community, member rank ``r`` is drawn with weight ``1 / (r + 1) ** ZIPF``. Rank 0 (a
  lead) is the same person across 16 consecutive communities, ranks 1-2 across 4, the others
  belong to one community: a few persons write a hundred papers or more, most write one or two.
* A person's name is recombined from the real sample's given names and surnames (a stable hash
  of the person, optionally with a middle initial), so one name block (surname + first initial)
  holds several different people, and distinct people sometimes share a full name. At rate
  ``INITIAL`` a mention writes the given name as an initial (``M. Yurkin``).
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
import string

from scholarkg.identity.names import is_group

COMMUNITY = 24
STEP = 12
WINDOW = 8
OUTSIDE = 0.15
INITIAL = 0.08
ZIPF = 1.1
MIDDLE = 0.25  # persons with a middle initial

PersonKey = tuple[str, int, int]


class Population:
    """See the module doc."""

    def __init__(self, first_names: list[str], last_names: list[str], seed: int) -> None:
        self.first_names = [n for n in first_names if n.strip()]
        self.last_names = [n for n in last_names if n.strip() and not is_group(n)]
        self.seed = seed
        weights = [1.0 / (rank + 1) ** ZIPF for rank in range(COMMUNITY)]
        self.cumulative = list(itertools.accumulate(weights))

    @staticmethod
    def person(community: int, rank: int) -> PersonKey:
        """Who holds ``rank`` in ``community``: leads and seniors span several communities."""
        if rank == 0:
            return ("lead", community // 16, 0)
        if rank < 3:
            return ("senior", community // 4, rank)
        return ("member", community, rank)

    def name(self, key: PersonKey) -> tuple[str, str]:
        """(given names, surname) of a person: the same for every mention."""
        text = f"{self.seed}|{key[0]}|{key[1]}|{key[2]}".encode()
        digest = int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")
        first = self.first_names[digest % len(self.first_names)]
        last = self.last_names[(digest >> 20) % len(self.last_names)]
        if (digest >> 40) % 1000 < MIDDLE * 1000 and "." not in first and " " not in first:
            first = f"{first} {string.ascii_uppercase[(digest >> 50) % 26]}."
        return first, last

    def _rank(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])

    def paper_authors(self, rng: random.Random, index: int, count: int) -> list[tuple[str, str]]:
        """``count`` distinct authors (given names, surname) of synthetic record ``index``."""
        newest = index // STEP
        home = max(newest - rng.randrange(WINDOW), 0)
        chosen: list[PersonKey] = []
        for _ in range(count * 8):
            if len(chosen) == count:
                break
            community = home
            if rng.random() < OUTSIDE:
                community = max(newest - rng.randrange(WINDOW), 0)
            key = self.person(community, self._rank(rng))
            if key not in chosen:
                chosen.append(key)
        authors = []
        for key in chosen:
            first, last = self.name(key)
            if rng.random() < INITIAL and first[:1].isalpha():
                first = first[0] + "."
            authors.append((first, last))
        return authors
