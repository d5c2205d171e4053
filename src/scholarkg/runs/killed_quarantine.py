"""What the report of a run killed outright (written by the next run) says it quarantined: what
the quarantine keeps of it, as ``scholarkg quarantine list`` counts it."""

from __future__ import annotations

from pathlib import Path

from scholarkg.quarantine import LISTED, build_kind, entry_record, run_folder
from scholarkg.quarantine_graphs import GRAPHS_FILE, entry_graph
from scholarkg.quarantine_lines import read_entries
from scholarkg.runs.report import RunReport


def kept_of_killed(quarantine: Path, report: RunReport) -> None:
    """Set in ``report`` (a killed run's) the records and rejected graphs ``quarantine`` keeps
    of its run, each whole line of its files once (a reference to an earlier run's entry too;
    a line cut short by the kill is none), in the order it kept them (before: none, so its
    report said 0 quarantined and 0 rejected while ``quarantine list`` listed them). A build's
    listed papers it quarantined (their kind noted: :data:`~scholarkg.quarantine.LISTED`) are
    added to its papers listed, which its commit noted as the papers it loaded, so its papers
    loaded stay those; its other records are arXiv's entries (before: a build's were left out,
    as its entries and listed papers could not be told apart). A line an older version wrote
    notes no kind: it is read from what the line keeps (:func:`~scholarkg.quarantine.build_kind`;
    before: an arXiv entry)."""
    run = run_folder(report.run_iri.rsplit("/", 1)[-1])
    notes: list[str] = []  # lines that are no entry: not counted, as quarantine list names them
    for _, _, data in read_entries(quarantine / "records", "*.jsonl", notes, run=run):
        if (record := entry_record(data)) is None:
            continue
        report.quarantined += [record.describe()]
        if report.job != "build":
            continue
        if build_kind(data) == LISTED:
            report.papers += 1
        else:
            report.entries_quarantined += 1
    for _, _, data in read_entries(quarantine / "graphs", GRAPHS_FILE, notes, run=run):
        if (graph := entry_graph(data)) is not None:
            report.rejected.append(graph.graph)
