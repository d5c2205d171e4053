"""Records as the gate tests give them to the gate, shared by test_bulk_equivalence.py,
test_gate_batches.py and the SHACL tests beside them: the snapshot sample (:data:`SNAPSHOT`,
100 real Kaggle lines), a record's graph as emitted (:func:`emitted`) and a real record with
one record-level problem each (:func:`record_problems`, CONSTRUCTED)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from samples import ROOT
from scholarkg.iris import Minter
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion
from scholarkg.transform import EmittedGraph
from scholarkg.transform.arxiv import emit_arxiv
from scholarkg.transform.emit import NTriplesEmitter

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
MINTER = Minter()


def emitted(record: ArxivRecord) -> EmittedGraph:
    """``record``'s graph as the N-Triples emitter writes it for the gate."""
    out = NTriplesEmitter()
    iri = str(emit_arxiv(record, MINTER, out))
    return EmittedGraph(iri, "arxiv", tuple(out.triples), "snapshot.jsonl")


def record_problems(record: ArxivRecord) -> dict[str, ArxivRecord]:
    """Record-level problems, written by the N-Triples emitter like any record."""
    first = record.authors[0]
    when = dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    v1, v1_again = ArxivVersion(1, when), ArxivVersion(1, when + dt.timedelta(days=1))
    return {
        "empty title": dataclasses.replace(record, title=""),
        "no abstract (Info)": dataclasses.replace(record, abstract=""),
        "no v1 date (Warning)": dataclasses.replace(record, published=None),
        "group as category": dataclasses.replace(record, categories=("cs", "group/cs")),
        "category in no archive": dataclasses.replace(record, categories=("cs.AI", "Nope.X1")),
        "version listed twice": dataclasses.replace(record, versions=(v1, v1_again)),
        "versioned arXiv id": dataclasses.replace(record, arxiv_id=record.arxiv_id + "v2"),
        "no authors": dataclasses.replace(record, authors=()),
        "odd DOI (Warning)": dataclasses.replace(record, doi="10.12/x y\u00a0"),
        "empty affiliation": dataclasses.replace(
            record, authors=(ArxivAuthor(first.name, ("",)), *record.authors[1:])
        ),
    }
