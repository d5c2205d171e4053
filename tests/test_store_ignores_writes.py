"""A SPARQL server that answers writes with success without applying them (here a proxy before
a real ``oxigraph serve`` that drops them) fails the run with one line naming what it saw,
publishes nothing, and the next run into the server as it should be writes every graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from building import build_store, rebuild, sparql_store
from samples import SAMPLE_PROFILE
from store_proxy import running_proxy

pytest_plugins = ("oxigraph_server",)


@pytest.mark.parametrize("replace_via", ["put", "update"])
def test_a_store_that_acknowledges_writes_it_does_not_apply_fails_the_run(
    tmp_path: Path, oxigraph_url: str, replace_via: str
) -> None:
    with running_proxy(oxigraph_url) as proxy:
        store = sparql_store(proxy.url, replace_via=replace_via)
        proxy.ignore_writes = True
        config, lied_to = build_store(tmp_path, [str(SAMPLE_PROFILE)], store=store)
        assert proxy.ignored > 0
        assert lied_to.store_quads == 0
        assert lied_to.outcome == "failed"
        [line] = [x for x in lied_to.summary_lines() if x.startswith("failed:")]
        assert line.startswith("failed: store: the store answered the write of the run record <")
        assert line.endswith(
            "> with success but holds 0 of its 16 triples: it does not apply the writes it "
            "acknowledges (a read-only replica, or a proxy before the server?); nothing was "
            "published"
        )
        assert lied_to.published == []
        assert not list((tmp_path / "data" / "exports").glob("*.nq"))

        proxy.ignore_writes = False
        honest = rebuild(config)
        with config.store.open() as server:
            held = server.quad_count()
            persons = {g for g in server.iter_graph_names() if "/graph/person/" in g}
    assert honest.outcome == "ok", honest.summary_lines()
    assert honest.papers == 25
    assert held == honest.store_quads
    assert len(persons) == 44
    written = honest.triples_added + honest.provenance_triples + honest.report_triples
    assert honest.store_quads == written + sum(honest.run_graphs.values())
