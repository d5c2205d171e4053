"""The snapshot job: both loaders give the same store, re-runs are cheap and checked against the
store, bad records are quarantined and the rest loads."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from building import content
from conftest import write_config
from scholarkg.config import Config, load_config
from scholarkg.iris import Minter
from scholarkg.quarantine import read_quarantined
from scholarkg.quarantine_graphs import read_rejected
from scholarkg.runs import close
from scholarkg.runs.arxiv_fetch import fetch_ids
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.context import RunContext
from scholarkg.store.embedded import EmbeddedStore
from snapshot_sample import LINES, SNAPSHOT, write_lines

ARXIV_GRAPH = Minter().base + "graph/arxiv/"


def config_in(directory: Path) -> Config:
    directory.mkdir(parents=True, exist_ok=True)
    return load_config(write_config(directory, []))


def record_graphs(config: Config) -> dict[str, set[tuple[str, str, str]]]:
    return {
        g: t
        for g, t in content(config).items()
        if g.startswith(ARXIV_GRAPH) and not g.endswith("/shacl-report")
    }


def retitled(number: int, title: str) -> str:
    data = json.loads(LINES[number])
    data["title"] = title
    return json.dumps(data)


def bad_category(number: int, category: str = "Not!ACategory") -> str:
    """Line ``number`` with a category that is no arXiv category notation (a SHACL violation)."""
    data = json.loads(LINES[number])
    data["categories"] = data["categories"] + " " + category
    return json.dumps(data)


@pytest.mark.parametrize("workers", [0, 2])
def test_bulk_and_transactional_loaders_give_the_same_store(tmp_path: Path, workers: int) -> None:
    bulk = config_in(tmp_path / "bulk")
    report = load_snapshot(bulk, SNAPSHOT, chunk_records=30, workers=workers).report
    assert (report.records_read, report.records_loaded, report.outcome) == (100, 100, "ok")
    one_by_one = config_in(tmp_path / "one")
    load_snapshot(one_by_one, SNAPSHOT, chunk_records=40, workers=0, bulk=False)
    expected = content(one_by_one)
    assert len(record_graphs(one_by_one)) == 100
    assert content(bulk) == expected  # record graphs, person graphs, reports: identical


def test_the_same_record_through_the_api_and_the_snapshot_gives_the_same_graph(
    tmp_path: Path,
) -> None:
    from arxiv_replay import ReplayServer

    server = ReplayServer(assemble=True).start()
    try:
        api = config_in(tmp_path / "api")
        api = load_config(
            write_config(
                tmp_path / "api", [], arxiv={"api_url": server.api_url, "min_interval": 0.01}
            )
        )
        fetch_ids(api, ["2104.12255"])
    finally:
        server.stop()
    graph = ARXIV_GRAPH + "2104.12255"
    assert graph in record_graphs(api)


def test_rerun_of_unchanged_input_rewrites_nothing(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    first = load_snapshot(config, SNAPSHOT, chunk_records=30, workers=0).report
    before = content(config)
    again = load_snapshot(config, SNAPSHOT, chunk_records=30, workers=0).report
    assert again.graphs_written == 0 and again.records_read == 100
    assert any("4 chunks unchanged" in n for n in again.notes)
    assert again.change_line().startswith("changes: nothing new")
    assert content(config) == before
    assert again.store_quads == first.store_quads


def test_a_graph_dropped_behind_the_manifest_is_restored(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    load_snapshot(config, SNAPSHOT, chunk_records=30, workers=0)
    before = record_graphs(config)
    victim = ARXIV_GRAPH + json.loads(LINES[5])["id"]
    with EmbeddedStore(config.store.path) as store:
        store.replace_graph_ntriples(victim, "")
    report = load_snapshot(config, SNAPSHOT, chunk_records=30, workers=0).report
    assert report.graphs_written == 1
    assert record_graphs(config) == before


def test_a_then_changed_b_then_a_again_leaves_a(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    a = write_lines(tmp_path / "a.jsonl", LINES)
    b = write_lines(tmp_path / "b.jsonl", [*LINES[:42], retitled(42, "A new title"), *LINES[43:]])
    load_snapshot(config, a, chunk_records=30, workers=0)
    expected = record_graphs(config)
    load_snapshot(config, b, chunk_records=30, workers=0)
    assert record_graphs(config) != expected
    report = load_snapshot(config, a, chunk_records=30, workers=0).report
    assert report.graphs_written == 1
    assert record_graphs(config) == expected


def test_changed_record_replaces_its_graph_only(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    load_snapshot(config, SNAPSHOT, chunk_records=30, workers=0)
    changed = write_lines(
        tmp_path / "changed.jsonl", [*LINES[:42], retitled(42, "A new title"), *LINES[43:]]
    )
    report = load_snapshot(config, changed, chunk_records=30, workers=0).report
    assert report.graphs_written == 1 and report.triples_added > 0 and report.triples_removed > 0
    fresh = config_in(tmp_path / "fresh")
    load_snapshot(fresh, changed, workers=0)
    assert record_graphs(config) == record_graphs(fresh)


def test_a_duplicate_record_is_quarantined_and_the_first_line_wins(tmp_path: Path) -> None:
    """One version of a record per run: a later line with an id read before is quarantined
    (the store, the dump and the report agree, and a re-run changes nothing)."""
    config = config_in(tmp_path / "store")
    twice = write_lines(tmp_path / "twice.jsonl", [*LINES, retitled(7, "Second version")])
    report = load_snapshot(config, twice, chunk_records=30, workers=0).report
    first = json.loads(LINES[7])["id"]
    assert (report.records_read, report.records_loaded) == (101, 100)
    assert report.quarantined == [f"{twice}:101: duplicate of arXiv id {first} at line 8"]
    expected = config_in(tmp_path / "expected")
    load_snapshot(expected, write_lines(tmp_path / "once.jsonl", LINES), workers=0)
    assert record_graphs(config) == record_graphs(expected)


@pytest.mark.parametrize("category", ["Not!ACategory", "a" * 10_000], ids=["sign", "long"])
def test_bad_records_are_quarantined_and_the_rest_loads(tmp_path: Path, category: str) -> None:
    """A category of 10 000 letters is no arXiv notation either (no part of one is longer than
    12 letters): before, it loaded as a category IRI of 10 036 characters."""
    config = config_in(tmp_path)
    bad = write_lines(
        tmp_path / "bad.jsonl",
        [*LINES[:10], "{not json", *LINES[10:20], bad_category(20, category), *LINES[21:]],
    )
    report = load_snapshot(config, bad, chunk_records=30, workers=0).report
    rejected = ARXIV_GRAPH + json.loads(LINES[20])["id"]
    assert report.rejected == [rejected] and len(report.quarantined) == 1
    assert report.records_loaded == 99 and report.outcome == "partial"
    assert rejected not in record_graphs(config)
    [kept] = read_rejected(config.quarantine_dir).graphs
    assert kept.graph == rejected
    assert any(f["severity"] == "Violation" for f in kept.findings)
    assert [r.line for r in read_quarantined(config.quarantine_dir).records] == [11]


@pytest.mark.parametrize("bulk", [False, True], ids=["transactional", "bulk"])
def test_records_loaded_are_the_records_the_store_holds(tmp_path: Path, bulk: bool) -> None:
    """A record the store cannot take (a 20 MB abstract, the reader limits raised on purpose;
    Oxigraph holds at most 16 MiB in a value) is not counted as loaded. Transactional: that
    graph goes to the dead letters and the others load. Bulk: its segment fails, the run fails
    and the count says what the store holds (nothing of that segment)."""
    data = json.loads(LINES[0])
    data["id"], data["abstract"] = "9004.00001", "x" * (20 << 20)
    snapshot = write_lines(tmp_path / "snapshot.jsonl", [*LINES[:30], json.dumps(data)])
    limits = {"literal_bytes": 64 << 20, "line_bytes": 64 << 20}
    config = load_config(write_config(tmp_path, [], limits=limits))
    report = load_snapshot(config, snapshot, chunk_records=10, workers=0, bulk=bulk).report
    held = len(record_graphs(config))
    assert report.records_read == 31 and report.records_loaded == held
    if bulk:
        assert report.store_error and report.outcome == "failed"
    else:
        assert held == 30 and [g for g, _ in report.dead] == [ARXIV_GRAPH + "9004.00001"]
    assert f"{held} loaded" in "\n".join(report.summary_lines())


def test_the_worker_processes_end_before_the_run_publishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """They make the record and person graphs; publishing needs none, and at 100k records
    they held a quarter of the run's peak memory while it published."""
    alive: list[int] = []
    publish = close._close_store_side

    def counting(ctx: RunContext) -> None:
        alive.append(len(multiprocessing.active_children()))
        publish(ctx)

    monkeypatch.setattr(close, "_close_store_side", counting)
    report = load_snapshot(config_in(tmp_path), SNAPSHOT, chunk_records=30, workers=2).report
    assert report.outcome == "ok" and report.records_loaded == 100
    assert alive == [0]


def test_a_lone_surrogate_quarantines_its_line_and_the_rest_loads(tmp_path: Path) -> None:
    """CONSTRUCTED: lines of the sample with a JSON \\ud800 escape that pairs with nothing (in
    the title, the abstract, an author), which no UTF-8 text can hold; it crashed the whole
    load in the emitter. A real pair (an emoji written as two escapes) is a character."""

    def edited(number: int, field: str, value: object) -> str:
        data = json.loads(LINES[number])
        data[field] = value
        return json.dumps(data)  # ensure_ascii: the surrogate stays a \\u escape

    bad = [
        edited(3, "title", "Bad \ud800 title"),
        edited(4, "abstract", "tail \udfff"),
        edited(5, "authors_parsed", [["Lee\ud800", "Ann", ""]]),
    ]
    emoji = edited(6, "title", "Good \U0001f600 title")
    lines = [*LINES[:3], *bad, emoji, *LINES[7:]]
    config = config_in(tmp_path)
    report = load_snapshot(config, write_lines(tmp_path / "s.jsonl", lines), workers=0).report
    assert report.records_read == 100 and report.records_loaded == 97
    assert len(report.quarantined) == 3
    assert all("lone surrogate" in q for q in report.quarantined), report.quarantined
    assert [q.split(": ")[0].rsplit(":", 1)[1] for q in report.quarantined] == ["4", "5", "6"]
    titles = {str(t[2]) for g in record_graphs(config).values() for t in g}
    assert '"Good \U0001f600 title"' in titles


def test_a_byte_order_mark_before_the_first_line_is_no_damage(tmp_path: Path) -> None:
    """CONSTRUCTED: the sample as some editors save it, with a UTF-8 BOM; its first record was
    quarantined (JSON cannot start with one)."""
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + SNAPSHOT.read_bytes())
    report = load_snapshot(config_in(tmp_path), path, workers=0).report
    assert (report.records_read, report.records_loaded, report.quarantined) == (100, 100, [])


@pytest.mark.parametrize("bulk", [True, False])
def test_control_characters_quarantine_their_line_naming_the_field(
    tmp_path: Path, bulk: bool
) -> None:
    """CONSTRUCTED: lines of the sample whose title, abstract or author carries a control
    character (JSON ``\\u0000``–``\\u001f`` other than white space, or DEL). They were loaded
    as they stood: a title with NUL, BEL, ESC in the store, which no XML serialisation can
    write. Each such line is quarantined with the field named; white-space controls (tab, line
    breaks, vertical tab, form feed) are white space, folded to one space as before."""

    def edited(number: int, field: str, value: object) -> str:
        data = json.loads(LINES[number])
        data[field] = value
        return json.dumps(data)  # ensure_ascii: the controls stay \\u escapes

    bad = [
        edited(3, "title", "Bad \x00 title"),
        edited(4, "abstract", "bell \x07 in the abstract"),
        edited(5, "authors_parsed", [["Lee\x1b", "Ann", ""]]),
        edited(6, "title", "Delete \x7f title"),
        edited(7, "comments", "unit \x1f separator"),
    ]
    spaced = edited(8, "title", "Tab\there,\x0bvertical\x0cfeed\r\nbreak")
    lines = [*LINES[:3], *bad, spaced, *LINES[9:]]
    config = config_in(tmp_path)
    path = write_lines(tmp_path / "s.jsonl", lines)
    report = load_snapshot(config, path, workers=0, bulk=bulk).report
    assert (report.records_read, report.records_loaded) == (100, 95)
    assert [q.split(": ", 1)[0].rsplit(":", 1)[1] for q in report.quarantined] == [
        "4",
        "5",
        "6",
        "7",
        "8",
    ]
    fields = ["title", "abstract", "authors_parsed", "title", "comments"]
    codes = ["U+0000", "U+0007", "U+001B", "U+007F", "U+001F"]
    for said, field, code in zip(report.quarantined, fields, codes, strict=True):
        assert f"{field}: control character {code}" in said, said
    assert len(read_quarantined(config.quarantine_dir).records) == 5
    literals = {t[2] for g in record_graphs(config).values() for t in g}
    assert '"Tab here, vertical feed break"' in literals
    assert not any(c in lit for lit in literals for c in ("\\u0000", "\\u0007", "\\u007F"))
