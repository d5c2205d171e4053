"""``--config-set``, ``--set``'s spelling on every command: ``arxiv harvest`` (whose ``--set``
is an OAI set) takes the configuration's keys by it, and ``schedule serve``'s runs get them
(before: neither command took one). A store ``--set store.path`` gives is the configured store
(before: the file was read again without it, and the store was judged one ``--store`` gave)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from conftest import write_config
from scholarkg.cli import build_parser, main
from scholarkg.cli.common import settings
from scholarkg.config import load_config

pytest_plugins = ("arxiv_fixtures",)
HARVEST = ["arxiv", "harvest", "--set", "cs", "--prefix", "oai_dc"]


pytestmark = pytest.mark.usefixtures("clean_environment")  # tests/conftest.py


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return arxiv_server


def _legacy_watermarks(replay: ReplayServer, tmp_path: Path) -> tuple[Path, Path]:
    """A config, and harvest watermarks left where older versions kept them (the data
    directory's state folder, one for every store)."""
    config = write_config(tmp_path, [], arxiv={"min_interval": 0.05}, http={"max_retries": 1})
    assert main([*HARVEST, "--config", str(config), "--from", "2024-01-25"]) == 0
    legacy = tmp_path / "data" / "state" / "oai-harvest.json"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(tmp_path / "store" / "oai-harvest.json", legacy)
    return config, legacy


def test_a_store_config_set_gives_is_the_configured_store(
    replay: ReplayServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It adopts the watermarks left in the data directory, and harvests on from them."""
    config, legacy = _legacy_watermarks(replay, tmp_path)
    other = tmp_path / "other"
    argv = [*HARVEST, "--config", str(config), "--config-set", f"store.path={other}"]
    assert main(argv) == 0, capsys.readouterr()  # no --from: the adopted watermark is read
    assert "harvest watermarks adopted from" in capsys.readouterr().out
    assert not legacy.exists()
    assert "oai_dc set=cs" in json.loads((other / "oai-harvest.json").read_text())["harvests"]


def test_a_store_store_gives_still_starts_afresh(
    replay: ReplayServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, legacy = _legacy_watermarks(replay, tmp_path)
    argv = [*HARVEST, "--config", str(config), "--store", str(tmp_path / "other")]
    assert main(argv) == 1  # no watermark of its own, and no --from
    assert "adopted" not in capsys.readouterr().err
    assert legacy.exists()


def test_config_set_is_set_on_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both spellings fill one list, the last of a key winning whichever spelling gave it."""
    argv = ["quarantine", "list", "--set", f"data.dir={tmp_path / 'a'}"]
    assert main([*argv, "--config-set", f"data.dir={tmp_path / 'b'}"]) == 0
    assert capsys.readouterr().out.startswith(str(tmp_path / "b" / "quarantine"))
    for command in (["run"], ["query", "--list"], ["schedule", "list"], ["schedule", "serve"]):
        args = build_parser().parse_args([*command, "--config-set", "store.segment_quads=5000"])
        assert [(o.option, o.given) for o in args.overrides] == [
            ("--config-set", "store.segment_quads=5000")
        ], command


def test_harvest_takes_the_configuration_by_config_set_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = build_parser().parse_args([*HARVEST, "--config-set", "arxiv.min_interval=5"])
    assert (args.sets, settings(args)) == (["cs"], ["arxiv.min_interval=5"])
    with pytest.raises(SystemExit) as done:
        main([*HARVEST, "--config-set", "arxiv.min_intervall=5"])
    assert done.value.code == 2
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .startswith(
            "scholarkg arxiv harvest: error: argument --config-set: 'arxiv.min_intervall=5': "
            "[arxiv] min_intervall: unknown key; did you mean `arxiv.min_interval`?"
        )
    )
    with pytest.raises(SystemExit):
        main(["arxiv", "harvest", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--config-set SECTION.KEY=VALUE one key of the configuration (--set elsewhere" in text


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["arxiv", "harvest", "--set", "cs"], "--config-set"),
        (["quarantine", "list"], "--config-set"),
        (["quarantine", "list"], "--set"),
    ],
)
def test_a_load_time_error_names_the_spelling_typed(
    command: list[str], option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value only the whole config refuses, or a new schedule without its flow, names the
    option as typed (before: always ``--set``, an OAI set on ``arxiv harvest``)."""
    config = write_config(tmp_path, [])
    assert main([*command, "--config", str(config), option, "store.path=/"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {option} store.path=/: [store] path must name a directory"), err
    weekly = "schedules.weekly.cron=0 4 * * 1"
    assert main(["schedule", "list", option, weekly]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"error: {option} {weekly}: [schedules.weekly] flow: missing"


def test_each_served_schedule_is_given_the_set(tmp_path: Path) -> None:
    """``schedule serve --set``: every deployment's runs get the values as their
    ``settings``, after any the schedule gives, and every schedulable flow takes them."""
    import inspect

    from scholarkg_flows.deployments import deployments_for, schedulable_flows

    config = write_config(tmp_path, [])
    with config.open("a", encoding="utf-8") as handle:
        handle.write(
            '[schedules.a]\nflow = "build_kg"\ncron = "0 3 * * *"\n'
            'parameters = { settings = ["arxiv.enabled=true"] }\n'
            '[schedules.b]\nflow = "harvest_arxiv"\ncron = "0 4 * * *"\n'
            '[schedules.c]\nflow = "load_snapshot"\ncron = "0 5 * * *"\n'
            'parameters = { path = "/data/snapshot.json" }\n'
        )
    given = [f"data.dir={tmp_path / 'given'}"]
    served = deployments_for(load_config(config, given), given)
    assert [d.parameters["settings"] for d in served] == [
        ["arxiv.enabled=true", *given],
        given,
        given,
    ]
    assert [d.parameters["config_path"] for d in served] == [str(config)] * 3
    for flow in schedulable_flows().values():
        assert "settings" in inspect.signature(flow.fn).parameters, flow.name
    assert "settings" not in deployments_for(load_config(config))[1].parameters


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_the_harvest_and_snapshot_flows_read_their_settings(
    replay: ReplayServer, tmp_path: Path
) -> None:
    """What a served run is given reaches the config it loads (here, the store)."""
    from scholarkg_flows.harvest_arxiv import harvest_arxiv
    from scholarkg_flows.load_snapshot import load_snapshot

    from samples import ROOT

    config = write_config(tmp_path, [], arxiv={"min_interval": 0.05}, http={"max_retries": 1})
    harvested = tmp_path / "harvested"
    report = harvest_arxiv(
        config_path=str(config),
        set_spec="cs",
        metadata_prefix="oai_dc",
        from_date="2024-01-25",
        settings=[f"store.path={harvested}"],
    )
    assert report.records_loaded == 8 and (harvested / "oai-harvest.json").is_file()
    snapshot = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
    loaded = tmp_path / "loaded"
    report = load_snapshot(
        path=str(snapshot), config_path=str(config), settings=[f"store.path={loaded}"]
    )
    assert report.records_loaded == 100 and loaded.is_dir()
    assert not (tmp_path / "store").exists()
