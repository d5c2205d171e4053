"""An operator harvests an earlier date again (``--from DATE --again``, the flow's ``again``):
the watermark of that (metadataPrefix, set) moves back to DATE for the run, a checkpoint is
dropped, and the records already held in the same version are not counted as new. A date after
the watermark is refused (it would skip records), as is ``--again`` without a date.

Before, ``--from`` was ignored once a watermark existed: the only way to ask again was deleting
``oai-harvest.json`` by hand, every set's watermark with it.

Page 1 is the real oai_dc ``set=cs`` answer of the fixtures (5 records); page 2 the real hep-ex
answer (3 records) the replay server serves for page 1's token as the end of the list. Page 1's
``completeListSize`` is rewritten to 8 (CONSTRUCTED) where a list must end complete.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from arxiv_replay import STITCHED_TOKEN, Fault, ReplayServer
from arxiv_versions import held_versions, page, raw_record
from building import counted
from conftest import write_config
from harvest_pages import froms, page_one_saying
from scholarkg.cli import main
from scholarkg.config import Config, load_config
from scholarkg.errors import ConfigError
from scholarkg.extract.oai_state import HarvestState, Watermark
from scholarkg.harvest import WATERMARKS_NAME, checkpoint_name
from scholarkg.load.manifest import store_state_dir
from scholarkg.runs.arxiv_harvest import harvest

pytest_plugins = ("arxiv_fixtures",)

KEY = "oai_dc set=cs"
OTHER = "oai_dc set=math"


@pytest.fixture
def config_file(
    tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})


@pytest.fixture
def config(config_file: Path) -> Config:
    return load_config(config_file)


def state(config: Config) -> HarvestState:
    return HarvestState(store_state_dir(config) / WATERMARKS_NAME)


def mark(config: Config, key: str = KEY) -> Watermark:
    found = state(config).get(key)
    assert found is not None
    return found


def test_again_moves_the_watermark_back_and_counts_nothing_new(
    config: Config, arxiv_server: ReplayServer, tmp_path: Path
) -> None:
    page_one_saying(arxiv_server, 8)
    first = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(first)[:2] == (8, 8) and first.graphs_written > 0
    assert mark(config).from_date == "2024-01-27"
    state(config).advance(OTHER, mark(config).response_date)  # another set's watermark

    page_one_saying(arxiv_server, 8)  # served once a fault: the complete list again
    report = harvest(config, "cs", "oai_dc", "2024-01-25", again=True).report
    assert froms(arxiv_server) == ["2024-01-25", "2024-01-25"]
    assert [r.param("resumptionToken") for r in arxiv_server.requests_to("/oai")][-1] == (
        STITCHED_TOKEN
    )
    note = f"harvest {KEY} again from 2024-01-25 (--again): the watermark moved back from "
    note += "2024-01-27"
    assert note in report.notes
    assert f"note: {note}" in report.summary_lines()
    written = json.loads(report.write_json(tmp_path / "reports").read_text(encoding="utf-8"))
    assert note in written["notes"]
    # the same records in the same state: read and loaded (the store holds them), none new
    assert counted(report) == (8, 8, 0, 0) and report.outcome == "ok"
    assert (report.graphs_written, report.triples_added, report.triples_removed) == (0, 0, 0)
    assert (report.persons_new, report.records_held_back) == (0, 0)
    assert report.graphs_unchanged == 8  # one a record (their persons are not touched)
    # the list ended: the watermark advances again; the other set's is untouched
    assert (mark(config).from_date, mark(config).short_from) == ("2024-01-27", None)
    assert mark(config, OTHER).from_date == "2024-01-27"


def test_harvested_again_a_version_never_rolls_back(
    config: Config, arxiv_server: ReplayServer
) -> None:
    """The days asked again list 0704.0002 with an older latest version (CONSTRUCTED arXivRaw
    page 2: v1-v3 the first time, v1-v2 the second, as a server that lost v3): held back."""
    for latest in (3, 2):
        body = page(raw_record(latest), "")
        arxiv_server.add_fault(
            Fault("status", body=body), path="/oai", resumptionToken=STITCHED_TOKEN
        )
    first = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(first) == (6, 6, 0, 0) and first.records_held_back == 0
    again = harvest(config, "cs", "oai_dc", "2024-01-25", again=True).report
    assert froms(arxiv_server) == ["2024-01-25", "2024-01-25"]
    assert again.records_held_back == 1
    assert held_versions(config) == ([1, 2, 3], ["Sparsity-certifying Graph Decompositions (v3)"])


def test_a_date_after_the_watermark_is_refused_and_asks_nothing(
    config: Config, arxiv_server: ReplayServer
) -> None:
    page_one_saying(arxiv_server, 8)
    harvest(config, "cs", "oai_dc", "2024-01-25")
    before, asked = mark(config), len(arxiv_server.requests_to("/oai"))
    with pytest.raises(ConfigError) as refused:
        harvest(config, "cs", "oai_dc", "2024-01-28", again=True)
    assert str(refused.value) == (
        f"harvest {KEY}: cannot harvest again from 2024-01-28, after its watermark 2024-01-27 "
        "(that would skip the records listed between them); give --from / from_date no later "
        "than 2024-01-27"
    )
    assert len(arxiv_server.requests_to("/oai")) == asked and mark(config) == before


def test_a_date_after_one_sets_watermark_refuses_every_set_before_any_is_asked(
    config_file: Path,
    config: Config,
    arxiv_server: ReplayServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before, each set was checked when its turn came: cs was harvested again, then math was
    refused and the command failed half-way."""
    at = dt.datetime(2024, 1, 24, 12, tzinfo=dt.UTC)
    state(config).advance(KEY, dt.datetime(2024, 1, 27, 12, tzinfo=dt.UTC))
    state(config).advance(OTHER, at)
    args = ["arxiv", "harvest", "--set", "cs", "--set", "math", "--prefix", "oai_dc"]
    assert main([*args, "--from", "2024-01-25", "--again", "--config", str(config_file)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"harvest {OTHER}: cannot harvest again from 2024-01-25" in err[0]
    assert arxiv_server.requests_to("/oai") == []
    assert (mark(config).from_date, mark(config, OTHER).response_date) == ("2024-01-27", at)


def test_again_without_a_date_is_refused_before_the_run(
    config: Config, arxiv_server: ReplayServer, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=r"^--again / again needs the date"):
        harvest(config, "cs", "oai_dc", None, again=True)
    assert arxiv_server.requests_to("/oai") == [] and not (tmp_path / "store").exists()


def test_again_drops_the_checkpoint_with_a_notice(
    tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run cut by ``harvest_max_pages`` left a checkpoint holding page 1's token: harvested
    again, the list starts over from the date (no token sent) and the notice says what went."""
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    capped = load_config(
        write_config(
            tmp_path,
            [],
            arxiv={"min_interval": 0.01},
            http={"max_retries": 1},
            limits={"harvest_max_pages": 1},
        )
    )
    harvest(capped, "cs", "oai_dc", "2024-01-25")
    assert (store_state_dir(capped) / checkpoint_name(KEY)).exists()
    report = harvest(capped, "cs", "oai_dc", "2024-01-25", again=True).report
    assert [r.param("resumptionToken") for r in arxiv_server.requests_to("/oai")] == [None, None]
    assert report.notes[:3] == [
        f"harvest {KEY} from 2024-01-25",
        f"harvest {KEY} again from 2024-01-25 (--again): no watermark",
        f"harvest {KEY}: the checkpoint of the harvest from 2024-01-25 (after page 1, 5 "
        "records) is dropped: harvested again",
    ]


def test_the_cli_harvests_again_and_refuses_in_one_line(
    config: Config,
    config_file: Path,
    arxiv_server: ReplayServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    page_one_saying(arxiv_server, 8)
    path = str(config_file)
    args = ["arxiv", "harvest", "--set", "cs", "--prefix", "oai_dc", "--config", path]
    assert main([*args, "--from", "2024-01-25"]) == 0
    page_one_saying(arxiv_server, 8)
    assert main([*args, "--from", "2024-01-25", "--again"]) == 0
    out = capsys.readouterr().out
    assert "again from 2024-01-25 (--again): the watermark moved back from 2024-01-27" in out
    assert froms(arxiv_server) == ["2024-01-25", "2024-01-25"]
    assert main([*args, "--from", "2024-02-01", "--again"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot harvest again from 2024-02-01" in err[0]
    with pytest.raises(SystemExit) as done:  # before: exit 1, after the config was read
        main([*args, "--again"])
    err = capsys.readouterr().err.strip().splitlines()
    assert done.value.code == 2
    assert err[-1] == (
        "scholarkg arxiv harvest: error: --again needs --from DATE, the date to harvest again from"
    )
    with pytest.raises(SystemExit) as done:
        main([*args, "--from", "2024-1-5x", "--again"])
    assert done.value.code == 2 and "--from: '2024-1-5x' is not a date" in capsys.readouterr().err
    assert len(froms(arxiv_server)) == 2
    assert mark(config).from_date == "2024-01-27"


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_the_harvest_arxiv_flow_harvests_again(
    config: Config, config_file: Path, arxiv_server: ReplayServer
) -> None:
    from scholarkg_flows.harvest_arxiv import harvest_arxiv

    path = str(config_file)
    harvest(config, "cs", "oai_dc", "2024-01-25")  # short: held at 2024-01-25
    report = harvest_arxiv(
        config_path=path,
        set_spec="cs",
        metadata_prefix="oai_dc",
        from_date="2024-01-25",
        again=True,
    )
    assert (
        f"harvest {KEY} again from 2024-01-25 (--again): the watermark moved back from "
        "2024-01-25" in report.notes
    )
    assert froms(arxiv_server) == ["2024-01-25", "2024-01-25"]
    with pytest.raises(ConfigError, match="cannot harvest again from 2024-01-26"):
        harvest_arxiv(
            config_path=path,
            set_spec="cs",
            metadata_prefix="oai_dc",
            from_date="2024-01-26",
            again=True,
        )
