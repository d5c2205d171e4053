"""The SHACL report graphs a killed run patched are taken again with its data graphs: a run
killed with changed graphs (and their reports) in the store but its manifest not committed,
then a load of another snapshot, which writes none of them again: the dump published holds the
report graphs the store holds (before: the manifest kept the reports of the write before the
killed one, and the dump, made from it, lacked the warnings the store held). Input as in
test_snapshot_killed_parts.py, every fourth paper with no abstract (an info in its report);
the killed load gives those papers a DOI that does not look like one (a warning more)."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pyoxigraph as ox

from killed_snapshot import BOUND, change_every_fourth, command, load, make_input

DOI_WARNING = "The DOI does not look like a DOI (10.<registrant>/<suffix>)."


def report_quads(quads: ox.Store | list[ox.Quad]) -> set[str]:
    return {
        str(q)
        for q in quads
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.endswith("/shacl-report")
    }


def test_report_graphs_a_killed_run_patched_are_published_as_the_store_holds_them(
    tmp_path: Path,
) -> None:
    make_input(tmp_path)
    snapshot = tmp_path / "s.jsonl"
    change_every_fourth(snapshot, "abstract", "")
    assert load(tmp_path).returncode == 1  # two lines quarantined
    change_every_fourth(snapshot, "doi", "10.12/x")
    done = load(tmp_path, "scholarkg.load.segment_tally:SegmentTally.changed")
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    held = report_quads(ox.Store.read_only(str(tmp_path / "store")))
    assert any(DOI_WARNING in q for q in held)  # the killed run patched reports

    other = tmp_path / "other.jsonl"  # a paper of none of those graphs
    line = json.loads(snapshot.read_text(encoding="utf-8").splitlines()[1])
    other.write_text(json.dumps(line | {"id": "2501.99999"}) + "\n", encoding="utf-8")
    args = [str(other) if arg == str(snapshot) else arg for arg in command(tmp_path)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=BOUND, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    store = report_quads(ox.Store.read_only(str(tmp_path / "store")))
    assert store == held  # the other load wrote no report
    dump = tmp_path / "data" / "exports" / "scholarkg.nq"
    published = report_quads(list(ox.parse(path=dump, format=ox.RdfFormat.N_QUADS)))
    assert sorted(store - published) == [] and sorted(published - store) == []
