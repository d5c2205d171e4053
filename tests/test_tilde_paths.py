"""A path option written ``--opt=~/x`` (where the shell leaves ``~`` as it is) names ``x`` in the
home directory, as a path in the config does. Before, ``--store=~/kg`` was ``<cwd>/~/kg``: a
run made a directory called ``~`` in the working directory; ``--config=~/c.toml`` was 'config
file not found'."""

from __future__ import annotations

import json
import shutil
from argparse import Namespace
from pathlib import Path

import pytest

from samples import SAMPLE_PROFILE
from scholarkg.cli import build_parser, main
from scholarkg.cli.common import load


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.chdir(tmp_path)
    return folder


def test_config_and_store_options(home: Path) -> None:
    (home / "c.toml").write_text('[data]\ndir = "data"\n', encoding="utf-8")
    config = load(Namespace(config="~/c.toml", store="~/kg"))
    assert config.source == home / "c.toml" and config.data_dir == home / "data"
    assert config.store.path == home / "kg"


def test_profile_output_and_snapshot_arguments(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copyfile(SAMPLE_PROFILE, home / "p.txt")
    assert main(["profile", "parse", "~/p.txt", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == str(home / "p.txt")
    parser = build_parser()
    assert parser.parse_args(["run", "--profile", "~/p.txt"]).profile == [str(home / "p.txt")]
    assert parser.parse_args(["export", "--output", "~/d.nq"]).output == str(home / "d.nq")
    assert parser.parse_args(["export", "--output", "-"]).output == "-"
    snapshot = parser.parse_args(["arxiv", "load-snapshot", "~/s.json"])
    assert snapshot.file == str(home / "s.json")
    assert [p.name for p in home.parent.iterdir() if p.name == "~"] == []
