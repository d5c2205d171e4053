"""Rejected graphs are kept in one JSON-lines file per run, and what a kill leaves is read.

Before, each rejected graph was a folder (``graph.nt`` and ``findings.json``, written in place):
a bad snapshot of 2 000 rejected graphs made 2 000 folders and 4 000 files, and a kill between
or inside the two writes left a folder without ``findings.json`` (reproduced:
``killed_at.py pathlib:Path.write_text@4:findings.json``) or with a torn one, which whoever
read it (``json.loads``) failed on.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from conftest import write_config
from refused_categories import BAD, BOUND, bad_snapshot, scholarkg
from scholarkg.config import load_config
from scholarkg.quarantine_graphs import GRAPHS_FILE, quarantine_graph, read_rejected
from scholarkg.validate import Finding

FINDING = Finding("Violation", "https://x.org/s", None, "constructed", "urn:x:shape")


def test_a_bad_snapshot_keeps_its_rejected_graphs_in_one_file_of_its_run(tmp_path: Path) -> None:
    config_path = write_config(tmp_path, [])
    done = scholarkg("arxiv", "load-snapshot", str(bad_snapshot(tmp_path / "bad.jsonl")),
                     "--config", str(config_path))  # fmt: skip
    assert done.returncode == 1 and "10 rejected by SHACL" in done.stdout, done.stderr
    kept = load_config(config_path).quarantine_dir / "graphs"
    [file] = [p for p in kept.rglob("*") if p.is_file()]  # before: 10 folders, 20 files
    assert file.name == GRAPHS_FILE and file.parent.parent == kept
    rejected = read_rejected(kept.parent)
    assert len(rejected.graphs) == BAD and rejected.notes == []
    assert all(g.source and g.source.endswith("bad.jsonl") for g in rejected.graphs)
    assert all(any(f["severity"] == "Violation" for f in g.findings) for g in rejected.graphs)
    assert all("Not!ACategory" in g.ntriples for g in rejected.graphs)


def test_a_kill_while_graphs_are_kept_leaves_what_came_before_whole_and_the_rerun_keeps_all(
    tmp_path: Path,
) -> None:
    """SIGKILL as the second graph is appended: the first is whole; a torn line (what a kill
    inside the write leaves) is skipped with a note by the reader and the listing, not an
    error; the next run keeps the rest, and every rejected graph reads back."""
    config_path = write_config(tmp_path, [], arxiv={"enabled": False})
    snapshot = str(bad_snapshot(tmp_path / "bad.jsonl"))
    args = ("arxiv", "load-snapshot", snapshot, "--batch-size", "10", "--config", str(config_path))
    killed = scholarkg(*args, killed_at="scholarkg.quarantine_lines:append@2:graphs.jsonl")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    root = load_config(config_path).quarantine_dir
    [file] = (root / "graphs").glob(f"*/{GRAPHS_FILE}")
    assert len(read_rejected(root).graphs) == 1
    with file.open("ab") as handle:  # a write cut short inside the line
        handle.write(b'{"graph": "https://w3id.org/scholarkg/id/graph/arxiv/07')
    listed = scholarkg("quarantine", "list", "--config", str(config_path))
    assert listed.returncode == 0
    assert (
        listed.stderr
        == f"note: {file}:2: not a whole rejected graph (a write cut short?): skipped\n"
    )
    assert "1 distinct graphs" in listed.stdout

    again = scholarkg(*args)
    assert again.returncode == 1 and "10 rejected by SHACL" in again.stdout, again.stderr
    rejected = read_rejected(root)
    assert len(rejected.graphs) == BAD and len(rejected.notes) == 1


def test_the_layout_before_reads_back_and_its_torn_folders_are_named(tmp_path: Path) -> None:
    """A folder per graph (as written before): a whole one is read, one a kill left without
    ``findings.json`` or with a torn one is skipped with a note naming it, not an error."""
    graphs = tmp_path / "graphs"
    whole, missing, torn = (graphs / name for name in ("a-1", "b-2", "c-3"))
    for folder in (whole, missing, torn):
        folder.mkdir(parents=True)
        (folder / "graph.nt").write_text("<a:s> <a:p> <a:o> .\n", encoding="utf-8")
    summary = {"graph": "https://x.org/graph/a", "source": "s", "findings": [FINDING.__dict__]}
    (whole / "findings.json").write_text(json.dumps(summary), encoding="utf-8")
    (torn / "findings.json").write_text(json.dumps(summary)[:30], encoding="utf-8")
    quarantine_graph(tmp_path, "run", "https://x.org/graph/b", [], [FINDING], None)
    rejected = read_rejected(tmp_path)
    assert [g.graph for g in rejected.graphs] == ["https://x.org/graph/a", "https://x.org/graph/b"]
    assert rejected.graphs[0].ntriples == "<a:s> <a:p> <a:o> .\n"
    assert [n.split(":")[0] for n in rejected.notes] == [str(missing), str(torn)]


def test_a_graph_the_disk_refuses_is_one_error_naming_its_file_and_leaves_no_part(
    tmp_path: Path,
) -> None:
    """A full disk (a file-size limit: EFBIG as ENOSPC) under a rejected graph's write: one
    WriteFailed line naming the run's file; the graphs kept before it stay whole."""
    script = f"""
import resource, signal
from pathlib import Path
from scholarkg.errors import WriteFailed
from scholarkg.quarantine_graphs import quarantine_graph
root = Path({str(tmp_path)!r})
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
quarantine_graph(root, "run", "https://x.org/graph/a", [("<a:s>", "<a:p>", '"y"')], [], None)
try:
    big = [("<a:s>", "<a:p>", '"' + "x" * 20_000 + '"')]
    quarantine_graph(root, "run", "https://x.org/graph/b", big, [], None)
except WriteFailed as exc:
    print("WriteFailed", exc)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=BOUND, check=True
    )
    kind, _, message = done.stdout.strip().partition(" ")
    assert kind == "WriteFailed", done.stdout + done.stderr
    assert (
        "cannot write the rejected graph" in message
        and GRAPHS_FILE in message
        and "\n" not in message
    )
    rejected = read_rejected(tmp_path)
    assert [g.graph for g in rejected.graphs] == ["https://x.org/graph/a"] and not rejected.notes
