"""The queries a limit stopped are remembered without their text. Each of the up to 1 000
entries used to keep its query's text (up to ``max_query_bytes``) and graph names (a
``max_body_bytes`` form of ``default-graph-uri``: 17 000 names, 1.3 MB as Python strings), so
a client sending distinct queries that run out of memory could make the server hold over a
gigabyte until the store changed. An entry now holds a digest, however long the query."""

from __future__ import annotations

import tracemalloc

from scholarkg.serve.cache import Exhausted

WHY = "ran past the time limit of 30 s"


def asked(number: int, version: str = "v1") -> tuple[str, str, tuple[str, ...], None]:
    """A key as the server notes one: store version, query text, default and named graphs."""
    graphs = tuple(f"urn:x:graph-{number}-{n:06d}" for n in range(2000))
    return (version, f"# {number}\n" + "SELECT * { ?s ?p ?o }" + " " * 200_000, graphs, None)


def test_noted_queries_hold_no_copy_of_their_text_or_graphs() -> None:
    exhausted = Exhausted()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(50):
            exhausted.note(asked(number), 30.0, WHY)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held < 100_000  # the 50 texts alone are 10 MB, their graph names 7 MB more
    assert exhausted.refused(asked(7), 30.0) == WHY
    assert exhausted.refused(asked(7), 10.0) == WHY  # a shorter limit stops it too
    assert exhausted.refused(asked(7), 60.0) is None  # a longer one may not
    assert exhausted.refused(asked(7, "v2"), 30.0) is None  # another version of the store
    assert exhausted.refused(asked(50), 30.0) is None  # never stopped


def test_a_memory_limit_refuses_under_any_time_limit_and_the_oldest_go_first() -> None:
    exhausted = Exhausted(max_entries=3)
    exhausted.note(asked(0), float("inf"), "exceeded the memory limit")
    assert exhausted.refused(asked(0), 1e9) == "exceeded the memory limit"
    for number in range(1, 4):
        exhausted.note(asked(number), 30.0, WHY)
    assert exhausted.refused(asked(0), 30.0) is None  # the oldest of four went
    assert all(exhausted.refused(asked(n), 30.0) == WHY for n in range(1, 4))
