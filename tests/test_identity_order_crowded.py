"""The persons of a few papers do not depend on the order the papers are read in: each case is
the smallest CONSTRUCTED set shrunk from bench/identity_crowded.py's crowded set (13 given
names, initials among them, × 14 surnames) whose orders gave two partitions, its names kept
and its papers and authors cut down to what still did. Every order of the papers is tried."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from paper_mentions import listed_paper, partition_restated

BROWN_TWINS = [
    ("2101.00002", "J. Brown", "J. Garcia", "Jose Brown", "Hans Kim"),
    ("2101.00036", "Jose Brown", "Hans Kim"),
    ("2101.00044", "Jun Garcia", "J. Brown"),
]
"""``Jose Brown`` on 00002 is linked to 00036's ``Jose Brown`` by Hans Kim, and to 00044's
``J. Brown`` by the Garcias; but ``J. Brown`` on 00002 is as linked to the latter by them. Read
00044 first, 00002's Jose Brown joined it too (before); read it last, it was tied between the
two authors of 00002 and joined neither. Now neither, in every order."""

RITTER_SPELLED = [
    ("2101.00020", "David Ritter", "Jun Brown", "D. Ritter"),
    ("2101.00023", "J. Brown", "David Ritter", "Jun Ritter"),
    ("2101.00035", "David Ritter", "Jun Ritter"),
]
"""``David Ritter`` on 00023 has as much evidence for 00020's ``David Ritter`` and ``D.
Ritter`` (by the Browns), who are not one, and for 00035's ``David Ritter`` (by Jun Ritter).
The spelling tells the two David Ritters from the initial, and they can be one: the three
David Ritters are one person in every order (before, read 00035 before 00023, two persons of
the same exact name were a tie no spelling told, and 00023's David Ritter a person of its
own)."""


@pytest.mark.parametrize(
    ("papers", "expected"),
    [
        (
            BROWN_TWINS,
            [["2/1"], ["2/2", "44/1"], ["2/3", "36/1"], ["2/4", "36/2"], ["44/2"]],
        ),
        (
            RITTER_SPELLED,
            [["20/1", "23/2", "35/1"], ["20/2", "23/1"], ["20/3"], ["23/3", "35/2"]],
        ),
    ],
    ids=["brown-twins", "ritter-spelled"],
)
def test_every_order_of_the_papers_gives_the_same_persons(
    tmp_path: Path, papers: list[tuple[str, ...]], expected: list[list[str]]
) -> None:
    want = {
        frozenset(f"2101.{int(n.split('/')[0]):05d}/authorship/{n.split('/')[1]}" for n in nodes)
        for nodes in expected
    }
    for i, order in enumerate(permutations(papers)):
        found = partition_restated(tmp_path / str(i), [listed_paper(*paper) for paper in order])
        assert found == want, [p[0] for p in order]
