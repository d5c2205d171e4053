"""The embedded store's bulk-load stream: many graphs, few reads (each read takes the GIL)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from scholarkg.errors import LoadError
from scholarkg.load import oxigraph_stream
from scholarkg.load.oxigraph_stream import PIECE_BYTES, OxigraphStream


def graph_lines(n: int) -> bytes:
    ex = "https://example.org"
    return f'<{ex}/s{n}> <{ex}/p> "value {n}" <{ex}/g{n}> .\n'.encode()


def test_small_graphs_reach_bulk_load_in_pieces() -> None:
    store = ox.Store()
    stream = OxigraphStream(store)
    handed: list[int] = []
    put = stream.chunks.put

    def counting_put(item: bytes | None, *args: object, **kwargs: object) -> None:
        handed.append(-1 if item is None else len(item))
        put(item, *args, **kwargs)  # type: ignore[arg-type]

    stream.chunks.put = counting_put  # type: ignore[method-assign]
    graphs = 20_000
    sent = 0
    for n in range(graphs):
        data = graph_lines(n)
        sent += len(data)
        stream.put(data)
    stream.close()

    assert len(store) == graphs
    assert len(list(store.named_graphs())) == graphs
    assert handed[-1] == -1 and sum(handed[:-1]) == sent  # every byte once, then the end
    assert len(handed) - 1 <= sent // PIECE_BYTES + 1  # ~1 MiB pieces, not one per graph
    assert all(size >= PIECE_BYTES for size in handed[:-2])


def test_a_stream_that_fails_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oxigraph_stream, "PIECE_BYTES", 64)
    stream = OxigraphStream(ox.Store())
    stream.put(b"this is not N-Quads .\n" * 10)
    with pytest.raises(LoadError, match="bulk load"):
        for n in range(1000):
            stream.put(graph_lines(n))
        stream.close()
