"""One record a paper of what arXiv's API answers brought, by one rule for the fetch job (ids
asked in several versions) and a paged search (a paper revised between two pages' requests):
:class:`OnePerPaper`. A copy of a paper with other content than the one kept is its newer state
when of a later version, or of the same version and read later (a later answer is arXiv's
newer word, as a harvest reads a record listed again: runs/harvest_listings); the copy left
aside is told by its paper's id. A copy alike (overlapping pages) is the same record."""

from __future__ import annotations

from scholarkg.models import ArxivRecord


def version_of(record: ArxivRecord) -> int:
    """The latest version ``record`` lists, 0 when it lists none."""
    return record.latest_version or 0


class OnePerPaper:
    """The records kept, by arXiv id, in the order their papers were first read; the ids of
    the papers a copy with other content was left aside of (``left``, in order, once each) and
    how many such copies (``copies``)."""

    def __init__(self) -> None:
        self.records: dict[str, ArxivRecord] = {}
        self.left: dict[str, None] = {}
        self.copies = 0

    def take(self, record: ArxivRecord) -> bool:
        """Keep ``record`` unless its paper's record kept is alike or newer; True when its paper
        was not read before."""
        before = self.records.get(record.arxiv_id)
        if before is None:
            self.records[record.arxiv_id] = record
            return True
        if before != record:
            self.left[record.arxiv_id] = None
            self.copies += 1
            if version_of(record) >= version_of(before):
                self.records[record.arxiv_id] = record
        return False
