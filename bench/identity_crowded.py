"""A CONSTRUCTED crowded name set for the cost of deciding ambiguous initials again.

3 000 papers of 2–8 authors drawn (seed 1) from 13 given names (initials among them) × 14
surnames, so that every co-author is shared by many compatible authors and the co-author rule
decides many authorships again (:mod:`scholarkg.identity.coauthor_rule`). Prints the identity
resolver's CPU seconds, how many authorships were decided again (and the most for one), the
persons and the conflicts. Run it on two versions in turn for paired figures::

    .venv/bin/python bench/identity_crowded.py
    PYTHONPATH=/path/to/other/src .venv/bin/python bench/identity_crowded.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from scholarkg.identity.mentions import AuthorMention, PaperMentions
from scholarkg.identity.registry import Mention, Registry
from scholarkg.identity.resolver import IdentityResolver

BASE = "https://w3id.org/scholarkg/id/paper/arxiv/"
GIVEN = ["Wei", "Jun", "Anna", "David", "Daniel", "D.", "J.", "A.", "Maria", "Jose", "Li"]
GIVEN += ["Hans", "K."]
SURNAMES = ["Wang", "Li", "Zhang", "Smith", "Ritter", "Mueller", "Garcia", "Kim", "Chen", "Liu"]
SURNAMES += ["Lee", "Park", "Brown", "Lopez"]


class _Counting(Registry):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.again: Counter[str] = Counter()

    def undecide(self, nodes: Sequence[str]) -> list[Mention]:
        dropped = super().undecide(nodes)
        self.again.update(m.node for m in dropped)
        return dropped


def papers(count: int = 3000, seed: int = 1) -> list[PaperMentions]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        iri = f"{BASE}2101.{i:05d}"
        listed = [f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}" for _ in range(rng.randint(2, 8))]
        authors = tuple(
            AuthorMention(f"{iri}/authorship/{n}", n, name) for n, name in enumerate(listed, 1)
        )
        out.append(PaperMentions(iri, (f"2101.{i:05d}",), authors, f"graph:{i}"))
    return out


def main() -> int:
    given = papers()
    with tempfile.TemporaryDirectory() as work:
        reg = _Counting(Path(work) / "identity.sqlite")
        resolver = IdentityResolver(reg)
        started = time.process_time()
        for paper in given:
            resolver.restate([paper])
        cpu = time.process_time() - started
        live = {reg.live(int(p)) for (p,) in reg.db.execute("SELECT person FROM mentions")}
        reg.close()
    print(
        f"cpu {cpu:.2f} s, decided again {sum(reg.again.values())}"
        f" (at most {max(reg.again.values(), default=0)} for one authorship),"
        f" persons {len(live)}, conflicts {len(resolver.conflicts)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
