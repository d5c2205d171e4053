"""The build_kg Prefect flow under a real (temporary) Prefect API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from arxiv_replay import ReplayServer
from building import sparql_store
from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.query import resolve_query
from scholarkg.query_results import run_select
from scholarkg.runs.report import PublishedFile, RunReport
from scholarkg.store.embedded import EmbeddedStore

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]
pytest_plugins = ("oxigraph_server",)


def test_flow_builds_store_and_reports(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from scholarkg_flows.build_kg import build_kg

    config = write_config(tmp_path, [SAMPLE_PROFILE])
    started = dt.datetime.now(dt.UTC)
    state = build_kg(config_path=str(config), profiles=[str(SECOND_PROFILE)], return_state=True)
    assert state.is_completed() and state.name == "Completed"
    report = state.result()
    assert report.outcome == "ok" and len(report.sources_built) == 2 and report.papers == 28
    with EmbeddedStore(tmp_path / "store", read_only=True) as store:
        years = dict(run_select(store, resolve_query("papers-per-year").text).rows)
    assert years["2023"] == "3"  # 2 in the sample + 1 only the second profile lists
    assert list((tmp_path / "data" / "reports").glob("build-*.json"))

    async def artifacts() -> dict[str, object]:
        """This run's artifacts by key: the API holds other tests' runs too (a failed one's
        report under the same key), so those made since this test started, the latest last."""
        async with get_client() as client:
            found = await client.read_artifacts()
        ours = sorted(
            (a for a in found if a.key and a.created and a.created >= started),
            key=lambda a: a.created,
        )
        return {a.key: a.data for a in ours}

    import asyncio

    published = asyncio.run(artifacts())
    assert {"build-kg-report", "build-kg-shacl-findings"} <= set(published)
    markdown = str(published["build-kg-report"])
    for section in (
        "## Unresolved and ambiguous papers",
        "## Duration per stage",
        "## SHACL findings",
    ):
        assert section in markdown
    assert "| load |" in markdown


def test_flow_keeps_good_profiles_when_one_is_malformed(tmp_path: Path) -> None:
    from scholarkg_flows.build_kg import build_kg

    broken = tmp_path / "broken.txt"
    broken.write_text("<html><body>Not a profile</body></html>", encoding="utf-8")
    config = write_config(tmp_path, [broken, SAMPLE_PROFILE])
    state = build_kg(config_path=str(config), return_state=True)
    assert state.is_completed() and state.name == "Partial"
    report = state.result()
    assert report.outcome == "partial"
    [(source, error)] = report.failures
    assert source == str(broken) and "looks like HTML" in error and f"{broken}:1:" in error
    assert report.papers == 25
    [failed] = [line for line in report.summary_lines() if line.startswith("failed:")]
    assert failed == f"failed: {error}" and failed.count(str(broken)) == 1  # named once


def test_second_run_with_nothing_new_writes_nothing_and_says_so(tmp_path: Path) -> None:
    from scholarkg_flows.build_kg import build_kg

    config = write_config(tmp_path, [SAMPLE_PROFILE])
    first = build_kg(config_path=str(config))
    assert first.changed_anything and first.graphs_written > 2
    # A run that changed something publishes: a dump with its checksum and a VoID description.
    dump = tmp_path / "data" / "exports" / "scholarkg.nq"
    assert dump.exists() and (tmp_path / "data" / "exports" / "scholarkg.nq.sha256").exists()
    void = (tmp_path / "data" / "void.ttl").read_text(encoding="utf-8")
    assert "void:Dataset" in void and "scholarkg.nq" in void
    void_path = tmp_path / "data" / "void.ttl"
    in_dump = sum(1 for _ in ox.parse(path=dump, format=ox.RdfFormat.N_QUADS))
    in_void = sum(1 for _ in ox.parse(path=void_path, format=ox.RdfFormat.TURTLE))
    with EmbeddedStore(tmp_path / "store", read_only=True) as store:
        before = {g: store.triples_in(g) for g in store.graph_names()}
        [void_graph] = [g for g in before if g.endswith("/graph/void")]
        held = store.quad_count()
    # Each dump with the quads it holds and the VoID graph it leaves out, then the description.
    assert first.published == [
        PublishedFile(str(dump), in_dump, "quads", left_out=((void_graph, in_void),)),
        PublishedFile(str(void_path), in_void, "triples", kind="VoID description"),
    ]
    assert in_dump + len(before[void_graph]) == held == first.store_quads
    assert len(before[void_graph]) == in_void > 0
    assert [line for line in first.summary_lines() if line.startswith("published:")] == [
        f"published: {dump} ({in_dump} quads; left out: graph <{void_graph}> ({in_void} quads)"
        f", the VoID description), VoID description {void_path} ({in_void} triples)"
    ]
    second = build_kg(config_path=str(config))
    # Same bytes, same configuration: the profile is not even parsed again.
    assert second.sources_unchanged == [str(SAMPLE_PROFILE)] and second.sources_built == []
    assert second.graphs_written == 0 and second.ontology_triples == 0
    assert not second.changed_anything and second.published == []
    assert (
        "changes: nothing new: 1 sources and 0 graphs unchanged, nothing written"
        in second.summary_lines()
    )
    with EmbeddedStore(tmp_path / "store", read_only=True) as store:
        assert {g: store.triples_in(g) for g in store.graph_names()} == before
    runs = [g for g in before if "/graph/run/" in g]
    assert len(runs) == 1  # only the run that changed something is recorded


def test_same_flow_against_a_real_oxigraph_server(tmp_path: Path, oxigraph_url: str) -> None:
    from scholarkg_flows.build_kg import build_kg

    from scholarkg.config import load_config

    config = write_config(
        tmp_path,
        [SAMPLE_PROFILE],
        store=sparql_store(oxigraph_url),
    )
    report = build_kg(config_path=str(config))
    assert report.outcome == "ok" and report.papers == 25
    store = load_config(config).store.open(read_only=True)
    assert report.store_quads == store.quad_count()
    try:
        years = dict(run_select(store, resolve_query("papers-per-year").text).rows)
        assert years == {
            "2019": "1",
            "2020": "4",
            "2021": "5",
            "2022": "2",
            "2023": "2",
            "2024": "8",
            "2025": "3",
        }
    finally:
        store.close()
    again = build_kg(config_path=str(config))
    assert again.graphs_written == 0 and again.sources_unchanged == [str(SAMPLE_PROFILE)]


def test_locked_store_fails_the_flow_run_and_keeps_graphs_for_the_next_run(
    tmp_path: Path,
) -> None:
    from scholarkg_flows.build_kg import build_kg

    config = write_config(tmp_path, [SAMPLE_PROFILE])
    with EmbeddedStore(tmp_path / "store"):  # another writer holds the store
        state = build_kg(config_path=str(config), return_state=True)
    assert state.is_failed()  # the flow run's state is the run's outcome
    locked = state.result(raise_on_failure=False).report  # a RunFailed holding it
    assert locked.outcome == "failed" and locked.store_error
    assert "cannot open the Oxigraph store" in locked.store_error
    assert locked.kept > 2 and locked.outbox_dir is not None
    assert "changes: none written" in locked.change_line()
    kept = list(Path(locked.outbox_dir).glob("*.json"))
    assert len(kept) == locked.kept
    # The next run builds a different profile; what the locked run kept loads first.
    other = write_config(tmp_path, [SECOND_PROFILE])
    report = build_kg(config_path=str(other))
    assert report.outcome == "ok", report.summary_lines()
    with EmbeddedStore(tmp_path / "store", read_only=True) as store:
        names = store.graph_names()
    profiles = [
        g for g in names if "/graph/profile/" in g and "/snapshot/" not in g and "shacl" not in g
    ]
    assert {p.split("/graph/profile/")[1].rsplit("-", 1)[0] for p in profiles} == {
        "leonard-hussenot",
        "robert-dadashi",
    }
    assert not Path(locked.outbox_dir).exists()


def _harvest_flow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **params: str
) -> tuple[RunReport | BaseException, ReplayServer]:
    """The harvest_arxiv flow run against a replay server with ``params``: its report, or
    what it raised; and the replay server (stopped) for its requests."""
    from scholarkg_flows.harvest_arxiv import harvest_arxiv

    replay = ReplayServer().start()
    try:
        monkeypatch.setenv("SCHOLARKG_OAI_URL", replay.oai_url)
        config = write_config(tmp_path, [], arxiv={"min_interval": 0.05})
        return harvest_arxiv(config_path=str(config), set_spec="cs", **params), replay
    except Exception as error:
        return error, replay
    finally:
        replay.stop()


def test_harvest_arxiv_flow_pages_through_and_publishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, _ = _harvest_flow(
        tmp_path, monkeypatch, metadata_prefix="oai_dc", from_date="2024-01-25"
    )
    assert isinstance(report, RunReport)
    assert (report.records_read, report.records_loaded, report.rejected) == (8, 8, [])
    assert report.outcome == "ok" and report.graphs_written > 8  # records and persons
    assert (tmp_path / "data" / "void.ttl").exists()
    state = json.loads((tmp_path / "store" / "oai-harvest.json").read_text())
    # the list ends after 8 of the 1162 records page 1 says: held at its date, as the CLI does
    assert state["harvests"]["oai_dc set=cs"]["short_from"] == "2024-01-25"
    assert any("the watermark stays at 2024-01-25" in w for w in report.warnings)


def test_harvest_arxiv_flow_refuses_a_from_date_that_is_not_a_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flow's from_date went to the server as written (from=yesterday)."""
    from scholarkg.errors import ConfigError

    error, replay = _harvest_flow(tmp_path, monkeypatch, from_date="yesterday")
    assert isinstance(error, ConfigError)
    assert str(error).startswith("from_date 'yesterday' is not a date")
    assert replay.requests_to("/oai") == [] and not (tmp_path / "store").exists()


def test_load_snapshot_flow_loads_and_skips_unchanged_chunks(tmp_path: Path) -> None:
    from scholarkg_flows.load_snapshot import load_snapshot

    from samples import ROOT

    snapshot = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
    config = write_config(tmp_path, [])
    first = load_snapshot(path=str(snapshot), config_path=str(config), chunk_records=40)
    assert (first.records_read, first.records_loaded) == (100, 100)
    again = load_snapshot(path=str(snapshot), config_path=str(config), chunk_records=40)
    assert any("3 chunks unchanged" in n for n in again.notes) and again.graphs_written == 0
    with EmbeddedStore(tmp_path / "store", read_only=True) as store:
        papers = run_select(
            store,
            "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE "
            "{ ?p a <https://w3id.org/scholarkg/ontology#Paper> }",
        ).rows
    assert papers == [("100",)]


def test_load_snapshot_flow_does_not_retry_a_snapshot_that_is_not_there(tmp_path: Path) -> None:
    """The ingest task retried every error after 30 s: a missing file failed twice, 30 s
    apart, before the flow ended Failed. Store trouble is still retried."""
    from prefect.states import Failed
    from scholarkg_flows.load_snapshot import ingest, load_snapshot

    from scholarkg.errors import ExtractError, LoadError, ParseError

    assert ingest.retry_condition_fn is not None
    for error, retried in (
        (ExtractError("/x.jsonl", "cannot open snapshot"), False),
        (ParseError("/x.jsonl", "one JSON array, not JSON lines"), False),
        (LoadError("the store is locked"), True),
        (OSError("disk full"), True),
    ):
        assert ingest.retry_condition_fn(ingest, None, Failed(data=error)) is retried  # type: ignore[arg-type]
    missing = tmp_path / "missing.jsonl"
    state = load_snapshot(
        path=str(missing), config_path=str(write_config(tmp_path, [])), return_state=True
    )
    assert state.is_failed() and f"{missing}: cannot open snapshot" in str(state.message)
