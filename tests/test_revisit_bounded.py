"""Deciding an ambiguous initial again is bounded: an authorship is decided again at most once a
run (CONSTRUCTED names and papers: a few given names, initials among them, and surnames, drawn
with a fixed seed, so that every co-author is shared by many compatible authors).

Before, on such a crowded set an initial that a tie made a person of its own was joined to one
of the tied persons by the next author linking them, and split off again by the next author of
the other name beside the same co-author, a new person each time: 3 000 papers gave 4 112
decisions taken again (one authorship 17 times) and took three times the identity step's CPU.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from paper_mentions import BASE, listed_paper
from scholarkg.identity.registry import Mention, Registry
from scholarkg.identity.resolver import IdentityResolver

GIVEN = ["Wei", "Jun", "David", "Daniel", "D.", "J.", "Jose"]
SURNAMES = ["Wang", "Smith", "Ritter", "Kim"]


class CountingRegistry(Registry):
    """Counts each authorship's decisions dropped to be taken again."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.undecided: Counter[str] = Counter()

    def undecide(self, nodes: Sequence[str]) -> list[Mention]:
        dropped = super().undecide(nodes)
        self.undecided.update(m.node for m in dropped)
        return dropped


def _crowded(count: int) -> list:  # type: ignore[type-arg]
    rng = random.Random(7)
    return [
        listed_paper(
            f"2101.{i:05d}",
            *[f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}" for _ in range(rng.randint(2, 6))],
        )
        for i in range(count)
    ]


def test_an_authorship_is_decided_again_at_most_once_a_run(tmp_path: Path) -> None:
    reg = CountingRegistry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    for paper in _crowded(400):
        resolver.restate([paper])
    again = reg.undecided
    assert sum(again.values()) > 50  # the set makes the rule decide many authorships again
    assert max(again.values()) == 1, again.most_common(3)
    # every authorship has one live person
    rows = reg.db.execute("SELECT COUNT(*), COUNT(DISTINCT node) FROM mentions").fetchone()
    assert rows[0] == rows[1] == sum(len(p.authors) for p in _crowded(400))


class LookupCountingRegistry(Registry):
    """Counts the look-ups of authorships to decide again and of decisions by node."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.lookups: Counter[str] = Counter()

    def coauthor_nodes(
        self, block: str, co_blocks: Sequence[str], paper: str, persons: Sequence[int] = ()
    ) -> list[tuple[str, str, int, float, str, str]]:
        rows = super().coauthor_nodes(block, co_blocks, paper, persons)
        self.lookups["coauthor_nodes"] += 1
        self.lookups["rows"] += len(rows)
        return rows

    def coauthor_persons(self, block: str, co_blocks: Sequence[str], paper: str) -> list[int]:
        rows = super().coauthor_persons(block, co_blocks, paper)
        self.lookups["coauthor_persons"] += 1
        self.lookups["rows"] += len(rows)
        return rows

    def mentions(self, nodes: Sequence[str]) -> dict[str, Mention]:
        self.lookups["mentions"] += 1
        return super().mentions(nodes)


def test_an_author_no_pair_links_to_another_paper_is_not_looked_up_again(
    tmp_path: Path,
) -> None:
    """The co-author look-up found no authorship in the author's block beside one of the
    co-authors on another paper: nothing to decide again, so no second look-up (before: one
    more query for each block of each author, and one for its own decision, on every paper;
    the resolver's CPU at 10k, bench/identity_replay.py, median 2.39 -> 1.79 s)."""
    reg = LookupCountingRegistry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.restate([listed_paper("2101.00001", "Ana Ruiz", "Bo Chen", "Cy Dahl")])
    first = reg.lookups["mentions"]
    resolver.restate([listed_paper("2101.00002", "Dee Evans", "Eli Ford")])
    assert reg.lookups["coauthor_persons"] == reg.lookups["coauthor_nodes"] == 0
    # decisions are read as many times for a paper of three authors as for one of two
    assert reg.lookups["mentions"] == 2 * first
    # one linked by a co-author is still looked up again, and joins
    resolver.restate([listed_paper("2101.00003", "A. Ruiz", "Bo Chen")])
    assert reg.lookups["coauthor_persons"] >= 1
    nodes = [f"{BASE}2101.00001/authorship/1", f"{BASE}2101.00003/authorship/1"]
    decided = reg.mentions(nodes)
    assert len({reg.live(decided[n].person) for n in nodes}) == 1


def test_a_persons_many_papers_beside_the_same_coauthors_are_not_read_again_each_paper(
    tmp_path: Path,
) -> None:
    """One person's papers, each beside the same two co-authors (a profile page of hundreds):
    deciding again reads the persons beside them, and the authorships of those who cannot be
    the author only, a few rows a paper however many papers came before (before: every earlier
    authorship of the three names, about 3 x 200 rows for the 200th paper and 60 000 in all;
    the 2 000th paper cost ~14 ms of CPU in the rule's reads where the 250th cost ~2 ms)."""
    reg = LookupCountingRegistry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    count = 200
    for i in range(count):
        ritter = "Damian C. Ritter" if i % 2 == 0 else "D. Ritter"
        resolver.restate([listed_paper(f"2102.{i:05d}", ritter, "Victor N. White", "Anna Keller")])
    assert reg.lookups["coauthor_persons"] >= 3 * (count - 1)  # each author's revisit reads
    assert reg.lookups["rows"] <= 2 * reg.lookups["coauthor_persons"]
    # the decisions: one person a name, all 200 papers joined by co-authors
    persons = reg.db.execute("SELECT COUNT(DISTINCT person) FROM mentions").fetchone()[0]
    assert persons == 3
    rules = reg.db.execute("SELECT rule, COUNT(*) FROM mentions GROUP BY rule").fetchall()
    assert dict(rules) == {"first-seen": 3, "shared-coauthor": 3 * (count - 1)}
