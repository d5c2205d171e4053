"""An OAI-PMH harvest killed part-way resumes from its last loaded page: no duplicates, no gaps."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from arxiv_replay import STITCHED_TOKEN, Fault, ReplayServer
from conftest import write_config
from polls import until
from scholarkg.cli import main
from scholarkg.store.embedded import EmbeddedStore

PAPERS = (
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/scholarkg/ontology#Paper> }"
)


pytest_plugins = ("arxiv_fixtures",)


@pytest.fixture
def replay(arxiv_server: ReplayServer) -> ReplayServer:
    return arxiv_server


def papers_in(store_path: Path) -> int:
    with EmbeddedStore(store_path, read_only=True) as store:
        result = store.query(PAPERS)
        return int(next(iter(result))["n"].value)  # type: ignore[call-overload,index]


def token_requests(replay: ReplayServer) -> list[str | None]:
    return [r.param("resumptionToken") for r in replay.requests_to("/oai")]


def test_killed_harvest_resumes_from_its_checkpoint(
    tmp_path: Path, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, [], arxiv={"min_interval": 0.05}, http={"max_retries": 1})
    # The second page hangs, so the harvester is mid-run (page 1 loaded) when it is killed.
    replay.add_fault(Fault("sleep", seconds=20), path="/oai", resumptionToken=STITCHED_TOKEN)
    env = os.environ | {"SCHOLARKG_OAI_URL": replay.oai_url}
    args = ["arxiv", "harvest", "--set", "cs", "--prefix", "oai_dc", "--config", str(config)]
    child = subprocess.Popen(
        [sys.executable, "-m", "scholarkg.cli", *args, "--from", "2024-01-25"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    until(
        lambda: STITCHED_TOKEN in token_requests(replay),
        "the harvester never asked for page 2",
        60,
        every=0.05,
    )
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)

    state = tmp_path / "store"  # harvest state is kept with the store
    [checkpoint_file] = state.glob("harvest-checkpoint-*.json")
    checkpoint = json.loads(checkpoint_file.read_text())
    assert (checkpoint["pages_done"], checkpoint["next_token"]) == (1, STITCHED_TOKEN)
    assert checkpoint["records_done"] == 5
    assert not (state / "oai-harvest.json").exists()  # no watermark for an unfinished harvest
    assert papers_in(tmp_path / "store") == 5

    monkeypatch.setenv("SCHOLARKG_OAI_URL", replay.oai_url)
    before = len(token_requests(replay))
    assert main(args) == 0  # no --from needed: the checkpoint says where to go on
    assert token_requests(replay)[before:] == [STITCHED_TOKEN]  # page 1 was not fetched again
    assert papers_in(tmp_path / "store") == 8
    assert not list(state.glob("harvest-checkpoint-*.json"))
    watermark = json.loads((state / "oai-harvest.json").read_text())
    assert "oai_dc set=cs" in watermark["harvests"]
