"""The run's loader remembers only the names of graphs an earlier run kept in the outbox (to
settle them), not of every graph it loads: that set grew with the input (255 000 names, about
45 MiB, at 100 000 snapshot records)."""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from scholarkg.config import load_config
from scholarkg.load.outbox import Outbox
from scholarkg.load.payload import GraphPayload
from scholarkg.runs.close import close_run
from scholarkg.runs.context import RunContext
from scholarkg.runs.loading import Loading
from scholarkg.store.embedded import EmbeddedStore

GRAPH = "https://w3id.org/scholarkg/id/graph/arxiv/"


def payload(name: str) -> GraphPayload:
    data = f'<{GRAPH}{name}> <http://purl.org/dc/terms/title> "{name}" .\n'.encode()
    return GraphPayload(iri=GRAPH + name, kind="arxiv", data=data, digest=name, triples=1)


def test_the_loader_keeps_no_names_of_the_graphs_it_loads_but_the_outboxs(
    tmp_path: Path,
) -> None:
    config = load_config(write_config(tmp_path, []))
    Outbox(config.data_dir, "run-0", store=config.store).keep([payload("kept")])
    with RunContext(config, "snapshot") as ctx:
        loading = Loading(ctx, bulk=True)
        loading.pending_first()
        for start in range(0, 600, 200):
            loading.add([payload(f"p{i}") for i in range(start, start + 200)])
        loading.add([payload("kept")])  # a newer version of the kept graph
        assert loading._seen == {GRAPH + "kept"}
        loading.settle_superseded()
        close_run(ctx, loading)
        assert ctx.report.outcome == "ok", ctx.report.summary_lines()
    assert not list((config.data_dir / "outbox").glob("*/*.json"))  # settled
    with EmbeddedStore(config.store.path, read_only=True) as store:
        names = set(store.graph_names())
    assert {GRAPH + "kept", GRAPH + "p0", GRAPH + "p599"} <= names


def test_a_loader_never_asked_for_the_outbox_first_keeps_no_names_either(
    tmp_path: Path,
) -> None:
    config = load_config(write_config(tmp_path, []))
    with RunContext(config, "snapshot") as ctx:
        loading = Loading(ctx, bulk=True)
        loading.add([payload(f"p{i}") for i in range(300)])
        assert loading._seen == set()
        close_run(ctx, loading)
        assert ctx.report.outcome == "ok", ctx.report.summary_lines()
