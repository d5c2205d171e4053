"""The CPU work of a chunk of arXiv records — reading snapshot lines, emitting each record's graph,
the SHACL gate — in a worker process (or inline), returned as a picklable :class:`ChunkResult`.

A chunk keeps one version of a record: a later line with an id read earlier in the chunk is
quarantined ("duplicate of arXiv id X at line N") before the gate. Ids read in earlier chunks
are checked by the run, in input order (:mod:`scholarkg.runs.first_lines`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from scholarkg.config import Config
from scholarkg.errors import ParseError
from scholarkg.extract.arxiv_ids import parse_arxiv_id
from scholarkg.extract.snapshot import read_line
from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.identity.resolver import PaperMentions
from scholarkg.iris import Minter
from scholarkg.lifecycle import die_with_parent, leave_interrupts_to_the_run
from scholarkg.limits import DEFAULT_LIMITS, Limits, clip
from scholarkg.load.manifest import ChunkCounts
from scholarkg.load.payload import GraphPayload
from scholarkg.models import ArxivRecord, QuarantinedRecord
from scholarkg.resolution.index import IndexEntry, index_entry
from scholarkg.runs import gating
from scholarkg.runs.allocator import return_freed_memory
from scholarkg.runs.collector import set_for_batches
from scholarkg.transform import EmittedGraph
from scholarkg.transform.arxiv import arxiv_mentions, emit_arxiv
from scholarkg.transform.emit import NTriplesEmitter
from scholarkg.validate import Finding


@dataclass
class ChunkResult:
    """Everything one chunk produced (picklable)."""

    index: int
    records: int = 0
    payloads: list[GraphPayload] = field(default_factory=list)
    mentions: list[PaperMentions] = field(default_factory=list)
    titles: list[IndexEntry] = field(default_factory=list)  # for the title index
    # every gated record (loaded or rejected): the date of its latest version, by arXiv id
    dates: dict[str, dt.date | None] = field(default_factory=dict)
    # and the number of its latest version (None: its source gives no version numbers)
    versions: dict[str, int | None] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    rejected_graphs: list[tuple[EmittedGraph, tuple[Finding, ...]]] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    findings: list[dict[str, str | None]] = field(default_factory=list)
    pyshacl_graphs: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    # snapshot lines: (arXiv id, line) of each record read, the first line of each id in the
    # chunk, in input order (for the check against earlier chunks)
    ids: list[tuple[str, int]] = field(default_factory=list)
    repeats: dict[int, str] = field(default_factory=dict)  # line: id, later lines of ``ids``
    stale: bool = False  # a skipped chunk reads otherwise than its stored counts say

    def counts(self) -> ChunkCounts:
        return ChunkCounts(
            self.records,
            len(self.payloads),
            sum(p.triples for p in self.payloads),
            sum(p.warnings for p in self.payloads),
            sum(p.infos for p in self.payloads),
            len(self.rejected),
            len(self.quarantined),
            json.dumps(self.findings, ensure_ascii=False),
        )


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker process needs (picklable)."""

    iri_base: str
    quarantine_dir: str
    limits: Limits = DEFAULT_LIMITS
    shacl_fallback: str = "error"

    @classmethod
    def of(cls, config: Config) -> WorkerSetup:
        return cls(
            config.iri_base, str(config.quarantine_dir), config.limits, config.shacl.fallback
        )


_SETUP: WorkerSetup | None = None


def start_worker(setup: WorkerSetup) -> None:
    """Process-pool initializer: compile the gate once per process."""
    global _SETUP
    die_with_parent()  # a killed run takes its workers with it
    leave_interrupts_to_the_run()  # Ctrl-C stops the run, which stops its workers
    set_for_batches()
    return_freed_memory()
    _SETUP = setup
    gating.start_gate(setup.shacl_fallback)


def _gate_records(
    numbered: Iterable[tuple[int, ArxivRecord]], result: ChunkResult, setup: WorkerSetup
) -> ChunkResult:
    minter = Minter(setup.iri_base)
    out = NTriplesEmitter()
    clock = time.process_time
    before = gating.pyshacl_graphs()
    started = clock()
    emitted: list[EmittedGraph] = []
    records: list[ArxivRecord] = []
    for number, record in numbered:
        result.records += 1
        out.reset()
        iri = str(emit_arxiv(record, minter, out))
        if out.unwritable is not None:
            reason = f"IRI cannot be written as N-Triples: <{out.unwritable}>"
            result.quarantined.append(
                QuarantinedRecord(record.source, number, reason, record.arxiv_id)
            )
            continue
        emitted.append(EmittedGraph(iri, "arxiv", tuple(out.triples), record.source or None))
        records.append(record)
    gating_started = clock()
    result.seconds["transform"] = result.seconds.get("transform", 0.0) + gating_started - started
    for (graph, payload, findings), record in zip(gating.gate_many(emitted), records, strict=True):
        result.findings += [{"graph": graph.iri, **f.__dict__} for f in findings]
        result.dates[record.arxiv_id] = record.updated
        result.versions[record.arxiv_id] = record.latest_version
        if payload is None:  # kept under quarantine/graphs by absorb (unless a duplicate)
            result.rejected.append(graph.iri)
            result.rejected_graphs.append((graph, findings))
            continue
        result.payloads.append(payload)
        result.mentions.append(arxiv_mentions(record, minter))
        result.titles.append(index_entry(record))
    result.seconds["validate"] = result.seconds.get("validate", 0.0) + clock() - gating_started
    if _SETUP is not None:  # a worker process: the run's process counts its own gate
        result.pyshacl_graphs += gating.pyshacl_graphs() - before
    return result


def process_records(index: int, records: list[ArxivRecord], setup: WorkerSetup) -> ChunkResult:
    """Records already read (API, OAI-PMH) through emit and gate; one the emitter quarantines
    is told at its line in its source (its element's, in the archived answer)."""
    return _gate_records(((r.line or 0, r) for r in records), ChunkResult(index), setup)


def process_lines(
    index: int,
    source: str,
    lines: list[SnapshotLine],
    setup: WorkerSetup,
    written: dt.datetime | None = None,
) -> ChunkResult:
    """Snapshot lines (as :func:`snapshot_lines` reads them) through parse, emit and gate
    (``written``: the time they are judged by, :mod:`~scholarkg.runs.first_written`)."""
    result = ChunkResult(index)
    started = time.process_time()
    numbered = _read_lines(source, lines, setup.limits, result, written)
    result.seconds["parse"] = time.process_time() - started
    return _gate_records(numbered, result, setup)


def duplicate(source: str, line: SnapshotLine, arxiv_id: str, first: int) -> QuarantinedRecord:
    """A later line with an id read before: quarantined, the first line's record is the one."""
    text = clip(line.data.decode("utf-8", errors="replace").rstrip("\r\n"))
    reason = f"duplicate of arXiv id {arxiv_id} at line {first}"
    return QuarantinedRecord(source, line.number, reason, text)


def _read_lines(
    source: str,
    lines: list[SnapshotLine],
    limits: Limits,
    result: ChunkResult,
    written: dt.datetime | None = None,
) -> list[tuple[int, ArxivRecord]]:
    """Parse the lines: bad ones and later lines of an id already read in the chunk go to
    ``result.quarantined``; the first line of each id goes to ``result.ids`` and is returned.
    Every line but a blank one is a record read (read = loaded + rejected + quarantined)."""
    numbered: list[tuple[int, ArxivRecord]] = []
    first: dict[str, int] = {}
    for line in lines:
        outcome = read_line(line, source, limits, written)
        if isinstance(outcome, QuarantinedRecord):
            result.records += 1  # read, not loaded
            result.quarantined.append(outcome)
        elif outcome is not None:
            earlier = first.setdefault(outcome.arxiv_id, line.number)
            if earlier != line.number:
                result.records += 1  # read, not loaded
                result.quarantined.append(duplicate(source, line, outcome.arxiv_id, earlier))
                result.repeats[line.number] = outcome.arxiv_id
                continue
            result.ids.append((outcome.arxiv_id, line.number))
            numbered.append((line.number, dataclasses.replace(outcome, source=source)))
    return numbered


# A snapshot line's id when it is the first member and written plainly, as arXiv writes them,
# and an id already as parse_arxiv_id gives it (new style, 4 digits from 0704 to 1412 and 5
# from 1501, or old style without subject class); any other goes through parse_arxiv_id
_LEADING_ID = re.compile(rb'\s*\{\s*"id"\s*:\s*"([^"\\]*)"')
_PLAIN_ID = re.compile(
    rb"(?:07(?:0[4-9]|1[0-2])|(?:0[89]|1[0-4])(?:0[1-9]|1[0-2]))\.\d{4}"
    rb"|(?:1[5-9]|[2-9]\d)(?:0[1-9]|1[0-2])\.\d{5}"
    rb"|[a-z]+(?:-[a-z]+)?/\d\d(?:0[1-9]|1[0-2])\d{3}"
)


def skipped_lines(
    index: int,
    source: str,
    lines: list[SnapshotLine],
    exact: bool,
    setup: WorkerSetup,
    written: dt.datetime | None = None,
) -> ChunkResult:
    """What input order needs of a chunk loaded before (skipped): the ids it reads first
    (``result.ids``) and, when ``exact`` (it had quarantined lines), its quarantined lines again.
    Otherwise every line was read when the chunk was loaded, and a plainly written leading id
    is taken without parsing the line (the cost of a skipped chunk stays small)."""
    result = ChunkResult(index)
    if exact:
        _read_lines(source, lines, setup.limits, result, written)
        return result
    first: dict[str, int] = {}
    for line in lines:
        number, data, problem = line
        arxiv_id: str | None = None
        found = _LEADING_ID.match(data) if problem is None else None
        if found is not None and data.count(b'"id"') == 1 and b"\\u" not in data:
            raw = found.group(1)
            try:
                arxiv_id = (
                    raw.decode()
                    if _PLAIN_ID.fullmatch(raw)
                    else parse_arxiv_id(raw.decode()).arxiv_id
                )
            except (ParseError, UnicodeDecodeError):
                arxiv_id = None
        if arxiv_id is None:
            if problem is None and not data.strip():
                continue
            outcome = read_line(line, source, setup.limits, written)
            if outcome is None:
                continue
            if isinstance(outcome, QuarantinedRecord):  # not as the stored counts say
                result.stale = True
                return result
            arxiv_id = outcome.arxiv_id
        if first.setdefault(arxiv_id, number) != number:  # a duplicate loaded by an older run
            result.stale = True
            return result
        result.ids.append((arxiv_id, number))
    return result
