"""The same arXiv id twice in one snapshot: one version of a record per run. The first line with
an id is the record; every later line with that id is quarantined ("duplicate of arXiv id X at
line N") and nothing of it reaches identity, the title index or the store, whether the lines
share a chunk or not and however many workers read them. A re-run changes nothing.

Inputs are real snapshot lines (tests/constructed.py ``snapshot_line``) with ids and authors
changed: the later copy of 0704.0002 is the line of 0704.0008 (another title) under that id.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from constructed import snapshot_line
from scholarkg.config import Config, load_config
from scholarkg.extract.snapshot_lines import SnapshotLine
from scholarkg.quarantine import read_quarantined
from scholarkg.resolution.index import TitleIndex
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.chunk_work import WorkerSetup
from scholarkg.runs.state_paths import title_index_path

FIRST = "0704.0002"
FIRST_TITLE = "Sparsity-certifying Graph Decompositions"
GRAPH = f"https://w3id.org/scholarkg/id/graph/arxiv/{FIRST}"
COPY_TITLE_OF = "0704.0008"  # "Numerical solution of shock and ramp compression …", not loaded
PAPERS = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?p a skg:Paper } }"""
TITLES = f"""SELECT ?t WHERE {{ GRAPH <{GRAPH}> {{
  ?p <http://purl.org/dc/terms/title> ?t }} }}"""


def mentions(config: Config, word: str) -> list[dict[str, object]]:
    """Anything in the store (IRI or literal) that contains ``word`` (case-insensitive)."""
    return rows(
        config,
        "SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o "
        f'FILTER(CONTAINS(LCASE(CONCAT(STR(?s), " ", STR(?o))), "{word}")) }} }}',
    )


def snapshot(directory: Path, *, twice_more: bool = False) -> Path:
    lines = [
        snapshot_line("0704.0004"),
        snapshot_line(FIRST),  # line 2: the record
        snapshot_line("0704.0005"),
        snapshot_line("0704.0006"),
        snapshot_line(COPY_TITLE_OF, new_id=FIRST, authors=["Zed Zulu"]),  # line 5
    ]
    if twice_more:  # line 6, in the chunk of line 5 (chunks of 3)
        lines.append(snapshot_line("0704.0009", new_id=FIRST, authors=["Quentin Quarrel"]))
    path = directory / "snapshot.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize(
    ("chunk_records", "twice_more"),
    [(1000, False), (3, False), (3, True)],
    ids=["one chunk", "two chunks", "two chunks, copied twice"],
)
def test_the_first_line_of_an_id_is_the_record(
    tmp_path: Path, workers: int, chunk_records: int, twice_more: bool
) -> None:
    config = load_config(write_config(tmp_path, []))
    path = snapshot(tmp_path, twice_more=twice_more)
    later = [5, 6] if twice_more else [5]

    report = load_snapshot(config, path, chunk_records=chunk_records, workers=workers).report

    duplicates = [f"{path}:{n}: duplicate of arXiv id {FIRST} at line 2" for n in later]
    assert report.quarantined == duplicates
    assert (report.records_read, report.records_loaded) == (4 + len(later), 4)
    assert (report.outcome, report.rejected) == ("partial", [])
    assert int(rows(config, PAPERS)[0]["n"]) == report.records_loaded == 4
    assert [r["t"] for r in rows(config, TITLES)] == [FIRST_TITLE]
    assert mentions(config, "zulu") == [] and mentions(config, "quarrel") == []
    kept = {r.line: r.reason for r in read_quarantined(config.quarantine_dir).records}
    for n in later:
        assert kept[n] == f"duplicate of arXiv id {FIRST} at line 2"
    index = TitleIndex(title_index_path(config))
    try:
        assert index.get([FIRST])[FIRST].title == FIRST_TITLE
        copied = json.loads(snapshot_line(COPY_TITLE_OF))["title"]
        assert index.exact(copied) == []
    finally:
        index.close()
    quads = report.store_quads

    again = load_snapshot(config, path, chunk_records=chunk_records, workers=workers).report

    assert (again.graphs_written, again.persons_new, again.identity_events) == (0, 0, [])
    assert again.store_quads == quads
    assert again.quarantined == duplicates and again.outcome == "partial"
    assert (again.records_read, again.records_loaded) == (report.records_read, 4)
    assert "1 chunks unchanged since the last run (skipped)" in again.notes, again
    assert [r["t"] for r in rows(config, TITLES)] == [FIRST_TITLE]
    assert not (config.state_dir / "snapshot-first-lines.sqlite").exists()  # scratch, gone


def test_a_chunk_loaded_before_is_processed_again_when_an_earlier_line_has_its_id(
    tmp_path: Path,
) -> None:
    config = load_config(write_config(tmp_path, []))
    path = tmp_path / "snapshot.jsonl"
    later = [snapshot_line("0704.0005"), snapshot_line("0704.0006")]  # the second chunk
    path.write_text("\n".join([snapshot_line(FIRST), snapshot_line("0704.0004"), *later]) + "\n")
    assert load_snapshot(config, path, chunk_records=2, workers=0).report.outcome == "ok"

    # the first chunk now holds another line with 0704.0005: the second chunk, unchanged and
    # held by the store, is no longer what it was (its 0704.0005 is a later copy)
    copy = snapshot_line("0704.0009", new_id="0704.0005", authors=["Zed Zulu"])
    path.write_text("\n".join([snapshot_line(FIRST), copy, *later]) + "\n")
    report = load_snapshot(config, path, chunk_records=2, workers=0).report

    assert report.quarantined == [f"{path}:3: duplicate of arXiv id 0704.0005 at line 2"]
    assert not any("unchanged since the last run" in n for n in report.notes)
    graph = "https://w3id.org/scholarkg/id/graph/arxiv/0704.0005"
    titles = rows(config, TITLES.replace(GRAPH, graph))
    assert [r["t"] for r in titles] == [" ".join(json.loads(copy)["title"].split())]

    again = load_snapshot(config, path, chunk_records=2, workers=0).report
    assert (again.graphs_written, again.persons_new, again.identity_events) == (0, 0, [])
    assert again.quarantined == report.quarantined
    assert [r["t"] for r in rows(config, TITLES.replace(GRAPH, graph))] == [titles[0]["t"]]


def test_a_skipped_chunk_reads_the_ids_a_full_parse_reads(tmp_path: Path) -> None:
    """A skipped chunk takes a plainly written leading id without parsing the line; any other
    line is parsed, and an id twice in the chunk means it is processed again after all."""
    from scholarkg.runs.chunk_work import skipped_lines

    setup = WorkerSetup("https://w3id.org/scholarkg/id/", str(tmp_path / "quarantine"))
    kaggle = [json.loads(snapshot_line(i)) for i in ("0704.0004", "0704.0005", "0704.0006")]
    texts = [
        json.dumps(kaggle[0]),
        json.dumps({k: v for k, v in kaggle[1].items() if k != "id"} | {"id": "0705.0001"}),
        json.dumps(kaggle[2] | {"id": "math/0501001v2"}).replace("/", "\\/"),
        "",
        json.dumps(kaggle[0] | {"id": "arXiv:0705.0002v3"}),
        json.dumps(kaggle[1] | {"id": "hep-th/9901001"}),
        json.dumps(kaggle[2] | {"id": "math.GT/0309136"}),
    ]
    lines = [SnapshotLine(n, t.encode()) for n, t in enumerate(texts, 1)]
    fast = skipped_lines(0, "s.jsonl", lines, False, setup)
    full = skipped_lines(0, "s.jsonl", lines, True, setup)
    assert (
        fast.ids
        == full.ids
        == [
            ("0704.0004", 1),
            ("0705.0001", 2),
            ("math/0501001", 3),
            ("0705.0002", 5),
            ("hep-th/9901001", 6),
            ("math/0309136", 7),
        ]
    )
    assert not fast.stale and full.quarantined == []

    again = [*lines, SnapshotLine(6, texts[0].encode())]
    assert skipped_lines(0, "s.jsonl", again, False, setup).stale
