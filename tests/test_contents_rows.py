"""The manifest's contents rows: each graph's N-Quads kept compressed, read back byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from pathlib import Path

from scholarkg.load.contents import Contents, GraphStats, bucket_of, nquads
from scholarkg.load.payload import make_payload, written_form
from scholarkg.validate import Finding

TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
NAME = "<http://xmlns.com/foaf/0.1/name>"


def _graph(n: int) -> tuple[str, bytes, GraphStats]:
    iri = f"https://example.org/graph/{n}"
    triples = [(f"<https://example.org/p/{n}>", TYPE, "<http://xmlns.com/foaf/0.1/Person>")]
    triples += [(f"<https://example.org/p/{n}>", NAME, f'"name {n} {i}"') for i in range(n % 7)]
    body = "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode()
    return iri, nquads(iri, body), GraphStats.of(triples)


def _contents(path: Path) -> Contents:
    return Contents(sqlite3.connect(path))


def test_rows_read_back_as_written_with_their_quad_counts(tmp_path: Path) -> None:
    contents = _contents(tmp_path / "m.sqlite")
    graphs = [_graph(n) for n in range(40)]
    contents.put_many([(iri, data, stats, True) for iri, data, stats in graphs])
    for bucket in sorted({bucket_of(iri) for iri, _, _ in graphs}):
        expected = sorted((iri, data) for iri, data, _ in graphs if bucket_of(iri) == bucket)
        read = list(contents.bucket(bucket))
        assert [data for data, _ in read] == [data for _, data in expected]
        assert [quads for _, quads in read] == [data.count(b"\n") for _, data in expected]
    assert contents.predicate_totals()[NAME[1:-1]] == sum(n % 7 for n in range(40))


def test_rows_written_by_an_older_version_in_zlib_are_still_read(tmp_path: Path) -> None:
    """Manifests written before the rows were Zstandard frames hold zlib streams: publishing
    from such a manifest must give the same dump, and new rows sit beside old ones."""
    path = tmp_path / "m.sqlite"
    contents = _contents(path)
    old_iri, old_data, old_stats = _graph(3)
    contents.db.execute(
        "INSERT INTO contents VALUES (?, ?, 1, ?, ?, ?, ?)",
        (
            old_iri,
            bucket_of(old_iri),
            old_data.count(b"\n"),
            zlib.compress(old_data, 1),
            json.dumps(old_stats.predicates),
            json.dumps(sorted(set(old_stats.typed))),
        ),
    )
    new_iri, new_data, new_stats = next(
        g
        for g in (_graph(n) for n in range(4, 5000))
        if bucket_of(g[0]) == bucket_of(old_iri) and g[0] != old_iri
    )
    contents.put_many([(new_iri, new_data, new_stats, True)])
    contents.db.commit()
    reopened = _contents(path)
    read = dict(zip(sorted([old_iri, new_iri]), reopened.bucket(bucket_of(old_iri)), strict=True))
    assert read[old_iri] == (old_data, old_data.count(b"\n"))
    assert read[new_iri] == (new_data, new_data.count(b"\n"))
    stored = reopened.db.execute("SELECT data FROM contents WHERE iri = ?", (new_iri,)).fetchone()
    assert not stored[0].startswith(b"x")  # new rows are not zlib streams (0x78 …)
    reopened.drop(old_iri)  # an old row can be replaced and dropped like any other
    assert [d for d, _ in reopened.bucket(bucket_of(old_iri))] == [new_data]


def test_compare_with_a_store_s_graph_names_streamed_once(tmp_path: Path) -> None:
    contents = _contents(tmp_path / "m.sqlite")
    contents.put_many([(iri, data, stats, True) for iri, data, stats in map(_graph, range(6))])
    noted = [f"https://example.org/graph/{n}" for n in range(6)]
    held = (iri for iri in [noted[5], *noted[2:5], "https://example.org/graph/b", noted[3]])
    gone, new = contents.compare(held)  # a generator, read once; duplicates are harmless
    assert sorted(gone) == noted[:2]
    assert new == ["https://example.org/graph/b"]
    assert contents.compare(iter(noted)) == ([], [])  # nothing left over from the last call


def test_written_form_counts_the_provenance_as_the_body_it_writes() -> None:
    """The statistics of a graph as written are those of its N-Triples, provenance included,
    keys in the order the row's JSON has always had (the payload's, then the provenance's)."""
    triples = [
        ("<https://example.org/p/1>", TYPE, "<http://xmlns.com/foaf/0.1/Person>"),
        ("<https://example.org/p/1>", NAME, '"A. Person"'),
        ("<https://example.org/p/1>", NAME, '"Anna Person"'),
    ]
    finding = Finding(
        "Warning", "https://example.org/p/1", NAME[1:-1], "short", "https://example.org/S"
    )
    for findings, source in (((), None), ((finding,), "https://example.org/src.jsonl")):
        payload = make_payload(
            "https://example.org/graph/1",
            "person",
            triples,
            findings,
            source=source,
            source_sha256="ab" * 32 if source else None,
        )
        when = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)
        body, _, stats, quads = written_form(payload, "https://example.org/run/1", when)
        lines = [line[:-2].split(" ", 2) for line in body.decode().splitlines()]
        expected = GraphStats.of([(s, p, o) for s, p, o in lines])
        assert json.dumps(stats.predicates) == json.dumps(expected.predicates)
        assert stats.typed == expected.typed and quads == len(lines)


def test_graph_stats_count_predicates_in_first_seen_order_and_typed_iris_only() -> None:
    triples = [
        ("<https://example.org/p/1>", NAME, '"A"'),
        ("<https://example.org/p/1>", TYPE, "<http://xmlns.com/foaf/0.1/Person>"),
        ("_:b1", TYPE, "<http://xmlns.com/foaf/0.1/Agent>"),
        ("<https://example.org/p/1>", NAME, '"B"'),
        ("<https://example.org/p/2>", TYPE, '"not a class"'),
    ]
    stats = GraphStats.of(triples)
    assert list(stats.predicates.items()) == [(NAME[1:-1], 2), (TYPE[1:-1], 3)]
    assert stats.typed == [
        ("https://example.org/p/1", "http://xmlns.com/foaf/0.1/Person"),
        ("_:b1", "http://xmlns.com/foaf/0.1/Agent"),
    ]
