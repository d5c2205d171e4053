"""One chunk of the bulk path: snapshot lines → records → N-Quads, through the fast SHACL gate.

Runs in worker processes (or in-process): everything here is picklable in and out. A graph that
the gate rejects is quarantined here, exactly as the pySHACL gate does it (its rdflib graph and
pySHACL report under ``quarantine/graphs``); an unreadable line, or a record that N-Triples cannot
carry, is quarantined as a record.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph

from scholarkg.errors import ParseError
from scholarkg.extract.snapshot import parse_snapshot_line
from scholarkg.iris import Minter
from scholarkg.models import ArxivRecord, QuarantinedRecord
from scholarkg.people import People
from scholarkg.shacl.engine import Engine as FastGate
from scholarkg.shacl.reference import memoised_sparql_parse
from scholarkg.transform.arxiv import arxiv_graph, emit_arxiv
from scholarkg.transform.emit import NTriplesEmitter
from scholarkg.validate import Finding, ValidationReport, quarantine_graph, validate_graph


@dataclass(frozen=True)
class Setup:
    """What a worker needs to know (picklable)."""

    iri_base: str
    quarantine_dir: Path
    merge: tuple[tuple[str, str], ...] = ()
    split: tuple[tuple[str, str], ...] = ()
    pyshacl_quarantine: bool = True


@dataclass(frozen=True)
class GraphOut:
    """A graph that passed the gate: where its N-Quads are in the chunk's data."""

    iri: str
    digest: bytes
    start: int
    end: int
    triples: int
    warnings: int
    infos: int = 0


@dataclass
class ChunkResult:
    """Everything one chunk produced."""

    index: int
    records: int = 0
    graphs: list[GraphOut] = field(default_factory=list)
    data: bytes = b""
    rejected: list[str] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    seconds: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("parse", "transform", "validate", "write"), 0.0)
    )


class Worker:
    """Per-process state: the compiled gate, the minter, the people rules."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.gate = FastGate()
        self.minter = Minter(setup.iri_base)
        self.people = People(merge=dict(setup.merge), split=dict(setup.split))
        self.out = NTriplesEmitter()
        # without a split rule for the paper, a name's key does not depend on the paper
        self._key = lru_cache(maxsize=65536)(self.people.key)
        self._queries: dict[Any, Any] = {}  # rdflib's parsed SHACL queries, for quarantine reports

    def keys(self, record: ArxivRecord) -> dict[str, str]:
        """Person keys as ``pipeline.arxiv_graphs`` decides them (``People.key``, memoised)."""
        split = self.people.split
        return {
            a.name: self.people.key(a.name, record.arxiv_id)
            if split and f"{record.arxiv_id}|{a.name}" in split
            else self._key(a.name)
            for a in record.authors
        }

    def parse(
        self, lines: Iterable[tuple[int, bytes]], source: str, result: ChunkResult
    ) -> list[tuple[int, ArxivRecord]]:
        """``SnapshotReader``'s reading of each line; unreadable lines are quarantined."""
        records = []
        for number, raw in lines:
            if not raw.strip():
                continue
            try:
                record = parse_snapshot_line(raw.decode("utf-8"), source=f"{source}:{number}")
            except (ValueError, TypeError, ParseError) as exc:
                text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                reason = f"{type(exc).__name__}: {exc}"
                result.quarantined.append(QuarantinedRecord(source, number, reason, text))
                continue
            records.append((number, record))
        return records

    def run(self, records: Iterable[tuple[int, ArxivRecord]], result: ChunkResult) -> ChunkResult:
        """Transform, gate and write each record; N-Quads of passing graphs go to ``result``."""
        chunks: list[bytes] = []
        offset = 0
        clock = time.process_time  # CPU seconds of this process
        seconds = result.seconds
        for number, record in records:
            result.records += 1
            t0 = clock()
            self.out.reset()
            iri = emit_arxiv(record, self.minter, self.out, self.keys(record))
            triples = list(self.out.triples)
            t1 = clock()
            findings = self.gate.check(triples)
            t2 = clock()
            seconds["transform"] += t1 - t0
            seconds["validate"] += t2 - t1
            if any(f.severity == "Violation" for f in findings):
                self._reject(record, findings, result)
                continue
            if self.out.unwritable is not None:
                reason = f"IRI cannot be written as N-Triples: <{self.out.unwritable}>"
                result.quarantined.append(
                    QuarantinedRecord(record.source, number, reason, record.arxiv_id)
                )
                continue
            graph = f"<{iri}> .\n"
            try:
                data = "".join([f"{s} {p} {o} {graph}" for s, p, o in triples]).encode("utf-8")
            except UnicodeEncodeError as exc:
                reason = f"cannot be written as UTF-8: {exc}"
                result.quarantined.append(
                    QuarantinedRecord(record.source, number, reason, record.arxiv_id)
                )
                continue
            digest = hashlib.blake2b(data, digest_size=16).digest()
            warnings = sum(1 for f in findings if f.severity == "Warning")
            infos = len(findings) - warnings  # no violations here
            result.graphs.append(
                GraphOut(
                    str(iri), digest, offset, offset + len(data), len(triples), warnings, infos
                )
            )
            chunks.append(data)
            offset += len(data)
            seconds["write"] += clock() - t2
        result.data = b"".join(chunks)
        return result

    def _reject(
        self, record: ArxivRecord, findings: tuple[Finding, ...], result: ChunkResult
    ) -> None:
        """Quarantine a rejected graph as the pySHACL gate does (graph, pySHACL report, findings).

        With ``pyshacl_quarantine`` off, the report is left empty and the findings are the fast
        gate's (the same findings, without pySHACL's ~0.2 s per graph).
        """
        named = arxiv_graph(record, self.minter, person_keys=self.keys(record))
        result.rejected.append(str(named.iri))
        if self.setup.pyshacl_quarantine:
            with memoised_sparql_parse(self._queries):  # same report, sooner (bulk/reference.py)
                report = validate_graph(named)
        else:
            report = ValidationReport(str(named.iri), findings, Graph())
        quarantine_graph(named, report, self.setup.quarantine_dir)


_WORKER: Worker | None = None


def start(setup: Setup) -> None:
    """Process-pool initializer: compile the gate once per process."""
    global _WORKER
    _WORKER = Worker(setup)


def process_lines(index: int, source: str, lines: list[tuple[int, bytes]]) -> ChunkResult:
    """A chunk of snapshot lines (line number, raw bytes) through the whole worker path."""
    assert _WORKER is not None, "call start() first"
    result = ChunkResult(index)
    t0 = time.process_time()
    records = _WORKER.parse(lines, source, result)
    result.seconds["parse"] += time.process_time() - t0
    return _WORKER.run(records, result)


def process_records(index: int, records: list[ArxivRecord]) -> ChunkResult:
    """Records already read (from any door) through transform, gate and write."""
    assert _WORKER is not None, "call start() first"
    return _WORKER.run(((0, r) for r in records), ChunkResult(index))
