"""A SPARQL server that hangs never holds a run: one that answers a byte at a time is cut off at
the total deadline, and SIGTERM ends a run waiting on one that never answers within seconds,
its graphs kept for the next run (each store read waits up to 120 s for a byte otherwise)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hanging_store import Hold, stopped_when_asked
from scholarkg.errors import QueryError
from scholarkg.store.remote import SparqlStore


def test_an_answer_sent_a_byte_at_a_time_is_cut_off_at_the_total_deadline() -> None:
    hold = Hold(every=0.2)  # each byte within the read timeout: 50 s for the whole answer
    try:
        store = SparqlStore.for_oxigraph(hold.url, timeout=10.0, total_timeout=1.0)
        with store, pytest.raises(QueryError) as caught:
            store.quad_count()
    finally:
        hold.close()
    assert str(caught.value) == (
        f"{hold.url}/query: SPARQL query: no complete answer within 1 s ([store] request_deadline:"
        " the server is too slow or sends its answer a byte at a time)"
    )


@pytest.mark.parametrize("every", [None, 1.0], ids=["silent", "dripping"])
def test_sigterm_ends_a_run_waiting_on_a_store_that_hangs(
    tmp_path: Path, every: float | None
) -> None:
    # answered: the start-up probe (ASK, the empty update, a named triple) and the two reads of
    # the store's description; the store then hangs on the load's first read (a graph's content),
    # so the stop lands on a run waiting on the store (a stop met at start-up ends the run at its
    # identity step, before any graph is built: nothing kept)
    hold = Hold(every, answered=5)
    base = hold.url
    out, err = stopped_when_asked(hold, tmp_path)
    assert b"Traceback" not in out + err, err
    lines = out.decode().splitlines()
    assert (
        f"failed: store: {base}/query: SPARQL query: cut off: stop requested (SIGTERM/SIGINT)"
        in (lines)
    ), (out, err)
    [report] = (tmp_path / "data" / "reports").glob("build-*.json")
    kept = json.loads(report.read_text())["kept"]
    assert kept > 0 and f"kept: {kept} graphs" in out.decode()
    outbox = list((tmp_path / "data" / "outbox").rglob("*.nt"))
    assert len(outbox) == kept


def test_the_store_timeouts_are_the_configured_ones(tmp_path: Path) -> None:
    """``[store] connect_timeout``, ``read_timeout`` and ``request_deadline`` reach the SPARQL
    store the run opens (before: 10 s, 120 s and 30 min, fixed in code)."""
    from scholarkg.config import load_config

    hold = Hold(every=0.2)
    config = tmp_path / "store.toml"
    config.write_text(
        f'[store]\nkind = "sparql"\nquery_url = "{hold.url}/query"\n'
        "connect_timeout = 2.0\nread_timeout = 5.0\nrequest_deadline = 1.5\n",
        encoding="utf-8",
    )
    try:
        store = load_config(config).store.open(read_only=True)
        with store, pytest.raises(QueryError) as caught:
            store.quad_count()
    finally:
        hold.close()
    assert "no complete answer within 1.5 s ([store] request_deadline" in str(caught.value)
