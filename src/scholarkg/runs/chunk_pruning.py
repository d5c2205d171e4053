"""Taking records out of a finished chunk before the run absorbs it: every graph of theirs, and
for a snapshot the lines of ids read in earlier chunks, quarantined as duplicates."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.iris import Minter
from scholarkg.runs.chunk_work import ChunkResult, duplicate


def drop_graphs(result: ChunkResult, graphs: Collection[str]) -> None:
    """Nothing of these graphs is kept: payloads, mentions, title entries, rejections, findings."""
    keep = [n for n, p in enumerate(result.payloads) if p.iri not in graphs]
    result.payloads = [result.payloads[n] for n in keep]
    result.mentions = [result.mentions[n] for n in keep]
    result.titles = [result.titles[n] for n in keep]
    result.rejected = [iri for iri in result.rejected if iri not in graphs]
    result.rejected_graphs = [r for r in result.rejected_graphs if r[0].iri not in graphs]
    result.findings = [f for f in result.findings if f.get("graph") not in graphs]


def drop_duplicates(
    result: ChunkResult,
    earlier: dict[str, int],
    minter: Minter,
    source: str,
    lines: Sequence[SnapshotLine],
) -> None:
    """Quarantine the chunk's lines of ids read in earlier chunks (``earlier``: id, its first
    line); nothing of them is kept."""
    drop_graphs(result, {str(minter.arxiv_graph(arxiv_id)) for arxiv_id in earlier})
    for arxiv_id in earlier:  # their lines here were not read: not this chunk's records
        result.dates.pop(arxiv_id, None)
        result.versions.pop(arxiv_id, None)
    later = {line: arxiv_id for arxiv_id, line in result.ids if arxiv_id in earlier}
    result.ids = [(arxiv_id, line) for arxiv_id, line in result.ids if line not in later]
    later.update((n, i) for n, i in result.repeats.items() if i in earlier)  # to the first
    by_number = {line.number: line for line in lines if line.number in later}
    result.quarantined = sorted(
        [
            *(q for q in result.quarantined if q.line not in later),
            *(
                duplicate(source, by_number[line], arxiv_id, earlier[arxiv_id])
                for line, arxiv_id in later.items()
            ),
        ],
        key=lambda q: q.line,
    )
