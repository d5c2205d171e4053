"""Records a chunk reads in an older version than the store holds
(:mod:`~scholarkg.runs.held_versions`): held back, counted and told in one note of the report;
the versions of the records it loads are kept for the next run."""

from __future__ import annotations

from scholarkg.runs.chunk_pruning import drop_graphs
from scholarkg.runs.chunk_work import ChunkResult
from scholarkg.runs.context import RunContext
from scholarkg.runs.held_versions import describe, held_back_note

SHOWN = 10  # records named in the note; the rest counted


def holding_back(ctx: RunContext) -> HoldingBack:
    """The run's one :class:`HoldingBack` (every door of the run tells its records in one
    note)."""
    if ctx.holding_back is None:
        ctx.holding_back = HoldingBack(ctx)
    return ctx.holding_back


class HoldingBack:
    """The run's held-back records (arXiv id: version read, version held) and their note."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.count = 0
        self.held: dict[str, tuple[int, int]] = {}  # the first SHOWN, for the note
        self._note: int | None = None  # where the report tells them

    def hold_back(self, result: ChunkResult, *, decided: bool = False) -> bool:
        """Take out of ``result`` the records older than the store's (unless the door has
        ``decided`` that already), then keep the latest version of those it loads. Returns
        whether any was held back."""
        numbered = {i: v for i, v in result.versions.items() if v is not None}
        if not numbered:
            return False
        older = {} if decided else self.ctx.versions.older(numbered)
        if older:
            drop_graphs(result, {str(self.ctx.minter.arxiv_graph(i)) for i in older})
            self.tell(older)
        loading = {p.iri for p in result.payloads}
        self.ctx.versions.keep(
            (i, v) for i, v in numbered.items() if str(self.ctx.minter.arxiv_graph(i)) in loading
        )
        return bool(older)

    def tell(self, older: dict[str, tuple[int, int]]) -> None:
        """Count these records held back and tell them in the report's one note."""
        self.ctx.report.records_held_back += len(older)
        self.count += len(older)
        for arxiv_id, versions in older.items():
            if len(self.held) < SHOWN:
                self.held[arxiv_id] = versions
        self._write()

    def forget(self, arxiv_id: str) -> None:
        """Take a record told held back out of the count (a harvest listed it again, newer,
        and loads that state instead)."""
        self.ctx.report.records_held_back -= 1
        self.count -= 1
        self.held.pop(arxiv_id, None)
        self._write()

    def _write(self) -> None:
        notes = self.ctx.report.notes
        if not self.count and self._note is not None and self._note == len(notes) - 1:
            notes.pop()  # none held back after all (nothing was noted after it)
            self._note = None
            return
        more = self.count - len(self.held)
        shown = ", ".join(describe(self.held)) + (f" and {more} more" if more else "")
        note = held_back_note(self.count, shown)
        if self._note is None:
            self._note = len(notes)
            notes.append(note)
        else:
            notes[self._note] = note
