"""The harvest watermark and checkpoint belong to the store the harvest loads into: a new store
(``--store`` / ``with_store_path``) starts afresh, and state that older versions kept in the data
directory's ``state`` folder goes to the configured store only, with a notice.

Real harvests (``scholarkg.runs.arxiv_harvest.harvest`` and the CLI) against the loopback replay
server's recorded arXiv OAI-PMH answers."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

import pytest

from arxiv_replay import STITCHED_TOKEN, ReplayServer
from conftest import write_config
from scholarkg.cli import main
from scholarkg.config import Config, load_config
from scholarkg.errors import ConfigError
from scholarkg.extract.oai_state import HarvestState
from scholarkg.harvest import Checkpoint
from scholarkg.load.manifest import store_state_dir
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.store.embedded import EmbeddedStore

pytest_plugins = ("arxiv_fixtures",)

KEY = "oai_dc set=cs"
CHECKPOINT = "harvest-checkpoint-oai-dc-set-cs.json"  # the checkpoint file of KEY
PAPERS = (
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/scholarkg/ontology#Paper> }"
)


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return arxiv_server


@pytest.fixture
def config_file(tmp_path: Path, replay: ReplayServer) -> Path:
    return write_config(tmp_path, [], arxiv={"min_interval": 0.05}, http={"max_retries": 1})


def papers_in(store_path: Path) -> int:
    with EmbeddedStore(store_path, read_only=True) as store:
        result = store.query(PAPERS)
        return int(next(iter(result))["n"].value)  # type: ignore[call-overload,index]


def oai_requests(replay: ReplayServer, since: int = 0) -> list[dict[str, str | None]]:
    return [
        {"from": r.param("from"), "token": r.param("resumptionToken")}
        for r in replay.requests_to("/oai")[since:]
    ]


def legacy_watermark(config: Config, day: str) -> Path:
    """A watermark file as older versions wrote it: in the data directory's state folder (the
    replay server knows the recorded ``from`` date only, so the harvest runs only if adopted)."""
    state = HarvestState(config.state_dir / "oai-harvest.json")
    state.advance(KEY, dt.datetime.fromisoformat(f"{day}T10:00:00+00:00"))
    return state.path


def legacy_checkpoint(config: Config) -> Path:
    """An interrupted harvest's checkpoint as older versions wrote it (page 1 of 2 loaded)."""
    at = Checkpoint(
        KEY,
        "oai_dc",
        "cs",
        "2024-01-25",
        next_token=STITCHED_TOKEN,
        first_response="2024-02-01T10:00:00+00:00",
        pages_done=1,
        records_done=5,
    )
    path = config.state_dir / CHECKPOINT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(at)), encoding="utf-8")
    return path


def test_the_watermark_of_one_store_does_not_apply_to_another(
    tmp_path: Path, config_file: Path, replay: ReplayServer
) -> None:
    a = load_config(config_file)
    report = harvest(a, "cs", "oai_dc", "2024-01-25").report
    assert (report.outcome, report.records_loaded) == ("ok", 8)
    assert HarvestState(store_state_dir(a) / "oai-harvest.json").get(KEY) is not None
    assert not (a.state_dir / "oai-harvest.json").exists()

    b = a.with_store_path(tmp_path / "fresh-store")
    with pytest.raises(ConfigError, match="no harvest watermark yet"):
        harvest(b, "cs", "oai_dc")  # A's watermark is not B's
    before = len(replay.requests_to("/oai"))
    report = harvest(b, "cs", "oai_dc", "2024-01-25").report
    assert (report.outcome, report.records_loaded) == ("ok", 8)
    assert oai_requests(replay, before)[0] == {"from": "2024-01-25", "token": None}
    assert papers_in(tmp_path / "fresh-store") == 8

    mark = HarvestState(store_state_dir(a) / "oai-harvest.json").get(KEY)
    assert mark is not None
    before = len(replay.requests_to("/oai"))
    harvest(a, "cs", "oai_dc")  # A goes on from its own watermark
    assert oai_requests(replay, before)[0]["from"] == mark.from_date


def test_a_fresh_store_from_the_cli_starts_afresh(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["arxiv", "harvest", "--set", "cs", "--prefix", "oai_dc", "--config", str(config_file)]
    assert main([*args, "--from", "2024-01-25"]) == 0
    capsys.readouterr()
    other = ["--store", str(tmp_path / "other")]
    assert main([*args, *other]) != 0
    assert "no harvest watermark yet" in capsys.readouterr().err  # the first store's is not its
    assert main([*args, *other, "--from", "2024-01-25"]) == 0
    assert "records: 8 read, 8 loaded" in capsys.readouterr().out
    assert papers_in(tmp_path / "other") == 8


def test_a_legacy_watermark_is_adopted_by_the_configured_store_only(
    tmp_path: Path, config_file: Path, replay: ReplayServer
) -> None:
    config = load_config(config_file)
    legacy = legacy_watermark(config, "2024-01-25")

    other = config.with_store_path(tmp_path / "other")
    with pytest.raises(ConfigError, match="no harvest watermark yet"):
        harvest(other, "cs", "oai_dc")
    assert legacy.exists()  # still there for the store it belongs to

    before = len(replay.requests_to("/oai"))
    report = harvest(config, "cs", "oai_dc").report  # no --from: the adopted watermark
    assert (report.outcome, report.records_loaded) == ("ok", 8)
    assert oai_requests(replay, before)[0] == {"from": "2024-01-25", "token": None}
    assert f"harvest {KEY} from 2024-01-25" in report.notes
    [notice] = [n for n in report.notes if "adopted" in n]
    assert "harvest watermarks" in notice and "configured store" in notice
    assert str(legacy) in notice
    assert not legacy.exists()  # moved: a store made afresh later does not inherit it
    assert HarvestState(store_state_dir(config) / "oai-harvest.json").get(KEY) is not None


def test_the_configured_store_named_by_store_adopts_too(
    tmp_path: Path, config_file: Path, replay: ReplayServer
) -> None:
    config = load_config(config_file)
    legacy_watermark(config, "2024-01-25")
    same = config.with_store_path(tmp_path / "store")  # --store naming the configured store
    report = harvest(same, "cs", "oai_dc").report
    assert f"harvest {KEY} from 2024-01-25" in report.notes
    assert any("adopted" in n for n in report.notes)


def test_a_legacy_checkpoint_resumes_in_the_configured_store_only(
    tmp_path: Path, config_file: Path, replay: ReplayServer
) -> None:
    config = load_config(config_file)
    legacy = legacy_checkpoint(config)

    other = config.with_store_path(tmp_path / "other")
    before = len(replay.requests_to("/oai"))
    report = harvest(other, "cs", "oai_dc", "2024-01-25").report
    assert (report.outcome, report.records_loaded) == ("ok", 8)  # the whole list, from page 1
    assert oai_requests(replay, before)[0] == {"from": "2024-01-25", "token": None}
    assert legacy.exists()

    before = len(replay.requests_to("/oai"))
    report = harvest(config, "cs", "oai_dc").report
    assert oai_requests(replay, before) == [{"from": None, "token": STITCHED_TOKEN}]
    assert report.records_loaded == 3  # page 2 only
    assert f"harvest {KEY} resuming after page 1" in report.notes
    assert any("checkpoint of harvest" in n and "adopted" in n for n in report.notes)
    assert not legacy.exists()
    assert not (store_state_dir(config) / CHECKPOINT).exists()  # finished
    assert HarvestState(store_state_dir(config) / "oai-harvest.json").get(KEY) is not None
