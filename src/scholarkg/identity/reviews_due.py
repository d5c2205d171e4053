"""The decisions due for review after the name rules changed (a part of
:class:`~.registry.Registry`): the shared-coauthor authorships an earlier names version, or a
registry that predates generational suffixes, may have decided otherwise; the review itself is
:mod:`~.name_review`'s."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from scholarkg.identity import names
from scholarkg.identity.name_reading import tokens_as


class ReviewsDue:
    """The review-marks part of :class:`~.layout.Layout`."""

    db: sqlite3.Connection

    def names_to_review(self) -> str | None:
        """The names version decisions were made under, if a later one has not reviewed them
        yet (:meth:`~.name_review.NameReview.review_names`)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'review'").fetchone()
        return None if row is None else str(row[0])

    def reviewed(self) -> None:
        self.db.execute("DELETE FROM meta WHERE key = 'review'")

    def to_review(self, was: str) -> list[str]:
        """The authorships decided by shared co-authors (not pinned) that names version
        ``was`` may have decided otherwise than this one: on a paper, or by the evidence of a
        paper, that lists a name the two versions read otherwise, or held by a person who
        holds such a name. In paper and position order."""
        return self._decided_near(lambda name: names.tokens(name) != tokens_as(name, was))

    def generations_to_review(self) -> list[str] | None:
        """The shared-coauthor authorships (not pinned) near a name with a generational suffix
        (:meth:`_decided_near`), if the registry's decisions predate them; ``None`` when
        they do not."""
        row = self.db.execute("SELECT 1 FROM meta WHERE key = 'review-generations'").fetchone()
        if row is None:
            return None
        return self._decided_near(lambda name: names.generation(name) is not None)

    def generations_reviewed(self) -> None:
        self.db.execute("DELETE FROM meta WHERE key = 'review-generations'")

    def _decided_near(self, otherwise: Callable[[str], bool]) -> list[str]:
        """The authorships decided by shared co-authors (not pinned) on a paper, or by the
        evidence of a paper, that lists a name ``otherwise`` holds, or held by a person who
        holds such a name. In paper and position order."""
        rows = self.db.execute("SELECT paper, name FROM paper_authors")
        papers = {str(paper) for paper, name in rows if otherwise(name)}
        rows = self.db.execute(
            "SELECT m.person, n.name FROM mentions m JOIN mention_names n ON n.node = m.node"
        )
        persons = {int(pid) for pid, name in rows if otherwise(name)}
        rows = self.db.execute(
            "SELECT node, paper, evidence, person FROM mentions"
            " WHERE rule = 'shared-coauthor' AND pinned = 0 ORDER BY paper, position, node"
        )
        return [
            str(node)
            for node, paper, evidence, pid in rows
            if paper in papers or evidence in papers or int(pid) in persons
        ]
