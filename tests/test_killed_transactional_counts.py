"""The report the next run writes for a run killed while it loaded graph by graph (the
transactional loader: profile runs, ``--loader transactional``) says what the store holds of it,
into the embedded store and into a real Oxigraph server: the graphs that name it once the next
run has written again those it left uncommitted, their records, their quads with their SHACL
report graphs, and its triples added as its change set lists them, which names exactly those
graphs (before: records 0, triples added and removed ``null``, and ``graphs_written`` counted
every graph naming it, those the next run writes again too). A bulk run killed after it skipped
chunks loaded before counts their records too (before: left out).

Oracles: SPARQL counts of the store after the next run, the change set files, the manifest's
chunks; never the run's own counters. Input as in test_snapshot_killed_parts.py (300 records,
chunks of 10), every fourth paper with no abstract (an info in its SHACL report graph)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from building import build_store, sparql_store
from conftest import write_config
from killed_snapshot import BOUND, KILLED_AT, change_every_fourth, command, make_input
from run_graph_queries import NAMING, OWN, RECORD, SIZE
from scholarkg.config import load_config
from scholarkg.runs.build import build
from store_contents import reports

pytest_plugins = ("oxigraph_server",)

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"
Ask = Callable[[str], list[dict[str, str]]]


def load(
    directory: Path, *killed_at: str, loader: str = "transactional"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command(directory, *killed_at), "--loader", loader],
        capture_output=True, text=True, timeout=BOUND, check=False,
    )  # fmt: skip


def embedded(directory: Path) -> Ask:
    def ask(query: str) -> list[dict[str, str]]:
        rows = ox.Store.read_only(str(directory / "store")).query(query)
        assert isinstance(rows, ox.QuerySolutions)
        return [{str(v)[1:]: row[v].value for v in rows.variables} for row in rows]  # type: ignore[union-attr]

    return ask


def served(url: str) -> Ask:
    def ask(query: str) -> list[dict[str, str]]:
        request = urllib.request.Request(
            f"{url}/query",
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:  # loopback only
            data = json.load(answer)
        return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]

    return ask


def count(ask: Ask, query: str) -> int:
    return sum(int(row["n"]) for row in ask(query))


def naming(ask: Ask, run: str) -> dict[str, int]:
    """The quads of each graph that names ``run`` as its origin."""
    query = NAMING.replace("?run", f"<{run}>")
    return {row["g"]: int(row["n"]) for row in ask(query)}


@pytest.fixture(params=["embedded", "server"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Ask:
    """The input in ``tmp_path`` and the store its config names, to ask SPARQL queries."""
    make_input(tmp_path)
    change_every_fourth(tmp_path / "s.jsonl", "abstract", "")
    if request.param == "embedded":
        return embedded(tmp_path)
    url: str = request.getfixturevalue("oxigraph_url")
    write_config(tmp_path, [], store=sparql_store(url))
    return served(url)


@pytest.mark.parametrize(
    ("point", "uncommitted"),
    [
        # the 25th graph about to be written: two chunks committed, the third's first graphs
        # in the store with their manifest rows and change set lines not committed
        ("scholarkg.load.transactional:TransactionalLoader._write@25", True),
        # the second chunk's graphs written and their change set lines synced, its commit
        # never made (the first note is the loader's opening one)
        ("scholarkg.load.commit_mark:note_commit@3", True),
        # the third chunk about to be compared with the manifest: two chunks committed
        ("scholarkg.load.manifest:Manifest.unchanged@3", False),
    ],
)
def test_a_killed_transactional_runs_report_says_what_the_store_holds_of_it(
    tmp_path: Path, store: Ask, point: str, uncommitted: bool
) -> None:
    done = load(tmp_path, point)
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    [mark] = (tmp_path / "data" / "state" / "run-unfinished").glob("*.json")
    run = json.loads(mark.read_text())["run"]
    named_then = naming(store, run)
    again = load(tmp_path)  # writes its report and record, and the graphs it left uncommitted
    assert again.returncode in (0, 1), again.stdout + again.stderr
    [report, last] = reports(tmp_path)
    assert report["run_iri"] == run and report["interrupted"], report
    assert last["outcome"] != "failed", last
    graphs = naming(store, run)  # what the store holds of it now
    assert graphs and set(graphs) <= set(named_then)
    assert (len(named_then) > len(graphs)) == uncommitted, (named_then, graphs)
    added = sum(count(store, OWN % (g, g)) for g in graphs)  # provenance left out
    shacl = sum(count(store, SIZE % f"{g}/shacl-report") for g in graphs)
    assert shacl > 0
    assert report["graphs_written"] == len(graphs), report
    assert report["records_loaded"] == len(graphs), report  # a record is one graph
    # read by its last commit: the lines of its committed chunks, none of them bad (null before)
    assert report["records_read"] == len(graphs) and report["unknown"] == [], report
    assert report["committed_quads"] == sum(graphs.values()) + shacl, report
    assert (report["triples_added"], report["triples_removed"]) == (added, 0), report
    changes = tmp_path / "data" / "changes" / run.rsplit("/", 1)[-1]
    assert report["changes_dir"] == str(changes), report
    listed = (changes / "graphs.tsv").read_text().splitlines()
    assert sorted(line.split("\t")[0] for line in listed) == sorted(graphs)
    kept = list(ox.parse(path=changes / "added.nq", format=ox.RdfFormat.N_QUADS))
    assert len(kept) == added and {q.graph_name.value for q in kept} == set(graphs)  # type: ignore[union-attr]
    assert not (changes / "removed.nq").exists()
    counts = {row["p"].rsplit("#", 1)[1]: row["o"] for row in store(RECORD % run)}
    assert counts["outcome"] == "failed", counts
    assert (counts["graphsChanged"], counts["papersLoaded"], counts["triplesAdded"]) == (
        str(len(graphs)),
        str(len(graphs)),
        str(added),
    ), counts


def test_a_killed_bulk_runs_records_count_the_chunks_it_skipped(tmp_path: Path) -> None:
    make_input(tmp_path)
    first = load(tmp_path, loader="bulk")
    assert first.returncode in (0, 1), first.stdout + first.stderr
    path = tmp_path / "s.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    for n in range(200, len(lines)):  # the last chunks change (whole chunks of 10 lines)
        data = json.loads(lines[n])
        data["title"] = f"{data['title']} (revised)"
        lines[n] = json.dumps(data, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # the chunks before skipped, the changed ones' first segment committed, the second not
    done = load(tmp_path, "scholarkg.load.bulk:write_changed@2", loader="bulk")
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    again = load(tmp_path, loader="bulk")
    assert again.returncode in (0, 1), again.stdout + again.stderr
    [earlier, report, last] = reports(tmp_path)
    assert report["interrupted"] and last["outcome"] != "failed", (report, last)
    ask = embedded(tmp_path)
    papers = {run: {g for g in naming(ask, run) if "/graph/arxiv/" in g} for run in
              (earlier["run_iri"], report["run_iri"])}  # fmt: skip
    skipped, written = papers[earlier["run_iri"]], papers[report["run_iri"]]
    assert skipped and written  # the unchanged chunks' and the committed changed ones'
    assert report["records_loaded"] == len(skipped) + len(written), report
    # and read: those and the broken line and the duplicate among them (null before)
    assert report["records_read"] == report["records_loaded"] + 2, report
    assert report["graphs_written"] == len(naming(ask, report["run_iri"])), report
    changes = tmp_path / "data" / "changes" / str(report["run_iri"]).rsplit("/", 1)[-1]
    listed = (changes / "graphs.tsv").read_text().splitlines()
    assert sorted(line.split("\t")[0] for line in listed) == sorted(written)


def test_a_killed_builds_report_says_the_papers_of_the_profiles_it_committed(
    tmp_path: Path,
) -> None:
    first, second = (FIXTURES / name for name in ("arnaud-gotlieb.txt", "robert-dadashi.txt"))
    alone = tmp_path / "alone"
    alone.mkdir()
    _, clean = build_store(alone, [first])  # what the first profile alone loads
    directory = tmp_path / "run"
    directory.mkdir()
    config = write_config(directory, [first, second])
    # the second profile's graphs about to be compared with the manifest: the first's committed
    done = subprocess.run(
        [sys.executable, str(KILLED_AT), "scholarkg.load.manifest:Manifest.unchanged@2",
         "run", "--config", str(config)],
        capture_output=True, text=True, timeout=BOUND, check=False,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    again = build(load_config(config)).report
    assert again.outcome in ("ok", "degraded"), again.summary_lines()
    [report, _] = reports(directory)
    assert report["interrupted"], report
    ask = embedded(directory)
    run = str(report["run_iri"])
    graphs = naming(ask, run)
    assert graphs and clean.papers_loaded > 0
    added = sum(count(ask, OWN % (g, g)) for g in graphs)
    assert (report["graphs_written"], report["papers"]) == (len(graphs), clean.papers_loaded)
    assert (report["triples_added"], report["triples_removed"]) == (added, 0), report
    counts = {row["p"].rsplit("#", 1)[1]: row["o"] for row in ask(RECORD % run)}
    assert counts["papersLoaded"] == str(clean.papers_loaded), counts
