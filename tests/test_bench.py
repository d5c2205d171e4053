"""The bench's own machinery: generated input, labelled sets, scoring, pairing and the ablation.

Nothing here is timed; the bench's figures are printed by ``make bench``, never asserted.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from collections import Counter
from itertools import islice
from pathlib import Path

from samples import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import pyoxigraph as ox

import generate
import identity_quality
import identity_same_name as same_name
import identity_set
import measure
import resolution_set
from ablation import identity_disabled, identity_naive, person_shards
from conftest import write_config
from scholarkg.config import load_config
from scholarkg.extract.snapshot import parse_snapshot_line
from scholarkg.identity.names import block, name_key
from scholarkg.iris import Minter
from scholarkg.runs import gating, identity_step
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.context import RunContext
from scholarkg.runs.state_paths import registry_path
from scholarkg.transform.arxiv import emit_arxiv
from scholarkg.transform.emit import NTriplesEmitter

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"


def severities(item: dict[str, object]) -> set[str]:
    record = parse_snapshot_line(json.dumps(item), source="bench")
    out = NTriplesEmitter()
    emit_arxiv(record, Minter(), out)
    return {f.severity for f in gating.check(out.triples)}


def test_generated_records_are_deterministic_labelled_and_real_first() -> None:
    first = list(generate.records(400))
    assert first == list(generate.records(400))
    assert first[:100] == generate.real_records()
    for item in first[100:]:
        assert item["id"].startswith("90") and item["submitter"] == generate.LABEL
        assert generate.LABEL in item["comments"]
    assert list(generate.records(300)) == first[:300]  # a smaller N is a prefix


def test_no_generated_version_is_dated_after_the_bench_s_latest_day() -> None:
    """A record dated after its snapshot file was written is quarantined: version 3 of the
    input dated a few records up to 2029, so which loaded depended on the day it was generated
    (one of 10 000 on 2026-12-06). Later versions are moved back to ``LATEST``."""
    latest = generate._rfc2822(generate.LATEST)
    dates = [
        dt.datetime.strptime(v["created"], "%a, %d %b %Y %H:%M:%S GMT")
        for item in islice(generate.records(10_000), 100, None)
        for v in item["versions"]
    ]
    assert max(dates) == generate.LATEST
    assert 0 < sum(generate._rfc2822(d) == latest for d in dates) < 100


def test_injected_problems_are_what_the_gate_reports() -> None:
    base = generate.real_records()[0]
    expected = {generate.VIOLATION: "Violation", "no dated version": "Warning"}
    expected |= {"short DOI registrant": "Warning", "no abstract": "Info"}
    assert severities(base) == set()
    for problem, severity in expected.items():
        item = json.loads(json.dumps(base))
        item["comments"] = ""
        generate.inject(item, problem)
        assert severities(item) == {severity}, problem


def test_synthetic_authors_recur_and_blocks_hold_several_people() -> None:
    authors = [
        a for item in islice(generate.records(3000), 100, None) for a in item["authors_parsed"]
    ]
    names = Counter((a[1], a[0]) for a in authors)
    assert max(names.values()) >= 20  # prolific persons
    assert sum(1 for n in names.values() if n == 1) > len(names) / 3  # and many one-paper authors
    given: dict[str, set[str]] = {}
    for first, last in names:
        given.setdefault(block(f"{first} {last}"), set()).add(first)
    assert max(len(g) for g in given.values()) >= 3
    for item in islice(generate.records(600), 100, None):
        listed = [tuple(a[:2]) for a in item["authors_parsed"]]
        assert len(listed) == len(set(listed))


def test_identity_set_plants_what_it_says() -> None:
    labelled = identity_set.build()
    by_id = {line["id"]: line for line in labelled.lines}
    homonyms: dict[str, list[tuple[str, int]]] = {}
    for line in labelled.lines:
        for position, name in enumerate(identity_set.names_of(line), start=1):
            if name in identity_set.HOMONYM_NAMES:
                homonyms.setdefault(name, []).append((line["id"], position))
    assert len(homonyms) == identity_set.HOMONYM_GROUPS
    for mentions in homonyms.values():
        assert len({labelled.truth[m] for m in mentions}) == 3  # three different people
        blocks = [{block(n) for n in identity_set.names_of(by_id[i])} for i, _ in mentions]
        assert all(len(a & b) == 1 for a in blocks for b in blocks if a is not b)
    companions = [line for line in labelled.lines if line["id"].startswith("9901.")]
    assert len(companions) == identity_set.SYNONYMS
    for line in companions:
        assert identity_set.LABEL in line["comments"]
        people = [labelled.truth[(line["id"], p)] for p in (1, 2)]
        for person in people:  # each is someone who already wrote a real record
            assert any(
                not k[0].startswith("9901.") and v == person for k, v in labelled.truth.items()
            )


def test_pairwise_score_counts_pairs() -> None:
    truth = {("a", 1): "x", ("b", 1): "x", ("c", 1): "x", ("a", 2): "y", ("b", 2): "y"}
    truth[("d", 1)] = "z"
    predicted = {("a", 1): "p", ("b", 1): "p", ("c", 1): "q", ("a", 2): "q", ("b", 2): "s"}
    predicted[("d", 1)] = "r"
    found = identity_quality.score(truth, predicted)
    assert (found["true_pairs"], found["predicted_pairs"], found["correct_pairs"]) == (4, 2, 1)
    assert (found["precision"], found["recall"], found["f1"]) == (0.5, 0.25, round(1 / 3, 4))
    # x on a and b, y on a and b: each pair shares a co-author; x on c shares none
    assert found["true_pairs_with_evidence"] == 2 and found["recall_with_evidence"] == 0.5


def test_same_name_candidate_joins_written_out_names_the_rule_holds_for() -> None:
    def record(name: str, category: str, year: int, title: str) -> identity_set.Line:
        line = {"title": title, "categories": category, "authors_parsed": [["x", "", ""]]}
        line["versions"] = [{"created": f"Mon, 01 Jan {year} 00:00:00 GMT"}]
        identity_set.set_name(line, 1, name)
        return line

    lines = {
        "a": record("Gordon Fraser", "cs.SE", 2021, "Flaky tests in Python"),
        "b": record("Gordon Fraser", "cs.SE cs.NE", 2022, "Testing games"),
        "c": record("Gordon Fraser", "hep-th", 2022, "Pure spinors"),  # a homonym
        "d": record("G. Fraser", "cs.SE", 2021, "Flaky tests in Python"),  # an initial
    }
    carries = {(k, 1): same_name.carried(line, 1) for k, line in lines.items()}
    predicted = {m: m[0] for m in carries}  # each a person of their own
    rule = same_name.CANDIDATES["+ the same primary category, ≤ 2 y apart"]
    found = same_name.joined(predicted, carries, rule)
    assert found[("a", 1)] == found[("b", 1)]
    assert len({found[("a", 1)], found[("c", 1)], found[("d", 1)]}) == 3
    assert same_name.joined(predicted, carries, same_name.CANDIDATES["same name"])[("d", 1)] == "d"
    truth = {("a", 1): "gf", ("b", 1): "gf", ("c", 1): "other", ("d", 1): "gf"}
    scores = same_name.scored(truth, found, [(("a", 1), ("c", 1))])
    assert (scores["precision"], scores["recall"], scores["homonym_pairs_merged"]) == (
        1.0,
        0.3333,
        0,
    )


def test_compare_pairs_runs_in_order() -> None:
    def run(wall: float, cpu: float) -> measure.Run:
        return measure.Run("x", wall, cpu, 1 << 20, {})

    found = measure.compare([run(3, 2), run(4, 4)], [run(1, 1), run(4, 1)])
    assert found["ratio_wall"] == {"min": 1.0, "median": 2.0}
    assert found["ratio_cpu"] == {"min": 2.0, "median": 3.0}
    assert found["a"]["wall_s"] == {"min": 3, "median": 3.5}


def test_resolution_set_kinds() -> None:
    cases = resolution_set.build()
    kinds = Counter(c.kind for c in cases)
    assert kinds == {"exact": 50, "near-miss": 35, "decoy": 20}
    assert all(c.expected is None for c in cases if c.kind == "decoy")
    pages = resolution_set.pages(cases)
    assert all(len(page) <= 25 for group in pages.values() for page in group)


def test_the_identity_ablation_decides_nothing_and_is_undone(tmp_path: Path) -> None:
    original = RunContext.__dict__["identity"]
    (tmp_path / "off").mkdir()
    (tmp_path / "on").mkdir()
    off = load_config(write_config(tmp_path / "off", []))
    with identity_disabled():
        report = load_snapshot(off, SNAPSHOT, workers=0).report
    assert RunContext.__dict__["identity"] is original
    assert (report.records_loaded, report.persons_new) == (100, 0)
    on = load_config(write_config(tmp_path / "on", []))
    assert load_snapshot(on, SNAPSHOT, workers=0).report.persons_new > 0


def registry_rows(config_path: Path, query: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(registry_path(load_config(config_path)))
    try:
        return list(db.execute(query))
    finally:
        db.close()


def test_the_naive_ablation_makes_one_person_per_name_key_and_loads_them(tmp_path: Path) -> None:
    """Every authorship the resolver decides gets the person of its name key; their graphs
    are emitted, gated and loaded as the resolver's are (none refused), and it is undone."""
    original = RunContext.__dict__["identity"]
    (tmp_path / "naive").mkdir()
    (tmp_path / "on").mkdir()
    naive_path, on_path = write_config(tmp_path / "naive", []), write_config(tmp_path / "on", [])
    with identity_naive():
        naive = load_snapshot(load_config(naive_path), SNAPSHOT, workers=0).report
    assert RunContext.__dict__["identity"] is original
    on = load_snapshot(load_config(on_path), SNAPSHOT, workers=0).report
    query = "SELECT node, person, name FROM mentions ORDER BY node"
    naive_rows, on_rows = registry_rows(naive_path, query), registry_rows(on_path, query)
    assert [r[0] for r in naive_rows] == [r[0] for r in on_rows]  # the same authorships
    by_key: dict[str, set[object]] = {}
    for _, person, name in naive_rows:
        by_key.setdefault(name_key(str(name)), set()).add(person)
    assert all(len(persons) == 1 for persons in by_key.values())
    assert naive.persons_new == len(by_key) == len({r[1] for r in naive_rows})
    assert naive.records_loaded == on.records_loaded == 100
    assert naive.rejected == on.rejected == []  # no person graph refused
    assert naive.store_quads > 0 and on.persons_new >= naive.persons_new


def person_quads(store: Path) -> tuple[Counter[str], Counter[tuple[str, str, str]]]:
    """The quads of the store's person graphs: how many each graph holds, and their triples
    less each graph's own provenance (the statements about the graph)."""
    graphs: Counter[str] = Counter()
    triples: Counter[tuple[str, str, str]] = Counter()
    for quad in ox.Store.read_only(str(store)):
        graph = str(getattr(quad.graph_name, "value", ""))
        if "/graph/person/" in graph or "/graph/persons/" in graph:
            graphs[graph] += 1
            if quad.subject.value != graph:
                triples[(str(quad.subject), str(quad.predicate), str(quad.object))] += 1
    return graphs, triples


def test_the_shards_ablation_writes_the_same_persons_n_to_a_graph(tmp_path: Path) -> None:
    """With persons 4 to a graph the store holds the same person triples in a quarter of the
    graphs (3 provenance quads each), the gate refuses none, every person is written, and the
    identity step is itself again after the block."""
    original = identity_step.person_graphs, identity_step._commit
    (tmp_path / "one").mkdir()
    (tmp_path / "four").mkdir()
    one_path, four_path = write_config(tmp_path / "one", []), write_config(tmp_path / "four", [])
    one = load_snapshot(load_config(one_path), SNAPSHOT, workers=0).report
    with person_shards(4):
        four = load_snapshot(load_config(four_path), SNAPSHOT, workers=0).report
    assert (identity_step.person_graphs, identity_step._commit) == original
    one_graphs, one_triples = person_quads(tmp_path / "one" / "store")
    four_graphs, four_triples = person_quads(tmp_path / "four" / "store")
    assert one_triples == four_triples and one.persons_new == four.persons_new > 8
    assert len(one_graphs) == one.persons_new and all("/person/" in g for g in one_graphs)
    assert len(four_graphs) == -(-one.persons_new // 4)  # one batch: ceil(persons / 4)
    assert all("/graph/persons/" in g for g in four_graphs)
    assert sum(one_graphs.values()) - sum(four_graphs.values()) == 3 * (
        len(one_graphs) - len(four_graphs)
    )
    assert four.rejected == one.rejected == []
    query = "SELECT count(*), sum(dirty), sum(published) FROM persons"
    assert registry_rows(four_path, query) == registry_rows(one_path, query)
