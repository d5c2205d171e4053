"""A CONSTRUCTED crowded name set for the cost of deciding ambiguous initials again.

3 000 papers of 2–8 authors drawn (seed 1) from 13 given names (initials among them) × 14
surnames, so that every co-author is shared by many compatible authors and the co-author rule
decides many authorships again (:mod:`scholarkg.identity.coauthor_rule`). Prints the identity
resolver's CPU seconds, how many authorships were decided again (and the most for one), the
persons and the conflicts; then the set is resolved again in reverse order (a fresh registry,
not in the CPU figure) and the two partitions compared: ``order agreement`` is the pairwise F1
of the reverse partition against the first (1.0: the same persons in either order), with how
many authorships have other co-persons. Run it on two versions in turn for paired figures::

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


def resolve(given: Sequence[PaperMentions]) -> tuple[float, dict[str, int], _Counting, int]:
    """CPU seconds, each authorship's live person, the registry (closed) and the conflicts."""
    with tempfile.TemporaryDirectory() as work:
        reg = _Counting(Path(work) / "identity.sqlite")
        resolver = IdentityResolver(reg)
        started = time.process_time()
        for paper in given:
            resolver.restate([paper])
        cpu = time.process_time() - started
        rows = reg.db.execute("SELECT node, person FROM mentions")
        persons = {str(node): reg.live(int(person)) for node, person in rows}
        conflicts = len(resolver.conflicts)  # rows of the registry (run_lines): read before close
        reg.close()
    return cpu, persons, reg, conflicts


def agreement(first: dict[str, int], second: dict[str, int]) -> tuple[float, int]:
    """The pairwise F1 of ``second``'s persons against ``first``'s, and how many authorships
    have other co-persons in the two."""

    def pairs(groups: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in groups.values())

    both = pairs(Counter((first[n], second.get(n)) for n in first))
    total = pairs(Counter(first.values())) + pairs(Counter(second.values()))
    members: tuple[dict[int | None, set[str]], dict[int | None, set[str]]] = ({}, {})
    for node in first:
        members[0].setdefault(first[node], set()).add(node)
        members[1].setdefault(second.get(node), set()).add(node)
    moved = sum(1 for n in first if members[0][first[n]] != members[1][second.get(n)])
    return (2 * both / total if total else 1.0), moved


def main() -> int:
    given = papers()
    cpu, persons, reg, conflicts = resolve(given)
    print(
        f"cpu {cpu:.2f} s, decided again {sum(reg.again.values())}"
        f" (at most {max(reg.again.values(), default=0)} for one authorship),"
        f" persons {len(set(persons.values()))}, conflicts {conflicts}"
    )
    _, reverse, _, _ = resolve(given[::-1])
    f1, moved = agreement(persons, reverse)
    print(
        f"order agreement (reverse) {f1:.4f}, authorships with other co-persons {moved}"
        f" of {len(persons)}, persons {len(set(reverse.values()))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
