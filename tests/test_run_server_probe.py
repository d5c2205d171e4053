"""Every run asks a SPARQL-server store whether it can be the run's store before it reads any
source, whoever started it, and a run the CLI started does not ask twice.

Before, only the CLI asked (``cli/common.check_server_store``): a library call
(``scholarkg.runs.build.build``) or a Prefect run of ``build_kg`` into a read-only `scholarkg
serve` read and validated the sample profile (1510 triples through the gate, 44 persons
decided), then failed with all 46 graphs kept in the outbox, to be refused again next run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from building import run_cli, sparql_store
from conftest import write_config
from samples import ROOT, SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.errors import ConfigError
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from scholarkg.store.probe import PROBE_GRAPH
from store_proxy import StoreProxy, running_proxy

pytest_plugins = ("oxigraph_server", "read_only_serve_fixtures")

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"


def _refused(url: str) -> str:
    return (
        f"the SPARQL server at {url}/query cannot be this run's store: {url}/update: SPARQL "
        "update: HTTP 403 Forbidden: SPARQL Update is disabled: this server is read-only"
    )


def test_a_library_build_into_a_read_only_server_reads_no_source(
    tmp_path: Path,
    served: str,
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], store=sparql_store(served)))
    with pytest.raises(ConfigError) as refused:
        build(config)
    assert str(refused.value) == _refused(served)
    assert not (tmp_path / "data").exists()  # no page archived, nothing kept, no lock


def test_a_library_snapshot_load_into_a_read_only_server_reads_no_line(
    tmp_path: Path,
    served: str,
) -> None:
    config = load_config(write_config(tmp_path, [], store=sparql_store(served)))
    with pytest.raises(ConfigError) as refused:
        load_snapshot(config, SNAPSHOT, workers=0)
    assert str(refused.value) == _refused(served)
    assert not (tmp_path / "data").exists()


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_prefect_run_of_build_kg_into_a_read_only_server_fails_before_reading(
    tmp_path: Path,
    served: str,
) -> None:
    """As a deployment starts it: the flow called with its parameters, no CLI before it."""
    from scholarkg_flows.build_kg import build_kg

    config = write_config(tmp_path, [SAMPLE_PROFILE], store=sparql_store(served))
    state = build_kg(config_path=str(config), return_state=True)
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, ConfigError) and str(error) == _refused(served)
    assert not (tmp_path / "data").exists()


@pytest.fixture
def proxy(oxigraph_url: str) -> Iterator[StoreProxy]:
    with running_proxy(oxigraph_url) as relay:
        yield relay


def _probes(proxy: StoreProxy) -> int:
    """How many times the server was probed (the probe's update, not its drop)."""
    return sum(f"INSERT DATA {{ GRAPH <{PROBE_GRAPH}>" in update for update in proxy.updates)


@pytest.mark.flow
def test_scholarkg_run_asks_the_server_once(tmp_path: Path, proxy: StoreProxy) -> None:
    """The CLI asks before it names the store and starts Prefect; the flow's run takes that
    answer (before the library asked too, it was twice)."""
    config = write_config(tmp_path, [SAMPLE_PROFILE], store=sparql_store(proxy.url))
    done = run_cli(config)
    assert done.returncode == 0, done.stderr
    assert "outcome: ok" in done.stdout.splitlines()
    assert _probes(proxy) == 1


def test_an_arxiv_command_asks_the_server_once(
    tmp_path: Path, proxy: StoreProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, [], store=sparql_store(proxy.url))
    code = main(["arxiv", "load-snapshot", str(SNAPSHOT), "--config", str(config)])
    assert code == 0, capsys.readouterr()
    assert _probes(proxy) == 1
    again = main(["arxiv", "load-snapshot", str(SNAPSHOT), "--config", str(config)])
    assert again == 0 and _probes(proxy) == 2  # each run asks for itself
