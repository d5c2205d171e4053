"""A SPARQL store's answer is read up to ``[store] max_answer_bytes``: one larger, or one that
never ends, is refused as soon as it grows past the cap with one line naming the store and the
key (before: read into memory whole, until the request deadline or a MemoryError)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config
from flooding_sparql import ANSWER, MIB, Flood
from loopback import Scripted
from scholarkg.config import load_config
from scholarkg.errors import QueryError
from scholarkg.store.remote import SparqlStore


def _refusal(url: str, cap: int, size: int | None = None) -> str:
    said = f"of {size} bytes " if size is not None else ""
    return (
        f"{url}/query: SPARQL query: answer {said}larger than [store] max_answer_bytes = {cap} "
        "bytes: not read further; raise it in your config if this is genuine"
    )


def test_an_answer_as_large_as_the_cap_is_read() -> None:
    flood = Flood()
    try:
        with SparqlStore.for_oxigraph(flood.url, max_answer_bytes=len(ANSWER)) as store:
            assert list(store.iter_graph_names()) == []
    finally:
        flood.close()


def test_an_answer_one_byte_over_the_cap_is_refused() -> None:
    flood = Flood(padding=1)
    try:
        store = SparqlStore.for_oxigraph(flood.url, max_answer_bytes=len(ANSWER))
        with store, pytest.raises(QueryError) as caught:
            list(store.iter_graph_names())
    finally:
        flood.close()
    assert str(caught.value) == _refusal(flood.url, len(ANSWER))


def test_a_flood_is_refused_once_it_passes_the_cap_not_read_to_its_end() -> None:
    flood = Flood(padding=64 * MIB)
    try:
        store = SparqlStore.for_oxigraph(flood.url, max_answer_bytes=MIB)
        with store, pytest.raises(QueryError) as caught:
            store.quad_count()
    finally:
        flood.close()
    assert str(caught.value) == _refusal(flood.url, MIB)
    assert flood.sent < 16 * MIB  # the server was left with most of its flood unsent


def test_a_declared_size_over_the_cap_is_refused_before_the_body_is_read() -> None:
    flood = Flood(padding=MIB, declared=True)
    try:
        store = SparqlStore.for_oxigraph(flood.url, max_answer_bytes=MIB)
        with store, pytest.raises(QueryError) as caught:
            store.quad_count()
    finally:
        flood.close()
    assert str(caught.value) == _refusal(flood.url, MIB, len(ANSWER) + MIB)


def _cli(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholarkg.cli", *command],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cap_is_the_configured_one_and_a_query_says_so_in_one_line(tmp_path: Path) -> None:
    flood = Flood(padding=4 * MIB)
    config = write_config(
        tmp_path,
        [],
        store={"kind": "sparql", "query_url": f"{flood.url}/query", "max_answer_bytes": MIB},
    )
    assert load_config(config).store.max_answer_bytes == MIB
    try:
        done = _cli("query", "--config", str(config), "--sparql", "SELECT ?n WHERE { ?n ?p ?o }")
    finally:
        flood.close()
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if "max_answer_bytes" in line]
    assert len(lines) == 1, done.stderr
    assert f"{flood.url}/query" in lines[0] and f"max_answer_bytes = {MIB} bytes" in lines[0]


def test_an_exports_answer_is_streamed_and_capped_by_the_row(tmp_path: Path) -> None:
    """An export parses its answers as they arrive, holding none whole: the cap, which keeps
    an answer from filling memory, bounds one row of it (before: the whole answer, so a store
    whose answer passed 1 GiB, 100k records, could not be exported with the defaults)."""
    row = {
        "s": {"type": "uri", "value": "https://ex.org/s"},
        "p": {"type": "uri", "value": "https://ex.org/p"},
        "g": {"type": "uri", "value": "https://ex.org/g"},
    }
    rows = [{**row, "o": {"type": "literal", "value": f"{i}"}} for i in range(20_000)]
    answer = {"head": {"vars": ["s", "p", "o", "g"]}, "results": {"bindings": rows}}
    body = json.dumps(answer).encode()
    server = Scripted("application/sparql-results+json", body)
    config = write_config(
        tmp_path,
        [],
        store={"kind": "sparql", "query_url": f"{server.url}/query", "max_answer_bytes": MIB},
    )
    target = tmp_path / "x.nq"
    try:
        done = _cli("export", "--config", str(config), "--output", str(target))
    finally:
        server.close()
    assert len(body) > 2 * MIB
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {target} (20000 quads"), done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scholarkg.toml", "x.nq", "x.nq.sha256"]
