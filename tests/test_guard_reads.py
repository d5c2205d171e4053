"""How much of a query the guard reads: once the nesting read passes ``max_nesting`` the
lexer stops, and the rest of the text is never read (before: a 250 KB query of nested brackets
was lexed to its end, ~0.4 CPU s of the request thread, only to be refused). Counted, not
timed: a spy on the lexer's step records where each step starts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from hostile_queries import DEEP, deep
from scholarkg.config import ServeSettings
from scholarkg.errors import QueryLimitError
from scholarkg.serve import guard, guard_lexer, service
from scholarkg.serve.guard import QueryLimits, check_query, scan_query
from serve_helpers import SPARQL_JSON as JSON
from serve_helpers import Answer, request, running_server, until
from served_queries import slow

LIMIT = QueryLimits().max_nesting  # 64
BIG = 250_000
NESTED = {
    "braces": "SELECT * WHERE " + "{" * (BIG // 2) + "}" * (BIG // 2),
    "parentheses": "ASK { FILTER(" + "(" * (BIG // 2) + "1" + ")" * (BIG // 2) + ") }",
    "blank nodes": "SELECT * WHERE { ?s ?p " + "[" * (BIG // 2) + "]" * (BIG // 2) + " }",
    "negations": "ASK { FILTER(" + "!" * BIG + "true) }",
    "unions": "ASK { {} " + "UNION {} " * (BIG // 9) + "}",
    "triple patterns": "ASK { " + "?s <p:> ?o . " * (BIG // 14) + "}",
    "escaped braces": "SELECT * WHERE " + "\\u007B" * (BIG // 12) + "\\u007D" * (BIG // 12),
}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[int, int]]:
    """For each text's length over 10 000 characters, the furthest index the lexer's step
    was called at."""
    furthest: dict[int, int] = {}
    step: Callable[..., int] = guard_lexer._Lexer.step

    def counted(self: Any, char: str, i: int) -> int:
        if len(self.text) > 10_000:
            furthest[len(self.text)] = max(furthest.get(len(self.text), 0), i)
        return step(self, char, i)

    monkeypatch.setattr(guard_lexer._Lexer, "step", counted)
    yield furthest


@pytest.mark.parametrize("name", NESTED)
def test_a_query_nested_past_the_limit_is_refused_having_read_its_start(
    name: str, reads: dict[int, int]
) -> None:
    text = NESTED[name]
    with pytest.raises(QueryLimitError) as refused:
        check_query(text, QueryLimits())
    assert refused.value.status == 400
    assert f"path steps), more than the limit of {LIMIT}" in str(refused.value)
    read = max(reads.values())
    assert read < 10_000, f"the lexer read up to index {read} of {len(text)}"


@pytest.mark.parametrize("name", DEEP)
def test_a_scan_stops_only_where_the_whole_text_is_nested_past_the_limit(name: str) -> None:
    """Stopping early never refuses what reading to the end would take: a scan stops only
    on a text nested past the limit, and on every such chain (around the limit) it does."""
    for size in range(1, 1200, 7):
        text = deep(name, size)
        whole = scan_query(text).nesting
        stopped = scan_query(text, LIMIT)
        assert stopped.stopped == (whole > LIMIT), (size, whole)
        assert stopped.nesting <= whole, size
        if not stopped.stopped:
            assert stopped == scan_query(text)


@pytest.mark.server
def test_the_server_refuses_a_deeply_nested_query_having_read_its_start(
    tmp_path: Path, reads: dict[int, int]
) -> None:
    """A 250 KB query of nested braces, under ``max_query_bytes``, is refused (400) by a real
    server whose lexer read only its start."""
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        answer = requests.post(
            server.url + "sparql",
            data=NESTED["braces"].encode(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=120,
        )
    assert answer.status_code == 400, answer.text
    assert f"more than the limit of {LIMIT}" in answer.text
    assert reads and max(reads.values()) < 10_000, reads


@pytest.mark.server
def test_the_server_refuses_a_nested_query_before_putting_it_in_normal_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key a stopped query is remembered by (``normal_form``, a read of the whole text)
    is made only of a text the guard took: before, a 250 KB query the guard refused having
    read its start was first put in normal form in full (~2x the guard's whole read). The
    server's own warm-up queries, put in normal form whenever its thread gets to them, are
    not the posted texts and are left out."""
    posted = (NESTED["braces"], NESTED["negations"], "ASK {}")
    normalised: list[str] = []
    normal_form: Callable[[str], str] = service.normal_form

    def counted(text: str) -> str:
        normalised.append(text)
        return normal_form(text)

    monkeypatch.setattr(service, "normal_form", counted)
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        for text in posted:
            answer = requests.post(
                server.url + "sparql",
                data=text.encode(),
                headers={"Content-Type": "application/sparql-query"},
                timeout=120,
            )
            assert answer.status_code == (200 if text == "ASK {}" else 400), answer.text
    assert [text for text in normalised if text in posted] == ["ASK {}"]  # the one it took


RUNS = {
    "prefixed names in VALUES": "SELECT * WHERE { VALUES ?x { " + "ex:a " * (BIG // 5) + "} }",
    "rows of prefixed names": "ASK { VALUES (?x ?y) { " + "(ex:a :b) " * (BIG // 10) + "} }",
    "prefixed names in IN": "ASK { FILTER(?x IN (" + "ex:a, " * (BIG // 6) + "ex:a)) }",
    "spaces": "ASK {" + " " * BIG + "\n\t" * 10 + "}",
}


@pytest.mark.parametrize("name", RUNS)
def test_runs_of_names_and_of_white_space_are_read_in_a_few_steps(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prefixed names in VALUES data or an IN list, and white space, are read a run per
    match, as plain terms are (before: a step per name, ~105 ms for 250 KB of ``ex:a``, and a
    step per character of white space, ~40 ms for 250 KB), with the same reading."""
    steps = [0]
    step: Callable[..., int] = guard_lexer._Lexer.step

    def counted(self: Any, char: str, i: int) -> int:
        steps[0] += 1
        return step(self, char, i)

    text = RUNS[name]
    stepwise = guard_lexer._Lexer(text, runs=False).run()
    monkeypatch.setattr(guard_lexer._Lexer, "step", counted)
    assert guard_lexer.lex(text) == stepwise
    assert steps[0] < 100, steps[0]


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each text the guard reads (:func:`scan_query`, which :func:`check_query` calls)."""
    texts: list[str] = []

    def counted(text: str, max_nesting: int | None = None) -> Any:
        texts.append(text)
        return scan_query(text, max_nesting)

    monkeypatch.setattr(guard, "scan_query", counted)
    return texts


@pytest.mark.server
def test_a_head_of_a_query_reads_it_with_the_guard_once(tmp_path: Path, guarded: list[str]) -> None:
    """A HEAD of ``/sparql`` is checked as its GET would be, by one reading of the guard
    (before: two, its own and the one of ``refusal``, which checked the text again)."""
    text = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        answer = requests.head(
            server.url + "sparql", params={"query": text}, headers={"Accept": JSON}, timeout=60
        )
    assert answer.status_code == 200
    assert guarded.count(text) == 1


@pytest.mark.server
def test_a_client_waiting_for_a_query_another_runs_does_not_read_it_with_the_guard(
    tmp_path: Path, guarded: list[str]
) -> None:
    """The same text asked while it runs waits for its answer: the guard read it once, for the
    first asker, and the waiter, refused 503 once the time limit stopped it, not again
    (before: ``answer_in_flight`` read it again, in the event loop, to know it by)."""
    text = slow(7)
    settings = ServeSettings(workers=2, time_limit=2, refresh_interval=0.2)
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        kg, url = server.kg, server.url
        answers: list[Answer] = []

        def ask() -> None:
            answers.append(request(url, "127.0.0.1", "/sparql", text))

        runaway = threading.Thread(target=ask, daemon=True)
        runaway.start()
        until(lambda: kg.flights.running() == 1, "the runaway never ran", 300)
        waiter = threading.Thread(target=ask, daemon=True)
        waiter.start()
        until(lambda: kg.flights.waiting() == 1 or answers, "the same query never waited", 60)
        assert not answers, "the runaway ended before the waiter came: raise its work"
        for thread in (runaway, waiter):
            thread.join(300)
    assert [a.status for a in answers] == [503, 503], [a.text for a in answers]
    assert guarded.count(text) == 1
