"""Records deleted from the store (:mod:`~scholarkg.runs.deletions`) that a chunk reads again:
withheld unless a version is dated after the deletion, and told in one note of the report."""

from __future__ import annotations

from scholarkg.runs.chunk_pruning import drop_graphs
from scholarkg.runs.chunk_work import ChunkResult
from scholarkg.runs.context import RunContext
from scholarkg.runs.deletions import comes_back
from scholarkg.shown_text import some


class Withholding:
    """The run's withheld records (arXiv id: why) and the report note that lists them."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.withheld: dict[str, str] = {}  # deleted records not read back: arXiv id, why
        self._note: int | None = None  # where the report tells them

    def deleted_among(self, ids: list[tuple[str, int]]) -> bool:
        """Whether a chunk loaded before reads a record deleted since (then it is processed:
        the record is withheld, whatever it came out as then)."""
        deletions = self.ctx.deletions
        return bool(deletions) and bool(deletions.of([arxiv_id for arxiv_id, _ in ids]))

    def withhold(self, result: ChunkResult) -> bool:
        """Records deleted from the store whose state here has no version dated after the
        deletion are withheld, rejected by the gate or not: read, counted as deleted, nothing of
        them kept. A later state is the record come back: once the store holds it, the deletion
        is forgotten. Returns whether any was withheld."""
        deletions = self.ctx.deletions
        if not deletions or not result.dates:
            return False
        tombstones = deletions.of(list(result.dates))
        withheld = {i: d for i, d in tombstones.items() if not comes_back(d, result.dates[i])}
        back = {p.iri for p in result.payloads}
        returning = [
            (i, result.dates[i])
            for i in tombstones
            if i not in withheld and str(self.ctx.minter.arxiv_graph(i)) in back
        ]
        self.ctx.forget_deletions(returning)
        if not withheld:
            return False
        drop_graphs(result, {str(self.ctx.minter.arxiv_graph(i)) for i in withheld})
        for arxiv_id in withheld:  # told once, as deleted: not held back as older too
            result.versions.pop(arxiv_id, None)
        self.ctx.report.records_deleted += len(withheld)
        self.withheld.update(
            {
                i: f"deleted {day}, latest version {result.dates[i] or 'undated'}"
                for i, day in withheld.items()
            }
        )
        self._tell()
        return True

    def _tell(self) -> None:
        told = some(f"{i} ({why})" for i, why in self.withheld.items())
        note = (
            f"{len(self.withheld)} records withheld: their source deleted them from the store "
            f"and they have no version since: {told}"
        )
        notes = self.ctx.report.notes
        if self._note is None:
            self._note = len(notes)
            notes.append(note)
        else:
            notes[self._note] = note
